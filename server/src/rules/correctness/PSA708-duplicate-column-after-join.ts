import type { Frame, SinkInfo } from '../../model/types';
import type { Node } from '../../parsing/pythonParser';
import { callParts, literalString, unwrapParens } from '../../parsing/syntax';
import { related, type Rule, type RuleContext } from '../rule';
import { isDisplayFormat } from '../../spark/writers';

/** Steps that keep every column, both copies of a duplicate included. */
const KEEPS_COLUMNS = new Set([
  'filter',
  'where',
  'orderBy',
  'sort',
  'sortWithinPartitions',
  'limit',
  'cache',
  'persist',
  'repartition',
  'coalesce',
  'distinct',
  'hint',
  'alias',
  'withWatermark',
  'sample',
  'fillna',
  'dropna',
  'replace',
]);

/** `orders.customer_id` / `orders["customer_id"]`: the frame name and the column. */
function columnOfName(node: Node): { frame: string; column: string } | undefined {
  const n = unwrapParens(node);
  if (n.type === 'attribute') {
    const obj = n.childForFieldName('object');
    const attr = n.childForFieldName('attribute');
    if (obj?.type === 'identifier' && attr) return { frame: obj.text, column: attr.text };
  }
  if (n.type === 'subscript') {
    const obj = n.childForFieldName('value');
    const key = literalString(n.childForFieldName('subscript'));
    if (obj?.type === 'identifier' && key !== undefined) return { frame: obj.text, column: key };
  }
  return undefined;
}

/** Column names compared equal between the two sides in the join condition (`a.id == b.id`). */
function sharedKeys(condition: Node, left: string, right: string): string[] {
  const out = new Set<string>();
  const stack: Node[] = [condition];
  for (let steps = 0; stack.length && steps < 2_000; steps++) {
    const n = stack.pop()!;
    if (n.type === 'comparison_operator' && n.namedChildren.length === 2 && /==/.test(n.text)) {
      const a = columnOfName(n.namedChildren[0]!);
      const b = columnOfName(n.namedChildren[1]!);
      if (a && b && a.column === b.column && ((a.frame === left && b.frame === right) || (a.frame === right && b.frame === left))) {
        out.add(a.column);
      }
      continue;
    }
    for (const c of n.namedChildren) if (c) stack.push(c);
  }
  return [...out];
}

/** The frame a sink writes, when it is the join itself or the join followed only by column-keeping steps. */
function reachesUnchanged(join: Frame, sink: SinkInfo, column: string): boolean {
  let f: Frame | undefined = sink.frame;
  for (let i = 0; f && i < 200; i++) {
    if (f === join) return true;
    if (f.parents.length !== 1) return false;
    if (f.op === 'withColumn') {
      // `withColumn("id", ...)` replaces both copies by one.
      const name = literalString(callParts(f.node)?.args[0]);
      if (name === undefined || name === column) return false;
    } else if (!KEEPS_COLUMNS.has(f.op)) return false;
    f = f.parents[0];
  }
  return false;
}

export const duplicateColumnAfterJoin: Rule = {
  code: 'PSA708',
  name: 'duplicate-column-after-join',
  summary:
    'A join on a condition between same-named columns (a.id == b.id) keeps both columns, and the result is written: Spark refuses to write duplicate column names.',
  defaultSeverity: 'error',
  check(ctx: RuleContext) {
    const reported = new Set<number>();
    for (const join of ctx.model.frames) {
      if (join.op !== 'join' || join.parents.length !== 2 || join.node.type !== 'call' || reported.has(join.node.id)) continue;
      const parts = callParts(join.node);
      const on = parts?.args[1] ?? parts?.keywords.get('on');
      const left = parts?.object ? unwrapParens(parts.object) : undefined;
      const right = parts?.args[0] ? unwrapParens(parts.args[0]) : undefined;
      if (!on || !parts?.nameNode || left?.type !== 'identifier' || right?.type !== 'identifier' || left.text === right.text) continue;
      const how = literalString(parts.args[2] ?? parts.keywords.get('how'))
        ?.toLowerCase()
        .replace(/_/g, '');
      // Semi and anti joins keep only the left side's columns.
      if (how && /semi|anti/.test(how)) continue;
      const keys = sharedKeys(on, left.text, right.text);
      if (keys.length === 0) continue;
      for (const sink of ctx.model.sinks) {
        if (isDisplayFormat(sink.format) || sink.foreachBatch) continue;
        const column = keys.find((k) => reachesUnchanged(join, sink, k));
        if (column === undefined) continue;
        reported.add(join.node.id);
        ctx.report({
          start: parts.nameNode.startIndex,
          end: join.node.endIndex,
          message:
            `join on ${left.text}.${column} == ${right.text}.${column} keeps both '${column}' columns, and the result is written: ` +
            `Spark refuses to write a frame with duplicate column names ([COLUMN_ALREADY_EXISTS] / "Found duplicate column(s) in the data to save: ${column}"), ` +
            `after computing the whole join. Join on the name instead (join(${right.text}, "${column}") or on=["${column}"] keeps one copy), ` +
            `or drop one side's copy (.drop(${right.text}.${column})) before the write.`,
          related: [related(sink.call, 'written here')],
        });
        break;
      }
    }
  },
};
