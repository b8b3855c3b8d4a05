import { CodeAction, CodeActionKind, type CodeActionParams } from 'vscode-languageserver';
import { DIAGNOSTIC_SOURCE } from '../../../../shared/protocol';
import { applyEdits, type Fix } from '../../findings';
import { fixAll } from '../../fixes/fixAll';
import { noqaFix } from '../../noqa';
import { countSyntaxErrors, ParseFailure } from '../../parsing/pythonParser';
import { syntaxRoot } from '../../parsing/syntaxTree';
import type { ServerContext } from '../context';
import type { StoredDocument } from '../documentStore';
import { fixAction } from '../fixActions';

export const FIX_ALL_KIND = 'source.fixAll.pysparkArchitect';
export const CODE_ACTION_KINDS = [CodeActionKind.QuickFix, FIX_ALL_KIND];

/**
 * Quick fixes of the findings under the cursor (each rule's fixes, and a `# noqa` comment), and
 * `source.fixAll.pysparkArchitect`: every safe fix at once. A fix that would add a syntax error is
 * never offered.
 */
export function registerCodeActions(ctx: ServerContext): void {
  ctx.connection.onCodeAction(async (p) => codeActions(ctx, p));
}

async function codeActions(ctx: ServerContext, p: CodeActionParams): Promise<CodeAction[]> {
  if (ctx.notebooks.owns(p.textDocument.uri)) return ctx.notebooks.codeActions(p, FIX_ALL_KIND).catch((e) => ctx.failed('notebook code actions', e, []));
  const stored = ctx.documents.get(p.textDocument.uri);
  if (!stored) return [];
  if (p.context.only?.some((k) => FIX_ALL_KIND.startsWith(k) && k !== CodeActionKind.Empty)) return fixAllAction(ctx, p.textDocument.uri, stored);
  // Run again when a neighbour or the settings changed under way: the text, and so the range asked about, are the same.
  const cached = await ctx.analyses.analyseCurrent(p.textDocument.uri, 4, stored);
  if (!cached) return [];
  const { result } = cached;
  const lines = result.lines;
  const from = lines.offsetAt(p.range.start);
  const to = lines.offsetAt(p.range.end);
  // Neovim 0.7 sends our diagnostics back without their source: a PSA code is enough to know them.
  const wanted = new Set(
    p.context.diagnostics.filter((d) => d.source === DIAGNOSTIC_SOURCE || (d.source === undefined && /^PSA\d{3}$/.test(`${d.code}`))).map((d) => `${d.code}`),
  );
  const text = stored.document.getText();
  const actions: CodeAction[] = [];
  let baseErrors = 0;
  try {
    if (stored.tree) baseErrors = countSyntaxErrors(stored.tree.rootNode);
  } catch (e) {
    if (e instanceof ParseFailure) return [];
    throw e;
  }
  const root = stored.tree ? syntaxRoot(stored.tree, text) : undefined;
  for (const f of result.findings) {
    if (f.end < from || f.start > to) continue;
    if (p.context.diagnostics.length && !wanted.has(f.code)) continue;
    if (p.context.only && !p.context.only.some((k) => k === CodeActionKind.QuickFix || CodeActionKind.QuickFix.startsWith(k))) continue;
    const diagnostic = cached.diagnostics[result.findings.indexOf(f)];
    for (const fix of [...f.fixes, root && noqaFix(root, text, f, lines)]) {
      if (!fix || !fixKeepsSyntax(ctx, text, fix, baseErrors)) continue;
      actions.push(fixAction(fix, { uri: p.textDocument.uri, version: stored.document.version, lines, diagnostic, snippetEdits: ctx.client.snippetEdits }));
    }
  }
  return actions;
}

/** `source.fixAll.pysparkArchitect` (and on save): the safe fixes only, applied one by one on fresh analysis. */
async function fixAllAction(ctx: ServerContext, uri: string, stored: StoredDocument): Promise<CodeAction[]> {
  const settings = await ctx.settings.settingsFor(uri);
  if (!stored.tree || !settings.enable) return [];
  const text = stored.document.getText();
  let fixed: string;
  let applied: { code: string }[];
  try {
    ({ text: fixed, applied } = fixAll(ctx.parser, text, ctx.settings.withProjectConfig(uri, settings)));
  } catch (e) {
    if (e instanceof ParseFailure) return [];
    throw e;
  }
  if (!applied.length) return [];
  const end = stored.document.positionAt(text.length);
  return [
    CodeAction.create(
      `Fix all safely fixable PySpark Architect findings (${applied.length})`,
      { changes: { [uri]: [{ range: { start: { line: 0, character: 0 }, end }, newText: fixed }] } },
      FIX_ALL_KIND,
    ),
  ];
}

/** A fix that would add syntax errors is never offered: parse the result and compare. */
function fixKeepsSyntax(ctx: ServerContext, text: string, fix: Fix, baseErrors: number): boolean {
  let tree;
  try {
    tree = ctx.parser.parse(applyEdits(text, fix.edits));
    return countSyntaxErrors(tree.rootNode) <= baseErrors;
  } catch (e) {
    if (e instanceof ParseFailure) return false;
    throw e;
  } finally {
    ctx.parser.release(tree);
  }
}
