import type { Fix, TextEditSpec } from '../../findings';
import type { Node } from '../../parsing/pythonParser';
import { unwrapParens } from '../../parsing/syntax';
import { boundNames } from '../helpers/columnExpressions';
import { PYSPARK_FUNCTION_NAMES } from '../../spark/functionNames';
import { ScopeIndex, type Occurrence, type ScopeInfo } from '../helpers/pythonScopes';
import { related, type Rule, type RuleContext } from '../rule';
import { checkShadowedBuiltins } from '../helpers/shadowedBuiltins';

/** Values that cannot be callable: what a name bound to one holds is data, not a function. */
const PLAIN_VALUES = new Set([
  'string',
  'concatenated_string',
  'integer',
  'float',
  'true',
  'false',
  'list',
  'tuple',
  'dictionary',
  'set',
  'list_comprehension',
  'set_comprehension',
  'dictionary_comprehension',
  'generator_expression',
  'binary_operator',
]);
/** Attributes that are lists of names or values: `df.columns`, `df.schema.names`, `df.dtypes`. */
const DATA_ATTRIBUTES = new Set(['columns', 'names', 'dtypes']);
/** Methods whose positional arguments are column names (or Columns), never functions. */
const COLUMN_NAME_METHODS = new Set([
  'withColumn',
  'withColumnRenamed',
  'drop',
  'select',
  'groupBy',
  'orderBy',
  'sort',
  'alias',
  'dropDuplicates',
  'isin',
  'startswith',
  'endswith',
  'contains',
  'getItem',
  'getField',
  'partitionBy',
]);
const PLAIN_ANNOTATIONS = /^(str|int|float|bool|bytes|list|dict|set|tuple|(Optional|List|Sequence|Iterable|Dict|Set|Tuple|list|dict|set|tuple)\[.*\])$/;

/** Everything PSA701 needs to know about one local variable that shadows a Spark function. */
interface Shadowing {
  name: string;
  scope: ScopeInfo;
  /** The calls of the name that reach the local variable instead of the function. */
  calls: Occurrence[];
  /** The binding shown as related information (the first one that proves a plain value). */
  binding: Occurrence;
}

export const shadowedSparkFunction: Rule = {
  code: 'PSA701',
  name: 'shadowed-spark-function',
  summary:
    'A local name shadows a PySpark function the code then calls (`for col in cols: col(col)`), or an import of pyspark.sql.functions shadows a Python builtin used on Python values.',
  defaultSeverity: 'error',
  check(ctx: RuleContext) {
    const bound = boundNames(ctx.model.root);
    checkShadowedBuiltins(ctx, (n) => bound.has(n));
    const functionNames = sparkFunctionNames(ctx);
    if (!functionNames.size) return;
    const index = new ScopeIndex(ctx.model.root, (n) => functionNames.has(n));
    if (!index.complete) return;
    const all = shadowings(index);
    for (const s of all) {
      // The rename covers every binding of the name in the scope, so it must cover every call they hide.
      const hidden = all.filter((o) => o.scope === s.scope && o.name === s.name).flatMap((o) => o.calls);
      const fix = renameFix(ctx, index, s, hidden);
      ctx.report({
        node: s.binding.node,
        message: shadowingMessage(s, fix?.newName),
        related: s.calls.map((c) => related(c.call!, `this call reaches the ${describeBinding(s.binding)}, not pyspark.sql.functions.${s.name}`)),
        fixes: fix ? [fix.fix] : [],
      });
    }
  },
};

/**
 * One finding per binding that hides the function, at the binding: it is the one line to change,
 * and the calls it breaks (often many on a few lines) are listed, not reported one by one.
 */
