/**
 * How many analyses run at once, and who goes next.
 *
 * An analysis runs in steps (the model, then one rule at a time) and yields between them; without
 * a limit, opening 500 files started 500 analyses that all advanced together, each holding its
 * syntax copy and its model until the last rule: 2.7 GB at load 16 (one at a time: one copy and
 * one model in flight). One slot also costs no speed: the machine has a single event loop.
 *
 * The newest request goes first: that is the document the user just typed in or hovered, while a
 * burst of opens or re-judged neighbours waits. A waiter whose document moved on meanwhile is
 * still handed the slot and gives it back at once (its `stale` check), so it costs nothing.
 */
export class AnalysisSlots {
  private running = 0;
  private readonly waiting: (() => void)[] = [];
  /** The most analyses that ever ran at once (tests). */
  peak = 0;

  constructor(private readonly size = 1) {}

  /** Resolves when a slot is free; call the returned function once the analysis is over. */
  async acquire(): Promise<() => void> {
    if (this.running >= this.size) await new Promise<void>((resolve) => this.waiting.push(resolve));
    else this.running++;
    this.peak = Math.max(this.peak, this.running);
    let released = false;
    return () => {
      if (released) return;
      released = true;
      const next = this.waiting.pop();
      // The slot passes to the newest waiter directly: the count does not change.
      if (next) next();
      else this.running--;
    };
  }

  /** Requests waiting for a slot (tests). */
  get queued(): number {
    return this.waiting.length;
  }
}
