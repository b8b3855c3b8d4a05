import { confEntry, type SparkConfEntry } from '../../spark/conf/sparkConf';
import type { Fix } from '../../findings';
import { statementNodesOfType } from '../../model/syntaxIndex';
import { perStatement } from '../../model/statementMemo';
import type { Node } from '../../parsing/pythonParser';
import { literalString, pyString, unwrapParens } from '../../parsing/syntax';
import type { Rule, RuleContext } from '../rule';
import { isRenderedTemplate } from '../helpers/templateValues';

/**
 * A literal value Spark cannot parse for the key it is set on: `"yes"` for a boolean, `"1.5g"` for a
 * size, `"10 seconds"` for a duration, `"Dynamic "` for an enumeration. Spark validates with the
 * config's own converter and throws IllegalArgumentException when the value is set
 * (`spark.conf.set`) or when the session or context starts (builder, SparkConf).
 */

/** JavaUtils.byteStringAs suffixes. */
const BYTE_SUFFIX: Record<string, number> = { b: 0, k: 1, kb: 1, m: 2, mb: 2, g: 3, gb: 3, t: 4, tb: 4, p: 5, pb: 5 };
const BYTE_LETTER = ['b', 'k', 'm', 'g', 't', 'p'];
/** JavaUtils.timeStringAs suffixes, in milliseconds. */
const TIME_SUFFIX: Record<string, number> = { us: 0.001, ms: 1, s: 1000, m: 60_000, min: 60_000, h: 3_600_000, d: 86_400_000 };
/** Spellings people write for the duration units Spark knows. */
const TIME_WORDS: Record<string, string> = {
  sec: 's',
  secs: 's',
  second: 's',
  seconds: 's',
  mins: 'min',
  minute: 'min',
  minutes: 'min',
  hr: 'h',
  hrs: 'h',
  hour: 'h',
  hours: 'h',
  day: 'd',
  days: 'd',
  millis: 'ms',
  msec: 'ms',
  msecs: 'ms',
  millisecond: 'ms',
  milliseconds: 'ms',
};
const TRUE_WORDS = new Set(['yes', 'y', 'on', '1', 'enabled', 'enable']);
const FALSE_WORDS = new Set(['no', 'n', 'off', '0', 'disabled', 'disable']);

/** Values other distributions accept where open-source Spark would not (Databricks' auto-optimized shuffle). */
const DISTRIBUTION_VALUES: Record<string, string[]> = { 'spark.sql.shuffle.partitions': ['auto'] };

interface Verdict {
  /** Why Spark rejects it, in a few words. */
  reason: string;
  /** What to write instead, when it is clear. */
  suggestion?: string;
  /** The suggestion is the closest accepted value, a guess: offered, but not applied by "fix all". */
  guess?: boolean;
}

/** The string Spark receives for a Python literal, or undefined for anything that is not one. */
export function valueAsSparkSees(node: Node): string | undefined {
  const n = unwrapParens(node);
  if (n.type === 'true') return 'True';
  if (n.type === 'false') return 'False';
  if (n.type === 'integer') return /^\d+$/.test(n.text.replace(/_/g, '')) ? String(BigInt(n.text.replace(/_/g, ''))) : undefined;
  if (n.type === 'float') {
    if (!/^\d+\.\d+$/.test(n.text)) return undefined;
    const v = Number(n.text);
    return Number.isInteger(v) ? `${v}.0` : String(v);
  }
  return literalString(n);
}

function intVerdict(text: string, bits: 32 | 64): Verdict | undefined {
  if (!/^[+-]?\d+$/.test(text)) {
    const asNumber = Number(text);
    return { reason: `it is not a whole number`, suggestion: Number.isFinite(asNumber) && text !== '' ? String(Math.round(asNumber)) : undefined };
  }
  const v = BigInt(text);
  const max = bits === 32 ? 2147483647n : 9223372036854775807n;
  if (v > max || v < -max - 1n) return { reason: `it does not fit a ${bits === 32 ? 'Java int' : 'Java long'}` };
  return undefined;
}

