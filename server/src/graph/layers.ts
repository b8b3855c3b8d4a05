import type { Architecture } from '../../../shared/protocol';
import type { DatasetNode, RawGraph, StepNode } from './pipelineGraph';
import { nameWords } from '../spark/nameWords';

export const MEDALLION_LAYERS = ['bronze', 'silver', 'gold'];
export const LAMBDA_LAYERS = ['batch', 'speed', 'serving'];
export const KAPPA_LAYERS = ['source', 'stream', 'lake', 'serving'];

const MEDALLION_TOKENS: Record<string, string[]> = {
  bronze: ['bronze', 'raw', 'landing', 'ingest', 'ingestion', 'ingested'],
  silver: ['silver', 'clean', 'cleaned', 'cleansed', 'cleanse', 'refined', 'conformed', 'enriched', 'standardized', 'standardised', 'validated'],
  gold: [
    'gold',
    'curated',
    'mart',
    'marts',
    'datamart',
    'agg',
    'aggs',
    'aggregate',
    'aggregates',
    'aggregated',
    'serving',
    'report',
    'reports',
    'reporting',
    'presentation',
    'kpi',
    'kpis',
  ],
};

function tokens(text: string): string[] {
  return nameWords(text);
}

/** The medallion layer a name says, if exactly one: `s3://lake/silver/orders` -> silver. */
export function medallionLayerOf(text: string | undefined): string | undefined {
  if (!text) return undefined;
  const t = new Set(tokens(text));
  const hits = MEDALLION_LAYERS.filter((layer) => MEDALLION_TOKENS[layer].some((w) => t.has(w)));
  // `bronze_to_silver` names two layers: the target is the later one.
  return hits[hits.length - 1];
}

/** True when the name says the layer by its own word (`bronze`, not `raw`): a medallion vocabulary. */
export function namesMedallionWord(text: string | undefined, layer: string): boolean {
  return !!text && tokens(text).includes(layer);
}

export function lambdaRoleOf(name: string | undefined): string | undefined {
  if (!name) return undefined;
  const t = new Set(tokens(name));
  if (t.has('serving') || t.has('serve')) return 'serving';
  if (t.has('speed') || t.has('realtime') || (t.has('real') && t.has('time'))) return 'speed';
  if (t.has('batch')) return 'batch';
  return undefined;
}

export interface Layering {
  architecture: Architecture;
  layers: string[];
  /** Layer per node id (datasets keyed by `ds:<key>`, steps by their id); absent = unlayered. */
  layerOf: Map<string, string>;
}

export const datasetId = (d: DatasetNode): string => `ds:${d.ref.key}`;

function medallion(graph: RawGraph): Layering | undefined {
  const layerOf = new Map<string, string>();
  const seen = new Set<string>();
  for (const d of graph.datasets.values()) {
    const l = medallionLayerOf(d.ref.location);
    if (l) {
      layerOf.set(datasetId(d), l);
      seen.add(l);
    }
  }
  // Function names only count when they name the layer outright: `serving_query` is lambda talk.
  for (const s of graph.steps.values()) {
    const explicit = medallionLayerOf(s.functionName);
    if (explicit && MEDALLION_TOKENS[explicit][0] && tokens(s.functionName!).includes(explicit)) seen.add(explicit);
  }
  for (const s of graph.steps.values()) {
    let l = medallionLayerOf(s.functionName);
    if (!l) {
      // A step belongs to the latest layer it writes.
      const written = [...s.writes].map((k) => layerOf.get(`ds:${k}`)).filter((x): x is string => !!x);
      l = written.sort((a, b) => MEDALLION_LAYERS.indexOf(a) - MEDALLION_LAYERS.indexOf(b)).pop();
    }
    if (l) layerOf.set(s.id, l);
  }
  if (seen.size < 2) return undefined;
  return { architecture: 'medallion', layers: MEDALLION_LAYERS, layerOf };
}

