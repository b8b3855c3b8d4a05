import { joinGroupsCarried, joinListCarried, noGroups, statementGroupCounts, type Joined, type JoinedList } from '../../model/statementGroups';
import { statementNodesOfType, type IndexedType } from '../../model/syntaxIndex';
import type { DataFrameModel } from '../../model/types';
import { perStatement } from '../../model/statementMemo';
import type { Node } from '../../parsing/pythonParser';
import { enclosingScope } from '../../parsing/syntax';

const NONE: readonly Node[] = [];

/**
 * The nodes of a type whose scope (`enclosingScope`: function, lambda or module) is `scope`, in
 * document order. Rules that asked this per action, sink or name (PSA101, PSA116, PSA304) each made
 * a pass over the whole file every time, the largest part of their time in a long file.
 *
 * A function's or lambda's nodes all lie in its own top-level statement, so they are that statement's
 * group (kept on the statement, `perStatement`), found from the scope's id as the model's groups keyed
 * by id found them; the module's are joined once per model from every statement's, starting from the
 * previous model's list (`joinListCarried`): after an edit, only the statements the copy made again
 * are read, not a join of every statement after it with every scope re-keyed.
 */
export function nodesInScope(model: DataFrameModel, type: IndexedType, scope: Node): readonly Node[] {
  const root = model.root;
  if (scope.id === 0) return moduleNodes(model, type);
  if (!(scope.id > 0 && scope.id < root.subtreeEnd)) return NONE;
  const statement = statementHolding(root.children, scope.id);
  // The node of this copy at the scope's id: the one its statement's groups are keyed by.
  return perStatement(memoOfType(type), statement, (s) => scopeGroupsOfStatement(s, type)).get(root.owner.nodeAt(scope.id)) ?? NONE;
}

/** The top-level statement whose subtree holds node `id` (0 < id < the root's subtree end): the last one starting at or before it. */
function statementHolding(statements: readonly Node[], id: number): Node {
  let lo = 0;
  let hi = statements.length - 1;
  while (lo < hi) {
    const mid = (lo + hi + 1) >>> 1;
    if (statements[mid].id <= id) lo = mid;
    else hi = mid - 1;
  }
  return statements[lo];
}

const moduleLists = new WeakMap<DataFrameModel, Map<IndexedType, JoinedList<Node>>>();

/** The module scope's nodes of `type`: each statement's module group joined, from the previous model's list when carried. */
function moduleNodes(model: DataFrameModel, type: IndexedType): readonly Node[] {
  let lists = moduleLists.get(model);
  if (!lists) moduleLists.set(model, (lists = new Map()));
  let joined = lists.get(type);
  if (!joined) {
    const carry = carried.get(model)?.module;
    const previous = carry?.get(type);
    carry?.delete(type);
    const statements = model.root.children;
    const memo = memoOfType(type);
    const list = joinListCarried(
      statements,
      previous,
      (statement) => perStatement(memo, statement, (s) => scopeGroupsOfStatement(s, type)).get(MODULE_SCOPE) ?? NONE,
      (n) => n.id,
    );
    lists.set(type, (joined = { list, statements }));
  }
  return joined.list;
}

/**
 * The module scope in a statement's groups by scope: the root object is taken over by the next copy,
 * with other children, so a statement's answers never hold it (see `perStatement`).
 */
export const MODULE_SCOPE = Symbol('the module scope');
type ScopeKey = Node | typeof MODULE_SCOPE;

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

const byName = new WeakMap<DataFrameModel, Joined<string>>();

/** The assignments `name = ...` (a plain name on the left) of the file, in document order; grouped once per model. */
export function assignmentsTo(model: DataFrameModel, name: string): readonly Node[] {
  let joined = byName.get(model);
  if (!joined) {
    const previous = carried.get(model)?.assignments;
    const statements = model.root.children;
    const groups = joinGroupsCarried(
      statements,
      previous,
      (s) => perStatement(assignmentMemo, s, assignmentsOfStatement),
      (text: string) => text,
    );
    byName.set(model, (joined = { groups, statements }));
    const carry = carried.get(model);
    if (carry) carry.assignments = undefined;
  }
  return joined.groups.get(name) ?? NONE;
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

/** What a model's groups start from: its previous model's (see `carryScopeIndex`), each forgotten once used. */
const carried = new WeakMap<DataFrameModel, { module: Map<IndexedType, JoinedList<Node>>; assignments?: Joined<string> }>();

/**
 * Called once `model` is built from `previous`, before `model`'s groups are made: `model`'s module
 * lists and assignments by name start from `previous`'s (those it made, of the same document), whose
 * nodes keep their place for the top-level statements both syntax copies start and end with.
 */
export function carryScopeIndex(previous: DataFrameModel | undefined, model: DataFrameModel): void {
  if (!previous || previous.root !== model.root) return;
  const module = moduleLists.get(previous);
  const assignments = byName.get(previous);
  if (!module && !assignments) return;
  carried.set(model, { module: new Map(module), ...(assignments ? { assignments } : {}) });
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