function bytesVerdict(text: string): Verdict | undefined {
  const lower = text.toLowerCase();
  if (/^-?\d+([a-z]+)?$/.test(lower)) {
    const suffix = /[a-z]+$/.exec(lower)?.[0];
    return suffix === undefined || suffix in BYTE_SUFFIX ? undefined : { reason: `"${suffix}" is not a size unit (b, k, m, g, t, p)` };
  }
  const fraction = /^(\d+\.\d+)\s*([a-z]+)?$/.exec(lower);
  if (fraction) {
    // Spark takes no fractions: "1.5g" is written 1536m.
    const power = BYTE_SUFFIX[fraction[2] ?? 'b'];
    if (power === undefined || power === 0) return { reason: 'sizes must be whole numbers' };
    const smaller = Number(fraction[1]) * 1024;
    return { reason: 'sizes must be whole numbers', suggestion: Number.isInteger(smaller) ? `${smaller}${BYTE_LETTER[power - 1]}` : undefined };
  }
  const spaced = /^(\d+)\s+([a-z]+)$/.exec(lower);
  if (spaced && spaced[2] in BYTE_SUFFIX) return { reason: 'there is a space before the unit', suggestion: `${spaced[1]}${spaced[2][0]}` };
  return { reason: 'it is not a size such as 512m or 4g' };
}

function timeVerdict(text: string): Verdict | undefined {
  const lower = text.toLowerCase();
  const m = /^(-?\d+)([a-z]+)?$/.exec(lower);
  if (m) {
    if (m[2] === undefined || m[2] in TIME_SUFFIX) return undefined;
    const unit = TIME_WORDS[m[2]];
    return { reason: `"${m[2]}" is not a time unit (us, ms, s, min, h, d)`, suggestion: unit ? `${m[1]}${unit}` : undefined };
  }
  const spaced = /^(-?\d+)\s+([a-z]+)$/.exec(lower);
  if (spaced) {
    const unit = spaced[2] in TIME_SUFFIX ? spaced[2] : TIME_WORDS[spaced[2]];
    return { reason: 'there is a space before the unit', suggestion: unit ? `${spaced[1]}${unit}` : undefined };
  }
  const fraction = /^(\d+\.\d+)\s*([a-z]+)?$/.exec(lower);
  if (fraction) {
    const unit = fraction[2] === undefined ? undefined : fraction[2] in TIME_SUFFIX ? fraction[2] : TIME_WORDS[fraction[2]];
    const ms = unit ? Number(fraction[1]) * TIME_SUFFIX[unit] : undefined;
    return { reason: 'durations must be whole numbers', suggestion: ms !== undefined && Number.isInteger(ms) ? `${ms}ms` : undefined };
  }
  return { reason: 'it is not a duration such as 30s or 5min' };
}

function closest(value: string, options: readonly string[]): string | undefined {
  const lower = value.toLowerCase();
  const same = options.filter((o) => o.toLowerCase() === lower);
  if (same.length === 1) return same[0];
  const near = options.filter((o) => editDistance(o.toLowerCase(), lower) <= 2);
  return near.length === 1 ? near[0] : undefined;
}

function editDistance(a: string, b: string): number {
  if (Math.abs(a.length - b.length) > 2) return 3;
  let prev = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    const cur = [i];
    for (let j = 1; j <= b.length; j++) cur[j] = Math.min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (a[i - 1] === b[j - 1] ? 0 : 1));
    prev = cur;
  }
  return prev[b.length];
}

