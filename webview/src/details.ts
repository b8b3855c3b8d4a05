/**
 * The details card shown next to a hovered or focused node. Built with createElement and
 * textContent only: labels, paths, columns and messages come from the user's code.
 */
import type { GraphNode, GraphPipeline } from '../../shared/protocol';

function el<K extends keyof HTMLElementTagNameMap>(tag: K, className: string, text?: string): HTMLElementTagNameMap[K] {
  const e = document.createElement(tag);
  if (className) e.className = className;
  if (text !== undefined) e.textContent = text;
  return e;
}

function row(list: HTMLDListElement, term: string, value: string | undefined): void {
  if (value === undefined || value === '') return;
  list.append(el('dt', '', term), el('dd', '', value));
}

function kindText(node: GraphNode): string {
  if (node.kind === 'step') return 'Step';
  const role = node.role ?? 'intermediate';
  return `${role[0].toUpperCase()}${role.slice(1)} dataset`;
}

export function fillDetails(panel: HTMLElement, node: GraphNode, pipeline?: GraphPipeline): void {
  panel.replaceChildren();
  panel.append(el('div', 'details__title', node.label), el('div', 'details__kind', kindText(node)));
  const facts = el('dl', 'details__facts');
  row(facts, 'Layer', node.layer ?? 'unlayered');
  if (pipeline) row(facts, 'Pipeline', `${pipeline.name} (${pipeline.architecture === 'unknown' ? 'no architecture recognised' : pipeline.architecture})`);
  row(facts, 'Format', node.format);
  row(facts, 'Location', node.location);
  row(facts, 'Mode', node.mode);
  row(facts, 'Streaming', node.streaming ? 'yes' : 'no');
  row(facts, 'Columns', node.columns && node.columns.length > 0 ? node.columns.join(', ') : node.kind === 'dataset' ? 'unknown' : undefined);
  row(facts, 'Defined in', `${node.filename}:${node.range.start.line + 1}`);
  panel.append(facts);
  if (node.findings.length > 0) {
    const list = el('ul', 'details__findings');
    for (const f of node.findings) {
      const item = el('li', `finding finding--${f.severity}`);
      item.append(el('span', 'finding__code', f.code), el('span', 'finding__message', f.message));
      list.append(item);
    }
    panel.append(list);
  }
  panel.append(el('div', 'details__hint', 'Click or press Enter to open in the editor'));
}

/**
 * Places the card below `anchor` (client coordinates) inside `container`, else above it, else
 * beside it, so it covers the node's neighbours in its lane rather than the next lanes.
 */
export function positionDetails(panel: HTMLElement, anchor: DOMRect, container: DOMRect): void {
  const gap = 8;
  const width = panel.offsetWidth;
  const height = panel.offsetHeight;
  const clampLeft = (x: number) => Math.max(gap, Math.min(x, container.width - width - gap));
  const clampTop = (y: number) => Math.max(gap, Math.min(y, container.height - height - gap));
  const below = anchor.bottom + gap - container.top;
  const above = anchor.top - gap - height - container.top;
  let left: number;
  let top: number;
  if (below + height <= container.height - gap) {
    left = clampLeft(anchor.left - container.left);
    top = below;
  } else if (above >= gap) {
    left = clampLeft(anchor.left - container.left);
    top = above;
  } else {
    const right = anchor.right + gap - container.left;
    left = right + width <= container.width - gap ? right : clampLeft(anchor.left - gap - width - container.left);
    top = clampTop(anchor.top - container.top);
  }
  // CSSOM property writes are allowed by a CSP without 'unsafe-inline'; style attributes are not.
  panel.style.setProperty('left', `${Math.round(left)}px`);
  panel.style.setProperty('top', `${Math.round(top)}px`);
}
