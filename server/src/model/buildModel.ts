import type { Node, Tree } from '../parsing/pythonParser';
import { syntaxRoot } from '../parsing/syntaxTree';
import { callParts, isExtra, stringParts, unwrapParens, type CallParts } from '../parsing/syntax';
import { sparkAttribute, sparkConstructorCall, sparkMethodCall } from '../spark/calls';
import { SparkFunctions } from '../spark/functions';
import { batchFrame, isBatchFrameParameter } from '../spark/streaming';
import { recordImport } from '../spark/imports';
import { isSessionFactoryName, isSessionGlobal, isSessionParameterName, sessionReference, sparkSessionClassCall, usesNotebookSession } from '../spark/session';
import type { Interpreter } from './interpreter';
import type { DataFrameModel, Frame, ImportInfo, SourceInfo } from './types';
import { Scope, UNKNOWN, type Value } from './values';

/**
 * The Python interpreter that builds a file's DataFrame model: it walks statements and
 * expressions, keeps scopes, binds assignments, follows calls into module functions and loops,
 * and hands every attribute or call on a Spark value to the handlers of server/src/spark/.
 */

/** Recursion depth past which an expression is treated as unknown (the tree may be 50k deep). */
const MAX_DEPTH = 300;
/** Interpreter steps per file; past it the model is marked truncated and the rest is skipped. */
const MAX_STEPS = 3_000_000;
/** How deep calls into module functions are followed. */
const MAX_CALL_DEPTH = 6;
/** Alternative frames kept per name: enough to say a name stands for several, not to list every call. */
const MAX_FRAMES_PER_REF = 8;

export interface ModelOptions {
  /**
   * The file is a notebook (Jupyter or Databricks): the platform has imported PySpark and made
   * `spark` and `sqlContext` before the first cell runs.
   */
  notebook?: boolean;
}

interface FunctionContext {
  returns: Value[];
}

class ModelBuilder implements Interpreter {
  readonly model: DataFrameModel;
  readonly functions: SparkFunctions;
  private nextId = 1;
  private depth = 0;
  private steps = 0;
  private loopDepth = 0;
  private readonly loops: Node[] = [];
  private callDepth = 0;
  scope: Scope;
  private fnContext: FunctionContext | undefined;
  /** Functions defined but not yet analysed, per defining scope. */
  private readonly analysed = new Set<number>();
  private readonly callMemo = new Map<string, Value>();
  private readonly onStack = new Set<number>();

  constructor(
    root: Node,
    private readonly options: ModelOptions = {},
  ) {
    const imports: ImportInfo = {
      functionsAliases: new Set(),
      functionNames: new Set(),
      functionsStar: false,
      sqlNames: new Set(),
      usesPySpark: false,
      statements: [],
    };
    this.model = {
      frames: [],
      actions: [],
      sinks: [],
      transforms: [],
      aggregations: [],
      confSets: [],
      builders: [],
      imports,
      definitions: new Map(),
      frameRefs: new Map(),
      root,
      truncated: false,
    };
    this.scope = new Scope(root);
    this.functions = new SparkFunctions(imports, (name) => {
      const v = this.scope.lookup(name);
      return v !== undefined && v.k !== 'unknown';
    });
  }

  get notebook(): boolean {
    return !!this.options.notebook;
  }

  run(): void {
    this.collectImports(this.model.root);
    // A notebook that uses the platform's session runs with PySpark imported; a pandas-only notebook
    // (which may still mention `delta` or `.read`) is not treated as Spark code.
    if (this.options.notebook && usesNotebookSession(this.model.root.text)) this.model.imports.usesPySpark = true;
    this.block(this.model.root);
    this.analysePending(this.scope);
  }

  // ---------------------------------------------------------------- statements

  private tick(): boolean {
    if (++this.steps > MAX_STEPS) {
      this.model.truncated = true;
      return false;
    }
    return true;
  }

  private block(node: Node): void {
    for (const stmt of node.namedChildren) {
      if (!stmt || !this.tick()) return;
      this.statement(stmt);
    }
  }

  private statement(node: Node): void {
    if (this.depth > MAX_DEPTH) {
      this.model.truncated = true;
      return;
    }
    this.depth++;
    try {
      this.statementInner(node);
    } finally {
      this.depth--;
    }
  }

