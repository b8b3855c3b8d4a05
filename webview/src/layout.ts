/**
 * Lane-aware layered layout. Lanes are columns, left to right in layer order (direction LR, wide
 * panels), or rows stacked top to bottom with the flow going down (TB, a narrow panel beside the
 * editor). dagre does the crossing minimisation and coordinates, but the ranks are ours so that
 * every node of lane i comes before every node of lane i+1 and the bands can never overlap.
 */
import type * as Dagre from '@dagrejs/dagre' with { 'resolution-mode': 'import' };
import type { GraphEdge, GraphNode, PipelineGraph } from '../../shared/protocol';
import type { PipelineFrame } from './frames';

// dagre ships ESM-typed declarations; this project compiles as CommonJS, so the value comes
// through require (esbuild bundles it for the browser, Node resolves the package's CJS build).
const dagre = require('@dagrejs/dagre') as typeof Dagre;

export type TextRole = 'label' | 'meta' | 'lane';
/** Width in px of `text` in the font used for `role`; the page measures with a canvas, tests estimate. */
export type MeasureText = (text: string, role: TextRole) => number;

export interface Point {
  x: number;
  y: number;
}

export type Direction = 'LR' | 'TB';

export interface LayoutOptions {
  direction?: Direction;
  /**
   * The panel's size along the flow and across it, in px: a lane whose chain is longer than the
   * panel wraps into several rows (LR) or columns (TB), as long as they fit across.
   */
  wrap?: { along: number; across: number };
  /** Second line of nodes the page makes up (stubs, pipeline summaries); default nodeMeta. */
  meta?: (node: GraphNode) => string | undefined;
  /**
   * Lanes stacked (TB) only: the width the lanes may take. A lane whose independent chains would
   * sit side by side wider than this stacks them one after the other along the flow instead.
   */
  stackAcross?: number;
  /** Widest a node may be (default 280 px): a narrow panel shortens long names to fit more across. */
  maxNodeWidth?: number;
  /** Nodes that may be wider than the others, up to WIDE_NODE_MAX_WIDTH (a group of folded chains names two patterns). */
  wide?: (node: GraphNode) => boolean;
  /**
   * Lanes stacked (TB) only: the width the lanes may take. A rank of more nodes than fit across
   * (six Kafka topics read by one job) is split into rows of its lane, one below the other; nodes
   * are at most half this wide (less the lane's padding), so two fit a row.
   */
  rankAcross?: number;
  /** Runs dagre's crossing minimisation even where the order is known (tests check the shortcut changes nothing). */
  exactOrder?: boolean;
}

export interface LaneBand {
  /** Layer name, or null for the band of nodes without a layer. */
  name: string | null;
  title: string;
  /** Where the title goes (its anchor point) and how it is anchored. */
  titleX: number;
  titleY: number;
  titleAnchor: 'middle' | 'start';
  x: number;
  y: number;
  width: number;
  height: number;
  nodeCount: number;
  /** Index in `GraphLayout.frames` of the pipeline frame the band belongs to. */
  frame?: number;
}

export interface NodeBox {
  node: GraphNode;
  laneIndex: number;
  /** Top-left corner. */
  x: number;
  y: number;
  width: number;
  height: number;
  label: string;
  meta: string;
  /** Index in `GraphLayout.frames` of the node's pipeline frame. */
  frame?: number;
}

export interface EdgeRoute {
  edge: GraphEdge;
  points: Point[];
  /** Goes against lane order (or closes a cycle), so it is routed right to left. */
  backward: boolean;
  /** Joins the end of a wrapped row of its lane to the start of the next. */
  wrapped?: boolean;
}

export interface GraphLayout {
  direction: Direction;
  lanes: LaneBand[];
  /** Sorted by lane, then top to bottom: the order keyboard users tab through. */
  nodes: NodeBox[];
  edges: EdgeRoute[];
  width: number;
  height: number;
  /** One labelled frame per pipeline (see frames.ts); absent or empty: the graph is drawn unframed. */
  frames?: PipelineFrame[];
}

export const LANE_HEADER = 40;
const LANE_PAD_X = 20;
const LANE_PAD_Y = 20;
const RANK_SEP = 2 * LANE_PAD_X + 16;
/** Top to bottom, half the gap between two lanes holds the lower lane's title. */
const LANE_TITLE_TB = 26;
/** Top to bottom, between a lane's edge and its nodes: less than across, where lanes have room. */
const LANE_PAD_TB = 14;
const RANK_SEP_TB = 2 * LANE_PAD_TB + LANE_TITLE_TB;
/**
 * Top to bottom, the gap between two ranks of one lane: room for an edge and its arrow, no title.
 * With the lanes' gap between every rank, a node took 116 px of height and the medallion sample's
 * seven nodes did not fit a panel beside the editor (675 x 860 px in VS Code) at 100%.
 */
const RANK_SEP_IN_LANE_TB = 26;
const NODE_SEP = 22;
export const NODE_MIN_WIDTH = 120;
const NODE_MAX_WIDTH = 280;
/** A wide node (LayoutOptions.wide) still fits a 480 px panel beside the editor, inside its frame and lane. */
const WIDE_NODE_MAX_WIDTH = 360;
export const NODE_HEIGHT = 50;
/** Left accent bar plus gap, and room on the right for the findings badge. */
export const NODE_TEXT_LEFT = 14;
const NODE_TEXT_RIGHT = 30;
const EMPTY_LANE_WIDTH = 120;
/** Side edges of stacked chains: the first channel's distance from the nodes, and the step between channels. */
const SIDE_GAP = 14;
const SIDE_STEP = 8;

// Invisible node that keeps an empty lane as wide as a node (dagre reserves \0 for itself).
const PLACEHOLDER_PREFIX = '__psa_empty_lane__:';

