import type { Language, Tree } from 'web-tree-sitter';
import { ParseFailure, poisonRuntimeOf } from './pythonParser';

/**
 * A plain-JavaScript copy of a tree-sitter tree, made in one cursor walk per parse.
 *
 * web-tree-sitter's `Node` crosses into wasm and allocates a wrapper on every `.type`,
 * `.namedChildren` or `childForFieldName`; the model and the rules make millions of those calls
 * per analysis, and profiles showed that bridge, not parsing, was most of the time. Here every
 * node is copied once (type, field, range, children) and everything after reads JS objects.
 * It offers the subset of the `Node` API the engine uses, with the same meaning, so rules read
 * like tree-sitter code. Node ids are preorder indexes, unique within one tree.
 */

export interface Point {
  row: number;
  column: number;
}

const MISSING = 1;
const NAMED = 2;
const HAS_ERROR = 4;

/** Shared by every leaf until it gets a child: half the nodes are leaves, and each array is an allocation. */
const NO_CHILDREN = Object.freeze([]) as unknown as SyntaxNode[];
const NO_FIELDS = Object.freeze([]) as unknown as number[];

export class SyntaxNode {
  /** Children, named and anonymous, in order (read-only for users of the tree). */
  children: SyntaxNode[] = NO_CHILDREN;
  /** Field id of each child (0: none), parallel to `children`. Internal: read by the copy. */
  childFields: number[] = NO_FIELDS;
  private named: SyntaxNode[] | undefined;
  /** Preorder index one past the last node of this subtree. */
  subtreeEnd = 0;
  flags = 0;
  /** @internal `callParts`' answer for this node (a field: a WeakMap lookup per call cost more than the work). */
  partsMemo: unknown = undefined;

  constructor(
    /** The tree this node belongs to now: a later copy that shares this node's statement takes it over (see `SyntaxTree`). */
    public owner: SyntaxTree,
    readonly id: number,
    readonly type: string,
    /** Changes only for a root taken over by a later copy (see `takeOverRoot`). */
    public startIndex: number,
    public endIndex: number,
    /** Changes only for a top-level statement shared by a later copy: its parent becomes that copy's root. */
    public parent: SyntaxNode | null,
  ) {}

  get text(): string {
    return this.owner.text.slice(this.startIndex, this.endIndex);
  }

  get isNamed(): boolean {
    return (this.flags & NAMED) !== 0;
  }

  get isMissing(): boolean {
    return (this.flags & MISSING) !== 0;
  }

  get isError(): boolean {
    return this.type === 'ERROR';
  }

  /** This node or a descendant is an ERROR or MISSING node. */
  get hasError(): boolean {
    return (this.flags & HAS_ERROR) !== 0;
  }

  get startPosition(): Point {
    return this.owner.pointAt(this.startIndex);
  }

  get endPosition(): Point {
    return this.owner.pointAt(this.endIndex);
  }

  get namedChildren(): SyntaxNode[] {
    return (this.named ??= this.children === NO_CHILDREN ? NO_CHILDREN : this.children.filter((c) => c.isNamed));
  }

  get childCount(): number {
    return this.children.length;
  }

  get namedChildCount(): number {
    return this.namedChildren.length;
  }

  get firstChild(): SyntaxNode | null {
    return this.children[0] ?? null;
  }

  get lastChild(): SyntaxNode | null {
    return this.children[this.children.length - 1] ?? null;
  }

  child(i: number): SyntaxNode | null {
    return this.children[i] ?? null;
  }

  get nextSibling(): SyntaxNode | null {
    return this.sibling(1, false);
  }

  get previousSibling(): SyntaxNode | null {
    return this.sibling(-1, false);
  }

  get nextNamedSibling(): SyntaxNode | null {
    return this.sibling(1, true);
  }

  get previousNamedSibling(): SyntaxNode | null {
    return this.sibling(-1, true);
  }

  private sibling(step: 1 | -1, named: boolean): SyntaxNode | null {
    const siblings = this.parent?.children;
    if (!siblings) return null;
    for (let i = siblings.indexOf(this) + step; i >= 0 && i < siblings.length; i += step) {
      if (!named || siblings[i].isNamed) return siblings[i];
    }
    return null;
  }

  /**
   * @internal A later copy of the same document takes over this root (a module), so that what the
   * model keeps of the module scope (frames' and actions' `scope`, the module `Scope`) is the root
   * of the current copy. Its children start again; the arrays it had stay with whoever read them.
   */
  takeOverRoot(owner: SyntaxTree, startIndex: number, endIndex: number, flags: number): void {
    this.owner = owner;
    this.startIndex = startIndex;
    this.endIndex = endIndex;
    this.flags = flags;
    this.children = NO_CHILDREN;
    this.childFields = NO_FIELDS;
    this.named = undefined;
    this.subtreeEnd = 0;
  }

