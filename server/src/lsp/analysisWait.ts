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
 *
 * The analysis a wait precedes resumes from the document's last model (an edit's), so the cost that
 * counts is that of analyses that resumed: an analysis from scratch (the first after opening, or
 * after the settings changed) costs several times more (3-13x in the server's log at 5k and 20k lines), and mixed into the mean it
 * kept the wait above the cost for the next few analyses. It is the estimate only until the first
 * resumed analysis is measured, which then replaces it; later analyses from scratch leave the
 * estimate alone.
 */
export class AnalysisWait {
  /** Per open document: the cost of its analyses, in ms (a running mean that halves the weight of older ones), and whether it is of resumed ones. */
  private readonly costs = new Map<string, { ms: number; resumed: boolean }>();

  /** A finished analysis of `uri` held the thread `ms` in all; `from`: whether it resumed from an earlier model or started from scratch. */
  noteCost(uri: string, ms: number, from: 'resumed' | 'scratch'): void {
    const before = this.costs.get(uri);
    const resumed = from === 'resumed';
    if (before === undefined || (resumed && !before.resumed)) this.costs.set(uri, { ms, resumed });
    else if (resumed === before.resumed) this.costs.set(uri, { ms: (before.ms + ms) / 2, resumed });
  }

  /** The expected cost of analysing `uri`, undefined before its first analysis. */
  cost(uri: string): number | undefined {
    return this.costs.get(uri)?.ms;
  }

  /** How long to wait after the last edit before analysing `uri`. */
  waitMs(uri: string, settings: Pick<Settings, 'debounce' | 'debounceMs'>): number {
    const cost = this.costs.get(uri)?.ms;
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