/** The node's second line: what it is. Where it lives is in the details card, which has room. */
export function nodeMeta(node: GraphNode): string {
  // The lane is also said in words on the node: colour alone fails colour-blind users and exports.
  const parts: string[] = node.layer ? [node.layer] : [];
  parts.push(node.kind === 'step' ? 'step' : (node.role ?? 'dataset'));
  if (node.format) parts.push(node.format);
  if (node.streaming) parts.push('streaming');
  return parts.join(' · ');
}

/** The largest n in 0..most for which `fits(n)` holds, fits being true up to some n and false after (0 if none). */
function longestFitting(most: number, fits: (n: number) => boolean): number {
  let lo = 0;
  let hi = most;
  while (lo < hi) {
    const mid = Math.ceil((lo + hi) / 2);
    if (fits(mid)) lo = mid;
    else hi = mid - 1;
  }
  return lo;
}

/** Shortens `text` with an ellipsis until it fits `maxWidth`. */
export function fitText(text: string, maxWidth: number, role: TextRole, measure: MeasureText): string {
  if (measure(text, role) <= maxWidth) return text;
  const n = longestFitting(text.length, (k) => measure(text.slice(0, k) + '…', role) <= maxWidth);
  return text.slice(0, n) + '…';
}

/**
 * Where a dotted or slashed name's identifying end starts: its last part, with the part before
 * when the last is a file extension (`clickstream.csv`, not `csv`). -1 when the name has no such
 * parts, or has spaces (`etl.py (top level)` reads from its start).
 */
function nameTailStart(text: string): number {
  if (/\s/.test(text)) return -1;
  const separator = /[./:]/g;
  const cuts: number[] = [];
  for (let m = separator.exec(text); m; m = separator.exec(text)) if (m.index > 0 && m.index < text.length - 1) cuts.push(m.index + 1);
  if (cuts.length === 0) return -1;
  const last = cuts[cuts.length - 1];
  const extension = text[last - 1] === '.' && text.length - last <= 4;
  return extension && cuts.length > 1 ? cuts[cuts.length - 2] : last;
}

/**
 * Shortens a dataset or step name to `maxWidth` keeping its identifying end: a table name's last
 * part, a path's file (`catalog.schema.orders_daily` -> `cat…orders_daily`). Names without dotted
 * or slashed parts are cut at the end (fitText). The full name stays in the node's tooltip, hover
 * card and search.
 */
export function fitName(text: string, maxWidth: number, role: TextRole, measure: MeasureText): string {
  if (measure(text, role) <= maxWidth) return text;
  const start = nameTailStart(text);
  if (start < 0) return fitText(text, maxWidth, role, measure);
  const tail = text.slice(start);
  if (measure(`…${tail}`, role) > maxWidth) {
    // Even the last part is too long: as much of its end as fits.
    const n = longestFitting(tail.length, (k) => measure(`…${tail.slice(tail.length - k)}`, role) <= maxWidth);
    return `…${tail.slice(tail.length - n)}`;
  }
  const n = longestFitting(start, (k) => measure(`${text.slice(0, k)}…${tail}`, role) <= maxWidth);
  return `${text.slice(0, n)}…${tail}`;
}

interface LaneOrder {
  names: (string | null)[];
  laneOf: Map<string, number>;
}

/**
 * Layer lanes in `graph.layers` order, then layers the graph did not declare, plus one band for
 * nodes without a layer. That band goes first when its nodes mostly feed the layers (raw inputs)
 * and last when they mostly consume them (exports), so fewer edges run backwards.
 */
export function laneOrder(graph: PipelineGraph): LaneOrder {
  const named: string[] = [];
  for (const layer of graph.layers) if (!named.includes(layer)) named.push(layer);
  for (const node of graph.nodes) if (node.layer !== null && !named.includes(node.layer)) named.push(node.layer);
  const hasUnlayered = graph.nodes.some((n) => n.layer === null);
  let names: (string | null)[] = named;
  if (hasUnlayered) {
    const layerById = new Map(graph.nodes.map((n) => [n.id, n.layer]));
    let outOfUnlayered = 0;
    let intoUnlayered = 0;
    for (const e of graph.edges) {
      const from = layerById.get(e.from);
      const to = layerById.get(e.to);
      if (from === undefined || to === undefined) continue;
      if (from === null && to !== null) outOfUnlayered++;
      if (from !== null && to === null) intoUnlayered++;
    }
    names = intoUnlayered > outOfUnlayered ? [...named, null] : [null, ...named];
  }
  const index = new Map(names.map((name, i) => [name, i]));
  const laneOf = new Map<string, number>();
  for (const node of graph.nodes) laneOf.set(node.id, index.get(node.layer) ?? 0);
  return { names, laneOf };
}

interface DagEdge {
  edge: GraphEdge;
  /** Direction given to the layout: always from a lower to a higher rank. */
  from: string;
  to: string;
  reversed: boolean;
}

