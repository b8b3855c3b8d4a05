import { nodesOfType, type IndexedType } from '../../model/syntaxIndex';
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
  const groups = perModel(byScope, model, type, () => groupBy(nodesOfType(model, type), (n) => enclosingScope(n).id));
  return groups.get(scope.id) ?? NONE;
}

const byName = new WeakMap<DataFrameModel, Map<'assignments', Map<string, Node[]>>>();

/** The assignments `name = ...` (a plain name on the left) of the file, in document order; grouped once per model. */
export function assignmentsTo(model: DataFrameModel, name: string): readonly Node[] {
  const names = perModel(byName, model, 'assignments', () =>
    groupBy(
      nodesOfType(model, 'assignment').filter((a) => a.childForFieldName('left')?.type === 'identifier'),
      (a) => a.childForFieldName('left')!.text,
    ),
  );
  return names.get(name) ?? NONE;
}

/** `items` in lists by key, each list in the order of `items`. */
export function groupBy<T, K>(items: readonly T[], keyOf: (item: T) => K): Map<K, T[]> {
  const groups = new Map<K, T[]>();
  for (const n of items) {
    const key = keyOf(n);
    const list = groups.get(key);
    if (list) list.push(n);
    else groups.set(key, [n]);
  }
  return groups;
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
