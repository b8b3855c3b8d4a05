import type { Frame } from './types';

/** Frames walked at most per lineage (a generated file can chain thousands of transformations). */
const MAX_FRAMES = 100_000;

/**
 * The frames upstream of `frame`, itself first, each once, nearest first. `prune` stops the walk
 * at a frame (it is neither yielded nor climbed past), e.g. at a cached frame.
 */
export function* lineage(frame: Frame, prune?: (f: Frame) => boolean, limit = MAX_FRAMES): Generator<Frame> {
  const walk = startWalk(frame);
  try {
    for (let i = 0; i < walk.length && walk.seen < limit; i++) {
      const f = walk.queue[i];
      if (!walk.visit(f)) continue;
      if (i > 0 && prune?.(f)) continue;
      yield f;
      walk.push(f.parents);
    }
  } finally {
    walk.end();
  }
}

/** The first frame of `lineage(frame, prune)` that `predicate` holds for: the same walk, without a generator. */
export function findInLineage(frame: Frame, predicate: (f: Frame) => boolean, prune?: (f: Frame) => boolean): Frame | undefined {
  let found: Frame | undefined;
  walkLineage(frame, (f) => predicate(f) && ((found = f), true), prune, MAX_FRAMES);
  return found;
}

/** The frames of `lineage(frame, undefined, limit)` that `predicate` holds for, in its order: the same walk, without a generator. */
export function filterLineage(frame: Frame, predicate: (f: Frame) => boolean, limit = MAX_FRAMES): Frame[] {
  const out: Frame[] = [];
  walkLineage(
    frame,
    (f) => {
      if (predicate(f)) out.push(f);
      return false;
    },
    undefined,
    limit,
  );
  return out;
}

/** `lineage`'s walk with a callback for each frame it would yield; `visit` returning true ends the walk. */
function walkLineage(frame: Frame, visit: (f: Frame) => boolean, prune: ((f: Frame) => boolean) | undefined, limit: number): void {
  const walk = startWalk(frame);
  try {
    for (let i = 0; i < walk.length && walk.seen < limit; i++) {
      const f = walk.queue[i];
      if (!walk.visit(f)) continue;
      if (i > 0 && prune?.(f)) continue;
      if (visit(f)) return;
      walk.push(f.parents);
    }
  } finally {
    walk.end();
  }
}

/**
 * What one walk needs (the frames queued, which frame ids it has seen), kept between walks: each walk
 * made a Set of ids and a queue, the rules' largest allocation source after a keystroke (issue 18).
 * A walk takes one from `spare` and gives it back when done, so a walk started inside another (a
 * predicate that walks a lineage itself) gets its own. Seen ids are marked with the walk's stamp in
 * `marks` (a stamp greater than every mark left by earlier walks), so nothing is cleared between walks;
 * an id that is no small non-negative integer is kept in a set instead.
 */
class Walk {
  queue: Frame[] = [];
  length = 0;
  seen = 0;
  private marks = new Int32Array(256);
  private stamp = 0;
  private others: Set<number> | undefined;

  begin(frame: Frame): void {
    if (this.stamp === 0x7fffffff) {
      this.marks.fill(0);
      this.stamp = 0;
    }
    this.stamp++;
    this.others?.clear();
    this.seen = 0;
    this.length = 0;
    this.queue[this.length++] = frame;
  }

  /** Marks `f`'s id seen; false when it was already. */
  visit(f: Frame): boolean {
    const id = f.id;
    if (id >= 0 && id <= MAX_MARKED_ID && (id | 0) === id) {
      if (id >= this.marks.length) this.grow(id);
      if (this.marks[id] === this.stamp) return false;
      this.marks[id] = this.stamp;
    } else {
      this.others ??= new Set();
      if (this.others.has(id)) return false;
      this.others.add(id);
    }
    this.seen++;
    return true;
  }

  push(parents: readonly Frame[]): void {
    for (const p of parents) this.queue[this.length++] = p;
  }

  /** Done: the queue forgets its frames (they belong to a model that may be let go), and this walk is spare again. */
  end(): void {
    const queue = this.queue;
    for (let i = 0; i < this.length; i++) queue[i] = undefined as unknown as Frame;
    this.length = 0;
    spare.push(this);
  }

  private grow(id: number): void {
    const marks = new Int32Array(Math.max(id + 1, this.marks.length * 2));
    marks.set(this.marks);
    this.marks = marks;
  }
}

/** Frame ids are counted from 1 per model; a larger one (never seen) is kept in a set rather than a mark array that large. */
const MAX_MARKED_ID = 1 << 22;
const spare: Walk[] = [];

function startWalk(frame: Frame): Walk {
  const walk = spare.pop() ?? new Walk();
  walk.begin(frame);
  return walk;
}
