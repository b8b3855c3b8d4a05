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
  let types = byScope.get(model);
  if (!types) byScope.set(model, (types = new Map()));
  let groups = types.get(type);
  if (!groups) {
    groups = new Map();
    for (const n of nodesOfType(model, type)) {
      const id = enclosingScope(n).id;
      const list = groups.get(id);
      if (list) list.push(n);
      else groups.set(id, [n]);
    }
    types.set(type, groups);
  }
  return groups.get(scope.id) ?? NONE;
}

const byName = new WeakMap<DataFrameModel, Map<string, Node[]>>();

/** The assignments `name = ...` (a plain name on the left) of the file, in document order; grouped once per model. */
export function assignmentsTo(model: DataFrameModel, name: string): readonly Node[] {
  let names = byName.get(model);
  if (!names) {
    names = new Map();
    for (const a of nodesOfType(model, 'assignment')) {
      const left = a.childForFieldName('left');
      if (left?.type !== 'identifier') continue;
      const list = names.get(left.text);
      if (list) list.push(a);
      else names.set(left.text, [a]);
    }
    byName.set(model, names);
  }
  return names.get(name) ?? NONE;
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