/** Why Spark rejects `raw` for `entry`, or undefined when it accepts it (or the table cannot tell). */
export function judgeValue(entry: SparkConfEntry, raw: string): Verdict | undefined {
  // Spark trims before parsing numbers, booleans, sizes and durations.
  const text = raw.trim();
  // A template is rendered (by Airflow, a Databricks job, Spark's own substitution) before the
  // value is parsed: the literal in the code is not what Spark sees.
  if (isRenderedTemplate(text)) return undefined;
  if (DISTRIBUTION_VALUES[entry.key]?.includes(text.toLowerCase())) return undefined;
  let verdict: Verdict | undefined;
  switch (entry.type) {
    case 'boolean': {
      const lower = text.toLowerCase();
      if (lower === 'true' || lower === 'false') return undefined;
      verdict = { reason: 'it is not true or false', suggestion: TRUE_WORDS.has(lower) ? 'true' : FALSE_WORDS.has(lower) ? 'false' : undefined };
      break;
    }
    case 'int':
    case 'long':
      verdict = intVerdict(text, entry.type === 'int' ? 32 : 64);
      break;
    case 'double':
      if (!/^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?[dDfF]?$/.test(text) && !/^[+-]?(NaN|Infinity)$/.test(text)) verdict = { reason: 'it is not a number' };
      break;
    case 'bytes':
      verdict = bytesVerdict(text);
      break;
    case 'time':
      verdict = timeVerdict(text);
      break;
  }
  if (verdict || !entry.values?.length) return verdict;
  const accepted = entry.valuesIgnoreCase
    ? entry.values.some((v) => v.toLowerCase() === text.toLowerCase())
    : entry.values.includes(entry.type === 'string' ? raw : text);
  if (accepted) return undefined;
  const near = closest(text, entry.values);
  // Only a difference of case is certain; a nearby spelling is a guess.
  return { reason: `it is not one of ${entry.values.join(', ')}`, suggestion: near, guess: near !== undefined && near.toLowerCase() !== text.toLowerCase() };
}

const TYPE_WORDS: Record<string, string> = {
  boolean: 'a boolean',
  int: 'an integer',
  long: 'an integer',
  double: 'a number',
  bytes: 'a size',
  time: 'a duration',
  string: 'one of a fixed set of values',
};

export const invalidConfValue: Rule = {
  code: 'PSA504',
  name: 'invalid-conf-value',
  summary: 'A literal value Spark cannot parse for its config key: "yes" for a boolean, "1.5g" for a size, "10 seconds" for a duration, an unknown mode.',
  defaultSeverity: 'error',
  check(ctx: RuleContext) {
    const settings: { key: string; value: Node }[] = [];
    for (const conf of ctx.model.confSets) if (conf.key && conf.valueNode) settings.push({ key: conf.key, value: conf.valueNode });
    // Conf dicts (`config(map={...})`, `SparkConf().setAll(...)` built from a dict) hold settings too,
    // and `spark.sql("SET ...")` strings: each top-level statement's, in document order.
    const sets: Node[] = [];
    for (const statement of ctx.model.root.children) {
      confPickCounts.read++;
      const own = perStatement(statementConfPicks, statement, confPicksOfStatement);
      for (const pair of own.pairs) settings.push(pair);
      for (const s of own.sets) sets.push(s);
    }
    judgeSettings(ctx, settings, sets);
  },
};

/** Reports the settings Spark rejects, in order, then the `SET` strings (each one `setStatementVerdict` accepts). */
function judgeSettings(ctx: RuleContext, settings: readonly { key: string; value: Node }[], sets: readonly Node[]): void {
  for (const { key, value } of settings) {
    const entry = confEntry(key);
    const raw = entry ? valueAsSparkSees(value) : undefined;
    if (!entry || raw === undefined) continue;
    const verdict = judgeValue(entry, raw);
    if (!verdict) continue;
    const literal = unwrapParens(value);
    report(ctx, entry, raw, verdict, literal.startIndex, literal.endIndex, pyString);
  }
  // `spark.sql("SET spark.sql.shuffle.partitions=2OO")`: the value is the rest of the statement.
  for (const s of sets) {
    const { m, entry, verdict } = setStatementVerdict(s)!;
    // Offsets into the source only when the literal is written plainly (no escapes, no prefix tricks).
    const at = s.text.indexOf(m[1] + m[2] + m[3] + m[4]);
    const plain = at >= 0 && !s.text.includes('\\');
    const start = plain ? s.startIndex + at + m[1].length + m[2].length + m[3].length : s.startIndex;
    const end = plain ? start + m[4].length : s.endIndex;
    report(ctx, entry, m[4], verdict, start, end, plain ? (v) => v : undefined);
  }
}

