/**
 * Every snippet the extension contributes for Python, inserted as a `SnippetString` into a Python
 * document, yields a file the language server reports nothing on.
 */
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { closeAllWithoutSaving, describeFindings, extension, findings, waitFor } from './helpers';

interface Snippet {
  prefix: string | string[];
  body: string | string[];
  description?: string;
}

/** A file with one known finding: seeing it proves the server analyses this document. */
const KNOWN_BAD = [
  'from pyspark.sql import SparkSession',
  '',
  'spark = SparkSession.builder.getOrCreate()',
  'df = spark.read.parquet("s3://lake/silver/orders")',
  'df.coalesce(1).write.parquet("s3://lake/gold/orders")',
  '',
].join('\n');

function contributedSnippets(): { name: string; snippet: Snippet }[] {
  const ext = extension();
  const files = ((ext.packageJSON.contributes?.snippets ?? []) as { language: string; path: string }[])
    .filter((s) => s.language === 'python')
    .map((s) => path.join(ext.extensionPath, s.path));
  const out: { name: string; snippet: Snippet }[] = [];
  for (const file of files) {
    const json = JSON.parse(fs.readFileSync(file, 'utf8')) as Record<string, Snippet>;
    for (const [name, snippet] of Object.entries(json)) out.push({ name, snippet });
  }
  return out;
}

describe('snippets', () => {
  after(closeAllWithoutSaving);

  // Discovered when the suite loads, so each snippet is its own test.
  let all: { name: string; snippet: Snippet }[] = [];
  let loadError: unknown;
  try {
    all = contributedSnippets();
  } catch (err) {
    loadError = err;
  }

  it('the extension contributes Python snippets', () => {
    if (loadError) throw loadError;
    assert.ok(all.length > 0, 'package.json contributes.snippets declares no Python snippet (or the file is empty)');
  });

  for (const { name, snippet } of all) {
    const prefix = Array.isArray(snippet.prefix) ? snippet.prefix[0] : snippet.prefix;
    it(`${prefix} (${name}) expands into a lint-clean file`, async () => {
      const doc = await vscode.workspace.openTextDocument({ language: 'python', content: KNOWN_BAD });
      const editor = await vscode.window.showTextDocument(doc, { preview: false });
      try {
        await waitFor(
          () => `the seeded PSA301 on ${doc.uri.toString()} (now: ${describeFindings(doc.uri)})`,
          () => findings(doc.uri).length > 0,
        );
        const body = Array.isArray(snippet.body) ? snippet.body.join('\n') : snippet.body;
        const all = new vscode.Range(doc.positionAt(0), doc.positionAt(doc.getText().length));
        assert.ok(await editor.insertSnippet(new vscode.SnippetString(body), all), 'insertSnippet refused the snippet');
        await vscode.commands.executeCommand('leaveSnippet');
        const text = doc.getText();
        assert.doesNotMatch(text, /\$\{?\d/, 'placeholders left in the expanded text');
        assert.doesNotMatch(text, /coalesce\(1\)/, 'the snippet did not replace the seeded text');
        try {
          await waitFor('no findings on the expanded snippet', () => findings(doc.uri).length === 0);
        } catch {
          assert.fail(`${prefix} is not lint-clean: ${describeFindings(doc.uri)}`);
        }
      } finally {
        await vscode.commands.executeCommand('workbench.action.revertAndCloseActiveEditor');
      }
    });
  }
});
