import type { Node } from '../parsing/pythonParser';
import { callParts, literalString, unwrapParens, type CallParts } from '../parsing/syntax';
import { exactStringOf, stringsOf, UNKNOWN, type Value } from '../model/values';

/** Schemas and column types: `StructType([StructField(...)])`, DDL strings, casts, boolean expressions. */

const SQL_TYPE_ALIASES: Record<string, string> = { long: 'bigint', integer: 'int', short: 'smallint', byte: 'tinyint', bool: 'boolean' };

/** `BooleanType()`, `T.LongType()`, `"bigint"`, `"decimal(10,2)"` -> "boolean", "bigint", "decimal". */
export function sqlTypeName(node: Node | undefined): string | undefined {
  if (!node) return undefined;
  const n = unwrapParens(node);
  const text = n.type === 'string' ? literalString(n) : n.type === 'call' || n.type === 'identifier' || n.type === 'attribute' ? n.text : undefined;
  const m = text !== undefined ? /^(?:[A-Za-z_][\w]*\.)*([A-Za-z]+?)(?:Type)?\s*(?:\(|$)/.exec(text.trim()) : null;
  if (!m) return undefined;
  const t = m[1].toLowerCase();
  return SQL_TYPE_ALIASES[t] ?? t;
}

/** `StructType([...])`, `StructField("name", type)`: a schema or field value; undefined for any other call. */
export function schemaConstructor(name: string, parts: CallParts, pos: Value[]): Value | undefined {
  if (name === 'StructType') {
    const fields = pos[0];
    if (fields?.k === 'list') {
      const columns: string[] = [];
      const types = new Map<string, string>();
      for (const f of fields.items) {
        if (f.k !== 'field') return UNKNOWN;
        columns.push(f.name);
        if (f.type) types.set(f.name, f.type);
      }
      return { k: 'schema', columns, types };
    }
    // `StructType()` is empty; `StructType(fields)` of fields the model cannot list is not.
    return { k: 'schema', columns: [], partial: parts.args.length > 0 };
  }
  if (name === 'StructField') {
    const n = exactStringOf(pos[0]);
    return n === undefined ? UNKNOWN : { k: 'field', name: n, type: sqlTypeName(parts.args[1] ?? parts.keywords.get('dataType')) };
  }
  return undefined;
}

/** `schema.add("name", type)`. */
export function schemaCall(parts: CallParts, schema: Extract<Value, { k: 'schema' }>, method: string, pos: Value[]): Value {
  if (method === 'add' && pos[0]?.k === 'string') {
    const type = sqlTypeName(parts.args[1]);
    const types = new Map(schema.types ?? []);
    if (type) types.set(pos[0].value, type);
    return { k: 'schema', columns: [...schema.columns, pos[0].value], types, partial: schema.partial || !pos[0].exact };
  }
  return UNKNOWN;
}

/** Types a column expression certainly has: a cast, a boolean literal or test. */
export function expressionType(expr: Node): string | undefined {
  const e = unwrapParens(expr);
  if (e.type === 'comparison_operator' || e.type === 'not_operator') return 'boolean';
  if (e.type === 'unary_operator' && e.text.startsWith('~')) return 'boolean';
  if (e.type === 'binary_operator' && /^[&|]$/.test(e.childForFieldName('operator')?.text ?? '')) return 'boolean';
  if (e.type !== 'call') return undefined;
  const parts = callParts(e);
  if (!parts?.name) return undefined;
  if ((parts.name === 'cast' || parts.name === 'astype') && parts.object) return sqlTypeName(parts.args[0]);
  if (['isNull', 'isNotNull', 'isin', 'like', 'rlike', 'startswith', 'endswith', 'contains', 'between', 'eqNullSafe', 'isnull', 'isnan'].includes(parts.name))
    return 'boolean';
  if (parts.name === 'lit' && parts.args.length === 1) return literalType(parts.args[0]);
  return undefined;
}

/** The Spark type `lit(value)` gives a Python literal: boolean, int, double or string. */
export function literalType(value: Node): string | undefined {
  const a = unwrapParens(value);
  return a.type === 'true' || a.type === 'false'
    ? 'boolean'
    : a.type === 'integer'
      ? 'int'
      : a.type === 'float'
        ? 'double'
        : a.type === 'string'
          ? 'string'
          : undefined;
}

export function schemaTypes(v: Value | undefined): Map<string, string> | undefined {
  if (v?.k === 'schema') return v.types;
  if (v?.k === 'string' && v.exact) {
    const types = new Map<string, string>();
    for (const p of v.value.split(/,(?![^(]*\))/)) {
      const m = /^\s*`?([A-Za-z_][A-Za-z0-9_]*)`?\s*:?\s*([A-Za-z]+)/.exec(p);
      if (m) types.set(m[1], SQL_TYPE_ALIASES[m[2].toLowerCase()] ?? m[2].toLowerCase());
    }
    return types;
  }
  return undefined;
}

export function schemaColumns(v: Value | undefined): string[] | undefined {
  if (!v) return undefined;
  if (v.k === 'schema') return v.columns.length ? v.columns : undefined;
  if (v.k === 'list') return stringsOf(v);
  if (v.k === 'string' && v.exact) {
    // DDL: "id BIGINT, email STRING, ..."
    const cols = v.value.split(',').map((p) => /^\s*`?([A-Za-z_][A-Za-z0-9_]*)`?\s*[:\s]/.exec(p + ' ')?.[1]);
    if (cols.length && cols.every((c): c is string => !!c)) return cols;
  }
  return undefined;
}

const BOOLEAN_METHODS = new Set([
  'isin',
  'isNull',
  'isNotNull',
  'isNaN',
  'contains',
  'startswith',
  'endswith',
  'like',
  'ilike',
  'rlike',
  'between',
  'eqNullSafe',
]);

/** `col("device").isin(...)`, `col("a") > 3`, `~col("x").isNull()`: a column of booleans, whatever its name says. */
export function isBooleanExpression(expr: Node): boolean {
  const e = unwrapParens(expr);
  if (e.type === 'comparison_operator' || e.type === 'boolean_operator' || e.type === 'not_operator') return true;
  if (e.type === 'unary_operator' && e.text.trimStart().startsWith('~')) return true;
  if (e.type === 'binary_operator') {
    const op = e.childForFieldName('operator')?.text;
    return op === '&' || op === '|';
  }
  if (e.type !== 'call') return false;
  const name = callParts(e)?.name;
  return !!name && BOOLEAN_METHODS.has(name);
}
