import { carryCopy, dropCopy } from '../parsing/syntaxTree';
import { TextDocument } from 'vscode-languageserver-textdocument';
import type { TextDocumentContentChangeEvent } from 'vscode-languageserver';
import { IndentProfile, ParseFailure, type PythonParser, type Tree } from '../parsing/pythonParser';

/**
 * An open document. Its syntax tree lives in wasm memory, which never shrinks: only the documents
 * used last keep theirs (`TREES_KEPT`); the others are parsed again, from their text, when
 * something reads `tree` (a fresh parse of a 600-line file takes a few milliseconds, and gives
 * the tree an incremental parse would).
 */
export class StoredDocument {
  /** Why this version has no tree although it is within the size limit. */
  notParsed?: ParseFailure;
  /** The recent edits, oldest first: where a position of an earlier version is now (see `mapOffset`). */
  edits: TextEdit[] = [];
  /** The indentation the parser's guard checks, kept edit by edit (a keystroke does not re-read the file). */
  indent?: IndentProfile;
  /** @internal The tree in wasm memory, when this document keeps one. */
  held?: Tree;
  /** @internal The tree was let go to save memory (or never made): `tree` parses the text again. */
  pending = false;

  constructor(
    readonly uri: string,
    public document: TextDocument,
    /** The oldest version `edits` reach back to (a full-text change or a trimmed log starts it again). */
    public editsSince: number,
    private readonly store: DocumentStore,
  ) {}

  /** Absent for files over the size limit (never parsed) and for text the parser failed on. */
  get tree(): Tree | undefined {
    return this.store.treeOf(this);
  }
}

/** One change as offsets: `[start, oldEnd)` of the text before it became `[start, newEnd)`, in version `version`. */
interface TextEdit {
  version: number;
  start: number;
  oldEnd: number;
  newEnd: number;
}

/** Edits remembered per document: enough for a hover between two analyses, however fast the typing. */
const MAX_EDITS = 1000;

/**
 * Documents that keep their syntax tree in wasm memory: those edited, analysed or hovered last.
 * With 500 files open, their trees took 280 MB of wasm memory (about 0.55 MB per 350-line file).
 */
export const TREES_KEPT = 16;

/**
 * Where the character at `offset` of version `from` is in the document now, through the edits
 * since (`forward`), or where a character of now was in version `from` (`!forward`). Undefined
 * when an edit replaced or inserted the text there, or the log does not reach back to `from`.
 */
export function mapOffset(stored: StoredDocument, from: number, offset: number, forward: boolean): number | undefined {
  if (from < stored.editsSince) return undefined;
  const edits = stored.edits.filter((e) => e.version > from);
  if (forward) {
    for (const e of edits) {
      if (offset < e.start) continue;
      if (offset < e.oldEnd) return undefined;
      offset += e.newEnd - e.oldEnd;
    }
  } else {
    for (let i = edits.length - 1; i >= 0; i--) {
      const e = edits[i];
      if (offset < e.start) continue;
      if (offset < e.newEnd) return undefined;
      offset -= e.newEnd - e.oldEnd;
    }
  }
  return offset;
}

/** Where a change's old and new text end, as tree-sitter wants it (UTF-16 index and point). */
function pointAfter(start: { row: number; column: number }, text: string): { row: number; column: number } {
  let row = start.row;
  let lastBreak = -1;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 10 || (c === 13 && text.charCodeAt(i + 1) !== 10)) {
      row++;
      lastBreak = i;
    }
  }
  return lastBreak < 0 ? { row, column: start.column + text.length } : { row, column: text.length - lastBreak - 1 };
}

/**
 * Open documents and their syntax trees. Each incremental change becomes a `Tree.edit()` and the
 * next parse reuses the edited tree; the replaced tree is deleted (it lives in wasm memory).
 */
export class DocumentStore {
  private readonly docs = new Map<string, StoredDocument>();
  /** Documents holding a tree, least recently used first. */
  private readonly holding = new Set<string>();
  /** Documents whose tree is in use across turns of the event loop (an analysis in steps): never let go meanwhile. */
  private readonly pins = new Map<string, number>();

