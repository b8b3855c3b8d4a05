import { nodesOfType, statementNodesOfType } from '../../model/syntaxIndex';
import { perNode, perStatement } from '../../model/statementMemo';
import type { Fix } from '../../findings';
import { planImports } from '../../fixes/edits';
import type { Node } from '../../parsing/pythonParser';
import type { DataFrameModel } from '../../model/types';
import { innermostTransformAround } from '../helpers/transformAround';
import { callsNamed, callsNamedAny, mergeInTreeOrder } from '../helpers/callIndex';
import { callParts, enclosingScope, functionDefinedIn, literalString, pyString, sameNode, unwrapParens } from '../../parsing/syntax';
import type { Rule, RuleContext } from '../rule';

/**
 * A UDF body rewritten as Spark functions. Parameters are rendered from the arguments at each
 * call site; `str` parts are Python literals that become `F.lit(...)` inside `concat`.
 */
type Expr =
  | { k: 'param'; index: number }
  | { k: 'lit'; text: string }
  | { k: 'fn'; name: string; args: Expr[]; extra: string[] }
  | { k: 'method'; recv: Expr; name: string; extra: string[] }
  /** `len(x)`: F.length for a string, F.size for an array or a map, decided per call site when the UDF does not say. */
  | { k: 'len'; arg: Expr };

/** What a parameter holds: a string, a number, or a sequence (list, tuple, dict: an array or map column). */
type ParamType = 'str' | 'num' | 'seq' | undefined;

export interface Translation {
  expr: Expr;
  /** What the Python builtin is called (`str.upper`, `len`), for messages. */
  builtins: string[];
  /** A null guard around the builtin: `x.upper() if x is not None else None` ("none") or `... if x else None` ("truthy"). */
  guard?: { kind: 'none' | 'truthy'; index: number };
  types: ParamType[];
  /** False when the rewrite may differ from Python on some values (documented in the fix title). */
  exact: boolean;
}

interface UdfDefinition {
  /** The name call sites use, when there is one. */
  name?: string;
  /** Where to report when no call site can be rewritten. */
  at: Node;
  params: string[];
  annotations: ParamType[];
  body: Node;
  /** The `def` or `lambda` whose parameters and body these are (what the translation is kept on). */
  fn: Node;
  /** For `F.udf(lambda s: ..., T)(col)`: the one call site. */
  inlineCall?: Node;
  scope: Node;
}

const STRING_METHODS: Record<string, { fn: string; exact: boolean }> = {
  upper: { fn: 'upper', exact: true },
  lower: { fn: 'lower', exact: true },
  // F.trim and friends remove spaces only; Python's strip() also removes tabs and line breaks.
  strip: { fn: 'trim', exact: false },
  lstrip: { fn: 'ltrim', exact: false },
  rstrip: { fn: 'rtrim', exact: false },
};

/** `list`, `List[str]`, `typing.Sequence[int]`, `dict`: an array or map column. */
const SEQUENCE_ANNOTATION = /^(typing\.)?(list|List|Sequence|tuple|Tuple|dict|Dict|Mapping)(\[.*\])?$/;

/** Spark functions the translation produces that return strings. */
const STRING_FNS = new Set(['upper', 'lower', 'trim', 'ltrim', 'rtrim', 'regexp_replace', 'concat']);

// ------------------------------------------------------------------ finding UDF definitions

function isUdfCallee(ctx: RuleContext, callee: Node): boolean {
  const c = unwrapParens(callee);
  const imports = ctx.model.imports;
  if (c.type === 'identifier') return c.text === 'udf' && (imports.functionNames.has('udf') || imports.functionsStar);
  if (c.type === 'attribute' && c.childForFieldName('attribute')?.text === 'udf') {
    const obj = c.childForFieldName('object');
    return obj?.type === 'identifier' && (imports.functionsAliases.has(obj.text) || (obj.text === 'F' && imports.usesPySpark));
  }
  return false;
}

function paramsOf(params: Node | null): { names: string[]; annotations: ParamType[] } | undefined {
  const names: string[] = [];
  const annotations: ParamType[] = [];
  for (const p of params?.namedChildren ?? []) {
    if (!p || p.type === 'comment') continue;
    if (p.type === 'identifier') {
      names.push(p.text);
      annotations.push(undefined);
    } else if (p.type === 'typed_parameter') {
      const id = p.namedChildren.find((c) => c?.type === 'identifier');
      if (!id) return undefined;
      const t = p.childForFieldName('type')?.text.replace(/^Optional\[(.*)\]$/, '$1');
      names.push(id.text);
      annotations.push(t === 'str' ? 'str' : t === 'int' || t === 'float' ? 'num' : t && SEQUENCE_ANNOTATION.test(t) ? 'seq' : undefined);
    } else return undefined;
  }
  return names.length ? { names, annotations } : undefined;
}