/** Orients every edge forward in lane order and breaks cycles inside a lane (DFS back edges). */
function orientEdges(graph: PipelineGraph, laneOf: Map<string, number>): DagEdge[] {
  const seen = new Set<string>();
  const candidates: GraphEdge[] = [];
  for (const edge of graph.edges) {
    const key = `${edge.from}\u0000${edge.to}`;
    if (edge.from === edge.to || seen.has(key) || !laneOf.has(edge.from) || !laneOf.has(edge.to)) continue;
    seen.add(key);
    candidates.push(edge);
  }
  const intra = new Map<string, GraphEdge[]>();
  for (const edge of candidates) {
    if (laneOf.get(edge.from) !== laneOf.get(edge.to)) continue;
    const list = intra.get(edge.from) ?? [];
    list.push(edge);
    intra.set(edge.from, list);
  }
  const backEdges = new Set<GraphEdge>();
  const state = new Map<string, 'open' | 'done'>();
  // Iterative DFS: user graphs can be long chains, recursion depth is not ours to bet on.
  for (const root of graph.nodes) {
    if (state.has(root.id)) continue;
    const stack: { id: string; next: number }[] = [{ id: root.id, next: 0 }];
    state.set(root.id, 'open');
    while (stack.length > 0) {
      const top = stack[stack.length - 1];
      const out = intra.get(top.id) ?? [];
      if (top.next >= out.length) {
        state.set(top.id, 'done');
        stack.pop();
        continue;
      }
      const edge = out[top.next++];
      const s = state.get(edge.to);
      if (s === 'open') backEdges.add(edge);
      else if (s === undefined) {
        state.set(edge.to, 'open');
        stack.push({ id: edge.to, next: 0 });
      }
    }
  }
  return candidates.map((edge) => {
    const fromLane = laneOf.get(edge.from)!;
    const toLane = laneOf.get(edge.to)!;
    const reversed = fromLane > toLane || backEdges.has(edge);
    return reversed ? { edge, from: edge.to, to: edge.from, reversed } : { edge, from: edge.from, to: edge.to, reversed };
  });
}

/** Longest-path ranks inside each lane, from 0: cross-lane edges do not count. */
function localRanks(graph: PipelineGraph, laneOf: Map<string, number>, dag: DagEdge[]): Map<string, number> {
  const rank = new Map<string, number>();
  const preds = new Map<string, string[]>();
  const succs = new Map<string, string[]>();
  for (const e of dag) {
    if (laneOf.get(e.from) !== laneOf.get(e.to)) continue;
    (preds.get(e.to) ?? preds.set(e.to, []).get(e.to)!).push(e.from);
    (succs.get(e.from) ?? succs.set(e.from, []).get(e.from)!).push(e.to);
  }
  const pending = new Map(graph.nodes.map((n) => [n.id, (preds.get(n.id) ?? []).length]));
  const queue = graph.nodes.filter((n) => pending.get(n.id) === 0).map((n) => n.id);
  for (let i = 0; i < queue.length; i++) {
    const id = queue[i];
    rank.set(id, Math.max(0, ...(preds.get(id) ?? []).map((p) => rank.get(p)! + 1)));
    for (const s of succs.get(id) ?? []) {
      const left = pending.get(s)! - 1;
      pending.set(s, left);
      if (left === 0) queue.push(s);
    }
  }
  return rank;
}

/**
 * Beside the editor, a lane whose independent chains (a pipeline ingesting three tables in
 * parallel) sit side by side is wider than the panel. Their chains go one after the other along
 * the flow instead, in as many columns as fit across: the pipeline grows down, the way a narrow
 * panel scrolls. Chains keep the order of what feeds them, so each sits below its source's chain.
 */
function stackChains(
  graph: PipelineGraph,
  laneCount: number,
  laneOf: Map<string, number>,
  local: Map<string, number>,
  dag: DagEdge[],
  sizes: Map<string, { width: number; height: number }>,
  across: number,
): Map<string, number> {
  const out = new Map(local);
  const parent = new Map<string, string>(graph.nodes.map((n) => [n.id, n.id]));
  const find = (x: string): string => {
    while (parent.get(x) !== x) x = parent.get(x)!;
    return x;
  };
  const preds = new Map<string, string[]>();
  for (const e of dag) {
    if (laneOf.get(e.from) === laneOf.get(e.to)) parent.set(find(e.to), find(e.from));
    else if (!e.reversed) (preds.get(e.to) ?? preds.set(e.to, []).get(e.to)!).push(e.from);
  }
  const order = new Map(graph.nodes.map((n, i) => [n.id, i]));
  for (let lane = 0; lane < laneCount; lane++) {
    const members = graph.nodes.filter((n) => laneOf.get(n.id) === lane);
    if (members.length === 0) continue;
    const perRank = new Map<number, number>();
    for (const n of members) perRank.set(local.get(n.id)!, (perRank.get(local.get(n.id)!) ?? 0) + 1);
    const column = Math.max(...members.map((n) => sizes.get(n.id)!.width)) + NODE_SEP;
    // Room is left on the right for the channels of the edges that skip down past stacked chains.
    const columns = Math.max(1, Math.floor((across - 2 * LANE_PAD_X - SIDE_GAP - 4 * SIDE_STEP + NODE_SEP) / column));
    if (Math.max(...perRank.values()) <= columns) continue;
    const chains = new Map<string, GraphNode[]>();
    for (const n of members) (chains.get(find(n.id)) ?? chains.set(find(n.id), []).get(find(n.id))!).push(n);
    // Below what feeds it: the earliest lane and rank among the chain's sources in earlier lanes.
    const keyOf = (chain: GraphNode[]): [number, number, number] => {
      let best: [number, number, number] = [Infinity, Infinity, Math.min(...chain.map((n) => order.get(n.id)!))];
      for (const n of chain)
        for (const p of preds.get(n.id) ?? []) {
          const k: [number, number, number] = [laneOf.get(p)!, out.get(p)!, best[2]];
          if (k[0] < best[0] || (k[0] === best[0] && k[1] < best[1])) best = k;
        }
      return best;
    };
    const sorted = [...chains.values()].map((c) => ({ c, k: keyOf(c) })).sort((a, b) => a.k[0] - b.k[0] || a.k[1] - b.k[1] || a.k[2] - b.k[2]);
    const bins = new Array<number>(columns).fill(0);
    for (const { c } of sorted) {
      const min = Math.min(...c.map((n) => local.get(n.id)!));
      const depth = Math.max(...c.map((n) => local.get(n.id)!)) - min + 1;
      const bin = bins.indexOf(Math.min(...bins));
      for (const n of c) out.set(n.id, bins[bin] + local.get(n.id)! - min);
      bins[bin] += depth;
    }
  }
  return out;
}

