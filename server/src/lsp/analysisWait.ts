import type { Settings } from '../../../shared/settings';

/** A pause this many times the typist's typical gap between keystrokes ends the wait. */
export const RHYTHM_FACTOR = 2;
/** Gaps kept per document (the median of these is the rhythm). */
const RHYTHM_SAMPLES = 8;
/** Gaps needed before the rhythm is trusted. */
const RHYTHM_MIN_SAMPLES = 4;
/** Edits closer than this are one gesture (no one types a key every 10 ms), not a keystroke's gap. */
const KEYSTROKE_MIN_GAP_MS = 10;
/** Gaps this long or longer are pauses, not the rhythm. */
const KEYSTROKE_MAX_GAP_MS = 1000;

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
 * The typist's rhythm shortens that wait. Rent-or-buy knows nothing of when the next keystroke comes;
 * the edits do: someone typing a key every 30 ms who has stopped for 60 ms has most likely stopped.
 * So the wait is also at most `RHYTHM_FACTOR` times the document's recent typical gap between edits
 * (the median of the last `RHYTHM_SAMPLES` gaps that look like keystrokes, at least `RHYTHM_MIN_SAMPLES`
 * of them). What that costs: an analysis starts in a mid-typing pause longer than twice the typist's
 * median gap (with keystroke gaps spread as people type, a few in a hundred), and the next edit stops it
 * at its next step, as before; what it buys is the last keystroke's diagnostics sooner by the
 * difference, whenever the analysis costs more than twice the gap (a fast typist on a large file).
 */
export class AnalysisWait {
  /** Per open document: the cost of its analyses, in ms (a running mean that halves the weight of older ones). */
  private readonly costs = new Map<string, number>();
  /** Per open document: when its last edit came, and the last gaps between edits that look like keystrokes (ms). */
  private readonly edits = new Map<string, { at: number; gaps: number[] }>();

  /** The clock edits are timed by (tests drive it by hand). */
  now: () => number = Date.now;

  /** An edit of `uri` arrived (now, or at `at` ms). */
  noteEdit(uri: string, at = this.now()): void {
    const seen = this.edits.get(uri);
    if (!seen) {
      this.edits.set(uri, { at, gaps: [] });
      return;
    }
    const gap = at - seen.at;
    seen.at = at;
    // Shorter: one gesture's edits (a paste, a multi-cursor keystroke, a format); longer: a pause, not the rhythm.
    if (gap < KEYSTROKE_MIN_GAP_MS || gap >= KEYSTROKE_MAX_GAP_MS) return;
    seen.gaps.push(gap);
    if (seen.gaps.length > RHYTHM_SAMPLES) seen.gaps.shift();
  }

  /** The typical gap between keystrokes in `uri` (the median of the recent ones), undefined until enough are known. */
  rhythmMs(uri: string): number | undefined {
    const gaps = this.edits.get(uri)?.gaps;
    if (!gaps || gaps.length < RHYTHM_MIN_SAMPLES) return undefined;
    const sorted = [...gaps].sort((a, b) => a - b);
    return sorted[sorted.length >> 1];
  }

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
    const rhythm = this.rhythmMs(uri);
    return Math.min(settings.debounceMs, cost, rhythm === undefined ? Infinity : RHYTHM_FACTOR * rhythm);
  }

  /** The document closed. */
  forget(uri: string): void {
    this.costs.delete(uri);
    this.edits.delete(uri);
  }

  /** Documents with a cost or an edit noted (tests: closed documents leave nothing behind). */
  uris(): string[] {
    return [...new Set([...this.costs.keys(), ...this.edits.keys()])];
  }
}
