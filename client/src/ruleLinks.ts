import * as vscode from 'vscode';
import type { Middleware } from 'vscode-languageclient/node';
import { keepShownIfCancelled } from './pullCancellation';
import { ruleLinkFor, ruleOfLink } from './ruleLink';

/**
 * Rewrites the rule links of our diagnostics (push and pull) to open the bundled page's preview, and
 * keeps a document's diagnostics on screen when a pull is cancelled by the next edit (pullCancellation.ts).
 */
export function ruleLinkMiddleware(context: vscode.ExtensionContext): Middleware {
  const id = context.extension.id;
  const rewrite = (diagnostics: vscode.Diagnostic[]): vscode.Diagnostic[] => {
    for (const d of diagnostics) {
      if (typeof d.code !== 'object' || !d.code) continue;
      const link = ruleLinkFor(d.code.target.toString(true), vscode.env.uriScheme, id);
      if (link) d.code = { value: d.code.value, target: vscode.Uri.parse(link) };
    }
    return diagnostics;
  };
  return {
    handleDiagnostics(uri, diagnostics, next) {
      next(uri, rewrite(diagnostics));
    },
    async provideDiagnostics(document, previousResultId, token, next) {
      const report = await keepShownIfCancelled(
        token,
        () => next(document, previousResultId, token),
        () => new vscode.CancellationError(),
      );
      if (report && 'items' in report && Array.isArray(report.items)) rewrite(report.items);
      return report;
    },
  };
}

/** Opens `<uriScheme>://<extension id>/rule/PSAxxx` as the bundled page in the markdown preview. */
export function registerRuleLinkHandler(context: vscode.ExtensionContext): vscode.Disposable {
  return vscode.window.registerUriHandler({
    async handleUri(uri) {
      const code = ruleOfLink(uri.path);
      if (!code) return;
      const page = vscode.Uri.file(context.asAbsolutePath(`docs/rules/${code}.md`));
      await vscode.commands.executeCommand('markdown.showPreview', page);
    },
  });
}