/** Between two rows of one rank: less than between ranks, room for the edges into the lower row. */
const ROW_GAP = 30;

/**
 * Lanes stacked, each rank of a lane in as many rows as it needs to fit `across`: a rank of more
 * nodes than a narrow panel holds side by side (six Kafka topics and CSV files read by one job)
 * is not cut at the panel's edge. dagre, given the rows as ranks, pushed each row aside for the
 * edges passing down through it (a staircase wider than the rank it replaced), so the rows are
 * placed here: nodes in the order dagre gives the unsplit rank, each row centred, rows one below
 * the other. Edges go down from their source, across in the gap above their target's row, and
 * into it; they are drawn under the nodes they pass. Nodes are at most half a row wide, so that
 * two fit a row, their names shortened keeping their ends (fitName).
 */
function rowsLayout(graph: PipelineGraph, measure: MeasureText, options: LayoutOptions, across: number): GraphLayout {
  const room = across - 2 * LANE_PAD_X;
  const half = Math.floor((room - NODE_SEP) / 2);
  const base = layoutGraph(graph, measure, {
    direction: 'TB',
    meta: options.meta,
    exactOrder: options.exactOrder,
    maxNodeWidth: Math.min(options.maxNodeWidth ?? NODE_MAX_WIDTH, half),
  });
  const { names, laneOf } = laneOrder(graph);
  const dag = orientEdges(graph, laneOf);
  const local = localRanks(graph, laneOf, dag);
  const rows: NodeBox[][][] = names.map(() => []);
  /** A rank's last row: the rank gap follows it, the row gap the others. */
  const lastRows = new Set<NodeBox[]>();
  for (const lane of rows.keys()) {
    const byRank = new Map<number, NodeBox[]>();
    for (const b of base.nodes) {
      if (b.laneIndex !== lane) continue;
      const r = local.get(b.node.id) ?? 0;
      (byRank.get(r) ?? byRank.set(r, []).get(r)!).push(b);
    }
    for (const r of [...byRank.keys()].sort((a, b) => a - b)) {
      let row: NodeBox[] = [];
      let used = 0;
      for (const b of byRank.get(r)!.sort((p, q) => p.x - q.x)) {
        if (row.length > 0 && used + NODE_SEP + b.width > room) {
          rows[lane].push(row);
          row = [];
          used = 0;
        }
        used += (row.length > 0 ? NODE_SEP : 0) + b.width;
        row.push({ ...b });
      }
      rows[lane].push(row);
      lastRows.add(row);
    }
  }
  const rowWidth = (row: NodeBox[]) => row.reduce((sum, b) => sum + b.width, 0) + NODE_SEP * (row.length - 1);
  const widest = Math.max(EMPTY_LANE_WIDTH, ...rows.flat().map(rowWidth));
  const width = widest + 2 * LANE_PAD_X;
  let y = LANE_TITLE_TB + LANE_PAD_TB;
  const extents: { min: number; max: number }[] = [];
  const gapAbove = new Map<NodeBox, number>();
  let gap = RANK_SEP_TB;
  for (const laneRows of rows) {
    const min = y;
    if (laneRows.length === 0) y += NODE_HEIGHT + RANK_SEP_TB;
    for (const row of laneRows) {
      let x = LANE_PAD_X + (widest - rowWidth(row)) / 2;
      for (const b of row) {
        b.x = x;
        b.y = y;
        x += b.width + NODE_SEP;
        gapAbove.set(b, gap);
      }
      gap = lastRows.has(row) ? RANK_SEP_IN_LANE_TB : ROW_GAP;
      y += NODE_HEIGHT + gap;
    }
    const max = y - gap;
    extents.push({ min, max });
    // The next lane after the lanes' gap, which holds its title.
    y = max + RANK_SEP_TB;
    gap = RANK_SEP_TB;
  }
  const boundaries: number[] = [0];
  for (let lane = 1; lane < names.length; lane++) boundaries.push((extents[lane - 1].max + extents[lane].min) / 2);
  const height = names.length > 0 ? extents[names.length - 1].max + LANE_PAD_TB : 0;
  boundaries.push(height);
  const lanes: LaneBand[] = names.map((name, lane) => {
    const from = boundaries[lane];
    return {
      name,
      title: fitText(name ?? 'unlayered', width - 16, 'lane', measure),
      titleX: LANE_PAD_X / 2,
      titleY: from + 20,
      titleAnchor: 'start',
      x: 0,
      y: from,
      width,
      height: boundaries[lane + 1] - from,
      nodeCount: rows[lane].reduce((n, row) => n + row.length, 0),
    };
  });
  const nodes = rows.flat(2);
  nodes.sort((a, b) => a.laneIndex - b.laneIndex || a.y - b.y || a.x - b.x);
  const boxOf = new Map(nodes.map((b) => [b.node.id, b]));
  const edges: EdgeRoute[] = dag.map((e) => {
    const a = boxOf.get(e.from)!;
    const b = boxOf.get(e.to)!;
    const ax = a.x + a.width / 2;
    const bx = b.x + b.width / 2;
    const channel = b.y - gapAbove.get(b)! / 2;
    const points = [
      { x: ax, y: a.y + a.height },
      { x: ax, y: channel },
      { x: bx, y: channel },
      { x: bx, y: b.y },
    ];
    if (e.reversed) points.reverse();
    return { edge: e.edge, points, backward: e.reversed };
  });
  return { direction: 'TB', lanes, nodes, edges, width, height };
}

/** Rows (LR) or columns (TB) a lane's chain is cut into, and how many ranks each holds. */
interface LaneFold {
  depth: number;
  perRow: number;
}

