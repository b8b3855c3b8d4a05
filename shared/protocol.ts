import { NotificationType, RequestType } from 'vscode-languageserver-protocol';

/**
 * Custom LSP messages and the types the server, the client and the webview share. Each custom
 * message is declared once here as a typed `RequestType` / `NotificationType`: the server
 * registers its handler and the client sends or listens with the same object, so the method name
 * and the shapes cannot drift apart.
 */
export const SERVER_NAME = 'PySpark Architect';
export const DIAGNOSTIC_SOURCE = 'pyspark-architect';

export interface FileStatus {
  uri: string;
  version: number;
  /** Why the document was not analysed; absent when it was. */
  skipped?: string;
  /** Diagnostics found (before any are held back while typing). */
  findings: number;
  ms: number;
}

export type Architecture = 'medallion' | 'lambda' | 'kappa' | 'unknown';

export interface GraphRange {
  start: { line: number; character: number };
  end: { line: number; character: number };
}

export interface GraphFinding {
  code: string;
  message: string;
  severity: 'error' | 'warning' | 'information' | 'hint';
}

export interface GraphNode {
  id: string;
  kind: 'dataset' | 'step';
  label: string;
  /** Lane name from `PipelineGraph.layers`, or null when nothing says the layer. */
  layer: string | null;
  /** Dataset: resolved path, table name or Kafka topic. */
  location?: string;
  format?: string;
  streaming: boolean;
  /** Dataset role: read only (source), written only (sink), or both. */
  role?: 'source' | 'sink' | 'intermediate';
  mode?: string;
  columns?: string[];
  filename: string;
  /** The file's URI, for reveal. */
  uri: string;
  range: GraphRange;
  findings: GraphFinding[];
  /** Id of the connected pipeline (`PipelineGraph.pipelines`) the node belongs to. */
  pipeline?: string;
}

export interface GraphEdge {
  from: string;
  to: string;
}

/** One connected pipeline of the graph, with the architecture inferred for it alone. */
export interface GraphPipeline {
  id: string;
  name: string;
  architecture: Architecture;
  layers: string[];
}

export interface PipelineGraph {
  /** The largest recognised pipeline's architecture; each pipeline has its own in `pipelines`. */
  architecture: Architecture;
  /** Lane names in order: bronze/silver/gold, or batch/speed/serving. */
  layers: string[];
  nodes: GraphNode[];
  edges: GraphEdge[];
  /** Connected pipelines, largest first (absent from older servers). */
  pipelines?: GraphPipeline[];
}

export interface PipelineGraphParams {
  /** Documents to include; empty or absent: the whole workspace the server knows. */
  uris?: string[];
}

/**
 * `pysparkArchitect/fileStatus` (server to client, only to clients that ask with
 * `initializationOptions.fileStatus`): after each analysis of an open document, whether it was
 * analysed or skipped and why, for the editor's status item.
 */
export const FileStatusNotification = new NotificationType<FileStatus>('pysparkArchitect/fileStatus');

/**
 * `pysparkArchitect/pipelineGraph` (client to server): the inferred pipeline for some documents or
 * (params null or without uris) the workspace.
 */
export const PipelineGraphRequest = new RequestType<PipelineGraphParams | null, PipelineGraph, void>('pysparkArchitect/pipelineGraph');

/** Messages between the preview panel (webview) and the extension. */
export type WebviewToHost = { type: 'ready' } | { type: 'reveal'; uri: string; range: GraphRange } | { type: 'exported'; format: 'svg' | 'png'; data: string };

export type HostToWebview =
  /** `scope`: the document the preview follows (absent: the workspace); saved with the page state for reloads. */
  { type: 'graph'; graph: PipelineGraph; title: string; scope?: string } | { type: 'export'; format: 'svg' | 'png' };
