import type { Fix } from '../../findings';
import { columnReference, columnSetsOf, findColumn, plainName, type ColumnSet, type ColumnSets } from '../../spark/columnSet';
import { FrameCertainty } from '../../spark/frameCertainty';
import { lineage } from '../../model/lineage';
import type { SparkFunctions } from '../../spark/functions';
import { sqlPredicateNames } from '../../spark/sqlPredicate';
import type { DataFrameModel, Frame, TransformCall } from '../../model/types';
import type { Node } from '../../parsing/pythonParser';
import { callParts, literalString, unwrapParens } from '../../parsing/syntax';
import { related, type Rule, type RuleContext } from '../rule';
import { closestName } from '../helpers/editDistance';
import { PYSPARK_FUNCTION_NAMES } from '../../spark/functionNames';

/** Where Spark resolves a name: the frame the call hangs off, or (filters, sorts) also the projections below it. */
type Resolution = 'input' | 'below';

export interface Reference {
  name: string;
  /** What the finding covers and a fix replaces. */
  node: Node;
  /** Offsets of the name itself, when a fix can replace it. */
  edit?: { start: number; end: number };
  resolution: Resolution;
  /** `df["x"]` / `df.x`: resolved against `df`, whatever call it sits in. */
  frameName?: Node;
  /** A key of `join(other, "key")`: Spark needs it on both sides. */
  joinSide?: 'left' | 'right';
}

const GROUPERS = new Set(['groupBy', 'groupby', 'rollup', 'cube']);
const SORTS = new Set(['orderBy', 'sort', 'sortWithinPartitions']);
/** Grouped-data methods that take column names: `groupBy("k").sum("amount")`. */
const GROUPED_NAME_METHODS = new Set(['sum', 'avg', 'mean', 'max', 'min', 'pivot']);
/** Column methods whose receiver and arguments are columns of the same frame. */
const COLUMN_METHODS = new Set([
  'alias',
  'name',
  'cast',
  'astype',
  'isin',
  'isNull',
  'isNotNull',
  'isNaN',
  'like',
  'ilike',
  'rlike',
  'startswith',
  'endswith',
  'contains',
  'between',
  'eqNullSafe',
  'asc',
  'desc',
  'asc_nulls_first',
  'asc_nulls_last',
  'desc_nulls_first',
  'desc_nulls_last',
  'substr',
  'getItem',
  'getField',
  'otherwise',
  'when',
  'over',
  'bitwiseAND',
  'bitwiseOR',
  'bitwiseXOR',
  'withField',
  'dropFields',
]);
const WINDOW_METHODS = new Set(['partitionBy', 'orderBy', 'rowsBetween', 'rangeBetween']);
/** Hidden columns Spark resolves although `df.columns` does not list them (file sources' `_metadata`). */
const HIDDEN = /^_metadata$/i;
const MAX_COLUMNS_LISTED = 12;

export const unknownColumn: Rule = {
  code: 'PSA720',
  name: 'unknown-column',
  summary: 'A column name that cannot exist on a DataFrame whose columns are fully known: Spark fails with an AnalysisException when it builds the plan.',
  defaultSeverity: 'error',
  check(ctx: RuleContext) {
    const sets = columnSetsOf(ctx.model, ctx.functions);
    for (const j of judgedReferences(ctx.model, ctx.functions)) if (!j.present) report(ctx, j.ref, j.frame, j.known, sets);
  },
};

/** A column reference on a frame that is certain and fully known, and whether the name is there. */
export interface JudgedReference {
  ref: Reference;
  frame: Frame;
  /** The columns the name may resolve to (for filters and sorts, also those of the steps below). */
  known: ColumnSet;
  present: boolean;
}

