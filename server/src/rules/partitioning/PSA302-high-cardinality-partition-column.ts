import { related, type Rule, type RuleContext } from '../rule';
import { highCardinalityReason, isCalendarPeriod, UNIQUE_IDENTIFIER } from '../helpers/cardinality';
import { findInLineage, lineage } from '../../model/lineage';
import type { DataFrameModel, Frame } from '../../model/types';

export const highCardinalityPartitionColumn: Rule = {
  code: 'PSA302',
  name: 'high-cardinality-partition-column',
  summary: 'partitionBy on an id/uuid/timestamp/email-like column: millions of directories of tiny files.',
  defaultSeverity: 'warning',
  check(ctx: RuleContext) {
    for (const sink of ctx.model.sinks) {
      for (const [i, p] of sink.partitionBy.entries()) {
        if (!p.name) continue;
        const reason = highCardinalityReason(p.name);
        if (!reason) continue;
        // `withColumn("event_time", lit(run_hour))`: one value per write, one directory, whatever the name.
        if (sink.frame.columns.get(p.name)?.constant) continue;
        // A bare `id` the program groups the same data by repeats: it is a key (a device, a store), not
        // the per-row identifier the message would assert, and its cardinality is unknown.
        if (reason === UNIQUE_IDENTIFIER && groupedBy(ctx.model, p.name, sink.frame)) continue;
        // `partitionBy("id", "month")`: the layout nests calendar periods under each id, which only
        // makes sense for a key that repeats over time (a sensor, an account), not for one value per row.
        if (reason === UNIQUE_IDENTIFIER && sink.partitionBy.slice(i + 1).some((q) => q.name !== undefined && isCalendarPeriod(q.name))) continue;
        ctx.report({
          node: p.node,
          message:
            `partitionBy("${p.name}") partitions on ${reason}: every distinct value becomes a directory, so the write ` +
            'creates millions of tiny files that overload the metastore/object store and make every read list them. ' +
            'Partition by a low-cardinality column such as a date (to_date of the timestamp) or a hash bucket instead.',
          related: [related(sink.call, 'written here')],
          fixes: [],
        });
      }
    }
  },
};

/** An aggregation of the written data (a frame sharing its lineage) keyed by `column`. */
function groupedBy(model: DataFrameModel, column: string, written: Frame): boolean {
  const upstream = new Set<Frame>(lineage(written));
  return model.aggregations.some((a) => a.kind === 'groupBy' && a.keys?.includes(column) && findInLineage(a.input, (f) => upstream.has(f)) !== undefined);
}