/** The expression of a body that is only `return <expr>` (a docstring aside). */
function returnedExpression(def: Node): Node | undefined {
  const body = def.childForFieldName('body');
  const statements = (body?.namedChildren ?? []).filter((c): c is Node => !!c && c.type !== 'comment');
  const rest = statements[0]?.type === 'expression_statement' && statements[0].namedChildren[0]?.type === 'string' ? statements.slice(1) : statements;
  if (rest.length !== 1 || rest[0].type !== 'return_statement') return undefined;
  return rest[0].namedChildren.find((c) => c && c.type !== 'comment') ?? undefined;
}

/** The parameters and the returned expression of a `def` or a `lambda`: read from its own subtree only. */
function partsOfUdf(fn: Node): { params: string[]; annotations: ParamType[]; body: Node } | undefined {
  const p = paramsOf(fn.childForFieldName('parameters'));
  const body = fn.type === 'lambda' ? fn.childForFieldName('body') : returnedExpression(fn);
  if (!p || !body) return undefined;
  return { params: p.names, annotations: p.annotations, body };
}

function fromFunction(def: Node, at: Node, name: string | undefined): UdfDefinition | undefined {
  const parts = partsOfUdf(def);
  return parts && { name, at, ...parts, fn: def, scope: enclosingScope(def) };
}

function fromLambda(lambda: Node, at: Node, name: string | undefined): UdfDefinition | undefined {
  const parts = partsOfUdf(lambda);
  return parts && { name, at, ...parts, fn: lambda, scope: enclosingScope(lambda) };
}

/** The `def` a name refers to in the scope of `from` (module-level or enclosing functions). */
function functionNamed(name: string, from: Node): Node | undefined {
  for (let scope: Node | null = enclosingScope(from); scope; scope = scope.parent ? enclosingScope(scope) : null) {
    const def = functionDefinedIn(scope.type === 'module' ? scope : scope.childForFieldName('body'), name);
    if (def) return def;
    if (scope.type === 'module') break;
  }
  return undefined;
}

function findDefinitions(ctx: RuleContext): UdfDefinition[] {
  const out: UdfDefinition[] = [];
  // The calls `udf(...)`, `F.udf(...)` (and any whose callee has no name: `(F.udf)(...)` unwraps to
  // one), from the shared index: testing every call of the file was most of this rule's time. The
  // decorated definitions from the shared per-type lists too: alone, the one type made the copy
  // sort every node by type.
  const candidates = mergeInTreeOrder([nodesOfType(ctx.model, 'decorated_definition'), callsNamedAny(ctx.model, ['udf'], true)]);
  for (const n of candidates) {
    if (n.type === 'decorated_definition') {
      const def = n.childForFieldName('definition');
      const decorators = n.namedChildren.filter((c): c is Node => c?.type === 'decorator');
      const isUdf = decorators.some((d) => {
        const e = d.namedChildren.find((c) => c && c.type !== 'comment');
        if (!e) return false;
        return e.type === 'call' ? isUdfCallee(ctx, e.childForFieldName('function')!) : isUdfCallee(ctx, e);
      });
      const name = def?.childForFieldName('name');
      if (isUdf && def?.type === 'function_definition' && name && decorators.length === 1) {
        const d = fromFunction(def, name, name.text);
        if (d) out.push(d);
      }
    } else if (n.type === 'call' && isUdfCallee(ctx, n.childForFieldName('function')!)) {
      const parts = callParts(n);
      const fnArg = parts?.args[0] ?? parts?.keywords.get('f');
      const fn = fnArg ? unwrapParens(fnArg) : undefined;
      const parent = n.parent;
      const assignment = parent?.type === 'assignment' && sameNode(parent.childForFieldName('right'), n) ? parent : undefined;
      const target = assignment?.childForFieldName('left');
      const name = target?.type === 'identifier' ? target.text : undefined;
      const inlineCall = parent?.type === 'call' && sameNode(parent.childForFieldName('function'), n) ? parent : undefined;
      let d: UdfDefinition | undefined;
      if (fn?.type === 'lambda') d = fromLambda(fn, target ?? n, name);
      else if (fn?.type === 'identifier') {
        const def = functionNamed(fn.text, n);
        if (def) d = fromFunction(def, target ?? n, name);
      }
      if (d && (name || inlineCall)) out.push({ ...d, inlineCall });
    }
  }
  return out;
}

// ------------------------------------------------------------------ where a call runs on Python values