/** Every column reference the rule can judge: on a certain frame whose columns are fully known. */
export function* judgedReferences(model: DataFrameModel, fns: SparkFunctions): Generator<JudgedReference> {
  const sets = columnSetsOf(model, fns);
  const certainty = new FrameCertainty(model, fns);
  const byCall = new Map<number, TransformCall[]>();
  for (const t of model.transforms) {
    const list = byCall.get(t.call.id);
    if (list) list.push(t);
    else byCall.set(t.call.id, [t]);
  }
  const seen = new Set<string>();
  const key = (node: Node, name: string, side = '') => `${node.startIndex}:${name}:${side}`;
  const seenNodes = new Set<number>();
  const judge = (ref: Reference, frames: Frame[]): JudgedReference | undefined => {
    const known = frames.map((f) => (ref.resolution === 'below' && !ref.frameName ? sets.resolvableBelow(f) : sets.of(f)));
    if (known.some((k) => !k || !k.exact)) return undefined;
    seen.add(key(ref.node, ref.name, ref.joinSide));
    seenNodes.add(ref.node.startIndex);
    // A call analysed several times (a helper's body) is judged on every frame it saw: all must lack the name.
    const present = known.some((k) => !!findColumn(k!, ref.name));
    return { ref, frame: frames[0], known: known[0]!, present };
  };
  for (const calls of byCall.values()) {
    const first = calls[0];
    if (first.method === 'join') {
      for (const j of joinKeys(first, calls, model, fns, certainty, judge)) yield j;
      continue;
    }
    const refs = referencesOf(first, model, fns);
    if (!refs.length) continue;
    const allowed = aliasesIn(first.call);
    let receiverCertain: boolean | undefined;
    for (const ref of refs) {
      if (seen.has(key(ref.node, ref.name)) || plainName(ref.name) === undefined || HIDDEN.test(ref.name) || allowed.has(ref.name.toLowerCase())) continue;
      let frames: Frame[];
      if (ref.frameName) {
        const fr = model.frameRefs.get(ref.frameName.startIndex);
        if (!fr || !certainty.certain(ref.frameName)) continue;
        frames = [fr.frame, ...(fr.others ?? [])];
      } else {
        receiverCertain ??= certainty.certain(first.receiver);
        if (!receiverCertain) continue;
        frames = calls.map((c) => c.frame);
      }
      const j = judge(ref, frames);
      if (j) yield j;
    }
  }
  // `df["x"]` outside any transformation: PySpark resolves it against `df` at once.
  for (const [start, fr] of model.frameRefs) {
    const id = model.root.descendantForIndex(start, fr.end);
    const sub = id?.parent;
    if (id?.type !== 'identifier' || sub?.type !== 'subscript' || sub.childForFieldName('value')?.id !== id.id || seenNodes.has(sub.startIndex)) continue;
    if (sub.parent?.type === 'assignment' && sub.parent.childForFieldName('left')?.id === sub.id) continue;
    const ref = columnReference(sub, model, fns);
    if (!ref || plainName(ref.name) === undefined || HIDDEN.test(ref.name) || !certainty.certain(id)) continue;
    const j = judge({ name: ref.name, node: sub, edit: contentRange(ref.nameNode, ref.name), resolution: 'input', frameName: id }, [
      fr.frame,
      ...(fr.others ?? []),
    ]);
    if (j) yield j;
  }
}

function report(ctx: RuleContext, ref: Reference, frame: Frame, known: ColumnSet, sets: ColumnSets): void {
  const own = sets.of(frame) ?? known;
  const names = own.columns.map((c) => c.name);
  const listed = names.slice(0, MAX_COLUMNS_LISTED).join(', ') + (names.length > MAX_COLUMNS_LISTED ? `, and ${names.length - MAX_COLUMNS_LISTED} more` : '');
  const suggestion = closestName(
    ref.name,
    known.columns.map((c) => c.name),
  );
  const where = ref.joinSide
    ? `the ${ref.joinSide} side of the join, which joins on it by name`
    : known.columns.length > own.columns.length
      ? 'this DataFrame (nor on the steps below it that Spark looks through)'
      : 'this DataFrame';
  const failure =
    ref.node.type === 'attribute'
      ? `PySpark raises AttributeError ('DataFrame' object has no attribute '${ref.name}') when the line runs`
      : 'Spark fails with an AnalysisException (UNRESOLVED_COLUMN, "cannot resolve") when it builds the plan, before any data is read';
  const message =
    `Column "${ref.name}" does not exist on ${where}: ${failure}. Its columns are ${listed}.` +
    (suggestion ? ` Did you mean "${suggestion}"?` : ' Check the name against the schema.');
  const fixes: Fix[] =
    suggestion && ref.edit && validReplacement(ref, suggestion)
      ? [
          {
            title: `Use column "${suggestion}"`,
            edits: [{ start: ref.edit.start, end: ref.edit.end, newText: suggestion }],
            applicability: 'unsafe',
            reason: `reads column "${suggestion}" instead: check it holds the data you meant`,
          },
        ]
      : [];
  const origin = columnsOrigin(frame);
  ctx.report({
    start: ref.node.startIndex,
    end: ref.node.endIndex,
    message,
    related: origin ? [related(origin, 'the columns are known from here')] : [],
    fixes,
  });
}

