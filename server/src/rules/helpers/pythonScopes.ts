import type { Node } from '../../parsing/pythonParser';
import { sameNode } from '../../parsing/syntax';
import { targetIdentifiers } from './columnExpressions';

/**
 * Where the occurrences of a few names live and which scope each one refers to, following
 * Python's rules: a name bound anywhere in a function is local to all of it; parameter defaults,
 * annotations and decorators belong to the enclosing scope; a comprehension is a scope of its
 * own whose first iterable is evaluated outside; class bodies are not visible from methods.
 */

export type BindingKind =
  | 'for' // for-loop or comprehension target
  | 'assign' // `x = ...`, `x += ...`, `(x := ...)`
  | 'param'
  | 'import'
  | 'def' // def / class name
  | 'other'; // with ... as, except ... as, del, match patterns

export interface Occurrence {
  node: Node;
  /** The scope the identifier appears in (function, lambda, comprehension, class or module node). */
  scope: Node;
  role: 'call' | 'use' | 'bind' | 'global';
  kind?: BindingKind;
  /** For assignments: the assigned value; for parameters: the default. */
  value?: Node;
  /** For parameters: the annotation. */
  annotation?: Node;
  /** For calls: the call node (kept because asking tree-sitter for a parent walks from the root). */
  call?: Node;
  /** For a name passed as a direct positional argument: the call it is passed to. */
  argumentOf?: Node;
  /** For `for` targets: the iterable. */
  iterable?: Node;
}

export interface ScopeInfo {
  node: Node;
  parent?: ScopeInfo;
  /** Occurrences directly in this scope, in text order, per name. */
  byName: Map<string, Occurrence[]>;
  /** Names this scope binds (which makes them local to it). */
  bound: Set<string>;
}

const MAX_STEPS = 1_000_000;

interface Binding {
  kind: BindingKind;
  value?: Node;
  iterable?: Node;
}

interface Entry {
  node: Node;
  scope: ScopeInfo;
  /** The syntactic parent (absent for the root). */
  parent?: Node;
}

type Push = (n: Node | null | undefined, s?: ScopeInfo, parent?: Node) => void;

export class ScopeIndex {
  readonly scopes = new Map<number, ScopeInfo>();
  /** Every occurrence of the watched names, in text order. */
  readonly occurrences: Occurrence[] = [];
  /** False when the walk hit its step bound: callers must not act on partial knowledge. */
  complete = true;
  /** Identifiers that binding targets and imports bind, by node id, marked before they are visited. */
  private readonly targets = new Map<number, Binding>();
  /** Identifiers in imports that bind nothing (module paths, names an alias renames). */
  private readonly ignored = new Set<number>();
  /** Identifiers passed directly as positional arguments, and the call they are passed to. */
  private readonly argumentOf = new Map<number, Node>();
  private readonly resolved = new Map<number, ScopeInfo | undefined>();
  private byTarget?: Map<string, Occurrence[]>;
  private readonly bindingCache = new Map<string, Occurrence[]>();

  constructor(
    root: Node,
    private readonly names: (name: string) => boolean,
  ) {
    this.walk(root);
    this.occurrences.sort((a, b) => a.node.startIndex - b.node.startIndex);
    for (const s of this.scopes.values()) for (const list of s.byName.values()) list.sort((a, b) => a.node.startIndex - b.node.startIndex);
  }

  scopeOf(o: Occurrence): ScopeInfo {
    return this.scopes.get(o.scope.id)!;
  }

  /** True when `scope` binds `name` (which makes the name local to it). */
  binds(scope: ScopeInfo, name: string): boolean {
    return scope.bound.has(name);
  }

  /** The scope an occurrence's name refers to: the nearest binding one, skipping enclosing class bodies. */
  resolve(o: Occurrence): ScopeInfo | undefined {
    if (this.resolved.has(o.node.id)) return this.resolved.get(o.node.id);
    const name = o.node.text;
    let found: ScopeInfo | undefined;
    let s: ScopeInfo | undefined = this.scopeOf(o);
    for (let first = true; s && !found; s = s.parent, first = false) {
      if (!first && s.node.type === 'class_definition') continue;
      if (this.binds(s, name)) found = s;
    }
    this.resolved.set(o.node.id, found);
    return found;
  }

  /** The bindings of `name` directly in `scope`, in text order. */
  bindingsOf(scope: ScopeInfo, name: string): Occurrence[] {
    const key = `${scope.node.id}:${name}`;
    let list = this.bindingCache.get(key);
    if (!list) {
      list = (scope.byName.get(name) ?? []).filter((o) => o.role === 'bind');
      this.bindingCache.set(key, list);
    }
    return list;
  }

