import type { Settings } from '../../../shared/settings';

/**
 * How long the server waits after the last edit of a document before analysing it.
 *
 * Starting at once gives the earliest diagnostics, but an analysis the next keystroke overtakes is
 * work thrown away; waiting throws nothing away but delays the diagnostics. This is the
 * rent-or-buy problem, and its break-even answer is to wait as long as the work would take: the
 * wait here (`debounce: adaptive`, the default) is what an analysis of this document costs, as
 * measured on its last analyses (the time the analysis itself held the server's thread, not the
 * time it spent waiting its turn), and never more than `debounceMs`.
 *
 * What that bounds, whatever the typing rhythm: an analysis starts only after a quiet wait as long
 * as its expected cost, and stops at its next step once the next edit is read, so the work thrown
 * away after any one keystroke is at most the time since the wait ended plus the step under way,
 * and at most one analysis: analyses nobody sees take at most about half of the server's time while
 * the user types (the step under way aside). After the last keystroke, the diagnostics come after
 * at most twice the analysis's cost, where a fixed wait gives `debounceMs` plus the cost: a
 * document analysed in 10 ms waits 10 ms. Until a document has been analysed once, its wait is
 * `debounceMs`. `debounce: fixed` waits `debounceMs` always (the behaviour before).
 */
export class AnalysisWait {
  /** Per open document: the cost of its analyses, in ms (a running mean that halves the weight of older ones). */
  private readonly costs = new Map<string, number>();

  /** A finished analysis of `uri` held the thread `ms` in all. */
  noteCost(uri: string, ms: number): void {
    const before = this.costs.get(uri);
    this.costs.set(uri, before === undefined ? ms : (before + ms) / 2);
  }

  /** The expected cost of analysing `uri`, undefined before its first analysis. */
  cost(uri: string): number | undefined {
    return this.costs.get(uri);
  }

  /** How long to wait after the last edit before analysing `uri`. */
  waitMs(uri: string, settings: Pick<Settings, 'debounce' | 'debounceMs'>): number {
    const cost = this.costs.get(uri);
    if (settings.debounce === 'fixed' || cost === undefined) return settings.debounceMs;
    return Math.min(settings.debounceMs, cost);
  }

  /** The document closed. */
  forget(uri: string): void {
    this.costs.delete(uri);
  }

  /** Documents with a cost (tests: closed documents leave nothing behind). */
  uris(): IterableIterator<string> {
    return this.costs.keys();
  }
}
