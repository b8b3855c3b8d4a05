/** Arrow-key movement between nodes: the nearest node roughly in the pressed direction. */
import type { NodeBox } from './layout';

export type Direction = 'left' | 'right' | 'up' | 'down';

export const ARROW_DIRECTIONS: Record<string, Direction> = {
  ArrowLeft: 'left',
  ArrowRight: 'right',
  ArrowUp: 'up',
  ArrowDown: 'down',
};

function centre(b: NodeBox): { x: number; y: number } {
  return { x: b.x + b.width / 2, y: b.y + b.height / 2 };
}

export function nearestInDirection(boxes: readonly NodeBox[], from: NodeBox, direction: Direction): NodeBox | undefined {
  const c = centre(from);
  let best: NodeBox | undefined;
  let bestScore = Infinity;
  for (const box of boxes) {
    if (box === from) continue;
    const p = centre(box);
    const dx = p.x - c.x;
    const dy = p.y - c.y;
    const [along, across] = direction === 'right' ? [dx, dy] : direction === 'left' ? [-dx, dy] : direction === 'down' ? [dy, dx] : [-dy, dx];
    if (along <= 1) continue;
    // Sideways distance weighs more, so Right goes to the node beside, not a far diagonal one.
    const score = along + 2 * Math.abs(across);
    if (score < bestScore) {
      bestScore = score;
      best = box;
    }
  }
  return best;
}
