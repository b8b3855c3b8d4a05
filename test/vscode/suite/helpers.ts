import * as fs from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';

export const EXTENSION_ID = 'pyspark-architect.pyspark-architect';
export const SOURCE = 'pyspark-architect';
export const PREVIEW_VIEW_TYPE = 'pysparkArchitect.preview';

/** Polls `probe` until it returns a value that is not undefined/false, or fails at the deadline (`what` is read then). */
export async function waitFor<T>(
  what: string | (() => string),
  probe: () => T | undefined | false | Promise<T | undefined | false>,
  timeoutMs = 30_000,
  intervalMs = 50,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  for (;;) {
    try {
      const value = await probe();
      if (value !== undefined && value !== false) return value;
    } catch (err) {
      last = err;
    }
    if (Date.now() > deadline) {
      const said = typeof what === 'function' ? what() : what;
      throw new Error(`timed out after ${timeoutMs} ms waiting for ${said}${last ? ` (last error: ${String(last)})` : ''}`);
    }
    await new Promise((r) => setTimeout(r, intervalMs));
  }
}

export function codeOf(d: vscode.Diagnostic): string | undefined {
  const c = d.code;
  if (c === undefined) return undefined;
  return typeof c === 'object' ? String(c.value) : String(c);
}

export function findings(uri: vscode.Uri): vscode.Diagnostic[] {
  return vscode.languages.getDiagnostics(uri).filter((d) => d.source === SOURCE);
}

export function codes(uri: vscode.Uri): string[] {
  return findings(uri)
    .map((d) => codeOf(d) ?? '?')
    .sort();
}

/** The findings as readable lines, for failure messages. */
export function describeFindings(uri: vscode.Uri): string {
  const all = findings(uri);
  if (all.length === 0) return 'none';
  return all.map((d) => `${codeOf(d)} at ${d.range.start.line + 1}:${d.range.start.character + 1}: ${d.message}`).join(' | ');
}

/** Waits until the document's findings include every code in `expected`. */
export function waitForCodes(uri: vscode.Uri, expected: string[], timeoutMs = 30_000): Promise<vscode.Diagnostic[]> {
  return waitFor(
    () => `findings ${expected.join(', ')} on ${path.basename(uri.fsPath)} (now: ${codes(uri).join(', ') || 'none'})`,
    () => {
      const got = findings(uri);
      return expected.every((c) => got.some((d) => codeOf(d) === c)) ? got : undefined;
    },
    timeoutMs,
  );
}

/** The folder with the sample pipelines: the workspace folder that has them, else the repository's samples/. */
export function samplesDir(): string {
  const candidates = [
    process.env.PSA_SAMPLES_DIR,
    ...(vscode.workspace.workspaceFolders ?? []).flatMap((f) => [f.uri.fsPath, path.join(f.uri.fsPath, 'samples')]),
    path.resolve(__dirname, '../../../../samples'),
  ].filter((p): p is string => !!p);
  const dir = candidates.find((d) => fs.existsSync(path.join(d, 'medallion_architecture.py')));
  if (!dir) throw new Error(`no samples folder found among: ${candidates.join(', ')}`);
  return dir;
}

export async function openSample(name: string): Promise<vscode.TextEditor> {
  const doc = await vscode.workspace.openTextDocument(vscode.Uri.file(path.join(samplesDir(), name)));
  return vscode.window.showTextDocument(doc, { preview: false });
}

/** Closes every editor without saving anything (edited samples are reverted, untitled ones dropped). */
export async function closeAllWithoutSaving(): Promise<void> {
  for (const doc of vscode.workspace.textDocuments.filter((d) => d.isDirty)) {
    await vscode.window.showTextDocument(doc);
    await vscode.commands.executeCommand('workbench.action.revertAndCloseActiveEditor');
  }
  await vscode.commands.executeCommand('workbench.action.closeAllEditors');
}

export function extension(): vscode.Extension<unknown> {
  const ext = vscode.extensions.getExtension(EXTENSION_ID);
  if (!ext) throw new Error(`extension ${EXTENSION_ID} is not installed in this host`);
  return ext;
}
