import { countBelow, groupsBelow, nodesOfType, sharedIdEnd, type IndexedType } from '../../model/syntaxIndex';
import type { DataFrameModel } from '../../model/types';
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
  const groups = perModel(byScope, model, type, () => groupAfter(carried.get(model)?.byScope.get(type), nodesOfType(model, type), (n) => enclosingScope(n).id));
  return groups.get(scope.id) ?? NONE;
}

const byName = new WeakMap<DataFrameModel, Map<'assignments', Map<string, Node[]>>>();

/** The assignments `name = ...` (a plain name on the left) of the file, in document order; grouped once per model. */
export function assignmentsTo(model: DataFrameModel, name: string): readonly Node[] {
  const names = perModel(byName, model, 'assignments', () =>
    groupAfter(
      carried.get(model)?.byName,
      nodesOfType(model, 'assignment').filter((a) => a.childForFieldName('left')?.type === 'identifier'),
      (a) => a.childForFieldName('left')!.text,
    ),
  );
  return names.get(name) ?? NONE;
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
      const def = s?.type === 'decorated_definition' ? s.childForFieldName('definition') : s;
      const defName = def?.type === 'function_definition' ? def.childForFieldName('name')?.text : undefined;
      if (def && defName !== undefined && !defs.has(defName)) defs.set(defName, def);
    }
    moduleFunctions.set(model, defs);
  }
  return defs.get(name);
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

/** `groupBy` of `items` (in document order), starting from the carried groups when there are: only the items from `carry.from` on are grouped. */
function groupAfter<K>(carry: Carried<K> | undefined, items: readonly Node[], keyOf: (item: Node) => K): Map<K, Node[]> {
  if (!carry) return groupBy(items, keyOf);
  // Each type's groups are made once per model (`perModel`), so the carried lists are extended in place.
  const groups = new Map(carry.groups);
  for (let i = countBelow(items, carry.from); i < items.length; i++) addTo(groups, keyOf(items[i]), items[i]);
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