  constructor(
    private readonly parser: PythonParser,
    private readonly isTooLarge: (uri: string, text: string) => boolean,
    private readonly treesKept = TREES_KEPT,
  ) {}

  /** The document, its tree always from the parser's current runtime (a tree of a replaced one is parsed again). */
  get(uri: string): StoredDocument | undefined {
    const stored = this.docs.get(uri);
    if (stored?.held && !this.parser.owns(stored.held)) return this.reparse(uri);
    return stored;
  }

  /** @internal `stored.tree`: parses a document that let its tree go, and counts it as used. */
  treeOf(stored: StoredDocument): Tree | undefined {
    if (this.docs.get(stored.uri) !== stored) return stored.held;
    if (stored.pending) {
      stored.pending = false;
      this.parseInto(stored, stored.document.getText());
    }
    if (stored.held) this.used(stored);
    return stored.held;
  }

  /** How many documents hold a tree in wasm memory (tests: bounded by `TREES_KEPT` plus those pinned). */
  get treesHeld(): number {
    return this.holding.size;
  }

  /**
   * Keeps the document's tree until the returned function is called: an analysis reads it across
   * turns of the event loop, while other documents are opened, edited and parsed.
   */
  pin(uri: string): () => void {
    this.pins.set(uri, (this.pins.get(uri) ?? 0) + 1);
    let done = false;
    return () => {
      if (done) return;
      done = true;
      const n = (this.pins.get(uri) ?? 1) - 1;
      if (n > 0) this.pins.set(uri, n);
      else this.pins.delete(uri);
      this.letGo();
    };
  }

  /** The parser failed while reading this version's tree: it is not analysed until the text changes. */
  markFailed(uri: string, failure: ParseFailure): void {
    const stored = this.docs.get(uri);
    if (!stored) return;
    this.dropTree(stored);
    stored.pending = false;
    stored.notParsed = failure;
  }

  uris(): string[] {
    return [...this.docs.keys()];
  }

  open(uri: string, languageId: string, version: number, text: string): StoredDocument {
    this.close(uri);
    const document = TextDocument.create(uri, languageId, version, text);
    const stored = new StoredDocument(uri, document, version, this);
    this.docs.set(uri, stored);
    if (!this.isTooLarge(uri, text)) {
      stored.indent = new IndentProfile(text);
      this.parseInto(stored, text);
    }
    return stored;
  }

  change(uri: string, version: number, changes: TextDocumentContentChangeEvent[]): StoredDocument | undefined {
    const stored = this.docs.get(uri);
    if (!stored) return undefined;
    // A document that let its tree go is parsed afresh below, from the new text.
    let tree = stored.held;
    this.holding.delete(uri);
    stored.held = undefined;
    stored.pending = false;
    let document = stored.document;
    for (const change of changes) {
      // Offsets in the text before the change (TextDocument.update changes the document in place).
      const startIndex = 'range' in change ? document.offsetAt(change.range.start) : 0;
      const oldEndIndex = 'range' in change ? document.offsetAt(change.range.end) : 0;
      document = TextDocument.update(document, [change], version);
      if ('range' in change) {
        const start = startIndex;
        const oldEnd = oldEndIndex;
        stored.edits.push({ version, start, oldEnd, newEnd: start + change.text.length });
        if (stored.edits.length > MAX_EDITS) stored.editsSince = stored.edits.splice(0, stored.edits.length - MAX_EDITS).pop()!.version;
        stored.indent?.edit(start, oldEnd, change.text, document.getText());
      } else {
        stored.edits = [];
        stored.editsSince = version;
        stored.indent = undefined;
      }
      if ('range' in change && tree) {
        const startPosition = { row: change.range.start.line, column: change.range.start.character };
        const edited = this.parser.edit(tree, {
          startIndex,
          oldEndIndex,
          newEndIndex: startIndex + change.text.length,
          startPosition,
          oldEndPosition: { row: change.range.end.line, column: change.range.end.character },
          newEndPosition: pointAfter(startPosition, change.text),
        } as Parameters<Tree['edit']>[0]);
        if (!edited) tree = this.drop(tree);
      } else if (tree) {
        // A full-text change: nothing of the old tree can be reused.
        tree = this.drop(tree);
      }
    }
    const text = document.getText();
    stored.document = document;
    stored.notParsed = undefined;
    if (this.isTooLarge(uri, text)) stored.indent = undefined;
    else {
      stored.indent ??= new IndentProfile(text);
      this.parseInto(stored, text, tree);
    }
    if (tree && stored.held) carryCopy(tree, stored.held);
    else if (tree) dropCopy(tree);
    this.parser.release(tree);
    return stored;
  }

