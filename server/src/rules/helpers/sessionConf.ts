import type { DataFrameModel, ConfSetInfo, SinkInfo } from '../../model/types';
import type { Node } from '../../parsing/pythonParser';
import { escapeRegExp, literalString, unwrapParens } from '../../parsing/syntax';
import { perModel } from './scopeIndex';
import { perStatement } from '../../model/statementMemo';
import { joinListCarried, type JoinedList } from '../../model/statementGroups';

/** Reading Spark settings the way Spark does: conf values, byte sizes, case-insensitive writer options. */

export type LiteralValue = string | number | boolean;

/** The value of a literal string, integer (`2_000`) or boolean, else undefined (a variable, an expression). */
export function literalValue(node: Node | null | undefined): LiteralValue | undefined {
  if (!node) return undefined;
  const n = unwrapParens(node);
  if (n.type === 'true') return true;
  if (n.type === 'false') return false;
  if (n.type === 'integer') return integerValue(n);
  return literalString(n);
}

/** A Python integer literal (decimal, hex, octal, binary; underscores allowed). */
export function integerValue(node: Node): number | undefined {
  const n = unwrapParens(node);
  if (n.type !== 'integer') return undefined;
  const text = n.text.replace(/_/g, '').toLowerCase();
  if (/^0[xob]/.test(text)) {
    const v = Number(text);
    return Number.isFinite(v) ? v : undefined;
  }
  if (!/^\d+$/.test(text)) return undefined; // `10l` and other oddities
  return Number(text);
}

const BYTE_UNITS: Record<string, number> = {
  '': 1,
  b: 1,
  k: 2 ** 10,
  kb: 2 ** 10,
  m: 2 ** 20,
  mb: 2 ** 20,
  g: 2 ** 30,
  gb: 2 ** 30,
  t: 2 ** 40,
  tb: 2 ** 40,
  p: 2 ** 50,
  pb: 2 ** 50,
};

/** Bytes of a Spark size setting: `134217728`, `"512MB"`, `"2g"`, `"1gb"` (binary units, as Spark's `byteStringAsBytes`). */
export function byteSize(value: LiteralValue | undefined): number | undefined {
  if (typeof value === 'number') return value;
  if (typeof value !== 'string') return undefined;
  const m = /^\s*(\d+)\s*([a-z]*)\s*$/i.exec(value);
  if (!m) return undefined;
  const unit = BYTE_UNITS[m[2].toLowerCase()];
  return unit === undefined ? undefined : Number(m[1]) * unit;
}

/** A boolean setting as Spark parses it (`False`, `"false"`, `" FALSE "`). */
export function booleanSetting(value: LiteralValue | undefined): boolean | undefined {
  if (typeof value === 'boolean') return value;
  if (typeof value !== 'string') return undefined;
  const v = value.trim().toLowerCase();
  return v === 'true' ? true : v === 'false' ? false : undefined;
}

/** An integer setting given as a number or a numeric string. */
export function integerSetting(value: LiteralValue | undefined): number | undefined {
  if (typeof value === 'number') return value;
  if (typeof value === 'string' && /^\s*-?\d+\s*$/.test(value)) return Number(value);
  return undefined;
}

export interface SessionSetting {
  /** The literal value, or undefined when the file sets it to something the model cannot read. */
  value?: LiteralValue;
  /** Set by `spark.conf.set` / builder `.config` / `SparkConf().set`: the model knows the key and value node. */
  confSet?: ConfSetInfo;
}

const settingsMemo = new WeakMap<DataFrameModel, Map<string, SessionSetting[]>>();

/** How many leading characters of a key select the strings searched for it (`spark.` for most keys). */
const HEAD = 6;
const headMemo = new WeakMap<DataFrameModel, Map<string, JoinedList<LowerString>>>();

/** A string literal and its lower-cased text. */
interface LowerString {
  node: Node;
  lower: string;
}

/**
 * Per top-level statement, per head: its string literals whose lower-cased text contains the head,
 * in document order, with that text. `perStatement` answers (they read the statement's own strings;
 * a statement is adopted by the next copy only with the same text, so the lower-cased texts hold
 * too), so after an edit only the statements the copy made again are lower-cased; the rest were
 * every string of the file, per model.
 */
const headsOfStatement = new WeakMap<Node, Map<string, readonly LowerString[]>>();