/** Fewer ranks than this per row would make zigzags of two-node rows: not worth wrapping. */
const MIN_WRAP_RANKS = 3;

function laneFolds(
  graph: PipelineGraph,
  laneCount: number,
  laneOf: Map<string, number>,
  local: Map<string, number>,
  sizes: Map<string, { width: number; height: number }>,
  tb: boolean,
  wrap: LayoutOptions['wrap'],
): LaneFold[] {
  const folds: LaneFold[] = [];
  for (let lane = 0; lane < laneCount; lane++) {
    const members = graph.nodes.filter((n) => laneOf.get(n.id) === lane);
    const depth = members.reduce((d, n) => Math.max(d, local.get(n.id)! + 1), 1);
    folds.push({ depth, perRow: depth });
    if (!wrap || depth <= MIN_WRAP_RANKS) continue;
    const along = Math.max(...members.map((n) => (tb ? sizes.get(n.id)!.height : sizes.get(n.id)!.width)));
    const across = Math.max(...members.map((n) => (tb ? sizes.get(n.id)!.width : sizes.get(n.id)!.height)));
    const perRank = new Map<number, number>();
    for (const n of members) perRank.set(local.get(n.id)!, (perRank.get(local.get(n.id)!) ?? 0) + 1);
    const breadth = Math.max(...perRank.values());
    const rankStep = along + (tb ? RANK_SEP_IN_LANE_TB : RANK_SEP);
    const rowStep = breadth * (across + NODE_SEP);
    const fitAlong = Math.max(MIN_WRAP_RANKS, Math.floor((wrap.along + (tb ? RANK_SEP_IN_LANE_TB : RANK_SEP)) / rankStep));
    // As many rows as the chain needs to fit along the panel, no more than fit across it.
    const rows = Math.min(Math.ceil(depth / fitAlong), Math.max(1, Math.floor((wrap.across - 2 * LANE_PAD_X) / rowStep)));
    if (rows > 1) folds[lane].perRow = Math.max(MIN_WRAP_RANKS, Math.ceil(depth / rows));
  }
  return folds;
}

/**
 * dagre's crossing minimisation, skipped when every rank holds at most one node (a chain laid out
 * one node after the other, with the nodes dagre adds where an edge crosses a rank): the only order
 * there is. dagre's sweeps would find it too, after building two layer graphs per rank and copying
 * the layering on every sweep: for a chain of 601 nodes, four fifths of the whole layout.
 */
type LayoutGraph = Dagre.Graph<Dagre.GraphLabel, Dagre.NodeLabel, Dagre.EdgeLabel>;
type OrderFn = (lg: LayoutGraph, opts?: Dagre.LayoutOptions) => void;
function orderUnlessOneNodePerRank(lg: LayoutGraph, order: OrderFn): void {
  const taken = new Set<number>();
  for (const v of lg.nodes()) {
    const rank = (lg.node(v) as { rank?: number }).rank;
    if (typeof rank !== 'number' || taken.has(rank)) return order(lg, {});
    taken.add(rank);
  }
  for (const v of lg.nodes()) (lg.node(v) as { order?: number }).order = 0;
}

/**
 * A wrapped lane's rows in their order across the lane, without dagre's crossing minimisation, when
 * every row holds at most one node per rank (a long chain wrapped into rows; dagre's nodes where an
 * edge crosses a rank count in the row the edge runs along). Each rank's nodes are then ordered by
 * row: rows never cross, and the chain reads row after row. Otherwise dagre's own order runs. For
 * the 300-step chain at 1400 px (11 rows sharing 55 ranks) dagre's sweeps were half of the layout.
 */
function orderByRowUnlessBranched(lg: LayoutGraph, order: OrderFn, r: Pick<Ranked, 'ranks' | 'rowOf' | 'laneOf' | 'spans'>): void {
  // dagre's ranks are ours doubled (room for edge labels), then shifted: recover the shift from any node.
  let shift: number | undefined;
  for (const v of lg.nodes()) {
    const ours = r.ranks.get(v);
    if (ours !== undefined) {
      shift = (lg.node(v) as { rank: number }).rank - 2 * ours;
      break;
    }
  }
  if (shift === undefined) return order(lg, {});
  const rowAt = (v: string): number | undefined => {
    const label = lg.node(v) as { rank: number; edgeObj?: { v: string; w: string } };
    if (r.ranks.has(v)) return r.rowOf.get(v) ?? 0;
    const e = label.edgeObj;
    if (!e) return undefined;
    const [from, to] = [r.rowOf.get(e.v), r.rowOf.get(e.w)];
    if (from === undefined || to === undefined) return undefined;
    if (from === to) return from;
    // An edge between lanes: in the row of the endpoint whose lane's ranks it is passing.
    const ours = (label.rank - shift!) / 2;
    const passing = (span: (typeof r.spans)[number]) => ours >= span.start - 0.5 && ours <= span.start + span.perRow - 0.5;
    for (const id of [e.v, e.w]) {
      if (passing(r.spans[r.laneOf.get(id)!])) return r.rowOf.get(id);
    }
    // Passing another lane: its only row, unless that lane wraps too.
    const passed = r.spans.find(passing);
    return passed && !passed.wraps ? 0 : undefined;
  };
  const byRank = new Map<number, Map<number, string>>();
  for (const v of lg.nodes()) {
    const rank = (lg.node(v) as { rank?: number }).rank;
    const row = rowAt(v);
    if (typeof rank !== 'number' || row === undefined) return order(lg, {});
    let rows = byRank.get(rank);
    if (!rows) byRank.set(rank, (rows = new Map()));
    if (rows.has(row)) return order(lg, {});
    rows.set(row, v);
  }
  for (const rows of byRank.values()) {
    [...rows.keys()].sort((a, b) => a - b).forEach((row, i) => ((lg.node(rows.get(row)!) as { order?: number }).order = i));
  }
}

