import type { Language, Tree } from 'web-tree-sitter';
import { ParseFailure, poisonRuntimeOf } from './pythonParser';
import { walkerOf, type TreeWalker } from './treeWalker';

/**
 * A plain-JavaScript copy of a tree-sitter tree, made in one cursor walk per parse.
 *
 * web-tree-sitter's `Node` crosses into wasm and allocates a wrapper on every `.type`,
 * `.namedChildren` or `childForFieldName`; the model and the rules make millions of those calls
 * per analysis, and profiles showed that bridge, not parsing, was most of the time. Here every
 * node's facts (type, field, range, parent, extent of its subtree, flags) are copied once into
 * typed arrays indexed by the node's preorder id, and everything after reads JS memory.
 * `SyntaxNode` objects are made only for the nodes the model and the rules reach, once per id
 * (so a node is always the same object): a third of a file's nodes are punctuation nobody asks
 * for, and allocating an object per node that survives young-generation collections cost twice
 * the walk itself. `SyntaxNode` offers the subset of the `Node` API the engine uses, with the
 * same meaning, so rules read like tree-sitter code. Node ids are preorder indexes, unique within
 * one tree.
 */

export interface Point {
  row: number;
  column: number;
}

const MISSING = 1;
const NAMED = 2;
const HAS_ERROR = 4;

const NO_CHILDREN = Object.freeze([]) as unknown as SyntaxNode[];

/** A copy's node objects are kept in chunks of this many ids (see `SyntaxTree.made`): 32 KB each, a regular V8 object. */
const CHUNK_BITS = 12;
const CHUNK = 1 << CHUNK_BITS;
const CHUNK_MASK = CHUNK - 1;
type MadeChunk = (SyntaxNode | undefined)[];

/** Subtrees up to this size are searched by reading their types; larger ones through the per-type lists. */
const SCAN_LIMIT = 512;

/** Statements of one length compared one by one (`takeReusable`) up to this many; more are indexed by text. */
const SCAN_REUSABLE = 16;

/** Node type names, interned for every language: a node stores its type as an index in this list. */
const kindNames: string[] = [];
const kindByName = new Map<string, number>();

function kindOf(name: string): number {
  let kind = kindByName.get(name);
  if (kind === undefined) {
    kind = kindNames.length;
    kindNames.push(name);
    kindByName.set(name, kind);
  }
  return kind;
}

const ERROR_KIND = kindOf('ERROR');

/** A set of node types, for `SyntaxNode.ancestorOfType`. */
export function typeMask(types: readonly string[]): Uint8Array {
  const kinds = types.map(kindOf);
  const mask = new Uint8Array(Math.max(...kinds) + 1);
  for (const kind of kinds) mask[kind] = 1;
  return mask;
}

export class SyntaxNode {
  /**
   * Read once: a node's type never changes; its range changes only when a later copy takes it over
   * (a root gets the new range, see `takeOverRoot`; a node of a cloned statement the shifted one, see `adopt`).
   */
  readonly type: string;
  startIndex: number;
  endIndex: number;
  private kids: SyntaxNode[] | undefined = undefined;
  private named: SyntaxNode[] | undefined = undefined;
  /**
   * @internal `callParts`' answer for a call, `literalString`'s for a string (a field: a WeakMap
   * lookup per call cost more than the work; one field serves both, a node has one type).
   */
  partsMemo: unknown = undefined;

  constructor(
    /**
     * The copy whose arrays this node reads: a later copy that shares this node's statement takes
     * it over (the same facts at the same id, or, for a statement it cloned, the same facts at a
     * shifted id and offset: see `SyntaxTree`).
     */
    public owner: SyntaxTree,
    /** Its preorder id in `owner` (changed only when a later copy adopts the node, see `SyntaxTree`). */
    public id: number,
  ) {
    this.type = kindNames[owner.kindAt(id)];
    this.startIndex = owner.startAt(id);
    this.endIndex = owner.endAt(id);
  }

  get text(): string {
    return this.owner.text.slice(this.startIndex, this.endIndex);
  }

  /** @internal MISSING, NAMED and HAS_ERROR bits. */
  get flags(): number {
    return this.owner.flagsAt(this.id);
  }

  /** Preorder index one past the last node of this subtree. */
  get subtreeEnd(): number {
    return this.owner.subtreeEndAt(this.id);
  }

