import {
  DidChangeConfigurationNotification,
  FileChangeType,
  TextDocumentSyncKind,
  type Connection,
  type InitializeParams,
  type InitializeResult,
  type ServerCapabilities,
} from 'vscode-languageserver';
import { DIAGNOSTIC_SOURCE, SERVER_NAME } from '../../../shared/protocol';
import { SECTION } from '../../../shared/settings';
import { VERSION } from '../../../shared/version';
import type { PythonParser } from '../parsing/pythonParser';
import { AnalysisCache } from './analysisCache';
import { ClientSupport, type ServerContext } from './context';
import { DocumentStore } from './documentStore';
import { CODE_ACTION_KINDS, registerCodeActions } from './features/codeActions';
import { COMPLETION_TRIGGER_CHARACTERS, registerCompletion } from './features/completion';
import { DiagnosticsFeature } from './features/diagnostics';
import { registerHover } from './features/hover';
import { registerPipelineGraph } from './features/pipelineGraph';
import { NOTEBOOK_SYNC, NotebookSync } from './notebooks';
import { ServerSettings } from './settings';
import { StatusLog } from './statusLog';
import { SEVERITY } from './toDiagnostic';
import { WorkspaceGraph } from './workspaceGraph';
import type { WrittenOutput } from './writtenOutput';

/**
 * The language server as a library: `initialize` answers the client, `register` wires the
 * connection. The process entry (`main.ts`) is a few lines, so tests can drive this in-process.
 *
 * This class owns the document lifecycle and the parts every feature shares (context.ts); each
 * feature in features/ registers its own handlers.
 */
export class PySparkArchitectServer implements ServerContext {
  readonly client = new ClientSupport();
  readonly documents: DocumentStore;
  readonly settings: ServerSettings;
  readonly analyses: AnalysisCache;
  readonly graph: WorkspaceGraph;
  /** Notebooks synced as notebooks (LSP 3.17): their cells are analysed as one program. */
  readonly notebooks: NotebookSync;
  private readonly status: StatusLog;
  private readonly diagnostics: DiagnosticsFeature;

  constructor(
    readonly connection: Connection,
    readonly parser: PythonParser,
    /** The connection's writer, when it tells when messages are written (stdio, node-ipc): work left for after an answer waits for it. */
    output?: WrittenOutput,
  ) {
    this.documents = new DocumentStore(parser, (uri, text) => text.length > (this.analyses.sizeLimitKb(uri) ?? 2048) * 1024);
    this.status = new StatusLog(connection);
    this.settings = new ServerSettings(connection, this.status);
    this.analyses = new AnalysisCache(connection, parser, this.documents, this.settings, this.status, this.client, () => this.graph);
    this.graph = new WorkspaceGraph(
      parser,
      connection,
      this.documents,
      (uri) => this.settings.settingsFor(uri),
      (uris) => {
        for (const u of uris) this.analyses.delete(u);
        this.diagnostics.refresh(uris);
      },
      output && ((fn) => output.whenWritten(fn)),
    );
    this.notebooks = new NotebookSync(connection, parser, {
      options: async (uri) => {
        const settings = await this.settings.settingsFor(uri);
        return settings.enable ? { ...this.settings.withProjectConfig(uri, settings), workspace: this.graph.knownFiles(), workspaceExclude: uri } : undefined;
      },
      severity: (s) => SEVERITY[s],
      relatedInformation: () => this.client.relatedInformation,
    });
    this.diagnostics = new DiagnosticsFeature(this);
    parser.onRestart(() => this.parserRestarted());
  }

  /** A broken parser was replaced: every tree was dropped with it, so every document is parsed and judged again. */
  private parserRestarted(): void {
    this.connection.console.warn(`tree-sitter failed and was restarted (${this.parser.restarts} time(s) so far); documents are parsed again`);
    for (const uri of this.documents.uris()) this.guard(() => this.documents.reparse(uri), uri);
    this.refreshAll();
  }

  get capabilities(): ServerCapabilities {
    const caps: ServerCapabilities = {
      textDocumentSync: { openClose: true, change: TextDocumentSyncKind.Incremental },
      codeActionProvider: { codeActionKinds: CODE_ACTION_KINDS, resolveProvider: false },
      completionProvider: { triggerCharacters: COMPLETION_TRIGGER_CHARACTERS, resolveProvider: false },
      hoverProvider: true,
      notebookDocumentSync: NOTEBOOK_SYNC,
    };
    if (this.client.pullDiagnostics) caps.diagnosticProvider = { identifier: DIAGNOSTIC_SOURCE, interFileDependencies: true, workspaceDiagnostics: false };
    return caps;
  }