/** What layoutGraph decides before dagre runs: lanes, edges, node sizes and ranks. */
interface Ranked {
  names: (string | null)[];
  laneOf: Map<string, number>;
  dag: DagEdge[];
  texts: Map<string, { label: string; meta: string; width: number }>;
  sizes: Map<string, { width: number; height: number }>;
  /** Stacked chains' ranks (stackAcross), or null. */
  stacked: Map<string, number> | null;
  /** dagre rank of every node (and of each empty lane's placeholder), and the row of its wrapped lane. */
  ranks: Map<string, number>;
  rowOf: Map<string, number>;
  /** Each lane's first rank, how many ranks a row of it holds, and whether it wraps into several rows. */
  spans: { start: number; perRow: number; wraps: boolean }[];
}

function rankNodes(graph: PipelineGraph, measure: MeasureText, options: LayoutOptions, tb: boolean): Ranked {
  const { names, laneOf } = laneOrder(graph);
  const dag = orientEdges(graph, laneOf);
  const texts = new Map<string, { label: string; meta: string; width: number }>();
  const sizes = new Map<string, { width: number; height: number }>();
  for (const node of graph.nodes) {
    // Steps are pills: their rounded ends need more room than a dataset's square corners.
    const badge = (node.findings.length > 0 ? NODE_TEXT_RIGHT : 12) + (node.kind === 'step' ? 12 : 0);
    const widest = options.wide?.(node) ? WIDE_NODE_MAX_WIDTH : NODE_MAX_WIDTH;
    const maxWidth = Math.max(NODE_MIN_WIDTH, Math.min(widest, options.maxNodeWidth ?? widest));
    const maxText = maxWidth - NODE_TEXT_LEFT - badge;
    const label = fitName(node.label, maxText, 'label', measure);
    const meta = fitText(options.meta?.(node) ?? nodeMeta(node), maxText, 'meta', measure);
    const textWidth = Math.max(measure(label, 'label'), measure(meta, 'meta'));
    const width = Math.min(maxWidth, Math.max(NODE_MIN_WIDTH, Math.ceil(textWidth) + NODE_TEXT_LEFT + badge));
    texts.set(node.id, { label, meta, width });
    sizes.set(node.id, { width, height: NODE_HEIGHT });
  }
  // Each lane starts one rank after the previous lane's last; a wrapped lane's rows share ranks.
  const stacked =
    tb && options.stackAcross !== undefined ? stackChains(graph, names.length, laneOf, localRanks(graph, laneOf, dag), dag, sizes, options.stackAcross) : null;
  const local = stacked ?? localRanks(graph, laneOf, dag);
  const folds = laneFolds(graph, names.length, laneOf, local, sizes, tb, options.wrap);
  const laneStart: number[] = [];
  let nextStart = 0;
  for (let lane = 0; lane < names.length; lane++) {
    laneStart.push(nextStart);
    nextStart += folds[lane].perRow;
  }
  const ranks = new Map<string, number>();
  const rowOf = new Map<string, number>();
  for (const node of graph.nodes) {
    const lane = laneOf.get(node.id)!;
    const r = local.get(node.id) ?? 0;
    ranks.set(node.id, laneStart[lane] + (r % folds[lane].perRow));
    rowOf.set(node.id, Math.floor(r / folds[lane].perRow));
  }
  for (let lane = 0; lane < names.length; lane++) {
    if (!graph.nodes.some((n) => laneOf.get(n.id) === lane)) ranks.set(PLACEHOLDER_PREFIX + lane, laneStart[lane]);
  }
  const spans = folds.map((f, lane) => ({ start: laneStart[lane], perRow: f.perRow, wraps: f.perRow < f.depth }));
  return { names, laneOf, dag, texts, sizes, stacked, ranks, rowOf, spans };
}

/**
 * A lower bound of the width layoutGraph gives a stacked (TB) layout, without running dagre: dagre
 * keeps the nodes of a rank apart by at least the node separation, so no layout is narrower than
 * its widest rank. The panel uses it to skip a layout it would throw away.
 */
export function stackedWidthAtLeast(graph: PipelineGraph, measure: MeasureText, options: LayoutOptions = {}): number {
  if (options.direction !== 'TB' || options.rankAcross !== undefined) return 0;
  const { sizes, ranks } = rankNodes(graph, measure, options, true);
  const perRank = new Map<number, { width: number; count: number }>();
  for (const node of graph.nodes) {
    const r = ranks.get(node.id)!;
    const at = perRank.get(r) ?? { width: 0, count: 0 };
    at.width += sizes.get(node.id)!.width;
    at.count++;
    perRank.set(r, at);
  }
  let widest = 0;
  for (const { width, count } of perRank.values()) widest = Math.max(widest, width + NODE_SEP * (count - 1));
  return widest + 2 * LANE_PAD_X;
}

