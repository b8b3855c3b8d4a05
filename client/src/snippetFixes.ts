import * as vscode from 'vscode';
import type { Middleware } from 'vscode-languageclient/node';

/** What the server puts in `CodeAction.data` for a fix with placeholders (server/src/lsp/fixActions.ts). */
interface SnippetFixData {
  pysparkArchitectSnippets?: {
    uri: string;
    edits: { range: { start: { line: number; character: number }; end: { line: number; character: number } }; snippet: { value: string } }[];
  };
}

/**
 * vscode-languageclient 9 speaks LSP 3.17, which has no snippet edits: a fix whose value only the
 * user has (a checkpoint path, a watermark delay) arrives as plain text plus its snippet in `data`.
 * Its edit becomes snippet edits here, so applying it puts the cursor on each placeholder in turn.
 */
export const snippetFixMiddleware: Middleware = {
  async provideCodeActions(document, range, context, token, next) {
    const actions = await next(document, range, context, token);
    if (!actions) return actions;
    for (const action of actions) {
      if (!(action instanceof vscode.CodeAction)) continue;
      const data = (action as vscode.CodeAction & { data?: SnippetFixData }).data?.pysparkArchitectSnippets;
      if (!data || data.uri !== document.uri.toString()) continue;
      const edit = new vscode.WorkspaceEdit();
      edit.set(
        document.uri,
        data.edits.map((e) => {
          const r = new vscode.Range(e.range.start.line, e.range.start.character, e.range.end.line, e.range.end.character);
          return vscode.SnippetTextEdit.replace(r, new vscode.SnippetString(e.snippet.value));
        }),
      );
      action.edit = edit;
    }
    return actions;
  },
};
