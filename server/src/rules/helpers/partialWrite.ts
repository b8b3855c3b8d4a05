import type { SparkFunctions } from '../../spark/functions';
import type { Frame, SinkInfo } from '../../model/types';
import type { Node } from '../../parsing/pythonParser';
import { callParts, literalString, unwrapParens } from '../../parsing/syntax';

/**
 * Evidence that a partitioned write carries only some of the target's partitions (one day's data,
 * one run's batch). A static overwrite of a full snapshot is correct, so PSA304 needs this first.
 */
export interface PartialEvidence {
  node: Node;
  why: string;
}

const MAX_FRAMES = 5_000;
/** Functions whose value is the same for every row of a run. */
const CONSTANT_FUNCS = new Set(['lit', 'typedLit', 'current_date', 'current_timestamp', 'now', 'curdate', 'localtimestamp']);
/** Date helpers that keep a constant constant (`to_date(lit(run_date))`). */
const DATE_FUNCS = new Set(['to_date', 'to_timestamp', 'date_format', 'date_trunc', 'trunc']);
/** Placeholders of a path (`{run_date}`, `{cfg.batch_path(batch_id)}`): what a formatted path was read from. */
const PLACEHOLDER = /\{[^}]*\}/g;
/**
 * A word of a placeholder that names one run's slice: `run`, `ds`, `dt`, or a word that starts with a
 * date word (`datetime`, `dates`, `hourly`, `batches`) or ends in `day` (`today`, `yesterday`). Words,
 * not letters anywhere: `{tempfile.mkdtemp()}` holds "dt" and `{DATA_DST}` "ds" without naming a run.
 */
const RUN_WORD = /^(dt|ds|runs?|(date|hour|month|year|partition|batch)\w*|\w*day\w*)$/i;

