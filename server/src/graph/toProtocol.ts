import type { GraphEdge, GraphFinding, GraphNode, PipelineGraph } from '../../../shared/protocol';
import type { Finding } from '../findings';
import type { LineIndex } from '../lineIndex';
import { datasetId } from './layers';
import { inferPipelineLayers } from './pipelines';
import type { DatasetOccurrence, RawGraph, Site } from './pipelineGraph';

export interface FileContext {
  lines: LineIndex;
  findings: Finding[];
}

function range(site: Site, files: Map<string, FileContext>): GraphNode['range'] {
  const lines = files.get(site.uri)?.lines;
  if (!lines) return { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } };
  return { start: lines.positionAt(site.start), end: lines.positionAt(site.end) };
}

function toGraphFinding(f: Finding): GraphFinding {
  return { code: f.code, message: f.message, severity: f.severity };
}

/** The protocol shape the panel, the CLI and the LSP request share; findings attached to the nodes they concern. */
export function toPipelineGraph(raw: RawGraph, files: Map<string, FileContext>): PipelineGraph {
  const layering = inferPipelineLayers(raw);
  const nodes: GraphNode[] = [];
  const edges: GraphEdge[] = [];
  const edgeKeys = new Set<string>();
  const addEdge = (from: string, to: string) => {
    const k = `${from}->${to}`;
    if (edgeKeys.has(k)) return;
    edgeKeys.add(k);
    edges.push({ from, to });
  };
  const claimed = new Set<Finding>();
  const findingsIn = (uri: string, start: number, end: number): GraphFinding[] => {
    const out: GraphFinding[] = [];
    for (const f of files.get(uri)?.findings ?? []) {
      if (claimed.has(f) || f.start < start || f.start > end) continue;
      claimed.add(f);
      out.push(toGraphFinding(f));
    }
    return out;
  };
  for (const d of raw.datasets.values()) {
    const main: DatasetOccurrence = d.writes[0] ?? d.reads[0];
    const occurrences = [...d.writes, ...d.reads];
    const write = d.writes[0];
    const columns = write?.columns ?? d.reads[0]?.columns;
    nodes.push({
      id: datasetId(d),
      kind: 'dataset',
      label: d.ref.label,
      layer: layering.layerOf.get(datasetId(d)) ?? null,
      location: d.ref.location,
      format: d.ref.format ?? write?.format,
      streaming: occurrences.some((o) => o.streaming),
      role: d.writes.length === 0 ? 'source' : d.reads.length === 0 ? 'sink' : 'intermediate',
      mode: write?.mode,
      columns,
      filename: main.file,
      uri: main.uri,
      range: range(main, files),
      findings: occurrences.flatMap((o) => findingsIn(o.uri, o.statementStart, o.statementEnd)),
      pipeline: layering.pipelineOf.get(datasetId(d)),
    });
    for (const r of d.reads) addEdge(datasetId(d), r.stepId);
    for (const w of d.writes) addEdge(w.stepId, datasetId(d));
  }
  for (const s of raw.steps.values()) {
    nodes.push({
      id: s.id,
      kind: 'step',
      label: s.label,
      layer: layering.layerOf.get(s.id) ?? null,
      streaming: s.streaming,
      filename: s.file,
      uri: s.uri,
      range: range(s, files),
      findings: findingsIn(s.uri, s.spanStart, s.spanEnd),
      pipeline: layering.pipelineOf.get(s.id),
    });
  }
  const layers = [...layering.layers];
  const pipelines = layering.pipelines.map(({ id, name, architecture, layers: l }) => ({ id, name, architecture, layers: l }));
  const graph: PipelineGraph = { architecture: layering.architecture, layers, nodes, edges };
  if (pipelines.length) graph.pipelines = pipelines;
  return graph;
}
