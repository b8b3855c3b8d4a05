/**
 * A Jupyter notebook in a real VS Code: the language server syncs it as a notebook (LSP 3.17),
 * analyses its cells as one program and pushes the findings to each cell.
 */
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { closeAllWithoutSaving, codeOf, codes, findings, PREVIEW_VIEW_TYPE, samplesDir, waitFor } from './helpers';

function notebookPath(): string {
  const beside = path.join(samplesDir(), 'clickstream.ipynb');
  return fs.existsSync(beside) ? beside : path.resolve(__dirname, '../../../../test/fixtures/notebooks/clickstream.ipynb');
}

describe('Jupyter notebooks', () => {
  after(closeAllWithoutSaving);

  it('the aggregation cell gets PSA201 although the stream is read in another cell; other cells stay clean', async () => {
    const nb = await vscode.workspace.openNotebookDocument(vscode.Uri.file(notebookPath()));
    await vscode.window.showNotebookDocument(nb);
    const cells = nb.getCells();
    const aggregation = cells.find((c) => c.document.getText().includes('groupBy'))!;
    const read = cells.find((c) => c.document.getText().includes('readStream'))!;
    assert.equal(aggregation.document.languageId, 'python');
    const found = await waitFor(
      () => `PSA201 in the aggregation cell (now: ${codes(aggregation.document.uri).join(', ') || 'none'})`,
      () => {
        const got = findings(aggregation.document.uri);
        return got.some((d) => codeOf(d) === 'PSA201') ? got : undefined;
      },
      60_000,
    );
    const psa201 = found.find((d) => codeOf(d) === 'PSA201')!;
    assert.equal(aggregation.document.getText(psa201.range).startsWith('groupBy'), true);
    assert.deepEqual(findings(read.document.uri), []);
    // The Problems panel reads the same diagnostics collection: cell findings are listed there.
    const all = vscode.languages.getDiagnostics().filter(([uri]) => uri.scheme === 'vscode-notebook-cell');
    assert.ok(all.some(([, ds]) => ds.some((d) => codeOf(d) === 'PSA201')));
  });

  it("the preview of a notebook is titled with the notebook's name", async () => {
    const nb = await vscode.workspace.openNotebookDocument(vscode.Uri.file(notebookPath()));
    await vscode.window.showNotebookDocument(nb);
    await vscode.commands.executeCommand('pysparkArchitect.showPreview');
    const tab = await waitFor(
      () =>
        `a preview tab titled with clickstream.ipynb (tabs: ${vscode.window.tabGroups.all
          .flatMap((g) => g.tabs)
          .map((t) => t.label)
          .join(', ')})`,
      () =>
        vscode.window.tabGroups.all
          .flatMap((g) => g.tabs)
          .find(
            (t) => t.input instanceof vscode.TabInputWebview && t.input.viewType.endsWith(PREVIEW_VIEW_TYPE) && t.label === 'Architecture: clickstream.ipynb',
          ),
    );
    assert.ok(tab);
    await closeAllWithoutSaving();
  });
});
