import { carryCopy, dropCopy } from '../parsing/syntaxTree';
import { TextDocument } from 'vscode-languageserver-textdocument';
import type { TextDocumentContentChangeEvent } from 'vscode-languageserver';
import { Edit } from 'web-tree-sitter';
import type { PythonParser, Tree } from '../parsing/pythonParser';

export interface StoredDocument {
  document: TextDocument;
  /** Absent for files over the size limit: they are never parsed. */
  tree?: Tree;
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

  get(uri: string): StoredDocument | undefined {
    return this.docs.get(uri);
  }

  uris(): string[] {
    return [...this.docs.keys()];
  }

  open(uri: string, languageId: string, version: number, text: string): StoredDocument {
    this.close(uri);
    const document = TextDocument.create(uri, languageId, version, text);
    const stored: StoredDocument = { document, tree: this.isTooLarge(uri, text) ? undefined : this.parser.parse(text) };
    this.docs.set(uri, stored);
    return stored;
  }

  change(uri: string, version: number, changes: TextDocumentContentChangeEvent[]): StoredDocument | undefined {
    const stored = this.docs.get(uri);
    if (!stored) return undefined;
    let tree = stored.tree;
    let document = stored.document;
    for (const change of changes) {
      if ('range' in change && tree) {
        const startIndex = document.offsetAt(change.range.start);
        const oldEndIndex = document.offsetAt(change.range.end);
        const startPosition = { row: change.range.start.line, column: change.range.start.character };
        tree.edit(new Edit({
          startIndex,
          oldEndIndex,
          newEndIndex: startIndex + change.text.length,
          startPosition,
          oldEndPosition: { row: change.range.end.line, column: change.range.end.character },
          newEndPosition: pointAfter(startPosition, change.text),
        }));
      } else if (tree) {
        // A full-text change: nothing of the old tree can be reused.
        dropCopy(tree);
        tree.delete();
        tree = undefined;
      }
      document = TextDocument.update(document, [change], version);
    }
    const text = document.getText();
    let next: Tree | undefined;
    if (!this.isTooLarge(uri, text)) next = this.parser.parse(text, tree);
    if (tree && next) carryCopy(tree, next);
    else if (tree) dropCopy(tree);
    tree?.delete();
    stored.document = document;
    stored.tree = next;
    return stored;
  }

  /** Re-applies the size limit after settings arrive: frees the tree of a too-large file, parses one that fits. */
  applySizeLimit(uri: string): StoredDocument | undefined {
    const stored = this.docs.get(uri);
    if (!stored) return undefined;
    const text = stored.document.getText();
    if (this.isTooLarge(uri, text)) {
      if (stored.tree) dropCopy(stored.tree);
      stored.tree?.delete();
      stored.tree = undefined;
    } else if (!stored.tree) stored.tree = this.parser.parse(text);
    return stored;
  }

  close(uri: string): void {
    const stored = this.docs.get(uri);
    if (!stored) return;
    if (stored.tree) dropCopy(stored.tree);
    stored.tree?.delete();
    this.docs.delete(uri);
  }

  dispose(): void {
    for (const uri of [...this.docs.keys()]) this.close(uri);
  }
}
