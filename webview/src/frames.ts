/**
 * Several pipelines in one view. Laid out as one dagre graph, independent pipelines sat side by
 * side in shared lanes: nine small pipelines made a workspace 2,000 px wide beside a 480 px editor.
 * Here each connected pipeline is laid out on its own (its own lanes, by layoutGraph) inside a
 * labelled frame, and the frames are packed into rows as wide as the panel, in the server's order
 * (largest first), so the view grows down, the way a narrow panel scrolls.
 *
 * Packing is a shelf: frames left to right until the row is full, then the next row. A rectangle
 * packer (elkjs's rectpacking, potpack) would fill gaps better but loses reading order, and
 * elkjs alone is 1.4 MB of webview script for what is a dozen lines here; dagre stays the layout
 * library for what is inside a frame.
 */
import type { GraphNode, GraphPipeline, PipelineGraph } from '../../shared/protocol';
import { fitText, layoutGraph, NODE_MIN_WIDTH, stackedWidthAtLeast, type Direction, type GraphLayout, type LayoutOptions, type MeasureText } from './layout';

export interface PipelineFrame {
  /** The server's pipeline id, or a made-up one for nodes the server put in no pipeline. */
  id: string;
  pipeline: GraphPipeline | null;
  /** The name as drawn (shortened to fit) and the architecture ('' when none was recognised). */
  title: string;
  architecture: string;
  x: number;
  y: number;
  width: number;
  height: number;
  /** Drawn as its one summary node. */
  collapsed: boolean;
}

/** Header strip of a frame: its name, architecture and the collapse toggle. */
export const FRAME_HEADER = 30;
const FRAME_PAD = 8;
const FRAME_GAP = 20;
/** Room the toggle glyph takes before the name. */
const TOGGLE_WIDTH = 18;
/** Without a panel to bound it, a frame widens for its name up to this. */
const FRAME_NAME_MAX = 480;

export interface PipelineGroup {
  id: string;
  pipeline: GraphPipeline | null;
  nodes: GraphNode[];
}

/**
 * The view's nodes by pipeline: the server's pipeline ids, merged where an edge joins two (the server
 * never draws one, but a frame must hold every edge it has), and connected components for nodes
 * without a pipeline. Ordered as the server lists its pipelines, then by first node.
 */
export function pipelineGroups(graph: PipelineGraph): PipelineGroup[] {
  const known = new Map((graph.pipelines ?? []).map((p, i) => [p.id, { p, i }]));
  const keyOf = (n: GraphNode) => (n.pipeline !== undefined && known.has(n.pipeline) ? `p:${n.pipeline}` : `n:${n.id}`);
  const parent = new Map<string, string>();
  const find = (x: string): string => {
    let r = x;
    while (parent.get(r) !== r) r = parent.get(r)!;
    for (let n = x; n !== r;) {
      const next = parent.get(n)!;
      parent.set(n, r);
      n = next;
    }
    return r;
  };
  const byId = new Map(graph.nodes.map((n) => [n.id, n]));
  for (const n of graph.nodes) parent.set(keyOf(n), keyOf(n));
  for (const e of graph.edges) {
    const a = byId.get(e.from);
    const b = byId.get(e.to);
    if (!a || !b) continue;
    const ra = find(keyOf(a));
    const rb = find(keyOf(b));
    if (ra !== rb) parent.set(rb, ra);
  }
  const groups = new Map<string, { nodes: GraphNode[]; rank: number; pipeline: GraphPipeline | null }>();
  graph.nodes.forEach((n, order) => {
    const root = find(keyOf(n));
    let g = groups.get(root);
    if (!g) groups.set(root, (g = { nodes: [], rank: Infinity, pipeline: null }));
    g.nodes.push(n);
    const k = n.pipeline !== undefined ? known.get(n.pipeline) : undefined;
    // The first listed pipeline among those merged names the frame; unnamed groups go after.
    const rank = k ? k.i : graph.nodes.length + order;
    if (rank < g.rank) {
      g.rank = rank;
      if (k) g.pipeline = k.p;
    }
  });
  return [...groups.entries()].sort((a, b) => a[1].rank - b[1].rank).map(([root, g]) => ({ id: g.pipeline?.id ?? root, pipeline: g.pipeline, nodes: g.nodes }));
}

