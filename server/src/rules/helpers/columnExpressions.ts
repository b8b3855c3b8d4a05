import type { DataFrameModel } from '../../model/types';
import type { Node } from '../../parsing/pythonParser';
import { callParts, enclosingScope, literalString, sameNode, unwrapParens } from '../../parsing/syntax';
import { NON_COLUMN_FUNCTIONS, PYSPARK_FUNCTION_NAMES } from '../../spark/functionNames';
import { perStatement } from '../../model/statementMemo';

/** Aliases of pyspark.sql.functions people use when the import is out of view (notebooks). */
const CONVENTIONAL_ALIASES = new Set(['F', 'sf', 'psf']);
/** Functions notebooks call bare with the import in another cell; no other library exports them bare in PySpark code. */
const NOTEBOOK_BARE = new Set(['col', 'column', 'lit', 'expr']);

/** Column methods that return a Column. */
const COLUMN_METHODS = new Set([
  'alias',
  'name',
  'as_',
  'cast',
  'astype',
  'try_cast',
  'isNull',
  'isNotNull',
  'isNaN',
  'isin',
  'between',
  'like',
  'rlike',
  'ilike',
  'contains',
  'startswith',
  'endswith',
  'substr',
  'when',
  'otherwise',
  'over',
  'asc',
  'desc',
  'asc_nulls_first',
  'asc_nulls_last',
  'desc_nulls_first',
  'desc_nulls_last',
  'eqNullSafe',
  'getField',
  'getItem',
  'bitwiseAND',
  'bitwiseOR',
  'bitwiseXOR',
  'withField',
  'dropFields',
]);

/** Operators that yield a Column when an operand is one. */
const COLUMN_BINARY = new Set(['+', '-', '*', '/', '%', '**', '&', '|', '^']);
const COLUMN_COMPARISON = new Set(['==', '!=', '<', '<=', '>', '>=']);

/** DataFrame members reached as attributes: `df.columns` is a list, not a column named "columns". */
const DATAFRAME_MEMBERS = new Set([
  'columns',
  'schema',
  'dtypes',
  'rdd',
  'write',
  'writeStream',
  'na',
  'stat',
  'isStreaming',
  'storageLevel',
  'sparkSession',
  'sql_ctx',
  'is_cached',
  'count',
  'collect',
  'first',
  'head',
  'take',
  'show',
  'isEmpty',
  'printSchema',
]);

/** A bound on how deep expressions are inspected: deeper ones are left alone (not reported). */
const MAX_DEPTH = 60;

/** The comparison operator of a two-operand comparison (`==`, `is not`, ...), whitespace normalised. */
export function comparisonOperator(node: Node): { op: string; left: Node; right: Node } | undefined {
  if (node.type !== 'comparison_operator') return undefined;
  const operands = node.namedChildren.filter((c): c is Node => !!c && c.type !== 'comment' && c.type !== 'is not' && c.type !== 'not in');
  if (operands.length !== 2) return undefined;
  const [left, right] = operands;
  const op = node.text
    .slice(left.endIndex - node.startIndex, right.startIndex - node.startIndex)
    .trim()
    .replace(/\s+/g, ' ');
  return { op, left, right };
}

/**
 * Recognises expressions that evaluate to a PySpark Column: pyspark.sql.functions calls in every
 * import style, Column methods, `df["x"]` / `df.x` on a known DataFrame, and operators over those.
 * Anything it cannot place is "not a Column", so rules built on it stay silent when unsure.
 */
export class ColumnExpressions {
  private bound?: Set<string>;
  private frameNames?: Map<string, Node[]>;

  constructor(private readonly model: DataFrameModel) {}