/** `df.amout` -> `df.amount` only when the suggestion is itself a Python name and not a DataFrame method. */
function validReplacement(ref: Reference, suggestion: string): boolean {
  if (ref.node.type !== 'attribute') return true;
  return /^[A-Za-z_][A-Za-z0-9_]*$/.test(suggestion);
}

/** The step that spelled the frame's columns out: the schema'd source, a select, an aggregation, a join. */
function columnsOrigin(frame: Frame): Node | undefined {
  for (const f of lineage(frame, undefined, 500)) {
    if (f.source || ['select', 'toDF', 'aggregate', 'agg', 'join', 'crossJoin', 'unionByName'].includes(f.op)) return f.node;
  }
  return undefined;
}

/**
 * `left.join(right, "id")` / `on=["id", "day"]`: each key must exist on both sides (Spark: "USING
 * column `id` cannot be resolved on the right side of the join"). A condition names its columns
 * through `df["x"]`, judged like any other.
 */
function* joinKeys(
  first: TransformCall,
  calls: TransformCall[],
  model: DataFrameModel,
  fns: SparkFunctions,
  certainty: FrameCertainty,
  judge: (ref: Reference, frames: Frame[]) => JudgedReference | undefined,
): Generator<JudgedReference> {
  const parts = callParts(first.call);
  if (!parts) return;
  const on = parts.args[1] ?? parts.keywords.get('on');
  const other = parts.args[0] ?? parts.keywords.get('other');
  if (!on || !other) return;
  const onNode = unwrapParens(on);
  const keys = onNode.type === 'string' ? [onNode] : onNode.type === 'list' || onNode.type === 'tuple' ? listItems([onNode]) : [];
  if (!keys.length) {
    const refs: Reference[] = [];
    for (const a of [...parts.args, ...parts.keywords.values()]) expressionReferences(a, 'input', model, fns, refs, false);
    for (const ref of refs) {
      const fr = ref.frameName ? model.frameRefs.get(ref.frameName.startIndex) : undefined;
      if (!fr || plainName(ref.name) === undefined || HIDDEN.test(ref.name) || !certainty.certain(ref.frameName!)) continue;
      const j = judge(ref, [fr.frame, ...(fr.others ?? [])]);
      if (j) yield j;
    }
    return;
  }
  const rights = model.frames.filter((f) => f.node.id === first.call.id && f.op === 'join' && f.parents.length === 2).map((f) => f.parents[1]);
  const sides: ['left' | 'right', Frame[], boolean][] = [
    ['left', calls.map((c) => c.frame), certainty.certain(first.receiver)],
    ['right', rights, rights.length > 0 && certainty.certain(other)],
  ];
  for (const k of keys) {
    const ref = stringReference(k, 'input');
    if (!ref || plainName(ref.name) === undefined) continue;
    for (const [side, frames, certain] of sides) {
      if (!certain || !frames.length) continue;
      const j = judge({ ...ref, joinSide: side }, frames);
      if (j) yield j;
    }
  }
}

