import type { Node } from '../parsing/pythonParser';
import { perStatement } from './statementMemo';
import { firstAtLeast, joinListCarried, sharedHead } from './statementGroups';
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
  /** The lists made so far, by type: each made when a rule first asks for it (`nodesOfType`). */
  lists: Map<string, readonly Node[]>;
  /**
   * The root's children when the index was made (the first list asked). The root object is taken
   * over by the next copy of the document, after which it gives that copy's children: the next model
   * finds the statements both copies share by comparing its own children with these.
   */
  children: readonly Node[];
}

const indexes = new WeakMap<DataFrameModel, TypeIndex>();

/**
 * What a model starts its lists from: its previous model's lists (those it made, by reference:
 * a list is never written to once made) and the statements they were joined from. Each type is
 * forgotten once its list is made from it; a type the previous model never asked is joined from
 * every statement's own list.
 */
interface Carried {
  lists: Map<string, readonly Node[]>;
  children: readonly Node[];
}
const carried = new WeakMap<DataFrameModel, Carried>();

/**
 * All nodes of a type in the file, in document order. One tree pass per statement serves every
 * rule: each rule walking the tree itself cost more than the model and the parse together. Each
 * type's list is made when first asked, joined from the top-level statements' own lists
 * (`listsOfStatement`, kept on the statement: a statement the copy adopted after an edit is not
 * walked again); after an edit, from the previous model's list of the type (`carrySyntaxIndex`):
 * its nodes of the statements both copies start and end with kept in place, only the statements
 * between read (`joinListCarried`). A type no rule asks for costs nothing (most of the fourteen:
 * the call and string lists, the longest, were copied twice per keystroke for no reader).
 */
export function nodesOfType(model: DataFrameModel, type: IndexedType): readonly Node[] {
  const index = typeIndexOf(model);
  const list = index.lists.get(type);
  if (list) return list;
  const carry = carried.get(model);
  const previous = carry?.lists.get(type);
  const joined = joinListCarried(
    index.children,
    previous && { list: previous, statements: carry!.children },
    (statement) => statementNodesOfType(statement, type),
    (n) => n.id,
    statementListCounts,
  );
  index.lists.set(type, joined);
  if (joined === previous) statementListCounts.unchanged++;
  if (carry) {
    carry.lists.delete(type);
    if (carry.lists.size === 0) carried.delete(model);
  }
  return joined;
}

function typeIndexOf(model: DataFrameModel): TypeIndex {
  let index = indexes.get(model);
  if (!index) indexes.set(model, (index = { lists: new Map(), children: model.root.children }));
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
 * Statements whose lists a type's join read (those after the carried head: between it and the
 * carried tail, or all of them when nothing was carried), of them the ones walked (the rest were
 * kept), and the ones read as part of a carried tail; and the lists that are the previous model's
 * own (no statement between holds a node of the type): for the tests' floors on reuse. Counted per
 * type joined.
 */
export const statementListCounts = { read: 0, made: 0, tail: 0, unchanged: 0 };

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

/**
 * Called once `model` is built from `previous` (the model of an earlier version of the document):
 * `model`'s lists start from `previous`'s (the types it made), whose nodes keep their place for the
 * top-level statements both copies start and end with (`joinListCarried`). The lists are kept by
 * reference (never written to), each only until `model`'s list of its type is made.
 */
export function carrySyntaxIndex(previous: DataFrameModel | undefined, model: DataFrameModel): void {
  const before = previous && indexes.get(previous);
  if (!before || previous.root !== model.root || before.lists.size === 0) return;
  carried.set(model, { lists: new Map(before.lists), children: before.children });
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
