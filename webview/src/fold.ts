/**
 * Many parallel chains of the same shape in one lane, folded into one group node. A lakehouse
 * ingesting a hundred feeds has a hundred `landing/feed_i -> ingest_i -> bronze/feed_i` chains side
 * by side in bronze: drawn one by one they fill many screens before silver starts (34,000 px beside
 * the editor), and nobody reads a hundred copies of one chain. Kedro-Viz folds a modular pipeline
 * into one node the user opens; here the group is found from the graph itself: a lane's chains
 * (its nodes joined by edges inside the lane) that are paths of the same kinds, roles and formats.
 * The group node says how many and what they look like (`100 × landing/feed_* → bronze/feed_*`);
 * a click or Enter shows them. Nodes the view is about (the current file's, a search result) are
 * never folded: their chain is drawn as itself beside the group.
 */
import type { GraphEdge, GraphFinding, GraphNode, PipelineGraph } from '../../shared/protocol';
import { SYNTHETIC_PREFIX, type Synthetic } from './focus';

/** A lane folds its same-shaped chains when there are at least this many of them... */
export const FOLD_MIN_CHAINS = 8;
/** ...holding at least this many nodes: eleven CSV files read by one step stay eleven nodes. */
export const FOLD_MIN_NODES = 16;

export type FoldSynthetic = Extract<Synthetic, { type: 'fold' }>;

export interface FoldOptions {
  /** Nodes drawn as themselves: their chain is left out of any group. */
  keep: ReadonlySet<string>;
  /** Groups the user opened, by key. */
  unfolded: ReadonlySet<string>;
}

/** A group the user opened: its chains are drawn, and its lane offers to fold them again. */
export interface OpenedGroup {
  key: string;
  chains: number;
  patterns: string[];
  /** Pipeline id and layer of the lane its chains are drawn in. */
  pipeline?: string;
  layer: string | null;
}

export interface Folded {
  graph: PipelineGraph;
  /** Group nodes by id. */
  folds: Map<string, FoldSynthetic>;
  /** Groups that would fold but the user opened (FoldOptions.unfolded). */
  opened: OpenedGroup[];
}

export const foldId = (key: string) => `${SYNTHETIC_PREFIX}fold:${key}`;

/** What makes two nodes of a chain alike: a name may differ, nothing else that is drawn. */
function shapeOf(n: GraphNode): string {
  return [n.kind, n.role ?? '', n.format ?? '', n.streaming ? 'streaming' : ''].join('.');
}

/**
 * The name pattern of a position in the chains: what every label there starts and ends with,
 * around a `*` (`landing/feed_0` .. `landing/feed_99` -> `landing/feed_*`).
 */
export function namePattern(labels: string[]): string {
  const first = labels[0];
  if (labels.every((l) => l === first)) return first;
  const shortest = Math.min(...labels.map((l) => l.length));
  let head = 0;
  while (head < shortest && labels.every((l) => l[head] === first[head])) head++;
  let tail = 0;
  while (tail < shortest - head && labels.every((l) => l[l.length - 1 - tail] === first[first.length - 1 - tail])) tail++;
  // Not in the middle of a word: `raw_orders.csv`, `raw_customers.csv` -> `raw_*.csv`, not `raw_*ers.csv`.
  const letter = (i: number) => /[A-Za-z]/.test(first[i] ?? '');
  while (head > 0 && letter(head - 1) && letter(head)) head--;
  while (tail > 0 && letter(first.length - tail) && letter(first.length - tail - 1)) tail--;
  if (head === 0 && tail === 0) return `${first}, …`;
  return `${first.slice(0, head)}*${first.slice(first.length - tail)}`;
}

/**
 * The graph with each large group of same-shaped parallel chains of a lane replaced by one node;
 * edges into and out of a group's chains go to and from that node, once each. Stubs and pipeline
 * summaries (synthetic nodes, `isSynthetic`) are never part of a group.
 */