/** Methods and functions whose function argument Python calls on data (rows, values, pandas frames). */
const PYTHON_SIDE_NAMES = [
  'udf',
  'pandas_udf',
  'register',
  'map',
  'flatMap',
  'mapValues',
  'flatMapValues',
  'mapPartitions',
  'mapPartitionsWithIndex',
  'foreach',
  'foreachPartition',
  'reduceByKey',
  'aggregateByKey',
  'combineByKey',
  'sortBy',
  'keyBy',
  'applyInPandas',
  'mapInPandas',
  'mapInArrow',
  'sorted',
  'filter',
  'min',
  'max',
];
/**
 * A callee's text naming one of them: `map` or `x.map`. An attribute's text ends in its attribute
 * name, so the calls it matches are among `callsNamedAny(PYTHON_SIDE_NAMES)` and the unnamed ones.
 */
const PYTHON_SIDE_CALLEE = new RegExp(`(^|\\.)(${PYTHON_SIDE_NAMES.join('|')})$`);

function isSparkFunctionCallee(ctx: Pick<RuleContext, 'model'>, callee: Node): boolean {
  const imports = ctx.model.imports;
  if (callee.type === 'identifier') return imports.functionNames.has(callee.text) && !/^(udf|pandas_udf)$/.test(callee.text);
  const obj = callee.type === 'attribute' ? callee.childForFieldName('object') : null;
  const name = callee.childForFieldName('attribute')?.text ?? '';
  return obj?.type === 'identifier' && imports.functionsAliases.has(obj.text) && !/^(udf|pandas_udf)$/.test(name);
}

/**
 * True when `node` sits in a function Python calls on data: a lambda given to `udf`, `rdd.map`,
 * `sorted` and the like, or a `def` decorated as a UDF or handed to one. Lambdas of Spark's
 * higher-order functions (`F.transform(col, lambda x: ...)`) get Columns and do not count.
 */
function runsOnPythonValues(ctx: RuleContext, node: Node, handed: () => ReadonlySet<string>): boolean {
  for (let n = node.parent, i = 0; n && i < 500; n = n.parent, i++) {
    if (n.type === 'lambda') {
      let holder = n.parent;
      if (holder?.type === 'keyword_argument') holder = holder.parent;
      const call = holder?.type === 'argument_list' ? holder.parent : undefined;
      const callee = call?.childForFieldName('function');
      if (callee && !isSparkFunctionCallee(ctx, callee) && PYTHON_SIDE_CALLEE.test(callee.text)) return true;
    } else if (n.type === 'function_definition') {
      const decorated = n.parent?.type === 'decorated_definition' ? n.parent : undefined;
      if (decorated?.namedChildren.some((c) => c?.type === 'decorator' && /\b(udf|pandas_udf)\b/.test(c.text))) return true;
      const name = n.childForFieldName('name')?.text;
      if (name && handed().has(name)) return true;
    }
  }
  return false;
}

/**
 * The names passed to `udf(...)`, `rdd.map(...)` and the like somewhere in the file, as bare
 * identifiers among the call's arguments. One pass over the calls for the whole check: asking
 * per call site (each a pass over every call of the file) made the rule quadratic.
 */
/** @internal Exported for the tests (against the scan of every candidate call). */
export function handedToPython(ctx: Pick<RuleContext, 'model'>): Set<string> {
  const names = new Set<string>();
  // Only calls named as PYTHON_SIDE_CALLEE says (or without a name: the test reads the callee's text).
  for (const call of callsNamedAny(ctx.model, PYTHON_SIDE_NAMES, true)) {
    const handed = handedByCall.of(call);
    // Whether the callee is a Spark function reads the file's imports: asked per model.
    if (!handed || isSparkFunctionCallee(ctx, handed.callee)) continue;
    for (const name of handed.names) names.add(name);
  }
  return names;
}

/** What `handedToPython` reads of one call by itself: its callee, and the bare names among its arguments. */
interface HandedCall {
  callee: Node;
  names: readonly string[];
}

/** @internal How many calls' answers were made and found kept (for the tests' floor). */
export const handedCallCounts = { made: 0, kept: 0 };

/**
 * Kept per call node (null: the callee is not named as PYTHON_SIDE_CALLEE says, or no argument is a
 * bare name, so the call hands the file's functions nothing). It reads only the call's own subtree, and
 * a node object reaches a later syntax copy only inside a statement of the same text and subtree (see
 * `perStatement`), so after an edit only the calls of the statements made again are read (`filter` is
 * among the names: nearly every frame's filter call was read per analysis). Nodes and texts, never offsets.
 */
const handedByCall = perNode((call) => readHandedCall(call), handedCallCounts);

