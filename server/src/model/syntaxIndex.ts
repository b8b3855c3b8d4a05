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
  /**
   * The nodes of the last `statements` top-level statements, the same objects at the end of both
   * copies' statements (adopted after the edit), by type (only the types they hold): the previous
   * lists' ends, which the new lists end with too.
   */
  tail?: { statements: number; lists: Map<string, Node[]> };
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
  const tail = carry?.tail;
  // The root is no indexed type: its descendants are its children's subtrees, in document order.
  // Each statement after the carried ones and before the carried tail gives its own lists, kept on
  // its node object: a statement the copy adopted after the edit is not walked again.
  const stop = children.length - (tail?.statements ?? 0);
  for (let i = 0; i < stop; i++) {
    const child = children[i];
    if (child.id < from) continue;
    statementListCounts.read++;
    for (const [type, nodes] of perStatement(statementLists, child, listsOfStatement)) {
      const list = lists.get(type)!;
      for (const n of nodes) list.push(n);
    }
  }
  // The statements of the carried tail, read as a whole (one copy of each list's end, not a look-up
  // per statement and a push per node): counted as read, their lists all kept.
  if (tail) {
    statementListCounts.read += tail.statements;
    statementListCounts.tail += tail.statements;
    for (const [type, nodes] of tail.lists) lists.set(type, lists.get(type)!.concat(nodes));
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

/**
 * Statements whose lists were read after the carried prefix, of them the ones walked (the rest were
 * kept), and the ones read as part of a carried tail: for the tests' floors on reuse.
 */
export const statementListCounts = { read: 0, made: 0, tail: 0 };

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
  const k = sharedHead(before.children, now);
  if (k === 0) return 0;
  // The first statement after the shared ones starts at the same id in both copies (ids are preorder
  // numbers); when one copy has no more statements (the last ones deleted, or some appended), the other's next one ends the shared part.
  return Math.min(now[k]?.id ?? Number.MAX_SAFE_INTEGER, before.children[k]?.id ?? Number.MAX_SAFE_INTEGER);
}

/** How many top-level statements `before` and `now` start with as the same objects. */
export function sharedHead(before: readonly Node[], now: readonly Node[]): number {
  let k = 0;
  while (k < now.length && k < before.length && now[k] === before[k]) k++;
  return k;
}

/**
 * How many top-level statements `before` and `now` end with as the same objects, none of them among
 * the `head` statements both start with (a statement is at one place in each copy).
 */
export function sharedTail(before: readonly Node[], now: readonly Node[], head: number): number {
  let s = 0;
  while (s < now.length - head && s < before.length - head && now[now.length - 1 - s] === before[before.length - 1 - s]) s++;
  return s;
}

/** The first index of `list` whose `key` is at least `value` (`list` sorted by `key`), by binary search. */
export function firstAtLeast<T>(list: readonly T[], key: (item: T) => number, value: number): number {
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

/**
 * Called once `model` is built from `previous` (the model of an earlier version of the document):
 * keeps `previous`'s lists for the statements the two copies share at their start (ids below
 * `sharedIdEnd`) and at their end (the same statement objects last in both, adopted by the copy
 * after the edit: `sharedTail`), so that `model`'s lists read only the statements between. Only
 * those parts of the lists are kept (not `previous`), and only until `model`'s lists are made.
 */
export function carrySyntaxIndex(previous: DataFrameModel | undefined, model: DataFrameModel): void {
  const before = previous && indexes.get(previous);
  if (!before || previous.root !== model.root) return;
  const end = sharedIdEnd(previous, model);
  const now = model.root.children;
  const statements = sharedTail(before.children, now, sharedHead(before.children, now));
  if (end === 0 && statements === 0) return;
  const lists = new Map([...before.lists].map(([t, list]) => [t, end === 0 ? [] : idsBelow(list, end)]));
  carried.set(model, { from: end, lists, ...(statements ? { tail: { statements, lists: tailLists(before, statements) } } : {}) });
}

/**
 * The last nodes of each of `before`'s lists that belong to its last `statements` top-level
 * statements. A model's list of a type is its statements' own lists in turn (`typeIndexOf`), so
 * those nodes are its last ones, as many as those statements' own lists hold; the statements are the
 * same objects in the newer copy (`sharedTail`), with the same subtrees and lists (`perStatement`).
 */
function tailLists(before: TypeIndex, statements: number): Map<string, Node[]> {
  const counts = new Map<string, number>();
  for (let i = before.children.length - statements; i < before.children.length; i++) {
    for (const [type, nodes] of perStatement(statementLists, before.children[i], listsOfStatement)) counts.set(type, (counts.get(type) ?? 0) + nodes.length);
  }
  const lists = new Map<string, Node[]>();
  for (const [type, count] of counts) {
    const list = before.lists.get(type)!;
    lists.set(type, list.slice(list.length - count));
  }
  return lists;
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
