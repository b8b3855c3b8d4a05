import { deleteStatement, ownsItsLines } from '../../fixes/edits';
import type { Fix } from '../../findings';
import { findInLineage } from '../../model/lineage';
import { isDynamicFrame } from '../../spark/glue';
import type { Frame } from '../../model/types';
import type { Node } from '../../parsing/pythonParser';
import { callParts, enclosingStatement, isTryBody, sameNode, unwrapParens } from '../../parsing/syntax';
import type { Rule, RuleContext } from '../rule';
import { isDisplayFormat } from '../../spark/writers';
import { callsNamed } from '../helpers/callIndex';
import { displayOnlyHandler, driverMemoryHandler } from '../helpers/displayHandlers';
import { displayIsLocal, displayedFrameOf as frameOf } from '../helpers/notebookDisplay';
import { isCatalogMetadata, isCommandResult } from '../helpers/fewRows';
import { pastesConsoleOutput } from '../helpers/pastedOutput';

/** Steps behind which `show()` computes every input row before it can print 20: shuffles and sorts. */
const WIDE = new Set([
  'join',
  'crossJoin',
  'groupBy',
  'groupby',
  'agg',
  'count',
  'sum',
  'avg',
  'mean',
  'max',
  'min',
  'distinct',
  'dropDuplicates',
  'drop_duplicates',
  'orderBy',
  'sort',
  'repartition',
  'repartitionByRange',
  'intersect',
  'intersectAll',
  'exceptAll',
  'subtract',
  'pivot',
  'rollup',
  'cube',
]);

/** A condition that makes the output opt-in: `if debug:`, `if args.verbose:`, `if SHOW_SAMPLES:`. */
const DEBUG_GUARD = /debug|verbose|dry_?run|preview|sample|show|display|print|inspect|interactive|log_?level|isEnabledFor/i;
/** Functions whose job is to print: `def show_results(df)`, `def preview(...)`, `def debug_frame(...)`. */
const DISPLAY_FUNCTION = /^_*(show|display|preview|debug|inspect|print|peek|explore|describe|dump|log)(_|$|[A-Z])|_(debug|preview)$/i;