/** @internal `handedByCall` read afresh (for the tests). */
export function readHandedCall(call: Node): HandedCall | undefined {
  const callee = call.childForFieldName('function');
  if (!callee || !PYTHON_SIDE_CALLEE.test(callee.text)) return undefined;
  const names: string[] = [];
  for (const a of call.childForFieldName('arguments')?.namedChildren ?? []) if (a?.type === 'identifier') names.push(a.text);
  return names.length ? { callee, names } : undefined;
}

/** @internal The answer kept for a call, if any (for the tests). */
export function keptHandedCall(call: Node): HandedCall | null | undefined {
  return handedByCall.kept(call);
}

// ------------------------------------------------------------------ translating the body

function guardOf(node: Node, params: string[]): { kind: 'none' | 'truthy'; index: number; body: Node } | undefined {
  if (node.type !== 'conditional_expression') return undefined;
  const [a, cond, b] = node.namedChildren.filter((c): c is Node => !!c && c.type !== 'comment').map(unwrapParens);
  if (!a || !cond || !b) return undefined;
  const param = (n: Node | undefined) => (n?.type === 'identifier' ? params.indexOf(n.text) : -1);
  const isNone = (n: Node) => n.type === 'none';
  const comparison = (negated: boolean) => {
    if (cond.type !== 'comparison_operator' || cond.namedChildren.length !== 2) return -1;
    const op = cond.children.find((c) => c && !c.isNamed)?.type;
    const [l, r] = cond.namedChildren as Node[];
    const want = negated ? ['is not', '!='] : ['is', '=='];
    return op && want.includes(op) && isNone(r) ? param(l) : -1;
  };
  if (isNone(b)) {
    const i = comparison(true);
    if (i >= 0) return { kind: 'none', index: i, body: a };
    if (param(cond) >= 0) return { kind: 'truthy', index: param(cond), body: a };
  }
  if (isNone(a)) {
    const i = comparison(false);
    if (i >= 0) return { kind: 'none', index: i, body: b };
    if (cond.type === 'not_operator') {
      const j = param(cond.childForFieldName('argument') ? unwrapParens(cond.childForFieldName('argument')!) : undefined);
      if (j >= 0) return { kind: 'truthy', index: j, body: b };
    }
  }
  return undefined;
}

function escapeJavaRegex(s: string): string {
  return s.replace(/[\\^$.|?*+()[\]{}]/g, '\\$&');
}

function escapeJavaReplacement(s: string): string {
  return s.replace(/[\\$]/g, '\\$&');
}

class Translator {
  readonly builtins: string[] = [];
  exact = true;
  constructor(
    private readonly params: string[],
    readonly types: ParamType[],
  ) {}

  /** Records how a parameter is used; a parameter used as both a string and a number is rejected. */
  private use(e: Expr, type: ParamType): boolean {
    if (e.k !== 'param' || !type) return true;
    if (this.types[e.index] && this.types[e.index] !== type) return false;
    this.types[e.index] = type;
    return true;
  }

  translate(node: Node): Expr | undefined {
    const n = unwrapParens(node);
    if (n.type === 'identifier') {
      const i = this.params.indexOf(n.text);
      return i >= 0 ? { k: 'param', index: i } : undefined;
    }
    if (n.type === 'binary_operator' && n.childForFieldName('operator')?.text === '+') return this.concat(n);
    if (n.type !== 'call') return undefined;
    const parts = callParts(n);
    if (!parts?.name || parts.keywords.size) return undefined;
    if (parts.object) {
      const recv = this.translate(parts.object);
      if (!recv || !this.use(recv, 'str')) return undefined;
      const method = STRING_METHODS[parts.name];
      if (method && parts.args.length === 0) {
        this.builtins.push(`str.${parts.name}`);
        this.exact &&= method.exact;
        return { k: 'fn', name: method.fn, args: [recv], extra: [] };
      }
      const lits = parts.args.map((a) => literalString(a));
      if ((parts.name === 'startswith' || parts.name === 'endswith') && lits.length === 1 && lits[0] !== undefined) {
        this.builtins.push(`str.${parts.name}`);
        return { k: 'method', recv, name: parts.name, extra: [pyString(lits[0])] };
      }
      if (parts.name === 'replace' && lits.length === 2 && lits.every((l) => l !== undefined) && lits[0] !== '') {
        this.builtins.push('str.replace');
        return { k: 'fn', name: 'regexp_replace', args: [recv], extra: [pyString(escapeJavaRegex(lits[0]!)), pyString(escapeJavaReplacement(lits[1]!))] };
      }
      return undefined;
    }
    const arg = parts.args[0] ? this.translate(parts.args[0]) : undefined;
    if (!arg) return undefined;
    if (parts.name === 'len' && parts.args.length === 1) {
      if (arg.k === 'param' && this.types[arg.index] === 'num') return undefined;
      this.builtins.push('len');
      return { k: 'len', arg };
    }
    if (parts.name === 'abs' && parts.args.length === 1 && this.use(arg, 'num')) {
      this.builtins.push('abs');
      return { k: 'fn', name: 'abs', args: [arg], extra: [] };
    }
    // round(x) returns an int in Python but a double from Spark: only the two-argument form maps cleanly.
    const digits = parts.args[1] ? unwrapParens(parts.args[1]) : undefined;
    if (parts.name === 'round' && parts.args.length === 2 && digits?.type === 'integer' && this.use(arg, 'num')) {
      this.builtins.push('round');
      // Python rounds half to even, like bround (F.round rounds half up).
      return { k: 'fn', name: 'bround', args: [arg], extra: [digits.text] };
    }
    return undefined;
  }