  /** The occurrences of `name` that refer to `scope`'s variable, wherever they appear. */
  referencesTo(scope: ScopeInfo, name: string): Occurrence[] {
    if (!this.byTarget) {
      this.byTarget = new Map();
      for (const o of this.occurrences) {
        if (o.role === 'global') continue;
        const target = this.resolve(o);
        if (!target) continue;
        const key = `${target.node.id}:${o.node.text}`;
        const list = this.byTarget.get(key) ?? [];
        list.push(o);
        this.byTarget.set(key, list);
      }
    }
    return this.byTarget.get(`${scope.node.id}:${name}`) ?? [];
  }

  /** True when the scope is evaluated as module code: the module, or comprehensions directly in it. */
  isModuleCode(scope: ScopeInfo): boolean {
    for (let s: ScopeInfo | undefined = scope; s; s = s.parent) {
      if (s.node.type === 'module') return true;
      if (s.node.type === 'function_definition' || s.node.type === 'lambda' || s.node.type === 'class_definition') return false;
    }
    return false;
  }

  private scope(node: Node, parent: ScopeInfo | undefined): ScopeInfo {
    let s = this.scopes.get(node.id);
    if (!s) {
      s = { node, parent, byName: new Map(), bound: new Set() };
      this.scopes.set(node.id, s);
    }
    return s;
  }

  private add(o: Occurrence): void {
    const s = this.scopes.get(o.scope.id)!;
    const list = s.byName.get(o.node.text) ?? [];
    list.push(o);
    s.byName.set(o.node.text, list);
    if (o.role === 'bind') s.bound.add(o.node.text);
    this.occurrences.push(o);
  }

  /**
   * One pass from the root. Nothing here asks a node for its parent: tree-sitter answers that by
   * walking down from the root, which turns quadratic on the 50k-deep trees generated code has.
   * Binding targets and imports are marked from above instead, before their identifiers are seen.
   */
  private walk(root: Node): void {
    const stack: Entry[] = [{ node: root, scope: this.scope(root, undefined) }];
    for (let steps = 0; stack.length; steps++) {
      if (steps > MAX_STEPS) {
        this.complete = false;
        return;
      }
      const { node, scope, parent } = stack.pop()!;
      const push: Push = (n, s = scope, p = node) => {
        if (n) stack.push({ node: n, scope: s, parent: p });
      };
      switch (node.type) {
        case 'function_definition':
        case 'lambda': {
          const inner = this.scope(node, scope);
          const name = node.childForFieldName('name');
          if (name && this.names(name.text)) this.add({ node: name, scope: scope.node, role: 'bind', kind: 'def' });
          this.parameters(node.childForFieldName('parameters'), inner, scope, push);
          push(node.childForFieldName('return_type'));
          push(node.childForFieldName('body'), inner);
          continue;
        }
        case 'class_definition': {
          const inner = this.scope(node, scope);
          const name = node.childForFieldName('name');
          if (name && this.names(name.text)) this.add({ node: name, scope: scope.node, role: 'bind', kind: 'def' });
          push(node.childForFieldName('superclasses'));
          push(node.childForFieldName('body'), inner);
          continue;
        }
        case 'list_comprehension':
        case 'set_comprehension':
        case 'dictionary_comprehension':
        case 'generator_expression': {
          const inner = this.scope(node, scope);
          const firstFor = node.namedChildren.find((c) => c?.type === 'for_in_clause');
          for (const c of node.namedChildren) {
            if (!c) continue;
            if (sameNode(c, firstFor)) {
              const left = c.childForFieldName('left');
              if (left) this.markTargets(left, { kind: 'for', iterable: c.childForFieldName('right') ?? undefined });
              push(left, inner, c);
              push(c.childForFieldName('right'), scope, c);
            } else push(c, inner);
          }
          continue;
        }
        case 'identifier':
          if (parent) this.identifier(node, parent, scope);
          continue;
        case 'import_statement':
        case 'import_from_statement':
        case 'future_import_statement':
          this.markImports(node);
          break;
        case 'call':
          for (const a of node.childForFieldName('arguments')?.namedChildren ?? []) {
            if (a?.type === 'identifier') this.argumentOf.set(a.id, node);
          }
          break;
        default:
          this.markBindings(node);
      }
      for (const c of node.namedChildren) push(c);
    }
  }

