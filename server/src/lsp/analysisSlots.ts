/**
 * How many analyses run at once, and who goes next.
 *
 * An analysis runs in steps (the model, then one rule at a time) and yields between them; without
 * a limit, opening 500 files started 500 analyses that all advanced together, each holding its
 * syntax copy and its model until the last rule: 2.7 GB at load 16 (one at a time: one copy and
 * one model in flight). One slot also costs no speed: the machine has a single event loop.
 *
 * Requests are served in the order they came. Newest-first (the first version) is wrong for the
 * open storm: each first analysis of a file changes the workspace graph, which re-judges its open
 * neighbours, and served newest-first those re-judged neighbours all ran before the next file's
 * first analysis (a wave of neighbours per file). In arrival order they wait behind the first
 * analyses, and a neighbour re-judged again meanwhile finds its earlier request outdated. A
 * waiter whose document moved on is still handed the slot and gives it back at once (its
 * `stale` check), so it costs nothing.
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
      const next = this.waiting.shift();
      // The slot passes to the oldest waiter directly: the count does not change.
      if (next) next();
      else this.running--;
    };
  }

  /** Requests waiting for a slot (tests). */
  get queued(): number {
    return this.waiting.length;
  }
}