  /** @internal used while copying. */
  addChild(child: SyntaxNode, field: number): void {
    if (this.children === NO_CHILDREN) {
      this.children = [child];
      this.childFields = [field];
      return;
    }
    this.children.push(child);
    this.childFields.push(field);
  }

  childForFieldName(name: string): SyntaxNode | null {
    const field = this.owner.fieldId(name);
    if (!field) return null;
    const i = this.childFields.indexOf(field);
    return i < 0 ? null : this.children[i];
  }

  /** Nodes of the given types in this subtree (this node included, as in tree-sitter), in document order. */
  descendantsOfType(types: string | readonly string[]): SyntaxNode[] {
    const wanted = typeof types === 'string' ? [types] : types;
    const lists = wanted.map((t) => this.owner.nodesOfType(t)).filter((l) => l.length > 0);
    const out: SyntaxNode[] = [];
    for (const list of lists) {
      for (let i = lowerBound(list, this.id); i < list.length && list[i].id < this.subtreeEnd; i++) out.push(list[i]);
    }
    if (lists.length > 1) out.sort((a, b) => a.id - b.id);
    return out;
  }

  /**
   * The smallest node of this subtree that spans `[start, end]`, chosen exactly as tree-sitter's
   * `ts_node_descendant_for_byte_range` does: a child qualifies when it reaches `end`, extends past
   * `start` (or is empty and sits at it) and does not begin after `start`.
   */
  descendantForIndex(start: number, end = start): SyntaxNode {
    let node: SyntaxNode = this;
    for (;;) {
      let next: SyntaxNode | undefined;
      for (const c of node.children) {
        if (c.endIndex < end) continue;
        if (c.endIndex <= start && !(c.endIndex === start && c.startIndex === c.endIndex)) continue;
        if (start < c.startIndex) break;
        next = c;
        break;
      }
      if (!next) return node;
      node = next;
    }
  }

  toString(): string {
    return `(${this.type})`;
  }
}