/** The column names a transformation call reads, with where Spark resolves each. */
function referencesOf(t: TransformCall, model: DataFrameModel, fns: SparkFunctions): Reference[] {
  const parts = callParts(t.call);
  if (!parts) return [];
  const out: Reference[] = [];
  const method = t.method;
  const names = (args: readonly Node[], resolution: Resolution) => {
    for (const a of listItems(args)) {
      const ref = stringReference(a, resolution);
      if (ref) out.push(ref);
      else expressionReferences(a, resolution, model, fns, out, true);
    }
  };
  if (method === 'select' || GROUPERS.has(method)) names(parts.args, 'input');
  else if (SORTS.has(method)) names(parts.args, 'below');
  else if (method === 'filter' || method === 'where') {
    const cond = parts.args[0] ?? parts.keywords.get('condition');
    const s = cond ? unwrapParens(cond) : undefined;
    if (s?.type === 'string') out.push(...sqlReferences(s));
    else if (s) expressionReferences(s, 'below', model, fns, out, true);
  } else if (method === 'withColumn' && parts.args[1]) expressionReferences(parts.args[1], 'input', model, fns, out, true);
  else if (method === 'withColumns' && parts.args[0]) expressionReferences(parts.args[0], 'input', model, fns, out, true);
  else if (method === 'agg') for (const a of parts.args) expressionReferences(a, 'input', model, fns, out, true);
  else if ((method === 'dropDuplicates' || method === 'drop_duplicates') && (parts.args[0] ?? parts.keywords.get('subset'))) {
    const subset = unwrapParens((parts.args[0] ?? parts.keywords.get('subset'))!);
    if (subset.type === 'list' || subset.type === 'tuple') {
      for (const a of listItems([subset])) {
        const ref = stringReference(a, 'input');
        if (ref) out.push(ref);
      }
    }
  } else {
    // Elsewhere (a join condition, a helper) only `df["x"]` / `df.x` name their frame for certain.
    for (const a of [...parts.args, ...parts.keywords.values()]) expressionReferences(a, 'input', model, fns, out, false);
  }
  if (GROUPERS.has(method)) groupedReferences(t.call, model, fns, out);
  return out;
}

/** `groupBy(...).agg(sum(col("v")))`, `.pivot("p").sum("v")`: read against the grouped frame. */
function groupedReferences(groupCall: Node, model: DataFrameModel, fns: SparkFunctions, out: Reference[]): void {
  let call = groupCall;
  for (let i = 0; i < 5; i++) {
    const attr = call.parent;
    const outer = attr?.parent;
    if (attr?.type !== 'attribute' || outer?.type !== 'call' || attr.childForFieldName('object')?.id !== call.id) return;
    const parts = callParts(outer);
    if (!parts?.name) return;
    if (parts.name === 'agg') {
      for (const a of parts.args) expressionReferences(a, 'input', model, fns, out, true);
      return;
    }
    if (!GROUPED_NAME_METHODS.has(parts.name)) return;
    for (const a of parts.name === 'pivot' ? parts.args.slice(0, 1) : parts.args) {
      const ref = stringReference(a, 'input');
      if (ref) out.push(ref);
      else expressionReferences(a, 'input', model, fns, out, true);
    }
    if (parts.name !== 'pivot') return;
    call = outer;
  }
}

function listItems(args: readonly Node[]): Node[] {
  const out: Node[] = [];
  for (const a of args) {
    const n = unwrapParens(a);
    if (n.type === 'list' || n.type === 'tuple') out.push(...n.namedChildren.filter((c): c is Node => !!c && c.type !== 'comment'));
    else out.push(a);
  }
  return out;
}

function stringReference(node: Node, resolution: Resolution): Reference | undefined {
  const n = unwrapParens(node);
  if (n.type !== 'string') return undefined;
  const value = literalString(n);
  if (value === undefined) return undefined;
  return { name: value, node: n, edit: contentRange(n, value), resolution };
}

