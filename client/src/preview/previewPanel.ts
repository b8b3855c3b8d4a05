import { randomBytes } from 'node:crypto';
import * as vscode from 'vscode';
import type { LanguageClient } from 'vscode-languageclient/node';
import {
  PipelineGraphRequest,
  type GraphRange,
  type HostToWebview,
  type PipelineGraph,
  type PipelineGraphParams,
  type WebviewToHost,
} from '../../../shared/protocol';
import { previewHtml } from '../../../webview/src/html';
import { isRevealMessage } from './messages';
import { saveExport } from './exportSave';
import { exportFileName, scopeName } from './names';

export const VIEW_TYPE = 'pysparkArchitect.preview';

const UPDATE_DELAY_MS = 300;

/**
 * What a document's preview shows: a notebook cell stands for its whole notebook (the server
 * analyses the cells as one program), anything else for itself.
 */
function scopeOf(doc: vscode.TextDocument): string {
  if (doc.uri.scheme !== 'vscode-notebook-cell') return doc.uri.toString();
  const cell = doc.uri.toString();
  const notebook = vscode.workspace.notebookDocuments.find((nb) => nb.getCells().some((c) => c.document.uri.toString() === cell));
  return (notebook?.uri ?? doc.uri).toString();
}

interface PanelState {
  /** The document shown, or undefined for the workspace-wide preview. */
  uri?: string;
}

/**
 * The architecture preview: one panel, beside the editor, following the active Python editor
 * (or showing the whole workspace), refreshed a moment after the user stops typing.
 */
export class PreviewPanel {
  private static current: PreviewPanel | undefined;
  private readonly disposables: vscode.Disposable[] = [];
  private timer: NodeJS.Timeout | undefined;
  private ready = false;
  private pending: HostToWebview | undefined;

  static createOrShow(context: vscode.ExtensionContext, client: () => LanguageClient | undefined, workspace: boolean): PreviewPanel {
    const editor = vscode.window.activeTextEditor;
    // A notebook with no cell being edited is still the notebook the user looks at.
    const notebook = vscode.window.activeNotebookEditor?.notebook.uri.toString();
    const uri = workspace ? undefined : editor?.document.languageId === 'python' ? scopeOf(editor.document) : (notebook ?? PreviewPanel.current?.state.uri);
    if (PreviewPanel.current) {
      PreviewPanel.current.state = { uri };
      PreviewPanel.current.panel.reveal(vscode.ViewColumn.Beside, true);
      PreviewPanel.current.update();
      return PreviewPanel.current;
    }
    const panel = vscode.window.createWebviewPanel(
      VIEW_TYPE,
      'Architecture Preview',
      { viewColumn: vscode.ViewColumn.Beside, preserveFocus: true },
      PreviewPanel.options(context),
    );
    PreviewPanel.current = new PreviewPanel(panel, context, client, { uri });
    return PreviewPanel.current;
  }

  /** After a window reload: VS Code hands back the panel and the state the page saved. */
  static revive(
    panel: vscode.WebviewPanel,
    context: vscode.ExtensionContext,
    client: () => LanguageClient | undefined,
    state: { scope?: string | null } | undefined,
  ): void {
    panel.webview.options = PreviewPanel.options(context);
    PreviewPanel.current?.dispose();
    PreviewPanel.current = new PreviewPanel(panel, context, client, { uri: state?.scope ?? undefined });
  }

  static get active(): PreviewPanel | undefined {
    return PreviewPanel.current;
  }

  private static options(context: vscode.ExtensionContext): vscode.WebviewOptions & vscode.WebviewPanelOptions {
    return { enableScripts: true, localResourceRoots: [vscode.Uri.joinPath(context.extensionUri, 'dist')], retainContextWhenHidden: false };
  }

  private constructor(
    readonly panel: vscode.WebviewPanel,
    private readonly context: vscode.ExtensionContext,
    private readonly client: () => LanguageClient | undefined,
    private state: PanelState,
  ) {
    panel.iconPath = vscode.Uri.joinPath(context.extensionUri, 'media', 'icon.png');
    panel.webview.html = this.html();
    this.disposables.push(
      panel.onDidDispose(() => this.dispose()),
      panel.webview.onDidReceiveMessage((m: WebviewToHost) => this.onMessage(m)),
      vscode.window.onDidChangeActiveTextEditor((e) => {
        if (this.state.uri !== undefined && e?.document.languageId === 'python' && scopeOf(e.document) !== this.state.uri) {
          this.state = { uri: scopeOf(e.document) };
          this.update();
        }
      }),
      vscode.workspace.onDidChangeTextDocument((e) => {
        if (e.document.languageId === 'python' && (this.state.uri === undefined || scopeOf(e.document) === this.state.uri)) this.schedule();
      }),
      vscode.workspace.onDidSaveTextDocument((d) => {
        if (d.languageId === 'python' && this.state.uri === undefined) this.schedule();
      }),
    );
  }