  initialize(params: InitializeParams): InitializeResult {
    this.client.read(params);
    const init = params.initializationOptions as { settings?: unknown; trusted?: boolean; typingPauseMs?: unknown; fileStatus?: boolean } | undefined;
    this.settings.initialize(init?.settings);
    this.settings.configurationRequests = this.client.configurationRequests;
    this.status.fileStatus = init?.fileStatus === true;
    this.diagnostics.initialize(init?.typingPauseMs);
    // An untrusted workspace's pyproject.toml may narrow the analysis, never add regexes to run.
    this.settings.trusted = init?.trusted !== false;
    this.graph.folders = params.workspaceFolders?.map((f) => f.uri) ?? (params.rootUri ? [params.rootUri] : params.rootPath ? [params.rootPath] : []);
    return { capabilities: this.capabilities, serverInfo: { name: SERVER_NAME, version: VERSION } };
  }

  register(): void {
    const c = this.connection;
    this.notebooks.listen();
    c.onInitialized(() => {
      this.status.started(
        `${this.client.pullDiagnostics ? 'pull' : 'push'} diagnostics, ${this.graph.folders.length} workspace folder(s), ${this.settings.trusted ? 'trusted' : 'untrusted'} workspace`,
      );
      if (this.client.workspaceFolderEvents) {
        c.workspace.onDidChangeWorkspaceFolders((e) => {
          const removed = new Set(e.removed.map((f) => f.uri));
          this.graph.folders = [...this.graph.folders.filter((f) => !removed.has(f)), ...e.added.map((f) => f.uri)];
        });
      }
      if (this.client.configurationRequests) void c.client.register(DidChangeConfigurationNotification.type, { section: SECTION }).catch(() => undefined);
      void this.graph.scan();
    });
    c.onDidOpenTextDocument((p) => {
      const { uri, languageId, version, text } = p.textDocument;
      this.guard(() => this.documents.open(uri, languageId, version, text), uri);
      this.diagnostics.opened(uri);
    });
    c.onDidChangeTextDocument((p) => {
      // A graph fragment left for after an answer is built from the model as analysed: before the edit (see `noteGraphChangeLater`).
      this.graph.settle();
      this.diagnostics.changing(p.textDocument.uri);
      this.guard(() => this.documents.change(p.textDocument.uri, p.textDocument.version, p.contentChanges), p.textDocument.uri);
      this.diagnostics.changed(p.textDocument.uri, p.contentChanges);
    });
    c.onDidCloseTextDocument((p) => {
      const uri = p.textDocument.uri;
      this.graph.settle();
      this.diagnostics.closed(uri);
      this.documents.close(uri);
      this.analyses.forget(uri);
      this.settings.forget(uri);
      this.graph.closed(uri);
      this.diagnostics.cleared(uri);
    });
    c.onDidChangeWatchedFiles((p) => {
      const python = p.changes.filter((ch) => ch.uri.endsWith('.py'));
      if (python.length) void this.graph.filesChanged(python.map((ch) => ({ uri: ch.uri, deleted: ch.type === FileChangeType.Deleted })));
      if (!p.changes.some((ch) => ch.uri.endsWith('pyproject.toml'))) return;
      this.settings.projectFilesChanged();
      this.refreshAll();
    });
    c.onDidChangeConfiguration((p) => {
      this.settings.changed((p.settings as Record<string, unknown> | undefined)?.[SECTION]);
      this.refreshAll();
    });
    this.diagnostics.register();
    registerCodeActions(this);
    registerCompletion(this);
    registerHover(this);
    registerPipelineGraph(this);

    c.onShutdown(() => this.dispose());
  }

  dispose(): void {
    this.diagnostics.dispose();
    this.graph.dispose();
    this.documents.dispose();
    this.notebooks.dispose();
  }

  failed<T>(what: string, e: unknown, fallback: T): T {
    this.connection.console.error(`${what} failed: ${(e as Error)?.stack ?? String(e)}`);
    return fallback;
  }

  private guard(fn: () => void, uri: string): void {
    try {
      fn();
    } catch (e) {
      this.connection.console.error(`${uri}: ${(e as Error).stack ?? String(e)}`);
    }
  }

  /** Settings or a pyproject.toml changed, or the parser restarted: every open document is judged again. */
  private refreshAll(): void {
    this.analyses.clear();
    this.diagnostics.refresh(this.documents.uris());
  }
}