  private statementInner(node: Node): void {
    switch (node.type) {
      case 'expression_statement':
        for (const c of node.namedChildren) if (c) this.expr(c, node);
        return;
      case 'function_definition':
        this.defineFunction(node);
        return;
      case 'decorated_definition': {
        const def = node.childForFieldName('definition');
        if (def) this.statement(def);
        return;
      }
      case 'class_definition': {
        const body = node.childForFieldName('body');
        if (!body) return;
        const outer = this.scope;
        this.scope = new Scope(node, outer);
        try {
          this.block(body);
          this.analysePending(this.scope);
        } finally {
          this.scope = outer;
        }
        return;
      }
      case 'return_statement': {
        const value = node.namedChildren[0];
        const v = value ? this.expr(value) : UNKNOWN;
        this.fnContext?.returns.push(v);
        return;
      }
      case 'for_statement': {
        const right = node.childForFieldName('right');
        if (right) this.expr(right);
        const left = node.childForFieldName('left');
        if (left) this.bind(left, UNKNOWN);
        this.loop(node.childForFieldName('body'));
        const alt = node.childForFieldName('alternative');
        if (alt) this.generic(alt);
        return;
      }
      case 'while_statement': {
        const cond = node.childForFieldName('condition');
        if (cond) this.expr(cond);
        this.loop(node.childForFieldName('body'));
        const alt = node.childForFieldName('alternative');
        if (alt) this.generic(alt);
        return;
      }
      case 'import_statement':
      case 'import_from_statement':
      case 'future_import_statement':
        return;
      case 'block':
        this.block(node);
        return;
      default:
        this.generic(node);
    }
  }

  private loop(body: Node | null): void {
    if (!body || !body.parent) return;
    this.loopDepth++;
    this.loops.push(body.parent);
    try {
      this.block(body);
    } finally {
      this.loopDepth--;
      this.loops.pop();
    }
  }

  currentLoop(): Node | undefined {
    return this.loopDepth > 0 ? this.loops[this.loops.length - 1] : undefined;
  }

  inLoop(): boolean {
    return this.loopDepth > 0;
  }

  /** Any other compound statement: evaluate its expressions, walk its blocks. */
  private generic(node: Node): void {
    for (const c of node.namedChildren) {
      if (!c) continue;
      if (c.type === 'block') this.block(c);
      else if (isExtra(c)) continue;
      else if (isStatementLike(c)) this.statement(c);
      else if (c.type === 'as_pattern') {
        const v = c.namedChildren[0] ? this.expr(c.namedChildren[0]) : UNKNOWN;
        const target = c.childForFieldName('alias');
        if (target) this.bind(target, v);
      } else this.expr(c);
    }
  }

  private defineFunction(node: Node): void {
    const name = node.childForFieldName('name');
    if (!name) return;
    this.scope.vars.set(name.text, { k: 'function', def: node, closure: this.scope });
  }

  /** Functions never called from analysed code are analysed once with unknown parameters. */
  private analysePending(scope: Scope): void {
    for (const v of scope.vars.values()) {
      if (v.k === 'function' && !this.analysed.has(v.def.id)) this.callFunction(v.def, v.closure, [], new Map(), true);
    }
  }

  // ---------------------------------------------------------------- binding

  bind(target: Node, v: Value, statement?: Node): void {
    const t = unwrapParens(target);
    if (t.type === 'identifier') {
      this.scope.vars.set(t.text, v);
      if (v.k === 'frame') this.noteFrameRef(t, v.frame);
      if (v.k === 'frame' && statement && !this.model.definitions.has(v.frame.id)) {
        this.model.definitions.set(v.frame.id, { name: t.text, statement });
      }
      return;
    }
    if (t.type === 'pattern_list' || t.type === 'tuple_pattern' || t.type === 'tuple' || t.type === 'list_pattern' || t.type === 'list') {
      const items = t.namedChildren.filter((c): c is Node => !!c && !isExtra(c));
      const values = v.k === 'list' && v.items.length === items.length ? v.items : undefined;
      items.forEach((c, i) => this.bind(c, values ? values[i] : UNKNOWN));
    }
  }

  /** A name that stands for `frame` here; a function analysed for several calls may give it several frames. */
  private noteFrameRef(name: Node, frame: Frame): void {
    const ref = this.model.frameRefs.get(name.startIndex);
    if (!ref) {
      this.model.frameRefs.set(name.startIndex, { start: name.startIndex, end: name.endIndex, frame });
    } else if (ref.frame !== frame && !ref.others?.includes(frame) && (ref.others?.length ?? 0) < MAX_FRAMES_PER_REF) {
      (ref.others ??= []).push(frame);
    }
  }

  // ---------------------------------------------------------------- expressions

