import { carryCopy, dropCopy } from '../parsing/syntaxTree';
import { TextDocument } from 'vscode-languageserver-textdocument';
import type { TextDocumentContentChangeEvent } from 'vscode-languageserver';
import { IndentProfile, ParseFailure, type PythonParser, type Tree } from '../parsing/pythonParser';

/**
 * An open document. Its syntax tree lives in wasm memory, which never shrinks: only the documents
 * used last keep theirs (`TREES_KEPT`); the others are parsed again, from their text, when
 * something reads `tree` (a fresh parse of a 600-line file takes a few milliseconds, and gives
 * the tree an incremental parse would).
 *
 * An edit does not parse: the last tree takes the edit (`Tree.edit`, which only shifts offsets)
 * and the document is parsed, incrementally from it, when something reads `tree` or `notParsed`,
 * or once no edit came for `quietParseMs` (see `DocumentStore`). Keystrokes faster than that are
 * parsed together: with a syntax error between keystrokes (typing code), tree-sitter's recovery
 * made each incremental parse cost about twice a clean one's, and those parses were most of the
 * server's work while a person typed fast.
 */
export class StoredDocument {
  /** @internal Why this version has no tree, once parsed (see `notParsed`). */
  failure?: ParseFailure;
  /** The recent edits, oldest first: where a position of an earlier version is now (see `mapOffset`). */
  edits: TextEdit[] = [];
  /** The indentation the parser's guard checks, kept edit by edit (a keystroke does not re-read the file). */
  indent?: IndentProfile;
  /** @internal The tree of the current version in wasm memory, when this document keeps one and it is parsed. */
  held?: Tree;
  /**
   * @internal A tree of an earlier version with every edit since applied (`Tree.edit`): the base of
   * the incremental parse that `tree` makes (then deleted). Only while `pending`.
   */
  edited?: Tree;
  /** @internal `tree` parses the text first: the tree was let go to save memory (or never made), or edits came since. */
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

  /** Why this version has no tree although it is within the size limit (parses a pending version to know). */
  get notParsed(): ParseFailure | undefined {
    if (this.pending) this.store.treeOf(this);
    return this.failure;
  }
}

/** One change as offsets: `[start, oldEnd)` of the text before it became `[start, newEnd)`, in version `version`. */
interface TextEdit {
  version: number;
  start: number;
  oldEnd: number;
  newEnd: number;
}

/**
 * How long after a document's last edit its text is parsed, when nothing read the tree before.
 * Edits closer together than this are parsed together, once. Why not wait for the reader (an
 * analysis starts only after its own wait, `AnalysisWait`, at least this long at 5k lines): a parse
 * from a tree several keystrokes old can cost far more than one from the previous keystroke's,
 * when the old tree was in another error state (measured at 5k and 20k lines, typing code in a
 * function in the middle: about half the keystroke bursts cost 27 ms and 125-190 ms instead of
 * 2 ms and 9 ms, tree-sitter re-reading the file from the edit on). Parsed in the quiet after the
 * typing, that cost falls inside the analysis's wait instead of after it.
 */
