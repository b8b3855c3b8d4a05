/**
 * Pan and zoom of the graph by one CSS transform on the svg's HTML box (#layer), set through the
 * CSSOM (which a CSP without 'unsafe-inline' allows; a style attribute in markup it would block).
 *
 * Not an SVG transform attribute on the viewport group, as it was: changing that lays out and
 * repaints every node, 65 ms of main thread per wheel step at 300 datasets in Chromium (see
 * docs/performance.md), so zoom and pan moved in jumps. A CSS transform on an HTML box leaves the
 * SVG's layout and its recorded paint alone. During a wheel or drag gesture the box is also its own
 * composited layer (will-change), so each step is the compositor moving pixels; when the gesture
 * ends the layer is dropped and the content is drawn sharp at the new scale.
 * The view is mirrored on the viewport group as `data-view` (tests and tools read it there).
 */
export interface ViewTransform {
  x: number;
  y: number;
  scale: number;
}

export const MIN_SCALE = 0.1;
/**
 * The first view of a graph is never smaller than this: node meta lines are 11px at 100%, and
 * below 11px a data engineer beside their editor reaches for the zoom.
 */
export const READABLE_SCALE = 1;
export const MAX_SCALE = 4;
const ZOOM_STEP = 1.25;
const FIT_MARGIN = 24;
/** The least room left around a framed focus that fits no other way. */
const TIGHT_FIT_MARGIN = 8;
/** Pointer travel (px) after which a press is a drag, not a click on a node. */
const DRAG_THRESHOLD = 4;
/** Wheel events closer together than this are one gesture; after it the content is drawn sharp again. */
const WHEEL_IDLE_MS = 160;

function clampScale(scale: number): number {
  return Math.min(MAX_SCALE, Math.max(MIN_SCALE, scale));
}

export function isViewTransform(value: unknown): value is ViewTransform {
  if (typeof value !== 'object' || value === null) return false;
  const v = value as Record<string, unknown>;
  return [v.x, v.y, v.scale].every((n) => typeof n === 'number' && Number.isFinite(n)) && (v.scale as number) > 0;
}

export class PanZoom {
  private view: ViewTransform = { x: 0, y: 0, scale: 1 };
  private gestureTimer: ReturnType<typeof setTimeout> | undefined;
  private press: { pointerId: number; startX: number; startY: number; viewX: number; viewY: number; dragging: boolean } | null = null;
  private suppressClick = false;
  /** The svg's HTML box, which the transform moves. */
  private readonly layer: HTMLElement | null;
  /** The fixed area the graph is seen through: it takes the wheel and drags anywhere, also where the moved svg is not. */
  private readonly surface: Element;

  constructor(
    svg: SVGSVGElement,
    private readonly viewport: SVGGElement,
    private readonly onChange: (view: ViewTransform) => void,
  ) {
    this.layer = svg.parentElement;
    const surface = (this.surface = this.layer?.parentElement ?? svg);
    surface.addEventListener('wheel', (e) => this.onWheel(e as WheelEvent), { passive: false });
    surface.addEventListener('pointerdown', (e) => this.onPointerDown(e as PointerEvent));
    surface.addEventListener('pointermove', (e) => this.onPointerMove(e as PointerEvent));
    surface.addEventListener('pointerup', (e) => this.onPointerEnd(e as PointerEvent));
    surface.addEventListener('pointercancel', (e) => this.onPointerEnd(e as PointerEvent));
    // A drag that ends over a node must not count as a click on it.
    surface.addEventListener(
      'click',
      (e) => {
        if (this.suppressClick) {
          this.suppressClick = false;
          e.stopPropagation();
          e.preventDefault();
        }
      },
      true,
    );
  }

  get transform(): ViewTransform {
    return { ...this.view };
  }

  set(view: ViewTransform, notify = true): void {
    this.view = { x: view.x, y: view.y, scale: clampScale(view.scale) };
    this.apply();
    this.endGesture(false);
    if (notify) this.onChange(this.transform);
  }

  private apply(): void {
    const { x, y, scale } = this.view;
    if (this.layer) this.layer.style.transform = `translate(${x}px, ${y}px) scale(${scale})`;
    else this.viewport.setAttribute('transform', `translate(${x} ${y}) scale(${scale})`);
    this.viewport.setAttribute('data-view', `translate(${x} ${y}) scale(${scale})`);
  }

  /** A step of a wheel or drag gesture: the layer is composited until the gesture ends. */
  private gestureStep(view: ViewTransform, endAfterMs?: number): void {
    this.view = { x: view.x, y: view.y, scale: clampScale(view.scale) };
    this.layer?.classList.add('is-gesture');
    this.apply();
    clearTimeout(this.gestureTimer);
    this.gestureTimer = endAfterMs === undefined ? undefined : setTimeout(() => this.endGesture(true), endAfterMs);
  }

  private endGesture(notify: boolean): void {
    clearTimeout(this.gestureTimer);
    this.gestureTimer = undefined;
    if (!this.layer?.classList.contains('is-gesture')) return;
    this.layer.classList.remove('is-gesture');
    if (notify) this.onChange(this.transform);
  }

  /** The stage the graph is seen through: its box does not move with the transform. */
  private rect(): DOMRect {
    return this.surface.getBoundingClientRect();
  }

  /** Zooms by `factor` keeping the point (cx, cy) in viewport pixels fixed; default the centre. */
  zoomBy(factor: number, cx?: number, cy?: number, gesture = false): void {
    const rect = this.rect();
    const px = cx ?? rect.width / 2;
    const py = cy ?? rect.height / 2;
    const scale = clampScale(this.view.scale * factor);
    const k = scale / this.view.scale;
    const next = { scale, x: px - (px - this.view.x) * k, y: py - (py - this.view.y) * k };
    if (gesture) this.gestureStep(next, WHEEL_IDLE_MS);
    else this.set(next);
  }

