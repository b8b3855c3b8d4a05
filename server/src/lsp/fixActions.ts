import { CodeAction, CodeActionKind, type Diagnostic, type Range, type TextEdit, type WorkspaceEdit } from 'vscode-languageserver';
import { fixLabel, type Fix, type TextEditSpec } from '../findings';
import type { LineIndex } from '../lineIndex';

/** LSP 3.18 `SnippetTextEdit` (vscode-languageserver 9 speaks 3.17, which has no type for it). */
export interface SnippetTextEdit {
  range: Range;
  snippet: { kind: 'snippet'; value: string };
}

/**
 * What `CodeAction.data` carries for a fix with placeholders when the client cannot take snippet
 * edits itself: our VS Code client's middleware turns these into snippet edits (tab stops).
 */
export interface SnippetFixData {
  pysparkArchitectSnippets: { uri: string; edits: SnippetTextEdit[] };
}

/** `text` escaped for a snippet body: `$`, `}` and `\` are snippet syntax. */
function escapeSnippet(text: string): string {
  return text.replace(/[$}\\]/g, (c) => `\\${c}`);
}

/** The edit's text as a snippet, each placeholder a tab stop (numbered from `next`). */
export function snippetOf(edit: TextEditSpec, next: number): { value: string; next: number } {
  let value = '';
  let at = 0;
  for (const p of [...(edit.placeholders ?? [])].sort((a, b) => a.start - b.start)) {
    if (p.start < at || p.end > edit.newText.length) continue;
    value += escapeSnippet(edit.newText.slice(at, p.start)) + `\${${next++}:${escapeSnippet(edit.newText.slice(p.start, p.end))}}`;
    at = p.end;
  }
  return { value: value + escapeSnippet(edit.newText.slice(at)), next };
}

export interface FixActionContext {
  uri: string;
  version: number;
  lines: LineIndex;
  diagnostic: Diagnostic;
  /** The client declared `workspace.workspaceEdit.snippetEditSupport` (LSP 3.18). */
  snippetEdits: boolean;
}

/**
 * A quick fix as a code action: titled with its applicability (an unsafe fix says what it changes),
 * preferred only when safe, and a fix with placeholders as snippet edits where the client takes them.
 */
export function fixAction(fix: Fix, ctx: FixActionContext): CodeAction {
  const range = (e: TextEditSpec): Range => ({ start: ctx.lines.positionAt(e.start), end: ctx.lines.positionAt(e.end) });
  const plain: TextEdit[] = fix.edits.map((e) => ({ range: range(e), newText: e.newText }));
  const withPlaceholders = fix.edits.some((e) => e.placeholders?.length);
  let snippets: (TextEdit | SnippetTextEdit)[] | undefined;
  if (withPlaceholders) {
    let next = 1;
    snippets = fix.edits.map((e) => {
      if (!e.placeholders?.length) return { range: range(e), newText: e.newText };
      const s = snippetOf(e, next);
      next = s.next;
      return { range: range(e), snippet: { kind: 'snippet', value: s.value } };
    });
  }
  const edit: WorkspaceEdit =
    snippets && ctx.snippetEdits
      ? { documentChanges: [{ textDocument: { uri: ctx.uri, version: ctx.version }, edits: snippets as TextEdit[] }] }
      : { changes: { [ctx.uri]: plain } };
  const action = CodeAction.create(fixLabel(fix), edit, CodeActionKind.QuickFix);
  action.diagnostics = [ctx.diagnostic];
  if (fix.applicability === 'safe' && fix.preferred) action.isPreferred = true;
  if (snippets && !ctx.snippetEdits) {
    const data: SnippetFixData = {
      pysparkArchitectSnippets: {
        uri: ctx.uri,
        edits: snippets.map((s) => ('snippet' in s ? s : { range: s.range, snippet: { kind: 'snippet', value: escapeSnippet(s.newText) } })),
      },
    };
    action.data = data;
  }
  return action;
}
