/**
 * Draws a computed layout as SVG. Every string that comes from user code goes in through
 * textContent or setAttribute on a non-event attribute, never through markup parsing.
 */
import type { GraphFinding, GraphNode } from '../../shared/protocol';
import type { Synthetic } from './focus';
import type { OpenedGroup } from './fold';
import type { PipelineFrame } from './frames';
import { LANE_HEADER, NODE_TEXT_LEFT, type GraphLayout, type LaneBand, type NodeBox, type Point } from './layout';

export const SVG_NS = 'http://www.w3.org/2000/svg';
export const ARROW_MARKER_ID = 'psa-arrow';

type Attrs = Record<string, string | number>;

export function svgEl<K extends keyof SVGElementTagNameMap>(tag: K, attrs: Attrs = {}, parent?: Element): SVGElementTagNameMap[K] {
  const el = document.createElementNS(SVG_NS, tag);
  for (const [name, value] of Object.entries(attrs)) el.setAttribute(name, String(value));
  parent?.appendChild(el);
  return el;
}

function textEl(text: string, attrs: Attrs, parent: Element): SVGTextElement {
  const el = svgEl('text', attrs, parent);
  el.textContent = text;
  return el;
}

const SEVERITY_RANK: Record<GraphFinding['severity'], number> = { error: 0, warning: 1, information: 2, hint: 3 };

export function worstSeverity(findings: GraphFinding[]): GraphFinding['severity'] | null {
  let worst: GraphFinding['severity'] | null = null;
  for (const f of findings) if (worst === null || SEVERITY_RANK[f.severity] < SEVERITY_RANK[worst]) worst = f.severity;
  return worst;
}

/**
 * Lane colour slot (1-6 of preview.css's colour-blind-safe palette) by conventional layer name, so
 * bronze is always the same colour; other names take the slots in turn. The six names of a mixed
 * medallion + lambda workspace have six different slots.
 */
const LANE_SLOTS: Record<string, number> = {
  bronze: 1,
  raw: 1,
  landing: 1,
  silver: 2,
  gold: 3,
  batch: 4,
  speed: 5,
  serving: 6,
  // Kappa: source, stream, lake, serving.
  source: 2,
  stream: 5,
  lake: 4,
};

export function laneSlot(name: string | null, index: number): number | null {
  if (name === null) return null;
  return LANE_SLOTS[name.toLowerCase()] ?? (index % 6) + 1;
}

export function nodeKindClass(node: GraphNode): string {
  return node.kind === 'step' ? 'step' : (node.role ?? 'intermediate');
}

export function nodeAccessibleName(node: GraphNode): string {
  const parts = [node.label, node.kind === 'step' ? 'step' : `${node.role ?? 'dataset'} dataset`];
  if (node.layer) parts.push(`${node.layer} layer`);
  if (node.streaming) parts.push('streaming');
  if (node.findings.length > 0) parts.push(`${node.findings.length} finding${node.findings.length === 1 ? '' : 's'}`);
  return parts.join(', ');
}

function fmt(n: number): string {
  return String(Math.round(n * 10) / 10);
}

/** A smooth path through dagre's bend points: quadratic segments between midpoints. */
export function edgePath(points: Point[]): string {
  if (points.length === 0) return '';
  let d = `M${fmt(points[0].x)},${fmt(points[0].y)}`;
  for (let i = 1; i < points.length - 1; i++) {
    const p = points[i];
    const next = points[i + 1];
    d += ` Q${fmt(p.x)},${fmt(p.y)} ${fmt((p.x + next.x) / 2)},${fmt((p.y + next.y) / 2)}`;
  }
  const last = points[points.length - 1];
  d += ` L${fmt(last.x)},${fmt(last.y)}`;
  return d;
}

function syntheticName(s: Synthetic, label: string): string {
  if (s.type === 'stub') return `${label} hidden (${s.hidden.length} node${s.hidden.length === 1 ? '' : 's'}): show them`;
  if (s.type === 'fold')
    return `${s.chains} alike ${s.length === 1 ? 'nodes' : `chains of ${s.length} nodes`} folded into one, like ${s.patterns.join(' → ')}: show them`;
  return `${label}, ${s.pipeline.architecture === 'unknown' ? 'pipeline' : `${s.pipeline.architecture} pipeline`} collapsed (${s.datasets} datasets, ${s.steps} steps): expand it`;
}