  expr(node: Node, statement?: Node): Value {
    if (this.depth > MAX_DEPTH || !this.tick()) {
      this.model.truncated = true;
      return UNKNOWN;
    }
    this.depth++;
    try {
      return this.exprInner(node, statement);
    } finally {
      this.depth--;
    }
  }

  private exprInner(node: Node, statement?: Node): Value {
    switch (node.type) {
      case 'identifier': {
        const v = this.scope.lookup(node.text);
        if (v?.k === 'frame') this.noteFrameRef(node, v.frame);
        // `spark = start_session(cfg)` from a helper the interpreter cannot follow is still the session.
        if (v && !(v.k === 'unknown' && isSessionGlobal(node.text, this.notebook))) return v;
        if (isSessionGlobal(node.text, this.notebook)) return { k: 'session' };
        return UNKNOWN;
      }
      case 'parenthesized_expression': {
        const inner = node.namedChildren.find((c) => c && !isExtra(c));
        return inner ? this.expr(inner, statement) : UNKNOWN;
      }
      case 'assignment': {
        const right = node.childForFieldName('right');
        const left = node.childForFieldName('left');
        const v = right ? this.expr(right, statement) : UNKNOWN;
        if (left) this.bind(left, v, statement);
        return v;
      }
      case 'augmented_assignment': {
        const right = node.childForFieldName('right');
        if (right) this.expr(right);
        const left = node.childForFieldName('left');
        if (left && left.type === 'identifier') {
          const prev = this.scope.lookup(left.text);
          const r = right ? this.constant(right) : undefined;
          if (prev?.k === 'string' && r !== undefined)
            this.scope.vars.set(left.text, { k: 'string', value: prev.value + r.value, exact: prev.exact && r.exact });
          else this.scope.vars.set(left.text, UNKNOWN);
        }
        return UNKNOWN;
      }
      case 'string':
      case 'concatenated_string':
        return this.stringValue(node);
      case 'integer': {
        const n = Number(node.text.replace(/_/g, ''));
        return Number.isFinite(n) ? { k: 'number', value: n } : UNKNOWN;
      }
      case 'list':
      case 'tuple':
        return { k: 'list', items: node.namedChildren.filter((c): c is Node => !!c && !isExtra(c)).map((c) => this.expr(c)) };
      case 'binary_operator': {
        const l = node.childForFieldName('left');
        const r = node.childForFieldName('right');
        const op = node.childForFieldName('operator')?.text;
        const lv = l ? this.expr(l) : UNKNOWN;
        const rv = r ? this.expr(r) : UNKNOWN;
        if (op === '+' && lv.k === 'string' && rv.k === 'string') return { k: 'string', value: lv.value + rv.value, exact: lv.exact && rv.exact, node };
        if (op === '+' && lv.k === 'list' && rv.k === 'list') return { k: 'list', items: [...lv.items, ...rv.items] };
        return UNKNOWN;
      }
      case 'call':
        return this.call(node);
      case 'attribute':
        return this.attribute(node);
      case 'lambda':
        return UNKNOWN;
      default:
        for (const c of node.namedChildren) if (c && !isExtra(c)) this.expr(c);
        return UNKNOWN;
    }
  }

  private constant(node: Node): { value: string; exact: boolean } | undefined {
    const v = this.expr(node);
    return v.k === 'string' ? v : undefined;
  }

  private stringValue(node: Node): Value {
    if (node.type === 'concatenated_string') {
      let value = '';
      let exact = true;
      for (const part of node.namedChildren) {
        if (!part || isExtra(part)) continue;
        const v = this.stringValue(part);
        if (v.k !== 'string') return UNKNOWN;
        value += v.value;
        exact &&= v.exact;
      }
      return { k: 'string', value, exact, node };
    }
    let value = '';
    let exact = true;
    for (const p of stringParts(node)) {
      if (typeof p === 'string') {
        value += p;
        continue;
      }
      // An f-string interpolation: resolve module constants, keep `{name}` otherwise.
      const inner = p.namedChildren.find((c) => c && c.type !== 'format_specifier' && c.type !== 'type_conversion');
      const v = inner ? this.expr(inner) : UNKNOWN;
      if (v.k === 'string') {
        value += v.value;
        exact &&= v.exact;
      } else if (v.k === 'number') value += String(v.value);
      else {
        value += `{${inner?.text ?? ''}}`;
        exact = false;
      }
    }
    return { k: 'string', value, exact, node };
  }

