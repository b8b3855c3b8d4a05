import type { SparkFunctions } from '../../spark/functions';
import { AGGREGATES, isSqlCommand } from '../../spark/frameSize';
import { PER_ROW_PROJECTIONS } from '../../spark/frames';
import type { Frame } from '../../model/types';
import type { Node } from '../../parsing/pythonParser';
import { callParts, isExtra, literalString, stringParts, unwrapParens } from '../../parsing/syntax';
import type { RuleContext } from '../rule';
import { highCardinalityReason } from './cardinality';
import { callsNamedAny } from './callIndex';
import { sinksInScope } from './sinksByScope';
import { writtenOnDriver } from './driverWrittenFiles';
import { boundBefore, grownInPlace } from './literalBindings';

// Whether a frame holds few rows (an aggregate, a limit, a key lookup, a small source): PSA103, PSA301
// and PSA306 stay quiet on those.

/** Operations that never add rows: a frame below a small one stays small. */
const ROW_PRESERVING = new Set<string>([
  ...PER_ROW_PROJECTIONS,
  'filter',
  'where',
  'alias',
  'hint',
  'orderBy',
  'sort',
  'sortWithinPartitions',
  'distinct',
  'dropDuplicates',
  'drop_duplicates',
  'limit',
  'offset',
  'tail',
  'fillna',
  'dropna',
  'replace',
  'cache',
  'persist',
  'unpersist',
  'coalesce',
  'repartition',
  'repartitionByRange',
  'sample',
  'checkpoint',
  'localCheckpoint',
  'observe',
  'to',
  'withMetadata',
  'withWatermark',
  'intersect',
  'intersectAll',
  'subtract',
  'exceptAll',
  'transform',
]);

/**
 * Names of tables/paths that hold configuration or lookup rows, collected to the driver by design.
 * `rules` (`dq_rules`, `validation_rules`): a data-quality or business-rule table, one row per rule.
 */
const SMALL_BY_NAME =
  /(^|[._/-])(config|configs|configuration|settings|params|parameters|lookup|lookups|mapping|mappings|control|metadata|allowlist|denylist|whitelist|blacklist|schema|schemas|rules|_delta_log)([._/-]|$)/i;

/** `selectExpr("max(order_id)")`, `selectExpr("count(*) AS n", "sum(amount) total")`: SQL text of aggregates only. */
const SQL_AGGREGATE = new RegExp(
  `^\\s*(${[...AGGREGATES].join('|')})\\s*\\((?:[^()]|\\([^()]*\\))*\\)\\s*(?:(?:as\\s+)?\`?[A-Za-z_][A-Za-z0-9_]*\`?)?\\s*$`,
  'i',
);

function callOf(frame: Frame): Node | undefined {
  return frame.node.type === 'call' ? frame.node : undefined;
}

/** `from pyspark.sql.functions import max as max_`: alias -> function name. */
const aliasesByModel = new WeakMap<RuleContext['model'], Map<string, string>>();

/** Read once per file: PSA301 and PSA306 ask for every transform. */
export function importedFunctionAliases(ctx: RuleContext): Map<string, string> {
  const known = aliasesByModel.get(ctx.model);
  if (known) return known;
  const out = new Map<string, string>();
  aliasesByModel.set(ctx.model, out);
  for (const stmt of ctx.model.imports.statements) {
    if (stmt.type !== 'import_from_statement') continue;
    if (stmt.childForFieldName('module_name')?.text.replace(/\s/g, '') !== 'pyspark.sql.functions') continue;
    for (const c of stmt.namedChildren) {
      if (c?.type !== 'aliased_import') continue;
      const name = c.childForFieldName('name')?.text;
      const alias = c.childForFieldName('alias')?.text;
      if (name && alias) out.set(alias, name);
    }
  }
  return out;
}

export interface Functions {
  fns: SparkFunctions;
  aliases: Map<string, string>;
  /** The frames registered under a temp view name in this file (`df.createOrReplaceTempView("v")`). */
  views?: Map<string, Frame[]>;
}

/**
 * `select(F.max("ts"))`, `select(F.count("*").alias("n"), F.sum("x"))`: a global aggregate, one row.
 * One aggregate column is enough: without groupBy, Spark accepts beside it only other aggregates or
 * constants (`select(F.avg("d"), F.expr("percentile_approx(d, 0.5)"))`, `F.round(F.avg("x"), 2)`),
 * and rejects any other column at analysis, so the select is one row or no query at all. A window
 * aggregate (`F.max("x").over(w)`) is an `over` call, not an aggregate, and keeps every row. Also
 * given as one list, literal or comprehension, the null-count idiom
 * `select([F.count(F.when(F.col(c).isNull(), c)).alias(c) for c in df.columns])`, or unpacked
 * (`select(*[F.sum(c).alias(c) for c in columns])`), the list possibly bound to a name first.
 */