  private html(): string {
    const webview = this.panel.webview;
    const dist = vscode.Uri.joinPath(this.context.extensionUri, 'dist');
    return previewHtml({
      cspSource: webview.cspSource,
      nonce: randomBytes(16).toString('base64'),
      scriptUri: webview.asWebviewUri(vscode.Uri.joinPath(dist, 'webview.js')).toString(),
      styleUri: webview.asWebviewUri(vscode.Uri.joinPath(dist, 'preview.css')).toString(),
      title: 'Architecture Preview',
    });
  }

  private schedule(): void {
    clearTimeout(this.timer);
    this.timer = setTimeout(() => this.update(), UPDATE_DELAY_MS);
  }

  async update(): Promise<void> {
    const client = this.client();
    if (!client) return;
    const params: PipelineGraphParams = this.state.uri ? { uris: [this.state.uri] } : {};
    let graph: PipelineGraph;
    try {
      graph = await client.sendRequest(PipelineGraphRequest, params);
    } catch (e) {
      client.outputChannel.appendLine(`architecture preview: ${(e as Error).message}`);
      return;
    }
    // A notebook is titled with its file name (the scope is the notebook's URI, never a cell's).
    const name = scopeName(this.state.uri);
    this.panel.title = `Architecture: ${name}`;
    this.post({
      type: 'graph',
      graph,
      title: `${name} — ${graph.architecture === 'unknown' ? 'no architecture recognised' : graph.architecture}`,
      scope: this.state.uri,
    });
  }

  private post(message: HostToWebview): void {
    if (!this.ready) {
      this.pending = message;
      return;
    }
    void this.panel.webview.postMessage(message);
  }

  private async onMessage(message: WebviewToHost): Promise<void> {
    if (!message || typeof message !== 'object') return;
    switch (message.type) {
      case 'ready':
        this.ready = true;
        if (this.pending) void this.panel.webview.postMessage(this.pending);
        this.pending = undefined;
        await this.update();
        return;
      case 'reveal':
        if (isRevealMessage(message)) await this.reveal(message.uri, message.range);
        return;
      case 'exported':
        await this.saveExport(message.format, message.data);
        return;
    }
  }

  /** Only ranges in Python files of this workspace (or already open) are revealed: the page is not trusted. */
  private async reveal(uriText: string, range: GraphRange): Promise<void> {
    const uri = vscode.Uri.parse(uriText, true);
    const open = vscode.workspace.textDocuments.some((d) => d.uri.toString() === uri.toString());
    if (!open && !vscode.workspace.getWorkspaceFolder(uri)) return;
    if (!uri.path.endsWith('.py')) return;
    const doc = await vscode.workspace.openTextDocument(uri);
    const r = doc.validateRange(new vscode.Range(range.start.line, range.start.character, range.end.line, range.end.character));
    const editor = await vscode.window.showTextDocument(doc, { viewColumn: vscode.ViewColumn.One, selection: r, preserveFocus: false });
    editor.revealRange(r, vscode.TextEditorRevealType.InCenterIfOutsideViewport);
  }

  private async saveExport(format: 'svg' | 'png', data: string): Promise<void> {
    await saveExport(
      {
        showSaveDialog: (options) => vscode.window.showSaveDialog(options),
        writeFile: (target, bytes) => vscode.workspace.fs.writeFile(target, bytes),
        showInformationMessage: (message) => vscode.window.showInformationMessage(message),
        showErrorMessage: (message) => vscode.window.showErrorMessage(message),
        asRelativePath: (target) => vscode.workspace.asRelativePath(target),
      },
      format,
      data,
      format === 'svg' || format === 'png' ? this.exportTarget(format) : undefined,
    );
  }

  /** `<file>-architecture.svg` beside the file shown (a notebook: its file), else in the workspace root. */
  private exportTarget(format: 'svg' | 'png'): vscode.Uri | undefined {
    const name = exportFileName(this.state.uri, format);
    if (this.state.uri) {
      const uri = vscode.Uri.parse(this.state.uri, true);
      if (uri.scheme === 'file') return vscode.Uri.joinPath(uri, '..', name);
    }
    const root = vscode.workspace.workspaceFolders?.[0]?.uri;
    return root ? vscode.Uri.joinPath(root, name) : undefined;
  }

  dispose(): void {
    clearTimeout(this.timer);
    if (PreviewPanel.current === this) PreviewPanel.current = undefined;
    this.panel.dispose();
    for (const d of this.disposables.splice(0)) d.dispose();
  }
}