  get parent(): SyntaxNode | null {
    const p = this.owner.parentAt(this.id);
    return p < 0 ? null : this.owner.nodeAt(p);
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

  /** Children, named and anonymous, in order (read-only for users of the tree). */
  get children(): SyntaxNode[] {
    return (this.kids ??= this.owner.childrenOf(this.id, false));
  }

  get namedChildren(): SyntaxNode[] {
    // Made without the anonymous children when nobody asked for those: punctuation stays unallocated.
    return (this.named ??= this.kids ? (this.kids === NO_CHILDREN ? NO_CHILDREN : this.kids.filter((c) => c.isNamed)) : this.owner.childrenOf(this.id, true));
  }

  /**
   * @internal Each child's type and offsets, in order, read from the copy's arrays: for hot readers
   * of small nodes (a string's pieces) that need node objects for few of the children (`nodeOf`).
   */
  forEachChild(visit: (type: string, start: number, end: number, id: number) => void): void {
    const tree = this.owner;
    for (let c = this.id + 1, end = tree.subtreeEndAt(this.id); c < end; c = tree.subtreeEndAt(c))
      visit(kindNames[tree.kindAt(c)], tree.startAt(c), tree.endAt(c), c);
  }

  /** @internal The node with this id in this node's tree (an id from `forEachChild`). */
  nodeOf(id: number): SyntaxNode {
    return this.owner.nodeAt(id);
  }

  /** @internal Field id of each child (0: none), parallel to `children`. */
  get childFields(): number[] {
    const tree = this.owner;
    const out: number[] = [];
    for (let c = this.id + 1, end = tree.subtreeEndAt(this.id); c < end; c = tree.subtreeEndAt(c)) out.push(tree.fieldAt(c));
    return out;
  }

  get childCount(): number {
    if (this.kids) return this.kids.length;
    const tree = this.owner;
    let n = 0;
    for (let c = this.id + 1, end = tree.subtreeEndAt(this.id); c < end; c = tree.subtreeEndAt(c)) n++;
    return n;
  }

  get namedChildCount(): number {
    return this.namedChildren.length;
  }

  get firstChild(): SyntaxNode | null {
    const tree = this.owner;
    return this.id + 1 < tree.subtreeEndAt(this.id) ? tree.nodeAt(this.id + 1) : null;
  }

  get lastChild(): SyntaxNode | null {
    const tree = this.owner;
    let last = -1;
    for (let c = this.id + 1, end = tree.subtreeEndAt(this.id); c < end; c = tree.subtreeEndAt(c)) last = c;
    return last < 0 ? null : tree.nodeAt(last);
  }

  child(i: number): SyntaxNode | null {
    if (this.kids) return this.kids[i] ?? null;
    const tree = this.owner;
    for (let c = this.id + 1, end = tree.subtreeEndAt(this.id); c < end; c = tree.subtreeEndAt(c)) if (i-- === 0) return tree.nodeAt(c);
    return null;
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
    const tree = this.owner;
    const p = tree.parentAt(this.id);
    if (p < 0) return null;
    const end = tree.subtreeEndAt(p);
    let found = -1;
    if (step === 1) {
      for (let c = tree.subtreeEndAt(this.id); c < end; c = tree.subtreeEndAt(c)) {
        if (!named || tree.flagsAt(c) & NAMED) {
          found = c;
          break;
        }
      }
    } else {
      for (let c = p + 1; c < this.id; c = tree.subtreeEndAt(c)) if (!named || tree.flagsAt(c) & NAMED) found = c;
    }
    return found < 0 ? null : tree.nodeAt(found);
  }

  /**
   * @internal A later copy of the same document takes over this root (a module), so that what the
   * model keeps of the module scope (frames' and actions' `scope`, the module `Scope`) is the root
   * of the current copy. Its children are those of the new copy; the arrays it had stay with whoever read them.
   */
  takeOverRoot(owner: SyntaxTree): void {
    this.owner = owner;
    this.startIndex = owner.startAt(this.id);
    this.endIndex = owner.endAt(this.id);
    this.kids = undefined;
    this.named = undefined;
  }

  /**
   * @internal A later copy cloned this node's statement (the same text and shape, `shift` ids and
   * `delta` characters further on) and takes this object over for its clone: what is kept on the
   * node (its children arrays, whose nodes are adopted with it; `partsMemo`, made of nodes and text)
   * holds nothing absolute, so it stays true of the clone.
   */
  adopt(owner: SyntaxTree, shift: number, delta: number): void {
    this.owner = owner;
    this.id += shift;
    this.startIndex += delta;
    this.endIndex += delta;
  }

  /**
   * The nearest ancestor whose type is in `types` (see `typeMask`), looking at most `maxSteps` up;
   * when none is, the farthest ancestor looked at (this node itself when it has no parent).
   */
  ancestorOfType(types: Uint8Array, maxSteps: number): SyntaxNode {
    const tree = this.owner;
    let last = this.id;
    let n = tree.parentAt(this.id);
    for (let i = 0; n >= 0 && i < maxSteps; i++) {
      const kind = tree.kindAt(n);
      if (kind < types.length && types[kind]) return tree.nodeAt(n);
      last = n;
      n = tree.parentAt(n);
    }
    return last === this.id ? this : tree.nodeAt(last);
  }

  childForFieldName(name: string): SyntaxNode | null {
    const tree = this.owner;
    const field = tree.fieldId(name);
    if (!field) return null;
    for (let c = this.id + 1, end = tree.subtreeEndAt(this.id); c < end; c = tree.subtreeEndAt(c)) if (tree.fieldAt(c) === field) return tree.nodeAt(c);
    return null;
  }

  /** Nodes of the given types in this subtree (this node included, as in tree-sitter), in document order. */
  descendantsOfType(types: string | readonly string[]): SyntaxNode[] {
    const tree = this.owner;
    const wanted: number[] = [];
    for (const t of typeof types === 'string' ? [types] : types) {
      const kind = kindByName.get(t);
      if (kind !== undefined && !wanted.includes(kind)) wanted.push(kind);
    }
    const out: SyntaxNode[] = [];
    if (wanted.length === 0) return out;
    const end = tree.subtreeEndAt(this.id);
    if (wanted.length === 1 && end - this.id > SCAN_LIMIT) {
      const list = tree.idsOfKind(wanted[0]);
      for (let i = lowerBound(list, this.id); i < list.length && list[i] < end; i++) out.push(tree.nodeAt(list[i]));
      return out;
    }
    // Several types: reading the subtree's types in order costs less than sorting the merged lists.
    const mask = new Uint8Array(kindNames.length);
    for (const kind of wanted) mask[kind] = 1;
    for (let i = this.id; i < end; i++) if (mask[tree.kindAt(i)]) out.push(tree.nodeAt(i));
    return out;
  }

  /**
   * The smallest node of this subtree that spans `[start, end]`, chosen exactly as tree-sitter's
   * `ts_node_descendant_for_byte_range` does: a child qualifies when it reaches `end`, extends past
   * `start` (or is empty and sits at it) and does not begin after `start`.
   */
  descendantForIndex(start: number, end = start): SyntaxNode {
    const tree = this.owner;
    let node = this.id;
    for (;;) {
      let next = -1;
      for (let c = node + 1, stop = tree.subtreeEndAt(node); c < stop; c = tree.subtreeEndAt(c)) {
        const cEnd = tree.endAt(c);
        const cStart = tree.startAt(c);
        if (cEnd < end) continue;
        if (cEnd <= start && !(cEnd === start && cStart === cEnd)) continue;
        if (start < cStart) break;
        next = c;
        break;
      }
      if (next < 0) return node === this.id ? this : tree.nodeAt(node);
      node = next;
    }
  }

  toString(): string {
    return `(${this.type})`;
  }
}

function lowerBound(list: Int32Array, id: number): number {
  let lo = 0;
  let hi = list.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (list[mid] < id) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/**
 * Node facts in typed arrays, indexed from 0: the nodes one copy read from wasm (or a flattened
 * copy's every node). Parents and subtree ends are ids in the copy that wrote them. Never written
 * once that copy is made: later copies read their unchanged statements here (see `SyntaxTree`).
 */
interface Store {
  kinds: Uint16Array;
  starts: Int32Array;
  ends: Int32Array;
  parents: Int32Array;
  subtreeEnds: Int32Array;
  fields: Uint16Array;
  flags: Uint8Array;
}

function newStore(capacity: number): Store {
  return {
    kinds: new Uint16Array(capacity),
    starts: new Int32Array(capacity),
    ends: new Int32Array(capacity),
    parents: new Int32Array(capacity),
    subtreeEnds: new Int32Array(capacity),
    fields: new Uint16Array(capacity),
    flags: new Uint8Array(capacity),
  };
}

const EMPTY_STORE = newStore(0);

/** The first capacity of the arrays a copy with a previous copy writes (the nodes an edit touched; grown by doubling). */
const OWN_START = 1024;

/**
 * More segments than this and a copy is flattened into arrays of its own (one segment): a read
 * outside the last segment read looks its segment up by a binary search over them.
 */
export const MAX_SEGMENTS = 16;

export class SyntaxTree {
  /**
   * A copy's node facts, as segments: ids `segStart[i]` up to the next segment's start (or `size`)
   * are read from `segStore[i]` at index `id - segIndex[i]`, a parent or subtree end stored there as
   * `v` being id `v + segIds[i]` (a stored parent 0 or -1 is the root or none: every store's root is
   * its id 0, and only top-level statements have it as their parent), an offset `o` being `o +
   * segDelta[i]`. A segment is a run of whole top-level statements (or the root), so the facts of a
   * statement an edit did not touch are read where an earlier copy wrote them, moved by the run's
   * shifts: per keystroke only the statements read from wasm are written. A copy made without a
   * previous one is one segment: its own arrays, no shift.
   */
  private segStart: number[] = [];
  private segStore: Store[] = [];
  private segIndex: number[] = [];
  private segIds: number[] = [];
  private segDelta: number[] = [];
  /** The segment read last (`seek`): ids `[curStart, curEnd)`, its arrays, index and shifts. */
  private curStart = 0;
  private curEnd = 0;
  private curIndex = 0;
  private curIds = 0;
  private curDelta = 0;
  private curKinds: Uint16Array = EMPTY_STORE.kinds;
  private curStarts: Int32Array = EMPTY_STORE.starts;
  private curEnds: Int32Array = EMPTY_STORE.ends;
  private curParents: Int32Array = EMPTY_STORE.parents;
  private curSubtreeEnds: Int32Array = EMPTY_STORE.subtreeEnds;
  private curFields: Uint16Array = EMPTY_STORE.fields;
  private curFlags: Uint8Array = EMPTY_STORE.flags;
  /** The nodes this copy read from wasm (the root first). */
  private readonly own: Store;
  private ownSize = 0;
  /** How many nodes the tree has. */
  size = 0;
  /** How many nodes' facts this copy wrote into arrays of its own (read from wasm, or a flattening's copy of every node). */
  factsWritten = 0;
  /** Whether this copy was flattened (`MAX_SEGMENTS`). */
  flattened = false;

  /** @internal How many segments the copy's facts are read from (tests). */
  get segments(): number {
    return this.segStart.length;
  }

  /*
   * The accessors answer the root (id 0) from `own` without a seek: it is always `own`'s index 0,
   * unshifted, and ancestor walks reach it from every segment (each such read was two seeks).
   */

  /** Makes the segment holding `id` the current one (ids outside the tree: the last segment, whose reads are then out of bounds, as an array's were). */
  private seek(id: number): void {
    const starts = this.segStart;
    let lo = 0;
    let hi = starts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >>> 1;
      if (starts[mid] <= id) lo = mid;
      else hi = mid - 1;
    }
    const inside = starts.length > 0 && starts[lo] <= id && id < (lo + 1 < starts.length ? starts[lo + 1] : this.size);
    // Not a node of this tree: reads give undefined, as reads past an array's end did.
    const store = inside ? this.segStore[lo] : EMPTY_STORE;
    this.curStart = inside ? starts[lo] : 0;
    this.curEnd = inside ? (lo + 1 < starts.length ? starts[lo + 1] : this.size) : 0;
    this.curIndex = inside ? this.segIndex[lo] : 0;
    this.curIds = inside ? this.segIds[lo] : 0;
    this.curDelta = inside ? this.segDelta[lo] : 0;
    this.curKinds = store.kinds;
    this.curStarts = store.starts;
    this.curEnds = store.ends;
    this.curParents = store.parents;
    this.curSubtreeEnds = store.subtreeEnds;
    this.curFields = store.fields;
    this.curFlags = store.flags;
  }

  /** @internal Node `id`'s type, as an index in `kindNames`. */
  kindAt(id: number): number {
    if (id < this.curStart || id >= this.curEnd) {
      if (id === 0) return this.own.kinds[0];
      this.seek(id);
    }
    return this.curKinds[id - this.curIndex];
  }

  /** @internal Node `id`'s start offset (UTF-16 code units, as web-tree-sitter gives them). */
  startAt(id: number): number {
    if (id < this.curStart || id >= this.curEnd) {
      if (id === 0) return this.own.starts[0];
      this.seek(id);
    }
    return this.curStarts[id - this.curIndex] + this.curDelta;
  }

  /** @internal Node `id`'s end offset. */
  endAt(id: number): number {
    if (id < this.curStart || id >= this.curEnd) {
      if (id === 0) return this.own.ends[0];
      this.seek(id);
    }
    return this.curEnds[id - this.curIndex] + this.curDelta;
  }

  /** @internal Node `id`'s parent's id (-1 for the root). */
  parentAt(id: number): number {
    if (id < this.curStart || id >= this.curEnd) {
      if (id === 0) return this.own.parents[0];
      this.seek(id);
    }
    const p = this.curParents[id - this.curIndex];
    return p > 0 ? p + this.curIds : p;
  }

  /** @internal The id one past node `id`'s subtree. A node's first child is `id + 1` when that is below it; its next sibling is its subtree end, when below the parent's. */
  subtreeEndAt(id: number): number {
    if (id < this.curStart || id >= this.curEnd) {
      if (id === 0) return this.own.subtreeEnds[0];
      this.seek(id);
    }
    return this.curSubtreeEnds[id - this.curIndex] + this.curIds;
  }

  /** @internal The field id node `id` has in its parent (0: none). */
  fieldAt(id: number): number {
    if (id < this.curStart || id >= this.curEnd) {
      if (id === 0) return this.own.fields[0];
      this.seek(id);
    }
    return this.curFields[id - this.curIndex];
  }

  /** @internal Node `id`'s MISSING, NAMED and HAS_ERROR bits. */
  flagsAt(id: number): number {
    if (id < this.curStart || id >= this.curEnd) {
      if (id === 0) return this.own.flags[0];
      this.seek(id);
    }
    return this.curFlags[id - this.curIndex];
  }

  /**
   * Appends a segment from id `start` on (see `segStart`); merged into the last one when it reads
   * on from it (the same store, index and shifts).
   */
  private pushSegment(start: number, store: Store, index: number, ids: number, delta: number): void {
    const k = this.segStart.length - 1;
    if (k >= 0 && this.segStore[k] === store && this.segIndex[k] === index && this.segIds[k] === ids && this.segDelta[k] === delta) return;
    this.segStart.push(start);
    this.segStore.push(store);
    this.segIndex.push(index);
    this.segIds.push(ids);
    this.segDelta.push(delta);
  }

  /**
   * Reads `from`'s nodes `old` to `old + n - 1` as this copy's ids `base` to `base + n - 1`, `delta`
   * characters further on: a run of whole top-level statements, read through `from`'s segments with
   * the run's shifts added (nothing is copied; `from`'s stores stay as they are).
   */
  private shareRange(from: SyntaxTree, old: number, base: number, n: number, delta: number): void {
    const shift = base - old;
    const starts = from.segStart;
    let k = 0;
    while (k + 1 < starts.length && starts[k + 1] <= old) k++;
    for (; k < starts.length && starts[k] < old + n; k++)
      this.pushSegment(Math.max(starts[k], old) + shift, from.segStore[k], from.segIndex[k] + shift, from.segIds[k] + shift, from.segDelta[k] + delta);
  }

  /** Room in `own` for `n` nodes (from wasm up front for a copy without a previous one; grown as read otherwise). */
  private reserve(n: number): void {
    const own = this.own;
    if (n <= own.kinds.length) return;
    const grow = <T extends Uint16Array | Int32Array | Uint8Array>(a: T): T => {
      const b = new (a.constructor as new (n: number) => T)(Math.max(n, a.length * 2));
      b.set(a);
      return b;
    };
    // The same object grown in place: this copy's segments hold it (no other copy reads it before it is made).
    own.kinds = grow(own.kinds);
    own.starts = grow(own.starts);
    own.ends = grow(own.ends);
    own.parents = grow(own.parents);
    own.subtreeEnds = grow(own.subtreeEnds);
    own.fields = grow(own.fields);
    own.flags = grow(own.flags);
  }

  /** Copies every node's facts into one store of this copy's size: one segment again (`MAX_SEGMENTS`). */
  private flatten(): void {
    const n = this.size;
    const flat = newStore(Math.max(1, n));
    for (let k = 0; k < this.segStart.length; k++) {
      const store = this.segStore[k];
      const start = this.segStart[k];
      const end = k + 1 < this.segStart.length ? this.segStart[k + 1] : n;
      const index = this.segIndex[k];
      const ids = this.segIds[k];
      const delta = this.segDelta[k];
      flat.kinds.set(store.kinds.subarray(start - index, end - index), start);
      flat.fields.set(store.fields.subarray(start - index, end - index), start);
      flat.flags.set(store.flags.subarray(start - index, end - index), start);
      for (let id = start; id < end; id++) {
        const i = id - index;
        flat.starts[id] = store.starts[i] + delta;
        flat.ends[id] = store.ends[i] + delta;
        const p = store.parents[i];
        flat.parents[id] = p > 0 ? p + ids : p;
        flat.subtreeEnds[id] = store.subtreeEnds[i] + ids;
      }
    }
    this.factsWritten += n;
    this.flattened = true;
    this.segStart = [0];
    this.segStore = [flat];
    this.segIndex = [0];
    this.segIds = [0];
    this.segDelta = [0];
  }

  /**
   * The node objects made so far, by id, in chunks of `CHUNK` ids, each made on first use. One
   * array of the tree's size, made per copy, cost more than the rest of a keystroke's copy: an
   * array past V8's regular object size (16k elements) is several times dearer to allocate and
   * collect than its length says (2.4 ms for 72k ids, 9 ms for 290k, measured in one run), while
   * typing touches a few chunks' worth of new nodes.
   */
  private readonly made: (MadeChunk | undefined)[];
  /**
   * Set when a later copy took over this copy's root and the statements before its first change:
   * ids below `sharedEnd` are that copy's nodes (the same objects, whichever copy is asked).
   */
  private successor: SyntaxTree | undefined;
  private sharedEnd = 0;
  private byKind: { order: Int32Array; from: Int32Array } | undefined;
  private lineStarts: number[] | undefined;

  private readonly tables: LanguageTables;

  /** How many node objects this copy has made (tests count them: readers that need only a node's facts make none). */
  nodesMade = 0;

  /** How many nodes were cloned from the previous copy rather than read from wasm. */
  reusedNodes = 0;
  /** How many nodes were taken over from the previous copy as they are (the unchanged statements before the first edit). */
  sharedNodes = 0;
  /** Top-level statements taken over from the previous copy (the same objects, ids and offsets). */
  sharedStatements = 0;

  /** How many node objects of the statements it cloned were taken over from the previous copy (`adoptFrom`). */
  adoptedNodes = 0;
  /** @internal The cloned statements whose node objects are to be adopted: new id, old id, size, offset delta (four numbers each). */
  private adoptable: number[] = [];
  /** The ids this copy took over from the previous one (the prefix, and adopted statements): new start, new end, old start, offset delta. */
  private readonly takenFrom: number[] = [];

  /**
   * Top-level statements of this tree without errors, by text length, in document order, for the
   * next tree's copy to reuse. Keyed by length rather than by text: a key per statement made a slice
   * and a hash of every statement's text (the whole file, once per keystroke, for the one statement
   * the edit changed); a length costs nothing, and only statements of the looked-for length are
   * compared. A length shared by many statements (a file of alike constants) is indexed by text when
   * first looked up, so that a version reordering them all compares each text once, not each pair.
   */
  private reusable: Map<number, number[] | Map<string, number[]>> | undefined;

  /**
   * `previous`: the copy of the tree this one was incrementally parsed from. The unchanged
   * top-level statements before the first changed one keep their ids and offsets, so their facts
   * are read where `previous` reads them (its segments, see `segStart`: nothing is copied) and
   * their node objects are taken over as they are (the same
   * objects: their owner becomes this copy, and `previous` hands out this copy's objects for
   * those ids from then on; `previous` is not to be used afterwards, but a model built on it
   * still reads the same text through those nodes). The root object is taken over too. Later
   * top-level statements whose text is unchanged (and had no errors) are cloned from it: read
   * through its segments with their id and offset shifted, instead of being read from wasm again
   * (and their node objects adopted). An edit then reads wasm and writes arrays for the statements
   * it touched only, not for the whole file; sharing the prefix is also what lets
   * the model reuse its part for those statements (`buildModel`).
   */
  constructor(
    tree: Tree,
    readonly text: string,
    previous?: SyntaxTree,
    /** @internal Read the tree through web-tree-sitter's `TreeCursor` instead of the raw wasm calls (tests compare the two). */
    apiWalk = false,
  ) {
    this.tables = tablesOf(tree.language);
    const capacity = Math.max(1, tree.rootNode.descendantCount);
    const from = previous && !previous.successor ? previous : undefined;
    // With a previous copy, only the statements an edit touched are read from wasm: their arrays grow as read.
    this.own = newStore(from ? Math.min(capacity, OWN_START) : capacity);
    const sharedEnd = this.copy(tree, from, apiWalk);
    this.factsWritten = this.ownSize;
    if (this.segStart.length > MAX_SEGMENTS) this.flatten();
    // Nothing read during the copy is current: the first read looks its segment up.
    this.curStart = this.curEnd = 0;
    // Sized once (holes, fast elements): pushing an `undefined` per chunk would cost more than it saves.
    this.made = new Array<MadeChunk | undefined>((this.size + CHUNK - 1) >>> CHUNK_BITS);
    if (from && sharedEnd > 0) {
      // `from` hands out this copy's objects below `sharedEnd` from now on: its chunks wholly below
      // move here as they are (their nodes re-owned); the one the boundary cuts is copied up to it.
      for (let c = 0; c << CHUNK_BITS < sharedEnd; c++) {
        const chunk = from.made[c];
        if (!chunk) continue;
        const base = c << CHUNK_BITS;
        const whole = base + CHUNK <= sharedEnd;
        const into = whole ? chunk : (this.made[c] ??= new Array<SyntaxNode | undefined>(CHUNK));
        for (let j = 0, stop = Math.min(CHUNK, sharedEnd - base); j < stop; j++) {
          const node = chunk[j];
          if (!node) continue;
          if (base + j === 0) node.takeOverRoot(this);
          else node.owner = this;
          if (!whole) into[j] = node;
        }
        if (whole) {
          this.made[c] = chunk;
          from.made[c] = undefined;
        }
      }
      from.successor = this;
      from.sharedEnd = sharedEnd;
      if (sharedEnd > 1) this.takenFrom.push(1, sharedEnd, 1, 0);
    }
    if (from && this.adoptable.length) this.adoptFrom(from);
    this.adoptable = [];
  }

  /**
   * Takes over `from`'s node objects of the statements this copy cloned (after the prefix): the same
   * objects, their ids and offsets moved to the clone's. The rules' per-node answers (`partsMemo`)
   * and the model's references to those nodes then stay valid without remapping (a node means the
   * same code, now at its new place). `from` forgets them: asked for one of those ids again (a
   * reader of an older model descending from `rootAsBuilt`), it makes a new node from its own
   * arrays, which never change; `rangeAsIn` gives where an adopted node was in `from`'s text.
   */
  private adoptFrom(from: SyntaxTree): void {
    const list = this.adoptable;
    for (let k = 0; k < list.length; k += 4) {
      const base = list[k];
      const old = list[k + 1];
      const n = list[k + 2];
      const delta = list[k + 3];
      const shift = base - old;
      for (let i = old; i < old + n;) {
        const chunk = from.made[i >>> CHUNK_BITS];
        const stop = Math.min(old + n, ((i >>> CHUNK_BITS) + 1) << CHUNK_BITS);
        if (!chunk) {
          // No node of these ids was ever made.
          i = stop;
          continue;
        }
        for (; i < stop; i++) {
          const node = chunk[i & CHUNK_MASK];
          if (!node) continue;
          node.adopt(this, shift, delta);
          const to = i + shift;
          (this.made[to >>> CHUNK_BITS] ??= new Array<SyntaxNode | undefined>(CHUNK))[to & CHUNK_MASK] = node;
          chunk[i & CHUNK_MASK] = undefined;
          this.adoptedNodes++;
        }
      }
      this.takenFrom.push(base, base + n, old, delta);
    }
    from.successor = this;
  }

  /**
   * Where `node` lies in this copy's text, when it is a node this copy made and a later copy took
   * over (followed through each later copy's take-over records: prefix statements keep their
   * offsets, adopted ones moved by their statement's delta); undefined for a node of none of them.
   * For readers of an older model whose nodes a newer copy adopted (hovers).
   */
  rangeAsIn(node: SyntaxNode): { start: number; end: number } | undefined {
    if (node.owner === this) return { start: node.startIndex, end: node.endIndex };
    const chain: SyntaxTree[] = [];
    let c = this.successor;
    for (; c && c !== node.owner; c = c.successor) chain.push(c);
    if (!c) return undefined;
    chain.push(c);
    // The root is taken over with the new range; its range here is this copy's own.
    if (node.id === 0) return { start: this.startAt(0), end: this.endAt(0) };
    let id = node.id;
    let start = node.startIndex;
    let end = node.endIndex;
    for (let j = chain.length - 1; j >= 0; j--) {
      const records = chain[j].takenFrom;
      let k = 0;
      while (k < records.length && !(records[k] <= id && id < records[k + 1])) k += 4;
      if (k >= records.length) return undefined;
      id = records[k + 2] + (id - records[k]);
      start -= records[k + 3];
      end -= records[k + 3];
    }
    return { start, end };
  }

  /** The node with this preorder id (made on first use, then always the same object). */
  nodeAt(id: number): SyntaxNode {
    if (id < this.sharedEnd) return this.successor!.nodeAt(id);
    const chunk = (this.made[id >>> CHUNK_BITS] ??= new Array<SyntaxNode | undefined>(CHUNK));
    let node = chunk[id & CHUNK_MASK];
    if (!node) {
      node = chunk[id & CHUNK_MASK] = new SyntaxNode(this, id);
      this.nodesMade++;
    }
    return node;
  }

  get root(): SyntaxNode {
    return this.nodeAt(0);
  }

  /**
   * The type of node `id`, read from the arrays: readers that only classify the nodes of a subtree
   * ask by id and make node objects for the few they keep (see `pushNamedChildIds`).
   */
  typeAt(id: number): string {
    return kindNames[this.kindAt(id)];
  }

  /** The first child of node `id` (named or not), or -1. */
  firstChildId(id: number): number {
    return id + 1 < this.subtreeEndAt(id) ? id + 1 : -1;
  }

  /** The next sibling of node `id` (named or not), or -1. */
  nextSiblingId(id: number): number {
    const p = this.parentAt(id);
    if (p < 0) return -1;
    const next = this.subtreeEndAt(id);
    return next < this.subtreeEndAt(p) ? next : -1;
  }

  /** Pushes the ids of node `id`'s named children onto `into`, in order: `namedChildren` without the node objects or the array. */
  pushNamedChildIds(id: number, into: number[]): void {
    for (let c = id + 1, end = this.subtreeEndAt(id); c < end; c = this.subtreeEndAt(c)) if (this.flagsAt(c) & NAMED) into.push(c);
  }

  /** @internal The children of node `id` (only the named ones if `namedOnly`). */
  childrenOf(id: number, namedOnly: boolean): SyntaxNode[] {
    const end = this.subtreeEndAt(id);
    if (id + 1 >= end) return NO_CHILDREN;
    // Counted first, so that the array is made at its size: the first `push` onto `[]` reserves 16
    // slots, and most nodes have one to three children (these arrays were a tenth of the bytes an
    // analysis allocates). Small arrays are literals, so that every children array has one elements kind.
    let n = 0;
    let first = -1;
    let second = -1;
    let third = -1;
    for (let c = id + 1; c < end; c = this.subtreeEndAt(c)) {
      if (namedOnly && !(this.flagsAt(c) & NAMED)) continue;
      if (n === 0) first = c;
      else if (n === 1) second = c;
      else if (n === 2) third = c;
      n++;
    }
    if (n === 0) return NO_CHILDREN;
    if (n === 1) return [this.nodeAt(first)];
    if (n === 2) return [this.nodeAt(first), this.nodeAt(second)];
    if (n === 3) return [this.nodeAt(first), this.nodeAt(second), this.nodeAt(third)];
    const out: SyntaxNode[] = [];
    for (let c = id + 1; c < end; c = this.subtreeEndAt(c)) if (!namedOnly || this.flagsAt(c) & NAMED) out.push(this.nodeAt(c));
    return out;
  }

  /** @internal The ids of the nodes of one type, in document order (every type's list made in one pass on first use). */
  idsOfKind(kind: number): Int32Array {
    if (!this.byKind) {
      let top = 0;
      for (let i = 0; i < this.size; i++) if (this.kindAt(i) > top) top = this.kindAt(i);
      const from = new Int32Array(top + 2);
      for (let i = 0; i < this.size; i++) from[this.kindAt(i) + 1]++;
      for (let k = 1; k < from.length; k++) from[k] += from[k - 1];
      const order = new Int32Array(this.size);
      const next = from.slice(0, top + 1);
      for (let i = 0; i < this.size; i++) order[next[this.kindAt(i)]++] = i;
      this.byKind = { order, from };
    }
    const { order, from } = this.byKind;
    return kind + 1 < from.length ? order.subarray(from[kind], from[kind + 1]) : new Int32Array(0);
  }

  /**
   * @internal An error-free top-level statement of this tree with exactly this type and text, not in
   * `taken` (it is added there), or -1. The statements are listed by length on the first call (the
   * next copy asks here for the statement an edit changed, and for any not found at the place the
   * edit moved it to: see `copy`); a statement's text is compared only when its length is the same.
   */
  takeReusable(kind: number, text: string, taken: Set<number>): number {
    if (!this.reusable) {
      const byLength = new Map<number, number[]>();
      for (let c = 1, end = this.subtreeEndAt(0); c < end; c = this.subtreeEndAt(c)) {
        if (this.flagsAt(c) & HAS_ERROR) continue;
        const length = this.endAt(c) - this.startAt(c);
        const list = byLength.get(length);
        if (list) list.push(c);
        else byLength.set(length, [c]);
      }
      this.reusable = byLength;
    }
    // The first statement, in document order, of this type and text not taken: the one a list by text would give.
    let bucket = this.reusable.get(text.length);
    if (!bucket) return -1;
    if (Array.isArray(bucket)) {
      if (bucket.length <= SCAN_REUSABLE) {
        for (let i = 0; i < bucket.length; i++) {
          const c = bucket[i];
          if (this.kindAt(c) !== kind || taken.has(c) || this.text.slice(this.startAt(c), this.endAt(c)) !== text) continue;
          bucket.splice(i, 1);
          taken.add(c);
          return c;
        }
        return -1;
      }
      const byText = new Map<string, number[]>();
      for (const c of bucket) {
        const key = this.text.slice(this.startAt(c), this.endAt(c));
        const same = byText.get(key);
        if (same) same.push(c);
        else byText.set(key, [c]);
      }
      this.reusable.set(text.length, (bucket = byText));
    }
    const list = bucket.get(text);
    const i = list ? list.findIndex((c) => this.kindAt(c) === kind && !taken.has(c)) : -1;
    if (i < 0) return -1;
    const old = list!.splice(i, 1)[0];
    taken.add(old);
    return old;
  }

  /** @internal Every fact of every node, as plain arrays (tests compare copies made in different ways). */
  facts(): number[][] {
    const n = this.size;
    const ids = Array.from({ length: n }, (_, id) => id);
    return [
      ids.map((id) => this.kindAt(id)),
      ids.map((id) => this.startAt(id)),
      ids.map((id) => this.endAt(id)),
      ids.map((id) => this.parentAt(id)),
      ids.map((id) => this.subtreeEndAt(id)),
      ids.map((id) => this.fieldAt(id)),
      ids.map((id) => this.flagsAt(id)),
    ];
  }

  fieldId(name: string): number {
    return this.tables.fieldIds.get(name) ?? 0;
  }

  /** Every node of the given type, in document order. */
  nodesOfType(type: string): readonly SyntaxNode[] {
    const kind = kindByName.get(type);
    if (kind === undefined) return [];
    return Array.from(this.idsOfKind(kind), (id) => this.nodeAt(id));
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

  /** The interned type of nodes of type id `symbol` (read from the language's names: the walker's cursor is not to be touched meanwhile). */
  private kindOfSymbol(symbol: number): number {
    const known = this.tables.symbolKinds[symbol];
    if (known >= 0) return known;
    const kind = kindOf(this.tables.types[symbol] || 'ERROR');
    this.tables.symbolKinds[symbol] = kind;
    return kind;
  }

  /**
   * Records the node under the cursor as id `size` at `own`'s next index (its parent as an id of
   * this copy); returns its id.
   */
  private readNode(walker: TreeWalker, parent: number, symbol: number, mayHaveMissing: boolean): number {
    const id = this.size++;
    const at = this.ownSize++;
    if (at >= this.own.kinds.length) this.reserve(at + 1);
    const own = this.own;
    const kind = this.kindOfSymbol(symbol);
    own.kinds[at] = kind;
    own.starts[at] = walker.startIndex();
    own.ends[at] = walker.endIndex();
    own.parents[at] = parent;
    if (parent >= 0) own.fields[at] = walker.fieldId();
    let flags = (this.tables.named[symbol] ?? walker.isNamed()) ? NAMED : 0;
    // Each cursor read is a call into wasm: MISSING nodes exist only in trees with errors.
    if (mayHaveMissing && walker.isMissing()) flags |= MISSING | HAS_ERROR;
    if (kind === ERROR_KIND) flags |= HAS_ERROR;
    own.flags[at] = flags;
    return id;
  }

  /**
   * Copies the node under the cursor and its subtree (no recursion, however deep), leaving the
   * cursor back on that node: ids from `size` on, at `own`'s next indexes (one segment).
   */
  private readSubtree(walker: TreeWalker, parent: number, symbol: number, mayHaveMissing: boolean): number {
    // Id minus index in `own`, for the whole subtree; its top's parent is the root (index 0) or none.
    const shift = this.size - this.ownSize;
    this.pushSegment(this.size, this.own, shift, 0, 0);
    const top = this.readNode(walker, parent, symbol, mayHaveMissing);
    let current = top;
    for (;;) {
      if (walker.gotoFirstChild()) {
        current = this.readNode(walker, current, walker.typeId(), mayHaveMissing);
        continue;
      }
      for (;;) {
        const own = this.own;
        own.subtreeEnds[current - shift] = this.size;
        const up = own.parents[current - shift];
        if (up >= 0 && own.flags[current - shift] & HAS_ERROR) own.flags[up === 0 ? 0 : up - shift] |= HAS_ERROR;
        if (current === top) return top;
        if (walker.gotoNextSibling()) {
          current = this.readNode(walker, up, walker.typeId(), mayHaveMissing);
          break;
        }
        walker.gotoParent();
        current = up;
      }
    }
  }

  /** Returns how many leading ids (the root and the statements before the first change) `previous` shares with this copy. */
  private copy(tree: Tree, previous: SyntaxTree | undefined, api: boolean): number {
    // Read before the walk: the raw walker's cursor lives in the library's transfer buffer, which any other call overwrites.
    const mayHaveMissing = tree.rootNode.hasError;
    // Top-level statements of this tree that hold an error: the same text may parse differently here
    // (a MISSING node the previous copy had not), so a statement of the previous copy is not reused for them.
    const withErrors =
      mayHaveMissing && previous ? new Set(tree.rootNode.children.filter((c) => c?.hasError).map((c) => `${c!.startIndex}:${c!.endIndex}`)) : undefined;
    const cursor = walkerOf(tree, api);
    try {
      const rootSymbol = cursor.typeId();
      if (!previous || previous.size === 0 || previous.kindAt(0) !== this.kindOfSymbol(rootSymbol)) {
        this.readSubtree(cursor, -1, rootSymbol, mayHaveMissing);
        return 0;
      }
      // The root is read anew (index 0 of `own`); its subtree end is set once the copy is made.
      this.pushSegment(0, this.own, 0, 0, 0);
      this.readNode(cursor, -1, rootSymbol, mayHaveMissing);
      let shared = 1;
      if (cursor.gotoFirstChild()) {
        let more = true;
        const text = this.text;
        // Where the two texts first differ, and how many characters they end with alike: a statement
        // inside either stretch has the same text without its own comparison (one compare of each
        // stretch instead of a slice and a compare per statement). A statement across the boundary
        // is still compared by its text, as before.
        const same = commonPrefixLength(previous.text, text);
        const sameEnd = commonSuffixLength(previous.text, text, same);
        // The unchanged prefix: same type, field, offsets and text, no errors, same preorder id.
        for (let old = 1, stop = previous.subtreeEndAt(0); old < stop; old = previous.subtreeEndAt(old)) {
          const start = previous.startAt(old);
          const end = previous.endAt(old);
          if (
            previous.flagsAt(old) & HAS_ERROR ||
            start !== cursor.startIndex() ||
            end !== cursor.endIndex() ||
            previous.kindAt(old) !== this.kindOfSymbol(cursor.typeId()) ||
            previous.fieldAt(old) !== cursor.fieldId() ||
            (end > same && previous.text.slice(start, end) !== text.slice(start, end))
          )
            break;
          shared = previous.subtreeEndAt(old);
          this.sharedStatements++;
          if (!cursor.gotoNextSibling()) {
            more = false;
            break;
          }
        }
        // Same ids, offsets, parents and fields: the prefix's facts are read where `previous` reads them.
        if (shared > 1) this.shareRange(previous, 1, 1, shared - 1, 0);
        this.size = shared;
        this.sharedNodes = shared - 1;
        if (more) {
          // A statement after the edit is first looked for where the edit moved it: `moved`
          // characters on when the text changed in one place (one keystroke, one paste). Checked as
          // `takeReusable` checks (type, no error, the same text); elsewhere, by text.
          const moved = text.length - previous.text.length;
          const stop = previous.subtreeEndAt(0);
          const sameFrom = text.length - sameEnd;
          let at = shared;
          const taken = new Set<number>();
          // Statements cloned one after another from consecutive old ids with one offset delta are
          // shared as one run (after a single edit, every cloned statement after it).
          let runBase = 0;
          let runOld = 0;
          let runN = 0;
          let runDelta = 0;
          do {
            const symbol = cursor.typeId();
            const start = cursor.startIndex();
            const end = cursor.endIndex();
            const kind = this.kindOfSymbol(symbol);
            let old = -1;
            if (!withErrors?.has(`${start}:${end}`)) {
              while (at < stop && previous.startAt(at) < start - moved) at = previous.subtreeEndAt(at);
              if (
                at < stop &&
                previous.startAt(at) === start - moved &&
                previous.endAt(at) === end - moved &&
                previous.kindAt(at) === kind &&
                !(previous.flagsAt(at) & HAS_ERROR) &&
                !taken.has(at) &&
                (start >= sameFrom || previous.text.slice(start - moved, end - moved) === text.slice(start, end))
              ) {
                old = at;
                taken.add(at);
              } else old = previous.takeReusable(kind, text.slice(start, end), taken);
              // A run keeps its statements' fields (a module's statements have none): one with another is read anew.
              if (old >= 0 && previous.fieldAt(old) !== cursor.fieldId()) old = -1;
            }
            if (old >= 0) {
              const base = this.size;
              const n = previous.subtreeEndAt(old) - old;
              const delta = start - previous.startAt(old);
              if (runN > 0 && runOld + runN === old && runBase + runN === base && runDelta === delta) runN += n;
              else {
                if (runN > 0) this.shareRange(previous, runOld, runBase, runN, runDelta);
                runBase = base;
                runOld = old;
                runN = n;
                runDelta = delta;
              }
              this.size = base + n;
              this.reusedNodes += n;
              // A statement of the shared prefix (its text repeated here) keeps its objects there.
              if (old >= shared) this.adoptable.push(base, old, n, delta);
            } else {
              if (runN > 0) this.shareRange(previous, runOld, runBase, runN, runDelta);
              runN = 0;
              this.readSubtree(cursor, 0, symbol, mayHaveMissing);
            }
          } while (cursor.gotoNextSibling());
          if (runN > 0) this.shareRange(previous, runOld, runBase, runN, runDelta);
        }
      }
      this.own.subtreeEnds[0] = this.size;
      return shared;
    } finally {
      cursor.delete();
    }
  }
}

/** How many characters `a` and `b` begin with alike (compared a block at a time: a slice compare is a native memory compare). */
function commonPrefixLength(a: string, b: string): number {
  const n = Math.min(a.length, b.length);
  let i = 0;
  for (const block of [65536, 4096, 256]) while (i + block <= n && a.slice(i, i + block) === b.slice(i, i + block)) i += block;
  while (i < n && a.charCodeAt(i) === b.charCodeAt(i)) i++;
  return i;
}

/** How many characters `a` and `b` end with alike, at most `min(a.length, b.length) - prefix` (the stretch after their common prefix). */
function commonSuffixLength(a: string, b: string, prefix: number): number {
  const n = Math.min(a.length, b.length) - prefix;
  const ea = a.length;
  const eb = b.length;
  let i = 0;
  for (const block of [65536, 4096, 256]) while (i + block <= n && a.slice(ea - i - block, ea - i) === b.slice(eb - i - block, eb - i)) i += block;
  while (i < n && a.charCodeAt(ea - i - 1) === b.charCodeAt(eb - i - 1)) i++;
  return i;
}

/** Where rows start, counted as tree-sitter counts them: only `\n` ends a row. */
function lineStartsOf(text: string): number[] {
  const starts = [0];
  for (let i = text.indexOf('\n'); i >= 0; i = text.indexOf('\n', i + 1)) starts.push(i + 1);
  return starts;
}

interface LanguageTables {
  /** Per type id (symbol), its interned type, or -1 when not seen yet. */
  symbolKinds: Int32Array;
  /** Per type id, whether nodes of that type are named (a property of the type, not the node). */
  named: boolean[];
  /** Per type id, its name (`Language.types`; ERROR has none). */
  types: readonly string[];
  fieldIds: Map<string, number>;
}

const languageTables = new WeakMap<Language, LanguageTables>();

function tablesOf(language: Language): LanguageTables {
  let tables = languageTables.get(language);
  if (!tables) {
    const symbolKinds = new Int32Array(0x10000).fill(-1);
    language.types.forEach((name, id) => {
      if (name) symbolKinds[id] = kindOf(name);
    });
    const fieldIds = new Map<string, number>();
    language.fields.forEach((name, id) => {
      if (name) fieldIds.set(name, id);
    });
    tables = { symbolKinds, named: language.types.map((_, id) => language.nodeTypeIsNamed(id)), types: language.types, fieldIds };
    languageTables.set(language, tables);
  }
  return tables;
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
