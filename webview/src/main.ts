/**
 * Entry point of the architecture preview webview: wires the host messages, the persisted
 * state, layout, rendering, pan/zoom, keyboard and export together.
 */
import type { GraphNode, PipelineGraph } from '../../shared/protocol';
import { fillDetails, positionDetails } from './details';
import { lineage, MAX_HOPS, searchNodes, syntheticMeta, viewGraph, visibleNodes, type Synthetic } from './focus';
import { exportSvg, svgToPng, type ExportBox } from './export';
import { foldId, foldParallelChains } from './fold';
import { FRAME_HEADER, layoutViewStream, type ViewLayoutStream } from './frames';
import { EMPTY_STATE_TEXT } from './html';
import { type GraphLayout, type MeasureText, type NodeBox, type TextRole } from './layout';
import { ARROW_DIRECTIONS, nearestInDirection } from './navigation';
import { PanZoom, READABLE_SCALE, type ViewTransform } from './panZoom';
import { FOLD_KEYS_ATTR, renderGraph, type GraphRenderer, type Region } from './render';
import { isHostMessage, KEPT_VIEWS, StateStore, vscodeApi } from './state';

function byId<T extends Element>(id: string): T {
  const el = document.getElementById(id);
  if (!el) throw new Error(`Preview markup is missing #${id}`);
  return el as unknown as T;
}

const dom = {
  title: byId<HTMLElement>('title'),
  summary: byId<HTMLElement>('summary'),
  stage: byId<HTMLElement>('stage'),
  svg: byId<SVGSVGElement>('graph'),
  viewport: byId<SVGGElement>('viewport'),
  empty: byId<HTMLElement>('empty'),
  details: byId<HTMLElement>('details'),
  hops: byId<HTMLSelectElement>('hops'),
  search: byId<HTMLInputElement>('search'),
  searchNames: byId<HTMLDataListElement>('search-names'),
};

const vscode = vscodeApi();
const store = new StateStore(vscode);
const panZoom = new PanZoom(dom.svg, dom.viewport, (view) => store.update({ view }));

interface Shown {
  /** The whole graph the host sent; `view` is the part drawn. */
  graph: PipelineGraph;
  view: PipelineGraph;
  synthetic: Map<string, Synthetic>;
  /** Ids of the whole graph's nodes drawn as themselves. */
  visible: Set<string>;
  layout: GraphLayout;
  boxes: Map<string, NodeBox>;
  elements: Map<string, SVGGElement>;
}
let shown: Shown | null = null;
let keepViewOnFocus = false;
/** The document whose graph is on screen (null: the workspace; undefined: none yet). */
let shownScope: string | null | undefined;

/** Below this width lanes stack top to bottom and the flow goes down: a panel beside the editor. */
const NARROW_PANEL = 800;

/** The current file's nodes are framed from their pipeline's name when it is at most this far above or left of them. */
const FRAME_LEAD = 120;

/** Room the layout leaves around the graph when it is framed. */
const FRAME_MARGIN = 48;

/** The panel as the layout sees it: its room, and whether it is a narrow one beside the editor. */
interface PanelShape {
  panel?: { width: number; height: number };
  narrow: boolean;
}

function panelShape(): PanelShape {
  const rect = dom.stage.getBoundingClientRect();
  if (rect.width <= 0 || rect.height <= 0) return { narrow: false };
  return { panel: { width: rect.width - FRAME_MARGIN, height: rect.height - FRAME_MARGIN }, narrow: rect.width < NARROW_PANEL };
}

let synthetic = new Map<string, Synthetic>();
function syntheticMetaOf(node: GraphNode): string | undefined {
  const s = synthetic.get(node.id);
  return s ? syntheticMeta(s, node.layer) : undefined;
}

/** Graphs this small are laid out both ways in a wide panel, to use the one that fits at 100%. */
const TRY_BOTH_UP_TO = 80;

function layoutForPanel(graph: PipelineGraph, measure: MeasureText, shape: PanelShape): ViewLayoutStream {
  return layoutViewStream(graph, measure, {
    ...shape,
    meta: syntheticMetaOf,
    isSummary: (n) => synthetic.get(n.id)?.type === 'pipeline',
    wide: (n) => synthetic.get(n.id)?.type === 'fold',
    tryBothUpTo: TRY_BOTH_UP_TO,
  });
}
/** The panel the graph on screen was laid out for. */
let shownShape: PanelShape = { narrow: false };