export function foldParallelChains(graph: PipelineGraph, opts: FoldOptions, isSynthetic: (id: string) => boolean): Folded {
  const folds = new Map<string, FoldSynthetic>();
  const opened: OpenedGroup[] = [];
  const laneKey = (n: GraphNode) => `${n.pipeline ?? ''}|${n.layer ?? ''}`;
  const byId = new Map(graph.nodes.map((n) => [n.id, n]));
  const inLane = (e: GraphEdge) => {
    const a = byId.get(e.from);
    const b = byId.get(e.to);
    return !!a && !!b && e.from !== e.to && laneKey(a) === laneKey(b);
  };
  // Chains: nodes joined by edges inside their lane (union-find).
  const parent = new Map(graph.nodes.map((n) => [n.id, n.id]));
  const find = (x: string): string => {
    let r = x;
    while (parent.get(r) !== r) r = parent.get(r)!;
    while (parent.get(x) !== r) {
      const next = parent.get(x)!;
      parent.set(x, r);
      x = next;
    }
    return r;
  };
  const next = new Map<string, string[]>();
  const prev = new Map<string, string[]>();
  for (const e of graph.edges) {
    if (!inLane(e)) continue;
    (next.get(e.from) ?? next.set(e.from, []).get(e.from)!).push(e.to);
    (prev.get(e.to) ?? prev.set(e.to, []).get(e.to)!).push(e.from);
    const [ra, rb] = [find(e.from), find(e.to)];
    if (ra !== rb) parent.set(rb, ra);
  }
  const chains = new Map<string, GraphNode[]>();
  for (const n of graph.nodes) {
    const r = find(n.id);
    (chains.get(r) ?? chains.set(r, []).get(r)!).push(n);
  }
  // Same-shaped paths, by lane; a chain that branches, loops or holds a kept node is drawn as it is.
  const groups = new Map<string, GraphNode[][]>();
  for (const members of chains.values()) {
    if (members.some((n) => opts.keep.has(n.id) || isSynthetic(n.id))) continue;
    const starts = members.filter((n) => (prev.get(n.id) ?? []).length === 0);
    if (starts.length !== 1) continue;
    const path: GraphNode[] = [];
    let at: GraphNode | undefined = starts[0];
    while (at && path.length <= members.length) {
      path.push(at);
      const out: string[] = next.get(at.id) ?? [];
      if (out.length > 1 || (prev.get(at.id) ?? []).length > 1) break;
      at = out.length === 1 ? byId.get(out[0]) : undefined;
    }
    if (path.length !== members.length || new Set(path).size !== path.length) continue;
    const key = `${laneKey(path[0])}|${path.map(shapeOf).join('>')}`;
    (groups.get(key) ?? groups.set(key, []).get(key)!).push(path);
  }

  const foldOf = new Map<string, string>();
  const added: GraphNode[] = [];
  for (const [key, paths] of groups) {
    const size = paths.length * paths[0].length;
    if (paths.length < FOLD_MIN_CHAINS || size < FOLD_MIN_NODES) continue;
    const first = paths[0];
    const patterns = first.map((_, i) => namePattern(paths.map((p) => p[i].label)));
    if (opts.unfolded.has(key)) {
      opened.push({ key, chains: paths.length, patterns, pipeline: first[0].pipeline, layer: first[0].layer });
      continue;
    }
    const id = foldId(key);
    const hidden = paths.flat().map((n) => n.id);
    const findings: GraphFinding[] = paths.flat().flatMap((n) => n.findings);
    folds.set(id, { type: 'fold', key, chains: paths.length, length: first.length, patterns, hidden, anchor: first[0].id });
    for (const h of hidden) foldOf.set(h, id);
    const label = patterns.length === 1 ? `${paths.length} × ${patterns[0]}` : `${paths.length} × ${patterns[0]} → ${patterns[patterns.length - 1]}`;
    added.push({
      id,
      kind: first[first.length - 1].kind,
      // The role of what the chains produce: a bronze table, an export.
      role: first[first.length - 1].role,
      label,
      layer: first[0].layer,
      streaming: false,
      filename: first[0].filename,
      uri: '',
      range: { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } },
      findings,
      pipeline: first[0].pipeline,
    });
  }
  if (folds.size === 0) return { graph, folds, opened };

  // The group takes the place of its first chain's first node: lanes keep their order of nodes.
  const nodes: GraphNode[] = [];
  const placed = new Set<string>();
  for (const n of graph.nodes) {
    const f = foldOf.get(n.id);
    if (f === undefined) nodes.push(n);
    else if (!placed.has(f)) {
      placed.add(f);
      nodes.push(added.find((a) => a.id === f)!);
    }
  }
  const edges: GraphEdge[] = [];
  const seen = new Set<string>();
  for (const e of graph.edges) {
    const from = foldOf.get(e.from) ?? e.from;
    const to = foldOf.get(e.to) ?? e.to;
    if (from === to && from !== e.from) continue;
    const k = `${from}\u0000${to}`;
    if (seen.has(k)) continue;
    seen.add(k);
    edges.push(from === e.from && to === e.to ? e : { from, to });
  }
  return { graph: { ...graph, nodes, edges }, folds, opened };
}