function shadowingMessage(s: Shadowing, newName: string | undefined): string {
  const what = describeBinding(s.binding);
  const inModule = s.scope.node.type === 'module';
  const where = inModule ? 'in the rest of this module' : `in this whole ${scopeWord(s.scope.node.type)}`;
  // In a function the name is local everywhere: a call written before the first binding finds it unset.
  const firstBinding = inModule ? -Infinity : firstBindingStart(s.scope, s.name);
  const before = s.calls.filter((c) => c.node.startIndex < firstBinding);
  const after = s.calls.filter((c) => c.node.startIndex >= firstBinding);
  const value = valueTypeName(s.binding);
  const byDefault = value ? undefined : defaultItemType(s);
  const typeError = value
    ? `"TypeError: '${value}' object is not callable"`
    : byDefault
      ? `with the default ${byDefault.parameter}: "TypeError: '${byDefault.type}' object is not callable"`
      : `for a column name: "TypeError: 'str' object is not callable"`;
  const parts: string[] = [];
  if (after.length)
    parts.push(
      `${describeCalls(s.name, after)} ${after.length === 1 ? 'calls' : 'call'} the ${what} and ${after.length === 1 ? 'fails' : 'fail'} (${typeError})`,
    );
  if (before.length) {
    parts.push(
      `${describeCalls(s.name, before)}, written before this binding, ${before.length === 1 ? 'raises' : 'raise'} UnboundLocalError (or, in a later loop iteration, ${before.length === 1 ? 'calls' : 'call'} the value)`,
    );
  }
  return (
    `\`${s.name}\` is bound here as a ${what}${value ? ` (${article(value)} ${value})` : ''}, so ${where} it no longer means pyspark.sql.functions.${s.name}: ` +
    `${parts.join('; ')}. Rename the ${what}${newName ? ` (for example to \`${newName}\`)` : ''} or call the function through the module, F.${s.name}(...).`
  );
}

function article(word: string): string {
  return /^[aeiou]/.test(word) ? 'an' : 'a';
}

function scopeWord(type: string): string {
  if (type === 'function_definition') return 'function';
  if (type === 'lambda') return 'lambda';
  return 'comprehension';
}

/** "the call col(col) on line 6" or "the 18 calls col(...) on lines 10, 12, 15". */
function describeCalls(name: string, calls: Occurrence[]): string {
  if (calls.length === 1) {
    const text = calls[0].call!.text;
    const shown = text.length <= 40 && !text.includes('\n') ? text : `${name}(...)`;
    return `the call ${shown} on line ${calls[0].node.startPosition.row + 1}`;
  }
  const lines = [...new Set(calls.map((c) => c.node.startPosition.row + 1))];
  const listed = lines.length <= 8 ? lines.join(', ') : `${lines.slice(0, 8).join(', ')}, ...`;
  return `the ${calls.length} calls ${name}(...) on line${lines.length === 1 ? '' : 's'} ${listed}`;
}

/**
 * `def f(df, lags=[1, 7, 30]): for lag in lags: ... lag("x", lag)`: a loop over a parameter the
 * function never rebinds, whose default is a literal list of one type. What a caller passes is
 * unknown; the default says what the TypeError is when it is used.
 */
function defaultItemType(s: Shadowing): { type: string; parameter: string } | undefined {
  const b = s.binding;
  if (b.kind !== 'for' || !b.iterable) return undefined;
  const it = unwrapParens(b.iterable);
  if (it.type !== 'identifier') return undefined;
  // The scope index tracks Spark function names only: read the function's parameters from the tree.
  const def = s.scope.node;
  if (def.type !== 'function_definition') return undefined;
  const param = def
    .childForFieldName('parameters')
    ?.namedChildren.find((p) => (p?.type === 'default_parameter' || p?.type === 'typed_default_parameter') && p.childForFieldName('name')?.text === it.text);
  const value = param?.childForFieldName('value');
  if (!value) return undefined;
  const body = def.childForFieldName('body');
  const rebound = [...(body?.descendantsOfType(['assignment', 'augmented_assignment']) ?? [])].some((a) => a?.childForFieldName('left')?.text === it.text);
  const type = rebound ? undefined : itemType(unwrapParens(value));
  return type ? { type, parameter: it.text } : undefined;
}

/** The one literal type of a literal list, tuple or set's items. */
function itemType(it: Node): string | undefined {
  if (!['list', 'tuple', 'set'].includes(it.type)) return undefined;
  const items = new Set(it.namedChildren.filter((c): c is Node => !!c && c.type !== 'comment').map((c) => LITERAL_TYPES.get(unwrapParens(c).type)));
  return items.size === 1 ? [...items][0] : undefined;
}

/** The Python type the binding certainly holds, when the code says it (for the TypeError Python raises). */
function valueTypeName(b: Occurrence): string | undefined {
  if (b.kind === 'param') {
    const annotation = b.annotation?.text.replace(/\s/g, '');
    if (annotation && ['str', 'int', 'float', 'bool'].includes(annotation)) return annotation;
    return b.value ? LITERAL_TYPES.get(unwrapParens(b.value).type) : undefined;
  }
  if (b.kind === 'assign') return b.value ? LITERAL_TYPES.get(unwrapParens(b.value).type) : undefined;
  if (b.kind !== 'for' || !b.iterable) return undefined;
  const it = unwrapParens(b.iterable);
  if (it.type === 'attribute') return DATA_ATTRIBUTE_ITEMS.get(it.childForFieldName('attribute')?.text ?? '');
  if (it.type === 'call') {
    const callee = it.childForFieldName('function');
    if (callee?.type === 'identifier' && callee.text === 'range') return 'int';
    return callee?.type === 'attribute' && callee.childForFieldName('attribute')?.text === 'fieldNames' ? 'str' : undefined;
  }
  return itemType(it);
}

const LITERAL_TYPES = new Map([
  ['string', 'str'],
  ['concatenated_string', 'str'],
  ['integer', 'int'],
  ['float', 'float'],
  ['true', 'bool'],
  ['false', 'bool'],
  ['list', 'list'],
  ['list_comprehension', 'list'],
  ['tuple', 'tuple'],
  ['dictionary', 'dict'],
  ['dictionary_comprehension', 'dict'],
  ['set', 'set'],
  ['set_comprehension', 'set'],
  ['generator_expression', 'generator'],
]);
/** What iterating `df.columns`, `schema.names`, `df.dtypes` yields. */
const DATA_ATTRIBUTE_ITEMS = new Map([
  ['columns', 'str'],
  ['names', 'str'],
  ['dtypes', 'tuple'],
]);

function firstBindingStart(scope: ScopeInfo, name: string): number {
  return (scope.byName.get(name) ?? []).find((o) => o.role === 'bind')?.node.startIndex ?? Infinity;
}

/** Names the file uses as pyspark.sql.functions: imported by name, or any PySpark name under a star import. */
function sparkFunctionNames(ctx: RuleContext): Set<string> {
  const imports = ctx.model.imports;
  const out = new Set(imports.functionNames);
  if (imports.functionsStar) for (const n of PYSPARK_FUNCTION_NAMES) out.add(n);
  return out;
}

function shadowings(index: ScopeIndex): Shadowing[] {
  // `global x` / `nonlocal x` move bindings between scopes: leave those names alone.
  const globals = new Set(index.occurrences.filter((o) => o.role === 'global').map((o) => o.node.text));
  const byScope = new Map<string, Shadowing>();
  const local = new Map<string, Occurrence | undefined>();
  for (const call of index.occurrences) {
    if (call.role !== 'call' || globals.has(call.node.text)) continue;
    const name = call.node.text;
    const target = index.resolve(call);
    if (!target) continue;
    const key = `${target.node.id}:${name}`;
    let binding: Occurrence | undefined;
    if (target.node.type === 'module') binding = moduleBindingInForce(index, target, call);
    else {
      if (!local.has(key)) local.set(key, localValueBinding(index, target, name));
      binding = local.get(key);
    }
    if (!binding) continue;
    // At module level each rebinding hides the function until the next one: one entry per binding.
    const entryKey = `${key}:${binding.node.id}`;
    const entry = byScope.get(entryKey) ?? { name, scope: target, calls: [], binding };
    entry.calls.push(call);
    byScope.set(entryKey, entry);
  }
  return [...byScope.values()];
}

/**
 * In a function, lambda or comprehension: a binding that makes the local name a plain value, when
 * nothing else there binds it to a function (def, import). Class bodies are skipped.
 */
function localValueBinding(index: ScopeIndex, scope: ScopeInfo, name: string): Occurrence | undefined {
  if (scope.node.type === 'class_definition') return undefined;
  const bindings = index.bindingsOf(scope, name);
  if (bindings.some((b) => b.kind === 'def' || b.kind === 'import')) return undefined;
  const plain = bindings.find(isPlainValueBinding);
  if (plain) return plain;
  // `col(col)`, `withColumn(col, ...)`: the variable is used as data, so it is not the function.
  return usedAsData(index.referencesTo(scope, name)) ? bindings[0] : undefined;
}

/**
 * At module level order matters: the binding in force is the last one written before the call.
 * Only calls made directly at module level are judged; a function may run before or after.
 */
function moduleBindingInForce(index: ScopeIndex, module: ScopeInfo, call: Occurrence): Occurrence | undefined {
  if (!index.isModuleCode(index.scopeOf(call))) return undefined;
  const last = lastBefore(index.bindingsOf(module, call.node.text), call.node.startIndex);
  if (!last || last.kind === 'def' || last.kind === 'import') return undefined;
  if (isPlainValueBinding(last)) return last;
  return usedAsData(index.referencesTo(module, call.node.text)) ? last : undefined;
}

/** The last of `sorted` (in text order) that starts before `offset`. */
function lastBefore(sorted: Occurrence[], offset: number): Occurrence | undefined {
  let lo = 0;
  let hi = sorted.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (sorted[mid].node.startIndex < offset) lo = mid + 1;
    else hi = mid;
  }
  return lo > 0 ? sorted[lo - 1] : undefined;
}

/**
 * A loop over these yields data, never functions. Other loops may well iterate callables
 * (`for transform in steps: df = transform(df)`), so their variable needs other evidence.
 */
function iteratesData(iterable: Node | undefined): boolean {
  if (!iterable) return false;
  const it = unwrapParens(iterable);
  if (['list', 'tuple', 'set'].includes(it.type)) {
    return it.namedChildren.every((c) => !c || c.type === 'comment' || PLAIN_VALUES.has(unwrapParens(c).type));
  }
  if (it.type === 'attribute') return DATA_ATTRIBUTES.has(it.childForFieldName('attribute')?.text ?? '');
  if (it.type === 'call') {
    const callee = it.childForFieldName('function');
    if (callee?.type === 'identifier') return callee.text === 'range';
    return callee?.type === 'attribute' && callee.childForFieldName('attribute')?.text === 'fieldNames';
  }
  return false;
}

/**
 * True when some occurrence uses the variable as data: the call passes the name to itself
 * (`col(col)`), or the name is the column argument of a DataFrame or Column method.
 */
function usedAsData(references: Occurrence[]): boolean {
  return references.some((o) => {
    if (o.role === 'call') return callsWithItself(o);
    const callee = o.argumentOf?.childForFieldName('function');
    return o.role === 'use' && callee?.type === 'attribute' && COLUMN_NAME_METHODS.has(callee.childForFieldName('attribute')?.text ?? '');
  });
}

function isPlainValueBinding(b: Occurrence): boolean {
  if (b.kind === 'for') return iteratesData(b.iterable);
  if (b.kind === 'assign') return !!b.value && PLAIN_VALUES.has(unwrapParens(b.value).type);
  if (b.kind === 'param') {
    const annotation = b.annotation?.text.replace(/\s/g, '');
    const dflt = b.value ? unwrapParens(b.value).type : undefined;
    return (annotation !== undefined && PLAIN_ANNOTATIONS.test(annotation)) || (dflt !== undefined && PLAIN_VALUES.has(dflt));
  }
  return false;
}

function callsWithItself(call: Occurrence): boolean {
  const args = call.call?.childForFieldName('arguments');
  return !!args && args.namedChildren.some((a) => a?.type === 'identifier' && a.text === call.node.text);
}

function describeBinding(b: Occurrence): string {
  switch (b.kind) {
    case 'for':
      return 'loop variable';
    case 'param':
      return 'parameter';
    default:
      return 'variable';
  }
}

// ------------------------------------------------------------------ the rename fix

/**
 * Renames the local variable everywhere it is read or bound, leaving the calls to reach the
 * function again. Offered only when every occurrence is known to mean that variable: not for
 * parameters (callers pass them by keyword), nor with other bindings the rename would split.
 */
function renameFix(ctx: RuleContext, index: ScopeIndex, s: Shadowing, hidden: Occurrence[]): { fix: Fix; newName: string } | undefined {
  const scope = s.scope;
  const mine = index.referencesTo(scope, s.name);
  const bindings = mine.filter((o) => o.role === 'bind');
  const isModule = scope.node.type === 'module';
  if (bindings.some((b) => b.kind !== 'for' && b.kind !== 'assign' && !(isModule && b.kind === 'import'))) return undefined;
  let renamed = mine.filter((o) => o.role !== 'call');
  let calls = mine.filter((o) => o.role === 'call');
  if (isModule) {
    const first = bindings.find((b) => b.kind === 'for' || b.kind === 'assign');
    if (!first) return undefined;
    const afterFirst = (o: Occurrence) => o.node.startIndex >= first.node.startIndex && index.isModuleCode(index.scopeOf(o));
    // Before the first value binding the name is still the function; in functions the order is unknown.
    renamed = renamed.filter((o) => o.kind !== 'import');
    if (!renamed.every(afterFirst)) return undefined;
    if (bindings.some((b) => b.kind === 'import' && b.node.startIndex > first.node.startIndex)) return undefined;
    // Calls before the loop, or in functions, reach the function after the rename: as intended.
    calls = calls.filter(afterFirst);
  }
  const flagged = new Set(hidden.map((c) => c.node.id));
  // Every call the variable would have answered must be one the rule reports: it is what the rename changes.
  if (calls.some((o) => !flagged.has(o.node.id))) return undefined;
  const newName = freshName(ctx.text, s.name);
  const edits: TextEditSpec[] = renamed.map((o) => ({ start: o.node.startIndex, end: o.node.endIndex, newText: newName }));
  if (!edits.length) return undefined;
  const binding = bindings.find((b) => b.kind !== 'import') ?? s.binding;
  return {
    newName,
    fix: {
      title: `Rename the ${describeBinding(binding)} '${s.name}' to '${newName}'`,
      edits,
      // The flagged calls raised; renamed, they reach the Spark function and compute.
      applicability: 'unsafe',
      reason: 'the calls now reach the Spark function instead of failing',
    },
  };
}

function freshName(text: string, name: string): string {
  const base = name === 'col' || name === 'column' ? `${name}_name` : `${name}_value`;
  for (let i = 0; ; i++) {
    const candidate = i ? `${base}${i + 1}` : base;
    if (!new RegExp(`\\b${candidate}\\b`).test(text)) return candidate;
  }
}
