import * as path from 'node:path';
import * as vscode from 'vscode';
import { LanguageClient, TransportKind, type LanguageClientOptions, type ServerOptions } from 'vscode-languageclient/node';
import { SERVER_NAME } from '../../shared/protocol';
import { SECTION } from '../../shared/settings';
import { GETTING_STARTED_SAMPLE } from './gettingStartedSample';
import { PreviewPanel, VIEW_TYPE } from './preview/previewPanel';
import { snippetFixMiddleware } from './snippetFixes';

let client: LanguageClient | undefined;

export async function activate(context: vscode.ExtensionContext): Promise<void> {
  const serverModule = context.asAbsolutePath(path.join('dist', 'server.js'));
  const serverOptions: ServerOptions = {
    run: { module: serverModule, transport: TransportKind.ipc },
    debug: { module: serverModule, transport: TransportKind.ipc, options: { execArgv: ['--nolazy', '--inspect=6011'] } },
  };
  const outputChannel = vscode.window.createOutputChannel(SERVER_NAME);
  const clientOptions: LanguageClientOptions = {
    documentSelector: [
      { scheme: 'file', language: 'python' },
      { scheme: 'untitled', language: 'python' },
      { scheme: 'vscode-notebook-cell', language: 'python' },
      // Cells of any notebook type; the server syncs them as notebooks (LSP 3.17 notebookDocumentSync).
      { notebook: '*', language: 'python' },
    ],
    // pyproject.toml carries project settings; Python files on disk feed the cross-file architecture rules.
    synchronize: {
      configurationSection: SECTION,
      fileEvents: [vscode.workspace.createFileSystemWatcher('**/pyproject.toml'), vscode.workspace.createFileSystemWatcher('**/*.py')],
    },
    // An untrusted workspace's pyproject.toml may only narrow the analysis (see server/src/config/pyproject.ts).
    initializationOptions: { trusted: vscode.workspace.isTrusted },
    outputChannel,
    middleware: snippetFixMiddleware,
  };
  client = new LanguageClient('pysparkArchitect', SERVER_NAME, serverOptions, clientOptions);
  context.subscriptions.push(
    vscode.commands.registerCommand('pysparkArchitect.restartServer', async () => {
      await client?.restart();
    }),
    vscode.commands.registerCommand('pysparkArchitect.showOutput', () => outputChannel.show(true)),
    vscode.workspace.onDidGrantWorkspaceTrust(() => client?.restart()),
    vscode.commands.registerCommand('pysparkArchitect.openSample', async () => {
      const doc = await vscode.workspace.openTextDocument({ language: 'python', content: GETTING_STARTED_SAMPLE });
      await vscode.window.showTextDocument(doc);
    }),
    vscode.commands.registerCommand('pysparkArchitect.showPreview', () => PreviewPanel.createOrShow(context, () => client, false)),
    vscode.commands.registerCommand('pysparkArchitect.showWorkspacePreview', () => PreviewPanel.createOrShow(context, () => client, true)),
    vscode.window.registerWebviewPanelSerializer(VIEW_TYPE, {
      async deserializeWebviewPanel(panel: vscode.WebviewPanel, state: unknown) {
        PreviewPanel.revive(panel, context, () => client, state as { scope?: string | null } | undefined);
      },
    }),
  );
  await client.start();
}

export async function deactivate(): Promise<void> {
  await client?.stop();
  client = undefined;
}