function lowerBound(list: readonly SyntaxNode[], id: number): number {
  let lo = 0;
  let hi = list.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (list[mid].id < id) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

export class SyntaxTree {
  readonly root: SyntaxNode;
  /** The root's children and their fields as this copy made them (a later copy takes the root over and gives it its own). */
  private readonly statements: SyntaxNode[];
  private readonly statementFields: number[];
  private readonly byType = new Map<string, SyntaxNode[]>();
  private lineStarts: number[] | undefined;

  private readonly language: Language;
  private readonly fieldIds: Map<string, number>;

  /** How many nodes were cloned from the previous copy rather than read from wasm. */
  reusedNodes = 0;
  /** How many nodes were taken over from the previous copy as they are (the unchanged statements before the first edit). */
  sharedNodes = 0;
  /** Top-level statements taken over from the previous copy (the same objects, ids and offsets). */
  sharedStatements = 0;

  /** Top-level statements of this tree without errors, by text, for the next tree's copy to reuse. */
  private reusable: Map<string, SyntaxNode[]> | undefined;

  /**
   * `previous`: the copy of the tree this one was incrementally parsed from. The unchanged
   * top-level statements before the first changed one keep their ids and offsets, so they are
   * taken over as they are (the same objects: their owner and the statements' parent become this
   * copy and its root; `previous` is not to be used afterwards, but a model built on it still reads
   * the same text through those nodes). Later top-level statements whose text is unchanged (and
   * had no errors) are cloned from it, shifted, instead of being read from wasm again. An edit then
   * allocates for the statements from the first one it touched, not for the whole file; sharing
   * the prefix is also what lets the model reuse its part for those statements (`buildModel`).
   */
  constructor(
    tree: Tree,
    readonly text: string,
    previous?: SyntaxTree,
  ) {
    this.language = tree.language;
    this.fieldIds = fieldIdsOf(this.language);
    this.root = this.copy(tree, previous);
    this.statements = this.root.children;
    this.statementFields = this.root.childFields;
  }

  /** @internal An error-free top-level node of this tree with exactly this type and text (each given once). */
  takeReusable(type: string, text: string): SyntaxNode | undefined {
    if (!this.reusable) {
      this.reusable = new Map();
      for (const child of this.statements) {
        if (child.hasError) continue;
        const key = child.text;
        const list = this.reusable.get(key);
        if (list) list.push(child);
        else this.reusable.set(key, [child]);
      }
    }
    const list = this.reusable.get(text);
    const i = list ? list.findIndex((n) => n.type === type) : -1;
    return i < 0 ? undefined : list!.splice(i, 1)[0];
  }

  fieldId(name: string): number {
    return this.fieldIds.get(name) ?? 0;
  }

  nodesOfType(type: string): readonly SyntaxNode[] {
    return this.byType.get(type) ?? [];
  }

  pointAt(index: number): Point {
    const starts = (this.lineStarts ??= lineStartsOf(this.text));
    let lo = 0;
    let hi = starts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >>> 1;
      if (starts[mid] <= index) lo = mid;
      else hi = mid - 1;
    }
    return { row: lo, column: index - starts[lo] };
  }

  /** One iterative cursor walk: no recursion, however deep the tree. */
  private copy(tree: Tree, previous: SyntaxTree | undefined): SyntaxNode {
    const cursor = tree.walk();
    const types = this.language.types;
    const named = namedTypesOf(this.language);
    // Each cursor read is a call into wasm: MISSING nodes exist only in trees with errors.
    const mayHaveMissing = tree.rootNode.hasError;
    let id = 0;
    const register = (node: SyntaxNode) => {
      let list = this.byType.get(node.type);
      if (!list) this.byType.set(node.type, (list = []));
      list.push(node);
    };
    const make = (parent: SyntaxNode | null, typeId = cursor.nodeTypeId): SyntaxNode => {
      const type = types[typeId] ?? cursor.nodeType;
      const node = new SyntaxNode(this, id++, type, cursor.startIndex, cursor.endIndex, parent);
      if (named[typeId] ?? cursor.nodeIsNamed) node.flags |= NAMED;
      if (mayHaveMissing && cursor.nodeIsMissing) node.flags |= MISSING | HAS_ERROR;
      if (type === 'ERROR') node.flags |= HAS_ERROR;
      register(node);
      parent?.addChild(node, cursor.currentFieldId);
      return node;
    };
    /** Copies the node under the cursor and its subtree, leaving the cursor back on that node. */
    const copySubtree = (parent: SyntaxNode | null, typeId?: number): SyntaxNode => {
      const top = make(parent, typeId);
      let current = top;
      for (;;) {
        if (cursor.gotoFirstChild()) {
          current = make(current);
          continue;
        }
        for (;;) {
          current.subtreeEnd = id;
          const up = current.parent;
          if (up && current.hasError) up.flags |= HAS_ERROR;
          if (current === top) return top;
          if (cursor.gotoNextSibling()) {
            current = make(up);
            break;
          }
          cursor.gotoParent();
          current = up!;
        }
      }
    };
    /** Clones an old subtree into this tree, `delta` characters further on, in preorder. */
    const clone = (parent: SyntaxNode, old: SyntaxNode, delta: number, field: number) => {
      const stack: [SyntaxNode, SyntaxNode, number][] = [[old, parent, field]];
      while (stack.length) {
        const [o, p, f] = stack.pop()!;
        const node = new SyntaxNode(this, id++, o.type, o.startIndex + delta, o.endIndex + delta, p);
        node.flags = o.flags;
        node.subtreeEnd = node.id + (o.subtreeEnd - o.id);
        register(node);
        p.addChild(node, f);
        for (let i = o.children.length - 1; i >= 0; i--) stack.push([o.children[i], node, o.childFields[i]]);
      }
    };
    /**
     * Takes over `previous`'s statements before `end` (preorder id): their per-type lists are the
     * leading part of `previous`'s lists (the root, id 0, is not among them).
     */
    const adoptPrefix = (prev: SyntaxTree, end: number) => {
      for (const [type, list] of prev.byType) {
        const from = lowerBound(list, 1);
        const to = lowerBound(list, end);
        if (to <= from) continue;
        const part = list.slice(from, to);
        for (const n of part) n.owner = this;
        const mine = this.byType.get(type);
        // Only the root was registered so far, and it is never in a statement's list.
        this.byType.set(type, mine ? [...mine, ...part] : part);
      }
    };
    try {
      if (!previous) return copySubtree(null);
      let root: SyntaxNode;
      const rootType = types[cursor.nodeTypeId] ?? cursor.nodeType;
      if (previous.root.type === rootType && previous.root.id === 0) {
        root = previous.root;
        root.takeOverRoot(this, cursor.startIndex, cursor.endIndex, (named[cursor.nodeTypeId] ?? cursor.nodeIsNamed) ? NAMED : 0);
        register(root);
        id = 1;
      } else root = make(null);
      if (cursor.gotoFirstChild()) {
        const before = previous.statements;
        let shared = 0;
        let more = true;
        // The unchanged prefix: same type, field, offsets and text, no errors, same preorder id.
        while (shared < before.length) {
          const old = before[shared];
          if (
            old.id !== id ||
            old.hasError ||
            old.startIndex !== cursor.startIndex ||
            old.endIndex !== cursor.endIndex ||
            old.type !== (types[cursor.nodeTypeId] ?? cursor.nodeType) ||
            previous.statementFields[shared] !== cursor.currentFieldId ||
            previous.text.slice(old.startIndex, old.endIndex) !== this.text.slice(old.startIndex, old.endIndex)
          )
            break;
          old.parent = root;
          root.addChild(old, cursor.currentFieldId);
          id = old.subtreeEnd;
          shared++;
          if (!cursor.gotoNextSibling()) {
            more = false;
            break;
          }
        }
        if (shared > 0) {
          adoptPrefix(previous, id);
          this.sharedStatements = shared;
          this.sharedNodes = id - 1;
        }
        if (more) {
          do {
            const typeId = cursor.nodeTypeId;
            const start = cursor.startIndex;
            const end = cursor.endIndex;
            const old = previous.takeReusable(types[typeId] ?? cursor.nodeType, this.text.slice(start, end));
            if (old) {
              clone(root, old, start - old.startIndex, cursor.currentFieldId);
              this.reusedNodes += old.subtreeEnd - old.id;
            } else copySubtree(root, typeId);
          } while (cursor.gotoNextSibling());
        }
      }
      root.subtreeEnd = id;
      return root;
    } finally {
      cursor.delete();
    }
  }
}

