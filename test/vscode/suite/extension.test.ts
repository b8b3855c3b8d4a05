/**
 * The extension in a real VS Code extension host: activation, diagnostics from the language
 * server, a quick fix through the code-action provider, and the architecture preview panel.
 * Every wait polls with a deadline; nothing sleeps for a fixed time.
 */
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { closeAllWithoutSaving, codeOf, codes, extension, findings, openSample, PREVIEW_VIEW_TYPE, SOURCE, waitFor, waitForCodes } from './helpers';

describe('PySpark Architect in VS Code', () => {
  after(closeAllWithoutSaving);

  describe('activation', () => {
    it('is installed and not active before a Python file is opened', () => {
      const ext = extension();
      const pythonOpen = vscode.workspace.textDocuments.some((d) => d.languageId === 'python');
      if (!pythonOpen) assert.equal(ext.isActive, false, 'activated without a Python file: activation must be onLanguage:python only');
      // Python files, plus restoring an open preview panel after a reload: nothing eager.
      const events = ext.packageJSON.activationEvents as string[];
      assert.ok(events.includes('onLanguage:python'), `activationEvents: ${JSON.stringify(events)}`);
      for (const e of events) {
        assert.ok(e === 'onLanguage:python' || e === `onWebviewPanel:${PREVIEW_VIEW_TYPE}`, `unexpected activation event ${e}`);
      }
    });

    it('activates when a Python file opens and registers its commands', async () => {
      const editor = await openSample('kappa_architecture.py');
      assert.equal(editor.document.languageId, 'python');
      const ext = extension();
      await waitFor('the extension to activate', () => ext.isActive);
      const commands = await vscode.commands.getCommands(true);
      for (const id of ['pysparkArchitect.restartServer', 'pysparkArchitect.showOutput']) {
        assert.ok(commands.includes(id), `command ${id} is not registered`);
      }
    });
  });

  describe('diagnostics', () => {
    it('reports PSA201 and PSA204 on the kappa sample, with source and a docs link', async () => {
      const editor = await openSample('kappa_architecture.py');
      const found = await waitForCodes(editor.document.uri, ['PSA201', 'PSA204']);
      for (const d of found) {
        assert.equal(d.source, SOURCE);
        assert.match(codeOf(d) ?? '', /^PSA\d{3}$/);
        assert.ok(d.message.length > 20, `message too short: ${d.message}`);
        assert.ok(d.range.start.line < editor.document.lineCount);
      }
      const psa204 = found.find((d) => codeOf(d) === 'PSA204')!;
      assert.match(editor.document.getText(psa204.range), /tmp/, 'PSA204 should point at the /tmp checkpoint path');
    });

    it('reports PSA301 on coalesce(1) in the medallion sample', async () => {
      const editor = await openSample('medallion_architecture.py');
      const [d] = (await waitForCodes(editor.document.uri, ['PSA301'])).filter((x) => codeOf(x) === 'PSA301');
      const line = editor.document.lineAt(d.range.start.line).text;
      assert.match(line, /coalesce\(1\)/);
    });
  });

  describe('quick fix', () => {
    it('"Remove coalesce(1)" from vscode.executeCodeActionProvider edits the document and the finding goes away', async () => {
      const editor = await openSample('medallion_architecture.py');
      const doc = editor.document;
      try {
        const diag = (await waitForCodes(doc.uri, ['PSA301'])).find((d) => codeOf(d) === 'PSA301')!;
        const actions = await vscode.commands.executeCommand<(vscode.CodeAction | vscode.Command)[]>(
          'vscode.executeCodeActionProvider',
          doc.uri,
          diag.range,
          vscode.CodeActionKind.QuickFix.value,
        );
        const titles = (actions ?? []).map((a) => a.title);
        const fix = (actions ?? []).find((a): a is vscode.CodeAction => a.title.startsWith('Remove coalesce(1) (unsafe: ') && 'edit' in a);
        assert.ok(fix, `no "Remove coalesce(1)" quick fix; offered: ${JSON.stringify(titles)}`);
        assert.ok(fix.edit, 'the quick fix carries no workspace edit');
        const version = doc.version;
        assert.ok(await vscode.workspace.applyEdit(fix.edit), 'workspace.applyEdit refused the edit');
        if (fix.command) await vscode.commands.executeCommand(fix.command.command, ...(fix.command.arguments ?? []));
        assert.ok(doc.version > version, 'the document did not change');
        assert.doesNotMatch(doc.getText(), /\.coalesce\(1\)/);
        await waitFor(
          () => `PSA301 to disappear (now: ${codes(doc.uri).join(', ')})`,
          () => !findings(doc.uri).some((d) => codeOf(d) === 'PSA301'),
        );
      } finally {
        await closeAllWithoutSaving();
      }
    });
  });

  describe('architecture preview', () => {
    it('pysparkArchitect.showPreview opens a webview panel', async () => {
      await openSample('medallion_architecture.py');
      const commands = await vscode.commands.getCommands(true);
      assert.ok(commands.includes('pysparkArchitect.showPreview'), 'command pysparkArchitect.showPreview is not registered');
      await vscode.commands.executeCommand('pysparkArchitect.showPreview');
      const tab = await waitFor('a preview tab', () =>
        vscode.window.tabGroups.all
          .flatMap((g) => g.tabs)
          .find((t) => t.input instanceof vscode.TabInputWebview && t.input.viewType.endsWith(PREVIEW_VIEW_TYPE)),
      );
      assert.ok(tab.label.length > 0);
      await closeAllWithoutSaving();
    });
  });
});