/** Nodes brought into view by expanding stubs or by search, for the document on screen. */
let revealed = new Set<string>();
/** Groups of folded chains the user opened (fold.ts keys), for the document on screen. */
let unfolded = new Set<string>();
/** The selected node: its lineage is highlighted, the rest dimmed. */
let selected: string | null = null;

/** Scheme, query and fragment aside, a cell's URI names its notebook's file. */
function samePlace(a: string, b: string): boolean {
  const path = (u: string) => u.replace(/^[a-z][a-z0-9+.-]*:/i, '').replace(/[?#].*$/, '');
  return a === b || path(a) === path(b);
}

/** The current file's nodes, or the whole graph when the preview follows no file. */
function focusBox(layout: GraphLayout = shown!.layout): { x: number; y: number; width: number; height: number } {
  const mine = shownScope ? layout.nodes.filter((b) => samePlace(b.node.uri, shownScope!)) : [];
  const firstFrame = layout.frames?.[0];
  if (mine.length === 0 && firstFrame) {
    // The first pipeline, from its frame's name down: the view opens on a whole pipeline.
    return { x: firstFrame.x, y: firstFrame.y, width: firstFrame.width, height: firstFrame.height };
  }
  if (mine.length === 0) {
    // No current file: the start of the flow, the node nearest the top left corner (dagre may
    // centre the first rank far from the corner).
    const first = layout.nodes.reduce<NodeBox | undefined>((best, b) => (!best || b.x + b.y < best.x + best.y ? b : best), undefined);
    return first ? { x: first.x, y: first.y, width: first.width, height: first.height } : { x: 0, y: 0, width: layout.width, height: layout.height };
  }
  let x = Math.min(...mine.map((b) => b.x));
  let y = Math.min(...mine.map((b) => b.y));
  let right = Math.max(...mine.map((b) => b.x + b.width));
  const bottom = Math.max(...mine.map((b) => b.y + b.height));
  // From the name of the pipeline they are in and the first lane's title, when those are just
  // above and left of them: a view that starts at the first node would cut both off.
  const frame = mine[0].frame !== undefined ? layout.frames?.[mine[0].frame] : undefined;
  if (frame) {
    if (y - frame.y <= FRAME_LEAD) y = frame.y;
    if (x - frame.x <= FRAME_LEAD) x = frame.x;
    const room = shownShape.panel?.width ?? 0;
    if (frame.x + frame.width - x <= room) right = Math.max(right, frame.x + frame.width);
  }
  return { x, y, width: right - x, height: bottom - y };
}

function frameCurrent(): void {
  if (shown) panZoom.frame(shown.layout, focusBox(), READABLE_SCALE);
}

/** Leaving a document keeps its view for when it comes back; the next one gets its own. */
function switchScope(scope: string | null): void {
  if (shownScope === undefined || shownScope === scope) {
    shownScope = scope;
    return;
  }
  const views: Record<string, ViewTransform> = { ...store.current.views };
  const leaving = shownScope ?? '';
  delete views[leaving];
  if (store.current.view) views[leaving] = store.current.view;
  const keys = Object.keys(views);
  for (const k of keys.slice(0, Math.max(0, keys.length - KEPT_VIEWS))) delete views[k];
  const view = views[scope ?? ''] ?? null;
  store.update({ views, view });
  if (view) panZoom.set(view, false);
  shownScope = scope;
}

/** The measure of the page's font family, kept from one drawing to the next. */
let measurer: { family: string; measure: MeasureText } | null = null;

/**
 * Text widths in the fonts preview.css gives node labels, node meta lines and lane titles. Each
 * width is measured once: meta lines repeat ("silver · dataset · delta"), and fitting a long name
 * measures many of its prefixes, again at every redraw. The canvas font is set when the role
 * changes only: parsing a font string costs more than measuring most labels.
 */
function canvasMeasure(): MeasureText {
  const family = getComputedStyle(document.body).fontFamily || 'sans-serif';
  if (measurer?.family === family) return measurer.measure;
  const ctx = document.createElement('canvas').getContext('2d');
  const fonts: Record<TextRole, string> = { label: `600 13px ${family}`, meta: `11px ${family}`, lane: `600 12px ${family}` };
  const widths = new Map<string, number>();
  let font: TextRole | null = null;
  const measure: MeasureText = (text, role) => {
    if (!ctx) return text.length * 7.5;
    const key = `${role}:${text}`;
    const known = widths.get(key);
    if (known !== undefined) return known;
    if (font !== role) {
      ctx.font = fonts[role];
      // A family list the canvas cannot parse leaves its default 10px font: measure in sans-serif.
      if (!ctx.font.includes(role === 'meta' ? '11px' : role === 'label' ? '13px' : '12px')) ctx.font = fonts[role].replace(family, 'sans-serif');
      font = role;
    }
    const width = ctx.measureText(text).width;
    // A page showing one workspace after another would keep every name it ever saw.
    if (widths.size > 50000) widths.clear();
    widths.set(key, width);
    return width;
  };
  measurer = { family, measure };
  return measure;
}

function summaryText(graph: PipelineGraph): string {
  const pipelines = (graph.pipelines ?? []).filter((p) => p.architecture !== 'unknown');
  const counts = countsText(graph);
  // Several pipelines: each with its own architecture, by name.
  if (pipelines.length > 1 && pipelines.length <= 3) return [...pipelines.map((p) => `${p.name}: ${p.architecture}`), counts].join(' · ');
  if (pipelines.length > 3) {
    // Many pipelines: how many of each architecture, so the header stays one or two lines.
    const byArch = new Map<string, number>();
    for (const p of pipelines) byArch.set(p.architecture, (byArch.get(p.architecture) ?? 0) + 1);
    return [`${pipelines.length} pipelines (${[...byArch].map(([a, n]) => `${n} ${a}`).join(', ')})`, counts].join(' · ');
  }
  return graph.architecture !== 'unknown' ? `${graph.architecture} · ${counts}` : counts;
}

function countsText(graph: PipelineGraph): string {
  const datasets = graph.nodes.filter((n) => n.kind === 'dataset').length;
  const steps = graph.nodes.length - datasets;
  const findings = graph.nodes.reduce((sum, n) => sum + n.findings.length, 0);
  const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? '' : 's'}`;
  return [plural(datasets, 'dataset'), plural(steps, 'step'), plural(findings, 'finding')].join(' · ');
}

function showEmpty(): void {
  dom.empty.hidden = false;
  dom.empty.replaceChildren();
  const title = document.createElement('p');
  title.className = 'empty__title';
  title.textContent = `${EMPTY_STATE_TEXT}.`;
  const hint = document.createElement('p');
  hint.className = 'empty__hint';
  hint.textContent = 'The preview draws datasets read with spark.read / readStream and written with write / writeStream, and the steps between them.';
  dom.empty.append(title, hint);
}

/** Tolerates hosts that leave out optional arrays, so one odd node cannot blank the preview. */
function normalise(graph: PipelineGraph): PipelineGraph {
  return {
    ...graph,
    nodes: graph.nodes.map((n) => ({ ...n, layer: n.layer ?? null, findings: Array.isArray(n.findings) ? n.findings : [], streaming: !!n.streaming })),
  };
}

function showGraph(input: PipelineGraph, title: string, scope: string | null): void {
  const graph = normalise(input);
  if (scope !== shownScope) {
    revealed = new Set();
    unfolded = new Set();
    selected = null;
  }
  switchScope(scope);
  store.update({ graph, title, scope });
  dom.title.textContent = title;
  document.title = title;
  fillSearchNames(graph);
  draw(graph);
}

/**
 * The current file's nodes: what the view is about when the preview follows a file. A dataset
 * belongs to the file that first wrote it, so the datasets this file's steps read and write are
 * added through the edges.
 */
function seedsOf(graph: PipelineGraph): Set<string> {
  if (!shownScope) return new Set();
  const seeds = new Set(graph.nodes.filter((n) => samePlace(n.uri, shownScope!)).map((n) => n.id));
  const steps = new Set(graph.nodes.filter((n) => n.kind === 'step' && seeds.has(n.id)).map((n) => n.id));
  for (const e of graph.edges) {
    if (steps.has(e.from)) seeds.add(e.to);
    if (steps.has(e.to)) seeds.add(e.from);
  }
  return seeds;
}

function hops(): number {
  return store.current.hops;
}

function collapsedIds(graph: PipelineGraph): Set<string> {
  const names = new Set(store.current.collapsed);
  return new Set((graph.pipelines ?? []).filter((p) => names.has(p.name)).map((p) => p.id));
}

/** Frames laid out and drawn after the first screen, a few per task; null when the drawing is complete. */
let drawing: { stream: ViewLayoutStream; renderer: GraphRenderer; cancel: () => void; framed: ViewTransform | null } | null = null;

/**
 * Runs `fn` in a task after the next frame is painted: the first screen shows before the rest of
 * the drawing starts. A hidden panel paints no frames: then after a short wait instead.
 */
function afterPaint(fn: () => void): () => void {
  let done = false;
  const run = () => {
    if (done) return;
    done = true;
    fn();
  };
  const frame = requestAnimationFrame(() => setTimeout(run, 0));
  const fallback = setTimeout(run, 100);
  return () => {
    done = true;
    cancelAnimationFrame(frame);
    clearTimeout(fallback);
  };
}

/** Time one task of the rest of a drawing may take: input and paint go between tasks. */
const DRAW_SLICE_MS = 30;

function stopDrawing(): void {
  drawing?.cancel();
  drawing = null;
  dom.svg.removeAttribute('aria-busy');
}

/** A layout of more nodes than this draws those of the first screen first, the rest in later tasks. */
const DRAW_AT_ONCE_UP_TO = 200;
/** Nodes drawn at a time after the first screen. */
const FILL_IN_NODES = 40;

/**
 * What the panel shows at the current zoom and pan, in layout coordinates, and a quarter of a panel
 * around it. Half a panel around (as before) drew 181 of a wrapped chain's 601 nodes at 1400 px
 * before the first paint, more than twice what is in view; the rest follows in 30 ms tasks.
 */
const FIRST_SCREEN_MARGIN = 0.25;
function screenRegion(): Region | undefined {
  const rect = dom.stage.getBoundingClientRect();
  if (rect.width <= 0 || rect.height <= 0) return undefined;
  const { x, y, scale } = panZoom.transform;
  const [mx, my] = [rect.width * FIRST_SCREEN_MARGIN, rect.height * FIRST_SCREEN_MARGIN];
  return { x: (-x - mx) / scale, y: (-y - my) / scale, width: (rect.width + 2 * mx) / scale, height: (rect.height + 2 * my) / scale };
}

/** Lays out and draws frames until the drawing is complete, or until `untilMs` have passed. */
function continueDrawing(untilMs = Infinity): void {
  const d = drawing;
  if (!d || !shown) return;
  const start = performance.now();
  while (d.stream.next() && performance.now() - start < untilMs);
  d.renderer.append();
  // Then the nodes left out of the first screen, a slice's worth at a time.
  while (d.renderer.pending && performance.now() - start < untilMs) d.renderer.fillIn(FILL_IN_NODES);
  const { layout } = shown;
  for (let i = shown.boxes.size; i < layout.nodes.length; i++) shown.boxes.set(layout.nodes[i].node.id, layout.nodes[i]);
  if (selected !== null) applySelection();
  if (!d.stream.done || d.renderer.pending) {
    const timer = setTimeout(() => continueDrawing(DRAW_SLICE_MS), 0);
    d.cancel = () => clearTimeout(timer);
    return;
  }
  stopDrawing();
  // Framed on part of the graph and not moved since: framed again on all of it, as a drawing made
  // at once would have been (the whole graph's width may centre it differently).
  const now = panZoom.transform;
  if (d.framed && now.x === d.framed.x && now.y === d.framed.y && now.scale === d.framed.scale) frameCurrent();
}

/** Completes a drawing under way, for what needs every node: export, fit, search, arrow keys. */
function finishDrawing(): void {
  if (drawing) continueDrawing();
}

/**
 * Enough of the view is laid out for the first screen: the current file's nodes (or the first
 * frame), and a panel's height of graph below them, so that framing them comes out as it would on
 * the whole graph (the view opens at 100%).
 */
function firstScreenReady(layout: GraphLayout, mine: Set<string>, stageHeight: number): boolean {
  if ((layout.frames?.length ?? 0) === 0) return false;
  if (mine.size > 0 && layout.nodes.filter((b) => mine.has(b.node.id)).length < mine.size) return false;
  const focus = focusBox(layout);
  return layout.height >= focus.y + focus.height + stageHeight;
}

/** Lays out and draws what the focus, the revealed nodes and the collapsed pipelines leave of `graph`. */
function draw(graph: PipelineGraph, keepView = false): void {
  stopDrawing();
  hideDetails();
  const focusedId = document.activeElement?.getAttribute('data-node-id') ?? null;
  const focusedFrame = document.activeElement?.getAttribute('data-frame-toggle') ?? null;

  if (graph.nodes.length === 0) {
    shown = null;
    dom.viewport.replaceChildren();
    dom.summary.textContent = '';
    showEmpty();
    return;
  }
  dom.empty.hidden = true;
  const opts = { seeds: seedsOf(graph), hops: hops(), revealed, collapsed: collapsedIds(graph) };
  const focused = viewGraph(graph, opts);
  // Same-shaped parallel chains folded, except those of the nodes the view is about.
  const keep = new Set([...opts.seeds, ...revealed, ...(selected !== null ? [selected] : [])]);
  const folded = foldParallelChains(focused.graph, { keep, unfolded }, (id) => focused.synthetic.has(id));
  const view = { ...focused, graph: folded.graph };
  synthetic = new Map([...focused.synthetic, ...folded.folds]);
  const foldedCount = [...folded.folds.values()].reduce((sum, f) => sum + f.hidden.length, 0);
  shownShape = panelShape();
  const stream = layoutForPanel(view.graph, canvasMeasure(), shownShape);
  const layout = stream.layout;
  // The first screen first; the rest in later tasks. A panel with no size yet gets it all now.
  const stageHeight = shownShape.panel ? shownShape.panel.height + FRAME_MARGIN : Infinity;
  const mine = new Set(shownScope ? view.graph.nodes.filter((n) => samePlace(n.uri, shownScope!)).map((n) => n.id) : []);
  while (!stream.done && !firstScreenReady(layout, mine, stageHeight)) stream.next();
  // Framed until one graph of this document has been: later updates keep the zoom and pan the
  // user chose. The first view keeps labels readable on the current file's nodes; Fit shows all.
  // Framed before drawing: the nodes of a large pipeline far from the first screen come later.
  const framing = store.current.view === null && !keepView;
  if (framing) panZoom.frame(layout, focusBox(layout), READABLE_SCALE);
  const renderer = renderGraph(dom.viewport, layout, synthetic, layout.nodes.length > DRAW_AT_ONCE_UP_TO ? screenRegion() : undefined, folded.opened);
  const { nodeElements, frameToggles } = renderer;
  shown = {
    graph,
    view: view.graph,
    synthetic,
    visible: visibleNodes(graph, opts),
    layout,
    boxes: new Map(layout.nodes.map((b) => [b.node.id, b])),
    elements: nodeElements,
  };
  dom.summary.textContent =
    summaryText(graph) + (view.hiddenCount > 0 ? ` · ${view.hiddenCount} hidden` : '') + (foldedCount > 0 ? ` · ${foldedCount} in folded groups` : '');
  applySelection();

  if (!stream.done || renderer.pending) {
    drawing = { stream, renderer, cancel: afterPaint(() => continueDrawing(DRAW_SLICE_MS)), framed: framing ? panZoom.transform : null };
    dom.svg.setAttribute('aria-busy', 'true');
  }
  // Focus goes back to an element drawn later: drawn now.
  if ((focusedId !== null && !nodeElements.has(focusedId)) || (focusedFrame !== null && !frameToggles.has(focusedFrame))) finishDrawing();
  if (focusedId !== null) {
    // Giving focus back to the same node must not pan the view the user chose.
    keepViewOnFocus = true;
    nodeElements.get(focusedId)?.focus({ preventScroll: true });
    keepViewOnFocus = false;
  } else if (focusedFrame !== null) {
    keepViewOnFocus = true;
    frameToggles.get(focusedFrame)?.focus({ preventScroll: true });
    keepViewOnFocus = false;
  }
}

function redraw(): void {
  if (shown) draw(shown.graph, true);
}

/** Marks the selected node's ancestors and descendants; everything else is dimmed. */
function applySelection(): void {
  if (!shown) return;
  const on = selected !== null && shown.graph.nodes.some((n) => n.id === selected);
  dom.svg.classList.toggle('has-selection', on);
  const family = new Set<string>();
  if (on) {
    const { ancestors, descendants } = lineage(shown.graph, selected!);
    for (const id of [selected!, ...ancestors, ...descendants]) family.add(id);
  }
  for (const [id, el] of shown.elements) {
    const s = shown.synthetic.get(id);
    const inLineage = on && (s ? ('hidden' in s ? s.hidden.some((h) => family.has(h)) : false) : family.has(id));
    el.classList.toggle('is-lineage', inLineage);
    el.classList.toggle('is-selected', on && id === selected);
    if (on) el.setAttribute('aria-current', id === selected ? 'true' : 'false');
    else el.removeAttribute('aria-current');
  }
  for (const el of Array.from(dom.viewport.querySelectorAll<SVGGElement>('.edge'))) {
    const from = el.getAttribute('data-from') ?? '';
    const to = el.getAttribute('data-to') ?? '';
    const end = (id: string) => {
      const s = shown!.synthetic.get(id);
      return family.has(id) || (s !== undefined && 'hidden' in s && s.hidden.some((h) => family.has(h)));
    };
    el.classList.toggle('is-lineage', on && end(from) && end(to));
  }
}

function select(id: string | null): void {
  selected = id;
  applySelection();
}

/** Search suggestions: every name once, datasets and steps alike. */
function fillSearchNames(graph: PipelineGraph): void {
  const names = [...new Set(graph.nodes.map((n) => n.label))].sort((a, b) => a.localeCompare(b)).slice(0, 1000);
  dom.searchNames.replaceChildren(
    ...names.map((name) => {
      const option = document.createElement('option');
      option.value = name;
      return option;
    }),
  );
}

/** Brings the best match for `query` into view with its neighbourhood, selects and focuses it. */
function jumpTo(query: string): boolean {
  if (!shown) return false;
  const [target] = searchNodes(shown.graph, query);
  if (!target) {
    dom.search.setAttribute('aria-invalid', 'true');
    return false;
  }
  dom.search.removeAttribute('aria-invalid');
  if (!shown.visible.has(target.id)) {
    for (const id of visibleNodes(shown.graph, { seeds: new Set([target.id]), hops: hops(), revealed: new Set() })) revealed.add(id);
  }
  // In a folded group: drawn as itself beside the group of the others (a revealed node is never folded).
  if ([...shown.synthetic.values()].some((s) => s.type === 'fold' && s.hidden.includes(target.id))) revealed.add(target.id);
  if (target.pipeline !== undefined) {
    const p = (shown.graph.pipelines ?? []).find((x) => x.id === target.pipeline);
    if (p && store.current.collapsed.includes(p.name)) store.update({ collapsed: store.current.collapsed.filter((n) => n !== p.name) });
  }
  selected = target.id;
  redraw();
  finishDrawing();
  const box = shown.boxes.get(target.id);
  if (box) panZoom.ensureVisible(box);
  keepViewOnFocus = true;
  shown.elements.get(target.id)?.focus({ preventScroll: true });
  keepViewOnFocus = false;
  return true;
}

/** Folds the groups a lane's control names again; keyboard users land on the group node. */
function foldAgain(keys: string[]): void {
  for (const key of keys) unfolded.delete(key);
  redraw();
  finishDrawing();
  const id = foldId(keys[0]);
  const box = shown?.boxes.get(id);
  if (box) panZoom.ensureVisible(box);
  keepViewOnFocus = true;
  shown?.elements.get(id)?.focus({ preventScroll: true });
  keepViewOnFocus = false;
}

/** The keys of the groups whose lane control `target` is in. */
function foldKeysOf(target: EventTarget | null): string[] | null {
  const keys = target instanceof Element ? target.closest(`[${FOLD_KEYS_ATTR}]`)?.getAttribute(FOLD_KEYS_ATTR) : null;
  return keys ? keys.split('\n') : null;
}

function togglePipeline(name: string): void {
  const collapsed = store.current.collapsed;
  store.update({ collapsed: collapsed.includes(name) ? collapsed.filter((n) => n !== name) : [...collapsed, name] });
  redraw();
}

/** A stub shows what it stands for; a pipeline summary expands its pipeline. */
function activateSynthetic(id: string): boolean {
  const s = shown?.synthetic.get(id);
  if (!s) return false;
  if (s.type === 'stub') {
    for (const h of s.hidden) revealed.add(h);
    redraw();
    // Keyboard users stay where they were: on the node the stub hung from.
    keepViewOnFocus = true;
    shown?.elements.get(s.anchor)?.focus({ preventScroll: true });
    keepViewOnFocus = false;
  } else if (s.type === 'fold') {
    unfolded.add(s.key);
    redraw();
    finishDrawing();
    // Keyboard users land on the first of the chains the group stood for.
    shown?.elements.get(s.anchor)?.focus({ preventScroll: true });
  } else {
    togglePipeline(s.pipeline.name);
  }
  return true;
}

function nodeOf(target: EventTarget | null): { node: GraphNode; element: SVGGElement } | null {
  if (!shown || !(target instanceof Element)) return null;
  const element = target.closest<SVGGElement>('[data-node-id]');
  const box = element ? shown.boxes.get(element.getAttribute('data-node-id') ?? '') : undefined;
  return element && box ? { node: box.node, element } : null;
}

function reveal(node: GraphNode): void {
  vscode.postMessage({ type: 'reveal', uri: node.uri, range: node.range });
}

function showDetails(node: GraphNode, element: Element): void {
  if (shown?.synthetic.has(node.id)) {
    hideDetails();
    return;
  }
  fillDetails(
    dom.details,
    node,
    (shown?.graph.pipelines ?? []).find((p) => p.id === node.pipeline),
  );
  dom.details.hidden = false;
  positionDetails(dom.details, element.getBoundingClientRect(), dom.stage.getBoundingClientRect());
}

function hideDetails(): void {
  dom.details.hidden = true;
}

function exportBox(): ExportBox {
  return shown ? { width: shown.layout.width, height: shown.layout.height } : { width: 1, height: 1 };
}

async function exportAs(format: 'svg' | 'png'): Promise<void> {
  finishDrawing();
  const svg = exportSvg(dom.svg, dom.viewport, exportBox());
  try {
    const data = format === 'svg' ? svg : await svgToPng(svg, exportBox());
    vscode.postMessage({ type: 'exported', format, data });
  } catch (err) {
    console.error('PySpark Architect: export failed', err);
  }
}

function fitToView(): void {
  finishDrawing();
  if (shown) panZoom.fit(shown.layout.width, shown.layout.height);
}

// A graph that arrived while the page had no size gets its first view once it has one; a panel
// resized across the narrow/wide line is laid out again.
new ResizeObserver(() => {
  if (!shown) return;
  const next = panelShape();
  if (next.narrow !== shownShape.narrow || (!shownShape.panel && next.panel)) {
    store.update({ view: null });
    showGraph(shown.graph, store.current.title, shownScope ?? null);
    return;
  }
  // Frames are packed into rows of the panel's width: a wider or narrower panel repacks them,
  // keeping the zoom and pan (small steps, such as a scroll bar coming and going, do not).
  const framed = (shown.layout.frames?.length ?? 0) > 1;
  if (framed && next.panel && shownShape.panel && Math.abs(next.panel.width - shownShape.panel.width) >= 40) redraw();
  else if (store.current.view === null) frameCurrent();
}).observe(dom.svg);

// Pointer: click reveals, hover shows details.
/** The pipeline whose frame toggle `target` is in. */
function frameToggleOf(target: EventTarget | null): string | null {
  return target instanceof Element ? (target.closest('[data-frame-toggle]')?.getAttribute('data-frame-toggle') ?? null) : null;
}

dom.svg.addEventListener('click', (e) => {
  const keys = foldKeysOf(e.target);
  if (keys) {
    foldAgain(keys);
    return;
  }
  const toggle = frameToggleOf(e.target);
  if (toggle !== null) {
    togglePipeline(toggle);
    return;
  }
  const hit = nodeOf(e.target);
  if (!hit) return;
  if (activateSynthetic(hit.node.id)) return;
  select(hit.node.id);
  reveal(hit.node);
});
dom.svg.addEventListener('pointerover', (e) => {
  const hit = nodeOf(e.target);
  if (hit) showDetails(hit.node, hit.element);
});
dom.svg.addEventListener('pointerout', (e) => {
  const from = nodeOf(e.target);
  if (!from || from.element.contains(e.relatedTarget as Node | null)) return;
  const focused = nodeOf(document.activeElement);
  if (focused) showDetails(focused.node, focused.element);
  else hideDetails();
});

// Keyboard: nodes are tab stops; Enter/Space reveal, arrows move between nodes.
dom.svg.addEventListener('focusin', (e) => {
  // A lane's fold control, reached with Tab, is brought into view like a node.
  if (foldKeysOf(e.target) !== null && e.target instanceof SVGGraphicsElement && !keepViewOnFocus) {
    const b = e.target.getBBox();
    panZoom.ensureVisible({ x: b.x, y: b.y, width: b.width, height: b.height });
    return;
  }
  const toggle = frameToggleOf(e.target);
  const frame = toggle !== null ? shown?.layout.frames?.find((f) => f.pipeline?.name === toggle) : undefined;
  if (frame && !keepViewOnFocus) panZoom.ensureVisible({ x: frame.x, y: frame.y, width: Math.min(frame.width, 320), height: FRAME_HEADER });
  const hit = nodeOf(e.target);
  if (!hit || !shown) return;
  const box = shown.boxes.get(hit.node.id);
  if (box && !keepViewOnFocus) panZoom.ensureVisible(box);
  showDetails(hit.node, hit.element);
});
dom.svg.addEventListener('focusout', (e) => {
  if (!nodeOf(e.relatedTarget)) hideDetails();
});
dom.svg.addEventListener('keydown', (e) => {
  const keys = foldKeysOf(e.target);
  if (keys && (e.key === 'Enter' || e.key === ' ')) {
    e.preventDefault();
    foldAgain(keys);
    return;
  }
  const toggle = frameToggleOf(e.target);
  if (toggle !== null && (e.key === 'Enter' || e.key === ' ')) {
    e.preventDefault();
    togglePipeline(toggle);
    return;
  }
  const hit = nodeOf(e.target);
  if (!hit || !shown) return;
  if (e.key === 'Enter' || e.key === ' ') {
    e.preventDefault();
    if (activateSynthetic(hit.node.id)) return;
    select(hit.node.id);
    reveal(hit.node);
    return;
  }
  const direction = ARROW_DIRECTIONS[e.key];
  const from = shown.boxes.get(hit.node.id);
  if (!direction || !from) return;
  e.preventDefault();
  e.stopPropagation();
  finishDrawing();
  const next = nearestInDirection(shown.layout.nodes, from, direction);
  if (next) shown.elements.get(next.node.id)?.focus({ preventScroll: true });
});
document.addEventListener('keydown', (e) => {
  if (e.key === 'Escape') {
    // Escape clears the search first, then the selection.
    if (e.target === dom.search && dom.search.value !== '') {
      dom.search.value = '';
      dom.search.removeAttribute('aria-invalid');
    } else if (selected !== null) select(null);
    else return;
    e.preventDefault();
    return;
  }
  if (e.ctrlKey || e.metaKey || e.altKey) return;
  // Typing in the toolbar's fields is not a zoom or pan shortcut.
  if (e.target instanceof HTMLInputElement || e.target instanceof HTMLSelectElement) return;
  const pan = 48;
  switch (e.key) {
    case '+':
    case '=':
      panZoom.zoomIn();
      break;
    case '-':
    case '_':
      panZoom.zoomOut();
      break;
    case '0':
      fitToView();
      break;
    case 'ArrowLeft':
      panZoom.panBy(pan, 0);
      break;
    case 'ArrowRight':
      panZoom.panBy(-pan, 0);
      break;
    case 'ArrowUp':
      panZoom.panBy(0, pan);
      break;
    case 'ArrowDown':
      panZoom.panBy(0, -pan);
      break;
    default:
      return;
  }
  e.preventDefault();
});

byId<HTMLButtonElement>('zoom-in').addEventListener('click', () => panZoom.zoomIn());
byId<HTMLButtonElement>('zoom-out').addEventListener('click', () => panZoom.zoomOut());
byId<HTMLButtonElement>('fit').addEventListener('click', fitToView);
byId<HTMLButtonElement>('export-svg').addEventListener('click', () => void exportAs('svg'));
byId<HTMLButtonElement>('export-png').addEventListener('click', () => void exportAs('png'));

for (let n = 1; n <= MAX_HOPS; n++) {
  const option = document.createElement('option');
  option.value = String(n);
  option.textContent = String(n);
  dom.hops.append(option);
}
dom.hops.value = String(store.current.hops);
dom.hops.addEventListener('change', () => {
  const n = Number(dom.hops.value);
  if (!Number.isInteger(n) || n < 1 || n > MAX_HOPS) return;
  store.update({ hops: n });
  redraw();
});
dom.search.addEventListener('keydown', (e) => {
  if (e.key !== 'Enter') return;
  e.preventDefault();
  jumpTo(dom.search.value);
});
// Picking a suggestion from the list fills in a whole name: jump at once.
dom.search.addEventListener('input', (e) => {
  const picked = !(e instanceof InputEvent) || e.inputType === 'insertReplacementText';
  if (picked && shown?.graph.nodes.some((n) => n.label === dom.search.value)) jumpTo(dom.search.value);
});

window.addEventListener('message', (e: MessageEvent<unknown>) => {
  const msg = e.data;
  if (!isHostMessage(msg)) return;
  if (msg.type === 'graph') showGraph(msg.graph, msg.title, typeof msg.scope === 'string' ? msg.scope : null);
  else void exportAs(msg.format);
});
document.addEventListener('visibilitychange', () => {
  if (document.visibilityState === 'hidden') store.flush();
});

// Restore what the panel showed before a reload, at the zoom and pan the user left it.
const restored = store.current;
if (restored.view) panZoom.set(restored.view, false);
shownScope = restored.scope;
if (restored.graph) showGraph(restored.graph, restored.title, restored.scope);
vscode.postMessage({ type: 'ready' });