  isColumn(node: Node, depth = 0): boolean {
    if (depth > MAX_DEPTH) return false;
    const n = unwrapParens(node);
    switch (n.type) {
      case 'call':
        return this.isColumnCall(n, depth);
      case 'subscript': {
        const value = n.childForFieldName('value');
        if (!value) return false;
        if (this.isColumn(value, depth + 1)) return true; // F.col("m")["key"]
        return literalString(n.childForFieldName('subscript')) !== undefined && this.isDataFrameName(value, n);
      }
      case 'attribute': {
        const object = n.childForFieldName('object');
        const attr = n.childForFieldName('attribute')?.text;
        return !!object && !!attr && !attr.startsWith('_') && !DATAFRAME_MEMBERS.has(attr) && this.isDataFrameName(object, n);
      }
      case 'binary_operator': {
        const op = n.childForFieldName('operator')?.text;
        if (!op || !COLUMN_BINARY.has(op)) return false;
        const l = n.childForFieldName('left');
        const r = n.childForFieldName('right');
        return (!!l && this.isColumn(l, depth + 1)) || (!!r && this.isColumn(r, depth + 1));
      }
      case 'unary_operator': {
        const arg = n.childForFieldName('argument');
        return !!arg && this.isColumn(arg, depth + 1);
      }
      case 'comparison_operator': {
        const c = comparisonOperator(n);
        return !!c && COLUMN_COMPARISON.has(c.op) && (this.isColumn(c.left, depth + 1) || this.isColumn(c.right, depth + 1));
      }
      default:
        return false;
    }
  }

  /** The pyspark.sql.functions name a call invokes, in any import style; undefined when unsure. */
  sparkFunctionName(call: Node): string | undefined {
    const parts = callParts(call);
    if (!parts?.name) return undefined;
    const imports = this.model.imports;
    if (parts.object) {
      const obj = unwrapParens(parts.object);
      if (obj.type === 'attribute' && obj.text.replace(/\s/g, '') === 'pyspark.sql.functions') return parts.name;
      if (obj.type !== 'identifier') return undefined;
      if (imports.functionsAliases.has(obj.text)) return parts.name;
      // An alias the file never imports: only trust it for names PySpark really has, in PySpark code.
      const notebookAlias = CONVENTIONAL_ALIASES.has(obj.text) && PYSPARK_FUNCTION_NAMES.has(parts.name) && !this.isBoundInFile(obj.text);
      return notebookAlias && this.isPySparkCode() ? parts.name : undefined;
    }
    if (imports.functionNames.has(parts.name)) return parts.name;
    if (imports.functionsStar && PYSPARK_FUNCTION_NAMES.has(parts.name) && !this.isBoundInFile(parts.name)) return parts.name;
    if (NOTEBOOK_BARE.has(parts.name) && !this.isBoundInFile(parts.name) && this.isPySparkCode()) return parts.name;
    return undefined;
  }

  /** The file imports pyspark or reads DataFrames (a notebook cell whose imports are elsewhere). */
  private isPySparkCode(): boolean {
    return this.model.imports.usesPySpark || this.model.frames.length > 0 || this.model.builders.length > 0;
  }

  private isColumnCall(call: Node, depth: number): boolean {
    const fn = this.sparkFunctionName(call);
    if (fn !== undefined) return !NON_COLUMN_FUNCTIONS.has(fn);
    const parts = callParts(call);
    return !!parts?.object && !!parts.name && COLUMN_METHODS.has(parts.name) && this.isColumn(parts.object, depth + 1);
  }

  /** `df` in `df["x"]`: a name the model bound to a DataFrame earlier in the same function. */
  private isDataFrameName(node: Node, use: Node): boolean {
    const n = unwrapParens(node);
    if (n.type !== 'identifier') return false;
    if (!this.frameNames) {
      this.frameNames = new Map();
      for (const { name, statement } of this.model.definitions.values()) {
        const list = this.frameNames.get(name) ?? [];
        list.push(statement);
        this.frameNames.set(name, list);
      }
    }
    const statements = this.frameNames.get(n.text)?.filter((s) => s.startIndex < use.startIndex);
    if (!statements?.length) return false;
    const scope = enclosingScope(use).id;
    return statements.some((s) => enclosingScope(s).id === scope);
  }

