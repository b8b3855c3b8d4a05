import { lineage } from '../../model/lineage';
import type { Frame } from '../../model/types';

/**
 * A frame made up on the spot: every frame its lineage starts from is `spark.range(...)` or rows
 * built on the driver, and at least one is `spark.range` (the usual way to fabricate millions of
 * rows: `spark.range(n).select(rand(), pmod(id, k), ...)`). Computing it again regenerates the
 * rows; no source is read twice. Lab data generators write such frames and count them; every
 * finding about recomputing one on the real-code corpora was judged not worth acting on. A join with a
 * read, a table or a query (or a frame the model cannot trace: a parameter, an unknown call) is
 * real data.
 */
export function fabricated(frame: Frame): boolean {
  return originOf(frame) === Origin.Ranges;
}

/** What a frame's lineage starts from: only `spark.range` and driver rows (at least one range), only driver rows, or anything else. */
const enum Origin {
  Ranges,
  Rows,
  Real,
}

/**
 * Kept per frame (a frame's parents are fixed when it is made): a frame's origin is its parents'
 * combined, so each frame is looked at once per model. Walking the whole lineage per action made
 * PSA101 and PSA102 quadratic in a notebook that counts after each step (issue 18).
 */
const origins = new WeakMap<Frame, Origin>();

function originOf(frame: Frame): Origin {
  const known = origins.get(frame);
  if (known !== undefined) return known;
  // Post-order over the parents not yet known, without recursion (a lineage can be thousands deep).
  const stack: Frame[] = [frame];
  const expanded = new Set<Frame>();
  while (stack.length) {
    const f = stack[stack.length - 1];
    if (origins.has(f)) {
      stack.pop();
      continue;
    }
    const pending = f.parents.filter((p) => !origins.has(p));
    if (pending.length) {
      // Back on top with parents still unknown: they lead back to it. The model makes no such
      // cycle (parents exist before the frame made from them); if one appeared, read the lineage
      // as a set of frames, as before, and keep nothing.
      if (expanded.has(f)) return originByWalk(frame);
      expanded.add(f);
      stack.push(...pending);
      continue;
    }
    stack.pop();
    origins.set(f, f.parents.length ? combined(f.parents.map((p) => origins.get(p)!)) : rootOrigin(f));
  }
  return origins.get(frame)!;
}

function originByWalk(frame: Frame): Origin {
  return combined([...lineage(frame)].filter((f) => !f.parents.length).map(rootOrigin));
}

function rootOrigin(f: Frame): Origin {
  const kind = f.source?.kind;
  return kind === 'range' ? Origin.Ranges : kind === 'createDataFrame' ? Origin.Rows : Origin.Real;
}

function combined(parts: Origin[]): Origin {
  if (parts.includes(Origin.Real)) return Origin.Real;
  return parts.includes(Origin.Ranges) ? Origin.Ranges : Origin.Rows;
}