  /** `first + " " + last`: string concatenation, certain only with a literal or `str` annotations. */
  private concat(node: Node): Expr | undefined {
    const operands: Node[] = [];
    const flatten = (n: Node): void => {
      const u = unwrapParens(n);
      if (u.type === 'binary_operator' && u.childForFieldName('operator')?.text === '+') {
        flatten(u.childForFieldName('left')!);
        flatten(u.childForFieldName('right')!);
      } else operands.push(u);
    };
    flatten(node);
    const args: Expr[] = [];
    let sawString = false;
    for (const o of operands) {
      const lit = literalString(o);
      if (lit !== undefined) {
        args.push({ k: 'lit', text: pyString(lit) });
        sawString = true;
        continue;
      }
      const e = this.translate(o);
      if (!e) return undefined;
      if (e.k === 'param') {
        if (this.types[e.index] === 'num') return undefined;
        sawString ||= this.types[e.index] === 'str';
      } else if (e.k === 'fn' && STRING_FNS.has(e.name)) sawString = true;
      // A number or a boolean: `+` would be arithmetic (or a TypeError), not concatenation.
      else return undefined;
      args.push(e);
    }
    if (!sawString) return undefined;
    for (const a of args) if (!this.use(a, 'str')) return undefined;
    this.builtins.push('+ (string concatenation)');
    return { k: 'fn', name: 'concat', args, extra: [] };
  }
}

/** How many translations were made and how many were found kept (the tests' floor on reuse). */
export const translationCounts = { made: 0, kept: 0 };

/**
 * The translation of a UDF's body, kept on its `def` or `lambda` node (`perNode`): it reads only that
 * node's subtree (its parameters, their annotations, its returned expression: `partsOfUdf`) and holds
 * no position, so after an edit only the UDFs of the statements the copy made again are translated
 * (issue 18). `d`'s parameters and body are `partsOfUdf(d.fn)`'s, read when `d` was made.
 */
const translations = perNode(freshTranslation, translationCounts);

function translateBody(d: UdfDefinition): Translation | undefined {
  return translations.of(d.fn);
}

/** @internal A UDF's translation as kept on its `def` or `lambda` node, if any (null: none), for the tests. */
export function keptTranslation(fn: Node): Translation | null | undefined {
  return translations.kept(fn);
}

/** The translation of the UDF `fn` (a `def` or `lambda`) read afresh: what `translations` keeps. @internal Exported for the tests. */
export function freshTranslation(fn: Node): Translation | undefined {
  const parts = partsOfUdf(fn);
  return parts && readTranslation(parts);
}

function readTranslation(d: Pick<UdfDefinition, 'params' | 'annotations' | 'body'>): Translation | undefined {
  const body = unwrapParens(d.body);
  const guard = guardOf(body, d.params);
  const t = new Translator(d.params, [...d.annotations]);
  const expr = t.translate(guard ? guard.body : body);
  if (!expr || expr.k === 'param' || expr.k === 'lit') return undefined;
  if (guard && (d.params.length !== 1 || (guard.kind === 'truthy' && !t.types[guard.index]))) return undefined;
  return { expr, builtins: t.builtins, guard: guard && { kind: guard.kind, index: guard.index }, types: t.types, exact: t.exact };
}

// ------------------------------------------------------------------ call sites and rendering

class Renderer {
  constructor(
    private readonly F: string,
    private readonly args: readonly Node[],
    /** What each parameter holds: from the UDF (annotations, how the body uses it), else from the column at this call site. */
    private readonly types: readonly ParamType[],
  ) {}

