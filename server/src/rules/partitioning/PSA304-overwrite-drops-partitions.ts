import type { Fix } from '../../findings';
import type { DataFrameModel, SinkInfo } from '../../model/types';
import type { Node } from '../../parsing/pythonParser';
import { callParts, literalString, unwrapParens } from '../../parsing/syntax';
import { related, type Rule, type RuleContext } from '../rule';
import { partialWriteEvidence } from '../helpers/partialWrite';
import { sessionSettings, sinkOption } from '../helpers/sessionConf';
import { writerChainCalls } from '../helpers/writerChain';
import { nodesInScope, perModel } from '../helpers/scopeIndex';
import { dynamicOverwriteOption } from '../../templates';

const SESSION_MODE = 'spark.sql.sources.partitionOverwriteMode';
/** Formats where `partitionBy` lays out directories (others reject it or ignore it). */
const NOT_PARTITIONED = new Set(['jdbc', 'kafka', 'console', 'noop', 'memory']);
/** Formats Spark writes through the V1 path, where `saveAsTable` in overwrite mode drops the table. */
const V1_FILE_FORMATS = new Set(['parquet', 'orc', 'csv', 'json', 'avro', 'text', 'hive']);

export const overwriteDropsPartitions: Rule = {
  code: 'PSA304',
  name: 'overwrite-drops-partitions',
  summary: 'mode("overwrite") + partitionBy with static partitionOverwriteMode, writing only some partitions: all the others are deleted.',
  defaultSeverity: 'warning',
  check(ctx: RuleContext) {
    let sessionMode: boolean | undefined; // computed once, only for files that need it
    const seen = new Set<number>();
    for (const sink of ctx.model.sinks) {
      // insertInto rejects partitionBy outright: a different mistake, not a silent data loss.
      if (sink.streaming || sink.method === 'insertInto' || sink.mode?.toLowerCase() !== 'overwrite' || sink.partitionBy.length === 0) continue;
      const format = sink.format?.toLowerCase();
      if (sink.formatUnknown || (format && NOT_PARTITIONED.has(format)) || seen.has(sink.call.id)) continue;
      // The first load of an `if exists: MERGE else: overwrite` pair (or `try: open and MERGE except: overwrite`)
      // creates the target: there is nothing to drop.
      if (onlyWhenTargetMissing(sink.call)) continue;
      // `DROP TABLE t` (or removing the folder) just before: a full rebuild, no partition is left to lose.
      if (targetRemovedBefore(ctx, sink)) continue;
      // Overwriting with a full snapshot is correct; only a write that carries some partitions loses the others.
      const partial = partialWriteEvidence(sink, ctx.functions);
      if (!partial) continue;
      const droppedTable = sink.method === 'saveAsTable' && format !== undefined && V1_FILE_FORMATS.has(format);
      if (!droppedTable) {
        // Any partitionOverwriteMode / replaceWhere choice on the write, or one we cannot read, is deliberate.
        if (sink.optionsUnknown || sinkOption(sink, 'partitionOverwriteMode') || sinkOption(sink, 'replaceWhere')) continue;
        sessionMode ??= sessionSettings(ctx.model, SESSION_MODE).length > 0;
        if (sessionMode) continue;
      }
      seen.add(sink.call.id);
      const at = modeRange(sink) ?? { start: sink.writerNode.startIndex, end: sink.writerNode.endIndex };
      ctx.report({
        ...at,
        message: droppedTable ? droppedTableMessage(sink) : staticOverwriteMessage(sink),
        related: [related(partial.node, `${partial.why}, so the other partitions are lost`), related(sink.partitionBy[0].node, 'partitioned here')],
        fixes: droppedTable ? [] : [dynamicFix(sink)],
      });
    }
  },
};

/** `spark.catalog.tableExists(t)`, `DeltaTable.isDeltaTable(spark, p)`, `os.path.exists(p)`, `fs.exists(p)`, ... */
const EXISTS_CALLS = new Set(['tableExists', 'isDeltaTable', 'table_exists', 'exists']);

/**
 * The write runs only when its own target does not exist yet: in the `else` of `if <exists test on the
 * target>:`, or in the body of `if not <exists test on the target>:`. The test must name the same table
 * or path as the write (`tableExists(tbl)` ... `saveAsTable(tbl)`), so a `_SUCCESS` marker check does not count.
 */
function onlyWhenTargetMissing(write: Node): boolean {
  const target = callParts(write)?.args[0]?.text;
  if (!target) return false;
  let child: Node = write;
  for (let p = write.parent; p && p.type !== 'function_definition' && p.type !== 'module'; child = p, p = p.parent) {
    if (p.type !== 'if_statement' && p.type !== 'elif_clause') continue;
    const test = p.childForFieldName('condition');
    if (!test || /\b(and|or)\b/.test(test.text)) continue;
    const negated = test.type === 'not_operator';
    const tested = unwrapParens((negated ? test.childForFieldName('argument') : test) ?? test);
    const parts = tested.type === 'call' ? callParts(tested) : undefined;
    if (!parts?.name || !EXISTS_CALLS.has(parts.name) || !parts.args.some((a) => a.text === target)) continue;
    const inBody = p.childForFieldName('consequence')?.id === child.id;
    if (negated ? inBody : child.type === 'else_clause') return true;
  }
  return createdWhenOpeningFails(write, target);
}

/** Calls that open an existing target and raise when it is missing: `DeltaTable.forPath(spark, p)`, `forName`, `spark.table(t)`. */
const OPEN_CALLS = new Set(['forPath', 'forName', 'table']);

