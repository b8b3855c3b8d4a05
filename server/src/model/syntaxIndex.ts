import type { Node } from '../parsing/pythonParser';
import type { DataFrameModel } from './types';

/** Node types rules look up across the whole file. */
const INDEXED = [
  'call',
  'string',
  'assignment',
  'augmented_assignment',
  'pair',
  'dictionary',
  'list',
  'comparison_operator',
  'function_definition',
  'class_definition',
  'import_from_statement',
  'import_statement',
  'return_statement',
  'decorated_definition',
] as const;
export type IndexedType = (typeof INDEXED)[number];

const indexes = new WeakMap<DataFrameModel, Map<string, Node[]>>();

/**
 * All nodes of a type in the file, in document order. One tree pass per analysis serves every
 * rule: each rule walking the tree itself cost more than the model and the parse together.
 */
export function nodesOfType(model: DataFrameModel, type: IndexedType): Node[] {
  let index = indexes.get(model);
  if (!index) {
    index = new Map(INDEXED.map((t) => [t, [] as Node[]]));
    for (const n of model.root.descendantsOfType([...INDEXED])) if (n) index.get(n.type)?.push(n);
    indexes.set(model, index);
  }
  return index.get(type)!;
}

const identifierIndexes = new WeakMap<DataFrameModel, Map<string, Node[]>>();

/** Every identifier spelled `name` in the file, in document order; the file is indexed once per analysis. */
export function identifiersNamed(model: DataFrameModel, name: string): readonly Node[] {
  let index = identifierIndexes.get(model);
  if (!index) {
    index = new Map();
    for (const n of model.root.descendantsOfType('identifier')) {
      if (!n) continue;
      const list = index.get(n.text);
      if (list) list.push(n);
      else index.set(n.text, [n]);
    }
    identifierIndexes.set(model, index);
  }
  return index.get(name) ?? [];
}

/** The identifiers spelled `name` that start at or after `offset`, in document order (found by binary search). */
export function* identifiersNamedAfter(model: DataFrameModel, name: string, offset: number): Generator<Node> {
  const list = identifiersNamed(model, name);
  let lo = 0;
  let hi = list.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (list[mid].startIndex < offset) lo = mid + 1;
    else hi = mid;
  }
  for (let i = lo; i < list.length; i++) yield list[i];
}
