/**
 * The VS Code webview API and the state kept across reloads (the panel being hidden, moved or
 * restored after a restart): the last graph and the user's zoom and pan.
 */
import type { HostToWebview, PipelineGraph, WebviewToHost } from '../../shared/protocol';
import { DEFAULT_HOPS, MAX_HOPS } from './focus';
import { isViewTransform, type ViewTransform } from './panZoom';

export interface VsCodeApi {
  postMessage(message: WebviewToHost): void;
  getState(): unknown;
  setState<T>(state: T): T;
}

declare const acquireVsCodeApi: (() => VsCodeApi) | undefined;

/** acquireVsCodeApi may be called once per page; every module gets the same instance from here. */
export function vscodeApi(): VsCodeApi {
  if (typeof acquireVsCodeApi !== 'function') throw new Error('acquireVsCodeApi is not defined: this page runs inside a VS Code webview.');
  return acquireVsCodeApi();
}

export interface PersistedState {
  graph: PipelineGraph | null;
  title: string;
  /** Null until a non-empty graph has been fitted once: the next one is fitted too. */
  view: ViewTransform | null;
  /** The document the preview follows (null: the workspace); read back by the extension on reload. */
  scope: string | null;
  /** The view each recently shown document was left at: a file never opens at another's zoom and pan. */
  views: Record<string, ViewTransform>;
  /** Hops up and down stream of the current file drawn (the rest folds into stubs); webview state is per workspace. */
  hops: number;
  /** Names of the pipelines the user collapsed to one node (ids are positions, names survive edits). */
  collapsed: string[];
}

/** Views kept for this many documents; the oldest is forgotten first. */
export const KEPT_VIEWS = 20;

export function isPipelineGraph(value: unknown): value is PipelineGraph {
  if (typeof value !== 'object' || value === null) return false;
  const g = value as Record<string, unknown>;
  return Array.isArray(g.layers) && Array.isArray(g.nodes) && Array.isArray(g.edges);
}

export function isHostMessage(value: unknown): value is HostToWebview {
  if (typeof value !== 'object' || value === null) return false;
  const m = value as Record<string, unknown>;
  if (m.type === 'graph') return isPipelineGraph(m.graph);
  if (m.type === 'export') return m.format === 'svg' || m.format === 'png';
  return false;
}

const SAVE_DELAY_MS = 100;

export class StateStore {
  private state: PersistedState;
  private saveTimer: ReturnType<typeof setTimeout> | undefined;

  constructor(private readonly api: VsCodeApi) {
    this.state = StateStore.parse(api.getState());
  }

  private static parse(raw: unknown): PersistedState {
    const s = (typeof raw === 'object' && raw !== null ? raw : {}) as Record<string, unknown>;
    return {
      graph: isPipelineGraph(s.graph) ? s.graph : null,
      title: typeof s.title === 'string' ? s.title : '',
      view: isViewTransform(s.view) ? s.view : null,
      scope: typeof s.scope === 'string' ? s.scope : null,
      views: StateStore.parseViews(s.views),
      hops: typeof s.hops === 'number' && Number.isInteger(s.hops) && s.hops >= 1 && s.hops <= MAX_HOPS ? s.hops : DEFAULT_HOPS,
      collapsed: Array.isArray(s.collapsed) ? s.collapsed.filter((x): x is string => typeof x === 'string').slice(0, 500) : [],
    };
  }

  private static parseViews(raw: unknown): Record<string, ViewTransform> {
    const out: Record<string, ViewTransform> = {};
    if (typeof raw !== 'object' || raw === null) return out;
    for (const [k, v] of Object.entries(raw as Record<string, unknown>).slice(-KEPT_VIEWS)) if (isViewTransform(v)) out[k] = v;
    return out;
  }

  get current(): Readonly<PersistedState> {
    return this.state;
  }

  update(patch: Partial<PersistedState>): void {
    this.state = { ...this.state, ...patch };
    this.scheduleSave();
  }

  /**
   * Wheel and drag change the view many times a second; one setState per burst is enough.
   * A timer rather than requestAnimationFrame, which never fires while the panel is hidden.
   */
  private scheduleSave(): void {
    if (this.saveTimer !== undefined) return;
    this.saveTimer = setTimeout(() => this.flush(), SAVE_DELAY_MS);
  }

  flush(): void {
    if (this.saveTimer !== undefined) clearTimeout(this.saveTimer);
    this.saveTimer = undefined;
    this.api.setState(this.state);
  }
}