function renderNode(box: NodeBox, parent: SVGGElement, s: Synthetic | undefined): SVGGElement {
  const { node } = box;
  const classes = s ? ['node', `node--${s.type}`] : ['node', `node--${node.kind}`, `node--${nodeKindClass(node)}`];
  if (s?.type === 'fold') classes.push(`node--${node.kind}`, `node--${nodeKindClass(node)}`);
  if (s?.type === 'stub') classes.push(`node--${s.direction}`);
  if (node.streaming && !s) classes.push('node--streaming');
  const g = svgEl(
    'g',
    {
      class: classes.join(' '),
      transform: `translate(${fmt(box.x)} ${fmt(box.y)})`,
      tabindex: 0,
      role: 'button',
      'aria-label': s ? syntheticName(s, node.label) : nodeAccessibleName(node),
      'data-node-id': node.id,
    },
    parent,
  );
  if (s) g.setAttribute('aria-expanded', 'false');
  const radius = node.kind === 'step' ? box.height / 2 : 5;
  // A group of folded chains is drawn as a stack of cards: many alike, behind the one shown.
  if (s?.type === 'fold')
    for (const offset of [8, 4]) svgEl('rect', { class: 'node__stack', x: offset, y: -offset, width: box.width, height: box.height, rx: radius }, g);
  svgEl('rect', { class: 'node__focus', x: -4, y: -4, width: box.width + 8, height: box.height + 8, rx: radius + 4 }, g);
  svgEl('rect', { class: 'node__box', width: box.width, height: box.height, rx: radius }, g);
  if (node.kind === 'dataset' && (!s || s.type === 'fold')) svgEl('rect', { class: 'node__accent', x: 0, y: 0, width: 5, height: box.height, rx: 2 }, g);
  const textLeft = node.kind === 'step' ? NODE_TEXT_LEFT + 4 : NODE_TEXT_LEFT;
  textEl(box.label, { class: 'node__label', x: textLeft, y: 21 }, g);
  textEl(box.meta, { class: 'node__meta', x: textLeft, y: 38 }, g);

  const severity = worstSeverity(node.findings);
  if (severity) {
    const badge = svgEl('g', { class: `badge badge--${severity}`, transform: `translate(${fmt(box.width - 14)} 14)` }, g);
    svgEl('circle', { class: 'badge__dot', r: 10 }, badge);
    textEl(String(node.findings.length), { class: 'badge__count', x: 0, y: 4 }, badge);
    const codes = [...new Set(node.findings.map((f) => f.code))].join(', ');
    svgEl('title', {}, badge).textContent = `${node.findings.length} finding${node.findings.length === 1 ? '' : 's'}: ${codes}`;
  }
  return g;
}

export interface RenderedGraph {
  nodeElements: Map<string, SVGGElement>;
  /** Each frame's collapse toggle, by pipeline name. */
  frameToggles: Map<string, SVGGElement>;
}

/** Attribute of a lane's fold control: the keys (fold.ts) of the groups it folds, one per line. */
export const FOLD_KEYS_ATTR = 'data-fold-keys';

/**
 * A lane holding chains of a group the user opened offers to fold them again, in its header: on the
 * title's line at the right (lanes stacked) or under the title (lanes side by side, where the title
 * is centred in a column). Keyboard users reach it with Tab, like a frame's toggle.
 */
function renderLaneFold(lane: LaneBand, groups: OpenedGroup[], stacked: boolean, parent: SVGGElement): SVGGElement {
  const keys = groups.map((g) => g.key).join('\n');
  const chains = groups.reduce((n, g) => n + g.chains, 0);
  const what = groups.map((g) => g.patterns.join(' → ')).join('; ');
  const g = svgEl(
    'g',
    {
      class: 'lane__fold',
      tabindex: 0,
      role: 'button',
      [FOLD_KEYS_ATTR]: keys,
      'aria-label': `Fold the ${chains} alike chains (${what}) into one group again`,
    },
    parent,
  );
  const x = stacked ? lane.x + lane.width - 10 : lane.x + lane.width / 2;
  const y = stacked ? lane.titleY : lane.y + LANE_HEADER + 12;
  const label = `\u25b4 fold ${chains} alike`;
  // Room for the focus ring around the text; its width from the text's length (no measuring here).
  const width = label.length * 6.5 + 8;
  const left = stacked ? x - width + 4 : x - width / 2;
  svgEl('rect', { class: 'lane__fold-focus', x: fmt(left), y: fmt(y - 13), width: fmt(width), height: 18, rx: 3 }, g);
  textEl(label, { class: 'lane__fold-text', x: fmt(x), y: fmt(y), 'text-anchor': stacked ? 'end' : 'middle' }, g);
  svgEl('title', {}, g).textContent = `Fold the ${chains} alike chains into one group again`;
  return g;
}