/** Where rows start, counted as tree-sitter counts them: only `\n` ends a row. */
function lineStartsOf(text: string): number[] {
  const starts = [0];
  for (let i = text.indexOf('\n'); i >= 0; i = text.indexOf('\n', i + 1)) starts.push(i + 1);
  return starts;
}

const namedTypes = new WeakMap<Language, boolean[]>();

/** Per node type id, whether nodes of that type are named (a property of the type, not the node). */
function namedTypesOf(language: Language): boolean[] {
  let named = namedTypes.get(language);
  if (!named) {
    named = language.types.map((_, id) => language.nodeTypeIsNamed(id));
    namedTypes.set(language, named);
  }
  return named;
}

const fieldIds = new WeakMap<Language, Map<string, number>>();

function fieldIdsOf(language: Language): Map<string, number> {
  let ids = fieldIds.get(language);
  if (!ids) {
    ids = new Map();
    language.fields.forEach((name, id) => {
      if (name) ids!.set(name, id);
    });
    fieldIds.set(language, ids);
  }
  return ids;
}

/**
 * Copies of the most recently used trees. The server keeps a tree per open document for
 * incremental parsing; keeping a JS copy of each too would double that memory for documents
 * nobody is looking at, so only the last few are kept (the copy is remade on demand).
 */
const MAX_COPIES = 16;
const copies = new Map<Tree, SyntaxTree>();

/** Copies of trees that were the incremental base of a tree not copied yet. */
const predecessors = new WeakMap<Tree, SyntaxTree>();

/**
 * Call when `next` was parsed incrementally from `old` (before `old` is deleted): `next`'s copy
 * can then reuse what is unchanged in `old`'s.
 */
export function carryCopy(old: Tree, next: Tree): void {
  const copy = copies.get(old) ?? predecessors.get(old);
  dropCopy(old);
  if (copy) predecessors.set(next, copy);
}

/**
 * Forgets the copy of a tree that is being deleted. Without it, the copies of a document's
 * superseded trees would stay in the cache until pushed out, and keep the heap growing on edits.
 */
export function dropCopy(tree: Tree): void {
  copies.delete(tree);
  predecessors.delete(tree);
}

/** How many copies the cache holds of trees parsed from `text` (tests: code that frees a tree drops its copy too). */
export function heldCopiesOf(text: string): number {
  let n = 0;
  for (const copy of copies.values()) if (copy.text === text) n++;
  return n;
}

/** The JS copy of `tree` (made once per tree while recent; `text` must be the text it was parsed from). */
export function syntaxTreeOf(tree: Tree, text: string): SyntaxTree {
  let copy = copies.get(tree);
  if (copy && copy.text === text) {
    copies.delete(tree);
  } else {
    try {
      copy = new SyntaxTree(tree, text, predecessors.get(tree));
    } catch (e) {
      // Reading the tree out of wasm failed: that memory is not to be trusted again.
      poisonRuntimeOf(tree, e);
      throw new ParseFailure(`the parser failed on this file (${e instanceof Error ? e.message : String(e)}) and was restarted`, 'parser-crashed');
    } finally {
      predecessors.delete(tree);
    }
  }
  copies.set(tree, copy);
  if (copies.size > MAX_COPIES) copies.delete(copies.keys().next().value!);
  return copy;
}

/** The root of the JS copy of `tree`. */
export function syntaxRoot(tree: Tree, text: string): SyntaxNode {
  return syntaxTreeOf(tree, text).root;
}