function subgraph(graph: PipelineGraph, group: PipelineGroup): PipelineGraph {
  const ids = new Set(group.nodes.map((n) => n.id));
  const used = new Set(group.nodes.map((n) => n.layer));
  return {
    architecture: group.pipeline?.architecture ?? graph.architecture,
    // A pipeline's own lanes; without one, the workspace's lanes its nodes use.
    layers: group.pipeline ? group.pipeline.layers : graph.layers.filter((l) => used.has(l)),
    nodes: group.nodes,
    edges: graph.edges.filter((e) => ids.has(e.from) && ids.has(e.to)),
    pipelines: group.pipeline ? [group.pipeline] : [],
  };
}

export interface ViewLayoutOptions {
  /** The room the graph has (the panel less its margins), px; absent: lay out left to right, unbounded. */
  panel?: { width: number; height: number };
  /** A panel beside the editor: the flow goes down. */
  narrow: boolean;
  meta?: LayoutOptions['meta'];
  wide?: LayoutOptions['wide'];
  /** Pipeline summary nodes (a collapsed pipeline): their frame draws no lanes. */
  isSummary?: (node: GraphNode) => boolean;
  /** A single pipeline this small is laid out both ways in a wide panel, to use the one that fits whole. */
  tryBothUpTo?: number;
  /** Every candidate layout run in full, dagre's crossing minimisation included (tests check the shortcuts change nothing). */
  exact?: boolean;
}

function wrapFor(direction: Direction, panel: { width: number; height: number } | undefined, inset: number): LayoutOptions['wrap'] {
  if (!panel) return undefined;
  const w = panel.width - inset;
  const h = panel.height - inset;
  return direction === 'TB' ? { along: h, across: w } : { along: w, across: h };
}

/**
 * The view laid out a frame at a time: `layout` holds the frames laid out so far, in their final
 * places (a shelf packs each frame after the ones before it, so later frames move nothing), and
 * `next()` lays out and packs one more. The page draws the frames of the first screen at once and
 * the rest in later tasks: at 300 datasets the first screen shows two or three of 49 frames.
 */
export interface ViewLayoutStream {
  /** Grows as frames are laid out; complete once `done`. */
  layout: GraphLayout;
  done: boolean;
  /** Lays out the next frame; false when there was none left. */
  next(): boolean;
}

/** A stream that was complete from the start. */
function complete(layout: GraphLayout): ViewLayoutStream {
  return { layout, done: true, next: () => false };
}

/**
 * The whole view: one frameless layout when the graph is one pipeline the server did not name (an
 * older server, a hand-made graph), else one frame per pipeline, packed into rows of the panel's width.
 */
export function layoutView(graph: PipelineGraph, measure: MeasureText, opts: ViewLayoutOptions): GraphLayout {
  const stream = layoutViewStream(graph, measure, opts);
  while (stream.next());
  return stream.layout;
}

