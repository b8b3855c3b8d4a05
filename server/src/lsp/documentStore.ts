import { carryCopy, dropCopy } from '../parsing/syntaxTree';
import { TextDocument } from 'vscode-languageserver-textdocument';
import type { TextDocumentContentChangeEvent } from 'vscode-languageserver';
import { IndentProfile, ParseFailure, type PythonParser, type Tree } from '../parsing/pythonParser';

export interface StoredDocument {
  document: TextDocument;
  /** Absent for files over the size limit (never parsed) and for text the parser failed on. */
  tree?: Tree;
  /** Why this version has no tree although it is within the size limit. */
  notParsed?: ParseFailure;
  /** The recent edits, oldest first: where a position of an earlier version is now (see `mapOffset`). */
  edits: TextEdit[];
  /** The oldest version `edits` reach back to (a full-text change or a trimmed log starts it again). */
  editsSince: number;
  /** The indentation the parser's guard checks, kept edit by edit (a keystroke does not re-read the file). */
  indent?: IndentProfile;
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

  constructor(
    private readonly parser: PythonParser,
    private readonly isTooLarge: (uri: string, text: string) => boolean,
  ) {}

  /** The document, its tree always from the parser's current runtime (a tree of a replaced one is parsed again). */
  get(uri: string): StoredDocument | undefined {
    const stored = this.docs.get(uri);
    if (stored?.tree && !this.parser.owns(stored.tree)) return this.reparse(uri);
    return stored;
  }

  /** The parser failed while reading this version's tree: it is not analysed until the text changes. */
  markFailed(uri: string, failure: ParseFailure): void {
    const stored = this.docs.get(uri);
    if (!stored) return;
    if (stored.tree) stored.tree = this.drop(stored.tree);
    stored.notParsed = failure;
  }

  uris(): string[] {
    return [...this.docs.keys()];
  }

  open(uri: string, languageId: string, version: number, text: string): StoredDocument {
    this.close(uri);
    const document = TextDocument.create(uri, languageId, version, text);
    const stored: StoredDocument = { document, edits: [], editsSince: version };
    if (!this.isTooLarge(uri, text)) {
      stored.indent = new IndentProfile(text);
      this.parseInto(stored, text);
    }
    this.docs.set(uri, stored);
    return stored;
  }

  change(uri: string, version: number, changes: TextDocumentContentChangeEvent[]): StoredDocument | undefined {
    const stored = this.docs.get(uri);
    if (!stored) return undefined;
    let tree = stored.tree;
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
    stored.tree = undefined;
    stored.notParsed = undefined;
    if (this.isTooLarge(uri, text)) stored.indent = undefined;
    else {
      stored.indent ??= new IndentProfile(text);
      this.parseInto(stored, text, tree);
    }
    if (tree && stored.tree) carryCopy(tree, stored.tree);
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
      if (stored.tree) this.drop(stored.tree);
      stored.tree = undefined;
      stored.notParsed = undefined;
    } else if (!stored.tree) this.parseInto(stored, text);
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
    if (stored.tree && !this.parser.owns(stored.tree)) stored.tree = this.drop(stored.tree);
    // Text the parser refused or failed on would fail again: only collateral failures are retried.
    if (stored.tree || (stored.notParsed && stored.notParsed.kind !== 'parser-restarting')) return stored;
    const text = stored.document.getText();
    if (!this.isTooLarge(uri, text)) this.parseInto(stored, text);
    return stored;
  }

  close(uri: string): void {
    const stored = this.docs.get(uri);
    if (!stored) return;
    if (stored.tree) this.drop(stored.tree);
    this.docs.delete(uri);
  }

  private parseInto(stored: StoredDocument, text: string, oldTree?: Tree): void {
    try {
      stored.tree = this.parser.parse(text, oldTree, stored.indent);
      stored.notParsed = undefined;
    } catch (e) {
      if (!(e instanceof ParseFailure)) throw e;
      stored.tree = undefined;
      stored.notParsed = e;
    }
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