  /** Whether `len()` of this expression is a string's length or a collection's size; undefined: not known here. */
  private lengthOf(e: Expr): 'length' | 'size' | undefined {
    if (e.k === 'fn' && STRING_FNS.has(e.name)) return 'length';
    if (e.k !== 'param') return undefined;
    const t = this.types[e.index];
    return t === 'str' ? 'length' : t === 'seq' ? 'size' : undefined;
  }

  private argText(i: number): string {
    return this.args[i].text;
  }

  /** The argument as a Column (methods and comparisons need one; functions accept names too). */
  column(i: number): string | undefined {
    const a = unwrapParens(this.args[i]);
    if (a.type === 'string') return `${this.F}.col(${a.text})`;
    if (a.type === 'call' || a.type === 'attribute' || a.type === 'subscript') return this.argText(i);
    return undefined;
  }

  render(e: Expr, needColumn = false): string | undefined {
    switch (e.k) {
      case 'param':
        return needColumn ? this.column(e.index) : this.argText(e.index);
      case 'lit':
        return `${this.F}.lit(${e.text})`;
      case 'fn': {
        const args = e.args.map((a) => this.render(a));
        if (args.some((a) => a === undefined)) return undefined;
        return `${this.F}.${e.name}(${[...args, ...e.extra].join(', ')})`;
      }
      case 'method': {
        const recv = this.render(e.recv, true);
        return recv === undefined ? undefined : `${recv}.${e.name}(${e.extra.join(', ')})`;
      }
      case 'len': {
        // F.length fails on an array and F.size on a string: no rewrite unless the type is known.
        const fn = this.lengthOf(e.arg);
        const arg = fn && this.render(e.arg);
        return arg === undefined ? undefined : `${this.F}.${fn}(${arg})`;
      }
    }
  }
}

function renderCall(t: Translation, F: string, args: readonly Node[], columnTypes: readonly ParamType[]): string | undefined {
  const r = new Renderer(
    F,
    args,
    t.types.map((type, i) => type ?? columnTypes[i]),
  );
  const body = r.render(t.expr);
  if (body === undefined || !t.guard || t.guard.kind === 'none') return body;
  // `x.upper() if x else None` also maps "" (or 0) to None: keep that with when(), which yields null otherwise.
  const col = r.column(t.guard.index);
  if (col === undefined) return undefined;
  return `${F}.when(${col} != ${t.types[t.guard.index] === 'num' ? '0' : '""'}, ${body})`;
}

/**
 * How many statements bind each name: def/class statements and plain (augmented) assignments, over
 * the whole file (asked per UDF it made the rule quadratic). The sum of each top-level statement's
 * own names (`bindingNamesOfStatement`, kept on the statement: after an edit only the statements the
 * syntax copy made again are read): the model's per-type lists are those statements' lists in turn,
 * so the counts are the same. @internal Exported for the tests (against a scan of the lists).
 */
export function bindingCounts(model: DataFrameModel): ReadonlyMap<string, number> {
  const statements = model.root.children;
  const last = countsByRoot.get(model.root);
  let counts: Map<string, number>;
  if (!last) {
    counts = new Map();
    for (const statement of statements) addNames(counts, statement, 1);
    bindingCountCounts.made++;
  } else {
    // The statements both lists start and end with are the same objects: only those between are read.
    const before = last.statements;
    let head = 0;
    while (head < before.length && head < statements.length && before[head] === statements[head]) head++;
    let tail = 0;
    while (tail < before.length - head && tail < statements.length - head && before[before.length - 1 - tail] === statements[statements.length - 1 - tail])
      tail++;
    counts = new Map(last.counts);
    for (let i = head; i < before.length - tail; i++) addNames(counts, before[i], -1);
    for (let i = head; i < statements.length - tail; i++) addNames(counts, statements[i], 1);
    bindingCountCounts.carried++;
  }
  countsByRoot.set(model.root, { statements: [...statements], counts });
  return counts;
}

/**
 * The last counts made for a root node object, with the top-level statements they sum (issue 18).
 * A document's later syntax copies take its root object over (with new children), and a top-level
 * statement keeps its node object across them while its text is the same (`perStatement`), so the
 * counts of any copy of the same root are the last ones less the names of the statements only the
 * last list holds, plus those of the statements only the new one holds: a sum of each statement's
 * names, whatever the order it is added in. Those statements are found by comparing the two lists
 * from each end (pointer comparisons; an edit changes the statements in one run of the list). The
 * counts are never changed once handed out (the next ones are a copy), and hold no count of 0.
 * Which copy was counted last does not matter: another model of the same document (an older one
 * analysed again) is one more list to compare.
 */
const countsByRoot = new WeakMap<Node, { statements: readonly Node[]; counts: ReadonlyMap<string, number> }>();

