import type { Node } from '../parsing/pythonParser';
import type { DataFrameModel } from './types';

/** Node types rules look up across the whole file. */
const INDEXED = [
  'call', 'string', 'assignment', 'augmented_assignment', 'pair', 'dictionary', 'list', 'comparison_operator',
  'function_definition', 'class_definition', 'import_from_statement', 'import_statement', 'return_statement',
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