/**
 * Statement lists read by `stringsWithHead` (those of the carried tails counted as read, see
 * `joinListCarried`), of them the ones made (the rest were kept), and the tails' statements: for the
 * tests' floors on reuse.
 */
export const headListCounts = { read: 0, made: 0, tail: 0 };

/**
 * The string literals of the file whose lower-cased text contains the first `HEAD` characters of
 * `needle`, in document order, with that text: every string containing `needle` is among them.
 * Most keys share their head (`spark.`), so each key scans the few strings mentioning it instead
 * of every string of the file. Joined once per model and head from each statement's list, starting
 * from the previous model's list of the head (`carrySessionConf`): after an edit only the statements
 * the copy made again are read, not every statement of the file.
 */
function stringsWithHead(model: DataFrameModel, needle: string): readonly LowerString[] {
  const head = needle.slice(0, HEAD);
  let lists = headMemo.get(model);
  if (!lists) headMemo.set(model, (lists = new Map()));
  let joined = lists.get(head);
  if (!joined) {
    const carry = carriedHeads.get(model);
    const previous = carry?.get(head);
    carry?.delete(head);
    // The root is no string: the file's strings are its statements', one statement after another.
    const statements = model.root.children;
    const list = joinListCarried(
      statements,
      previous,
      (statement) => stringsOfStatement(statement, head),
      (s) => s.node.id,
      headListCounts,
    );
    lists.set(head, (joined = { list, statements }));
  }
  return joined.list;
}

function stringsOfStatement(statement: Node, head: string): readonly LowerString[] {
  const heads = perStatement(headsOfStatement, statement, () => new Map<string, readonly LowerString[]>());
  let strings = heads.get(head);
  if (!strings) {
    headListCounts.made++;
    const made: LowerString[] = [];
    for (const node of statement.descendantsOfType('string')) {
      const lower = node.text.toLowerCase();
      if (lower.includes(head)) made.push({ node, lower });
    }
    heads.set(head, (strings = made));
  }
  return strings;
}

/** What a model's lists by head start from: its previous model's, each forgotten once used. */
const carriedHeads = new WeakMap<DataFrameModel, Map<string, JoinedList<LowerString>>>();

/**
 * Called once `model` is built from `previous`, before `model`'s lists are made: its lists of strings
 * by head start from `previous`'s (those it made, of the same document).
 */
export function carrySessionConf(previous: DataFrameModel | undefined, model: DataFrameModel): void {
  const lists = previous && previous.root === model.root ? headMemo.get(previous) : undefined;
  if (lists) carriedHeads.set(model, new Map(lists));
}

/**
 * Every place the file may set the session setting `key`: the conf sets the model found, plus any
 * other string literal that mentions the key (`spark.sql("SET key=...")`, a dict passed to
 * `SparkConf().setAll`, a constant used as the key) as an unknown value. Rules that stay silent
 * when a setting is present treat an unknown value as "maybe set".
 *
 * Rules ask for the same keys over and over: each key is looked up once per analysis.
 */
export function sessionSettings(model: DataFrameModel, key: string): SessionSetting[] {
  return perModel(settingsMemo, model, key, () => computeSessionSettings(model, key));
}

function computeSessionSettings(model: DataFrameModel, key: string): SessionSetting[] {
  const out: SessionSetting[] = [];
  const keyNodes = new Set<number>();
  for (const c of model.confSets) {
    if (c.key !== key) continue;
    keyNodes.add(c.keyNode.id);
    out.push({ value: literalValue(c.valueNode), confSet: c });
  }
  const needle = key.toLowerCase();
  // Made once per key, not per string (no `g` or `y` flag: `exec` keeps no state between strings).
  let setSql: RegExp | undefined;
  for (const { node: s, lower } of stringsWithHead(model, needle)) {
    if (keyNodes.has(s.id) || !lower.includes(needle)) continue;
    // `SET key=value` in SQL: read the value when it is plain.
    const sql = literalString(s);
    const m = sql !== undefined ? (setSql ??= new RegExp(`^\\s*set\\s+${escapeRegExp(key)}\\s*=\\s*([^\\s;]+)\\s*;?\\s*$`, 'i')).exec(sql) : null;
    out.push({ value: m ? m[1] : undefined });
  }
  return out;
}

/** A writer option by name: Spark option keys are case-insensitive. */
export function sinkOption(sink: SinkInfo, key: string): { value?: string; node: Node } | undefined {
  // The model stores writer options in an OptionMap, whose lookups ignore case.
  return sink.options.get(key);
}
