import * as path from 'node:path';
import * as vscode from 'vscode';
import { LanguageClient, TransportKind, type LanguageClientOptions, type ServerOptions } from 'vscode-languageclient/node';
import { SERVER_NAME } from '../../shared/protocol';
import { VERSION } from '../../shared/version';
import { SECTION } from '../../shared/settings';
import { serverEnvAdditions } from '../../shared/serverProcess';
import { GETTING_STARTED_SAMPLE } from './gettingStartedSample';
import { PreviewPanel, VIEW_TYPE } from './preview/previewPanel';
import { registerRuleLinkHandler, ruleLinkMiddleware } from './ruleLinks';
import { snippetFixMiddleware } from './snippetFixes';
import { StatusItem, type StatusSnapshot } from './statusItem';

let client: LanguageClient | undefined;

/**
 * What `activate` returns: read-only views of the client-side state, for the extension-host tests
 * (and any extension that wants to know whether our server runs). Nothing here changes behaviour.
 */
export interface PysparkArchitectApi {
  /** The language status item as the user sees it. */
  languageStatus(): StatusSnapshot;
  /** How many times the language server reached the running state (a restart adds one). */
  serverStarts(): number;
}

export async function activate(context: vscode.ExtensionContext): Promise<PysparkArchitectApi> {
  const serverModule = context.asAbsolutePath(path.join('dist', 'server.js'));
  // The server's process settings (malloc tunables) come from shared/serverProcess.ts, as the benches' do.
  const env = serverEnvAdditions(process.env);
  const serverOptions: ServerOptions = {
    run: { module: serverModule, transport: TransportKind.ipc, options: { env } },
    debug: { module: serverModule, transport: TransportKind.ipc, options: { execArgv: ['--nolazy', '--inspect=6011'], env } },
  };
  const outputChannel = vscode.window.createOutputChannel(SERVER_NAME);
  outputChannel.appendLine(
    `PySpark Architect ${VERSION} in ${vscode.env.appName} ${vscode.version}; the server logs its settings and errors below (each analysis too, when pysparkArchitect.trace.server is not off).`,
  );
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
    // An untrusted workspace's pyproject.toml may only narrow the analysis (see server/src/project/pyproject.ts).
    initializationOptions: { trusted: vscode.workspace.isTrusted, fileStatus: true },
    outputChannel,
    // Disjoint hooks: rule links rewrite diagnostics, snippet fixes rewrite code actions.
    middleware: { ...ruleLinkMiddleware(context), ...snippetFixMiddleware },
  };
  client = new LanguageClient('pysparkArchitect', SERVER_NAME, serverOptions, clientOptions);
  const status = new StatusItem();
  status.attach(client);
  context.subscriptions.push(
    status,
    registerRuleLinkHandler(context),
    vscode.commands.registerCommand('pysparkArchitect.restartServer', () => restart(outputChannel)),
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
  return {
    languageStatus: () => status.snapshot(),
    serverStarts: () => status.starts,
  };
}

/** Restarts the server, also after it stopped for good (crashed too often): the client is then started again. */
async function restart(output: vscode.OutputChannel): Promise<void> {
  if (!client) return;
  output.appendLine(`[${new Date().toLocaleTimeString()}] restarting the language server`);
  try {
    if (client.isRunning()) await client.restart();
    else await client.start();
  } catch (e) {
    output.appendLine(`restart failed: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}`);
    void vscode.window.showErrorMessage('PySpark Architect: the language server did not restart. See the output.', 'Show Output').then((choice) => {
      if (choice) output.show(true);
    });
  }
}

export async function deactivate(): Promise<void> {
  await client?.stop();
  client = undefined;
}
