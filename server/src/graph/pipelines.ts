/**
 * A workspace often holds several pipelines with different architectures (a medallion ETL next to
 * a lambda job). Each connected pipeline gets its own architecture, so medallion steps never land
 * in a lambda lane because some unrelated job is lambda.
 */
import type { Architecture } from '../../../shared/protocol';
import { datasetId, inferLayers, lambdaRoleOf, type Layering } from './layers';
import type { RawGraph } from './pipelineGraph';

export interface PipelineLayering {
  id: string;
  /** What the user knows the pipeline by: its file, or its first file and how many more. */
  name: string;
  architecture: Architecture;
  layers: string[];
  /** Node ids (datasets `ds:<key>`, steps by id). */
  members: string[];
}

export interface WorkspaceLayering {
  /** The architecture of the largest recognised pipeline (unknown when none is recognised). */
  architecture: Architecture;
  /** Every pipeline's layers, the main architecture's first, without repeats. */
  layers: string[];
  layerOf: Map<string, string>;
  pipelineOf: Map<string, string>;
  /** Each node's own pipeline's architecture: what the preview draws and the architecture rules judge. */
  architectureOf: Map<string, Architecture>;
  pipelines: PipelineLayering[];
}

/** Connected components of steps and datasets joined by reads and writes. */
export function connectedPipelines(raw: RawGraph): RawGraph[] {
  const parent = new Map<string, string>();
  const find = (x: string): string => {
    let r = x;
    while (parent.get(r) !== r) r = parent.get(r)!;
    // Path compression keeps 300-dataset workspaces linear in practice.
    let n = x;
    while (n !== r) {
      const next = parent.get(n)!;
      parent.set(n, r);
      n = next;
    }
    return r;
  };
  const union = (a: string, b: string) => {
    const ra = find(a);
    const rb = find(b);
    if (ra !== rb) parent.set(ra, rb);
  };
  for (const key of raw.datasets.keys()) parent.set(`ds:${key}`, `ds:${key}`);
  for (const s of raw.steps.values()) {
    parent.set(s.id, s.id);
    for (const k of [...s.reads, ...s.writes]) {
      if (!parent.has(`ds:${k}`)) parent.set(`ds:${k}`, `ds:${k}`);
      union(s.id, `ds:${k}`);
    }
  }
  const parts = new Map<string, RawGraph>();
  const partOf = (id: string): RawGraph => {
    const root = find(id);
    let p = parts.get(root);
    if (!p) parts.set(root, (p = { datasets: new Map(), steps: new Map() }));
    return p;
  };
  for (const [key, d] of raw.datasets) partOf(`ds:${key}`).datasets.set(key, d);
  for (const [id, s] of raw.steps) partOf(id).steps.set(id, s);
  return [...parts.values()];
}

function baseName(file: string): string {
  return file.split(/[\\/]/).pop() ?? file;
}

function pipelineName(part: RawGraph): string {
  const files = [...new Set([...part.steps.values()].map((s) => baseName(s.file)))].sort();
  if (files.length === 0) {
    const d = [...part.datasets.values()][0];
    return d ? baseName(d.reads[0]?.file ?? d.writes[0]?.file ?? d.ref.label) : 'pipeline';
  }
  return files.length === 1 ? files[0] : `${files[0]} + ${files.length - 1} more`;
}

/** Functions named for a lambda's batch or speed layer (`batch_layer`, `speed_view`). */
function namesLambdaLayer(part: RawGraph, role?: 'batch' | 'speed'): boolean {
  return [...part.steps.values()].some((s) => {
    const r = lambdaRoleOf(s.functionName);
    return role ? r === role : r === 'batch' || r === 'speed';
  });
}

/**
 * A lambda's batch and speed layers share no dataset until a serving step reads both, so without
 * one they are separate components. When the workspace names both layers, the components named
 * for either are layered together: `batch_layer` writing `serving/daily` alone is no medallion.
 */
function lambdaByName(raw: RawGraph, parts: RawGraph[]): (part: RawGraph) => Layering | undefined {
  if (!namesLambdaLayer(raw, 'batch') || !namesLambdaLayer(raw, 'speed')) return () => undefined;
  let joint: Layering | undefined;
  return (part) => {
    if (!namesLambdaLayer(part)) return undefined;
    if (!joint) {
      const all: RawGraph = { datasets: new Map(), steps: new Map() };
      for (const p of parts.filter((x) => namesLambdaLayer(x))) {
        for (const [k, d] of p.datasets) all.datasets.set(k, d);
        for (const [k, s] of p.steps) all.steps.set(k, s);
      }
      joint = inferLayers(all);
    }
    return joint.architecture === 'lambda' ? joint : undefined;
  };
}

/**
 * Layers per connected pipeline, largest pipeline first: the one inference the preview draws and
 * the architecture rules (PSA601, PSA602) judge by.
 */
export function inferPipelineLayers(raw: RawGraph): WorkspaceLayering {
  const parts = connectedPipelines(raw).sort((a, b) => b.datasets.size + b.steps.size - (a.datasets.size + a.steps.size));
  const asLambda = lambdaByName(raw, parts);
  const layerOf = new Map<string, string>();
  const pipelineOf = new Map<string, string>();
  const architectureOf = new Map<string, Architecture>();
  const pipelines: PipelineLayering[] = [];
  parts.forEach((part, i) => {
    const own = inferLayers(part);
    const layering = own.architecture === 'lambda' ? own : (asLambda(part) ?? own);
    const id = `pipeline:${i}`;
    const members = [...[...part.datasets.values()].map(datasetId), ...part.steps.keys()];
    for (const m of members) {
      pipelineOf.set(m, id);
      architectureOf.set(m, layering.architecture);
      const layer = layering.layerOf.get(m);
      if (layer) layerOf.set(m, layer);
    }
    pipelines.push({ id, name: pipelineName(part), architecture: layering.architecture, layers: layering.layers, members });
  });
  const recognised = pipelines.filter((p) => p.architecture !== 'unknown');
  const layers: string[] = [];
  for (const p of recognised) for (const l of p.layers) if (!layers.includes(l)) layers.push(l);
  return { architecture: recognised[0]?.architecture ?? 'unknown', layers, layerOf, pipelineOf, architectureOf, pipelines };
}
