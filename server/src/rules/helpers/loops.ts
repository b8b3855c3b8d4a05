import type { Node } from '../../parsing/pythonParser';
import { sameNode } from '../../parsing/syntax';

// What runs once per iteration: PSA107 reports actions there, PSA102 counts a frame used in a loop as reused.

export const SCOPE_BOUNDARIES = new Set(['function_definition', 'lambda', 'class_definition', 'module']);
export const COMPREHENSIONS = new Set(['list_comprehension', 'set_comprehension', 'dictionary_comprehension', 'generator_expression']);

export function isWithin(node: Node, ancestor: Node | null | undefined): boolean {
  return !!ancestor && node.startIndex >= ancestor.startIndex && node.endIndex <= ancestor.endIndex;
}

/**
 * The innermost construct around `node`, in its own function, that evaluates it once per
 * iteration: a `for` body, a `while` condition or body, or a comprehension (except the iterable
 * of its first `for`, which is evaluated once).
 */
export function repeatingConstructAround(node: Node): Node | undefined {
  let child = node;
  for (let p = node.parent; p && !SCOPE_BOUNDARIES.has(p.type); child = p, p = p.parent) {
    if (p.type === 'for_statement' && sameNode(p.childForFieldName('body'), child)) return p;
    if (p.type === 'while_statement' && !sameNode(p.childForFieldName('alternative'), child)) return p;
    if (COMPREHENSIONS.has(p.type)) {
      const firstFor = p.namedChildren.find((c) => c?.type === 'for_in_clause');
      if (!isWithin(node, firstFor?.childForFieldName('right'))) return p;
    }
  }
  return undefined;
}
