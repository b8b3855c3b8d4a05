import type { Node } from '../../parsing/pythonParser';
import { enclosingScope, sameNode, unwrapParens } from '../../parsing/syntax';

// What a name was last bound to before a statement, in that statement's own scope: how rules read
// `COLS = ["a", "b"]` ... `for c in COLS:` as a loop over two values.

/** Literal collections whose items a loop over them (or over a dict's items/keys/values) visits once each. */
export const COLLECTION_LITERALS = new Set(['list', 'tuple', 'set', 'dictionary']);

/**
 * The last `name = ...` (by position) in the scope of `at`, before it; with `withValue`, annotations
 * without a value (`name: T`) do not count.
 */
export function lastAssignmentBefore(name: string, at: Node, withValue: boolean): Node | undefined {
  const scope = enclosingScope(at);
  let found: Node | undefined;
  const stack: Node[] = [scope];
  for (let steps = 0; stack.length && steps < 200_000; steps++) {
    const n = stack.pop()!;
    if (n.startIndex >= at.startIndex) continue;
    if (!sameNode(n, scope) && (n.type === 'function_definition' || n.type === 'class_definition')) continue;
    if (n.type === 'assignment' && n.childForFieldName('left')?.text === name) {
      if ((!withValue || n.childForFieldName('right')) && (!found || n.startIndex > found.startIndex)) found = n;
      continue;
    }
    for (const c of n.namedChildren) if (c) stack.push(c);
  }
  return found;
}

/** The last plain assignment of `name` in the scope of `at`, before it. */
export function boundBefore(name: string, at: Node): Node | undefined {
  const right = lastAssignmentBefore(name, at, true)?.childForFieldName('right');
  return right ? unwrapParens(right) : undefined;
}

/**
 * The number of items of a literal list, tuple, set or dict, or of the one a name was last assigned
 * before `at` in its scope and never grows in place; undefined for anything else, or when a splat
 * makes the count unknown.
 */
export function literalItemCount(n: Node, at: Node): number | undefined {
  if (n.type === 'identifier' && grownInPlace(n.text, at)) return undefined;
  const literal = n.type === 'identifier' ? boundBefore(n.text, at) : unwrapParens(n);
  if (!literal || !COLLECTION_LITERALS.has(literal.type)) return undefined;
  const items = literal.namedChildren.filter((c) => c && c.type !== 'comment');
  return items.every((c) => c?.type !== 'list_splat' && c?.type !== 'dictionary_splat') ? items.length : undefined;
}

/** Methods that add items to a list, dict or set in place. */
const GROWING_METHODS = new Set(['append', 'extend', 'insert', 'update', 'add', 'setdefault']);

/**
 * True when the scope of `at` grows the collection a name holds in place: `name[k] = v`,
 * `name.append(...)` (extend, insert, update, add, setdefault), `name += ...`, `name |= ...`. A
 * literal bound to such a name (`features = {}` filled in a loop) says nothing of how many items
 * it ends up with.
 */
export function grownInPlace(name: string, at: Node): boolean {
  const stack: Node[] = [enclosingScope(at)];
  for (let steps = 0; stack.length && steps < 200_000; steps++) {
    const n = stack.pop()!;
    if (n.type === 'assignment') {
      const left = n.childForFieldName('left');
      if (left?.type === 'subscript' && left.childForFieldName('value')?.text === name) return true;
    } else if (n.type === 'augmented_assignment') {
      if (n.childForFieldName('left')?.text === name) return true;
    } else if (n.type === 'call') {
      const fn = n.childForFieldName('function');
      if (fn?.type === 'attribute' && fn.childForFieldName('object')?.text === name && GROWING_METHODS.has(fn.childForFieldName('attribute')?.text ?? ''))
        return true;
    }
    for (const c of n.namedChildren) if (c) stack.push(c);
  }
  return false;
}
