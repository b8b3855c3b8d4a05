import { joinStatementGroups, noGroups, statementGroupCounts } from '../../model/statementGroups';
import { groupsBelow, sharedIdEnd, statementNodesOfType, type IndexedType } from '../../model/syntaxIndex';
import type { DataFrameModel } from '../../model/types';
import { perStatement } from '../../model/statementMemo';
import type { Node } from '../../parsing/pythonParser';
import { enclosingScope } from '../../parsing/syntax';

const byScope = new WeakMap<DataFrameModel, Map<IndexedType, Map<number, Node[]>>>();
const NONE: readonly Node[] = [];

/**
 * The nodes of a type whose scope (`enclosingScope`: function, lambda or module) is `scope`, in
 * document order. The file's nodes of the type are grouped once per model: rules that asked this
 * per action, sink or name (PSA101, PSA116, PSA304) each made a pass over the whole file every time,
 * the largest part of their time in a long file.
 */
export function nodesInScope(model: DataFrameModel, type: IndexedType, scope: Node): readonly Node[] {
  const groups = perModel(byScope, model, type, () =>
    joinAfter(carried.get(model)?.byScope.get(type), model, memoOfType(type), (statement) => scopeGroupsOfStatement(statement, type), scopeId),
  );
  return groups.get(scope.id) ?? NONE;
}

/**
 * The module scope in a statement's groups by scope: the root object is taken over by the next copy,
 * with other children, so a statement's answers never hold it (see `perStatement`).
 */
export const MODULE_SCOPE = Symbol('the module scope');
type ScopeKey = Node | typeof MODULE_SCOPE;

/** A scope's id in the current copy (the root's is 0 in every copy); a node's id is read when the groups are joined. */
const scopeId = (key: ScopeKey): number => (key === MODULE_SCOPE ? 0 : key.id);

/** Per type, each top-level statement's nodes of the type by scope: `perStatement` answers. */
const scopeMemos = new Map<IndexedType, WeakMap<Node, ReadonlyMap<ScopeKey, readonly Node[]>>>();
const memoOfType = (type: IndexedType) => {
  let memo = scopeMemos.get(type);
  if (!memo) scopeMemos.set(type, (memo = new WeakMap()));
  return memo;
};

/**
 * @internal One statement's nodes of `type` by scope (`enclosingScope`, which climbs the
 * statement's own nodes and then reaches the root: a function or lambda of the statement, or the
 * module), each in document order. Exported for the tests.
 */
export function scopeGroupsOfStatement(statement: Node, type: IndexedType): ReadonlyMap<ScopeKey, readonly Node[]> {
  statementGroupCounts.made++;
  const nodes = statementNodesOfType(statement, type);
  if (nodes.length === 0) return noGroups();
  const groups = new Map<ScopeKey, Node[]>();
  for (const n of nodes) {
    const scope = enclosingScope(n);
    addTo(groups, scope.id === 0 ? MODULE_SCOPE : scope, n);
  }
  return groups;
}

/** @internal The groups by scope `statement` keeps for `type`, if it has made them (for the tests). */
export function keptScopeGroupsOfStatement(statement: Node, type: IndexedType): ReadonlyMap<ScopeKey, readonly Node[]> | undefined {
  return scopeMemos.get(type)?.get(statement);
}

const byName = new WeakMap<DataFrameModel, Map<'assignments', Map<string, Node[]>>>();

/** The assignments `name = ...` (a plain name on the left) of the file, in document order; grouped once per model. */
export function assignmentsTo(model: DataFrameModel, name: string): readonly Node[] {
  const names = perModel(byName, model, 'assignments', () =>
    joinAfter(carried.get(model)?.byName, model, assignmentMemo, assignmentsOfStatement, (text) => text),
  );
  return names.get(name) ?? NONE;
}

const assignmentMemo = new WeakMap<Node, ReadonlyMap<string, readonly Node[]>>();

/** @internal One statement's assignments to a plain name, by the name's text, each in document order (a `perStatement` answer). Exported for the tests. */
export function assignmentsOfStatement(statement: Node): ReadonlyMap<string, readonly Node[]> {
  statementGroupCounts.made++;
  const nodes = statementNodesOfType(statement, 'assignment');
  if (nodes.length === 0) return noGroups();
  const groups = new Map<string, Node[]>();
  for (const a of nodes) {
    const left = a.childForFieldName('left');
    if (left?.type === 'identifier') addTo(groups, left.text, a);
  }
  return groups.size ? groups : noGroups();
}

/** @internal The assignments by name `statement` keeps, if it has made them (for the tests). */
export function keptAssignmentsOfStatement(statement: Node): ReadonlyMap<string, readonly Node[]> | undefined {
  return assignmentMemo.get(statement);
}

const moduleFunctions = new WeakMap<DataFrameModel, Map<string, Node>>();

