import type { Connection, InitializeParams } from 'vscode-languageserver';
import type { PythonParser } from '../parsing/pythonParser';
import type { AnalysisCache } from './analysisCache';
import type { DocumentStore } from './documentStore';
import type { NotebookSync } from './notebooks';
import type { ServerSettings } from './settings';
import type { WorkspaceGraph } from './workspaceGraph';

/** What the client said it supports, read once at initialize. */
export class ClientSupport {
  pullDiagnostics = false;
  diagnosticRefresh = false;
  configurationRequests = false;
  workspaceFolderEvents = false;
  relatedInformation = false;
  snippetEdits = false;

  read(params: InitializeParams): void {
    const caps = params.capabilities;
    this.pullDiagnostics = !!caps.textDocument?.diagnostic;
    this.diagnosticRefresh = !!caps.workspace?.diagnostics?.refreshSupport;
    this.configurationRequests = !!caps.workspace?.configuration;
    this.workspaceFolderEvents = !!caps.workspace?.workspaceFolders;
    this.relatedInformation = !!caps.textDocument?.publishDiagnostics?.relatedInformation || this.pullDiagnostics;
    // LSP 3.18; vscode-languageserver 9 types stop at 3.17.
    this.snippetEdits = (caps.workspace?.workspaceEdit as { snippetEditSupport?: boolean } | undefined)?.snippetEditSupport === true;
  }
}

/** The server's parts, as the feature modules (features/) see them. */
export interface ServerContext {
  readonly connection: Connection;
  readonly parser: PythonParser;
  readonly client: ClientSupport;
  readonly documents: DocumentStore;
  readonly notebooks: NotebookSync;
  readonly settings: ServerSettings;
  readonly analyses: AnalysisCache;
  readonly graph: WorkspaceGraph;
  /** Logs a failed request and answers it with `fallback`: one bad notebook must not break the editor. */
  failed<T>(what: string, e: unknown, fallback: T): T;
}
