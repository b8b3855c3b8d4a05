import type { Node } from '../parsing/pythonParser';
import { callParts, enclosingStatement, unwrapParens } from '../parsing/syntax';

/**
 * Whether an expression surely evaluates to what the model made of it. The model binds names
 * path-insensitively: after `if c: df = a` / `else: df = b` it knows `df` as `b`, in a loop it
 * sees one iteration, and it follows a helper's parameter to the frame one caller passed. A rule
 * that says "this column cannot exist" must know the frame for certain, so here a name counts only
 * when one plain assignment reaches its use on every path (it dominates the use, nothing rebinds
 * the name in between or on a loop's next turn), and what was assigned is itself certain.
 */

const SCOPES = new Set(['function_definition', 'lambda', 'module']);
/** Nested scopes: their own bindings are not the enclosing scope's. */
const NESTED = new Set(['function_definition', 'lambda', 'class_definition', 'list_comprehension', 'set_comprehension', 'dictionary_comprehension', 'generator_expression']);
const LOOPS = new Set(['for_statement', 'while_statement']);
const MAX_DEPTH = 25;
const MAX_NODES = 200_000;

interface Binding {
  /** The identifier bound. */
  node: Node;
  /** `name = value` (value set) or any other binding: a parameter, a loop target, an import, `with ... as`. */
  value?: Node;
  kind: 'assign' | 'import' | 'other';
}

interface ScopeInfo {
  bindings: Map<string, Binding[]>;
  /** Names declared `global` / `nonlocal` in the scope. */
  declared: Set<string>;
}

export class BindingCertainty {
  private readonly scopes = new Map<number, ScopeInfo>();
  private readonly globals = new Set<string>();
  /** `from helpers import *` (not PySpark's own modules): may rebind any name where it runs. */
  private readonly wildcards: Node[] = [];
  private readonly memo = new Map<number, boolean>();

  constructor(root: Node) {
    // A `global x` anywhere lets a function rebind the module's `x` when it is called.
    for (const g of root.descendantsOfType(['global_statement', 'nonlocal_statement'])) {
      for (const id of g?.namedChildren ?? []) if (id?.type === 'identifier') this.globals.add(id.text);
    }
    for (const imp of root.descendantsOfType('import_from_statement')) {
      if (imp && imp.namedChildren.some((c) => c?.type === 'wildcard_import') && !/^pyspark\b/.test(imp.childForFieldName('module_name')?.text ?? '')) this.wildcards.push(imp);
    }
  }

  /** The identifier `use` surely holds the value of one assignment (returned), else undefined. */
  reachingAssignment(use: Node): Binding | undefined {
    const name = use.text;
    if (this.globals.has(name)) return undefined;
    // A name read in a class body: Python looks it up in the class first, which is not modelled here.
    for (let n: Node | null = use.parent; n && !SCOPES.has(n.type); n = n.parent) if (n.type === 'class_definition') return undefined;
    let scopeNode: Node | null = enclosingScopeOf(use);
    let first = true;
    while (scopeNode) {
      const info = this.scopeInfo(scopeNode);
      const bindings = info.bindings.get(name);
      if (bindings?.length) return first ? this.sameScope(use, bindings, scopeNode) : onlyBinding(bindings);
      if (info.declared.has(name)) return undefined;
      first = false;
      scopeNode = scopeNode.parent ? enclosingScopeOf(scopeNode) : null;
    }
    return undefined;
  }

  /** The identifier is bound nowhere but by imports (or not at all: a builtin, a notebook global). */
  private unboundOrImported(use: Node): boolean {
    if (this.globals.has(use.text)) return false;
    for (let s: Node | null = enclosingScopeOf(use); s; s = s.parent ? enclosingScopeOf(s) : null) {
      const b = this.scopeInfo(s).bindings.get(use.text);
      if (b?.length) return b.every((x) => x.kind === 'import');
    }
    return true;
  }

