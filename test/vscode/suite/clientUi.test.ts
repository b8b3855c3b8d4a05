/**
 * The client-side pieces a user relies on when something looks wrong: the language status item
 * (server state, this file's findings or why it was skipped), the restart command, and the rule
 * link of a diagnostic opening the bundled rule page in the markdown preview (offline).
 * VS Code cannot read a language status item back, so the extension's `activate` returns a
 * read-only snapshot of it (see PysparkArchitectApi in client/src/extension.ts).
 */
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { closeAllWithoutSaving, codeOf, extension, findings, openSample, waitFor, waitForCodes } from './helpers';

interface Api {
  languageStatus(): { text: string; detail: string | undefined; severity: string; busy: boolean; server: string; version: number | undefined };
  serverStarts(): number;
}

async function api(): Promise<Api> {
  const ext = extension();
  await waitFor('the extension to activate', () => ext.isActive);
  return ext.exports as Api;
}

describe('client status, restart and rule links', () => {
  afterEach(closeAllWithoutSaving);

  it("the language status item shows the current file's finding count", async () => {
    const editor = await openSample('kappa_architecture.py');
    const a = await api();
    await waitForCodes(editor.document.uri, ['PSA201']);
    const status = await waitFor(
      () => `the status item to count the findings (now: ${JSON.stringify(a.languageStatus())})`,
      () => {
        const s = a.languageStatus();
        const m = /(\d+) findings?/.exec(s.text);
        return m && Number(m[1]) === findings(editor.document.uri).length ? s : undefined;
      },
    );
    assert.equal(status.server, 'running');
    assert.equal(status.severity, 'information');
    assert.match(status.detail ?? '', /analysed in \d+ ms/);
  });

  it('says why a Python file without PySpark is skipped', async () => {
    const doc = await vscode.workspace.openTextDocument({ language: 'python', content: 'import json\n\nprint(json.dumps({"a": 1}))\n' });
    await vscode.window.showTextDocument(doc);
    const a = await api();
    const status = await waitFor(
      () => `a "skipped" status (now: ${JSON.stringify(a.languageStatus())})`,
      () => {
        const s = a.languageStatus();
        return /skipped/.test(s.text) ? s : undefined;
      },
    );
    assert.match(status.detail ?? '', /PySpark/);
  });

  it('pysparkArchitect.restartServer restarts the server, which then analyses edits again', async () => {
    const editor = await openSample('medallion_architecture.py');
    const a = await api();
    await waitForCodes(editor.document.uri, ['PSA301']);
    const before = a.serverStarts();
    assert.ok(before >= 1, 'the server never reached the running state');
    await vscode.commands.executeCommand('pysparkArchitect.restartServer');
    await waitFor(
      () => `a second start (starts ${a.serverStarts()}, status ${JSON.stringify(a.languageStatus())})`,
      () => a.serverStarts() > before && a.languageStatus().server === 'running',
    );
    // The new server answers for the open document, and follows an edit: remove the coalesce(1).
    await waitForCodes(editor.document.uri, ['PSA301']);
    const doc = editor.document;
    const text = doc.getText();
    const at = text.indexOf('.coalesce(1)');
    assert.ok(at > 0, 'the sample no longer has .coalesce(1)');
    const edit = new vscode.WorkspaceEdit();
    edit.delete(doc.uri, new vscode.Range(doc.positionAt(at), doc.positionAt(at + '.coalesce(1)'.length)));
    assert.ok(await vscode.workspace.applyEdit(edit));
    await waitFor('PSA301 to go away after the restart', () => !findings(doc.uri).some((d) => codeOf(d) === 'PSA301'));
  });

  it('the squiggles stay on screen while the user types (a pull cancelled by the next keystroke keeps what is shown)', async () => {
    // A fixed wait far longer than the gap between keystrokes: every pull is still waiting when the
    // next keystroke cancels it. vscode-languageclient 9 showed its cancelled pulls as empty reports.
    const config = vscode.workspace.getConfiguration('pysparkArchitect');
    await config.update('debounce', 'fixed', vscode.ConfigurationTarget.Global);
    await config.update('debounceMs', 3000, vscode.ConfigurationTarget.Global);
    const editor = await openSample('kappa_architecture.py');
    const a = await api();
    const uri = editor.document.uri;
    const blanked: number[] = [];
    const watch = vscode.languages.onDidChangeDiagnostics((e) => {
      if (e.uris.some((u) => u.toString() === uri.toString()) && findings(uri).length === 0) blanked.push(editor.document.version);
    });
    try {
      await waitForCodes(uri, ['PSA201']);
      const end = editor.document.lineAt(editor.document.lineCount - 1).range.end;
      assert.ok(await editor.edit((b) => b.insert(end, '\n# notes: ')));
      for (let i = 0; i < 12; i++) {
        const at = editor.document.lineAt(editor.document.lineCount - 1).range.end;
        assert.ok(await editor.edit((b) => b.insert(at, 'x')));
        // A person's pace, well inside the 3 s wait: each keystroke overtakes the pull of the one before.
        await new Promise((r) => setTimeout(r, 80));
      }
      // The last version is analysed after the wait (the status item names the version it describes).
      const typed = editor.document.version;
      await waitFor(
        () => `the analysis of the typed version ${typed} (status: ${JSON.stringify(a.languageStatus())})`,
        () => a.languageStatus().version === typed,
      );
      await waitForCodes(uri, ['PSA201']);
      assert.deepEqual(blanked, [], `the findings were blanked while typing, at versions ${blanked.join(', ')}`);
    } finally {
      watch.dispose();
      await config.update('debounce', undefined, vscode.ConfigurationTarget.Global);
      await config.update('debounceMs', undefined, vscode.ConfigurationTarget.Global);
    }
  });

  it("a diagnostic's rule link opens the bundled rule page in the markdown preview", async () => {
    const editor = await openSample('kappa_architecture.py');
    const diag = (await waitForCodes(editor.document.uri, ['PSA201'])).find((d) => codeOf(d) === 'PSA201')!;
    assert.ok(typeof diag.code === 'object' && diag.code, 'PSA201 has no code link');
    const target = (diag.code as { target: vscode.Uri }).target;
    assert.equal(target.scheme, vscode.env.uriScheme, `the link ${target.toString()} is not the extension's own URI`);
    assert.equal(target.authority, extension().id);
    assert.equal(target.path, '/rule/PSA201');
    // What clicking the code does: the workbench opener hands the product-scheme URI to our handler.
    await vscode.commands.executeCommand('vscode.open', target);
    const tab = await waitFor(
      () =>
        `a markdown preview of PSA201 (tabs: ${vscode.window.tabGroups.all
          .flatMap((g) => g.tabs)
          .map((t) => t.label)
          .join(' | ')})`,
      () =>
        vscode.window.tabGroups.all
          .flatMap((g) => g.tabs)
          .find((t) => t.input instanceof vscode.TabInputWebview && /markdown\.preview/.test(t.input.viewType) && /PSA201/.test(t.label)),
    );
    assert.ok(tab);
  });
});