/** A pipeline's frame: its box, and a header with its name and architecture that collapses it. */
function renderFrame(frame: PipelineFrame, index: number, parent: SVGGElement): SVGGElement | null {
  const g = svgEl('g', { class: `frame${frame.collapsed ? ' frame--collapsed' : ''}`, 'data-frame': index, 'data-pipeline-id': frame.id }, parent);
  svgEl('rect', { class: 'frame__box', x: fmt(frame.x), y: fmt(frame.y), width: fmt(frame.width), height: fmt(frame.height), rx: 6 }, g);
  const name = frame.pipeline?.name;
  const arch = frame.architecture || 'no architecture recognised';
  // A pipeline the server did not name cannot be collapsed (collapsing goes by name): no button.
  const header = svgEl('g', { class: 'frame__header', transform: `translate(${fmt(frame.x)} ${fmt(frame.y)})` }, g);
  if (name !== undefined) {
    header.setAttribute('tabindex', '0');
    header.setAttribute('role', 'button');
    header.setAttribute('data-frame-toggle', name);
    header.setAttribute('aria-expanded', String(!frame.collapsed));
    header.setAttribute('aria-label', `${name}, ${arch} pipeline: ${frame.collapsed ? 'expand' : 'collapse'} it`);
  }
  svgEl('rect', { class: 'frame__focus', x: 2, y: 2, width: fmt(frame.width - 4), height: 26, rx: 4 }, header);
  const title = svgEl('text', { class: 'frame__title', x: 8, y: 20 }, header);
  if (name !== undefined) svgEl('tspan', { class: 'frame__icon', 'aria-hidden': 'true' }, title).textContent = frame.collapsed ? '\u25b8 ' : '\u25be ';
  svgEl('tspan', { class: 'frame__name' }, title).textContent = frame.title;
  if (frame.architecture) svgEl('tspan', { class: 'frame__arch' }, title).textContent = ` · ${frame.architecture}`;
  svgEl('title', {}, header).textContent =
    `${name ?? 'Pipeline'} (${arch})${name !== undefined ? `: click to ${frame.collapsed ? 'expand' : 'collapse'}` : ''}`;
  return name !== undefined ? header : null;
}

/** A drawing that follows a layout still growing (see frames.ts's ViewLayoutStream). */
export interface GraphRenderer extends RenderedGraph {
  /** Draws what the layout holds beyond what is drawn already, each kind after its own kind. */
  append(): void;
  /**
   * Draws up to `count` of the nodes (and edges) left out of the first screen, each in its place in
   * document order (nodes are tab stops in layout order).
   */
  fillIn(count: number): void;
  /** Some nodes or edges are still left for fillIn. */
  readonly pending: boolean;
}

export interface Region {
  x: number;
  y: number;
  width: number;
  height: number;
}

function meets(a: Region, b: Region): boolean {
  return a.x < b.x + b.width && b.x < a.x + a.width && a.y < b.y + b.height && b.y < a.y + a.height;
}

function pointsBox(points: Point[]): Region {
  const xs = points.map((p) => p.x);
  const ys = points.map((p) => p.y);
  const x = Math.min(...xs);
  const y = Math.min(...ys);
  return { x, y, width: Math.max(...xs) - x, height: Math.max(...ys) - y };
}

/**
 * Elements of one kind kept in the order of the layout's list whatever order they are drawn in:
 * one drawn late goes before the next one drawn already.
 */
class OrderedGroup {
  private readonly placed: (Element | undefined)[] = [];

  constructor(readonly group: SVGGElement) {}

  put(index: number, make: (parent: SVGGElement) => Element): void {
    const el = make(this.group);
    let next: Element | undefined;
    for (let i = index + 1; i < this.placed.length && !next; i++) next = this.placed[i];
    if (next) this.group.insertBefore(el, next);
    this.placed[index] = el;
  }
}

/**
 * Replaces the content of `viewport` with frames, lanes, edges and nodes (in that paint order).
 * With `firstScreen`, nodes and edges outside it are left for fillIn: a pipeline of 600 nodes
 * shows a dozen on its first screen, and styling and laying out the SVG of the others first made
 * the first screen wait for all of them.
 */
