import type { Frame } from './types';

/** Frames walked at most per lineage (a generated file can chain thousands of transformations). */
const MAX_FRAMES = 100_000;

/**
 * The frames upstream of `frame`, itself first, each once, nearest first. `prune` stops the walk
 * at a frame (it is neither yielded nor climbed past), e.g. at a cached frame.
 */
export function* lineage(frame: Frame, prune?: (f: Frame) => boolean, limit = MAX_FRAMES): Generator<Frame> {
  const seen = new Set<number>();
  const queue = [frame];
  for (let i = 0; i < queue.length && seen.size < limit; i++) {
    const f = queue[i];
    if (seen.has(f.id)) continue;
    seen.add(f.id);
    if (i > 0 && prune?.(f)) continue;
    yield f;
    queue.push(...f.parents);
  }
}

export function findInLineage(frame: Frame, predicate: (f: Frame) => boolean, prune?: (f: Frame) => boolean): Frame | undefined {
  for (const f of lineage(frame, prune)) if (predicate(f)) return f;
  return undefined;
}

export function filterLineage(frame: Frame, predicate: (f: Frame) => boolean, limit = MAX_FRAMES): Frame[] {
  const out: Frame[] = [];
  for (const f of lineage(frame, undefined, limit)) if (predicate(f)) out.push(f);
  return out;
}