export function layoutGraph(graph: PipelineGraph, measure: MeasureText, options: LayoutOptions = {}): GraphLayout {
  const direction = options.direction ?? 'LR';
  const tb = direction === 'TB';
  if (tb && options.rankAcross !== undefined) return rowsLayout(graph, measure, options, options.rankAcross);
  const { names, laneOf, dag, texts, sizes, stacked, ranks, rowOf, spans } = rankNodes(graph, measure, options, tb);

  const g = new dagre.graphlib.Graph<Dagre.GraphLabel, Dagre.NodeLabel, Dagre.EdgeLabel>({ multigraph: true });
  g.setGraph({
    rankdir: direction,
    nodesep: NODE_SEP,
    // Top to bottom the ranks of a lane are closer; the lanes' gaps are widened after dagre.
    ranksep: tb ? RANK_SEP_IN_LANE_TB : RANK_SEP,
    marginx: 0,
    marginy: 0,
    // dagre accepts a ranking function (its RankerFunction type) although GraphLabel only lists names.
    ranker: ((lg: Dagre.Graph<Dagre.GraphLabel, Dagre.NodeLabel, Dagre.EdgeLabel>) => {
      // dagre doubles every edge's minimum length to leave a rank for edge labels, so our ranks
      // go on even ranks. Besides our nodes it adds a nesting root that must rank before all.
      for (const v of lg.nodes()) lg.node(v).rank = 2 * (ranks.get(v) ?? -1);
    }) as unknown as Dagre.GraphLabel['ranker'],
  });

  // Edges into a later row are drawn by us, after dagre: given to dagre they would run backwards.
  const wraps = new Set(dag.filter((e) => laneOf.get(e.from) === laneOf.get(e.to) && rowOf.get(e.from) !== rowOf.get(e.to)));
  // dagre's first ordering visits nodes in insertion order: a wrapped lane's first row goes in
  // first, so rows read in order (top to bottom, or left to right) rather than in any order.
  const inserted = wraps.size > 0 ? [...graph.nodes].sort((a, b) => rowOf.get(a.id)! - rowOf.get(b.id)!) : graph.nodes;
  // Stacked chains: an edge that skips ranks is drawn by us down the right-hand side. Given to
  // dagre, each would take a column of its own beside the chains it passes, and the stack would
  // lean into a staircase as wide as the layout it replaces.
  const sides = new Set(stacked ? dag.filter((e) => !wraps.has(e) && !e.reversed && ranks.get(e.to)! - ranks.get(e.from)! > 1) : []);
  for (const node of inserted) g.setNode(node.id, sizes.get(node.id)!);
  for (let lane = 0; lane < names.length; lane++) {
    if (ranks.has(PLACEHOLDER_PREFIX + lane)) g.setNode(PLACEHOLDER_PREFIX + lane, { width: EMPTY_LANE_WIDTH, height: NODE_HEIGHT });
  }
  dag.forEach((e, i) => {
    if (!wraps.has(e) && !sides.has(e)) g.setEdge(e.from, e.to, { weight: laneOf.get(e.from) === laneOf.get(e.to) ? 2 : 1 }, `e${i}`);
  });

  dagre.layout(
    g,
    options.exactOrder
      ? {}
      : {
          customOrder:
            wraps.size > 0
              ? (lg: LayoutGraph, order: OrderFn) => orderByRowUnlessBranched(lg, order, { ranks, rowOf, laneOf, spans })
              : orderUnlessOneNodePerRank,
        },
  );

  if (tb) widenLaneGaps(g, graph, laneOf, names.length);

  // Band extents along the flow from the nodes each lane holds; neighbours meet halfway across the rank gap.
  const extents = names.map(() => ({ min: Infinity, max: -Infinity, count: 0 }));
  let crossMin = Infinity;
  let crossMax = -Infinity;
  const bump = (lane: number, n: { x?: number; y?: number; width: number; height: number }) => {
    const [c, size, cc, crossSize] = tb ? [n.y!, n.height, n.x!, n.width] : [n.x!, n.width, n.y!, n.height];
    extents[lane].min = Math.min(extents[lane].min, c - size / 2);
    extents[lane].max = Math.max(extents[lane].max, c + size / 2);
    crossMin = Math.min(crossMin, cc - crossSize / 2);
    crossMax = Math.max(crossMax, cc + crossSize / 2);
  };
  for (const node of graph.nodes) {
    const lane = laneOf.get(node.id)!;
    bump(lane, g.node(node.id));
    extents[lane].count++;
  }
  for (let lane = 0; lane < names.length; lane++) {
    const p = g.node(PLACEHOLDER_PREFIX + lane);
    if (p) bump(lane, p);
  }
  if (!Number.isFinite(crossMin)) {
    crossMin = 0;
    crossMax = 0;
  }
  // Each side edge gets its own channel right of the nodes it passes, channels stepped apart.
  const channel = new Map<DagEdge, number>();
  let k = 0;
  for (const e of sides) {
    const a = g.node(e.from);
    const b = g.node(e.to);
    const top = a.y!;
    const bottom = b.y!;
    let right = Math.max(a.x! + a.width / 2, b.x! + b.width / 2);
    for (const n of graph.nodes) {
      const m = g.node(n.id);
      if (m.y! >= top && m.y! <= bottom) right = Math.max(right, m.x! + m.width / 2);
    }
    const x = right + SIDE_GAP + SIDE_STEP * (k++ % 4);
    channel.set(e, x);
    crossMax = Math.max(crossMax, x + SIDE_GAP / 2);
  }
  // Offsets from dagre's coordinates to ours: the flow starts after the first lane's title.
  const flowShift = (tb ? LANE_TITLE_TB + LANE_PAD_TB : LANE_PAD_X) - (extents[0]?.min ?? 0);
  const crossShift = (tb ? LANE_PAD_X : LANE_HEADER + LANE_PAD_Y) - crossMin;
  const dx = tb ? crossShift : flowShift;
  const dy = tb ? flowShift : crossShift;
  const boundaries: number[] = [0];
  for (let lane = 1; lane < names.length; lane++) boundaries.push((extents[lane - 1].max + extents[lane].min) / 2 + flowShift);
  const flowLength = names.length > 0 ? extents[names.length - 1].max + flowShift + (tb ? LANE_PAD_TB : LANE_PAD_X) : 0;
  boundaries.push(flowLength);
  const crossLength = crossMax - crossMin + (tb ? 2 * LANE_PAD_X : LANE_HEADER + 2 * LANE_PAD_Y);
  const width = tb ? crossLength : flowLength;
  const height = tb ? flowLength : crossLength;

  const lanes: LaneBand[] = names.map((name, lane) => {
    const from = boundaries[lane];
    const size = boundaries[lane + 1] - from;
    return {
      name,
      title: fitText(name ?? 'unlayered', (tb ? width : size) - 16, 'lane', measure),
      titleX: tb ? LANE_PAD_X / 2 : from + size / 2,
      titleY: tb ? from + 20 : LANE_HEADER / 2 + 6,
      titleAnchor: tb ? 'start' : 'middle',
      x: tb ? 0 : from,
      y: tb ? from : 0,
      width: tb ? width : size,
      height: tb ? size : height,
      nodeCount: extents[lane].count,
    };
  });

  const nodes: NodeBox[] = graph.nodes.map((node) => {
    const n = g.node(node.id);
    const t = texts.get(node.id)!;
    return {
      node,
      laneIndex: laneOf.get(node.id)!,
      x: n.x! - n.width / 2 + dx,
      y: n.y! - n.height / 2 + dy,
      width: n.width,
      height: n.height,
      label: t.label,
      meta: t.meta,
    };
  });
  nodes.sort((a, b) => a.laneIndex - b.laneIndex || (tb ? a.y - b.y || a.x - b.x : a.x - b.x || a.y - b.y));

  const boxOf = new Map(nodes.map((b) => [b.node.id, b]));
  const edges: EdgeRoute[] = dag.map((e, i) => {
    if (sides.has(e)) {
      const from = boxOf.get(e.from)!;
      const to = boxOf.get(e.to)!;
      const cx = channel.get(e)! + dx;
      const fy = from.y + from.height / 2;
      const ty = to.y + to.height / 2;
      const points = [
        { x: from.x + from.width, y: fy },
        { x: cx, y: fy },
        { x: cx, y: ty },
        { x: to.x + to.width, y: ty },
      ];
      return { edge: e.edge, points, backward: false };
    }
    if (wraps.has(e)) {
      const points = wrapRoute(boxOf.get(e.from)!, boxOf.get(e.to)!, tb);
      if (e.reversed) points.reverse();
      return { edge: e.edge, points, backward: e.reversed, wrapped: true };
    }
    const label = g.edge({ v: e.from, w: e.to, name: `e${i}` });
    const points = (label.points ?? []).map((p: Dagre.Point) => ({ x: p.x + dx, y: p.y + dy }));
    if (e.reversed) points.reverse();
    return { edge: e.edge, points, backward: e.reversed };
  });

  return { direction, lanes, nodes, edges, width, height };
}

