import type { Node } from '../parsing/pythonParser';
import type { SyntaxNode } from '../parsing/syntaxTree';
import type { FunctionJournal } from './functionJournal';

/**
 * A function journal moved with the statements it reads. When an edit leaves a top-level statement's
 * text unchanged, the syntax copy clones it and adopts the previous copy's node objects at the
 * clone's place (`SyntaxTree`): the same objects, their ids moved by that statement's shift and their
 * offsets by its delta; a statement before the first change is taken over unmoved. The journal's
 * additions hold nodes (the same objects, now at their new place) and frames (the same ids when the
 * first free frame id is the same, which the replay requires), so they need nothing; what holds ids
 * and offsets as numbers is renumbered here: memo keys (the called def's id leads the key, the
 * arguments are frame ids and values), analysed def ids, frame-name offsets.
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

/** A top-level statement a journal's numbers lie in, where it was when they were last numbered. */
export interface StatementPlace {
  node: Node;
  id: number;
  idEnd: number;
  start: number;
  end: number;
}

/** The top-level statements of `root` holding `ids` and `offsets` (each at most once, the first one asked first); undefined when one lies in none. */
export function statementPlaces(root: Node, ids: Iterable<number>, offsets: Iterable<number>): StatementPlace[] | undefined {
  const children = root.children as SyntaxNode[];
  const places: StatementPlace[] = [];
  const find = (x: number, key: (p: StatementPlace) => [number, number], bound: (c: SyntaxNode) => number): boolean => {
    for (const p of places) {
      const [lo, hi] = key(p);
      if (x >= lo && x < hi) return true;
    }
    // The last child starting at or before x (children are in document order, ids are preorder).
    let lo = 0;
    let hi = children.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (bound(children[mid]) <= x) lo = mid + 1;
      else hi = mid;
    }
    const c = children[lo - 1];
    if (!c) return false;
    const place = { node: c, id: c.id, idEnd: c.subtreeEnd, start: c.startIndex, end: c.endIndex };
    const [from, to] = key(place);
    if (x < from || x >= to) return false;
    places.push(place);
    return true;
  };
  for (const x of ids)
    if (
      !find(
        x,
        (p) => [p.id, p.idEnd],
        (c) => c.id,
      )
    )
      return undefined;
  for (const x of offsets)
    if (
      !find(
        x,
        (p) => [p.start, p.end],
        (c) => c.startIndex,
      )
    )
      return undefined;
  return places;
}

/** The ids and offsets a journal holds as numbers (what `relocated` renumbers). */
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
 * `j` where its statements are now in `root`'s copy: `j` itself when none moved, renumbered when
 * some did (each number by its own statement's move), undefined when one is no longer there.
 */
export function relocated(j: FunctionJournal, root: Node): FunctionJournal | undefined {
  const owner = (root as SyntaxNode).owner;
  const places = j.places;
  const shifts: number[] = [];
  const deltas: number[] = [];
  let moved = false;
  for (const p of places) {
    const s = p.node as SyntaxNode;
    // Only a statement the current copy took over or adopted is its node object there; another size is another statement.
    if (s.owner !== owner || s.subtreeEnd - s.id !== p.idEnd - p.id || s.endIndex - s.startIndex !== p.end - p.start) return undefined;
    const shift = s.id - p.id;
    const delta = s.startIndex - p.start;
    shifts.push(shift);
    deltas.push(delta);
    if (shift !== 0 || delta !== 0) moved = true;
  }
  if (!moved) return j;
  const id = (x: number): number => {
    for (let i = 0; i < places.length; i++) if (x >= places[i].id && x < places[i].idEnd) return x + shifts[i];
    throw OUTSIDE;
  };
  const offset = (x: number): number => {
    for (let i = 0; i < places.length; i++) if (x >= places[i].start && x < places[i].end) return x + deltas[i];
    throw OUTSIDE;
  };
  const key = (k: string): string => {
    const colon = k.indexOf(':');
    return `${id(Number(k.slice(0, colon)))}${k.slice(colon)}`;
  };
  try {
    const memo = new Map<string, typeof j.memo extends Map<string, infer V> ? V : never>();
    for (const [k, v] of j.memo) memo.set(key(k), v);
    const analysed = new Map<number, boolean>();
    for (const [x, has] of j.analysed) analysed.set(id(x), has);
    const refs: FunctionJournal['refs'] = new Map();
    for (const [x, was] of j.refs) refs.set(offset(x), was);
    return {
      ...j,
      places: places.map((p, i) => ({ node: p.node, id: p.id + shifts[i], idEnd: p.idEnd + shifts[i], start: p.start + deltas[i], end: p.end + deltas[i] })),
      memo,
      analysed,
      refs,
      memoWrites: j.memoWrites.map(([k, v]) => [key(k), v]),
      analysedWrites: j.analysedWrites.map(id),
      newRefs: j.newRefs.map((ref) => ({ ...ref, start: offset(ref.start), end: offset(ref.end - 1) + 1 })),
      refPushes: j.refPushes.map(([x, frame]) => [offset(x), frame]),
      refLog: j.refLog.map(([x, before]) => [offset(x), before]),
    };
  } catch (e) {
    if (e === OUTSIDE) return undefined;
    throw e;
  }
}

/** `now` (a relocation of `before`) moved a statement other than the journal's own (its first place). */
export function movedElsewhere(before: FunctionJournal, now: FunctionJournal): boolean {
  return now.places.some((p, i) => i > 0 && (p.id !== before.places[i].id || p.start !== before.places[i].start));
}

const OUTSIDE = new Error('a journal number outside the statements it was placed in');
