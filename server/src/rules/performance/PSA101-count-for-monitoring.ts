import type { Fix } from '../../findings';
import { deleteStatement, insertAfterStatement, ownsItsLines, planImports } from '../../fixes/edits';
import { isAncestorFrame, type ActionUse, type SinkInfo } from '../../model/types';
import type { Node } from '../../parsing/pythonParser';
import { callParts, enclosingScope, sameNode, enclosingStatement, eolOf, escapeRegExp, indentAt, unwrapParens } from '../../parsing/syntax';
import { cacheStatement, observationTemplate } from '../../templates';
import { related, type Rule, type RuleContext } from '../rule';

const MONITORED_ACTIONS = new Set(['count', 'collect', 'first', 'take', 'head']);

/** Method names of loggers and metric clients (`logger.info`, `counter.inc`, `mlflow.log_metric`). */
const LOG_METHODS = new Set(['debug', 'info', 'warning', 'warn', 'error', 'critical', 'exception', 'log', 'fatal']);
const METRIC_METHODS = new Set(['inc', 'dec', 'set', 'observe', 'gauge', 'increment', 'decrement', 'timing', 'histogram', 'distribution', 'put_metric_data', 'add']);
const LOGGER_WORDS = new Set(['log', 'logger', 'logging', 'console', 'logs', 'audit', 'log4j', 'structlog']);
const METRIC_WORDS = new Set([
  'metric', 'metrics', 'monitor', 'monitoring', 'stats', 'statsd', 'prometheus', 'prom', 'gauge', 'counter', 'histogram',
  'telemetry', 'mlflow', 'datadog', 'cloudwatch', 'wandb', 'tracker', 'labels', 'rows', 'records', 'processed', 'total',
]);
const REPORTING_NAME = /^(print|pprint|log(_\w*)?|record(_\w*)?|emit(_\w*)?|report(_\w*)?|track(_\w*)?|(send|push|publish|put)_metrics?\w*|\w*_metrics?)$/i;

/** Nodes an action result may pass through on its way into a log call without being used. */
const TRANSPARENT = new Set([
  'argument_list', 'keyword_argument', 'parenthesized_expression', 'binary_operator', 'interpolation', 'string',
  'concatenated_string', 'format_expression', 'tuple', 'pair', 'dictionary', 'list',
]);
const FORMAT_CALLS = new Set(['str', 'int', 'float', 'round', 'format', 'repr', 'len']);

/** Words of a receiver expression: `self.rows_processed.labels(stage="x")` -> self, rows, processed, labels, stage, x. */
function receiverWords(obj: Node): string[] {
  return obj.text.toLowerCase().match(/[a-z][a-z0-9]*/g) ?? [];
}

function isReportingCall(call: Node): boolean {
  const parts = callParts(call);
  if (!parts?.name) return false;
  if (!parts.object) return REPORTING_NAME.test(parts.name);
  const words = receiverWords(parts.object);
  if (LOG_METHODS.has(parts.name)) return words.some((w) => LOGGER_WORDS.has(w));
  if (METRIC_METHODS.has(parts.name)) return words.some((w) => METRIC_WORDS.has(w));
  // `monitoring.record_rows(...)`, `tracker.report_metric(...)`: a reporting verb on any object but plain `log`.
  return parts.name !== 'log' && REPORTING_NAME.test(parts.name);
}

/** Climbs from an expression to the reporting call it only feeds, if any. */
export function reportingCallOf(expr: Node): Node | undefined {
  let n: Node = expr;
  for (let i = 0; i < 50; i++) {
    const p = n.parent;
    if (!p) return undefined;
    if (p.type === 'call') {
      if (n.type !== 'argument_list') return undefined;
      if (isReportingCall(p)) return p;
      const parts = callParts(p);
      const isFormat = parts?.name && (FORMAT_CALLS.has(parts.name) && (!parts.object || parts.name === 'format'));
      if (!isFormat) return undefined;
      n = p;
      continue;
    }
    if (!TRANSPARENT.has(p.type)) return undefined;
    n = p;
  }
  return undefined;
}

/** For `n = df.count()`: true when every later read of `n` in the scope only feeds reporting calls. */
export function assignedOnlyForReporting(call: Node): boolean {
  const assignment = call.parent;
  if (!assignment || assignment.type !== 'assignment' || !sameNode(assignment.childForFieldName('right'), call)) return false;
  const target = assignment.childForFieldName('left');
  if (!target || target.type !== 'identifier') return false;
  const scope = enclosingScope(call);
  const uses: Node[] = [];
  const stack: Node[] = [scope];
  let steps = 0;
  while (stack.length && steps++ < 200_000) {
    const cur = stack.pop()!;
    if (cur.type === 'identifier' && cur.text === target.text && cur.startIndex > assignment.endIndex) uses.push(cur);
    if (!sameNode(cur, scope) && (cur.type === 'function_definition' || cur.type === 'class_definition')) continue;
    for (const c of cur.namedChildren) if (c) stack.push(c);
  }
  return uses.length > 0 && uses.every((u) => reportingCallOf(u) !== undefined);
}

