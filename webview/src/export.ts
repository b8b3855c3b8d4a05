/**
 * Standalone SVG and PNG of the whole graph. The page styles the SVG with theme variables that
 * mean nothing outside the webview, so the export copies each element's computed style onto the
 * copy as presentation attributes: the file looks like the panel did, in the current theme.
 */
const STYLE_PROPERTIES = [
  'fill',
  'fill-opacity',
  'stroke',
  'stroke-width',
  'stroke-dasharray',
  'stroke-opacity',
  'stroke-linecap',
  'stroke-linejoin',
  'opacity',
  'font-family',
  'font-size',
  'font-weight',
  'font-style',
  'text-anchor',
  'letter-spacing',
  'text-transform',
  'display',
  'visibility',
];
/** Largest PNG side in device pixels: big graphs stay exportable, canvases have size limits. */
const MAX_PNG_SIDE = 8192;
const PNG_SCALE = 2;

/** Not inherited in SVG: written when they differ from the initial value, not the parent's. */
const INITIAL_VALUES: Record<string, string> = { opacity: '1', display: 'inline' };

/** Writes each styled property the element does not already inherit from its copied parent. */
function inlineComputedStyles(live: Element, copy: Element, inherited: Map<string, string> = new Map()): void {
  const computed = getComputedStyle(live);
  const own = new Map<string, string>();
  for (const prop of STYLE_PROPERTIES) {
    const value = computed.getPropertyValue(prop);
    own.set(prop, value);
    const baseline = prop in INITIAL_VALUES ? INITIAL_VALUES[prop] : inherited.get(prop);
    if (value && value !== baseline) copy.setAttribute(prop, value);
  }
  const liveChildren = live.children;
  const copyChildren = copy.children;
  for (let i = 0; i < liveChildren.length && i < copyChildren.length; i++) inlineComputedStyles(liveChildren[i], copyChildren[i], own);
}

export interface ExportBox {
  width: number;
  height: number;
}

/** Serialises `svg` at 100% with no pan or zoom, on the editor background colour. */
export function exportSvg(svg: SVGSVGElement, viewport: SVGGElement, box: ExportBox): string {
  const copy = svg.cloneNode(true) as SVGSVGElement;
  inlineComputedStyles(svg, copy);
  const width = Math.max(1, Math.ceil(box.width));
  const height = Math.max(1, Math.ceil(box.height));
  copy.setAttribute('xmlns', 'http://www.w3.org/2000/svg');
  copy.setAttribute('width', String(width));
  copy.setAttribute('height', String(height));
  copy.setAttribute('viewBox', `0 0 ${width} ${height}`);
  for (const attr of ['id', 'class', 'tabindex', 'role', 'aria-label', 'display', 'visibility']) copy.removeAttribute(attr);
  const copyViewport = copy.querySelector(`#${viewport.id}`);
  copyViewport?.removeAttribute('transform');
  copyViewport?.removeAttribute('data-view');
  copyViewport?.removeAttribute('id');
  // Focus rings and keyboard affordances mean nothing in a picture.
  copy.querySelectorAll('.node__focus').forEach((el) => el.remove());
  copy.querySelectorAll('[tabindex]').forEach((el) => el.removeAttribute('tabindex'));
  const background = document.createElementNS('http://www.w3.org/2000/svg', 'rect');
  background.setAttribute('width', String(width));
  background.setAttribute('height', String(height));
  background.setAttribute('fill', getComputedStyle(document.body).backgroundColor);
  copy.insertBefore(background, copy.firstChild);
  return new XMLSerializer().serializeToString(copy);
}

/** Rasterises an exported SVG through an image and a canvas; resolves to a PNG data URL. */
export function svgToPng(svgText: string, box: ExportBox): Promise<string> {
  const scale = Math.min(PNG_SCALE, MAX_PNG_SIDE / Math.max(box.width, box.height, 1));
  const width = Math.max(1, Math.round(box.width * scale));
  const height = Math.max(1, Math.round(box.height * scale));
  return new Promise((resolve, reject) => {
    const image = new Image();
    image.onload = () => {
      const canvas = document.createElement('canvas');
      canvas.width = width;
      canvas.height = height;
      const ctx = canvas.getContext('2d');
      if (!ctx) {
        reject(new Error('Canvas 2D context unavailable'));
        return;
      }
      ctx.drawImage(image, 0, 0, width, height);
      resolve(canvas.toDataURL('image/png'));
    };
    image.onerror = () => reject(new Error('The exported SVG could not be rasterised'));
    // A data: URL (allowed by the panel's img-src) keeps the canvas untainted, unlike remote images.
    image.src = 'data:image/svg+xml;charset=utf-8,' + encodeURIComponent(svgText);
  });
}