  private parameters(params: Node | null, inner: ScopeInfo, outer: ScopeInfo, push: Push): void {
    for (const p of params?.namedChildren ?? []) {
      if (!p) continue;
      let name: Node | null | undefined;
      let value: Node | undefined;
      let annotation: Node | undefined;
      if (p.type === 'identifier') name = p;
      else if (p.type === 'default_parameter' || p.type === 'typed_default_parameter') {
        name = p.childForFieldName('name');
        value = p.childForFieldName('value') ?? undefined;
        annotation = p.childForFieldName('type') ?? undefined;
      } else if (p.type === 'typed_parameter') {
        name = p.namedChildren.find((c) => c?.type === 'identifier');
        annotation = p.childForFieldName('type') ?? undefined;
        if (!name) name = p.namedChildren.find((c) => c?.type === 'list_splat_pattern' || c?.type === 'dictionary_splat_pattern')?.namedChildren[0];
      } else if (p.type === 'list_splat_pattern' || p.type === 'dictionary_splat_pattern') name = p.namedChildren[0];
      if (name?.type === 'identifier' && this.names(name.text)) {
        this.add({ node: name, scope: inner.node, role: 'bind', kind: 'param', value, annotation });
      }
      push(value, outer, p);
      push(annotation, outer, p);
    }
  }

  private identifier(id: Node, parent: Node, scope: ScopeInfo): void {
    if (!this.names(id.text) || this.ignored.has(id.id)) return;
    // Attribute names and keyword-argument names are not variables.
    if (parent.type === 'attribute' && sameNode(parent.childForFieldName('attribute'), id)) return;
    if (parent.type === 'keyword_argument' && sameNode(parent.childForFieldName('name'), id)) return;
    if (parent.type === 'global_statement' || parent.type === 'nonlocal_statement') {
      this.add({ node: id, scope: scope.node, role: 'global' });
      return;
    }
    if (parent.type === 'call' && sameNode(parent.childForFieldName('function'), id)) {
      this.add({ node: id, scope: scope.node, role: 'call', call: parent });
      return;
    }
    const binding = this.targets.get(id.id);
    if (binding) this.add({ node: id, scope: scope.node, role: 'bind', ...binding });
    else this.add({ node: id, scope: scope.node, role: 'use', argumentOf: this.argumentOf.get(id.id) });
  }

  /** Records the identifiers a statement or expression binds, keyed by node id. */
  private markBindings(node: Node): void {
    switch (node.type) {
      case 'assignment':
      case 'augmented_assignment': {
        const left = node.childForFieldName('left');
        if (left) this.markTargets(left, { kind: 'assign', value: node.childForFieldName('right') ?? undefined });
        return;
      }
      case 'named_expression': {
        const name = node.childForFieldName('name');
        if (name) this.markTargets(name, { kind: 'assign', value: node.childForFieldName('value') ?? undefined });
        return;
      }
      case 'for_statement':
      case 'for_in_clause': {
        const left = node.childForFieldName('left');
        if (left) this.markTargets(left, { kind: 'for', iterable: node.childForFieldName('right') ?? undefined });
        return;
      }
      case 'as_pattern_target':
      case 'delete_statement':
        for (const c of node.namedChildren) if (c) this.markTargets(c, { kind: 'other' });
        return;
      case 'case_pattern':
        this.markAll(node, { kind: 'other' });
        return;
    }
  }

  private markTargets(target: Node, binding: Binding): void {
    for (const id of targetIdentifiers(target)) if (this.names(id.text)) this.targets.set(id.id, binding);
  }

  private markAll(node: Node, binding: Binding): void {
    const stack = [node];
    for (let steps = 0; stack.length && steps < 10_000; steps++) {
      const n = stack.pop()!;
      if (n.type === 'identifier') this.targets.set(n.id, binding);
      for (const c of n.namedChildren) if (c) stack.push(c);
    }
  }

  /** `import a.b` binds `a`; `from m import x` binds `x`; `... as y` binds `y` only. */
  private markImports(node: Node): void {
    const ignore = (n: Node | null) => {
      for (const c of n?.namedChildren ?? []) if (c?.type === 'identifier') this.ignored.add(c.id);
    };
    const binds = (id: Node | null | undefined) => {
      if (id?.type !== 'identifier') return;
      this.ignored.delete(id.id);
      this.targets.set(id.id, { kind: 'import' });
    };
    const module = node.childForFieldName('module_name');
    for (const c of node.namedChildren) {
      if (!c) continue;
      if (node.type === 'future_import_statement' || sameNode(c, module) || c.type === 'relative_import') {
        ignore(c);
        continue;
      }
      if (c.type === 'aliased_import') {
        ignore(c.childForFieldName('name'));
        binds(c.childForFieldName('alias'));
      } else if (c.type === 'dotted_name') {
        ignore(c);
        if (node.type === 'import_statement' || c.namedChildren.length === 1) binds(c.namedChildren[0]);
      }
    }
  }
}