/** layoutView a frame at a time (see ViewLayoutStream). */
export function layoutViewStream(graph: PipelineGraph, measure: MeasureText, opts: ViewLayoutOptions): ViewLayoutStream {
  const panel = opts.panel && opts.panel.width > 0 && opts.panel.height > 0 ? opts.panel : undefined;
  const narrow = panel !== undefined && opts.narrow;
  const groups = pipelineGroups(graph);
  const fits = (l: GraphLayout, inset = 0) => !!panel && l.width + inset <= panel.width && l.height + inset <= panel.height;

  if (groups.length <= 1 && !groups[0]?.pipeline) {
    const direction: Direction = narrow ? 'TB' : 'LR';
    const layout = layoutGraph(graph, measure, { direction, wrap: wrapFor(direction, panel, 0), meta: opts.meta, wide: opts.wide, exactOrder: opts.exact });
    // A wide panel still stacks the lanes when only that shows a short pipeline whole at 100%.
    if (direction === 'LR' && panel && graph.nodes.length <= (opts.tryBothUpTo ?? 80) && !fits(layout)) {
      const tb = layoutGraph(graph, measure, { direction: 'TB', wrap: wrapFor('TB', panel, 0), meta: opts.meta, wide: opts.wide, exactOrder: opts.exact });
      if (fits(tb)) return complete(tb);
    }
    return complete(layout);
  }

  const inset = 2 * FRAME_PAD;
  const layoutOne = (g: PipelineGroup, direction: Direction) => {
    const collapsed = g.nodes.length > 0 && g.nodes.every((n) => opts.isSummary?.(n) ?? false);
    const sub = subgraph(graph, g);
    const options: LayoutOptions = {
      direction,
      wrap: wrapFor(direction, panel, inset + FRAME_HEADER),
      meta: opts.meta,
      wide: opts.wide,
      exactOrder: opts.exact,
    };
    const plain = () => layoutGraph(collapsed ? { ...sub, layers: [] } : sub, measure, options);
    const stack = () => layoutGraph(sub, measure, { ...options, stackAcross: panel!.width - inset });
    const besideEditor = !collapsed && narrow && panel !== undefined;
    let stacked: GraphLayout | undefined;
    let inner: GraphLayout;
    if (besideEditor && !opts.exact) {
      // A rank wider than the panel (a hundred bronze feeds side by side) makes the plain layout
      // too wide whatever dagre does with it: when the stacked one is narrower than that rank, it
      // is the one used below, and the plain layout (the costlier: the wide ranks' crossings) is
      // not worth running. Same choice, one dagre layout fewer.
      const least = stackedWidthAtLeast(sub, measure, options);
      if (least + inset > panel.width) stacked = stack();
      inner = stacked && stacked.width < least ? stacked : plain();
    } else inner = plain();
    if (besideEditor && inner.width + inset > panel.width) {
      // Too wide beside the editor: its parallel chains one after the other, when that is narrower.
      // Only then: the per-lane estimate is conservative, and a frame that fits stays as it is.
      stacked ??= stack();
      if (stacked.width < inner.width) inner = stacked;
      // Still too wide: a rank of many nodes side by side (eleven CSV files read by one step, in
      // a real project). Left to right that rank is a column: the narrower of the two is used.
      if (inner.width + inset > panel.width) {
        const lrOptions: LayoutOptions = {
          direction: 'LR',
          wrap: wrapFor('LR', panel, inset + FRAME_HEADER),
          meta: opts.meta,
          wide: opts.wide,
          exactOrder: opts.exact,
        };
        let lr = layoutGraph(sub, measure, lrOptions);
        // A few columns of long names: shorter names (the full one is on hover and in search) rather
        // than a frame cut at the panel's edge.
        const excess = lr.width + inset - panel.width;
        if (excess > 0) {
          // The widest node each column has; the cap that takes `excess` off their sum.
          const columns = new Map<number, number>();
          for (const b of lr.nodes) {
            // A rank's nodes share their centre, not their left edge.
            const centre = Math.round(b.x + b.width / 2);
            columns.set(centre, Math.max(columns.get(centre) ?? 0, b.width));
          }
          const widths = [...columns.values()];
          const total = (cap: number) => widths.reduce((sum, w) => sum + Math.min(w, cap), 0);
          const goal = total(Infinity) - excess;
          let cap = Math.max(...widths);
          while (cap > NODE_MIN_WIDTH && total(cap) > goal) cap -= 4;
          if (total(cap) <= goal) lr = layoutGraph(sub, measure, { ...lrOptions, maxNodeWidth: cap });
        }
        if (lr.width < inner.width) inner = lr;
      }
      // Still too wide: a rank of more nodes than fit across, which left to right is no narrower
      // (a real project's six Kafka topics and CSV files in one band, beside three tables in the
      // next): that rank split into rows of its lane.
      if (inner.width + inset > panel.width) {
        const split = layoutGraph(sub, measure, { ...options, rankAcross: panel.width - inset });
        if (split.width < inner.width) inner = split;
      }
    }
    return { group: g, collapsed, inner: collapsed ? withoutLanes(inner) : inner };
  };
  const layoutAll = (direction: Direction, until?: (x: ReturnType<typeof layoutOne>) => boolean) => {
    const out: ReturnType<typeof layoutOne>[] = [];
    for (const g of groups) {
      out.push(layoutOne(g, direction));
      // Stops at the first frame that settles the choice: the rest need not be laid out this way.
      if (until?.(out[out.length - 1])) return null;
    }
    return out;
  };
  /** Each group laid out `direction` when its turn comes, after the `ready` ones. */
  const lazily = (direction: Direction, rowWidth: number, ready: ReturnType<typeof layoutOne>[] = []): ViewLayoutStream => {
    const packer = new FramePacker(direction, rowWidth, measure);
    for (const x of ready) packer.add(x);
    let index = ready.length;
    const stream: ViewLayoutStream = {
      layout: packer.out,
      done: index >= groups.length,
      next() {
        if (index >= groups.length) return false;
        packer.add(layoutOne(groups[index++], direction));
        stream.done = index >= groups.length;
        return true;
      },
    };
    return stream;
  };
  if (!panel || narrow) return lazily(narrow ? 'TB' : 'LR', panel?.width ?? Infinity);
  // Side by side lanes when every pipeline fits across the panel that way; else each pipeline's
  // lanes stacked, its frame narrow, and the frames packed several to a row. One pipeline keeps
  // the frameless rule: stacked only when that shows it whole.
  if (groups.length > 1) {
    const lr = layoutAll('LR', (x) => x.inner.width + inset > panel.width);
    return lr ? lazily('LR', panel.width, lr) : lazily('TB', panel.width);
  }
  let laidOut = layoutAll('LR')!;
  let direction: Direction = 'LR';
  if (!fits(laidOut[0].inner, inset + FRAME_HEADER) && graph.nodes.length <= (opts.tryBothUpTo ?? 80)) {
    const tb = layoutAll('TB')!;
    if (fits(tb[0].inner, inset + FRAME_HEADER)) {
      direction = 'TB';
      laidOut = tb;
    }
  }
  return lazily(direction, panel?.width ?? Infinity, laidOut);
}