/**
 * Top to bottom, dagre spaced every rank by the gap within a lane: the gap between two lanes is
 * widened to RANK_SEP_TB (room for the lower lane's title), by moving everything below it down.
 * A lane's ranks are consecutive and come after the previous lane's, so the lanes' nodes do not
 * interleave along the flow; edge points between two lanes move with the lower lane when they are
 * past the middle of the gap (the segment across it is stretched, nothing is reordered).
 */
function widenLaneGaps(g: LayoutGraph, graph: PipelineGraph, laneOf: Map<string, number>, laneCount: number): void {
  const extents = Array.from({ length: laneCount }, () => ({ min: Infinity, max: -Infinity }));
  const within = (lane: number, v: string) => {
    const n = g.node(v);
    extents[lane].min = Math.min(extents[lane].min, n.y! - n.height / 2);
    extents[lane].max = Math.max(extents[lane].max, n.y! + n.height / 2);
  };
  for (const node of graph.nodes) within(laneOf.get(node.id)!, node.id);
  for (let lane = 0; lane < laneCount; lane++) if (g.hasNode(PLACEHOLDER_PREFIX + lane)) within(lane, PLACEHOLDER_PREFIX + lane);
  const cuts: number[] = [];
  for (let lane = 1; lane < laneCount; lane++) {
    if (Number.isFinite(extents[lane].min) && Number.isFinite(extents[lane - 1].max)) cuts.push((extents[lane - 1].max + extents[lane].min) / 2);
  }
  if (cuts.length === 0) return;
  cuts.sort((a, b) => a - b);
  const extra = RANK_SEP_TB - RANK_SEP_IN_LANE_TB;
  const moved = (y: number) => {
    let k = 0;
    while (k < cuts.length && cuts[k] <= y) k++;
    return y + k * extra;
  };
  for (const v of g.nodes()) {
    const n = g.node(v);
    if (n && typeof n.y === 'number') n.y = moved(n.y);
  }
  for (const e of g.edges()) for (const p of g.edge(e).points ?? []) p.y = moved(p.y);
}

/** From the end of one row of a wrapped lane to the start of the next: out, across, back, in. */
function wrapRoute(from: NodeBox, to: NodeBox, tb: boolean): Point[] {
  if (!tb) {
    const out = from.x + from.width + RANK_SEP / 3;
    const back = to.x - RANK_SEP / 3;
    const fy = from.y + from.height / 2;
    const ty = to.y + to.height / 2;
    const mid = to.y > from.y ? (from.y + from.height + to.y) / 2 : (to.y + to.height + from.y) / 2;
    return [
      { x: from.x + from.width, y: fy },
      { x: out, y: fy },
      { x: out, y: mid },
      { x: back, y: mid },
      { x: back, y: ty },
      { x: to.x, y: ty },
    ];
  }
  const out = from.y + from.height + RANK_SEP_TB / 3;
  const back = to.y - RANK_SEP_TB / 3;
  const fx = from.x + from.width / 2;
  const tx = to.x + to.width / 2;
  const mid = to.x > from.x ? (from.x + from.width + to.x) / 2 : (to.x + to.width + from.x) / 2;
  return [
    { x: fx, y: from.y + from.height },
    { x: fx, y: out },
    { x: mid, y: out },
    { x: mid, y: back },
    { x: tx, y: back },
    { x: tx, y: to.y },
  ];
}