function writersOf(graph: RawGraph, key: string): StepNode[] {
  const d = graph.datasets.get(key);
  if (!d) return [];
  return [...new Set(d.writes.map((w) => w.stepId))].map((id) => graph.steps.get(id)).filter((s): s is StepNode => !!s);
}

function lambda(graph: RawGraph): Layering | undefined {
  const steps = [...graph.steps.values()];
  const role = new Map<string, string>();
  for (const s of steps) {
    const named = lambdaRoleOf(s.functionName);
    if (named) role.set(s.id, named);
  }
  for (const s of steps) {
    if (role.has(s.id)) continue;
    if (s.streaming && s.writes.size) role.set(s.id, 'speed');
  }
  for (const s of steps) {
    if (role.has(s.id)) continue;
    // Combining views produced by both a batch and a speed step is what the serving layer does.
    const producers = new Set([...s.reads].flatMap((k) => writersOf(graph, k)).map((p) => role.get(p.id) ?? (p.streaming ? 'speed' : 'batch')));
    if ((producers.has('speed') && producers.has('batch')) || (s.streaming && s.batch && !s.writes.size)) role.set(s.id, 'serving');
    else if (s.batch && s.writes.size) role.set(s.id, 'batch');
  }
  const roles = new Set(role.values());
  const named = steps.some((s) => lambdaRoleOf(s.functionName));
  if (!(roles.has('batch') && roles.has('speed') && (roles.has('serving') || named))) return undefined;
  const layerOf = new Map<string, string>();
  for (const [id, r] of role) layerOf.set(id, r);
  for (const d of graph.datasets.values()) {
    const writers = writersOf(graph, d.ref.key)
      .map((s) => role.get(s.id))
      .filter((x): x is string => !!x);
    if (writers.length) layerOf.set(datasetId(d), writers[0]);
    else {
      const readers = [...new Set(d.reads.map((r) => role.get(r.stepId)).filter((x): x is string => !!x && x !== 'serving'))];
      if (readers.length === 1) layerOf.set(datasetId(d), readers[0]);
    }
  }
  return { architecture: 'lambda', layers: LAMBDA_LAYERS, layerOf };
}

function kappa(graph: RawGraph): Layering | undefined {
  const steps = [...graph.steps.values()];
  const streamingWriters = steps.filter((s) => s.streaming && s.writes.size);
  if (!streamingWriters.length) return undefined;
  // One processing path: nothing but streaming steps writes, except serving steps reading stream outputs.
  const streamOutputs = new Set(streamingWriters.flatMap((s) => [...s.writes]));
  const layerOf = new Map<string, string>();
  for (const s of steps) {
    if (s.streaming) layerOf.set(s.id, 'stream');
    else if ([...s.reads].some((k) => streamOutputs.has(k))) layerOf.set(s.id, 'serving');
    else if (s.writes.size) return undefined;
  }
  for (const d of graph.datasets.values()) {
    const id = datasetId(d);
    if (d.writes.length === 0 && d.reads.some((r) => r.streaming)) layerOf.set(id, 'source');
    else if (streamOutputs.has(d.ref.key)) layerOf.set(id, 'lake');
    else if (d.writes.some((w) => layerOf.get(w.stepId) === 'serving')) layerOf.set(id, 'serving');
  }
  return { architecture: 'kappa', layers: KAPPA_LAYERS, layerOf };
}

/**
 * Lambda when functions are named for its batch and speed layers; else medallion when names say two
 * or more medallion layers; else lambda by structure (batch + speed + serving); else kappa; else unknown.
 */
export function inferLayers(graph: RawGraph): Layering {
  // Functions named for the lambda layers say more than path words like "raw" or "serving".
  const steps = [...graph.steps.values()];
  const namedLambda = ['batch', 'speed'].every((r) => steps.some((s) => lambdaRoleOf(s.functionName) === r));
  const first = namedLambda ? lambda(graph) : undefined;
  return first ?? medallion(graph) ?? lambda(graph) ?? kappa(graph) ?? { architecture: 'unknown', layers: [], layerOf: new Map() };
}
