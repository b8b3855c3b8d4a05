import type { Language, Tree, TreeCursor } from 'web-tree-sitter';

/**
 * The cursor reads the syntax copy makes per node (type id, offsets, field, flags), in two ways
 * that give the same answers.
 *
 * web-tree-sitter's `TreeCursor` keeps its four wasm handles in a JS array and, on every read,
 * writes them into the library's transfer buffer with four `setValue` calls (and reads them back
 * with four `getValue` calls after every move). The wasm side reads the cursor from that buffer
 * and writes it back there after a move, so while nothing else uses the buffer, the cursor can
 * stay in it: `RawWalker` writes the handles once, calls the library's exported wasm functions
 * (the ones `TreeCursor` itself calls, with the same arguments) and copies the handles back
 * before the cursor is used or deleted through the library again. That is five plain wasm calls
 * per node instead of five calls plus 24 marshalling steps.
 *
 * The exports are those of the library's emscripten module, which `Parser.init` fills into the
 * options object it is given (`TreeSitterRuntime` keeps it). A runtime whose module lacks one of
 * them (another library version) is not registered, and its trees are read through `ApiWalker`.
 */
export interface TreeWalker {
  /** True for the raw walk (tests: that the parser's runtime registered its exports). */
  readonly raw: boolean;
  gotoFirstChild(): boolean;
  gotoNextSibling(): boolean;
  gotoParent(): boolean;
  /** Type id (symbol, alias applied) of the current node; 65535 for ERROR. */
  typeId(): number;
  startIndex(): number;
  endIndex(): number;
  fieldId(): number;
  isNamed(): boolean;
  isMissing(): boolean;
  /** Gives the cursor back to the library (handles copied back) and deletes it. */
  delete(): void;
}

/** The emscripten module's exports the raw walk calls (the names web-tree-sitter's own `TreeCursor` calls). */
interface CursorExports {
  _ts_init(): number;
  _ts_tree_cursor_goto_first_child_wasm(tree: number): number;
  _ts_tree_cursor_goto_next_sibling_wasm(tree: number): number;
  _ts_tree_cursor_goto_parent_wasm(tree: number): number;
  _ts_tree_cursor_current_node_type_id_wasm(tree: number): number;
  _ts_tree_cursor_current_node_is_named_wasm(tree: number): number;
  _ts_tree_cursor_current_node_is_missing_wasm(tree: number): number;
  _ts_tree_cursor_start_index_wasm(tree: number): number;
  _ts_tree_cursor_end_index_wasm(tree: number): number;
  _ts_tree_cursor_current_field_id_wasm(tree: number): number;
  /** Replaced by emscripten when wasm memory grows: read it afresh each time. */
  HEAP32: Int32Array;
}

const EXPORTS: readonly (keyof CursorExports)[] = [
  '_ts_init',
  '_ts_tree_cursor_goto_first_child_wasm',
  '_ts_tree_cursor_goto_next_sibling_wasm',
  '_ts_tree_cursor_goto_parent_wasm',
  '_ts_tree_cursor_current_node_type_id_wasm',
  '_ts_tree_cursor_current_node_is_named_wasm',
  '_ts_tree_cursor_current_node_is_missing_wasm',
  '_ts_tree_cursor_start_index_wasm',
  '_ts_tree_cursor_end_index_wasm',
  '_ts_tree_cursor_current_field_id_wasm',
];

interface Binding {
  exports: CursorExports;
  /** Address of the library's transfer buffer (what `Parser.init` itself got from `_ts_init`). */
  transfer: number;
}

const bindings = new WeakMap<Language, Binding>();

/** Called by the runtime that loaded `language`, with the module object `Parser.init` filled. */
export function registerCursorExports(language: Language, module: unknown): void {
  const exports = module as Partial<Record<keyof CursorExports, unknown>>;
  if (!EXPORTS.every((name) => typeof exports[name] === 'function') || !(exports.HEAP32 instanceof Int32Array)) return;
  const typed = module as CursorExports;
  bindings.set(language, { exports: typed, transfer: typed._ts_init() });
}

/** The library's internals the raw walk reads: a tree's wasm address, a cursor's handles. */
interface TreeInternals {
  0: number;
}
interface CursorInternals {
  handles: number[];
}

/** A walker over `tree` from its root; raw when the tree's runtime registered its exports, unless `api` is asked for (tests). */
export function walkerOf(tree: Tree, api = false): TreeWalker {
  const binding = api ? undefined : bindings.get(tree.language);
  const cursor = tree.walk();
  const handles = (cursor as unknown as CursorInternals).handles;
  const address = (tree as unknown as TreeInternals)[0];
  if (!binding || !Array.isArray(handles) || handles.length !== 4 || typeof address !== 'number') return new ApiWalker(cursor);
  return new RawWalker(binding, address, cursor, handles);
}

class RawWalker implements TreeWalker {
  readonly raw = true;
  private readonly x: CursorExports;
  /** The transfer buffer's index in `HEAP32`. */
  private readonly slot: number;
  constructor(
    binding: Binding,
    private readonly tree: number,
    private readonly cursor: TreeCursor,
    private readonly handles: number[],
  ) {
    this.x = binding.exports;
    this.slot = binding.transfer >> 2;
    const heap = this.x.HEAP32;
    for (let i = 0; i < 4; i++) heap[this.slot + i] = handles[i];
  }

  gotoFirstChild(): boolean {
    return this.x._ts_tree_cursor_goto_first_child_wasm(this.tree) === 1;
  }
  gotoNextSibling(): boolean {
    return this.x._ts_tree_cursor_goto_next_sibling_wasm(this.tree) === 1;
  }
  gotoParent(): boolean {
    return this.x._ts_tree_cursor_goto_parent_wasm(this.tree) === 1;
  }
  typeId(): number {
    return this.x._ts_tree_cursor_current_node_type_id_wasm(this.tree);
  }
  startIndex(): number {
    return this.x._ts_tree_cursor_start_index_wasm(this.tree);
  }
  endIndex(): number {
    return this.x._ts_tree_cursor_end_index_wasm(this.tree);
  }
  fieldId(): number {
    return this.x._ts_tree_cursor_current_field_id_wasm(this.tree);
  }
  isNamed(): boolean {
    return this.x._ts_tree_cursor_current_node_is_named_wasm(this.tree) === 1;
  }
  isMissing(): boolean {
    return this.x._ts_tree_cursor_current_node_is_missing_wasm(this.tree) === 1;
  }
  delete(): void {
    // The moves may have grown the cursor's stack (a new address in the handles) and wasm memory (a new HEAP32).
    const heap = this.x.HEAP32;
    for (let i = 0; i < 4; i++) this.handles[i] = heap[this.slot + i];
    this.cursor.delete();
  }
}

class ApiWalker implements TreeWalker {
  readonly raw = false;
  constructor(private readonly cursor: TreeCursor) {}
  gotoFirstChild(): boolean {
    return this.cursor.gotoFirstChild();
  }
  gotoNextSibling(): boolean {
    return this.cursor.gotoNextSibling();
  }
  gotoParent(): boolean {
    return this.cursor.gotoParent();
  }
  typeId(): number {
    return this.cursor.nodeTypeId;
  }
  startIndex(): number {
    return this.cursor.startIndex;
  }
  endIndex(): number {
    return this.cursor.endIndex;
  }
  fieldId(): number {
    return this.cursor.currentFieldId;
  }
  isNamed(): boolean {
    return this.cursor.nodeIsNamed;
  }
  isMissing(): boolean {
    return this.cursor.nodeIsMissing;
  }
  delete(): void {
    this.cursor.delete();
  }
}
