/**
 * What the preview shows of a graph: the current file's nodes and N hops up and down stream, the
 * rest folded into "+12 upstream" / "+5 downstream" stubs, and pipelines the user collapsed into one
 * summary node each. Pure functions over the protocol graph; the layout never sees hidden nodes.
 */
import type { GraphEdge, GraphNode, PipelineGraph, GraphPipeline } from '../../shared/protocol';

export const DEFAULT_HOPS = 2;
export const MAX_HOPS = 9;

/** Node ids of stubs and pipeline summaries start with this (no server id does: they are `ds:` or step ids). */
export const SYNTHETIC_PREFIX = '\u0001psa:';

export type Synthetic =
  | { type: 'stub'; direction: 'upstream' | 'downstream'; anchor: string; hidden: string[] }
  | { type: 'pipeline'; pipeline: GraphPipeline; datasets: number; steps: number; findings: number }
  /** Same-shaped parallel chains of a lane as one node (fold.ts): `patterns` names each position, `hidden` holds every member. */
  | { type: 'fold'; key: string; chains: number; length: number; patterns: string[]; anchor: string; hidden: string[] };

export interface ViewGraph {
  graph: PipelineGraph;
  /** Stub and pipeline summary nodes by id. */
  synthetic: Map<string, Synthetic>;
  /** Nodes of the full graph that are not drawn (behind a stub or inside a collapsed pipeline). */
  hiddenCount: number;
}

export interface ViewOptions {
  /** Nodes the view is about (the current file's); empty: the whole graph is shown. */
  seeds: ReadonlySet<string>;
  hops: number;
  /** Nodes the user brought into view (stubs expanded, search results). */
  revealed: ReadonlySet<string>;
  /** Pipeline ids shown as one summary node. */
  collapsed: ReadonlySet<string>;
}

interface Adjacency {
  up: Map<string, string[]>;
  down: Map<string, string[]>;
}

const adjacencyCache = new WeakMap<PipelineGraph, Adjacency>();

function adjacency(graph: PipelineGraph): Adjacency {
  let adj = adjacencyCache.get(graph);
  if (!adj) {
    adj = { up: new Map(), down: new Map() };
    for (const e of graph.edges) {
      (adj.down.get(e.from) ?? adj.down.set(e.from, []).get(e.from)!).push(e.to);
      (adj.up.get(e.to) ?? adj.up.set(e.to, []).get(e.to)!).push(e.from);
    }
    adjacencyCache.set(graph, adj);
  }
  return adj;
}

/** Breadth-first from `from` along `next`, at most `limit` hops (Infinity: all); the start nodes excluded unless reached again. */
function reach(from: Iterable<string>, next: Map<string, string[]>, limit = Infinity, through?: (id: string) => boolean): Set<string> {
  const seen = new Set<string>();
  let frontier = [...from];
  for (let hop = 0; hop < limit && frontier.length > 0; hop++) {
    const nextFrontier: string[] = [];
    for (const id of frontier) {
      for (const n of next.get(id) ?? []) {
        if (seen.has(n) || (through && !through(n))) continue;
        seen.add(n);
        nextFrontier.push(n);
      }
    }
    frontier = nextFrontier;
  }
  return seen;
}

/** Every ancestor and descendant of `id` (not `id` itself): what a selection highlights. */
export function lineage(graph: PipelineGraph, id: string): { ancestors: Set<string>; descendants: Set<string> } {
  const adj = adjacency(graph);
  return { ancestors: reach([id], adj.up), descendants: reach([id], adj.down) };
}

export const stubId = (direction: 'upstream' | 'downstream', anchor: string) => `${SYNTHETIC_PREFIX}${direction}:${anchor}`;
export const pipelineNodeId = (pipeline: string) => `${SYNTHETIC_PREFIX}pipeline:${pipeline}`;

/** The nodes drawn: seeds, N hops up and down stream of them, and what the user revealed. */
export function visibleNodes(graph: PipelineGraph, opts: Pick<ViewOptions, 'seeds' | 'hops' | 'revealed'>): Set<string> {
  if (opts.seeds.size === 0) return new Set(graph.nodes.map((n) => n.id));
  const adj = adjacency(graph);
  const core = new Set([...opts.seeds, ...opts.revealed]);
  const visible = new Set(core);
  for (const id of reach(opts.seeds, adj.up, opts.hops)) visible.add(id);
  for (const id of reach(opts.seeds, adj.down, opts.hops)) visible.add(id);
  return visible;
}

