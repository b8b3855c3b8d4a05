import type { Node } from '../parsing/pythonParser';
import type { SyntaxNode } from '../parsing/syntaxTree';
import type { FunctionJournal } from './functionJournal';

/**
 * A function journal moved with the statements it reads. When an edit leaves a top-level statement's
 * text unchanged, the syntax copy clones it and adopts the previous copy's node objects at the
 * clone's place (`SyntaxTree`): the same objects, their ids moved by that statement's shift and their
 * offsets by its delta; a statement before the first change is taken over unmoved. The journal's
 * additions hold nodes (the same objects, now at their new place) and frames (the same ids when the
 * first free frame id is the same; else the replay copies them with their ids moved, `journalShift.ts`),
 * so they need nothing here; what holds node ids and offsets as numbers is renumbered here: memo keys
 * (the called def's id leads the key, the arguments are frame ids and values), analysed def ids,
 * frame-name offsets.
 *
 * Each number is renumbered by the move of the top-level statement it lay in when the analysis ran
 * (`StatementPlace`, recorded with the journal): its own statement, a helper or UDF it called,
 * defined before or after it. That is exact because those statements are the same node objects (the
 * replay requires every module value read to be the same object as when it was journaled, and a
 * function value is the same object only for the same def node in the same scope, see
 * `defineFunction`), so a number denoting a node or a place inside one denotes the same node at the
 * statement's new place. A statement that is no longer in the current copy (read again after an
 * edit, or deleted) or has another size gives up, and the function runs.
 */

/** A top-level statement a journal's numbers lie in, where it was when the analysis ran. */
export interface StatementPlace {
  node: Node;
  id: number;
  idEnd: number;
  start: number;
  end: number;
}

/** One of the two numberings a journal's numbers are in: node ids, or offsets in the text. */
interface Axis {
  /** The range a place covers on this axis (from inclusive, to exclusive). */
  from(p: StatementPlace): number;
  to(p: StatementPlace): number;
  /** Where a statement starts on this axis. */
  start(c: SyntaxNode): number;
}
const IDS: Axis = { from: (p) => p.id, to: (p) => p.idEnd, start: (c) => c.id };
const OFFSETS: Axis = { from: (p) => p.start, to: (p) => p.end, start: (c) => c.startIndex };

/** The top-level statements of `root` holding `ids` and `offsets` (each at most once, the first one asked first); undefined when one lies in none. */
export function statementPlaces(root: Node, ids: Iterable<number>, offsets: Iterable<number>): StatementPlace[] | undefined {
  const children = root.children as SyntaxNode[];
  const places: StatementPlace[] = [];
  const find = (x: number, axis: Axis): boolean => {
    for (const p of places) if (x >= axis.from(p) && x < axis.to(p)) return true;
    // The last child starting at or before x (children are in document order, ids are preorder).
    let lo = 0;
    let hi = children.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (axis.start(children[mid]) <= x) lo = mid + 1;
      else hi = mid;
    }
    const c = children[lo - 1];
    if (!c) return false;
    const place = { node: c, id: c.id, idEnd: c.subtreeEnd, start: c.startIndex, end: c.endIndex };
    if (x < axis.from(place) || x >= axis.to(place)) return false;
    places.push(place);
    return true;
  };
  for (const x of ids) if (!find(x, IDS)) return undefined;
  for (const x of offsets) if (!find(x, OFFSETS)) return undefined;
  return places;
}

/** The ids and offsets a journal holds as numbers (what a `Renumbering` maps). */
export function journalNumbers(j: Omit<FunctionJournal, 'places'>): { ids: number[]; offsets: number[] } {
  const ids: number[] = [j.def.id];
  const offsets: number[] = [];
  for (const k of j.memo.keys()) ids.push(keyId(k));
  for (const x of j.analysed.keys()) ids.push(x);
  for (const x of j.refs.keys()) offsets.push(x);
  for (const [k] of j.memoWrites) ids.push(keyId(k));
  for (const x of j.analysedWrites) ids.push(x);
  for (const ref of j.newRefs) offsets.push(ref.start, ref.end - 1);
  for (const [x] of j.refPushes) offsets.push(x);
  for (const [x] of j.refLog) offsets.push(x);
  return { ids, offsets };
}

function keyId(k: string): number {
  return Number(k.slice(0, k.indexOf(':')));
}

/**
 * How a journal's numbers map to the current copy: each by the move of the statement it lay in when
 * the analysis ran. The journal itself is never rewritten: its places keep their node objects, which
 * always know where they are now, so the move from the recorded numbering is read afresh at each
 * placement (cheaper than copying every memo key, frame name and log entry per keystroke).
 */
export class Renumbering {
  constructor(
    private readonly places: readonly StatementPlace[],
    private readonly shifts: readonly number[],
    private readonly deltas: readonly number[],
    /** A statement other than the journal's own (its first place) moved. */
    readonly across: boolean,
  ) {}

  id(x: number): number {
    const places = this.places;
    for (let i = 0; i < places.length; i++) if (x >= places[i].id && x < places[i].idEnd) return x + this.shifts[i];
    throw OUTSIDE;
  }

  offset(x: number): number {
    const places = this.places;
    for (let i = 0; i < places.length; i++) if (x >= places[i].start && x < places[i].end) return x + this.deltas[i];
    throw OUTSIDE;
  }

  /** A call memo key (`<def id>:<arguments>`) with its def's id renumbered; the arguments are frame ids and values. */
  key(k: string): string {
    const colon = k.indexOf(':');
    return `${this.id(Number(k.slice(0, colon)))}${k.slice(colon)}`;
  }
}

/**
 * Where `j`'s statements are in `root`'s copy: null when none moved (its numbers hold as recorded), a
 * renumbering when some did, undefined when one is no longer there (not taken over nor adopted by the
 * current copy: read again after an edit, or deleted) or has another size.
 */
export function placement(j: FunctionJournal, root: Node): Renumbering | null | undefined {
  const owner = (root as SyntaxNode).owner;
  const places = j.places;
  // The moves are kept only from the first moved statement on (most journals have none: no array is
  // made for them; this runs for every pending analysis on every keystroke).
  let shifts: number[] | undefined;
  let deltas: number[] | undefined;
  let across = false;
  for (let i = 0; i < places.length; i++) {
    const p = places[i];
    const s = p.node as SyntaxNode;
    // Only a statement the current copy took over or adopted is its node object there; another size is another statement.
    if (s.owner !== owner || s.subtreeEnd - s.id !== p.idEnd - p.id || s.endIndex - s.startIndex !== p.end - p.start) return undefined;
    const shift = s.id - p.id;
    const delta = s.startIndex - p.start;
    if (shift !== 0 || delta !== 0) {
      if (!shifts) {
        shifts = new Array<number>(i).fill(0);
        deltas = new Array<number>(i).fill(0);
      }
      if (i > 0) across = true;
    }
    if (shifts) {
      shifts.push(shift);
      deltas!.push(delta);
    }
  }
  return shifts ? new Renumbering(places, shifts, deltas!, across) : null;
}

// Every number of a journal lies in one of its places (`statementPlaces` found them all, or no journal was kept).
const OUTSIDE = new Error('a journal number outside the statements it was placed in');
