import type { Node } from '../parsing/pythonParser';
import { perStatement } from './statementMemo';
import { countBelow } from './syntaxIndex';

/**
 * A model's groups of nodes (by name, by scope, ...) joined from groups each top-level statement
 * keeps on its node object (`perStatement`), so that after an edit only the statements the syntax
 * copy made again are walked (issue 18). The statements are read in document order and each
 * statement's lists are in document order, so each joined list is too: the same nodes, in the same
 * order, as grouping the whole file's nodes at once; keys come in the order they first occur.
 *
 * `make` reads only the statement's subtree and keys its groups by what does not move with the
 * statement's place (a text, a node object of the subtree, a constant for the module): `keyNow`
 * turns that key into the model's key (a node's id, read when joined, is its id in this copy).
 * The model's lists start as copies: a statement's own lists are never written to.
 */
export function joinStatementGroups<S, K>(
  root: Node,
  from: number,
  into: Map<K, Node[]>,
  memo: WeakMap<Node, ReadonlyMap<S, readonly Node[]>>,
  make: (statement: Node) => ReadonlyMap<S, readonly Node[]>,
  keyNow: (key: S) => K,
): void {
  const statements = root.children;
  // The statements below `from` are the carried ones (their nodes are in `into` already).
  for (let i = countBelow(statements, from); i < statements.length; i++) {
    statementGroupCounts.read++;
    for (const [key, nodes] of perStatement(memo, statements[i], make)) appendAll(into, keyNow(key), nodes);
  }
}

/** Appends `nodes` to the list of `key` in `groups`, starting the list with a copy of them when there is none. */
export function appendAll<K>(groups: Map<K, Node[]>, key: K, nodes: readonly Node[]): void {
  const list = groups.get(key);
  if (list) for (const n of nodes) list.push(n);
  else groups.set(key, nodes.slice());
}

/** A statement's groups with nothing in them, shared (most statements call nothing, assign nothing, ...). */
export function noGroups<K>(): ReadonlyMap<K, readonly Node[]> {
  return NO_GROUPS as ReadonlyMap<K, readonly Node[]>;
}
const NO_GROUPS: ReadonlyMap<unknown, readonly Node[]> = new Map();

/** Statements whose groups were joined after the carried ones, and of them the ones whose groups were made (the rest were kept): for the tests' floor on reuse. */
export const statementGroupCounts = { read: 0, made: 0 };