/**
 * `functionDefinedIn(model.root, name)`: the first module-level `def name(...)` (decorated or not),
 * from the module's defs indexed by name once per model. Asked per call of every scope a rule
 * looks at (`cachedByHelper`), the scan of every top-level statement per call made that helper
 * grow with calls times statements (a fifth of PSA101 at 20k lines, issue 18).
 */
export function moduleFunctionNamed(model: DataFrameModel, name: string): Node | undefined {
  let defs = moduleFunctions.get(model);
  if (!defs) {
    defs = new Map();
    // The same statements in the same order as `functionDefinedIn`, so the first def of each name is the one it finds.
    for (const s of model.root.namedChildren) {
      const own = s && perStatement(moduleDefs, s, moduleDefOf);
      if (own && !defs.has(own.name)) defs.set(own.name, own.def);
    }
    moduleFunctions.set(model, defs);
  }
  return defs.get(name);
}

/**
 * A top-level statement's def (decorated or not) and its name, or null: a `perStatement` answer (the
 * statement's own fields; a node and a text), so that after an edit only the statements the copy
 * made again are read for their def's name (every top-level statement was, per model: issue 18).
 */
const moduleDefs = new WeakMap<Node, { def: Node; name: string } | null>();

/** @internal Exported for the tests. */
export function moduleDefOf(statement: Node): { def: Node; name: string } | null {
  const def = statement.type === 'decorated_definition' ? statement.childForFieldName('definition') : statement;
  const name = def?.type === 'function_definition' ? def.childForFieldName('name')?.text : undefined;
  return def && name !== undefined ? { def, name } : null;
}

/** @internal The def and name `statement` keeps, if it has read them (for the tests). */
export function keptModuleDefOf(statement: Node): { def: Node; name: string } | null | undefined {
  return moduleDefs.get(statement);
}

/** Groups taken over from the previous model: each list cut to its nodes below `from` (see `carryScopeIndex`). */
interface Carried<K> {
  groups: Map<K, Node[]>;
  from: number;
}
const carried = new WeakMap<DataFrameModel, { byScope: Map<IndexedType, Carried<number>>; byName?: Carried<string> }>();

/**
 * Called once `model` is built from `previous`, before `model`'s groups are made: keeps `previous`'s
 * groups for the top-level statements both syntax copies share (`sharedIdEnd`: the same node
 * objects). A node below that end has its scope below it too (an ancestor comes first in preorder),
 * and the name it assigns is the same text, so the kept part of each group is its prefix; the nodes
 * after the end are grouped when asked, after it.
 */
export function carryScopeIndex(previous: DataFrameModel | undefined, model: DataFrameModel): void {
  const scopes = previous && byScope.get(previous);
  const names = previous && byName.get(previous)?.get('assignments');
  if (!scopes && !names) return;
  const from = sharedIdEnd(previous, model);
  if (from === 0) return;
  const cut = <K>(groups: Map<K, Node[]>): Carried<K> => ({ groups: groupsBelow(groups, from), from });
  carried.set(model, {
    byScope: new Map([...(scopes ?? [])].map(([type, groups]) => [type, cut(groups)])),
    ...(names ? { byName: cut(names) } : {}),
  });
}

/**
 * The model's groups: the carried ones when there are, then the groups of each statement from
 * `carry.from` on (`joinStatementGroups`), keyed by `keyNow`.
 */
function joinAfter<S, K>(
  carry: Carried<K> | undefined,
  model: DataFrameModel,
  memo: WeakMap<Node, ReadonlyMap<S, readonly Node[]>>,
  make: (statement: Node) => ReadonlyMap<S, readonly Node[]>,
  keyNow: (key: S) => K,
): Map<K, Node[]> {
  // Each type's groups are made once per model (`perModel`), so the carried lists are extended in place.
  const groups = carry ? new Map(carry.groups) : new Map<K, Node[]>();
  joinStatementGroups(model.root, carry?.from ?? 0, groups, memo, make, keyNow);
  return groups;
}

/** `items` in lists by key, each list in the order of `items`. */
export function groupBy<T, K>(items: readonly T[], keyOf: (item: T) => K): Map<K, T[]> {
  const groups = new Map<K, T[]>();
  for (const n of items) addTo(groups, keyOf(n), n);
  return groups;
}

/** Appends `item` to the list of `key` in `groups`, starting the list when there is none. */
export function addTo<K, T>(groups: Map<K, T[]>, key: K, item: T): void {
  const list = groups.get(key);
  if (list) list.push(item);
  else groups.set(key, [item]);
}

/**
 * Memoises, per model and per key, what `make` computes from the model alone: for the per-scope
 * candidate lists rules filter once (the calls that could drop a table, register a view).
 */
export function perModel<K, V>(memo: WeakMap<DataFrameModel, Map<K, V>>, model: DataFrameModel, key: K, make: () => V): V {
  let map = memo.get(model);
  if (!map) memo.set(model, (map = new Map()));
  let value = map.get(key);
  if (value === undefined && !map.has(key)) {
    value = make();
    map.set(key, value);
  }
  return value as V;
}
