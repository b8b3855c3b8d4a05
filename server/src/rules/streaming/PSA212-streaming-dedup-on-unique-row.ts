import type { ColumnInfo, Frame } from '../../model/types';
import { streamingSources } from '../../model/types';
import type { Node } from '../../parsing/pythonParser';
import { callParts, sameNode, unwrapParens } from '../../parsing/syntax';
import { insideBatchHandler, streamingOnEveryPath } from '../helpers/streamingCertainty';
import { related, type Rule, type RuleContext } from '../rule';

const WHOLE_ROW_DEDUP = new Set(['dropDuplicates', 'drop_duplicates', 'distinct']);

/** Expressions that give every row its own value: a row carrying one never equals another. */
const PER_ROW_VALUE = /\b(?:current_timestamp|now|localtimestamp|uuid|monotonically_increasing_id|rand|randn)\s*\(/;

/** Kafka metadata columns that differ between a record and its redelivered copy. */
const KAFKA_PER_RECORD = ['offset', 'timestamp'];

export const streamingDedupOnUniqueRow: Rule = {
  code: 'PSA212',
  name: 'streaming-dedup-on-unique-row',
  summary: 'dropDuplicates()/distinct() with no column list on a stream whose rows carry a per-record value (Kafka offset or timestamp, current_timestamp(), uuid()): nothing is ever a duplicate, yet every row is kept in state.',
  defaultSeverity: 'warning',
  check(ctx: RuleContext) {
    const seen = new Set<number>();
    for (const t of ctx.model.transforms) {
      if (!WHOLE_ROW_DEDUP.has(t.method) || t.frame.streaming !== true || seen.has(t.call.id)) continue;
      seen.add(t.call.id);
      const parts = callParts(t.call);
      if (!parts || parts.keywords.size > 0 || parts.args.some((a) => unwrapParens(a).type !== 'none')) continue;
      if (insideBatchHandler(ctx.model, t.call) || !streamingOnEveryPath(t.frame, t.call)) continue;
      // The same call also reached with a frame that lacks the column (a helper called twice).
      const uniques = ctx.model.transforms.filter((u) => u.call.id === t.call.id).map((u) => uniqueColumn(u.frame));
      const unique = uniques[0];
      if (!unique || uniques.some((u) => !u)) continue;
      const stream = streamingSources(t.frame)[0];
      ctx.report({
        start: t.methodNode.startIndex,
        end: t.call.endIndex,
        message:
          `${t.method}() compares whole rows, and column "${unique.column.name}" holds ${unique.why} on every row. ` +
          `${unique.effect[0].toUpperCase()}${unique.effect.slice(1)}, while every row is still kept in the streaming state (forever ` +
          'without a watermark). Deduplicate on the business key instead: dropDuplicates(["event_id", "event_ts"]) ' +
          `(or withWatermark + dropDuplicatesWithinWatermark on Spark 3.5+), or drop "${unique.column.name}" first.`,
        related: [
          ...(unique.column.node && (!stream || !sameNode(unique.column.node, stream.node)) ? [related(unique.column.node, `"${unique.column.name}" is set here`)] : []),
          ...(stream ? [related(stream.node, 'the stream is read here')] : []),
        ],
      });
    }
  },
};

interface Unique {
  column: ColumnInfo;
  why: string;
  /** What that does to duplicates. */
  effect: string;
}

const REDELIVERED = 'a record delivered twice (a producer retry, a replay) gets a new offset, so no copy is ever dropped';
const BATCH_TIME = 'every micro-batch gets a new value, so a copy arriving in a later batch is never dropped';
const ROW_VALUE = 'no two rows are equal, so nothing is ever dropped';

function uniqueColumn(frame: Frame): Unique | undefined {
  const kafka = streamingSources(frame).find((f) => f.source?.format?.toLowerCase() === 'kafka');
  for (const name of KAFKA_PER_RECORD) {
    const c = frame.columns.get(name);
    if (c && kafka && sameNode(c.node, kafka.source!.node)) {
      return name === 'offset'
        ? { column: c, why: 'the Kafka offset', effect: REDELIVERED }
        : { column: c, why: 'the Kafka record timestamp', effect: 'a record sent again by the application gets a new timestamp, so such copies are never dropped' };
    }
  }
  for (const c of frame.columns.values()) {
    const expr = definingExpression(c.node);
    const m = expr ? PER_ROW_VALUE.exec(expr.text) : null;
    if (!m) continue;
    const fn = m[0].replace(/\s*\($/, '');
    const batchTime = fn === 'current_timestamp' || fn === 'now' || fn === 'localtimestamp';
    return { column: c, why: batchTime ? `the micro-batch time (${fn}())` : `a per-row value (${fn}())`, effect: batchTime ? BATCH_TIME : ROW_VALUE };
  }
  return undefined;
}

/** The expression a column was defined by: the value of `withColumn(name, expr)`, or the aliased select item itself. */
function definingExpression(node: Node | undefined): Node | undefined {
  if (!node) return undefined;
  const list = node.parent;
  if (list?.type === 'argument_list') {
    const call = list.parent;
    const parts = call ? callParts(call) : undefined;
    if (parts?.name === 'withColumn' && sameNode(parts.args[0], node)) return parts.args[1];
    if (parts?.name === 'select' || parts?.name === 'selectExpr') return node;
    return undefined;
  }
  // `withColumns({"ingested_at": F.current_timestamp()})`: the dict pair.
  if (node.type === 'pair') return node.childForFieldName('value') ?? undefined;
  return undefined;
}