  private attribute(node: Node): Value {
    const objNode = node.childForFieldName('object');
    const attr = node.childForFieldName('attribute')?.text;
    if (!objNode || !attr) return UNKNOWN;
    const session = sessionReference(this, objNode, attr);
    if (session) return session;
    return sparkAttribute(node, objNode, this.expr(objNode), attr);
  }

  // ---------------------------------------------------------------- calls

  private args(parts: CallParts): { pos: Value[]; kw: Map<string, Value> } {
    const pos: Value[] = [];
    const kw = new Map<string, Value>();
    for (const a of parts.args) {
      if (a.type === 'list_splat' || a.type === 'dictionary_splat') {
        const inner = a.namedChildren[0];
        const v = inner ? this.expr(inner) : UNKNOWN;
        if (a.type === 'list_splat' && v.k === 'list') pos.push(...v.items);
        else pos.push(UNKNOWN);
      } else pos.push(this.expr(a));
    }
    for (const [k, v] of parts.keywords) kw.set(k, this.expr(v));
    return { pos, kw };
  }

  private call(node: Node): Value {
    const parts = callParts(node);
    if (!parts) {
      for (const c of node.namedChildren) if (c) this.expr(c);
      return UNKNOWN;
    }
    if (!parts.object) {
      const { pos, kw } = this.args(parts);
      return this.plainCall(parts, pos, kw);
    }
    // Method call: the receiver first (it may be a chain), then the arguments.
    const obj = parts.object.type === 'identifier' && parts.object.text === 'SparkSession' ? sparkSessionClassCall(parts.name) : this.expr(parts.object);
    const { pos, kw } = this.args(parts);
    return sparkMethodCall(this, node, parts, obj, parts.name!, pos, kw);
  }

  /** A call by name: a module function, a Spark constructor, or a builtin that hands its argument on. */
  private plainCall(parts: CallParts, pos: Value[], kw: Map<string, Value>): Value {
    const name = parts.name;
    if (!name) {
      this.expr(parts.callee);
      return UNKNOWN;
    }
    const local = this.scope.lookup(name);
    if (local?.k === 'function') return this.callFunction(local.def, local.closure, pos, kw, false);
    const spark = sparkConstructorCall(name, parts, pos);
    if (spark) return spark;
    if (isSessionFactoryName(name)) return { k: 'session' };
    if (name === 'str' || name === 'os.path.join') return pos[0]?.k === 'string' ? pos[0] : UNKNOWN;
    return UNKNOWN;
  }

  callFunction(def: Node, closure: Scope, pos: Value[], kw: Map<string, Value>, pending: boolean): Value {
    const key = `${def.id}:${pos.map(valueKey).join(',')}:${[...kw].map(([k, v]) => `${k}=${valueKey(v)}`).join(',')}`;
    const memo = this.callMemo.get(key);
    if (memo) return memo;
    if (this.onStack.has(def.id) || this.callDepth >= MAX_CALL_DEPTH) return UNKNOWN;
    if (!pending && pos.every((v) => v.k === 'unknown') && kw.size === 0 && this.analysed.has(def.id)) return UNKNOWN;
    this.analysed.add(def.id);
    const body = def.childForFieldName('body');
    const params = def.childForFieldName('parameters');
    const outerScope = this.scope;
    const outerCtx = this.fnContext;
    const outerLoop = this.loopDepth;
    const scope = new Scope(def, closure);
    this.bindParameters(scope, params, pos, kw);
    this.scope = scope;
    this.fnContext = { returns: [] };
    this.loopDepth = 0;
    this.onStack.add(def.id);
    this.callDepth++;
    this.callMemo.set(key, UNKNOWN);
    let result: Value = UNKNOWN;
    try {
      if (body) {
        this.block(body);
        this.analysePending(scope);
      }
      const returns = this.fnContext.returns;
      if (returns.length > 0) {
        const frames = returns.filter((r) => r.k === 'frame');
        result = frames.length === returns.length ? frames[frames.length - 1] : returns.length === 1 ? returns[0] : UNKNOWN;
      }
    } finally {
      this.callDepth--;
      this.onStack.delete(def.id);
      this.scope = outerScope;
      this.fnContext = outerCtx;
      this.loopDepth = outerLoop;
    }
    this.callMemo.set(key, result);
    return result;
  }