/** The content of a plain literal (no prefix, no escapes), which a fix may replace. */
function contentRange(s: Node, value: string): { start: number; end: number } | undefined {
  const start = s.children.find((c) => c?.type === 'string_start');
  const end = s.children.find((c) => c?.type === 'string_end');
  if (!start || !end || !/^["']$/.test(start.text)) return undefined;
  if (s.text.slice(start.endIndex - s.startIndex, end.startIndex - s.startIndex) !== value) return undefined;
  return { start: start.endIndex, end: end.startIndex };
}

/** Names of `filter("amount > 100 AND status = 'paid'")`, each with its place in the literal. */
function sqlReferences(s: Node): Reference[] {
  const value = literalString(s);
  if (value === undefined) return [];
  const names = sqlPredicateNames(value);
  if (!names) return [];
  const content = contentRange(s, value);
  return names.map((n) => ({
    name: n.name,
    node: s,
    edit: content ? { start: content.start + n.offset, end: content.start + n.offset + n.name.length } : undefined,
    resolution: 'below' as const,
  }));
}

/**
 * Column references inside a Column expression, descending only through what surely builds a
 * Column of the same frame: operators, Spark functions, Column methods, window specs. A helper
 * or a UDF may do anything with its argument; a lambda binds its own names.
 */
function expressionReferences(node: Node, resolution: Resolution, model: DataFrameModel, fns: SparkFunctions, out: Reference[], bare: boolean): void {
  const stack = [node];
  for (let i = 0; stack.length && i < 5_000; i++) {
    const n = unwrapParens(stack.pop()!);
    const ref = columnReference(n, model, fns);
    if (ref) {
      if (ref.frameName)
        out.push({
          name: ref.name,
          node: n,
          edit: n.type === 'attribute' ? { start: ref.nameNode.startIndex, end: ref.nameNode.endIndex } : contentRange(ref.nameNode, ref.name),
          resolution,
          frameName: ref.frameName,
        });
      else if (bare) out.push({ name: ref.name, node: n, edit: contentRange(ref.nameNode, ref.name), resolution });
      continue;
    }
    switch (n.type) {
      case 'binary_operator':
      case 'comparison_operator':
      case 'boolean_operator':
      case 'unary_operator':
      case 'not_operator':
      case 'list':
      case 'tuple':
      case 'dictionary':
      case 'pair':
      case 'keyword_argument':
      case 'argument_list':
        for (const c of n.namedChildren) if (c && c.type !== 'comment' && c.type !== 'identifier') stack.push(c);
        continue;
      case 'subscript': {
        const v = n.childForFieldName('value');
        if (v) stack.push(v);
        continue;
      }
      case 'call': {
        const parts = callParts(n);
        if (!parts) continue;
        if (isSparkFunction(n, model, fns) || isWindowSpec(n, model)) {
          if (parts.argumentList) stack.push(parts.argumentList);
          if (parts.object && unwrapParens(parts.object).type === 'call') stack.push(parts.object);
          continue;
        }
        if (parts.object && parts.name && COLUMN_METHODS.has(parts.name)) {
          stack.push(parts.object);
          if (parts.argumentList) stack.push(parts.argumentList);
        }
        continue;
      }
      default:
        continue;
    }
  }
}

function isSparkFunction(call: Node, model: DataFrameModel, fns: SparkFunctions): boolean {
  const name = fns.nameOf(call);
  if (
    name === undefined ||
    name === 'expr' ||
    name === 'udf' ||
    name === 'pandas_udf' ||
    name === 'transform' ||
    name === 'filter' ||
    name === 'aggregate' ||
    name === 'exists' ||
    name === 'forall' ||
    name === 'zip_with' ||
    name === 'map_filter' ||
    name === 'transform_keys' ||
    name === 'transform_values'
  )
    return false;
  const parts = callParts(call);
  if (parts?.object) return true;
  return model.imports.functionNames.has(name) || PYSPARK_FUNCTION_NAMES.has(name);
}

/** `Window.partitionBy(col("k")).orderBy(...)`: the spec's columns are the frame's. */
function isWindowSpec(call: Node, model: DataFrameModel): boolean {
  let n: Node = call;
  for (let i = 0; i < 10; i++) {
    const parts = callParts(unwrapParens(n));
    if (!parts?.object || !parts.name || !WINDOW_METHODS.has(parts.name)) return false;
    const obj = unwrapParens(parts.object);
    if (obj.type === 'identifier') return obj.text === 'Window' && (model.imports.sqlNames.has('Window') || !model.imports.usesPySpark);
    if (obj.type !== 'call') return false;
    n = obj;
  }
  return false;
}

/** Names given by `.alias(...)` in the call: Spark resolves a later reference to an earlier alias (lateral aliases). */
function aliasesIn(call: Node): Set<string> {
  const out = new Set<string>();
  for (const c of call.descendantsOfType('call')) {
    const p = c ? callParts(c) : undefined;
    if (p?.object && (p.name === 'alias' || p.name === 'name') && p.args[0]) {
      const s = literalString(p.args[0]);
      if (s !== undefined) out.add(s.toLowerCase());
    }
  }
  const parts = callParts(call);
  if (parts?.name === 'withColumns') {
    const dict = parts.args[0] ? unwrapParens(parts.args[0]) : undefined;
    for (const pair of dict?.type === 'dictionary' ? dict.namedChildren : []) {
      const k = pair?.type === 'pair' ? literalString(pair.childForFieldName('key')) : undefined;
      if (k !== undefined) out.add(k.toLowerCase());
    }
  }
  return out;
}