function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? '' : 's'}`;
}

/** The graph to lay out: visible nodes, one stub per visible node with hidden neighbours, collapsed pipelines as one node. */
export function viewGraph(graph: PipelineGraph, opts: ViewOptions): ViewGraph {
  const adj = adjacency(graph);
  const visible = visibleNodes(graph, opts);
  const byId = new Map(graph.nodes.map((n) => [n.id, n]));
  const synthetic = new Map<string, Synthetic>();
  const nodes: GraphNode[] = [];
  const edges: GraphEdge[] = [];
  const pipelines = new Map((graph.pipelines ?? []).map((p) => [p.id, p]));
  const collapsedOf = (n: GraphNode) => (n.pipeline !== undefined && opts.collapsed.has(n.pipeline) && pipelines.has(n.pipeline) ? n.pipeline : undefined);

  const summaries = new Map<string, Synthetic & { type: 'pipeline' }>();
  for (const n of graph.nodes) {
    const p = collapsedOf(n);
    if (p === undefined || !visible.has(n.id)) continue;
    let s = summaries.get(p);
    if (!s) summaries.set(p, (s = { type: 'pipeline', pipeline: pipelines.get(p)!, datasets: 0, steps: 0, findings: 0 }));
    if (n.kind === 'dataset') s.datasets++;
    else s.steps++;
    s.findings += n.findings.length;
  }
  let drawn = 0;
  for (const n of graph.nodes) {
    if (!visible.has(n.id) || collapsedOf(n) !== undefined) continue;
    nodes.push(n);
    drawn++;
  }
  for (const e of graph.edges)
    if (visible.has(e.from) && visible.has(e.to) && byId.has(e.from) && byId.has(e.to) && !collapsedOf(byId.get(e.from)!) && !collapsedOf(byId.get(e.to)!))
      edges.push(e);

  // Stubs: for each drawn node, the hidden nodes reachable from it through hidden nodes only.
  for (const n of nodes) {
    for (const direction of ['upstream', 'downstream'] as const) {
      const next = direction === 'upstream' ? adj.up : adj.down;
      if (!(next.get(n.id) ?? []).some((m) => !visible.has(m))) continue;
      const hidden = [...reach([n.id], next, Infinity, (m) => !visible.has(m))];
      if (hidden.length === 0) continue;
      const id = stubId(direction, n.id);
      synthetic.set(id, { type: 'stub', direction, anchor: n.id, hidden });
      nodes.push({
        id,
        kind: 'step',
        label: `+${hidden.length} ${direction}`,
        layer: n.layer,
        streaming: false,
        filename: n.filename,
        uri: n.uri,
        range: n.range,
        findings: [],
        pipeline: n.pipeline,
      });
      edges.push(direction === 'upstream' ? { from: id, to: n.id } : { from: n.id, to: id });
    }
  }
  for (const [p, s] of summaries) {
    const id = pipelineNodeId(p);
    synthetic.set(id, s);
    nodes.push({
      id,
      kind: 'dataset',
      label: s.pipeline.name,
      layer: null,
      streaming: false,
      filename: s.pipeline.name,
      uri: '',
      range: { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } },
      findings: [],
      pipeline: p,
    });
  }
  return { graph: { ...graph, nodes, edges }, synthetic, hiddenCount: graph.nodes.length - drawn };
}

/** Second line of a synthetic node. */
export function syntheticMeta(s: Synthetic, layer: string | null = null): string {
  if (s.type === 'stub') return 'collapsed · click to show';
  if (s.type === 'fold') return [layer ?? 'unlayered', s.length === 1 ? `${s.chains} alike` : `${s.chains} chains of ${s.length}`, 'click to show'].join(' · ');
  const parts = [
    s.pipeline.architecture === 'unknown' ? 'pipeline' : `${s.pipeline.architecture} pipeline`,
    plural(s.datasets, 'dataset'),
    plural(s.steps, 'step'),
  ];
  return parts.join(' · ');
}

/** Nodes whose label matches `query` (case-insensitive): exact matches first, then prefixes, then substrings. */
export function searchNodes(graph: PipelineGraph, query: string, limit = 50): GraphNode[] {
  const q = query.trim().toLowerCase();
  if (!q) return [];
  const score = (n: GraphNode) => {
    const l = n.label.toLowerCase();
    return l === q ? 0 : l.startsWith(q) ? 1 : l.includes(q) ? 2 : (n.location ?? '').toLowerCase().includes(q) ? 3 : -1;
  };
  return graph.nodes
    .map((n) => ({ n, s: score(n) }))
    .filter((x) => x.s >= 0)
    .sort((a, b) => a.s - b.s || a.n.label.localeCompare(b.n.label))
    .slice(0, limit)
    .map((x) => x.n);
}
