import type { AggregationInfo, Frame } from '../../model/types';
import type { Node } from '../../parsing/pythonParser';
import { related, type Rule, type RuleContext } from '../rule';

/** Operations that can give an existing (watermarked) column a new name, which keeps its watermark. */
const MAY_RENAME = new Set(['select', 'selectExpr', 'withColumn', 'withColumns', 'withColumnRenamed', 'withColumnsRenamed', 'toDF', 'transform']);
const MAX_FRAMES = 5_000;

interface Upstream {
  /** `withWatermark` calls between the aggregation and the sources, nearest first. */
  watermarks: { column?: string; node: Node }[];
  /** A call after the watermark that mentions `column`, so may have derived it from the watermarked one. */
  derivesColumn: boolean;
}

export const watermarkColumnMismatch: Rule = {
  code: 'PSA206',
  name: 'watermark-column-mismatch',
  summary: 'withWatermark on one column, event-time window() on another: the watermark never closes a window.',
  defaultSeverity: 'warning',
  check(ctx: RuleContext) {
    for (const agg of ctx.model.aggregations) {
      if (agg.kind !== 'groupBy' || agg.input.streaming !== true || !agg.windowColumn || !agg.windowNode) continue;
      const up = upstream(agg.input, agg.windowColumn);
      if (up.watermarks.length === 0 || up.derivesColumn) continue;
      // Any watermark we cannot name, or one on the window column, and Spark may be fine.
      if (up.watermarks.some((w) => w.column === undefined || w.column === agg.windowColumn)) continue;
      const wm = up.watermarks[0];
      ctx.report({
        node: agg.windowNode,
        message: message(agg, wm.column!),
        related: up.watermarks.map((w) => related(w.node, `watermark on "${w.column}"`)),
      });
    }
  },
};

function message(agg: AggregationInfo, watermarkColumn: string): string {
  return (
    `The window is on "${agg.windowColumn}" but the watermark is on "${watermarkColumn}": Spark only evicts ` +
    'aggregation state when the watermark is on a grouping key (or the column the window is built on), so these ' +
    'windows are never closed. Append output mode fails to start ("Append output mode not supported when there are ' +
    'streaming aggregations ... without watermark"), and update mode keeps every window in state forever. ' +
    `Put the watermark on "${agg.windowColumn}", or window on "${watermarkColumn}".`
  );
}

/** Walks up from the aggregated frame to the nearest watermarks on every path. */
function upstream(frame: Frame, column: string): Upstream {
  const out: Upstream = { watermarks: [], derivesColumn: false };
  const seen = new Set<number>();
  const stack = [frame];
  const mention = new RegExp(`(^|[^A-Za-z0-9_])${column.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}($|[^A-Za-z0-9_])`);
  while (stack.length && seen.size < MAX_FRAMES) {
    const f = stack.pop()!;
    if (seen.has(f.id)) continue;
    seen.add(f.id);
    if (f.op === 'withWatermark' && f.watermark) {
      out.watermarks.push(f.watermark);
      continue; // what happens before the watermark does not matter
    }
    if (MAY_RENAME.has(f.op) && mention.test(argumentsText(f.node))) out.derivesColumn = true;
    stack.push(...f.parents);
  }
  return out;
}

function argumentsText(call: Node): string {
  return call.childForFieldName('arguments')?.text ?? '';
}