  /**
   * Every name read in `expr` (a schema, an option value) is certain: bound only by imports, or by
   * one reaching assignment whose value is itself certain.
   */
  valueCertain(expr: Node, depth = 0): boolean {
    if (depth > MAX_DEPTH) return false;
    const e = unwrapParens(expr);
    const cached = this.memo.get(e.id);
    if (cached !== undefined) return cached;
    this.memo.set(e.id, false);
    let ok = true;
    const stack = [e];
    for (let i = 0; stack.length && ok && i < 10_000; i++) {
      const n = stack.pop()!;
      if (n.type === 'lambda' || n.type === 'conditional_expression') {
        ok = false;
        break;
      }
      if (n.type === 'identifier') {
        ok = this.identifierCertain(n, depth);
        continue;
      }
      if (n.type === 'attribute') {
        const obj = n.childForFieldName('object');
        if (obj) stack.push(obj);
        continue;
      }
      if (n.type === 'keyword_argument') {
        const v = n.childForFieldName('value');
        if (v) stack.push(v);
        continue;
      }
      for (const c of n.namedChildren) if (c && c.type !== 'comment') stack.push(c);
    }
    this.memo.set(e.id, ok);
    return ok;
  }

  private identifierCertain(id: Node, depth: number): boolean {
    if (this.unboundOrImported(id)) return true;
    const b = this.reachingAssignment(id);
    return !!b?.value && this.valueCertain(b.value, depth + 1);
  }

  private sameScope(use: Node, bindings: Binding[], scopeNode: Node): Binding | undefined {
    // The last binding that ends before the use (`df = df.filter(...)` reads the previous `df`).
    let last: Binding | undefined;
    for (const b of bindings) {
      const stmt = bindingStatement(b.node);
      if (stmt.endIndex <= use.startIndex) last = b;
    }
    if (!last || last.kind !== 'assign' || !last.value) return undefined;
    const assigned = last.node;
    if (this.wildcards.some((w) => w.startIndex > assigned.startIndex && w.startIndex < use.startIndex)) return undefined;
    const stmt = enclosingStatement(last.node);
    const block = stmt?.parent;
    if (!stmt || !block || !contains(block, use)) return undefined;
    // On a loop's next turn, a binding later in the loop reaches the use, unless this one runs first every turn.
    for (let n: Node | null = use.parent; n && n.id !== scopeNode.id; n = n.parent) {
      if (!LOOPS.has(n.type) || contains(n, stmt)) continue;
      const loop = n;
      if (bindings.some((b) => b !== last && contains(loop, b.node))) return undefined;
    }
    return last;
  }

  private scopeInfo(scopeNode: Node): ScopeInfo {
    let info = this.scopes.get(scopeNode.id);
    if (info) return info;
    info = { bindings: new Map(), declared: new Set() };
    const add = (node: Node, kind: Binding['kind'], value?: Node) => {
      const list = info!.bindings.get(node.text);
      const b = { node, kind, value };
      if (list) list.push(b);
      else info!.bindings.set(node.text, [b]);
    };
    if (scopeNode.type === 'function_definition' || scopeNode.type === 'lambda') {
      const params = scopeNode.childForFieldName('parameters');
      for (const id of params ? identifiersIn(params, true) : []) add(id, 'other');
    }
    const body = scopeNode.type === 'module' ? scopeNode : scopeNode.childForFieldName('body');
    const stack: Node[] = body ? [body] : [];
    for (let i = 0; stack.length && i < MAX_NODES; i++) {
      const n = stack.pop()!;
      switch (n.type) {
        case 'function_definition':
        case 'class_definition': {
          const name = n.childForFieldName('name');
          if (name) add(name, 'other');
          // Decorators and defaults run in this scope, but bind nothing here.
          continue;
        }
        case 'lambda':
        case 'list_comprehension':
        case 'set_comprehension':
        case 'dictionary_comprehension':
        case 'generator_expression':
          // Only a walrus inside binds here; it makes the name uncertain, which is what matters.
          for (const w of n.descendantsOfType('named_expression')) {
            const name = w?.childForFieldName('name');
            if (name) add(name, 'other');
          }
          continue;
        case 'assignment': {
          const left = n.childForFieldName('left');
          const right = n.childForFieldName('right');
          if (left?.type === 'identifier') add(left, right ? 'assign' : 'other', right ?? undefined);
          else if (left) for (const id of identifiersIn(left, false)) add(id, 'other');
          break;
        }
        case 'augmented_assignment':
        case 'for_statement':
        case 'for_in_clause': {
          const left = n.childForFieldName('left');
          if (left) for (const id of identifiersIn(left, false)) add(id, 'other');
          break;
        }
        case 'named_expression': {
          const name = n.childForFieldName('name');
          if (name) add(name, 'other');
          break;
        }
        case 'as_pattern': {
          const alias = n.childForFieldName('alias');
          if (alias) for (const id of identifiersIn(alias, false)) add(id, 'other');
          break;
        }
        case 'except_clause':
          // `except E as e`: the name is the identifier after `as`.
          for (const c of n.namedChildren) if (c?.type === 'identifier' && c.previousSibling?.type === 'as') add(c, 'other');
          break;
        case 'delete_statement':
          for (const id of identifiersIn(n, false)) add(id, 'other');
          continue;
        case 'import_statement':
        case 'import_from_statement':
          for (const c of n.namedChildren) {
            if (!c) continue;
            if (c.type === 'aliased_import') {
              const alias = c.childForFieldName('alias');
              if (alias) add(alias, 'import');
            } else if (c.type === 'dotted_name' && c.id !== n.childForFieldName('module_name')?.id) {
              const first = c.namedChildren[0];
              if (first) add(first, 'import');
            }
          }
          continue;
        case 'global_statement':
        case 'nonlocal_statement':
          for (const c of n.namedChildren) if (c?.type === 'identifier') info.declared.add(c.text);
          continue;
        case 'case_clause':
          // Capture patterns bind names; treat every identifier of the pattern as a binding.
          for (const c of n.namedChildren) if (c?.type === 'case_pattern') for (const id of identifiersIn(c, false)) add(id, 'other');
          break;
      }
      for (const c of n.namedChildren) if (c && c.type !== 'comment') stack.push(c);
    }
    for (const list of info.bindings.values()) list.sort((a, b) => a.node.startIndex - b.node.startIndex);
    this.scopes.set(scopeNode.id, info);
    return info;
  }
}

