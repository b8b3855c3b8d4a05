import { streamingSources, type AggregationInfo, type Frame } from '../../model/types';
import type { Node } from '../../parsing/pythonParser';
import { callParts, isExtra, literalString, unwrapParens } from '../../parsing/syntax';
import { neverStarted, onlyBriefQueries, streamingSinksThrough } from '../helpers/queryLifetime';
import { related, type Rule, type RuleContext } from '../rule';

/** Join types Spark refuses to run between two streams without watermarks and a time bound. */
const OUTER_OR_SEMI = new Set([
  'left',
  'leftouter',
  'left_outer',
  'right',
  'rightouter',
  'right_outer',
  'full',
  'outer',
  'fullouter',
  'full_outer',
  'semi',
  'leftsemi',
  'left_semi',
]);
const RANGE_OPERATORS = new Set(['<', '<=', '>', '>=']);
/** SQL text that bounds time: a range comparison, BETWEEN, an interval. */
const RANGE_SQL = /<|>|\bbetween\b|\binterval\b/i;
/** How much of a condition expression is inspected. */
const MAX_NODES = 2_000;

type Bound = 'bounded' | 'unbounded' | 'unknown';

export const streamJoinWithoutWatermark: Rule = {
  code: 'PSA203',
  name: 'stream-join-without-watermark',
  summary: 'Stream-stream join whose condition has no event-time bound: both streams are buffered in state forever.',
  defaultSeverity: 'warning',
  check(ctx: RuleContext) {
    for (const join of ctx.model.aggregations) {
      if (join.kind !== 'join' || !join.other || join.input.streaming !== true || join.other.streaming !== true) continue;
      const watermarks = [join.input.watermark, join.other.watermark];
      // A watermark on a column we cannot name may be the one the condition uses: stay silent.
      if (watermarks.some((w) => w && w.column === undefined)) continue;
      const watermarkColumns = new Set(watermarks.flatMap((w) => (w?.column ? [w.column] : [])));
      if (conditionBound(join.joinCondition, watermarkColumns) !== 'unbounded') continue;
      // As for PSA201's joins: a demo query stopped seconds after it starts drops both buffers with it,
      // and a join no query can ever start (thrown away, or kept in a name nothing reads) buffers nothing.
      const fed = streamingSinksThrough(ctx.model, join.input, join.call);
      if (fed.length > 0 ? onlyBriefQueries(fed) : neverStarted(ctx.model, join.call)) continue;
      const outer = join.joinHow !== undefined && OUTER_OR_SEMI.has(join.joinHow.toLowerCase());
      ctx.report({
        start: join.methodNode.startIndex,
        end: join.call.endIndex,
        severity: outer ? 'error' : undefined,
        message: message(join, outer),
        related: sourcesOf(join),
      });
    }
  },
};

function message(join: AggregationInfo, outer: boolean): string {
  const missing = [join.input, join.other!].filter((f) => !f.watermark).length;
  const watermarkNote = missing === 2 ? ' Neither input has a watermark either.' : missing === 1 ? ' One input has no watermark either.' : '';
  const consequence = outer
    ? `Spark rejects a stream-stream ${join.joinHow} join without watermarks and a time-range condition when the query starts.`
    : 'Spark can never decide that a buffered row will find no more matches, so it keeps every row of both streams in state forever (state and batch time grow until the query runs out of memory).';
  return (
    'Stream-stream join with no event-time bound in the join condition: ' +
    consequence +
    watermarkNote +
    ' Watermark both inputs and add a time range to the condition, e.g. ' +
    '`F.expr("click_time BETWEEN imp_time AND imp_time + INTERVAL 1 HOUR")`.'
  );
}

function sourcesOf(join: AggregationInfo): ReturnType<typeof related>[] {
  const out = [];
  for (const side of [join.input, join.other!] as Frame[]) {
    const source = streamingSources(side)[0];
    if (source) out.push(related(source.node, side.watermark ? 'stream read here (watermarked)' : 'stream read here (no watermark)'));
  }
  return out;
}

/**
 * Whether the `on` argument bounds event time. Column names are an equi-join (bounded only when a
 * key is a watermarked column); a Column condition is bounded by a range comparison, `between`,
 * SQL with `<`/`>`/BETWEEN/INTERVAL, or any mention of a watermarked column. A condition held in
 * a variable or built by a helper is unknown.
 */
export function conditionBound(on: Node | undefined, watermarkColumns: ReadonlySet<string>): Bound {
  if (!on) return 'unbounded'; // no condition at all: a cross join of two streams
  const n = unwrapParens(on);
  const names = columnNames(n);
  if (names) return names.some((k) => watermarkColumns.has(k) || k === 'window') ? 'bounded' : 'unbounded';
  if (
    n.type !== 'comparison_operator' &&
    n.type !== 'boolean_operator' &&
    n.type !== 'call' &&
    n.type !== 'list' &&
    n.type !== 'tuple' &&
    n.type !== 'binary_operator'
  ) {
    return 'unknown';
  }
  let sawComparison = false;
  const stack: Node[] = [n];
  for (let visited = 0; stack.length; visited++) {
    if (visited > MAX_NODES) return 'unknown';
    const cur = stack.pop()!;
    if (cur.type === 'comparison_operator') {
      sawComparison = true;
      for (const op of cur.children) if (op && RANGE_OPERATORS.has(op.type)) return 'bounded';
    } else if (cur.type === 'call') {
      const parts = callParts(cur);
      if (parts?.name === 'between') return 'bounded';
      if (parts?.name === 'eqNullSafe') sawComparison = true;
      if (parts?.name === 'expr') {
        const sql = literalString(parts.args[0]);
        if (sql === undefined) return 'unknown';
        if (RANGE_SQL.test(sql)) return 'bounded';
        if (sql.includes('=')) sawComparison = true;
      }
    } else if (cur.type === 'string') {
      const s = literalString(cur);
      // An f-string may hide anything; a column name may be qualified (`"c.event_time"`).
      if (s === undefined || watermarkColumns.has(s.slice(s.lastIndexOf('.') + 1))) return 'bounded';
    } else if (cur.type === 'identifier' && watermarkColumns.has(cur.text)) {
      return 'bounded'; // `a.event_time == b.event_time`: equality on the watermarked column bounds state too
    }
    for (const c of cur.namedChildren) if (c) stack.push(c);
  }
  // Without a comparison we are looking at something else (a helper call returning a Column).
  return sawComparison ? 'unbounded' : 'unknown';
}

/** `"id"` or `["id", "day"]`: the equi-join column names, else undefined. */
function columnNames(n: Node): string[] | undefined {
  const single = literalString(n);
  if (single !== undefined) return [single];
  if (n.type !== 'list' && n.type !== 'tuple') return undefined;
  const out: string[] = [];
  for (const item of n.namedChildren) {
    if (!item || isExtra(item)) continue;
    const s = literalString(item);
    if (s === undefined) return undefined;
    out.push(s);
  }
  return out.length ? out : undefined;
}