/**
 * The other shape of a first load: `try: DeltaTable.forPath(spark, PATH)...merge(...) except
 * AnalysisException: df.write...save(PATH)`. The write runs in an `except` of a `try` whose body opens
 * that same target, so it runs when the target cannot be opened (it does not exist yet): it creates it.
 */
function createdWhenOpeningFails(write: Node, target: string): boolean {
  let child: Node = write;
  for (let p = write.parent; p && p.type !== 'function_definition' && p.type !== 'module'; child = p, p = p.parent) {
    if (p.type !== 'try_statement' || child.type !== 'except_clause') continue;
    const body = p.childForFieldName('body');
    const opens = body?.descendantsOfType('call').some((c) => {
      const parts = c ? callParts(c) : undefined;
      return !!parts?.name && OPEN_CALLS.has(parts.name) && parts.args.some((a) => a.text === target);
    });
    if (opens) return true;
  }
  return false;
}

const DROP_TABLE = /^\s*DROP\s+TABLE\s+(?:IF\s+EXISTS\s+)?([`\w.]+)\s*;?\s*$/i;
/** `dbutils.fs.rm(p, True)`, `shutil.rmtree(p)`, `fs.delete(p, True)`. */
const REMOVE_PATH = new Set(['rm', 'rmtree', 'delete', 'remove']);

/** The last part of a table name, unquoted and lower case: `cat.db.\`t\`` -> `t`. */
function tableLeaf(name: string): string {
  return name.replace(/`/g, '').split('.').pop()!.toLowerCase();
}

/**
 * Earlier in the same function (or top level), the code drops the table the sink writes
 * (`spark.sql("DROP TABLE IF EXISTS silver_events")`) or removes its path: the overwrite rebuilds
 * the whole dataset on purpose.
 */
function targetRemovedBefore(ctx: RuleContext, sink: SinkInfo): boolean {
  const table = sink.table ? tableLeaf(sink.table) : undefined;
  const pathText = sink.pathNode?.text;
  for (const call of removalsInScope(ctx, sink.scope)) {
    if (call.startIndex >= sink.call.startIndex) break;
    const parts = callParts(call)!;
    if (!parts.args[0]) continue;
    if (parts.name === 'sql' && table) {
      const m = DROP_TABLE.exec(literalString(parts.args[0]) ?? '');
      if (m && tableLeaf(m[1]) === table) return true;
    } else if (
      REMOVE_PATH.has(parts.name!) &&
      pathText &&
      (parts.args[0].text === pathText || (sink.path !== undefined && literalString(parts.args[0]) === sink.path))
    ) {
      return true;
    }
  }
  return false;
}

const removals = new WeakMap<DataFrameModel, Map<number, Node[]>>();

/** The calls of a scope that may drop a table or remove a path (`sql(...)`, `rm(...)`, ...), in document order. */
function removalsInScope(ctx: RuleContext, scope: Node): Node[] {
  return perModel(removals, ctx.model, scope.id, () =>
    nodesInScope(ctx.model, 'call', scope).filter((call) => {
      const name = callParts(call)?.name;
      return name !== undefined && (name === 'sql' || REMOVE_PATH.has(name));
    }),
  );
}

function partitionNames(sink: SinkInfo): string {
  const names = sink.partitionBy.map((p) => p.name).filter((n): n is string => !!n);
  return names.length ? names.map((n) => `"${n}"`).join(', ') : '...';
}

function staticOverwriteMessage(sink: SinkInfo): string {
  const tableNote =
    sink.method === 'saveAsTable' && sink.format === undefined
      ? ' (For a Parquet/ORC/Hive table, saveAsTable in overwrite mode drops the whole table whatever the mode: use insertInto(table, overwrite=True) instead.)'
      : '';
  return (
    `mode("overwrite") with partitionBy(${partitionNames(sink)}) replaces the whole target, not just the partitions ` +
    'this DataFrame contains: with the default static partitionOverwriteMode, Spark removes every existing partition ' +
    'first, and this DataFrame holds only some of them (see related), so every run wipes out the others. Set partitionOverwriteMode to "dynamic" on the ' +
    'write (or the session) to replace only the partitions being written' +
    (sink.format === 'delta' ? ', or use replaceWhere.' : '.') +
    tableNote
  );
}

function droppedTableMessage(sink: SinkInfo): string {
  return (
    `saveAsTable in overwrite mode drops and recreates the ${sink.format} table: this DataFrame holds only some ` +
    'partitions (see related), so every other partition is deleted; partitionOverwriteMode does not apply to saveAsTable. To replace only the partitions ' +
    `present, write into the existing table with insertInto(table, overwrite=True) and partitionOverwriteMode=dynamic ` +
    '(insertInto matches columns by position and takes no partitionBy).'
  );
}

/** The `mode("overwrite")` call (from its method name: the call node spans the whole chain) or `mode=` keyword. */
function modeRange(sink: SinkInfo): { start: number; end: number } | undefined {
  for (const { call, parts } of writerChainCalls(sink)) {
    if (parts.name === 'mode' && parts.nameNode) return { start: parts.nameNode.startIndex, end: call.endIndex };
    const keyword = parts.keywords.get('mode');
    if (keyword?.parent) return { start: keyword.parent.startIndex, end: keyword.parent.endIndex };
  }
  return undefined;
}

function dynamicFix(sink: SinkInfo): Fix {
  const at = sink.writerNode.endIndex;
  return {
    title: 'Add option("partitionOverwriteMode", "dynamic")',
    edits: [{ start: at, end: at, newText: dynamicOverwriteOption() }],
    // Partitions the frame no longer holds now survive the write: a different table afterwards.
    applicability: 'unsafe',
    reason: 'overwrites only the partitions present instead of the whole output',
  };
}