/** How many counts were made from every statement and how many carried from the last ones (for the tests' floor on reuse). */
export const bindingCountCounts = { made: 0, carried: 0 };

function addNames(counts: Map<string, number>, statement: Node, sign: 1 | -1): void {
  for (const name of perStatement(statementBindings, statement, bindingNamesOfStatement)) {
    const n = (counts.get(name) ?? 0) + sign;
    if (n === 0) counts.delete(name);
    else counts.set(name, n);
  }
}

/** One top-level statement's bound names (see `bindingCounts`), once per name bound: a `perStatement` answer (texts of its own nodes). */
const statementBindings = new WeakMap<Node, readonly string[]>();
const NO_NAMES: readonly string[] = [];

/** @internal One top-level statement's bound names, read from its subtree (exported for the tests). */
export function bindingNamesOfStatement(statement: Node): readonly string[] {
  const names: string[] = [];
  for (const type of ['function_definition', 'class_definition'] as const) {
    for (const n of statementNodesOfType(statement, type)) {
      const name = n.childForFieldName('name')?.text;
      if (name !== undefined) names.push(name);
    }
  }
  for (const type of ['assignment', 'augmented_assignment'] as const) {
    for (const n of statementNodesOfType(statement, type)) {
      const left = n.childForFieldName('left');
      if (left?.type === 'identifier') names.push(left.text);
    }
  }
  return names.length ? names : NO_NAMES;
}

/** @internal The names kept for a statement, if any (for the tests). */
export function keptBindingNamesOfStatement(statement: Node): readonly string[] | undefined {
  return statementBindings.get(statement);
}

/** Calls of the UDF by name in its scope, when nothing else binds that name. */
function callSites(model: DataFrameModel, bindings: () => ReadonlyMap<string, number>, d: UdfDefinition): Node[] | undefined {
  if (d.inlineCall) return [d.inlineCall];
  if (!d.name) return [];
  if (bindings().get(d.name) !== 1) return undefined;
  // The calls whose callee is the bare name, from the shared index (`x.name(...)` is named alike).
  return callsNamed(model, d.name).filter(
    (n) => n.childForFieldName('function')?.type === 'identifier' && n.startIndex >= d.scope.startIndex && n.endIndex <= d.scope.endIndex,
  );
}

function positionalArgs(call: Node, count: number): readonly Node[] | undefined {
  const parts = callParts(call);
  if (!parts || parts.keywords.size || parts.args.length !== count) return undefined;
  return parts.args.some((a) => a.type === 'list_splat' || a.type === 'dictionary_splat') ? undefined : parts.args;
}

const STRING_TYPES = new Set(['string', 'varchar', 'char']);
const COLLECTION_TYPES = new Set(['array', 'map']);

/**
 * What the column passed as `arg` holds, when the frame the call is evaluated on says so (a schema,
 * a DDL string, a cast): `df.withColumn("n", n_items(col("items")))`.
 */
function columnTypeAt(ctx: RuleContext, call: Node, arg: Node): ParamType {
  const name = ctx.functions.columnRef(arg) ?? literalString(arg);
  if (name === undefined) return undefined;
  const type = innermostTransformAround(ctx.model, call)?.frame.columns.get(name)?.type;
  return type === undefined ? undefined : STRING_TYPES.has(type) ? 'str' : COLLECTION_TYPES.has(type) ? 'seq' : undefined;
}

/** The Spark functions a translation calls: `upper` for `s.upper()`, `length`/`size` for `len(s)`. */
function sparkFunctionsOf(e: Expr, out: Set<string> = new Set()): Set<string> {
  if (e.k === 'fn') {
    out.add(e.name);
    for (const a of e.args) sparkFunctionsOf(a, out);
  } else if (e.k === 'method') sparkFunctionsOf(e.recv, out);
  else if (e.k === 'len') {
    out.add('length').add('size');
    sparkFunctionsOf(e.arg, out);
  }
  return out;
}

/** A column argument as the column it names: `"region"`, `col("region")` and `F.col("region")` are one; else its text. */
function columnKey(arg: Node): string {
  const a = unwrapParens(arg);
  const named = a.type === 'string' ? literalString(a) : undefined;
  if (named !== undefined) return `col:${named}`;
  const parts = a.type === 'call' ? callParts(a) : undefined;
  const inner = parts && (parts.name === 'col' || parts.name === 'column') && parts.args.length === 1 ? literalString(parts.args[0]) : undefined;
  return inner !== undefined ? `col:${inner}` : a.text.replace(/\s+/g, '');
}

