import type { TextDocumentContentChangeEvent } from 'vscode-languageserver';
import type { TextDocument } from 'vscode-languageserver-textdocument';
import type { Finding } from '../findings';
import type { Node } from '../parsing/pythonParser';

/** How long after the last keystroke a literal counts as still being typed. */
export const DEFAULT_TYPING_PAUSE_MS = 1000;

const LITERALS = new Set(['string', 'integer', 'float']);

/**
 * Findings on a literal the user is typing wait for the user to leave it or pause: an auto-closed
 * `""` is not yet an empty conf value (PSA504), `2` on the way to `200` is not a bad partition
 * count (PSA303), `"s"` on the way to `"s3://..."` is not a local checkpoint (PSA204).
 *
 * The rule: a finding whose range lies inside the string or number literal holding the
 * document's last edit is held back while that edit is younger than the pause. Editing
 * anywhere else moves the last edit out of the literal (the finding is back on the next
 * analysis); otherwise, when the pause has passed, `onPause` asks for the diagnostics again
 * (a diagnostics refresh for pull clients, a publish for push clients). Findings that were on
 * screen and merely contain the literal (a whole call) are never held: nothing blinks off.
 */
export class TypingHold {
  private readonly lastEdit = new Map<string, { offset: number; at: number; version: number }>();
  private readonly timers = new Map<string, NodeJS.Timeout>();

  constructor(
    /** 0: never hold (a client that cannot be asked to pull again would keep the findings hidden). */
    public pauseMs: number,
    private readonly onPause: (uri: string) => void,
    private readonly now: () => number = Date.now,
  ) {}

  /** After `document` took `changes`: where the caret is now (the end of the last change's text). */
  noteChange(document: TextDocument | undefined, changes: readonly TextDocumentContentChangeEvent[]): void {
    if (!document) return;
    const last = changes[changes.length - 1];
    if (!last || !('range' in last)) {
      // A whole-text change says nothing about where the user types.
      this.lastEdit.delete(document.uri);
      return;
    }
    // Text before the change's start is unchanged by it, so its start position means the same offset in the new text.
    const offset = document.offsetAt(last.range.start) + last.text.length;
    this.lastEdit.set(document.uri, { offset, at: this.now(), version: document.version });
  }

  /**
   * The indexes of `findings` to show now, for the document version `version` whose syntax is
   * `root()` (asked only when an edit is recent). Schedules `onPause` when anything was held back.
   */
  visible(uri: string, version: number, root: () => Node | undefined, findings: readonly Finding[]): number[] {
    const all = findings.map((_, i) => i);
    const edit = this.lastEdit.get(uri);
    if (!edit || edit.version !== version || !findings.length) return all;
    const left = edit.at + this.pauseMs - this.now();
    if (left <= 0) return all;
    const syntax = root();
    const literal = syntax && literalAt(syntax, edit.offset);
    if (!literal) return all;
    const shown = all.filter((i) => !(findings[i].start >= literal.startIndex && findings[i].end <= literal.endIndex));
    if (shown.length < all.length) this.wakeAfter(uri, left);
    return shown;
  }

  forget(uri: string): void {
    this.lastEdit.delete(uri);
    clearTimeout(this.timers.get(uri));
    this.timers.delete(uri);
  }

  dispose(): void {
    for (const t of this.timers.values()) clearTimeout(t);
    this.timers.clear();
    this.lastEdit.clear();
  }

  private wakeAfter(uri: string, ms: number): void {
    clearTimeout(this.timers.get(uri));
    this.timers.set(
      uri,
      setTimeout(() => {
        this.timers.delete(uri);
        this.onPause(uri);
      }, ms + 1),
    );
  }
}

/** The innermost string or number literal around the caret at `offset` (touching its end counts: `20|`). */
export function literalAt(root: Node, offset: number): Node | undefined {
  for (let n: Node | null = root.descendantForIndex(Math.max(0, offset - 1), offset); n; n = n.parent) {
    if (LITERALS.has(n.type)) return n;
    if (n.type === 'block' || n.type === 'module' || n.type === 'expression_statement') return undefined;
  }
  return undefined;
}
