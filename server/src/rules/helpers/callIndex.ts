import { joinGroupsCarried, joinListCarried, statementGroupCounts } from '../../model/statementGroups';
import { perStatement } from '../../model/statementMemo';
import { statementNodesOfType } from '../../model/syntaxIndex';
import type { DataFrameModel } from '../../model/types';
import type { Node } from '../../parsing/pythonParser';
import { callParts } from '../../parsing/syntax';
import { addTo } from './scopeIndex';

interface CallIndex {
  /** Per name: the calls `name(...)` and `x.name(...)` (`callParts`' name), in document order. */
  byName: ReadonlyMap<string, readonly Node[]>;
  /**
   * The calls without such a name, in document order: a parenthesized, subscripted or called
   * callee (`(F.udf)(f)`, `handlers[k](df)`, `f()(df)`), or none. A rule testing the callee's text
   * or unwrapping it may still accept them, so they stay candidates for every name.
   */
  unnamed: readonly Node[];
  /** The top-level statements the index was joined from (the next model's carry compares its own with them). */
  statements: readonly Node[];
}

const indexes = new WeakMap<DataFrameModel, CallIndex>();
/** The index of a model's previous model, which its own starts from (see `carryCallIndex`). */
const carried = new WeakMap<DataFrameModel, CallIndex>();
const NONE: readonly Node[] = [];

function indexOf(model: DataFrameModel): CallIndex {
  let index = indexes.get(model);
  if (index) return index;
  const carry = carried.get(model);
  carried.delete(model);
  const statements = model.root.children;
  // Each statement's calls are grouped on its node object; the previous index's lists keep the
  // statements both copies start and end with (`joinGroupsCarried`), so only those between are read.
  const byName = joinGroupsCarried(
    statements,
    carry && { groups: carry.byName, statements: carry.statements },
    (statement) => perStatement(statementCalls, statement, callsOfStatement).byName,
    (name: string) => name,
  );
  const unnamed = joinListCarried(
    statements,
    carry && { list: carry.unnamed, statements: carry.statements },
    (statement) => perStatement(statementCalls, statement, callsOfStatement).unnamed,
    (call) => call.id,
    undefined, // the statements read are counted once, by the join above
  );
  index = { byName, unnamed, statements };
  indexes.set(model, index);
  return index;
}

/**
 * One top-level statement's calls, grouped as `CallIndex` groups the file's: `perStatement`
 * answers (`callParts` reads the call's own subtree; the keys are texts, the lists node objects).
 */
const statementCalls = new WeakMap<Node, StatementCalls>();
interface StatementCalls {
  readonly byName: ReadonlyMap<string, readonly Node[]>;
  readonly unnamed: readonly Node[];
}
const NO_CALLS: StatementCalls = { byName: new Map(), unnamed: [] };

/** @internal Exported for the tests, which compare the groups a statement kept with those made again. */
export function callsOfStatement(statement: Node): StatementCalls {
  statementGroupCounts.made++;
  const calls = statementNodesOfType(statement, 'call');
  if (calls.length === 0) return NO_CALLS;
  const byName = new Map<string, Node[]>();
  const unnamed: Node[] = [];
  for (const call of calls) {
    const name = callParts(call)?.name;
    if (name === undefined) unnamed.push(call);
    else addTo(byName, name, call);
  }
  return { byName, unnamed };
}

/** @internal The groups `statement` keeps, if it has made them (for the tests). */
export function keptCallsOfStatement(statement: Node): StatementCalls | undefined {
  return statementCalls.get(statement);
}

/**
 * Called once `model` is built from `previous`, before either index of `model` is made: `model`'s
 * index starts from `previous`'s (when it was made, and of the same document), whose lists keep their
 * place for the top-level statements both syntax copies start and end with (`joinGroupsCarried`).
 */
export function carryCallIndex(previous: DataFrameModel | undefined, model: DataFrameModel): void {
  const before = previous && indexes.get(previous);
  if (before && previous.root === model.root) carried.set(model, before);
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