/**
 * What a top-level statement gives the rule, each in document order: the pairs of its dict literals
 * with a literal `spark.` key (a conf dict's settings, judged with the conf sets), and its strings
 * holding a `SET spark.key=value` statement Spark rejects (`setStatementVerdict`). A `perStatement`
 * answer: both read only the statement's literals (the conf table and the verdicts are fixed), and
 * hold node objects and key texts, no offsets. After an edit only the statements the copy made
 * again are read; the file's dicts and strings are each statement's, one statement after another.
 */
interface ConfPicks {
  readonly pairs: readonly { key: string; value: Node }[];
  readonly sets: readonly Node[];
}
const statementConfPicks = new WeakMap<Node, ConfPicks>();
const NO_CONF_PICKS: ConfPicks = { pairs: [], sets: [] };

/** @internal Exported for the tests, which compare the picks a statement kept with those made again. */
export function confPicksOfStatement(statement: Node): ConfPicks {
  confPickCounts.made++;
  const pairs: { key: string; value: Node }[] = [];
  for (const dict of statementNodesOfType(statement, 'dictionary')) {
    for (const pair of dict.namedChildren) {
      const key = pair.type === 'pair' ? literalString(pair.childForFieldName('key')) : undefined;
      const value = pair.childForFieldName('value');
      if (key?.startsWith('spark.') && value) pairs.push({ key, value });
    }
  }
  const sets: Node[] = [];
  for (const s of statementNodesOfType(statement, 'string')) if (setStatementVerdict(s)) sets.push(s);
  return pairs.length || sets.length ? { pairs, sets } : NO_CONF_PICKS;
}

/** @internal The picks `statement` keeps, if it has made them (for the tests). */
export function keptConfPicksOfStatement(statement: Node): ConfPicks | undefined {
  return statementConfPicks.get(statement);
}

/** Statements whose picks were read, and of them the ones made (the rest were kept): for the tests' floor on reuse. */
export const confPickCounts = { read: 0, made: 0 };

/** A string literal that is a `SET spark.key=value` statement of a known key with a value Spark rejects: the match, the key's entry, why. */
function setStatementVerdict(s: Node): { m: RegExpExecArray; entry: SparkConfEntry; verdict: Verdict } | undefined {
  const sql = literalString(s);
  const m = sql !== undefined ? /^(\s*set\s+)(spark\.[\w.-]+)(\s*=\s*)([^\s;'"`]+)\s*;?\s*$/i.exec(sql) : null;
  const entry = m ? confEntry(m[2]) : undefined;
  if (!m || !entry) return undefined;
  const verdict = judgeValue(entry, m[4]);
  return verdict && { m, entry, verdict };
}

function report(
  ctx: RuleContext,
  entry: SparkConfEntry,
  raw: string,
  verdict: Verdict,
  start: number,
  end: number,
  write: ((value: string) => string) | undefined,
): void {
  const fixes: Fix[] =
    verdict.suggestion !== undefined && write
      ? [
          {
            title: `Use ${pyString(verdict.suggestion)}`,
            edits: [{ start, end, newText: write(verdict.suggestion) }],
            applicability: 'unsafe',
            reason: verdict.guess ? 'a guess: Spark now runs with this value' : 'Spark now runs with this value instead of failing',
          },
        ]
      : [];
  ctx.report({
    start,
    end,
    message:
      `"${raw}" is not a valid value for ${entry.key}, which takes ${TYPE_WORDS[entry.type ?? 'string'] ?? 'a specific value'}: ${verdict.reason}. ` +
      'Spark throws IllegalArgumentException when it parses it: at spark.conf.set or SET, when the session or context starts, or when the setting is first read.' +
      (verdict.suggestion !== undefined ? ` Did you mean "${verdict.suggestion}"?` : ''),
    fixes,
  });
}

/** @internal For the tests: the verdict on a string and the judging of settings, to judge the file's dicts and strings by a scan and compare. */
export { setStatementVerdict, judgeSettings };
