import type { Node } from '../../parsing/pythonParser';
import { callParts, enclosingScope, sameNode } from '../../parsing/syntax';

// Whether a value only feeds logging or metrics: PSA101 reports such actions, PSA102 does not count them as reuse.

/** Method names of loggers and metric clients (`logger.info`, `counter.inc`, `mlflow.log_metric`). */
const LOG_METHODS = new Set(['debug', 'info', 'warning', 'warn', 'error', 'critical', 'exception', 'log', 'fatal']);
const METRIC_METHODS = new Set([
  'inc',
  'dec',
  'set',
  'observe',
  'gauge',
  'increment',
  'decrement',
  'timing',
  'histogram',
  'distribution',
  'put_metric_data',
  'add',
]);
const LOGGER_WORDS = new Set(['log', 'logger', 'logging', 'console', 'logs', 'audit', 'log4j', 'structlog']);
const METRIC_WORDS = new Set([
  'metric',
  'metrics',
  'monitor',
  'monitoring',
  'stats',
  'statsd',
  'prometheus',
  'prom',
  'gauge',
  'counter',
  'histogram',
  'telemetry',
  'mlflow',
  'datadog',
  'cloudwatch',
  'wandb',
  'tracker',
  'labels',
  'rows',
  'records',
  'processed',
  'total',
]);
const REPORTING_NAME = /^(print|pprint|log(_\w*)?|record(_\w*)?|emit(_\w*)?|report(_\w*)?|track(_\w*)?|(send|push|publish|put)_metrics?\w*|\w*_metrics?)$/i;

/** Nodes an action result may pass through on its way into a log call without being used. */
const TRANSPARENT = new Set([
  'argument_list',
  'keyword_argument',
  'parenthesized_expression',
  'binary_operator',
  'interpolation',
  'string',
  'concatenated_string',
  'format_expression',
  'tuple',
  'pair',
  'dictionary',
  'list',
]);
const FORMAT_CALLS = new Set(['str', 'int', 'float', 'round', 'format', 'repr', 'len']);

/** Words of a receiver expression: `self.rows_processed.labels(stage="x")` -> self, rows, processed, labels, stage, x. */
function receiverWords(obj: Node): string[] {
  return obj.text.toLowerCase().match(/[a-z][a-z0-9]*/g) ?? [];
}

export function isReportingCall(call: Node): boolean {
  const parts = callParts(call);
  if (!parts?.name) return false;
  if (!parts.object) return REPORTING_NAME.test(parts.name);
  const words = receiverWords(parts.object);
  if (LOG_METHODS.has(parts.name)) return words.some((w) => LOGGER_WORDS.has(w));
  if (METRIC_METHODS.has(parts.name)) return words.some((w) => METRIC_WORDS.has(w));
  // `monitoring.record_rows(...)`, `tracker.report_metric(...)`: a reporting verb on any object but plain `log`.
  return parts.name !== 'log' && REPORTING_NAME.test(parts.name);
}

/**
 * How far `reportingCallOf` looks. `throughTextHelpers`: once the value is formatted into a string
 * (an f-string's `{...}`), any call the text passes through on its way to a reporting call only
 * decorates it: `logger.info(to_color_str(f"rows: {df.count()}", "green"))`, `log(colored(...))`.
 * PSA102 asks it (a log-only count is not a second computation worth a cache); PSA101 does not, as
 * such helpers often sit in debug branches that PSA101 has no judgment for.
 */
export interface ReportingReach {
  throughTextHelpers?: boolean;
}

/** Climbs from an expression to the reporting call it only feeds, if any. */
export function reportingCallOf(expr: Node, reach: ReportingReach = {}): Node | undefined {
  let n: Node = expr;
  let text = false;
  for (let i = 0; i < 50; i++) {
    const p = n.parent;
    if (!p) return undefined;
    if (p.type === 'call') {
      if (n.type !== 'argument_list') return undefined;
      if (isReportingCall(p)) return p;
      const parts = callParts(p);
      const isFormat = parts?.name && FORMAT_CALLS.has(parts.name) && (!parts.object || parts.name === 'format');
      if (!isFormat && !(reach.throughTextHelpers && text)) return undefined;
      n = p;
      continue;
    }
    if (!TRANSPARENT.has(p.type)) return undefined;
    if (p.type === 'interpolation') text = true;
    n = p;
  }
  return undefined;
}

/** For `n = df.count()`: true when every later read of `n` in the scope only feeds reporting calls. */
export function assignedOnlyForReporting(call: Node, reach: ReportingReach = {}): boolean {
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
  return uses.length > 0 && uses.every((u) => reportingCallOf(u, reach) !== undefined);
}
