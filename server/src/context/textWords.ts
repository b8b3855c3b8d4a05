import { carriedDltImport, dltImportIn, holdsDltWord, type DltImportMatch } from './codeContext';

/**
 * The one range of a previous version's text that an edit (or several, merged) changed: its
 * `[start, oldEnd)` is this version's `[start, newEnd)`; the text before `start` is the same, the
 * text after `oldEnd` is the same shifted by `newEnd - oldEnd`.
 */
export interface EditedRange {
  start: number;
  oldEnd: number;
  newEnd: number;
}

/**
 * Edits applied one after the other (each in the offsets of the text the one before left), as the
 * one range they changed together; undefined for none.
 */
export function mergeEdits(edits: readonly EditedRange[]): EditedRange | undefined {
  let merged: EditedRange | undefined;
  for (const e of edits) {
    if (!merged) {
      merged = { ...e };
      continue;
    }
    // In the offsets of the text before `e`, the merged range ends at `merged.newEnd`; what `e`
    // replaces past that end lay past `merged.oldEnd` in the first text, shifted as the range was.
    const shift = merged.newEnd - merged.oldEnd;
    const start = Math.min(merged.start, e.start);
    const oldEnd = Math.max(merged.oldEnd, e.oldEnd - shift);
    const newEnd = Math.max(merged.newEnd + (e.newEnd - e.oldEnd), e.newEnd);
    merged = { start, oldEnd, newEnd };
  }
  return merged;
}

/** What a model's text answered: its length, the first offset of each word asked (-1: none), and a DLT import's place if asked. */
interface Answers {
  length: number;
  first: Map<string, number>;
  /** A match of DLT_IMPORT (null: none; undefined: not asked). */
  dlt?: DltImportMatch | null;
}

/** Keyed by what the text was analysed for (the analysis's model), so that the next model finds the previous one's. */
const answersOf = new WeakMap<object, Answers>();

/**
 * Whether a model's text holds literal words, each searched once per model, and after an edit from
 * the previous model's answer and the edited range (issue 18): the code context's whole-file tests
 * (a DLT import, a managed decorator, Faker) run only on a text that holds their word, and searching
 * the 20k-line text for each word after every keystroke was the whole test's cost.
 *
 * Why exact: the first occurrence `p` of a word of length `L` in the previous text, and an edit
 * `[start, oldEnd) -> [start, newEnd)`. An occurrence of the new text lying wholly before `start`
 * was one of the previous text at the same offset, one lying wholly from `newEnd` on was one at its
 * offset less the shift; any other starts in `[start - L + 1, newEnd)`, the window searched. So:
 * `p` wholly before `start` stays the first; `p` from `oldEnd` on becomes `p + shift` unless the
 * window holds one (which then comes first); `p` across the edited range leaves no occurrence before
 * the window, and the first from the window's start on is searched; no `p` leaves the window's.
 */
export class TextWords {
  private readonly first = new Map<string, number>();
  private readonly before: Answers | undefined;
  private readonly answers: Answers;

  constructor(
    private readonly text: string,
    owner: object,
    previous?: object,
    private readonly edited?: EditedRange,
  ) {
    const was = previous && edited ? answersOf.get(previous) : undefined;
    // The range must describe the previous text and this one (a text given without its edits is searched whole).
    const fits =
      !!was &&
      !!edited &&
      0 <= edited.start &&
      edited.start <= edited.oldEnd &&
      edited.oldEnd <= was.length &&
      edited.start <= edited.newEnd &&
      edited.newEnd <= text.length &&
      was.length - edited.oldEnd === text.length - edited.newEnd;
    this.before = fits ? was : undefined;
    this.answers = { length: text.length, first: this.first };
    answersOf.set(owner, this.answers);
  }

  /**
   * Whether the text holds a DLT_IMPORT match (`importsDlt`), asked only of a text holding one of its
   * words, and after an edit from the previous text's match or its none (`carriedDltImport`).
   */
  importsDlt(): boolean {
    let m = this.answers.dlt;
    if (m === undefined) {
      const before = this.before?.dlt;
      const e = this.edited;
      this.answers.dlt = m = !holdsDltWord((w) => this.has(w))
        ? null
        : before === undefined || !e
          ? dltImportIn(this.text)
          : carriedDltImport(this.text, before, e);
    }
    return m !== null;
  }

  /** @internal Whether the answer for `word` is carried from the previous text's (for the tests' floor). */
  carries(word: string): boolean {
    return !!this.edited && !!this.before?.first.has(word);
  }

  has(word: string): boolean {
    return this.firstOf(word) >= 0;
  }

  /** The offset of the first occurrence of `word`, or -1. */
  firstOf(word: string): number {
    let at = this.first.get(word);
    if (at === undefined) this.first.set(word, (at = this.search(word)));
    return at;
  }

  private search(word: string): number {
    const p = this.before?.first.get(word);
    const e = this.edited;
    if (p === undefined || !e) return this.text.indexOf(word);
    const from = Math.max(0, e.start - word.length + 1);
    if (p >= 0 && p + word.length <= e.start) return p;
    if (p >= 0 && p < e.oldEnd) return this.text.indexOf(word, from);
    const inWindow = this.text.slice(from, e.newEnd + word.length - 1).indexOf(word);
    if (inWindow >= 0) return from + inWindow;
    return p >= 0 ? p + e.newEnd - e.oldEnd : -1;
  }
}