  /** Re-applies the size limit after settings arrive: frees the tree of a too-large file, parses one that fits. */
  applySizeLimit(uri: string): StoredDocument | undefined {
    const stored = this.docs.get(uri);
    if (!stored) return undefined;
    const text = stored.document.getText();
    if (this.isTooLarge(uri, text)) {
      this.dropTree(stored);
      stored.pending = false;
      stored.notParsed = undefined;
    } else if (!stored.held && !stored.pending && !stored.notParsed) stored.pending = true;
    return stored;
  }

  /**
   * Parses again a document that has no tree because the parser failed or was being replaced
   * (not one it refused: that text would be refused again), once a healthy parser is back.
   * A tree from a replaced parser is dropped first.
   */
  reparse(uri: string): StoredDocument | undefined {
    const stored = this.docs.get(uri);
    if (!stored) return undefined;
    if (stored.held && !this.parser.owns(stored.held)) this.dropTree(stored);
    // Text the parser refused or failed on would fail again: only collateral failures are retried.
    if (stored.held || stored.pending || (stored.notParsed && stored.notParsed.kind !== 'parser-restarting')) return stored;
    const text = stored.document.getText();
    if (!this.isTooLarge(uri, text)) this.parseInto(stored, text);
    return stored;
  }

  close(uri: string): void {
    const stored = this.docs.get(uri);
    if (!stored) return;
    this.dropTree(stored);
    stored.pending = false;
    this.docs.delete(uri);
    this.pins.delete(uri);
  }

  private parseInto(stored: StoredDocument, text: string, oldTree?: Tree): void {
    try {
      stored.held = this.parser.parse(text, oldTree, stored.indent);
      stored.notParsed = undefined;
      this.used(stored);
    } catch (e) {
      if (!(e instanceof ParseFailure)) throw e;
      stored.held = undefined;
      stored.notParsed = e;
    }
  }

  /** The document's tree was just made or read: it is the last to be let go. */
  private used(stored: StoredDocument): void {
    this.holding.delete(stored.uri);
    this.holding.add(stored.uri);
    this.letGo();
  }

  /** Lets the least recently used trees go (their copies with them), beyond `treesKept`; pinned ones stay. */
  private letGo(): void {
    if (this.holding.size <= this.treesKept) return;
    let over = this.holding.size - this.treesKept;
    // The document used last is never let go (pinned ones may fill the rest).
    const candidates = [...this.holding].slice(0, -1);
    for (const uri of candidates) {
      if (over <= 0) break;
      if (this.pins.has(uri)) continue;
      const stored = this.docs.get(uri);
      if (stored) {
        this.dropTree(stored);
        stored.pending = true;
      } else this.holding.delete(uri);
      over--;
    }
  }

  private dropTree(stored: StoredDocument): void {
    this.holding.delete(stored.uri);
    if (!stored.held) return;
    const tree = stored.held;
    stored.held = undefined;
    this.drop(tree);
  }

  private drop(tree: Tree): undefined {
    dropCopy(tree);
    this.parser.release(tree);
    return undefined;
  }

  dispose(): void {
    for (const uri of [...this.docs.keys()]) this.close(uri);
  }
}