/** A collapsed pipeline's frame holds its summary node alone: no band saying "unlayered". */
function withoutLanes(inner: GraphLayout): GraphLayout {
  const minX = Math.min(...inner.nodes.map((b) => b.x));
  const minY = Math.min(...inner.nodes.map((b) => b.y));
  const nodes = inner.nodes.map((b) => ({ ...b, x: b.x - minX, y: b.y - minY }));
  return {
    ...inner,
    lanes: [],
    nodes,
    width: Math.max(...nodes.map((b) => b.x + b.width)),
    height: Math.max(...nodes.map((b) => b.y + b.height)),
  };
}

type LaidOutFrame = { group: PipelineGroup; collapsed: boolean; inner: GraphLayout };

/** Packs frames into rows `rowWidth` wide, one after the other, into `out`. */
class FramePacker {
  readonly out: GraphLayout;
  private x = 0;
  private y = 0;
  private rowHeight = 0;

  constructor(
    direction: Direction,
    private readonly rowWidth: number,
    private readonly measure: MeasureText,
  ) {
    this.out = { direction, lanes: [], nodes: [], edges: [], width: 0, height: 0, frames: [] };
  }

  add({ group, collapsed, inner }: LaidOutFrame): void {
    const { out, rowWidth, measure } = this;
    const index = out.frames!.length;
    const architecture = group.pipeline && group.pipeline.architecture !== 'unknown' ? group.pipeline.architecture : '';
    const archWidth = architecture ? measure(` · ${architecture}`, 'meta') : 0;
    const name = group.pipeline?.name ?? 'pipeline';
    const wanted = TOGGLE_WIDTH + measure(name, 'lane') + archWidth + 2 * FRAME_PAD;
    // Wide enough for its name when the row has room: a name cut short is a name to hover for.
    const width = Math.max(inner.width + 2 * FRAME_PAD, Math.min(wanted, Number.isFinite(rowWidth) ? rowWidth : FRAME_NAME_MAX));
    const height = FRAME_HEADER + inner.height + FRAME_PAD;
    if (this.x > 0 && this.x + width > rowWidth) {
      this.x = 0;
      this.y += this.rowHeight + FRAME_GAP;
      this.rowHeight = 0;
    }
    const { x, y } = this;
    const ox = x + FRAME_PAD;
    const oy = y + FRAME_HEADER;
    out.frames!.push({
      id: group.id,
      pipeline: group.pipeline,
      title: fitText(name, Math.max(24, width - 2 * FRAME_PAD - TOGGLE_WIDTH - archWidth), 'lane', measure),
      architecture,
      x,
      y,
      width,
      height,
      collapsed,
    });
    const spare = width - 2 * FRAME_PAD - inner.width;
    for (const lane of inner.lanes) {
      // Bands span the frame: across it when stacked; a wide name widens the last column. A frame
      // may flow otherwise than the view (see layoutOne).
      const stacked = inner.direction === 'TB';
      const stretch = stacked ? spare : lane === inner.lanes[inner.lanes.length - 1] ? spare : 0;
      out.lanes.push({
        ...lane,
        frame: index,
        x: lane.x + ox,
        y: lane.y + oy,
        titleX: lane.titleX + ox + (!stacked && stretch > 0 ? stretch / 2 : 0),
        titleY: lane.titleY + oy,
        width: lane.width + stretch,
      });
    }
    for (const b of inner.nodes) out.nodes.push({ ...b, frame: index, x: b.x + ox, y: b.y + oy });
    for (const e of inner.edges) out.edges.push({ ...e, points: e.points.map((p) => ({ x: p.x + ox, y: p.y + oy })) });
    this.x += width + FRAME_GAP;
    this.rowHeight = Math.max(this.rowHeight, height);
    out.width = Math.max(out.width, this.x - FRAME_GAP);
    out.height = Math.max(out.height, y + height);
  }
}