/** Path segments that select one run: `{run_date}`, `{batch_id}`, `{ds}`. */
function namesRun(path: string): boolean {
  for (const m of path.matchAll(PLACEHOLDER)) {
    // Words split at anything not a letter or digit, at underscores and at camel-case humps.
    const words = m[0].replace(/([a-z0-9])([A-Z])/g, '$1 $2').split(/[^A-Za-z0-9]+/);
    if (words.some((w) => RUN_WORD.test(w))) return true;
  }
  return false;
}
/** Hive partition segments of a path: `/dt=2024-01-01`, `/product_category=Gift_Card`. */
const HIVE_SEGMENT = /\/([A-Za-z_][A-Za-z0-9_]*)=([^/]+)/g;
/** Partition keys that name a time slice: one of them in the read path means one day's (or hour's, run's) data. */
const TIME_KEY = /(^|_)(date|day|dt|ds|hour|hr|month|year|yr|week|ts|time|period|batch|run|load|ingest\w*|snapshot)($|_)/i;
const COMPARISON = /==|!=|<|>|(^|[^=!<>])=($|[^=])|\bbetween\b|\bisin\b|\bin\s*\(/i;

export function partialWriteEvidence(sink: SinkInfo, fns: SparkFunctions): PartialEvidence | undefined {
  const columns = sink.partitionBy.map((p) => p.name).filter((n): n is string => !!n);
  if (columns.length === 0) return undefined;
  const mentions = columns.map((c) => new RegExp(`(^|[^A-Za-z0-9_])${c.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}($|[^A-Za-z0-9_])`));
  const mentionsPartition = (text: string) => mentions.some((m) => m.test(text));
  const seen = new Set<number>();
  const stack: Frame[] = [sink.frame];
  while (stack.length && seen.size < MAX_FRAMES) {
    const f = stack.pop()!;
    if (seen.has(f.id)) continue;
    seen.add(f.id);
    const found = frameEvidence(f, columns, mentionsPartition, fns);
    if (found) return found;
    stack.push(...f.parents);
  }
  return undefined;
}

function frameEvidence(f: Frame, columns: string[], mentionsPartition: (t: string) => boolean, fns: SparkFunctions): PartialEvidence | undefined {
  const parts = f.node.type === 'call' ? callParts(f.node) : undefined;
  if (f.source) {
    const where = f.source.kind === 'sql' ? literalOrTemplate(parts?.args[0]) : undefined;
    if (where && whereClauses(where).some((c) => mentionsPartition(c) && COMPARISON.test(c))) {
      return { node: f.node, why: 'the query selects some partitions only' };
    }
    const path = f.source.path ?? f.source.table;
    if (path && (namesRun(path) || slicesWrittenPartitions(path, columns))) return { node: f.node, why: 'this read loads one partition or one run' };
    return undefined;
  }
  if (!parts) return undefined;
  if ((f.op === 'filter' || f.op === 'where') && parts.args.some((a) => mentionsPartition(a.text) && COMPARISON.test(a.text))) {
    return { node: f.node, why: 'this filter keeps some partitions only' };
  }
  if (f.op === 'withColumn') {
    const name = literalString(parts.args[0]);
    if (name !== undefined && columns.includes(name) && parts.args[1] && isRunConstant(parts.args[1], fns)) {
      return { node: f.node, why: `"${name}" has one value per run` };
    }
  }
  if (f.op === 'select') {
    for (const a of parts.args) {
      const alias = fns.aliasOf(a);
      if (alias && columns.includes(alias.name) && isRunConstant(alias.inner, fns)) {
        return { node: a, why: `"${alias.name}" has one value per run` };
      }
    }
  }
  return undefined;
}

/**
 * A read of one Hive partition (`.../k=v/`) holds only some of the written partitions when `k` is one
 * of them, or a time slice (`dt=`, `year=`, `ingest_date=`): one day's data written by `event_date`.
 * Another key (`product_category=Gift_Card` written by `year`) is a subset of the source, not of the
 * written partitions: the frame holds every year of it, and overwriting a new path with it is a first load.
 * A wildcard value (`year=*`) selects every partition.
 */
function slicesWrittenPartitions(path: string, columns: string[]): boolean {
  for (const m of path.matchAll(HIVE_SEGMENT)) {
    const key = m[1];
    // `year=*/month=*/`: a glob over the partition folders reads all of them.
    if (/^[*?]+$/.test(m[2])) continue;
    if (columns.some((c) => c.toLowerCase() === key.toLowerCase()) || TIME_KEY.test(key)) return true;
  }
  return false;
}

/** Keywords that end a WHERE condition at its own nesting level. */
const CLAUSE_END =
  /^(group\s+by|order\s+by|sort\s+by|cluster\s+by|distribute\s+by|having|limit|window|union|intersect|except|select|from|join|left|right|full|inner|cross)\b/i;

/**
 * The conditions of every WHERE in a SQL text, each up to the end of its clause: a filter on `page`
 * inside a CTE says nothing of the `year` the outer query computes later in the text.
 */
function whereClauses(sql: string): string[] {
  const out: string[] = [];
  const re = /\bwhere\b/gi;
  for (let m = re.exec(sql); m && out.length < 100; m = re.exec(sql)) {
    let depth = 0;
    let i = m.index + m[0].length;
    for (; i < sql.length; i++) {
      const ch = sql[i];
      if (ch === '(') depth++;
      else if (ch === ')' && --depth < 0) break;
      else if (ch === ';') break;
      else if (depth === 0 && /\W/.test(sql[i - 1] ?? ' ') && CLAUSE_END.test(sql.slice(i, i + 20))) break;
    }
    out.push(sql.slice(m.index + m[0].length, i));
  }
  return out;
}

function literalOrTemplate(node: Node | undefined): string | undefined {
  if (!node) return undefined;
  const n = unwrapParens(node);
  return n.type === 'string' || n.type === 'concatenated_string' ? n.text : undefined;
}

/** `lit(run_date)`, `current_date()`, `to_date(lit("2024-01-01"))`, `lit(ds).cast("date")`: no column is read. */
function isRunConstant(node: Node, fns: SparkFunctions, depth = 0): boolean {
  const n = unwrapParens(node);
  if (depth > 20 || n.type !== 'call') return false;
  const name = fns.nameOf(n);
  if (name && CONSTANT_FUNCS.has(name)) return true;
  const parts = callParts(n);
  if (!parts) return false;
  if (name && DATE_FUNCS.has(name)) {
    // A string first argument is a column name here, not a value.
    return !!parts.args[0] && isRunConstant(parts.args[0], fns, depth + 1);
  }
  if (parts.object && (parts.name === 'cast' || parts.name === 'astype')) return isRunConstant(parts.object, fns, depth + 1);
  return false;
}
