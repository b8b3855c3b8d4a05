import { BindingCertainty } from '../../model/bindingCertainty';
import { lineage } from '../../model/lineage';
import type { DataFrameModel, Frame } from '../../model/types';
import type { Node } from '../../parsing/pythonParser';
import { callParts, escapeRegExp, isExtra, unwrapParens } from '../../parsing/syntax';

const bindingsByModel = new WeakMap<DataFrameModel, BindingCertainty>();

/**
 * Every row of the frame is written out in the source file: each frame its lineage starts from is
 * `spark.createDataFrame(rows, ...)` or `sc.parallelize(rows).toDF(...)` where `rows` is a non-empty
 * list of literal rows (tuples, lists, dicts or `Row(...)` of strings, numbers, booleans, None and
 * dates, a date parsed from a literal string included), written in the call or bound to a name by
 * one assignment that surely reaches it and that nothing appends to. Tutorials and tests make up their people this way ("Anna", "+1 202 555 0101");
 * writing such a frame copies the source file's own text, nobody's data. An empty list is not rows
 * (`createDataFrame([], schema)` creates the table later writes fill), nor is a list built in a loop,
 * read from a file or an API, or a pandas frame.
 */
export function literalRowsFrame(model: DataFrameModel, frame: Frame): boolean {
  let roots = 0;
  for (const f of lineage(frame)) {
    if (f.parents.length) continue;
    roots++;
    if (f.source?.kind !== 'createDataFrame') return false;
    const data = rowsArgument(f.source.node);
    if (!data || !literalRows(model, data)) return false;
  }
  return roots > 0;
}

/** The rows argument of `createDataFrame(rows, ...)`, or of the `parallelize(rows)` under `.toDF(...)`. */
function rowsArgument(call: Node): Node | undefined {
  const parts = callParts(call);
  if (!parts) return undefined;
  if (parts.name === 'createDataFrame') {
    const data = parts.args[0] ?? parts.keywords.get('data');
    if (!data) return undefined;
    const inner = unwrapParens(data);
    // `createDataFrame(sc.parallelize(rows))`: the same rows.
    const p = inner.type === 'call' ? callParts(inner) : undefined;
    return p?.name === 'parallelize' ? p.args[0] : inner;
  }
  if (parts.name === 'toDF' && parts.object) {
    const receiver = unwrapParens(parts.object);
    const p = receiver.type === 'call' ? callParts(receiver) : undefined;
    return p?.name === 'parallelize' ? p.args[0] : undefined;
  }
  return undefined;
}

function literalRows(model: DataFrameModel, data: Node): boolean {
  let node = unwrapParens(data);
  if (node.type === 'identifier') {
    let bindings = bindingsByModel.get(model);
    if (!bindings) bindingsByModel.set(model, (bindings = new BindingCertainty(model.root)));
    const value = bindings.reachingAssignment(node)?.value;
    // A list the code grows or changes after writing it down (`rows.append(...)`, `rows[0] = ...`,
    // `rows += ...`) holds more than its literal.
    if (!value || new RegExp(`\\b${escapeRegExp(node.text)}\\s*(\\.\\s*(append|extend|insert)\\s*\\(|\\[[^\\]]*\\]\\s*=[^=]|\\+=)`).test(model.root.text))
      return false;
    node = unwrapParens(value);
  }
  if (node.type !== 'list' && node.type !== 'tuple') return false;
  const rows = node.namedChildren.filter((c): c is Node => !!c && !isExtra(c));
  return rows.length > 0 && rows.every((r) => ROW_TYPES.has(r.type) && literalValue(r, 0));
}

const ROW_TYPES = new Set(['tuple', 'list', 'dictionary', 'call', 'parenthesized_expression']);
const SCALARS = new Set(['string', 'concatenated_string', 'integer', 'float', 'true', 'false', 'none']);
/** Constructors of a literal value: a Row, a date or time, a decimal. */
const CONSTRUCTORS = /^(Row|date|datetime|time|timedelta|Decimal)$/;
/**
 * Class methods that build a date or time from what is written in their arguments:
 * `datetime.strptime("2000-01-01", "%Y-%m-%d")`, `date.fromisoformat("2023-01-05")`. Called on the
 * date, datetime or time class (`datetime.datetime.strptime` too); `datetime.now()` reads the clock.
 */
const DATE_PARSERS = new Set(['strptime', 'fromisoformat', 'fromtimestamp', 'fromordinal']);
const DATE_CLASSES = new Set(['date', 'datetime', 'time']);

function isLiteralConstructor(call: Node): boolean {
  const parts = callParts(call);
  if (!parts?.name) return false;
  if (CONSTRUCTORS.test(parts.name)) return true;
  if (!DATE_PARSERS.has(parts.name) || !parts.object) return false;
  const receiver = unwrapParens(parts.object);
  const className = receiver.type === 'attribute' ? receiver.childForFieldName('attribute')?.text : receiver.type === 'identifier' ? receiver.text : undefined;
  return !!className && DATE_CLASSES.has(className);
}

function literalValue(node: Node | null, depth: number): boolean {
  if (!node || depth > 8) return false;
  const n = unwrapParens(node);
  if (SCALARS.has(n.type)) return n.type !== 'string' || !n.namedChildren.some((c) => c?.type === 'interpolation');
  if (n.type === 'unary_operator') return literalValue(n.childForFieldName('argument'), depth + 1);
  if (n.type === 'keyword_argument') return literalValue(n.childForFieldName('value'), depth + 1);
  if (n.type === 'pair') return literalValue(n.childForFieldName('key'), depth + 1) && literalValue(n.childForFieldName('value'), depth + 1);
  if (n.type === 'tuple' || n.type === 'list' || n.type === 'dictionary') return n.namedChildren.every((c) => !c || isExtra(c) || literalValue(c, depth + 1));
  if (n.type === 'call') {
    if (!isLiteralConstructor(n)) return false;
    const args = n.childForFieldName('arguments');
    return !!args && args.namedChildren.every((c) => !c || isExtra(c) || literalValue(c, depth + 1));
  }
  return false;
}