  zoomIn(): void {
    this.zoomBy(ZOOM_STEP);
  }

  zoomOut(): void {
    this.zoomBy(1 / ZOOM_STEP);
  }

  panBy(dx: number, dy: number): void {
    this.set({ ...this.view, x: this.view.x + dx, y: this.view.y + dy });
  }

  /**
   * Shows all of a content box of `width` x `height`, never enlarging past 100%. Returns false
   * (and changes nothing) while the page has no size yet, e.g. a panel opened in the background.
   */
  fit(width: number, height: number, minScale = MIN_SCALE): boolean {
    const rect = this.rect();
    if (width <= 0 || height <= 0 || rect.width <= 0 || rect.height <= 0) return false;
    const fitted = Math.min(1, (rect.width - 2 * FIT_MARGIN) / width, (rect.height - 2 * FIT_MARGIN) / height);
    const scale = clampScale(Math.max(fitted, Math.min(1, minScale)));
    // When the floor wins the graph overflows: show its start (sources, the first lane) and let the user pan.
    const x = width * scale <= rect.width - 2 * FIT_MARGIN ? (rect.width - width * scale) / 2 : FIT_MARGIN;
    const y = height * scale <= rect.height - 2 * FIT_MARGIN ? (rect.height - height * scale) / 2 : FIT_MARGIN;
    this.set({ scale, x, y });
    return true;
  }

  /**
   * The first view of a document: at a readable scale, the whole graph centred when it fits,
   * else the `focus` box (the current file's nodes) centred when it fits, else its start.
   */
  frame(content: { width: number; height: number }, focus: { x: number; y: number; width: number; height: number }, minScale = READABLE_SCALE): boolean {
    const rect = this.rect();
    if (content.width <= 0 || content.height <= 0 || rect.width <= 0 || rect.height <= 0) return false;
    const roomX = rect.width - 2 * FIT_MARGIN;
    const roomY = rect.height - 2 * FIT_MARGIN;
    const scale = clampScale(Math.max(Math.min(1, roomX / content.width, roomY / content.height), Math.min(1, minScale)));
    const axis = (room: number, full: number, start: number, size: number, total: number): number => {
      if (full * scale <= room) return (total - full * scale) / 2;
      if (size * scale <= room) {
        // Centre the focus, but never pull the graph's edge into the panel (no empty margin).
        const centred = total / 2 - (start + size / 2) * scale;
        return Math.min(FIT_MARGIN, Math.max(total - FIT_MARGIN - full * scale, centred));
      }
      // A focus that fits only with a thinner margin is shown whole, centred: beside the editor a
      // pipeline's last node was otherwise cut by the margin alone.
      if (size * scale <= total - 2 * TIGHT_FIT_MARGIN) return (total - size * scale) / 2 - start * scale;
      return FIT_MARGIN - start * scale;
    };
    this.set({
      scale,
      x: axis(roomX, content.width, focus.x, focus.width, rect.width),
      y: axis(roomY, content.height, focus.y, focus.height, rect.height),
    });
    return true;
  }

  /** Pans the least amount that brings a content-space box fully into view (when it fits). */
  ensureVisible(box: { x: number; y: number; width: number; height: number }): void {
    const rect = this.rect();
    const { x, y, scale } = this.view;
    const left = box.x * scale + x;
    const top = box.y * scale + y;
    const right = left + box.width * scale;
    const bottom = top + box.height * scale;
    const m = FIT_MARGIN / 2;
    let dx = 0;
    let dy = 0;
    if (left < m) dx = m - left;
    else if (right > rect.width - m) dx = Math.max(m - left, rect.width - m - right);
    if (top < m) dy = m - top;
    else if (bottom > rect.height - m) dy = Math.max(m - top, rect.height - m - bottom);
    if (dx !== 0 || dy !== 0) this.panBy(dx, dy);
  }

  private onWheel(e: WheelEvent): void {
    e.preventDefault();
    const rect = this.rect();
    // Trackpad pinches arrive as small ctrl+wheel deltas, mouse wheels as ~100px steps.
    const delta = e.deltaMode === WheelEvent.DOM_DELTA_LINE ? e.deltaY * 16 : e.deltaY;
    this.zoomBy(Math.exp(-delta * (e.ctrlKey ? 0.01 : 0.0015)), e.clientX - rect.left, e.clientY - rect.top, true);
  }

  private onPointerDown(e: PointerEvent): void {
    if (e.button !== 0) return;
    this.suppressClick = false;
    this.press = { pointerId: e.pointerId, startX: e.clientX, startY: e.clientY, viewX: this.view.x, viewY: this.view.y, dragging: false };
  }

  private onPointerMove(e: PointerEvent): void {
    const press = this.press;
    if (!press || press.pointerId !== e.pointerId) return;
    const dx = e.clientX - press.startX;
    const dy = e.clientY - press.startY;
    if (!press.dragging && Math.hypot(dx, dy) < DRAG_THRESHOLD) return;
    if (!press.dragging) {
      press.dragging = true;
      this.surface.setPointerCapture(e.pointerId);
      this.surface.classList.add('is-panning');
    }
    this.gestureStep({ ...this.view, x: press.viewX + dx, y: press.viewY + dy });
  }

  private onPointerEnd(e: PointerEvent): void {
    const press = this.press;
    if (!press || press.pointerId !== e.pointerId) return;
    this.press = null;
    if (press.dragging) {
      this.endGesture(true);
      this.suppressClick = e.type === 'pointerup';
      this.surface.classList.remove('is-panning');
      if (this.surface.hasPointerCapture(e.pointerId)) this.surface.releasePointerCapture(e.pointerId);
    }
  }
}
