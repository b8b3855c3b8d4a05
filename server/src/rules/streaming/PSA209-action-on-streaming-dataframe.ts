import { streamingSources, type DataFrameModel, type Frame } from '../../model/types';
import type { Node } from '../../parsing/pythonParser';
import { callParts, literalString, unwrapParens } from '../../parsing/syntax';
import { callsNamedAny } from '../helpers/callIndex';
import { withoutSqlComments } from '../../spark/frameSize';
import { guardedByIsStreaming, insideBatchHandler, streamingOnEveryPath } from '../helpers/streamingCertainty';
import { BATCH_ACTIONS } from '../helpers/queryLifetime';
import { related, type Rule, type RuleContext } from '../rule';

export const actionOnStreamingDataFrame: Rule = {
  code: 'PSA209',
  name: 'action-on-streaming-dataframe',
  summary:
    'count()/collect()/show()/toPandas()/... on a streaming DataFrame, or spark.sql() running MERGE/INSERT over a temp view of one: Spark refuses to run it ("Queries with streaming sources must be executed with writeStream.start()").',
  defaultSeverity: 'error',
  check(ctx: RuleContext) {
    const seen = new Set<number>();
    for (const a of ctx.model.actions) {
      if (!BATCH_ACTIONS.has(a.method) || a.frame.streaming !== true || seen.has(a.call.id)) continue;
      seen.add(a.call.id);
      if (insideBatchHandler(ctx.model, a.call) || guardedByIsStreaming(a.call)) continue;
      if (!streamingOnEveryPath(a.frame, a.call)) continue;
      // The same call analysed again with a frame that is not surely streaming (a function called with both).
      if (ctx.model.actions.some((b) => b.call.id === a.call.id && b.frame.streaming !== true)) continue;
      const stream = streamingSources(a.frame)[0];
      ctx.report({
        start: a.receiver.endIndex,
        end: a.call.endIndex,
        message:
          `${a.method}() on a streaming DataFrame: Spark refuses to run it and raises AnalysisException ` +
          '"Queries with streaming sources must be executed with writeStream.start()". A stream has no last row to ' +
          'count, collect or show. Start a query instead: writeStream.format("console") (or "memory") to look at the ' +
          'data, or writeStream.foreachBatch(fn) to run batch actions on each micro-batch.',
        related: stream ? [related(stream.node, 'the stream is read here')] : [],
      });
    }
    reportCommandsOverStreamingViews(ctx);
  },
};

const VIEW_METHODS = new Set(['createOrReplaceTempView', 'createTempView', 'registerTempTable']);

/**
 * SQL that `spark.sql(...)` runs at once, as a batch job: MERGE, INSERT, and CREATE/REPLACE TABLE ... AS
 * SELECT. A view (`CREATE VIEW ... AS SELECT`) is only a definition and runs nothing; a SELECT runs at
 * its first action.
 */
const EAGER_COMMAND =
  /^(?:merge\s+into|insert\s+(?:into|overwrite)|(?:create\s+(?:or\s+replace\s+)?|replace\s+)table\b[\s\S]*?\bas\s*\(?\s*(?:select|with)\b)/i;

/**
 * Temp views registered under a literal name, by lower-cased name (Spark's are case-insensitive):
 * every frame the model saw registered under it, a call analysed more than once (a helper called
 * with several frames) contributing each of its frames. A registration on a frame the model does
 * not know makes the view unknown (undefined).
 */
function viewRegistrations(model: DataFrameModel): Map<string, { frame: Frame; call: Node }[] | undefined> {
  const out = new Map<string, { frame: Frame; call: Node }[] | undefined>();
  for (const call of callsNamedAny(model, VIEW_METHODS)) {
    const parts = callParts(call);
    if (!parts?.object || !parts.name || !VIEW_METHODS.has(parts.name)) continue;
    const name = literalString(parts.args[0] ?? parts.keywords.get('name') ?? parts.keywords.get('tableName'));
    if (name === undefined) continue;
    const key = name.toLowerCase();
    const obj = unwrapParens(parts.object);
    const ref = model.frameRefs.get(obj.startIndex);
    const frames =
      ref && ref.end === obj.endIndex
        ? [ref.frame, ...(ref.others ?? [])]
        : model.frames.filter((f) => f.node.startIndex === obj.startIndex && f.node.endIndex === obj.endIndex);
    const known = out.has(key) ? out.get(key) : [];
    out.set(key, frames.length && known ? [...known, ...frames.map((frame) => ({ frame, call }))] : undefined);
  }
  return out;
}

/**
 * `df.createOrReplaceTempView("updates")` on a stream, then `spark.sql("MERGE INTO t USING updates ...")`:
 * the command runs at once as a batch query over a streaming plan, and Spark's
 * `UnsupportedOperationChecker.checkForBatch` refuses it ("Queries with streaming sources must be
 * executed with writeStream.start()"). Reported when every frame the file registers under a view
 * the command reads is surely a stream; the command inside a foreachBatch function (where views
 * are normally of the micro-batch) is left alone.
 */
function reportCommandsOverStreamingViews(ctx: RuleContext): void {
  const sqlFrames = ctx.model.frames.filter((f) => f.source?.kind === 'sql' && f.source.node.type === 'call' && f.source.query !== undefined);
  if (!sqlFrames.length) return;
  const views = viewRegistrations(ctx.model);
  if (!views.size) return;
  const seen = new Set<number>();
  for (const f of sqlFrames) {
    const call = f.source!.node;
    if (seen.has(call.id)) continue;
    const query = withoutSqlComments(f.source!.query!).trim();
    const command = EAGER_COMMAND.exec(query);
    if (!command) continue;
    const view = streamingViewRead(views, query);
    if (!view) continue;
    if (insideBatchHandler(ctx.model, call) || guardedByIsStreaming(call)) continue;
    seen.add(call.id);
    const verb = command[0].split(/\s+/).slice(0, 2).join(' ').toUpperCase();
    const stream = streamingSources(view.registrations[0].frame)[0];
    ctx.report({
      node: call,
      message:
        `spark.sql() runs this ${verb} at once, as a batch query, but the temp view "${view.name}" it reads is a streaming DataFrame: ` +
        'Spark refuses it and raises AnalysisException "Queries with streaming sources must be executed with writeStream.start()". ' +
        `Run the ${verb} per micro-batch instead: writeStream.foreachBatch(fn), where fn registers batch_df as the view ` +
        '(or uses DeltaTable.merge) and runs the statement, with a checkpointLocation on the query.',
      related: [
        related(view.registrations[0].call, 'the streaming view is registered here'),
        ...(stream ? [related(stream.node, 'the stream is read here')] : []),
      ],
    });
  }
}

/** The first view after FROM, JOIN or USING whose every registration is surely a stream where it is registered. */
function streamingViewRead(
  views: Map<string, { frame: Frame; call: Node }[] | undefined>,
  query: string,
): { name: string; registrations: { frame: Frame; call: Node }[] } | undefined {
  for (const m of query.matchAll(/\b(?:from|join|using)\s+`?([A-Za-z_][A-Za-z0-9_]*)`?(?![A-Za-z0-9_.`{])/gi)) {
    const registrations = views.get(m[1].toLowerCase());
    if (!registrations?.length) continue;
    // A try body counts as run: the stream built there exists whenever the registration runs.
    if (registrations.every((r) => r.frame.streaming === true && streamingOnEveryPath(r.frame, r.call, true))) return { name: m[1], registrations };
  }
  return undefined;
}