  /** True when the file defines, assigns or imports `name` itself (so a bare call is not a Spark function). */
  private isBoundInFile(name: string): boolean {
    this.bound ??= boundNames(this.model.root);
    return this.bound.has(name);
  }
}

/**
 * Names bound anywhere by def/class, assignment, for, parameters or imports other than from
 * pyspark.sql (a bounded walk). For the file's root, each top-level statement's names are kept on
 * the statement (`perStatement`): after an edit only the statements made again are walked. The
 * set is the same, in the same order: the root is no binding, and its descendants in document
 * order are its children's subtrees one after the other.
 */
export function boundNames(root: Node): Set<string> {
  const out = new Set<string>();
  if (root.id !== 0) {
    for (const n of namingNodes(root)) out.add(n.text);
    return out;
  }
  for (const statement of root.children) for (const n of perStatement(namingMemo, statement, namingNodes)) out.add(n.text);
  return out;
}

/**
 * The nodes spelling the names `boundNames` collects in a subtree, in document order: nodes rather
 * than their texts, so that a statement's list kept across edits holds no text of an older version.
 */
const namingMemo = new WeakMap<Node, readonly Node[]>();

function namingNodes(subtree: Node): Node[] {
  const out: Node[] = [];
  // The tree's per-type index: only binding nodes are visited, not the whole tree.
  for (const n of subtree.descendantsOfType(BINDING_TYPES)) {
    switch (n.type) {
      case 'function_definition':
      case 'class_definition': {
        const name = n.childForFieldName('name');
        if (name) out.push(name);
        break;
      }
      case 'assignment':
      case 'augmented_assignment':
      case 'for_statement':
      case 'for_in_clause': {
        const left = n.childForFieldName('left');
        if (left) out.push(...targetIdentifiers(left));
        break;
      }
      case 'parameters':
      case 'lambda_parameters':
        for (const p of n.namedChildren) {
          const id = p && (p.type === 'identifier' ? p : (p.childForFieldName('name') ?? p.namedChildren.find((c) => c?.type === 'identifier')));
          if (id?.type === 'identifier') out.push(id);
        }
        break;
      case 'aliased_import': {
        const alias = n.childForFieldName('alias');
        if (alias) out.push(alias);
        break;
      }
      case 'import_from_statement':
        // `from x import col`: but pyspark.sql.functions imports are what make the name a Spark function.
        if (!/^\s*from\s+pyspark\.sql(\.functions)?\s/.test(n.text)) {
          for (const c of n.namedChildren) if (c?.type === 'dotted_name' && !sameNode(c, n.childForFieldName('module_name'))) out.push(c);
        }
        break;
    }
  }
  return out;
}

const BINDING_TYPES = [
  'function_definition',
  'class_definition',
  'assignment',
  'augmented_assignment',
  'for_statement',
  'for_in_clause',
  'parameters',
  'lambda_parameters',
  'aliased_import',
  'import_from_statement',
];

/** Identifiers a binding target binds: `a`, `a, b`, `(a, [b, *c])`; not attributes or subscripts. */
export function targetIdentifiers(target: Node): Node[] {
  const out: Node[] = [];
  const stack = [target];
  for (let steps = 0; stack.length && steps < 10_000; steps++) {
    const n = stack.pop()!;
    if (n.type === 'identifier') out.push(n);
    else if (PATTERN_TYPES.has(n.type)) for (const c of n.namedChildren) if (c) stack.push(c);
  }
  return out;
}

export const PATTERN_TYPES = new Set([
  'pattern_list',
  'tuple_pattern',
  'list_pattern',
  'tuple',
  'list',
  'parenthesized_expression',
  'list_splat_pattern',
  'expression_list',
]);
