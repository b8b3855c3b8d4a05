import type { Node } from '../parsing/pythonParser';

/**
 * Answers about one top-level statement that read nothing but the statement's own subtree, kept on
 * the statement's node object so that the analyses after an edit compute them only for the
 * statements the edit made again (issue 18: the rules re-run on what changed).
 *
 * Why that is exact: a node object's subtree never changes. The syntax copy hands a later copy the
 * same object for a top-level statement only when the statement's type and text are the same and it
 * holds no error (the unchanged prefix, taken over; a statement further on, cloned and adopted: see
 * `SyntaxTree`), and then with the same subtree, the same child objects, only moved; any other
 * statement gets new objects. So `make` must read only the subtree (types, fields, texts, the node
 * objects in it) and return nothing that holds a position as a number: node objects move with the
 * statement, numbers do not. Not for the root, whose object a later copy takes over with new children.
 */
export function perStatement<T>(memo: WeakMap<Node, T>, statement: Node, make: (statement: Node) => T): T {
  if (statement.id === 0) throw new Error('perStatement: the root is not a statement (a later copy gives it new children)');
  let value = memo.get(statement);
  if (value === undefined) {
    value = make(statement);
    memo.set(statement, value);
    statementMemoCounts.made++;
  } else statementMemoCounts.kept++;
  return value;
}

/** How many answers were made and how many were found kept (for the tests' floors on reuse, and the profiler). */
export const statementMemoCounts = { made: 0, kept: 0 };

/**
 * An answer about one node (a call, say) that reads nothing but the node's own subtree, kept on the
 * node object for the next analyses, for the same reason `perStatement` is exact (a node object's
 * subtree never changes; its answer must hold nodes, never positions as numbers). `read` returning
 * undefined is kept too (as null). `counts` is the caller's own made/kept tally (the tests' floors on
 * reuse); `kept` gives what is kept for a node without reading it (the tests compare it with a fresh read).
 */
export function perNode<T>(
  read: (node: Node) => T | undefined,
  counts: { made: number; kept: number },
): { of: (node: Node) => T | undefined; kept: (node: Node) => T | null | undefined } {
  const memo = new WeakMap<Node, T | null>();
  return {
    of(node) {
      let value = memo.get(node);
      if (value === undefined) {
        value = read(node) ?? null;
        memo.set(node, value);
        counts.made++;
      } else counts.kept++;
      return value ?? undefined;
    },
    kept: (node) => memo.get(node),
  };
}