export const countForMonitoring: Rule = {
  code: 'PSA101',
  name: 'count-for-monitoring',
  summary: 'An action (count/collect/first/take) whose result only feeds logging or metrics: a full Spark job per call.',
  defaultSeverity: 'warning',
  check(ctx: RuleContext) {
    for (const action of ctx.model.actions) {
      if (!MONITORED_ACTIONS.has(action.method)) continue;
      // A count on a streaming frame fails outright; a cached frame is computed once anyway.
      if (action.frame.streaming !== false || action.frame.cached) continue;
      const reporting = reportingCallOf(action.call);
      if (!reporting && !assignedOnlyForReporting(action.call)) continue;
      const sink = ctx.model.sinks.find((s) => sameNode(s.scope, action.scope) && isAncestorFrame(action.frame, s.frame));
      const what = action.method === 'count' ? 'count()' : `${action.method}()`;
      ctx.report({
        node: action.call,
        message:
          `${what} here only feeds logging/metrics, yet it runs the whole lineage of this DataFrame as a separate Spark job` +
          (sink ? (sink.call.startIndex > action.call.startIndex ? ', and the write below computes it again.' : ' after the write above already computed it.') : '.') +
          (action.method === 'count'
            ? ' Collect the count while writing with DataFrame.observe(Observation(...)), or cache() the frame first.'
            : ' Cache the frame first, or log something the job already computed.'),
        related: sink ? [related(sink.call, 'the frame is computed again by this write')] : [],
        fixes: fixesFor(ctx, action, reporting, sink),
      });
    }
  },
};

function fixesFor(ctx: RuleContext, action: ActionUse, reporting: Node | undefined, sink: SinkInfo | undefined): Fix[] {
  const receiver = unwrapParens(action.receiver);
  if (receiver.type !== 'identifier') return [];
  const def = ctx.model.definitions.get(action.frame.id);
  if (!def || def.name !== receiver.text || def.statement.endIndex > action.call.startIndex) return [];
  if (!ownsItsLines(ctx.text, def.statement)) return [];
  const fixes: Fix[] = [];
  const v = def.name;
  if (action.method === 'count' && reporting && sink) {
    const observe = observeFix(ctx, action, def.statement, sink, v);
    if (observe) fixes.push(observe);
  }
  fixes.push({
    title: `Cache '${v}' before its first action`,
    edits: [insertAfterStatement(ctx.text, def.statement, [cacheStatement(v)])],
    preferred: fixes.length === 0,
  });
  return fixes;
}

/**
 * Counts rows as a side effect of the write: `observe(Observation, count(lit(1)))` after the
 * definition, the count read from the observation after the write (reading it before would block).
 */
function observeFix(ctx: RuleContext, action: ActionUse, defStatement: Node, sink: SinkInfo, v: string): Fix | undefined {
  const stmt = enclosingStatement(action.call);
  const sinkStmt = enclosingStatement(sink.call);
  if (!stmt || !sinkStmt || !ownsItsLines(ctx.text, stmt) || !ownsItsLines(ctx.text, sinkStmt)) return undefined;
  if (stmt.startIndex < sinkStmt.endIndex && stmt.endIndex > sinkStmt.startIndex) return undefined;
  const moveAfterSink = stmt.startIndex < sinkStmt.startIndex;
  if (moveAfterSink && !sameNode(stmt.parent, sinkStmt.parent)) return undefined;
  const imports = planImports(ctx.model, ctx.text, ['Observation']);
  const F = imports.functions;
  // Inside an f-string the subscript must not reuse the string's quote (a SyntaxError before Python 3.12).
  const template = observationTemplate(v, F);
  const replacement = enclosingStringQuote(action.call) === '"' ? template.rowCount.replace(/"/g, "'") : template.rowCount;
  const statementText =
    ctx.text.slice(stmt.startIndex, action.call.startIndex) + replacement + ctx.text.slice(action.call.endIndex, stmt.endIndex);
  // A second count of the same frame reuses the Observation an earlier fix attached: the frame's
  // definition is then that `v = v.observe(v_observation, ...)` line.
  const observed = new RegExp(`^${escapeRegExp(v)}\\s*=\\s*${escapeRegExp(v)}\\.observe\\(\\s*${escapeRegExp(template.observation)}\\s*,`).test(defStatement.text);
  const edits = [...imports.edits, ...(observed ? [] : [insertAfterStatement(ctx.text, defStatement, template.statements)])];
  if (moveAfterSink) {
    edits.push(deleteStatement(ctx.text, stmt));
    const eol = eolOf(ctx.text);
    // After metrics moved there by earlier fixes, so repeated fixes keep the statements' order.
    const anchor = lastMovedMetricAfter(sinkStmt);
    edits.push({ start: anchor.endIndex, end: anchor.endIndex, newText: eol + indentAt(ctx.text, sinkStmt.startIndex) + statementText });
  } else {
    edits.push({ start: action.call.startIndex, end: action.call.endIndex, newText: replacement });
  }
  return { title: `Count '${v}' with DataFrame.observe while it is written`, edits, preferred: true };
}

/** The quote character of the f-string an expression sits in, if any. */
function enclosingStringQuote(node: Node): string | undefined {
  for (let n = node.parent, i = 0; n && i < 100; n = n.parent, i++) {
    if (n.type === 'string') return /["']/.exec(n.firstChild?.text ?? '')?.[0];
    if (n.type === 'block' || n.type === 'module') return undefined;
  }
  return undefined;
}

/** The sink statement, or the last of the metric statements an observe fix already moved right after it. */
function lastMovedMetricAfter(sinkStmt: Node): Node {
  let anchor = sinkStmt;
  for (let next = sinkStmt.nextNamedSibling, i = 0; next && i < 100; next = next.nextNamedSibling, i++) {
    if (next.type !== 'expression_statement' || !/_observation\.get\[/.test(next.text)) break;
    anchor = next;
  }
  return anchor;
}
