import type { Node } from '../parsing/pythonParser';
import { perStatement } from './statementMemo';
import type { DataFrameModel } from './types';

/** Node types rules look up across the whole file. */
export const INDEXED_TYPES = [
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
export type IndexedType = (typeof INDEXED_TYPES)[number];

interface TypeIndex {
  lists: Map<string, Node[]>;
  /**
   * The root's children when the lists were made. The root object is taken over by the next copy
   * of the document, after which it gives that copy's children: the next model finds the statements
   * both copies share by comparing its own children with these.
   */
  children: readonly Node[];
}

const indexes = new WeakMap<DataFrameModel, TypeIndex>();

/** What a model took from its previous model's lists: the nodes below `from` (see `carrySyntaxIndex`). */
interface Carried {
  lists: Map<string, Node[]>;
  from: number;
}
const carried = new WeakMap<DataFrameModel, Carried>();

/**
 * All nodes of a type in the file, in document order. One tree pass per analysis serves every
 * rule: each rule walking the tree itself cost more than the model and the parse together. After
 * an edit, the lists start with the previous model's nodes of the statements both copies share
 * (`carrySyntaxIndex`), and the statements from the first changed one on add their own lists,
 * walked only for the statements the copy made again (`listsOfStatement`).
 */
export function nodesOfType(model: DataFrameModel, type: IndexedType): Node[] {
  return typeIndexOf(model).lists.get(type)!;
}

function typeIndexOf(model: DataFrameModel): TypeIndex {
  let index = indexes.get(model);
  if (index) return index;
  const children = model.root.children;
  const carry = carried.get(model);
  carried.delete(model);
  const lists = new Map<string, Node[]>(INDEXED_TYPES.map((t) => [t, carry?.lists.get(t) ?? []]));
  const from = carry?.from ?? 0;
  // The root is no indexed type: its descendants are its children's subtrees, in document order.
  // Each statement after the carried ones gives its own lists, kept on its node object: a statement
  // the copy adopted after the edit (most of them) is not walked again.
  for (const child of children) {
    if (child.id < from) continue;
    statementListCounts.read++;
    for (const [type, nodes] of perStatement(statementLists, child, listsOfStatement)) {
      const list = lists.get(type)!;
      for (const n of nodes) list.push(n);
    }
  }
  index = { lists, children };
  indexes.set(model, index);
  return index;
}

/**
 * One top-level statement's nodes of the indexed types, by type (only the types it holds), each in
 * document order: `perStatement` answers (they read only the statement's subtree and hold node
 * objects, which move with the statement, not ids or offsets).
 */
const statementLists = new WeakMap<Node, ReadonlyMap<string, readonly Node[]>>();

function listsOfStatement(statement: Node): ReadonlyMap<string, readonly Node[]> {
  statementListCounts.made++;
  const lists = new Map<string, Node[]>();
  for (const n of statement.descendantsOfType(INDEXED_TYPES)) {
    const list = lists.get(n.type);
    if (list) list.push(n);
    else lists.set(n.type, [n]);
  }
  return lists;
}

const NO_NODES: readonly Node[] = [];

/**
 * A top-level statement's nodes of `type`, in document order: its own lists (`listsOfStatement`,
 * kept on the statement), for the rules' indexes that group them per statement (`statementGroups`).
 */
export function statementNodesOfType(statement: Node, type: IndexedType): readonly Node[] {
  return perStatement(statementLists, statement, listsOfStatement).get(type) ?? NO_NODES;
}

/** Statements whose lists were read after the carried ones, and of them the ones walked (the rest were kept): for the tests' floor on reuse. */
export const statementListCounts = { read: 0, made: 0 };

/**
 * The first node id of `model`'s copy that is not a node of `previous`'s copy: the end of the
 * top-level statements both roots have as the same objects, in the same places (0 when none, or
 * when `previous` made no lists). Those statements were taken over by the newer copy (with their
 * subtrees: the same node objects, ids, types and offsets, see `SyntaxTree`), so every list of
 * `previous` restricted to ids below that end is the list of those statements in `model` too.
 * A statement the newer copy read again is a new object, and ends the shared part. One it cloned
 * after an edit is the same object (adopted, see `SyntaxTree`), moved; as long as every statement
 * before it is the same object too, it moved by offset only, not by id (its id is the sum of the
 * sizes before it), and the lists hold node objects, which stay true of their new place.
 */
export function sharedIdEnd(previous: DataFrameModel | undefined, model: DataFrameModel): number {
  const before = previous && indexes.get(previous);
  if (!before || previous.root !== model.root) return 0;
  const now = model.root.children;
  let k = 0;
  while (k < now.length && k < before.children.length && now[k] === before.children[k]) k++;
  if (k === 0) return 0;
  // The first statement after the shared ones starts at the same id in both copies (ids are preorder
  // numbers); when one copy has no more statements (the last ones deleted, or some appended), the other's next one ends the shared part.
  return Math.min(now[k]?.id ?? Number.MAX_SAFE_INTEGER, before.children[k]?.id ?? Number.MAX_SAFE_INTEGER);
}

/** The first index of `list` whose `key` is at least `value` (`list` sorted by `key`), by binary search. */
function firstAtLeast<T>(list: readonly T[], key: (item: T) => number, value: number): number {
  let lo = 0;
  let hi = list.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (key(list[mid]) < value) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** How many nodes of `list` (in document order, so by id) are below `end`: they come first. */
export function countBelow(list: readonly { id: number }[], end: number): number {
  return firstAtLeast(list, (n) => n.id, end);
}

/** The nodes of `list` (in document order, so by id) below `end`. */
export function idsBelow<T extends { id: number }>(list: readonly T[], end: number): T[] {
  return list.slice(0, countBelow(list, end));
}

/** Each list of `groups` (each in document order) cut to its nodes below `end`, the emptied ones left out. */
export function groupsBelow<K>(groups: ReadonlyMap<K, readonly Node[]>, end: number): Map<K, Node[]> {
  const kept = new Map<K, Node[]>();
  for (const [key, list] of groups) {
    const below = idsBelow(list, end);
    if (below.length) kept.set(key, below);
  }
  return kept;
}

/**
 * Called once `model` is built from `previous` (the model of an earlier version of the document):
 * keeps `previous`'s lists for the statements the two copies share, so that `model`'s lists read
 * only the statements after them. Only those prefixes are kept (not `previous`), and only until
 * `model`'s lists are made.
 */
export function carrySyntaxIndex(previous: DataFrameModel | undefined, model: DataFrameModel): void {
  const end = sharedIdEnd(previous, model);
  if (end === 0) return;
  const before = indexes.get(previous!)!;
  carried.set(model, { from: end, lists: new Map([...before.lists].map(([t, list]) => [t, idsBelow(list, end)])) });
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
  for (let i = firstAtLeast(list, (n) => n.startIndex, offset); i < list.length; i++) yield list[i];
}