function isAggregateSelect({ fns, aliases }: Functions, call: Node): boolean {
  const parts = callParts(call);
  if (!parts || parts.args.length === 0 || parts.keywords.size) return false;
  const first = parts.args.length === 1 ? unwrapParens(parts.args[0]) : undefined;
  const unpacked = first?.type === 'list_splat' ? first.namedChildren.find((c) => c && !isExtra(c)) : undefined;
  const given = unpacked ? unwrapParens(unpacked) : first;
  // The list built on a line of its own (`counts = [F.count(...).alias(c) for c in df.columns]`,
  // then `select(*counts)`): what the name was last bound to in this scope, if nothing grows it after.
  const only = given?.type === 'identifier' && !grownInPlace(given.text, call) ? (boundBefore(given.text, call) ?? given) : given;
  const columns =
    only?.type === 'list'
      ? only.namedChildren.filter((c) => c.type !== 'comment')
      : only?.type === 'list_comprehension'
        ? [only.childForFieldName('body')].filter((b): b is Node => !!b)
        : parts.args;
  return columns.some((a) => {
    const n = withoutAlias(unwrapParens(a));
    const name = n.type === 'call' ? fns.nameOf(n) : undefined;
    return name !== undefined && AGGREGATES.has(aliases.get(name) ?? name);
  });
}

/** `expr.alias(name)`: the expression, whatever the name (a comprehension's `.alias(c)` names it by a variable). */
function withoutAlias(n: Node): Node {
  const parts = n.type === 'call' ? callParts(n) : undefined;
  return parts?.object && (parts.name === 'alias' || parts.name === 'name') ? unwrapParens(parts.object) : n;
}

function isAggregateSelectExpr(call: Node): boolean {
  const parts = callParts(call);
  if (!parts || parts.args.length === 0) return false;
  return parts.args.every((a) => {
    const sql = literalString(a);
    return sql !== undefined && SQL_AGGREGATE.test(sql);
  });
}

/** The names of identifier-like columns (`user_id`, `order_id`, `uuid`): equality on one selects a handful of rows. */
function isIdentifierColumn(name: string | undefined): boolean {
  const reason = name === undefined ? undefined : highCardinalityReason(name);
  return !!reason && reason.includes('identifier');
}

