import type { Node } from '../../parsing/pythonParser';
import { callParts, literalString, unwrapParens } from '../../parsing/syntax';
import { deltaHandleOf, partitionedTables, SQL_TABLE_NAME, sqlTexts, tableKey, type PartitionedTable } from '../helpers/delta';
import { related, type Rule, type RuleContext } from '../rule';
import { callsNamed } from '../helpers/callIndex';

const OPTIMIZE_SQL = new RegExp(
  String.raw`\bOPTIMIZE\s+(delta\.\x60[^\x60]+\x60|'[^']+'|"[^"]+"|${SQL_TABLE_NAME})(?:\s+WHERE\s+[\s\S]*?)?\s+ZORDER\s+BY\s*(\([^)]*\)|[\w\x60,\s]+)`,
  'i',
);

function zorderColumns(list: string): string[] {
  return list
    .replace(/^\(|\)$/g, '')
    .split(',')
    .map((c) => c.trim().replace(/`/g, ''))
    .filter((c) => /^\w+$/.test(c));
}

/** `executeZOrderBy("a", "b")` or `executeZOrderBy(["a", "b"])`: the literal names, or undefined. */
function apiColumns(args: readonly Node[]): string[] | undefined {
  const nodes =
    args.length === 1 && unwrapParens(args[0]).type === 'list'
      ? unwrapParens(args[0]).namedChildren.filter((c): c is Node => !!c && c.type !== 'comment')
      : args;
  const names = nodes.map((n) => literalString(n));
  return names.some((n) => n === undefined) ? undefined : (names as string[]);
}

/** The `DeltaTable` handle under `handle.optimize()[.where(...)].executeZOrderBy(...)`. */
function optimizeReceiver(call: Node): Node | undefined {
  let n: Node | undefined = callParts(call)?.object;
  for (let i = 0; n && i < 5; i++) {
    const parts = n.type === 'call' ? callParts(n) : undefined;
    if (!parts) return undefined;
    if (parts.name === 'optimize') return parts.object;
    if (parts.name !== 'where') return undefined;
    n = parts.object;
  }
  return undefined;
}

function message(cols: string[], table: PartitionedTable): string {
  const list = cols.join(', ');
  return (
    `ZORDER BY ${list}: ${cols.length === 1 ? 'a partition column' : 'partition columns'} of this table (partitioned by ${table.columns.join(', ')}). ` +
    `Delta refuses it: "${cols[0]} is a partition column. Z-Ordering can only be performed on data columns" ` +
    '(DELTA_ZORDERING_ON_PARTITION_COLUMN), so the OPTIMIZE step fails. Every file already holds a single value of a ' +
    'partition column; Z-order by the data columns queries filter on instead.'
  );
}

export const zorderOnPartitionColumn: Rule = {
  code: 'PSA802',
  name: 'zorder-on-partition-column',
  summary: 'OPTIMIZE ... ZORDER BY (or executeZOrderBy) on a column the same program partitions the table by: Delta refuses it.',
  defaultSeverity: 'error',
  check(ctx: RuleContext) {
    const tables = partitionedTables(ctx.model);
    if (tables.size === 0) return;
    const check = (key: string | undefined, cols: string[], node: Node) => {
      const table = key ? tables.get(key) : undefined;
      if (!table) return;
      const partition = new Set(table.columns.map((c) => c.toLowerCase()));
      const bad = cols.filter((c) => partition.has(c.toLowerCase()));
      if (bad.length === 0) return;
      ctx.report({ node, message: message(bad, table), related: [related(table.node, 'the table is partitioned here')] });
    };
    for (const { node, text } of sqlTexts(ctx.model)) {
      const m = OPTIMIZE_SQL.exec(text);
      if (m) check(tableKey(m[1]), zorderColumns(m[2]), node);
    }
    for (const call of callsNamed(ctx.model, 'executeZOrderBy')) {
      const parts = callParts(call);
      if (parts?.name !== 'executeZOrderBy' || !parts.nameNode) continue;
      const receiver = optimizeReceiver(call);
      const handle = receiver ? deltaHandleOf(ctx.model, receiver) : undefined;
      const cols = apiColumns(parts.args);
      if (!handle?.key || !cols) continue;
      check(handle.key, cols, call);
    }
  },
};