/** Paths a local demo writes to. */
const SCRATCH_PATH = /^(\/tmp\/|\/?tmp\b|dbfs:\/tmp\/|file:|[a-z]:[\\/])|^(?![a-z][a-z0-9+.-]*:|\/|\{)/i;

/**
 * A job: a module that builds its own session (not notebook code using the platform's `spark`, not
 * a local demo on `master("local")`) and writes data to durable storage (not the console, not
 * `/tmp` or a relative folder). A tutorial's `df.show()` IS its output.
 */
function isJob(ctx: RuleContext): boolean {
  if (/^# COMMAND -{5,}/m.test(ctx.text)) return false;
  // Teaching material (the context model's one detector), say a Databricks notebook export without its header line.
  if (ctx.code.teaching) return false;
  // A script carrying its own printed schema or show() table in comments is a lesson: its
  // printSchema() and show() calls are the output the comments reproduce for the reader.
  if (pastesConsoleOutput(ctx.text)) return false;
  if (!/SparkSession\s*\.\s*builder|\bGlueContext\s*\(|\bSparkContext\s*\(|DatabricksSession\s*\.\s*builder/.test(ctx.text)) return false;
  if (/\.master\(\s*(['"])local/.test(ctx.text)) return false;
  const durable = ctx.model.sinks.some((s) => {
    if (isDisplayFormat(s.format)) return false;
    // A foreachBatch function that only shows (or keeps the rows in the driver) is a console sink written
    // by hand: the query writes nothing durable, its show() calls are its output.
    if (s.foreachBatch) return !displayOnlyHandler(ctx.model, s) && !driverMemoryHandler(ctx.model, s);
    if (s.table !== undefined || s.format === 'jdbc' || s.method === 'jdbc') return true;
    return s.path === undefined || !SCRATCH_PATH.test(s.path);
  });
  return durable || /\bMERGE\s+INTO\b|\bINSERT\s+(INTO|OVERWRITE)\b/i.test(ctx.text);
}

function optIn(node: Node): boolean {
  for (let p = node.parent; p; p = p.parent) {
    if (p.type === 'if_statement' || p.type === 'elif_clause' || p.type === 'conditional_expression') {
      const cond = p.childForFieldName('condition') ?? p;
      if (DEBUG_GUARD.test(cond.text)) return true;
    }
    if (p.type === 'function_definition' && DISPLAY_FUNCTION.test(p.childForFieldName('name')?.text ?? '')) return true;
  }
  return false;
}

/**
 * `try: display(df) except NameError: print(...)`: the module says itself that display() exists only
 * in a notebook and chose what a plain run does instead; the call is the notebook's output, not debris.
 */
function notebookOnly(node: Node): boolean {
  for (let p = node.parent; p; p = p.parent) {
    if (!isTryBody(p)) continue;
    const handlers = p.parent!.namedChildren.filter((c) => c.type === 'except_clause');
    if (handlers.some((h) => /\bNameError\b/.test(h.namedChildren[0]?.type === 'block' ? '' : (h.namedChildren[0]?.text ?? '')))) return true;
  }
  return false;
}

function isWide(frame: Frame): boolean {
  return findInLineage(frame, (f) => WIDE.has(f.op)) !== undefined;
}

/** The call is a statement of its own (`df.show()` on its line): deleting it leaves valid Python. */
function removal(ctx: RuleContext, call: Node, what: string): Fix[] {
  const stmt = enclosingStatement(call);
  if (!stmt || stmt.type !== 'expression_statement' || !sameNode(unwrapParens(stmt.namedChildren[0]!), call)) return [];
  if (!ownsItsLines(ctx.text, stmt)) return [];
  return [
    {
      title: `Remove the ${what} call`,
      edits: [deleteStatement(ctx.text, stmt)],
      applicability: 'unsafe',
      reason: 'the job no longer prints this output to its log',
    },
  ];
}

export const notebookDebrisInJob: Rule = {
  code: 'PSA113',
  name: 'notebook-debris-in-job',
  summary:
    'show(), display(), printSchema() or explain() left in a job that writes data: show()/display() run a Spark job each time to print rows nobody reads.',
  defaultSeverity: 'warning',
  check(ctx: RuleContext) {
    if (!isJob(ctx)) return;
    const seen = new Set<number>();
    for (const a of ctx.model.actions) {
      if (a.method !== 'show' || a.frame.streaming === true || seen.has(a.call.id)) continue;
      seen.add(a.call.id);
      if (optIn(a.call)) continue;
      // `spark.sql("SHOW TABLES").show()`: a listing of the catalog's objects, no input read and no
      // data rows in the log; a setup script prints it to confirm what it registered.
      if (isCatalogMetadata(a.frame)) continue;
      // `spark.sql("INSERT INTO t SELECT ...").show()`: the command ran when spark.sql was called;
      // show() prints its empty (or one-row metrics) result and reads nothing again.
      if (isCommandResult(a.frame)) continue;
      const name = callParts(a.call)?.nameNode ?? a.call;
      const cost = isWide(a.frame)
        ? "each call runs a Spark job that computes this frame's joins, aggregations or sorts over all their input just to print 20 rows"
        : 'each call runs a Spark job that reads the input again to print 20 rows';
      ctx.report({
        start: name.startIndex,
        end: a.call.endIndex,
        message:
          `show() left in a job: ${cost}, and writes data rows to the driver log, where nobody looks at them and ` +
          'where personal data should not end up. Remove it; to keep an eye on the data, log a figure the job computes ' +
          'anyway (df.observe(...) metrics, the row count of the write).',
        fixes: removal(ctx, a.call, 'show()'),
      });
    }
    for (const t of ctx.model.transforms) {
      if ((t.method !== 'printSchema' && t.method !== 'explain') || seen.has(t.call.id)) continue;
      seen.add(t.call.id);
      if (optIn(t.call)) continue;
      const what = t.method === 'printSchema' ? 'the schema' : 'the query plan';
      // A DynamicFrame has no schema until one is computed from its records (Glue's schema-on-read).
      const dynamic = t.method === 'printSchema' && isDynamicFrame(t.frame);
      const cost = dynamic
        ? 'on a Glue DynamicFrame it reads the data to work the schema out (a DynamicFrame has none until then), and prints'
        : 'it runs no Spark job, but prints';
      const instead = dynamic
        ? 'Remove it; if the schema matters to the job, declare it (ApplyMapping, a catalog table).'
        : 'Remove it, or log it on purpose ' + (t.method === 'printSchema' ? '(logger.info(df.schema.simpleString())).' : '(logger.debug(...) behind a flag).');
      ctx.report({
        start: t.methodNode.startIndex,
        end: t.call.endIndex,
        severity: 'information',
        message: `${t.method}() left in a job: ${cost} ${what} to the driver's stdout on every run, ` + `debugging output the job does not need. ${instead}`,
        fixes: removal(ctx, t.call, `${t.method}()`),
      });
    }
    if (displayIsLocal(ctx.model)) return;
    for (const call of callsNamed(ctx.model, 'display')) {
      const parts = callParts(call);
      if (!parts || parts.object || parts.name !== 'display' || parts.args.length === 0 || seen.has(call.id)) continue;
      const frame = frameOf(ctx.model, parts.args[0]);
      if (!frame || frame.streaming === true) continue;
      seen.add(call.id);
      if (optIn(call) || notebookOnly(call)) continue;
      ctx.report({
        node: call,
        message:
          'display() left in a job: it is a notebook function (a NameError when the module runs outside a notebook), ' +
          'and where it exists it runs a Spark job to render rows nobody sees in a scheduled run. Remove it, or log ' +
          'a figure the job computes anyway.',
        fixes: removal(ctx, call, 'display()'),
      });
    }
  },
};
