import { callParts } from '../../parsing/syntax';
import { deltaHandleOf, partitionedTables, SQL_TABLE_NAME, sqlTexts, tableKey, templateText, type PartitionedTable } from '../helpers/delta';
import { related, type Rule, type RuleContext } from '../rule';
import { callsNamed } from '../helpers/callIndex';

const MERGE_SQL = new RegExp(String.raw`\bMERGE\s+INTO\s+(delta\.\x60[^\x60]+\x60|${SQL_TABLE_NAME})[\s\S]*?\bUSING\b[\s\S]*?\bON\b([\s\S]+?)\bWHEN\b`, 'i');

function mentions(condition: string, column: string): boolean {
  return new RegExp(`(^|[^\\w])${column.replace(/[^\w]/g, '')}([^\\w]|$)`, 'i').test(condition);
}

function message(table: PartitionedTable): string {
  const cols = table.columns.join(', ');
  return (
    `MERGE into a table partitioned by ${cols} whose ON condition says nothing about ${table.columns.length === 1 ? 'that column' : 'those columns'}: ` +
    'Delta must scan every partition of the target to find the matching rows, so each run reads (and may rewrite files in) the ' +
    'whole table, and two merges that touch different partitions still conflict (ConcurrentAppendException). If the ' +
    `source carries the partition value, add it to the condition (t.${table.columns[0]} = s.${table.columns[0]}), or bound it ` +
    `with the values the batch holds (t.${table.columns[0]} IN (...) / >= a date).`
  );
}

export const mergeWithoutPartitionPruning: Rule = {
  code: 'PSA801',
  name: 'merge-without-partition-pruning',
  summary:
    'MERGE (SQL or DeltaTable.merge) into a table the program partitions, with no partition column in the ON condition: every run scans the whole target.',
  defaultSeverity: 'warning',
  check(ctx: RuleContext) {
    const tables = partitionedTables(ctx.model);
    if (tables.size === 0) return;
    const judge = (key: string | undefined, condition: string, start: number, end: number) => {
      const table = key ? tables.get(key) : undefined;
      if (!table || table.columns.some((c) => mentions(condition, c))) return;
      // A condition built from parts the model cannot read may name the partition column.
      if (/\{[^}]*\}/.test(condition)) return;
      ctx.report({ start, end, message: message(table), related: [related(table.node, 'the table is partitioned here')] });
    };
    for (const { node, text } of sqlTexts(ctx.model)) {
      const m = MERGE_SQL.exec(text);
      if (m) judge(tableKey(m[1]), m[2], node.startIndex, node.endIndex);
    }
    for (const call of callsNamed(ctx.model, 'merge')) {
      const parts = callParts(call);
      if (parts?.name !== 'merge' || !parts.object || !parts.nameNode) continue;
      const handle = deltaHandleOf(ctx.model, parts.object);
      const condNode = parts.args[1] ?? parts.keywords.get('condition');
      if (!handle?.key || !condNode) continue;
      const condition = templateText(condNode) ?? condNode.text;
      judge(handle.key, condition, parts.nameNode.startIndex, call.endIndex);
    }
  },
};