export function renderGraph(
  viewport: SVGGElement,
  layout: GraphLayout,
  synthetic: ReadonlyMap<string, Synthetic> = new Map(),
  firstScreen?: Region,
  opened: readonly OpenedGroup[] = [],
): GraphRenderer {
  viewport.replaceChildren();
  const frameToggles = new Map<string, SVGGElement>();
  // A group's lane: the band of its layer in its pipeline's frame (any band of that layer, unframed).
  const openedIn = (lane: LaneBand) =>
    opened.filter((g) => g.layer === lane.name && (lane.frame === undefined || g.pipeline === undefined || layout.frames?.[lane.frame]?.id === g.pipeline));
  const nodeElements = new Map<string, SVGGElement>();
  let framesGroup: SVGGElement | null = null;
  const lanesGroup = svgEl('g', { class: 'lanes' }, viewport);
  const edgesGroup = new OrderedGroup(svgEl('g', { class: 'edges' }, viewport));
  const nodesGroup = new OrderedGroup(svgEl('g', { class: 'nodes' }, viewport));
  const drawn = { frames: 0, lanes: 0, edges: 0, nodes: 0 };
  /** Indexes in layout.edges and layout.nodes left for fillIn. */
  const later = { edges: [] as number[], nodes: [] as number[] };
  // Bands alternate within a frame, and each frame starts on the same shade.
  let parity = 0;

  const drawEdge = (i: number) =>
    edgesGroup.put(i, (parent) => {
      const route = layout.edges[i];
      const g = svgEl(
        'g',
        {
          class: `edge${route.backward ? ' edge--backward' : ''}${route.wrapped ? ' edge--wrapped' : ''}`,
          'data-from': route.edge.from,
          'data-to': route.edge.to,
        },
        parent,
      );
      svgEl('path', { class: 'edge__path', d: edgePath(route.points), 'marker-end': `url(#${ARROW_MARKER_ID})` }, g);
      return g;
    });
  const drawNode = (i: number) =>
    nodesGroup.put(i, (parent) => {
      const box = layout.nodes[i];
      const el = renderNode(box, parent, synthetic.get(box.node.id));
      if (box.frame !== undefined) el.setAttribute('data-frame', String(box.frame));
      nodeElements.set(box.node.id, el);
      return el;
    });

  const append = () => {
    const frames = layout.frames ?? [];
    if (frames.length > drawn.frames) {
      framesGroup ??= viewport.insertBefore(svgEl('g', { class: 'frames' }), lanesGroup);
      for (let i = drawn.frames; i < frames.length; i++) {
        const toggle = renderFrame(frames[i], i, framesGroup);
        if (toggle && frames[i].pipeline) frameToggles.set(frames[i].pipeline!.name, toggle);
      }
      drawn.frames = frames.length;
    }
    for (let i = drawn.lanes; i < layout.lanes.length; i++) {
      const lane = layout.lanes[i];
      if (i > 0 && lane.frame !== layout.lanes[i - 1].frame) parity = 0;
      const slot = laneSlot(lane.name, i);
      const g = svgEl(
        'g',
        {
          class: `lane lane--${parity++ % 2 === 0 ? 'even' : 'odd'}${slot === null ? ' lane--unlayered' : ` accent-${slot}`}`,
          'data-lane': lane.name ?? '',
        },
        lanesGroup,
      );
      if (lane.frame !== undefined) g.setAttribute('data-frame', String(lane.frame));
      svgEl('rect', { class: 'lane__band', x: fmt(lane.x), y: lane.y, width: fmt(lane.width), height: fmt(lane.height) }, g);
      svgEl('line', { class: 'lane__stripe', x1: fmt(lane.x), y1: fmt(lane.y + 2), x2: fmt(lane.x + lane.width), y2: fmt(lane.y + 2) }, g);
      textEl(lane.title, { class: 'lane__title', x: fmt(lane.titleX), y: fmt(lane.titleY), 'text-anchor': lane.titleAnchor }, g);
      if (lane.nodeCount === 0) textEl('no nodes', { class: 'lane__empty', x: fmt(lane.x + lane.width / 2), y: fmt(lane.y + lane.height / 2 + 4) }, g);
      const groups = lane.nodeCount > 0 ? openedIn(lane) : [];
      if (groups.length > 0) renderLaneFold(lane, groups, lane.titleAnchor === 'start', g);
    }
    drawn.lanes = layout.lanes.length;
    for (let i = drawn.edges; i < layout.edges.length; i++) {
      if (firstScreen && !meets(pointsBox(layout.edges[i].points), firstScreen)) later.edges.push(i);
      else drawEdge(i);
    }
    drawn.edges = layout.edges.length;
    for (let i = drawn.nodes; i < layout.nodes.length; i++) {
      if (firstScreen && !meets(layout.nodes[i], firstScreen)) later.nodes.push(i);
      else drawNode(i);
    }
    drawn.nodes = layout.nodes.length;
    // What the layout adds after the first drawing is past the first screen: drawn as it comes.
    firstScreen = undefined;
  };
  const fillIn = (count: number): void => {
    const nodes = later.nodes.splice(0, count);
    // Edges along with the nodes they join, in proportion.
    const edges = later.edges.splice(
      0,
      later.nodes.length === 0 ? later.edges.length : Math.ceil((count * layout.edges.length) / Math.max(1, layout.nodes.length)),
    );
    for (const i of edges) drawEdge(i);
    for (const i of nodes) drawNode(i);
  };
  append();
  return {
    nodeElements,
    frameToggles,
    append,
    fillIn,
    get pending() {
      return later.nodes.length > 0 || later.edges.length > 0;
    },
  };
}
