import { countBelow, groupsBelow, idsBelow, nodesOfType, sharedIdEnd } from '../../model/syntaxIndex';
import type { DataFrameModel } from '../../model/types';
import type { Node } from '../../parsing/pythonParser';
import { callParts } from '../../parsing/syntax';
import { addTo } from './scopeIndex';

interface CallIndex {
  /** Per name: the calls `name(...)` and `x.name(...)` (`callParts`' name), in document order. */
  byName: Map<string, Node[]>;
  /**
   * The calls without such a name, in document order: a parenthesized, subscripted or called
   * callee (`(F.udf)(f)`, `handlers[k](df)`, `f()(df)`), or none. A rule testing the callee's text
   * or unwrapping it may still accept them, so they stay candidates for every name.
   */
  unnamed: Node[];
  /**
   * Per keyword: the calls passing it (`f(..., name=...)`, `callParts`' keywords), in document
   * order. A few settings ride on a keyword whatever the call's name (`properties=`, `options=`).
   */
  byKeyword: Map<string, Node[]>;
}

const indexes = new WeakMap<DataFrameModel, CallIndex>();
/** A model's calls taken from its previous model's index: those below `from` (see `carryCallIndex`). */
const carried = new WeakMap<DataFrameModel, CallIndex & { from: number }>();
const NONE: readonly Node[] = [];

function indexOf(model: DataFrameModel): CallIndex {
  let index = indexes.get(model);
  if (index) return index;
  const carry = carried.get(model);
  carried.delete(model);
  const byName = carry?.byName ?? new Map<string, Node[]>();
  const unnamed = carry?.unnamed ?? [];
  const byKeyword = carry?.byKeyword ?? new Map<string, Node[]>();
  const calls = nodesOfType(model, 'call');
  // The calls below `from` are the carried ones (the same nodes, see `sharedIdEnd`); the rest follow them in document order.
  for (let i = carry ? countBelow(calls, carry.from) : 0; i < calls.length; i++) {
    const call = calls[i];
    const parts = callParts(call);
    if (parts) for (const keyword of parts.keywords.keys()) addTo(byKeyword, keyword, call);
    const name = parts?.name;
    if (name === undefined) {
      unnamed.push(call);
      continue;
    }
    addTo(byName, name, call);
  }
  index = { byName, unnamed, byKeyword };
  indexes.set(model, index);
  return index;
}

/**
 * Called once `model` is built from `previous`, before either index of `model` is made: keeps
 * `previous`'s calls of the top-level statements the two syntax copies share (`sharedIdEnd`), so
 * that only the calls after them are named again. A name's calls and the unnamed calls are in
 * document order, so the shared ones are a prefix of each list.
 */
export function carryCallIndex(previous: DataFrameModel | undefined, model: DataFrameModel): void {
  const before = previous && indexes.get(previous);
  const from = before ? sharedIdEnd(previous, model) : 0;
  if (!before || from === 0) return;
  carried.set(model, {
    byName: groupsBelow(before.byName, from),
    unnamed: idsBelow(before.unnamed, from),
    byKeyword: groupsBelow(before.byKeyword, from),
    from,
  });
}

/**
 * The calls of the file whose callee is `name` or an attribute `.name`, in document order; the
 * file's calls are grouped once per model. Rules that looked for a few method names made a pass
 * over every call of the file each (about twenty of them), and some climbed or sliced text per call.
 */
export function callsNamed(model: DataFrameModel, name: string): readonly Node[] {
  return indexOf(model).byName.get(name) ?? NONE;
}

/** The calls whose callee has no name of its own (see `CallIndex.unnamed`), in document order. */
export function callsWithoutName(model: DataFrameModel): readonly Node[] {
  return indexOf(model).unnamed;
}

/** The calls passing the keyword argument `keyword` (`f(..., keyword=...)`), in document order. */
export function callsWithKeyword(model: DataFrameModel, keyword: string): readonly Node[] {
  return indexOf(model).byKeyword.get(keyword) ?? NONE;
}

/**
 * The calls named any of `names`, and with `unnamed` also those without a name, in document
 * order: every call a filter can accept when it accepts only those names (or tests the text of a
 * callee it may first unwrap). The filter is still applied to each; this only skips the rest.
 */
export function callsNamedAny(model: DataFrameModel, names: Iterable<string>, unnamed = false): Node[] {
  const lists: (readonly Node[])[] = [];
  for (const name of new Set(names)) {
    const list = callsNamed(model, name);
    if (list.length) lists.push(list);
  }
  if (unnamed && callsWithoutName(model).length) lists.push(callsWithoutName(model));
  return mergeInTreeOrder(lists);
}

/**
 * Lists of one tree's nodes, each in document order and no node in two of them, merged in
 * document order (node ids are preorder numbers).
 */
export function mergeInTreeOrder(lists: readonly (readonly Node[])[]): Node[] {
  if (lists.length === 0) return [];
  if (lists.length === 1) return [...lists[0]];
  const out: Node[] = [];
  const at = lists.map(() => 0);
  for (;;) {
    let best = -1;
    for (let k = 0; k < lists.length; k++) {
      if (at[k] < lists[k].length && (best < 0 || lists[k][at[k]].id < lists[best][at[best]].id)) best = k;
    }
    if (best < 0) return out;
    out.push(lists[best][at[best]++]);
  }
}