export const QUIET_PARSE_MS = 50;

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

  /** Per document with edits not parsed yet: the timer that parses them once no edit came for `quietParseMs`. */
  private readonly quietParses = new Map<string, NodeJS.Timeout>();

  constructor(
    private readonly parser: PythonParser,
    private readonly isTooLarge: (uri: string, text: string) => boolean,
    private readonly treesKept = TREES_KEPT,
    /** 0 or less: edits are parsed only when the tree is read (tests that count parses). */
    private readonly quietParseMs = QUIET_PARSE_MS,
  ) {}

  /** The document, its tree always from the parser's current runtime (a tree of a replaced one is parsed again). */
  get(uri: string): StoredDocument | undefined {
    const stored = this.docs.get(uri);
    if (stored?.held && !this.parser.owns(stored.held)) return this.reparse(uri);
    return stored;
  }

  /** @internal `stored.tree`: parses a document that let its tree go or was edited since its last parse, and counts it as used. */
  treeOf(stored: StoredDocument): Tree | undefined {
    if (this.docs.get(stored.uri) !== stored) return stored.held;
    if (stored.pending) {
      stored.pending = false;
      let edited = stored.edited;
      stored.edited = undefined;
      // A tree of a parser runtime replaced since is neither a base nor deleted (it went with its runtime).
      if (edited && !this.parser.owns(edited)) edited = this.drop(edited);
      this.parseInto(stored, stored.document.getText(), edited);
      if (edited) {
        // The new copy takes over what is unchanged in the edited tree's (or its predecessor's) copy.
        if (stored.held) carryCopy(edited, stored.held);
        else dropCopy(edited);
        this.parser.release(edited);
      }
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
    stored.failure = failure;
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
    // The tree to parse the new text from: the current one, or the one already edited since the
    // last parse. A document that let its tree go is parsed afresh, from the new text, when read.
    let tree = stored.held ?? stored.edited;
    stored.held = undefined;
    stored.edited = undefined;
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
    stored.failure = undefined;
    if (this.isTooLarge(uri, text)) {
      stored.indent = undefined;
      stored.pending = false;
      if (tree) {
        this.holding.delete(uri);
        this.drop(tree);
      }
    } else {
      stored.indent ??= new IndentProfile(text);
      // Parsed when read (`treeOf`), from the edited tree when there is one. It still holds wasm
      // memory, so the document counts among those holding a tree.
      stored.pending = true;
      stored.edited = tree;
      if (tree) this.used(stored);
      else this.holding.delete(uri);
      this.parseWhenQuiet(stored);
    }
    return stored;
  }

  /** Parses `stored`'s pending edits once no other edit came for `quietParseMs` (a new edit starts the wait again). */
  private parseWhenQuiet(stored: StoredDocument): void {
    if (this.quietParseMs <= 0) return;
    clearTimeout(this.quietParses.get(stored.uri));
    const timer = setTimeout(() => {
      this.quietParses.delete(stored.uri);
      // Read (parsed) unless it closed or was read meanwhile; a parse failure is kept on the document as when read.
      try {
        if (stored.pending && this.docs.get(stored.uri) === stored) this.treeOf(stored);
      } catch (e) {
        // Not a ParseFailure (those are kept): a bug, logged as the edit handler's guard would have.
        console.error(`[pyspark-architect] ${stored.uri}: parse after typing failed: ${e instanceof Error ? e.stack : String(e)}`);
      }
    }, this.quietParseMs);
    // Never what keeps a process alive.
    timer.unref?.();
    this.quietParses.set(stored.uri, timer);
  }

  /** Re-applies the size limit after settings arrive: frees the tree of a too-large file, parses one that fits. */
  applySizeLimit(uri: string): StoredDocument | undefined {
    const stored = this.docs.get(uri);
    if (!stored) return undefined;
    const text = stored.document.getText();
    if (this.isTooLarge(uri, text)) {
      this.dropTree(stored);
      stored.pending = false;
      stored.failure = undefined;
    } else if (!stored.held && !stored.pending && !stored.failure) stored.pending = true;
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
    if (stored.held || stored.pending || (stored.failure && stored.failure.kind !== 'parser-restarting')) return stored;
    const text = stored.document.getText();
    if (!this.isTooLarge(uri, text)) this.parseInto(stored, text);
    return stored;
  }

  close(uri: string): void {
    clearTimeout(this.quietParses.get(uri));
    this.quietParses.delete(uri);
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
      stored.failure = undefined;
      this.used(stored);
    } catch (e) {
      if (!(e instanceof ParseFailure)) throw e;
      stored.held = undefined;
      stored.failure = e;
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

  /** Frees the document's tree, parsed or edited (the caller says whether it is to be parsed again when read). */
  private dropTree(stored: StoredDocument): void {
    this.holding.delete(stored.uri);
    const trees = [stored.held, stored.edited];
    stored.held = undefined;
    stored.edited = undefined;
    for (const tree of trees) if (tree) this.drop(tree);
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