/** A name reached from an inner function: certain only when the outer scope binds it once, unconditionally. */
function onlyBinding(bindings: Binding[]): Binding | undefined {
  if (bindings.length !== 1) return undefined;
  const b = bindings[0];
  if (b.kind !== 'assign' || !b.value) return undefined;
  const stmt = enclosingStatement(b.node);
  const block = stmt?.parent;
  if (!block) return undefined;
  // Directly in the module or the function body, not in a branch or a loop.
  if (block.type === 'module') return b;
  return block.parent && SCOPES.has(block.parent.type) ? b : undefined;
}

function bindingStatement(node: Node): Node {
  return enclosingStatement(node) ?? node;
}

export function enclosingScopeOf(node: Node): Node | null {
  for (let n: Node | null = node.parent; n; n = n.parent) {
    if (SCOPES.has(n.type)) return n;
    if (n.type === 'class_definition') continue;
  }
  return null;
}

function contains(outer: Node, inner: Node): boolean {
  return outer.startIndex <= inner.startIndex && inner.endIndex <= outer.endIndex;
}

/** Identifiers a target or parameter list binds (not attribute names, defaults or annotations). */
function identifiersIn(node: Node, parameters: boolean): Node[] {
  const out: Node[] = [];
  const visit = (n: Node, depth: number) => {
    if (depth > 50) return;
    if (n.type === 'identifier') {
      out.push(n);
      return;
    }
    if (n.type === 'attribute' || n.type === 'subscript') return;
    if (parameters && (n.type === 'default_parameter' || n.type === 'typed_default_parameter' || n.type === 'typed_parameter')) {
      const name = n.childForFieldName('name') ?? n.namedChildren.find((c) => c?.type === 'identifier') ?? null;
      if (name) out.push(name);
      return;
    }
    if (NESTED.has(n.type)) return;
    for (const c of n.namedChildren) if (c) visit(c, depth + 1);
  };
  visit(node, 0);
  return out;
}

/** `x.method(...)` chains: the call, the method name and the receiver. */
export function methodCall(node: Node): { name: string; object: Node; call: Node } | undefined {
  const n = unwrapParens(node);
  if (n.type !== 'call') return undefined;
  const parts = callParts(n);
  return parts?.object && parts.name ? { name: parts.name, object: parts.object, call: n } : undefined;
}
