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
  let ranges = 0;
  for (const f of lineage(frame)) {
    if (f.parents.length) continue;
    const kind = f.source?.kind;
    if (kind === 'range') ranges++;
    else if (kind !== 'createDataFrame') return false;
  }
  return ranges > 0;
}