/** `col = 'lit'`, either side possibly in lower()/upper()/trim() (a case-insensitive match of one value). */
const EQUALS_LITERAL =
  /^\s*(?:(?:lower|upper|trim)\s*\(\s*)?`?[A-Za-z_][A-Za-z0-9_.]*`?\s*\)?\s*==?\s*(?:(?:lower|upper|trim)\s*\(\s*)?('[^']*'|"[^"]*"|-?\d+(\.\d+)?)\s*\)?\s*$/i;

/**
 * An f-string condition whose every field sits inside SQL quotes (`country = '{c}'`), with the
 * fields filled in: one value per call, as a literal would be. A field outside quotes may be a
 * column or a whole condition, so the text is not read then.
 */
function quotedValuesFilled(cond: Node): string | undefined {
  if (cond.type !== 'string') return undefined;
  let out = '';
  for (const part of stringParts(cond)) {
    if (typeof part === 'string') out += part;
    else if ((out.match(/'/g)?.length ?? 0) % 2 === 1) out += 'v';
    else return undefined;
  }
  return out;
}

/** `where(F.col("order_id") == oid)`, `filter("user_id = 42")`, possibly among other `&` conditions: a key lookup. */
function isKeyLookup(fns: SparkFunctions, call: Node): boolean {
  const parts = callParts(call);
  const cond = parts?.args.length === 1 ? unwrapParens(parts.args[0]) : undefined;
  if (!cond) return false;
  const sql = literalString(cond) ?? quotedValuesFilled(cond);
  if (sql !== undefined) {
    const conjuncts = sql.split(/\s+and\s+/i);
    // Every condition an equality with a literal (`sku = 'ALL' AND region = 'EU'`, `filename = '010.JPG'`,
    // `lower(country) = lower('{c}')`): a lookup.
    if (conjuncts.every((c) => EQUALS_LITERAL.test(c))) return true;
    return conjuncts.some((c) => {
      const m = /^\s*`?([A-Za-z_][A-Za-z0-9_]*)`?\s*==?\s*[^=\s]/.exec(c);
      return !!m && isIdentifierColumn(m[1]);
    });
  }
  const stack = [cond];
  while (stack.length) {
    const n = unwrapParens(stack.pop()!);
    if (n.type === 'binary_operator' && n.childForFieldName('operator')?.text === '&') {
      stack.push(n.childForFieldName('left')!, n.childForFieldName('right')!);
      continue;
    }
    if (n.type !== 'comparison_operator' || n.namedChildren.length !== 2) continue;
    if (n.children.find((c) => c && !c.isNamed)?.type !== '==') continue;
    const [l, r] = n.namedChildren as Node[];
    const refs = [l, r].map(
      (x) => fns.columnRef(x) ?? (unwrapParens(x).type === 'attribute' ? unwrapParens(x).childForFieldName('attribute')?.text : undefined),
    );
    if (refs.filter((x) => x !== undefined).length === 1 && refs.some((x) => isIdentifierColumn(x))) return true;
  }
  return false;
}

/** Column names a call selects / groups by, or undefined when one of them is not a plain name. */
function columnNames(fns: SparkFunctions, call: Node): string[] | undefined {
  const parts = callParts(call);
  if (!parts || parts.keywords.size) return undefined;
  const names: string[] = [];
  for (const a of parts.args) {
    const items = unwrapParens(a).type === 'list' ? unwrapParens(a).namedChildren.filter((c): c is Node => !!c && !isExtra(c)) : [a];
    for (const item of items) {
      if (fns.windowColumn(item)) {
        names.push('window');
        continue;
      }
      const name = literalString(item) ?? fns.columnRef(item);
      if (name === undefined) return undefined;
      names.push(name);
    }
  }
  return names;
}

function allLowCardinality(names: string[]): boolean {
  return names.every((n) => (n === '*' ? false : !highCardinalityReason(n)));
}

/** `select("country").distinct()`: the distinct values of one or two low-cardinality columns. */
function isLowCardinalityDistinct({ fns }: Functions, frame: Frame): boolean {
  if (frame.op !== 'distinct' && frame.op !== 'dropDuplicates' && frame.op !== 'drop_duplicates') return false;
  const parent = frame.parents[0];
  const subset = frame.op !== 'distinct' ? callOf(frame) && columnNames(fns, callOf(frame)!) : undefined;
  if (subset && subset.length > 0) return subset.length <= 2 && allLowCardinality(subset);
  if (!parent || !['select', 'selectExpr'].includes(parent.op) || !parent.columnsComplete) return false;
  const names = [...parent.columns.keys()];
  return names.length > 0 && names.length <= 2 && allLowCardinality(names);
}

/**
 * `groupBy(keys).agg(...)`: one row per key combination. Keys the tool cannot read are assumed
 * small (silence over guessing); keys that look like identifiers or timestamps are not.
 */
function isLowCardinalityGroupBy({ fns }: Functions, frame: Frame): boolean {
  if (frame.op !== 'aggregate') return false;
  const call = callOf(frame);
  const grouping = call && unwrapParens(call.childForFieldName('function')?.childForFieldName('object') ?? call);
  const groupCall = grouping?.type === 'call' && grouping.childForFieldName('function')?.type === 'attribute' ? grouping : undefined;
  const method = groupCall ? callParts(groupCall)?.name : undefined;
  if (!groupCall || !method || !['groupBy', 'groupby', 'rollup', 'cube'].includes(method)) return true;
  const keys = columnNames(fns, groupCall);
  return keys === undefined || allLowCardinality(keys);
}

/**
 * `spark.sql("SELECT zone, month, sum(fare) ... GROUP BY 1, 2")`: the outer query groups (on keys that
 * do not look like identifiers or timestamps), as a groupBy().agg() would.
 */
function isAggregateSql(frame: Frame): boolean {
  const outer = outerQuery(frame);
  if (outer === undefined || /\b(union|join|lateral\s+view|explode)\b/i.test(outer)) return false;
  const group = /\bgroup\s+by\s+([\s\S]*?)(?:\bhaving\b|\border\s+by\b|\blimit\b|\bwindow\b|$)/i.exec(outer);
  if (group) {
    const keys = group[1]
      .split(',')
      .map((k) => k.trim())
      .filter(Boolean);
    if (/\b(grouping\s+sets|rollup|cube)\b/i.test(group[1])) return true;
    // Positional keys (`GROUP BY 1, 2`) and expressions cannot be read: assumed small, as for groupBy.
    const named = keys.map((k) => /^`?([A-Za-z_][A-Za-z0-9_]*)`?$/.exec(k.replace(/^\w+\./, ''))?.[1]).filter((k): k is string => !!k);
    return allLowCardinality(named);
  }
  return false;
}

/** The text of a `spark.sql(...)` source's outer query: subqueries, function arguments and comments dropped. */
function outerQuery(frame: Frame): string | undefined {
  const source = frame.source;
  if (source?.kind !== 'sql' || frame.parents.length || source.node.type !== 'call') return undefined;
  const arg = sqlArgument(source.node);
  const text = arg ? (literalString(arg) ?? (unwrapParens(arg).type === 'string' ? unwrapParens(arg).text : undefined)) : undefined;
  if (!text) return undefined;
  let outer = text.replace(/--[^\n]*/g, ' ');
  for (let i = 0; i < 50 && /\([^()]*\)/.test(outer); i++) outer = outer.replace(/\([^()]*\)/g, ' ');
  return outer;
}

/** `SELECT a, b FROM v WHERE ... ORDER BY ... LIMIT n` over one view and nothing else: the view's rows, filtered or sorted. */
const ONE_VIEW_QUERY =
  /^\s*select\s+(?:(?!\b(?:from|join|union|explode|lateral)\b)[\s\S])*?\bfrom\s+`?([A-Za-z_][A-Za-z0-9_]*)`?(?:\s+(?:as\s+)?(?!where\b|order\b|limit\b|sort\b|cluster\b|distribute\b)[A-Za-z_][A-Za-z0-9_]*)?\s*(?:\b(?:where|order\s+by|sort\s+by|limit)\b(?:(?!\b(?:join|union|group|explode|lateral)\b)[\s\S])*)?;?\s*$/i;

/**
 * `spark.sql("SELECT ... FROM by_country ORDER BY n DESC")` where this file registered `by_country`
 * from a frame known to be small (an aggregate, say): a query that only filters or sorts one view
 * holds no more rows than the view.
 */
function smallView(fx: Functions, frame: Frame, fromSource: boolean, seen: Set<Frame>): boolean {
  const outer = fx.views?.size ? outerQuery(frame) : undefined;
  const view = outer !== undefined ? ONE_VIEW_QUERY.exec(outer)?.[1] : undefined;
  const frames = view !== undefined ? fx.views!.get(view.toLowerCase()) : undefined;
  if (!frames?.length || seen.has(frame)) return false;
  seen.add(frame);
  return frames.every((f) => isSmall(fx, f, fromSource, seen));
}

const VIEW_METHODS = new Set(['createOrReplaceTempView', 'createTempView', 'createGlobalTempView', 'createOrReplaceGlobalTempView']);

/** Temp views registered with a literal name on a frame the model knows, by lower-cased name (Spark's are case-insensitive). */
function tempViews(model: RuleContext['model']): Map<string, Frame[]> {
  const out = new Map<string, Frame[]>();
  // The calls named after the view methods only (the shared index), in document order as before.
  for (const call of callsNamedAny(model, VIEW_METHODS)) {
    const parts = callParts(call);
    if (!parts?.object || !parts.name || !VIEW_METHODS.has(parts.name)) continue;
    const name = literalString(parts.args[0] ?? parts.keywords.get('name'));
    if (name === undefined) continue;
    const obj = unwrapParens(parts.object);
    const ref = model.frameRefs.get(obj.startIndex);
    const frame =
      ref && ref.end === obj.endIndex ? ref.frame : model.frames.find((f) => f.node.startIndex === obj.startIndex && f.node.endIndex === obj.endIndex);
    const key = name.toLowerCase();
    // A name registered on a frame the model does not know may hold anything: leave the view unknown.
    if (!frame) out.set(key, []);
    else if (out.get(key)?.length !== 0) out.set(key, [...(out.get(key) ?? []), frame]);
  }
  return out;
}

function isSmallSource(frame: Frame): boolean {
  const s = frame.source;
  if (!s) return frame.op === 'parameter';
  if (s.kind === 'createDataFrame' || s.kind === 'range' || s.kind === 'sql') return true;
  const name = s.table ?? s.path;
  return name !== undefined && SMALL_BY_NAME.test(name);
}

/**
 * Why a frame is known or assumed to be small enough for the driver, walking up through
 * operations that never add rows. Joins, unions and explodes stop the walk (they may add rows).
 */
export function isSmall(fx: Functions, frame: Frame, fromSource = true, seen = new Set<Frame>()): boolean {
  let f: Frame | undefined = frame;
  for (let i = 0; f && i < 10_000; i++) {
    if (f.bounded) return true;
    const call = callOf(f);
    if (f.op === 'select' && call && isAggregateSelect(fx, call)) return true;
    if (f.op === 'selectExpr' && call && isAggregateSelectExpr(call)) return true;
    // Sampling before collecting is a decision about size already taken. Not a reduction to few rows
    // (`fromSource` false: PSA301's single file, PSA306's single partition): a 15% sample of a large
    // table is a large table.
    if (f.op === 'sample' && fromSource) return true;
    if ((f.op === 'filter' || f.op === 'where') && call && isKeyLookup(fx.fns, call)) return true;
    if (isLowCardinalityDistinct(fx, f) || isLowCardinalityGroupBy(fx, f)) return true;
    if (f.parents.length === 0)
      return (fromSource && isSmallSource(f)) || isAggregateSql(f) || smallView(fx, f, fromSource, seen) || readsCatalogOverJdbc(f.source);
    // Two frames each reduced to few rows by their own lineage (aggregates, limits, distinct values),
    // joined on a key: `per_country_customers.join(per_country_cities, on="Country")` holds no more
    // rows than the pairs of matching keys. Guesses from a source's name or kind are not enough here.
    if (f.op === 'join' && f.parents.length === 2 && call && joinsOnKeys(call) && f.parents.every((p) => isSmall(fx, p, false, seen))) return true;
    if (f.op === 'join' && f.parents.length === 2 && call && joinKeepsSmallSide(fx, f, call, seen)) return true;
    // Only this step's own arguments: the call's text also holds the chain below it, whose explode an
    // aggregate further down may already have folded away (`explode(words)...groupBy("word").count().withColumn(...)`).
    const args = call?.childForFieldName('arguments')?.text ?? '';
    if (f.parents.length > 1 || !(ROW_PRESERVING.has(f.op) || f.op === 'aggregate') || /\b(pos)?explode(_outer)?\s*\(|\binline(_outer)?\s*\(/.test(args))
      return false;
    f = f.parents[0];
  }
  return false;
}

/**
 * A frame reduced to few rows joined with one that has at most one row per join key keeps at most
 * those few rows: an inner or semi join with the small side on either side, a left join whose left
 * side is the small one (`top_20.join(names, "id")`, `names.join(top_20, names.id == top_20.id)`).
 * One row per key: an aggregate grouped by join keys only, or a key column called `id`, which names
 * its table's own key (an `events.user_id` is not one).
 */
function joinKeepsSmallSide(fx: Functions, join: Frame, call: Node, seen: Set<Frame>): boolean {
  const parts = callParts(call);
  if (!parts || parts.name !== 'join' || !joinsOnKeys(call)) return false;
  const how = (literalString(parts.args[2] ?? parts.keywords.get('how')) ?? 'inner').toLowerCase().replace(/_/g, '');
  const [left, right] = join.parents;
  const keys = joinKeyNames(parts.args[1] ?? parts.keywords.get('on'));
  if (!keys) return false;
  // `id` on both sides (or `on="id"`): a side's own key; `orders.customer_id == customers.id` is not both.
  const keyed = (side: Frame) => keys.every((k) => k.toLowerCase() === 'id') || groupedByKeysOnly(fx, side, keys);
  const smallLeft = () => isSmall(fx, left, false, seen) && keyed(right);
  const smallRight = () => isSmall(fx, right, false, seen) && keyed(left);
  if (how === 'inner') return smallLeft() || smallRight();
  if (how === 'left' || how === 'leftouter' || how === 'semi' || how === 'leftsemi') return smallLeft();
  return false;
}

/** The column names a join condition matches on: `"id"`, `["a", "b"]`, `x.id == y.id`, `col("k") == ...`. */
function joinKeyNames(on: Node | undefined): string[] | undefined {
  if (!on) return undefined;
  const n = unwrapParens(on);
  const single = literalString(n);
  if (single !== undefined) return [single];
  if (n.type === 'list' || n.type === 'tuple') {
    const out = n.namedChildren.filter((c): c is Node => !!c && !isExtra(c)).map((c) => literalString(c));
    return out.length > 0 && out.every((k) => k !== undefined) ? (out as string[]) : undefined;
  }
  if (n.type !== 'comparison_operator') return undefined;
  // Only plain equality of two column references: anything else (a range, an expression) is not a key.
  if (n.children.some((c) => c && ['<', '>', '<=', '>=', '!='].includes(c.type))) return undefined;
  const sides = n.namedChildren.filter((c): c is Node => !!c && !isExtra(c));
  const names = sides.map(columnReferenceName);
  return sides.length === 2 && names.every((k) => k !== undefined) ? (names as string[]) : undefined;
}

/** `df.id`, `df["id"]`, `col("id")`, `F.col("id")`: the column's name. */
function columnReferenceName(node: Node): string | undefined {
  const n = unwrapParens(node);
  if (n.type === 'attribute' && n.childForFieldName('object')?.type === 'identifier') return n.childForFieldName('attribute')?.text;
  if (n.type === 'subscript') return literalString(n.childForFieldName('subscript'));
  if (n.type === 'call') {
    const parts = callParts(n);
    if ((parts?.name === 'col' || parts?.name === 'column') && parts.args.length === 1) return literalString(parts.args[0]);
  }
  return undefined;
}

/** An aggregate (`groupBy(k).agg(...)`) whose grouping keys are all among `keys`: one row per key. */
function groupedByKeysOnly({ fns }: Functions, frame: Frame, keys: string[]): boolean {
  if (frame.op !== 'aggregate') return false;
  const call = callOf(frame);
  const grouping = call && unwrapParens(call.childForFieldName('function')?.childForFieldName('object') ?? call);
  if (grouping?.type !== 'call' || !['groupBy', 'groupby'].includes(callParts(grouping)?.name ?? '')) return false;
  const grouped = columnNames(fns, grouping);
  return !!grouped && grouped.length > 0 && grouped.every((k) => keys.includes(k));
}

/** `a.join(b, "k")`, `a.join(b, on=[...], how="left")`: a join with a condition, not a cartesian product. */
function joinsOnKeys(call: Node): boolean {
  const parts = callParts(call);
  if (!parts || parts.name !== 'join') return false;
  const how = literalString(parts.args[2] ?? parts.keywords.get('how'))?.toLowerCase();
  if (how === 'cross') return false;
  return parts.args.length >= 2 || parts.keywords.has('on');
}

/**
 * Whether the frame's own lineage leaves it with few rows (a global or low-cardinality aggregate, the
 * distinct values of one or two such columns, a limit, a key lookup), without guessing from its source.
 */
export function reducedToFewRows(ctx: RuleContext, frame: Frame): boolean {
  let answer = fewRows.get(frame);
  if (answer === undefined) {
    answer = isSmall(sizeFacts(ctx), frame, false);
    fewRows.set(frame, answer);
  }
  return answer;
}

/** What isSmall reads of a file besides the frame: function aliases and temp views. */
export function sizeFacts(ctx: RuleContext): Functions {
  return { fns: ctx.functions, aliases: importedFunctionAliases(ctx), views: viewsOf(ctx.model) };
}

const viewsByModel = new WeakMap<RuleContext['model'], Map<string, Frame[]>>();

/**
 * The frames this file registered under the temp views a `spark.sql(...)` frame names after FROM or
 * JOIN (subqueries included): the lineage Spark runs for that query. Empty when the frame is no
 * literal SQL query or names no view the file registered.
 */
export function framesOfViewsRead(model: RuleContext['model'], frame: Frame): Frame[] {
  const source = frame.source;
  if (source?.kind !== 'sql' || source.node.type !== 'call') return [];
  const views = viewsOf(model);
  if (!views.size) return [];
  const arg = sqlArgument(source.node);
  const text = arg ? literalString(arg) : undefined;
  if (!text) return [];
  const out: Frame[] = [];
  for (const m of text.replace(/--[^\n]*/g, ' ').matchAll(/\b(?:from|join)\s+`?([A-Za-z_][A-Za-z0-9_]*)`?/gi)) {
    for (const f of views.get(m[1].toLowerCase()) ?? []) if (!out.includes(f)) out.push(f);
  }
  return out;
}

/** The names (lower-cased) of the temp views this file registers under a literal name. */
export function tempViewNames(model: RuleContext['model']): ReadonlySet<string> {
  return new Set(viewsOf(model).keys());
}

function viewsOf(model: RuleContext['model']): Map<string, Frame[]> {
  let views = viewsByModel.get(model);
  if (!views) viewsByModel.set(model, (views = tempViews(model)));
  return views;
}

/**
 * Rows built on the driver (`Frame.bounded`: literal rows, `range(n)`, a global aggregate), also when
 * a temp view hides them: `bronze.createOrReplaceTempView("bronze")` then
 * `spark.sql("SELECT ... FROM bronze WHERE ...")`, with steps that never add rows before or after. A
 * query that only filters or projects one view holds no more rows than the frames registered under
 * that name in this file, and those must all be bounded the same way. The same holds for a path or
 * table this file overwrote with such rows and reads back (see writtenBackBounded), for a file it
 * wrote from the driver with pandas or open() and reads back (see writtenOnDriver), and for a join or
 * union of frames that are each bounded (it holds at most their product or sum).
 */
export function boundedThroughViews(ctx: RuleContext, frame: Frame, seen = new Set<Frame>()): boolean {
  const end = chainEnd(frame);
  let f: Frame = end.frame;
  if (end.steps >= CHAIN_STEPS) {
    // Past the walk's bound: stop where the walk always stopped.
    f = frame;
    for (let i = 0; i < CHAIN_STEPS; i++) f = f.parents[0];
  } else if (end.kind === 'bounded') return true;
  else if (end.kind === 'lost') return false;
  else if (end.kind === 'combined') return COMBINING.has(f.op) && f.parents.every((p) => boundedThroughViews(ctx, p, seen));
  if (seen.has(f)) return false;
  const views = viewsOf(ctx.model);
  const outer = views.size ? outerQuery(f) : undefined;
  const view = outer !== undefined ? ONE_VIEW_QUERY.exec(outer)?.[1] : undefined;
  const frames = view !== undefined ? views.get(view.toLowerCase()) : undefined;
  seen.add(f);
  if (frames?.length) return frames.every((v) => boundedThroughViews(ctx, v, seen));
  return writtenBackBounded(ctx, f, seen) || writtenOnDriver(ctx, f);
}

/** How far up a chain of one-parent row-preserving steps `boundedThroughViews` looks. */
const CHAIN_STEPS = 10_000;

/**
 * Where a chain of one-parent row-preserving steps from a frame ends: at a bounded frame, at a step
 * that is not row-preserving (`lost`), at a frame of several parents (`combined`) or at a frame with
 * none (`root`), `steps` parents up. A pure function of the frames (their parents, steps and bounds
 * are fixed when they are made), kept per frame: walking the chain per action made PSA101 quadratic
 * in a notebook that counts after each filter (issue 18).
 */
interface ChainEnd {
  kind: 'bounded' | 'lost' | 'combined' | 'root';
  frame: Frame;
  steps: number;
}
const chainEnds = new WeakMap<Frame, ChainEnd>();

function chainEnd(frame: Frame): ChainEnd {
  const path: Frame[] = [];
  let f = frame;
  let end = chainEnds.get(f);
  while (!end) {
    const kind = f.bounded ? 'bounded' : f.parents.length === 0 ? 'root' : f.parents.length > 1 ? 'combined' : !ROW_PRESERVING.has(f.op) ? 'lost' : undefined;
    if (kind) {
      end = { kind, frame: f, steps: 0 };
      chainEnds.set(f, end);
      break;
    }
    path.push(f);
    // A chain that comes back to a frame on it has no end (the model makes none; a guard, not a case).
    if (path.length > CHAIN_STEPS + 1) return { kind: 'root', frame: f, steps: CHAIN_STEPS };
    f = f.parents[0];
    end = chainEnds.get(f);
  }
  for (let i = path.length - 1; i >= 0; i--) {
    end = { kind: end.kind, frame: end.frame, steps: end.steps + 1 };
    chainEnds.set(path[i], end);
  }
  return end;
}

/** Steps of two frames that hold at most the product (joins) or the sum (unions) of their inputs' rows. */
const COMBINING = new Set(['join', 'crossJoin', 'union', 'unionAll', 'unionByName']);
/** Statements that add rows to a table without a DataFrame writer: a MERGE or INSERT between the write and the read. */
const ADDS_ROWS = /\.merge\s*\(|\bmerge\s+into\b|\binsert\s+(into|overwrite)\b|\binsertInto\s*\(/i;

/**
 * A batch read of a path or table that this file, earlier in the same scope, overwrote with bounded
 * rows (a lesson's `demo.write.format("delta").mode("overwrite").save(p)` then `spark.read.load(p)`):
 * the read holds what that overwrite wrote plus any writes between the two, so it is bounded when
 * they all are and nothing else (a MERGE, an INSERT) touches the data in between. Without an
 * overwrite in sight the path may hold anything written before this file ran.
 */
function writtenBackBounded(ctx: RuleContext, read: Frame, seen: Set<Frame>): boolean {
  const source = read.source;
  if (!source || source.streaming || (source.kind !== 'read' && source.kind !== 'table')) return false;
  const target = source.kind === 'table' ? source.table?.toLowerCase() : source.path;
  if (!target || target.includes('{')) return false;
  const writes = read.scope
    ? sinksInScope(ctx.model, read.scope).filter(
        (s) => !s.streaming && s.call.endIndex <= read.node.startIndex && (source.kind === 'table' ? s.table?.toLowerCase() === target : s.path === target),
      )
    : [];
  let last = -1;
  writes.forEach((s, i) => {
    if (s.mode?.toLowerCase() === 'overwrite') last = i;
  });
  if (last < 0) return false;
  const since = writes.slice(last);
  if (ADDS_ROWS.test(ctx.text.slice(since[0].call.endIndex, read.node.startIndex))) return false;
  return since.every((s) => boundedThroughViews(ctx, s.frame, seen));
}

/** Frames belong to one analysis, so their answer can be kept: PSA301 and PSA306 ask per transform. */
const fewRows = new WeakMap<Frame, boolean>();

/**
 * Formats whose unfiltered count needs no pass over the rows: Parquet and ORC keep row counts in
 * their footers, Delta in its log, Iceberg in its manifests (Spark pushes `count(*)` down to them,
 * Iceberg 1.1 and later; a read by branch, tag or snapshot is a read of that snapshot's manifests).
 */
const COLUMNAR = new Set(['parquet', 'delta', 'orc', 'iceberg']);

/** A table or a Parquet/Delta/ORC/Iceberg read with nothing on top: counted from footers, the Delta log or Iceberg manifests. */
export function isBareColumnarRead(frame: Frame): boolean {
  const source = frame.source;
  // A Glue DynamicFrame reads every record to count it, catalog table or not.
  if (!source || frame.parents.length || frame.op === 'create_dynamic_frame') return false;
  return source.kind === 'table' || (source.kind === 'read' && COLUMNAR.has(source.format?.toLowerCase() ?? ''));
}

/** Inside an `assert` statement: a test or a lab's "check your work" cell. */
export function insideAssert(node: Node): boolean {
  for (let n = node.parent, i = 0; n && i < 200; n = n.parent, i++) {
    if (n.type === 'assert_statement') return true;
    if (n.type === 'block' || n.type === 'module') return false;
  }
  return false;
}

/** `SHOW TABLES IN db`, `DESCRIBE DETAIL t`, `SHOW PARTITIONS t`: the statement's leading words, even in an f-string. */
const CATALOG_COMMAND = /^\s*(show|describe|desc)\b/i;
/** `system.information_schema.table_constraints`, `information_schema.columns`: the catalog's own views of its objects. */
const INFORMATION_SCHEMA = /(^|\.)`?information_schema`?\./i;

/**
 * A frame of catalog metadata: the rows of a `SHOW ...`/`DESCRIBE ...` command or of an
 * `information_schema` view, through steps that never add rows (`filter(tableName = 't')`,
 * `select`). Such a frame lists a few objects of the catalog, not data, so counting it costs what
 * any other way of asking would.
 */
export function isCatalogMetadata(frame: Frame): boolean {
  const source = rowPreservingRoot(frame)?.source;
  if (!source) return false;
  if (readsCatalogOverJdbc(source)) return true;
  if (source.kind === 'table') return source.table !== undefined && INFORMATION_SCHEMA.test(source.table);
  if (source.kind !== 'sql' || source.node.type !== 'call') return false;
  const arg = sqlArgument(source.node);
  const sql = arg ? unwrapParens(arg) : undefined;
  if (!sql || sql.type !== 'string') return false;
  // The text before the first interpolation: `f"SHOW TABLES IN {db}"` is a listing whatever the database.
  const leading = stringParts(sql)[0];
  if (typeof leading === 'string' && CATALOG_COMMAND.test(leading)) return true;
  const text = literalString(sql);
  return text !== undefined && /^\s*select\b/i.test(text) && !/\bjoin\b/i.test(text) && /\bfrom\s+\S*information_schema/i.test(text);
}

/** The frame's source frame, reached through steps that never add rows; undefined past a join, a union or a step that may add rows. */
function rowPreservingRoot(frame: Frame): Frame | undefined {
  let f: Frame | undefined = frame;
  for (let i = 0; f && i < 10_000; i++) {
    if (f.parents.length === 0) return f;
    if (f.parents.length > 1 || !ROW_PRESERVING.has(f.op)) return undefined;
    f = f.parents[0];
  }
  return undefined;
}

/**
 * The result of a SQL command (`spark.sql("INSERT INTO t SELECT ...")`, `CREATE TABLE ... AS SELECT`,
 * `MERGE INTO`), through steps that never add rows: Spark ran the command when `spark.sql` was called,
 * and the frame holds only its result (no rows, or one row of metrics), so an action on it reads no
 * input again.
 */
export function isCommandResult(frame: Frame): boolean {
  const source = rowPreservingRoot(frame)?.source;
  if (source?.kind !== 'sql') return false;
  if (isSqlCommand(source.query)) return true;
  // A query the model could not evaluate: its leading literal text still names the statement (`f"INSERT INTO {t} ..."`).
  const arg = sqlArgument(source.node);
  const sql = arg ? unwrapParens(arg) : undefined;
  const leading = sql?.type === 'string' ? stringParts(sql)[0] : undefined;
  return typeof leading === 'string' && isSqlCommand(leading);
}

/**
 * A JDBC read whose query lists the database's own catalog (`SELECT table_name FROM
 * information_schema.tables WHERE table_schema = 'x'`, `pg_catalog.pg_tables`): one row per table or
 * column, the discovery step of a copy job, not data.
 */
function readsCatalogOverJdbc(source: Frame['source']): boolean {
  const sql = source?.jdbcQuery;
  return (
    sql !== undefined &&
    /^\s*select\b/i.test(sql) &&
    !/\b(join|union)\b/i.test(sql) &&
    /\bfrom\s+\S*\b(information_schema|pg_catalog|sys)\s*\.\s*`?"?(tables|columns|views|schemata|pg_tables|pg_views|pg_namespace|objects|all_tables)\b/i.test(
      sql,
    )
  );
}

/** The first argument of a `spark.sql(...)` call (the query), comments between the parentheses aside; undefined for anything else. */
function sqlArgument(node: Node): Node | undefined {
  return node.type === 'call' ? node.childForFieldName('arguments')?.namedChildren.find((c) => c && c.type !== 'comment') : undefined;
}
