import type { DataFrameModel, TransformCall } from '../../model/types';
import type { Node } from '../../parsing/pythonParser';
import { addTo } from './scopeIndex';

/**
 * A model's transforms grouped on their call's node object, each group in the model's order; `list`
 * is the model's `transforms` the groups were made of. Node objects, not offsets: an edit moves the
 * offsets of every statement after it, never its node objects (the syntax copy adopts them).
 */
interface TransformIndex {
  list: readonly TransformCall[];
  byCall: Map<Node, TransformCall[]>;
  /** Handed to a later model's index, which changed `byCall` in place: no longer this model's. */
  handedOn: boolean;
}

const indexes = new WeakMap<DataFrameModel, TransformIndex>();
/** The index of a model's previous model, which its own is made from (see `carryTransformIndex`). */
const carried = new WeakMap<DataFrameModel, TransformIndex>();

/** How the indexes were made: anew, from the previous model's, or anew when that could not be (the tests' floors on carrying). */
export const transformIndexCounts = { made: 0, carried: 0, remade: 0, rescanned: 0 };

/**
 * Offers `previous`'s transform index to `model`'s (made on the first `innermostTransformAround` of
 * `model`), or the one `previous` was offered and never used. Issue 18: the model's transforms were
 * grouped anew per model, 5,300 of them at 20k lines, for every keystroke; the transforms an edit
 * leaves alone are the same objects in the same order in the next model (a replayed statement or
 * function adds the objects its journal kept), so only those between the first and the last that
 * differ are grouped again.
 */
export function carryTransformIndex(previous: DataFrameModel | undefined, model: DataFrameModel): void {
  const before = previous && (indexes.get(previous) ?? carried.get(previous));
  if (before) carried.set(model, before);
}

function indexOf(model: DataFrameModel): TransformIndex {
  let index = indexes.get(model);
  if (index) return index;
  const before = carried.get(model);
  carried.delete(model);
  index = (before && !before.handedOn && carriedIndex(before, model.transforms)) || madeIndex(model.transforms);
  indexes.set(model, index);
  return index;
}

function madeIndex(list: readonly TransformCall[]): TransformIndex {
  transformIndexCounts.made++;
  const byCall = new Map<Node, TransformCall[]>();
  for (const t of list) addTo(byCall, t.call, t);
  return { list, byCall, handedOn: false };
}

/**
 * The index of `list` made from `before`'s, whose groups it takes over and changes (so `before` is
 * handed on: its model makes a new one if asked again), or undefined when that cannot be done exactly.
 *
 * Why exact: `list` and `before.list` share a prefix and a suffix (the same objects); between them,
 * the items of both middles are the same objects in the same order but for those only one of them
 * holds (checked: else the index is made anew). Each group lists its items in the list's order: the
 * items only the previous middle held are taken out of their groups (the others keep their order),
 * and an item only this middle holds is appended to a group that held nothing else after those
 * removals (its items are then this middle's, in order); a group that did hold others is made again
 * by a scan of the list for its call (one scan for all such groups) (where the new item goes among them is not known without their
 * positions).
 */
