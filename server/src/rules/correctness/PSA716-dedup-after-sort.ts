import type { Fix } from '../../findings';
import { planImports } from '../../fixes/edits';
import type { Frame } from '../../model/types';
import type { Node } from '../../parsing/pythonParser';
import { callParts, literalString, sameNode, unwrapParens } from '../../parsing/syntax';
import type { SparkFunctions } from '../../spark/functions';
import type { Rule, RuleContext } from '../rule';
import { orderedColumn, sortBefore } from '../helpers/rowOrder';

const DEDUPS = new Set(['dropDuplicates', 'drop_duplicates']);
/**
 * Global sorts only. `repartition(k).sortWithinPartitions(ts).dropDuplicates([k])` keeps every row
 * of a key in one sorted partition with no shuffle before the dedup: relied on by some on purpose.
 */
const SORTS = new Set(['orderBy', 'sort']);

/** `["id", "day"]` / `("id",)`: the literal key columns of `dropDuplicates(subset)`, else undefined. */
function literalSubset(call: Node): { node: Node; columns: string[] } | undefined {
  const parts = callParts(call);
  const arg = parts?.args[0] ?? parts?.keywords.get('subset');
  const n = arg ? unwrapParens(arg) : undefined;
  if (!n || (n.type !== 'list' && n.type !== 'tuple')) return undefined;
  const columns: string[] = [];
  for (const c of n.namedChildren) {
    if (!c || c.type === 'comment') continue;
    const s = literalString(c);
    if (s === undefined) return undefined;
    columns.push(s);
  }
  return columns.length ? { node: n, columns } : undefined;
}

/**
 * The column a sort argument orders by: `"ts"`, `col("ts")`, `F.desc("ts")`, `col("ts").desc()`,
 * `df.ts.desc()`, `df["ts"]`; a list argument gives each of its elements. Undefined entries: not read.
 */
function sortColumns(fns: SparkFunctions, sort: Node): (string | undefined)[] {
  const out: (string | undefined)[] = [];
  const one = (arg: Node): void => {
    const n = unwrapParens(arg);
    if (n.type === 'list' || n.type === 'tuple') {
      for (const c of n.namedChildren) if (c && c.type !== 'comment') one(c);
      return;
    }
    out.push(orderedColumn(fns, n));
  };
  for (const a of callParts(sort)?.args ?? []) one(a);
  return out;
}

export const dedupAfterSort: Rule = {
  code: 'PSA716',
  name: 'dedup-after-sort',
  summary:
    'dropDuplicates(keys) right after orderBy()/sort() by another column, as if the sort chose which row of each key is kept: the dedup shuffles by the keys and keeps an arbitrary row, which changes from run to run.',
  defaultSeverity: 'warning',
  check(ctx: RuleContext) {
    const seen = new Set<number>();
    for (const f of ctx.model.frames) {
      if (!DEDUPS.has(f.op) || f.node.type !== 'call' || seen.has(f.node.id)) continue;
      seen.add(f.node.id);
      // A sort on a stream is refused at start (PSA219): nothing to keep here.
      if (f.streaming === true) continue;
      const subset = literalSubset(f.node);
      const sort = sortBefore(f.parents[0], SORTS);
      if (!subset || !sort || sort.node.type !== 'call') continue;
      const keys = new Set(subset.columns);
      const ordered = sortColumns(ctx.functions, sort.node);
      // Sorted by the keys themselves (for the output's order): the sort says nothing about which
      // duplicate is wanted. A column the rule cannot read may be a key: silent as well.
      const chooser = ordered.find((c) => c !== undefined && !keys.has(c));
      if (!chooser || ordered.some((c) => c === undefined)) continue;
      // The sorted rows are also written or shown as they are: the sort serves that output, and
      // whether the dedup was meant to follow it cannot be told.
      if (sortedOutputOf(ctx, sort)) continue;
      const keyText = subset.columns.map((c) => `"${c}"`).join(', ');
      ctx.report({
        start: methodStart(f.node),
        end: f.node.endIndex,
        message:
          `${f.op}([${keyText}]) keeps an arbitrary row of each key, not the first one in the order of the sort before it. ` +
          'Deduplication is an aggregation: it shuffles the rows by the key columns and keeps whichever row of a key reaches it first, ' +
          'which changes from run to run. To keep the first row by that order, number the rows ' +
          `in a window: row_number().over(Window.partitionBy(${keyText}).orderBy(...)) == 1.`,
        related: [{ start: methodStart(sort.node), end: sort.node.endIndex, message: 'this sort does not decide which row is kept' }],
        why: `the rows are sorted by "${chooser}", which is not a key of the dedup`,
        fixes: windowFix(ctx, f.node, sort.node, subset.node),
      });
    }
  },
};

/** Where `.method(...)` of a chained call starts (its name, `callParts`): the finding covers the call, not its receiver. */
function methodStart(call: Node): number {
  return callParts(call)?.nameNode?.startIndex ?? call.startIndex;
}

/** A write or an action (show, toPandas, collect, ...) of the sorted frame itself, or of it through order-keeping steps. */
function sortedOutputOf(ctx: RuleContext, sort: Frame): boolean {
  for (const sink of ctx.model.sinks) if (sortBefore(sink.frame, SORTS) === sort) return true;
  for (const action of ctx.model.actions) if (sortBefore(action.frame, SORTS) === sort) return true;
  return false;
}

const RANK = '_row_in_key';

/**
 * `x.orderBy(S).dropDuplicates(K)` -> `x.withColumn("_row_in_key", F.row_number().over(Window.partitionBy(K)
 * .orderBy(S))).filter(F.col("_row_in_key") == 1).drop("_row_in_key")`: only when the dedup is called on the
 * sort itself and the sort has no keyword (`ascending=False` has no place in Window.orderBy).
 */
function windowFix(ctx: RuleContext, dedup: Node, sort: Node, subset: Node): Fix[] {
  const receiver = callParts(dedup)?.object;
  if (!receiver || !sameNode(unwrapParens(receiver), sort)) return [];
  const sortParts = callParts(sort);
  const base = sortParts?.object;
  const args = sortParts?.argumentList;
  if (!sortParts || sortParts.keywords.size || !base || !args) return [];
  const imports = planImports(ctx.model, ctx.text, ['Window']);
  const F = imports.functions;
  const order = ctx.text.slice(args.startIndex + 1, args.endIndex - 1).trim();
  const newText =
    `.withColumn("${RANK}", ${F}.row_number().over(Window.partitionBy(${subset.text}).orderBy(${order})))` +
    `.filter(${F}.col("${RANK}") == 1).drop("${RANK}")`;
  return [
    {
      title: 'Keep the first row of each key in the sort order (row_number over a window)',
      edits: [...imports.edits, { start: base.endIndex, end: dedup.endIndex, newText }],
      applicability: 'unsafe',
      reason: 'keeps the first row of each key by the sort instead of an arbitrary one',
    },
  ];
}
