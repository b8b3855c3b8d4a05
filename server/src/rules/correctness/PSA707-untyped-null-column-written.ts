import { findInLineage } from '../../model/lineage';
import type { SparkFunctions } from '../../spark/functions';
import type { Node } from '../../parsing/pythonParser';
import { callParts, unwrapParens } from '../../parsing/syntax';
import { related, type Rule, type RuleContext } from '../rule';
import { isDisplayFormat } from '../../spark/writers';

/** `F.lit(None)` / `lit(None)`, possibly named (`.alias("x")`), with no `.cast(...)` around it. */
function untypedNull(fns: SparkFunctions, expr: Node): Node | undefined {
  let n = unwrapParens(expr);
  for (let i = 0; i < 5 && n.type === 'call'; i++) {
    const parts = callParts(n);
    if ((parts?.name === 'alias' || parts?.name === 'name') && parts.object) {
      n = unwrapParens(parts.object);
      continue;
    }
    break;
  }
  if (n.type !== 'call' || fns.nameOf(n) !== 'lit') return undefined;
  const arg = callParts(n)?.args[0];
  return arg && unwrapParens(arg).type === 'none' ? n : undefined;
}

/** The expression a column was built from: `withColumn("c", expr)` stores the name node, `select(expr)` the expression. */
function expressionOf(node: Node): Node | undefined {
  const list = node.parent;
  if (list?.type === 'argument_list') {
    const call = list.parent;
    const parts = call ? callParts(call) : undefined;
    if (parts?.name === 'withColumn' && parts.args[0] && parts.args[0].id === node.id) return parts.args[1];
    return node;
  }
  // `withColumns({"c": lit(None)})` stores the pair.
  if (node.type === 'pair') return node.childForFieldName('value') ?? undefined;
  return undefined;
}

export const untypedNullColumnWritten: Rule = {
  code: 'PSA707',
  name: 'untyped-null-column-written',
  summary: 'A column made with lit(None) and no cast reaches a write: its type is void, which Parquet/ORC/CSV/JDBC writes reject and Delta silently drops.',
  defaultSeverity: 'warning',
  check(ctx: RuleContext) {
    const reported = new Set<number>();
    for (const sink of ctx.model.sinks) {
      if (isDisplayFormat(sink.format)) continue;
      if (sink.foreachBatch) continue;
      // A union widens a void column to the other side's type.
      if (findInLineage(sink.frame, (f) => f.op === 'union' || f.op === 'unionAll' || f.op === 'unionByName')) continue;
      for (const col of sink.frame.columns.values()) {
        const expr = expressionOf(col.node);
        const lit = expr ? untypedNull(ctx.functions, expr) : undefined;
        if (!lit || reported.has(lit.id)) continue;
        reported.add(lit.id);
        const delta = (sink.format ?? '').toLowerCase() === 'delta';
        ctx.report({
          node: lit,
          message:
            `Column '${col.name}' is lit(None) with no cast, and it is written: its type is void (NullType). ` +
            (delta
              ? 'Delta drops void columns from what it writes, so the column silently never reaches the table (and a streaming Delta sink refuses it). '
              : 'Parquet, ORC, CSV and JDBC writes refuse it (UNSUPPORTED_DATA_TYPE_FOR_DATASOURCE, "Can\'t get JDBC type for void"), and Delta drops the column. ') +
            `Give the null its type: F.lit(None).cast("string") (the type the column has in the target table).`,
          related: [related(sink.call, 'written here')],
        });
      }
    }
  },
};