  private bindParameters(scope: Scope, params: Node | null, pos: Value[], kw: Map<string, Value>): void {
    if (!params) return;
    let i = 0;
    for (const p of params.namedChildren) {
      if (!p) continue;
      let nameNode: Node | null = null;
      let defaultNode: Node | null = null;
      if (p.type === 'identifier') nameNode = p;
      else if (p.type === 'typed_parameter') nameNode = p.namedChildren.find((c) => c?.type === 'identifier') ?? null;
      else if (p.type === 'default_parameter' || p.type === 'typed_default_parameter') {
        nameNode = p.childForFieldName('name');
        defaultNode = p.childForFieldName('value');
      } else continue;
      if (!nameNode) continue;
      const name = nameNode.text;
      let v = kw.get(name) ?? pos[i];
      if (!v && defaultNode) {
        const saved = this.scope;
        this.scope = scope.parent ?? scope;
        v = this.expr(defaultNode);
        this.scope = saved;
      }
      if (!v || v.k === 'unknown') v = this.parameterByConvention(name, p, scope.node);
      scope.vars.set(name, v);
      i++;
    }
  }

  /** An unbound parameter: `spark` (or annotated SparkSession) is the session; `df: DataFrame` an opaque frame. */
  private parameterByConvention(name: string, param: Node, def: Node): Value {
    const annotation = param.childForFieldName('type')?.text.replace(/^["']|["']$/g, '') ?? '';
    if (isSessionParameterName(name) || /(^|\.)SparkSession$/.test(annotation)) return { k: 'session' };
    // `def upsert(batch_df, epoch_id)`: a foreachBatch function whose caller the model does not see.
    if (isBatchFrameParameter(def, param)) return { k: 'frame', frame: batchFrame(this, param, def) };
    if (/(^|\.)DataFrame$/.test(annotation) && !/pandas|pd\./.test(annotation)) {
      const frame: Frame = {
        id: this.nextId++,
        node: param,
        op: 'parameter',
        parents: [],
        streaming: undefined,
        columns: new Map(),
        columnsComplete: false,
        bounded: false,
        scope: this.scope.node,
      };
      this.model.frames.push(frame);
      return { k: 'frame', frame };
    }
    return UNKNOWN;
  }

  source(node: Node, op: string, source: SourceInfo): Frame {
    const frame: Frame = {
      id: this.nextId++,
      node,
      op,
      parents: [],
      streaming: source.streaming,
      source,
      columns: new Map(),
      columnsComplete: false,
      bounded: false,
      scope: this.scope.node,
    };
    this.model.frames.push(frame);
    return frame;
  }

  derive(parent: Frame, node: Node, op: string, changes: Partial<Frame>, extraParents: Frame[] = []): Frame {
    const frame: Frame = {
      id: this.nextId++,
      node,
      op,
      parents: [parent, ...extraParents],
      streaming: extraParents.reduce<boolean | undefined>((s, p) => s || p.streaming, parent.streaming),
      watermark: parent.watermark,
      cached: parent.cached,
      columns: parent.columns,
      columnsComplete: parent.columnsComplete,
      singlePartition: parent.singlePartition,
      bounded: parent.bounded,
      scope: this.scope.node,
      ...changes,
    };
    this.model.frames.push(frame);
    return frame;
  }

  // ---------------------------------------------------------------- imports

  private collectImports(root: Node): void {
    const imports = this.model.imports;
    const visit = (node: Node, depth: number, topLevel: boolean): void => {
      if (depth > 50) return;
      for (const c of node.namedChildren) {
        if (!c) continue;
        if (c.type === 'import_statement' || c.type === 'import_from_statement' || c.type === 'future_import_statement') {
          if (topLevel) imports.statements.push(c);
          recordImport(c, imports);
        } else if (
          c.type === 'block' ||
          c.type === 'function_definition' ||
          c.type === 'if_statement' ||
          c.type === 'try_statement' ||
          c.type === 'decorated_definition' ||
          c.type === 'class_definition'
        ) {
          visit(c, depth + 1, false);
        }
      }
    };
    visit(root, 0, true);
  }
}

function isStatementLike(node: Node): boolean {
  return node.type.endsWith('_statement') || node.type.endsWith('_definition') || node.type.endsWith('_clause') || node.type === 'decorated_definition';
}

function valueKey(v: Value): string {
  switch (v.k) {
    case 'frame':
      return `f${v.frame.id}`;
    case 'string':
      return `s${v.value.length}:${v.value}`;
    default:
      return v.k;
  }
}

export interface BuiltModel {
  model: DataFrameModel;
  functions: SparkFunctions;
}

export function buildModel(tree: Tree, text: string, options: ModelOptions = {}): BuiltModel {
  const builder = new ModelBuilder(syntaxRoot(tree, text), options);
  builder.run();
  return { model: builder.model, functions: builder.functions };
}