/**
 * The Spark function the rewrite would use is already applied to the same column beside the UDF
 * call (same function or module scope, same notebook cell): `native = df.withColumn("u",
 * F.upper(F.col("region")))` next to `slow = df.withColumn("u", upper_udf(F.col("region")))`. The
 * author knows the native function and wrote the UDF as the other side of a comparison (a UDF-versus-
 * native benchmark, a lesson on the Python worker's cost), so the rewrite would erase the point.
 */
function nativeTwinBeside(ctx: RuleContext, call: Node, t: Translation, args: readonly Node[]): boolean {
  const scope = enclosingScope(call);
  let columns: Set<string> | undefined;
  for (const name of sparkFunctionsOf(t.expr)) {
    for (const other of callsNamed(ctx.model, name)) {
      // The cheap tests first (this runs per UDF call over every call of the function's name): a
      // call outside the scope's text cannot share its scope, and most calls read another column.
      if (other.startIndex < scope.startIndex || other.endIndex > scope.endIndex) continue;
      const first = callParts(other)?.args[0];
      if (!first || !(columns ??= new Set(args.map(columnKey))).has(columnKey(first))) continue;
      const callee = other.childForFieldName('function');
      if (!callee || !isSparkFunctionCallee(ctx, callee)) continue;
      if (sameNode(enclosingScope(other), scope) && ctx.code.sameCell(other.startIndex, call.startIndex)) return true;
    }
  }
  return false;
}

function describe(t: Translation): string {
  const names = [...new Set(t.builtins)];
  return names.length === 1 ? names[0] : names.join(', ');
}

export const pythonUdfWithBuiltin: Rule = {
  code: 'PSA105',
  name: 'python-udf-with-builtin',
  summary: 'A Python UDF that only wraps a builtin (upper, strip, len, abs, ...): use the native pyspark.sql.functions equivalent.',
  defaultSeverity: 'warning',
  check(ctx: RuleContext) {
    let counts: ReadonlyMap<string, number> | undefined;
    const bindings = () => (counts ??= bindingCounts(ctx.model));
    let handed: Set<string> | undefined;
    const handedNames = () => (handed ??= handedToPython(ctx));
    for (const d of findDefinitions(ctx)) {
      const t = translateBody(d);
      if (!t) continue;
      const why =
        `only applies ${describe(t)}: as a Python UDF every row is serialized to a Python worker and back, and ` +
        'the optimizer cannot see through it (no predicate pushdown, no code generation).';
      const imports = planImports(ctx.model, ctx.text);
      const sites = callSites(ctx.model, bindings, d);
      // No call in a file that uses DataFrames: dead code (say, after its last call was rewritten), not a UDF library.
      let unfixed = sites === undefined || (sites.length === 0 && ctx.model.frames.length === 0);
      for (const call of sites ?? []) {
        // Inside a UDF body or a lambda Python runs on data, the arguments are Python values: a
        // Spark function there builds a Column instead of a string.
        if (runsOnPythonValues(ctx, call, handedNames)) {
          unfixed = true;
          continue;
        }
        const args = positionalArgs(call, d.params.length);
        // The native function is already applied to the same column beside it: a comparison, not a missed rewrite.
        if (args && nativeTwinBeside(ctx, call, t, args)) continue;
        const replacement =
          args &&
          renderCall(
            t,
            imports.functions,
            args,
            args.map((a) => columnTypeAt(ctx, call, a)),
          );
        if (!replacement) {
          unfixed = true;
          continue;
        }
        const fix: Fix = {
          title:
            `Replace with ${replacement.length > 60 ? replacement.slice(0, 57) + '...' : replacement}` +
            (t.exact ? '' : ' (trims spaces only, not tabs/newlines)'),
          edits: [...imports.edits, { start: call.startIndex, end: call.endIndex, newText: replacement }],
          // Where the UDF raised on None the function returns null, and the column takes the
          // function's type rather than the UDF's returnType.
          applicability: 'unsafe',
          reason: t.exact ? 'nulls and the column type follow the Spark function' : 'strips spaces only; nulls and the column type follow the Spark function',
        };
        ctx.report({
          node: call,
          message:
            `${d.name ? `'${d.name}'` : 'This UDF'} ${why} ${replacement} does the same natively.` +
            (t.exact ? '' : ' Note that F.trim/ltrim/rtrim remove spaces only, while Python strip() also removes tabs and line breaks.'),
          fixes: [fix],
        });
      }
      if (unfixed) {
        ctx.report({
          node: d.at,
          message:
            `${d.name ? `The UDF '${d.name}'` : 'This UDF'} ${why} Use the equivalent function from pyspark.sql.functions instead` +
            (t.builtins.includes('len') ? ' (len: F.length for a string column, F.size for an array or map column).' : '.'),
        });
      }
    }
  },
};