function carriedIndex(before: TransformIndex, list: readonly TransformCall[]): TransformIndex | undefined {
  const old = before.list;
  const shorter = Math.min(old.length, list.length);
  let p = 0;
  while (p < shorter && old[p] === list[p]) p++;
  let s = 0;
  while (s < shorter - p && old[old.length - 1 - s] === list[list.length - 1 - s]) s++;
  const oldEnd = old.length - s;
  const newEnd = list.length - s;
  const wasThere = new Set<TransformCall>();
  for (let i = p; i < oldEnd; i++) wasThere.add(old[i]);
  const isThere = new Set<TransformCall>();
  for (let i = p; i < newEnd; i++) isThere.add(list[i]);
  // The items both middles hold, in the same order in both.
  for (let i = p, k = p; ; i++, k++) {
    while (i < oldEnd && !isThere.has(old[i])) i++;
    while (k < newEnd && !wasThere.has(list[k])) k++;
    if (i >= oldEnd || k >= newEnd) {
      if (i < oldEnd || k < newEnd) return remade();
      break;
    }
    if (old[i] !== list[k]) return remade();
  }
  const byCall = before.byCall;
  before.handedOn = true;
  for (let i = p; i < oldEnd; i++) {
    const t = old[i];
    if (isThere.has(t)) continue;
    const group = byCall.get(t.call)!;
    group.splice(group.indexOf(t), 1);
    if (group.length === 0) byCall.delete(t.call);
  }
  const started = new Set<Node>();
  const rescan = new Set<Node>();
  for (let i = p; i < newEnd; i++) {
    const t = list[i];
    if (wasThere.has(t)) continue;
    const group = byCall.get(t.call);
    if (!group) {
      byCall.set(t.call, [t]);
      started.add(t.call);
    } else if (started.has(t.call)) group.push(t);
    else rescan.add(t.call);
  }
  // One pass over the list for them all (a function analysed for several calls, one of them in the middle,
  // has its calls' groups here): pointer tests, cheaper than grouping every item again.
  if (rescan.size) {
    for (const call of rescan) byCall.set(call, []);
    for (const t of list) if (rescan.has(t.call)) byCall.get(t.call)!.push(t);
    transformIndexCounts.rescanned++;
  }
  transformIndexCounts.carried++;
  return { list, byCall, handedOn: false };
}

function remade(): undefined {
  transformIndexCounts.remade++;
  return undefined;
}

/**
 * The transform whose call is the shortest one around `call` without `call` in its receiver (the
 * first in the model's order among equals): the frame the call is evaluated on. A range of the
 * tree that contains `call`'s (which is never empty) is the range of `call` itself or of one of its
 * ancestors, and nested ranges of different extent differ in length, so the ranges met climbing
 * from `call` are the candidates shortest first. Looked up per node (grouped once per model, and
 * carried from the previous model's grouping): every transform of the file scanned per argument of
 * every UDF call grew with the square of the file.
 *
 * The transforms whose call has a given non-empty range are those on the nodes with that range, and
 * two nodes with one non-empty range are one above the other (siblings do not overlap): so on the
 * nodes met climbing from `call` with that range, and, for `call`'s own range, on the nodes below
 * `call` with it (each the only child of the one above spanning it).
 */
export function innermostTransformAround(model: DataFrameModel, call: Node): TransformCall | undefined {
  const byCall = indexOf(model).byCall;
  const start0 = call.startIndex;
  const end0 = call.endIndex;
  const outside = (t: TransformCall) => !(t.receiver.startIndex <= start0 && end0 <= t.receiver.endIndex);
  // The nodes with the range being looked at: `call`'s descendants with its range first, then the climb.
  let same: Node[] = [];
  for (let n: Node | null = sameRangeChild(call); n; n = sameRangeChild(n)) same.push(n);
  let lastStart = start0;
  let lastEnd = end0;
  for (let n: Node | null = call; ; n = n.parent) {
    if (n && n.startIndex === lastStart && n.endIndex === lastEnd) {
      same.push(n);
      continue;
    }
    const found = firstOutside(model, byCall, same, outside);
    if (found || !n) return found;
    same = [n];
    lastStart = n.startIndex;
    lastEnd = n.endIndex;
  }
}

/** The child of `n` with `n`'s range, if any (a node spanning all of a non-empty parent is its only non-empty child). */
function sameRangeChild(n: Node): Node | null {
  for (let c = n.firstChild; c; c = c.nextSibling) if (c.startIndex === n.startIndex && c.endIndex === n.endIndex) return c;
  return null;
}

/** The first transform on `nodes` (one range) that passes `keep`, in the model's order. */
function firstOutside(
  model: DataFrameModel,
  byCall: Map<Node, TransformCall[]>,
  nodes: readonly Node[],
  keep: (t: TransformCall) => boolean,
): TransformCall | undefined {
  let found: TransformCall | undefined;
  let groups = 0;
  for (const n of nodes) {
    const t = byCall.get(n)?.find(keep);
    if (!t) continue;
    groups++;
    found = t;
  }
  if (groups <= 1) return found;
  // Several nodes with one range each hold one (unusual trees): the first in the model's order.
  const set = new Set(nodes);
  return model.transforms.find((t) => set.has(t.call) && keep(t));
}
