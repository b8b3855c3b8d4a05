import type { Node } from './pythonParser';

/**
 * `root.descendantForIndex(offset, offset)`, the same node object, with the top-level statement
 * found by a binary search over the root's children instead of a walk along them. The analysis
 * asks this for every finding reported by offset (to know the code kind there): the walk read on
 * average half of a file's top-level statements per finding, about 600 at 20k lines (issue 18).
 *
 * The walk (tree-sitter's `ts_node_descendant_for_byte_range`, which the copy's `descendantForIndex`
 * follows) takes the first child that ends after `offset`, or is empty and sits at it, and stops
 * at the parent when that child begins after `offset`. Siblings do not overlap and come in order,
 * so their ends never decrease: the first child ending at or after `offset` is found by bisection,
 * then the non-empty ones ending exactly at it are passed, as the walk passes them.
 */
export function nodeAtOffset(root: Node, offset: number): Node {
  const children = root.children;
  let lo = 0;
  let hi = children.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (children[mid].endIndex < offset) lo = mid + 1;
    else hi = mid;
  }
  while (lo < children.length && children[lo].endIndex === offset && children[lo].startIndex !== offset) lo++;
  const child = children[lo];
  if (!child || offset < child.startIndex) return root;
  return child.descendantForIndex(offset, offset);
}
