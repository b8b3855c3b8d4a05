import type { Node, Tree } from '../parsing/pythonParser';
import { syntaxRoot } from '../parsing/syntaxTree';
import { callParts, isExtra, literalString, sameNode, stringParts, unwrapParens, type CallParts } from '../parsing/syntax';
import { OptionMap } from './optionMap';
import { SparkFunctions } from './sparkFunctions';
import type { ColumnInfo, ConfSetInfo, DataFrameModel, Frame, ImportInfo, SinkInfo, SourceInfo } from './types';
import { Scope, UNKNOWN, exactStringOf, stringOf, stringsOf, type ReaderValue, type Value, type WriterValue } from './values';

/** Recursion depth past which an expression is treated as unknown (the tree may be 50k deep). */
const MAX_DEPTH = 300;
/** Interpreter steps per file; past it the model is marked truncated and the rest is skipped. */
const MAX_STEPS = 3_000_000;
/** How deep calls into module functions are followed. */
const MAX_CALL_DEPTH = 6;
/** Alternative frames kept per name: enough to say a name stands for several, not to list every call. */
const MAX_FRAMES_PER_REF = 8;

const ACTIONS = new Set([
  'count', 'collect', 'first', 'take', 'head', 'show', 'toPandas', 'foreach', 'foreachPartition',
  'isEmpty', 'toLocalIterator', 'tail',
]);
/** Transformations that keep partitioning (no shuffle). */
const NARROW = new Set([
  'filter', 'where', 'alias', 'hint', 'sample', 'observe', 'localCheckpoint', 'checkpoint',
  'unpersist', 'sortWithinPartitions', 'fillna', 'dropna', 'replace', 'withMetadata', 'to',
  'transform', 'withWatermark', 'cache', 'persist', 'dropDuplicatesWithinWatermark',
]);
const SHUFFLE = new Set([
  'distinct', 'dropDuplicates', 'drop_duplicates', 'orderBy', 'sort', 'repartitionByRange',
  'intersect', 'intersectAll', 'exceptAll', 'subtract', 'crossJoin',
]);
const COLUMN_CHANGING = new Set(['select', 'selectExpr', 'withColumn', 'withColumns', 'withColumnRenamed', 'withColumnsRenamed', 'drop', 'toDF', 'unpivot', 'melt']);
const UNIONS = new Set(['union', 'unionAll', 'unionByName']);
const GROUPERS = new Set(['groupBy', 'groupby', 'rollup', 'cube', 'groupingSets']);
const GROUPED_AGGS = new Set(['agg', 'count', 'sum', 'avg', 'mean', 'max', 'min', 'applyInPandas', 'apply', 'applyInPandasWithState', 'flatMapGroupsWithState']);
const READER_TERMINALS = new Set(['load', 'parquet', 'json', 'csv', 'orc', 'text', 'table', 'jdbc', 'delta', 'xml', 'avro', 'textFile', 'changes']);
// `table` ends a Databricks streaming writer (`writeStream...table("name")`, the name before `toTable`).
const WRITER_TERMINALS = new Set(['save', 'saveAsTable', 'insertInto', 'parquet', 'json', 'csv', 'orc', 'text', 'jdbc', 'start', 'toTable', 'table', 'delta', 'xml', 'avro']);
const FORMAT_METHODS = new Set(['parquet', 'json', 'csv', 'orc', 'text', 'jdbc', 'delta', 'xml', 'avro', 'textFile']);

export interface ModelOptions {
  /**
   * The file is a notebook (Jupyter or Databricks): the platform has imported PySpark and made
   * `spark` and `sqlContext` before the first cell runs.
   */
  notebook?: boolean;
}

/** Globals a notebook platform defines that stand for a session (Databricks, Synapse, pyspark shell kernels). */
const NOTEBOOK_SESSIONS = new Set(['spark', 'sqlContext']);

interface FunctionContext {
  returns: Value[];
}

class ModelBuilder {
  readonly model: DataFrameModel;
  private readonly fns: SparkFunctions;
  private nextId = 1;
  private depth = 0;
  private steps = 0;
  private loopDepth = 0;
  private readonly loops: Node[] = [];
  private callDepth = 0;
  private scope: Scope;
  private fnContext: FunctionContext | undefined;
  /** Functions defined but not yet analysed, per defining scope. */
  private readonly analysed = new Set<number>();
  private readonly callMemo = new Map<string, Value>();
  private readonly onStack = new Set<number>();

  constructor(root: Node, private readonly options: ModelOptions = {}) {
    const imports: ImportInfo = {
      functionsAliases: new Set(),
      functionNames: new Set(),
      functionsStar: false,
      sqlNames: new Set(),
      usesPySpark: false,
      statements: [],
    };
    this.model = {
      frames: [], actions: [], sinks: [], transforms: [], aggregations: [], confSets: [], builders: [], imports,
      definitions: new Map(), frameRefs: new Map(), root, truncated: false,
    };
    this.scope = new Scope(root);
    this.fns = new SparkFunctions(imports, (name) => {
      const v = this.scope.lookup(name);
      return v !== undefined && v.k !== 'unknown';
    });
  }

  get functions(): SparkFunctions {
    return this.fns;
  }

  run(): void {
    this.collectImports(this.model.root);
    // A notebook that uses the platform's session runs with PySpark imported; a pandas-only notebook
    // (which may still mention `delta` or `.read`) is not treated as Spark code.
    if (this.options.notebook && /\b(?:spark|sqlContext)\b/.test(this.model.root.text)) this.model.imports.usesPySpark = true;
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

  private currentLoop(): Node | undefined {
    return this.loopDepth > 0 ? this.loops[this.loops.length - 1] : undefined;
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

  private bind(target: Node, v: Value, statement?: Node): void {
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
        if (v) return v;
        if (node.text === 'spark' || (this.options.notebook && NOTEBOOK_SESSIONS.has(node.text))) return { k: 'session' };
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
          if (prev?.k === 'string' && r !== undefined) this.scope.vars.set(left.text, { k: 'string', value: prev.value + r.value, exact: prev.exact && r.exact });
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
        return this.call(node, statement);
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
    if (objNode.type === 'identifier' && objNode.text === 'SparkSession' && attr === 'builder') return { k: 'builder', configs: [] };
    // Sessions reached through an object: Glue's `glueContext.spark_session`, a job class's `self.spark`.
    if (this.model.imports.usesPySpark && (attr === 'spark_session' || (attr === 'spark' && objNode.type === 'identifier' && objNode.text === 'self'))) {
      return { k: 'session' };
    }
    const obj = this.expr(objNode);
    switch (obj.k) {
      case 'session':
        if (attr === 'read') return { k: 'reader', streaming: false, options: new OptionMap() };
        if (attr === 'readStream') return { k: 'reader', streaming: true, options: new OptionMap() };
        if (attr === 'conf') return { k: 'conf' };
        return UNKNOWN;
      case 'frame':
        if (attr === 'write' || attr === 'writeStream' || attr === 'writeTo') {
          return {
            k: 'writer', frame: obj.frame, streaming: attr === 'writeStream', writerNode: node.childForFieldName('attribute')!, receiver: objNode,
            options: new OptionMap(), partitionBy: [], foreachBatch: false,
          };
        }
        if (attr === 'na') return { k: 'na', frame: obj.frame };
        return UNKNOWN;
      default:
        return UNKNOWN;
    }
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

  private call(node: Node, statement?: Node): Value {
    const parts = callParts(node);
    if (!parts) {
      for (const c of node.namedChildren) if (c) this.expr(c);
      return UNKNOWN;
    }
    if (!parts.object) {
      const { pos, kw } = this.args(parts);
      return this.plainCall(node, parts, pos, kw);
    }
    // Method call: the receiver first (it may be a chain), then the arguments.
    const obj = parts.object.type === 'identifier' && parts.object.text === 'SparkSession'
      ? (parts.name === 'getActiveSession' || parts.name === 'active' ? ({ k: 'session' } as Value) : UNKNOWN)
      : this.expr(parts.object);
    const { pos, kw } = this.args(parts);
    const method = parts.name!;
    // `F.broadcast(df)` is a join hint: the same data, so the same frame (and its lineage).
    if (method === 'broadcast' && pos[0]?.k === 'frame' && parts.object.type === 'identifier' && this.model.imports.functionsAliases.has(parts.object.text)) return pos[0];
    switch (obj.k) {
      case 'session':
        return this.sessionCall(node, parts, method, pos, kw);
      case 'conf':
        if (method === 'set' && parts.args[0]) {
          this.model.confSets.push({ key: exactStringOf(pos[0]), keyNode: parts.args[0], valueNode: parts.args[1], call: node, via: 'conf.set' });
        }
        return UNKNOWN;
      case 'builder':
        return this.builderCall(node, parts, method, obj.configs, pos);
      case 'reader':
        return this.readerCall(node, parts, obj, method, pos, kw);
      case 'frame':
        return this.frameCall(node, parts, obj.frame, method, pos, kw, statement);
      case 'na':
        return { k: 'frame', frame: this.derive(obj.frame, node, method, {}) };
      case 'grouped':
        return this.groupedCall(node, obj, method, pos);
      case 'writer':
        return this.writerCall(node, parts, obj, method, pos, kw);
      case 'sparkConf':
        if ((method === 'set' || method === 'setIfMissing') && parts.args[0]) {
          this.model.confSets.push({ key: exactStringOf(pos[0]), keyNode: parts.args[0], valueNode: parts.args[1], call: node, via: 'sparkconf.set' });
        }
        return obj;
      case 'schema':
        if (method === 'add' && pos[0]?.k === 'string') {
          const type = sqlTypeName(parts.args[1]);
          const types = new Map(obj.types ?? []);
          if (type) types.set(pos[0].value, type);
          return { k: 'schema', columns: [...obj.columns, pos[0].value], types };
        }
        return UNKNOWN;
      default:
        return UNKNOWN;
    }
  }

  private plainCall(node: Node, parts: CallParts, pos: Value[], kw: Map<string, Value>): Value {
    const name = parts.name;
    if (!name) {
      this.expr(parts.callee);
      return UNKNOWN;
    }
    const local = this.scope.lookup(name);
    if (local?.k === 'function') return this.callFunction(local.def, local.closure, pos, kw, false);
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
      return { k: 'schema', columns: [] };
    }
    if (name === 'SparkConf') return { k: 'sparkConf' };
    // `from pyspark.sql.functions import broadcast`: a join hint, the same frame.
    if (name === 'broadcast' && pos[0]?.k === 'frame') return pos[0];
    if (name === 'StructField') {
      const n = exactStringOf(pos[0]);
      return n === undefined ? UNKNOWN : { k: 'field', name: n, type: sqlTypeName(parts.args[1] ?? parts.keywords.get('dataType')) };
    }
    if (name === 'str' || name === 'os.path.join') return pos[0]?.k === 'string' ? pos[0] : UNKNOWN;
    void node;
    return UNKNOWN;
  }

  private callFunction(def: Node, closure: Scope, pos: Value[], kw: Map<string, Value>, pending: boolean): Value {
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
      if (!v || v.k === 'unknown') v = this.parameterByConvention(name, p);
      scope.vars.set(name, v);
      i++;
    }
  }

  /** An unbound parameter: `spark` (or annotated SparkSession) is the session; `df: DataFrame` an opaque frame. */
  private parameterByConvention(name: string, param: Node): Value {
    const annotation = param.childForFieldName('type')?.text.replace(/^["']|["']$/g, '') ?? '';
    if (name === 'spark' || /(^|\.)SparkSession$/.test(annotation)) return { k: 'session' };
    if (/(^|\.)DataFrame$/.test(annotation) && !/pandas|pd\./.test(annotation)) {
      const frame: Frame = {
        id: this.nextId++, node: param, op: 'parameter', parents: [], streaming: undefined, columns: new Map(),
        columnsComplete: false, bounded: false, scope: this.scope.node,
      };
      this.model.frames.push(frame);
      return { k: 'frame', frame };
    }
    return UNKNOWN;
  }

  private sessionCall(node: Node, parts: CallParts, method: string, pos: Value[], kw: Map<string, Value>): Value {
    switch (method) {
      case 'table': {
        const table = stringOf(pos[0]);
        return { k: 'frame', frame: this.source(node, 'table', { kind: 'table', streaming: false, table, options: new OptionMap(), node }) };
      }
      case 'sql':
        return { k: 'frame', frame: this.source(node, 'sql', { kind: 'sql', streaming: false, options: new OptionMap(), node }) };
      case 'range': {
        const f = this.source(node, 'range', { kind: 'range', streaming: false, options: new OptionMap(), node });
        // spark.range(1000) for a demo; a computed or large end may be anything.
        const ends = pos.slice(0, 2).filter((v) => v !== undefined);
        f.bounded = ends.length > 0 && ends.every((v) => v.k === 'number' && v.value <= 1_000_000);
        f.columns.set('id', { name: 'id', node, masked: false });
        f.columnsComplete = true;
        return { k: 'frame', frame: f };
      }
      case 'createDataFrame':
        return { k: 'frame', frame: this.createDataFrame(node, parts, pos, kw) };
      case 'newSession':
        return { k: 'session' };
      default:
        return UNKNOWN;
    }
  }

  private createDataFrame(node: Node, parts: CallParts, pos: Value[], kw: Map<string, Value>): Frame {
    const f = this.source(node, 'createDataFrame', { kind: 'createDataFrame', streaming: false, options: new OptionMap(), node });
    const data = parts.args[0] ?? parts.keywords.get('data');
    const dataNode = data ? unwrapParens(data) : undefined;
    // Rows built on the driver (literals, a list, a pandas frame) fit on the driver by construction;
    // an RDD may not (`createDataFrame(rdd)`, `createDataFrame(lines.map(...))`).
    f.bounded = !!dataNode && !/rdd|\.(map|flatMap|filter|mapPartitions)\s*\(|textFile|wholeTextFiles/i.test(dataNode.text);
    const schema = pos[1] ?? kw.get('schema');
    let columns = schemaColumns(schema);
    if (!columns && dataNode?.type === 'list') {
      // A list of dict literals: their keys are the columns.
      const first = dataNode.namedChildren.find((c) => c && c.type === 'dictionary');
      if (first) {
        columns = [];
        for (const pair of first.namedChildren) {
          const k = pair?.type === 'pair' ? literalString(pair.childForFieldName('key')) : undefined;
          if (k !== undefined) columns.push(k);
        }
      }
    }
    if (columns) {
      const types = schemaTypes(schema);
      for (const c of columns) f.columns.set(c, { name: c, node: parts.args[1] ?? node, masked: false, type: types?.get(c) });
      f.columnsComplete = true;
    }
    return f;
  }

  private builderCall(node: Node, parts: CallParts, method: string, configs: ConfSetInfo[], pos: Value[]): Value {
    if (method === 'config' && parts.args[0]) {
      const next = [...configs, { key: exactStringOf(pos[0]), keyNode: parts.args[0], valueNode: parts.args[1], call: node, via: 'builder.config' as const }];
      this.model.confSets.push(next[next.length - 1]);
      return { k: 'builder', configs: next };
    }
    if (method === 'getOrCreate' || method === 'create') {
      this.model.builders.push({ terminal: node, terminalObject: parts.object!, configs });
      return { k: 'session' };
    }
    return { k: 'builder', configs };
  }

  private readerCall(node: Node, parts: CallParts, r: ReaderValue, method: string, pos: Value[], kw: Map<string, Value>): Value {
    switch (method) {
      case 'format':
        return { ...r, format: stringOf(pos[0]) };
      case 'option': {
        const k = stringOf(pos[0]);
        if (k === undefined) return r;
        const options = new OptionMap(r.options);
        options.set(k, optionValue(pos[1]));
        return { ...r, options };
      }
      case 'options': {
        const options = new OptionMap(r.options);
        for (const [k, v] of kw) options.set(k, optionValue(v));
        return { ...r, options, optionsUnknown: r.optionsUnknown || parts.args.length > 0 };
      }
      case 'schema':
        return { ...r, schemaColumns: schemaColumns(pos[0]), schemaTypes: schemaTypes(pos[0]), schemaGiven: true };
    }
    if (!READER_TERMINALS.has(method)) return UNKNOWN;
    const format = FORMAT_METHODS.has(method) ? method : (stringOf(kw.get('format')) ?? r.format);
    const options = new OptionMap(r.options);
    for (const [k, v] of kw) if (k !== 'format' && k !== 'schema' && k !== 'path') options.set(k, optionValue(v));
    const target = stringOf(pos[0] ?? kw.get('path'));
    const isTable = method === 'table';
    const f = this.source(node, method, {
      kind: isTable ? 'table' : 'read', streaming: r.streaming, format, options, node,
      path: isTable ? undefined : target ?? options.get('path'), table: isTable ? target : undefined,
      schemaGiven: !!r.schemaGiven || kw.has('schema'),
      optionsUnknown: r.optionsUnknown || parts.args.some((a) => a.type === 'dictionary_splat'),
    });
    const cols = r.schemaColumns ?? schemaColumns(kw.get('schema'));
    const types = r.schemaColumns ? r.schemaTypes : schemaTypes(kw.get('schema'));
    if (cols) {
      for (const c of cols) f.columns.set(c, { name: c, node, masked: false, type: types?.get(c) });
      f.columnsComplete = true;
    } else if (format === 'kafka') {
      for (const c of ['key', 'value', 'topic', 'partition', 'offset', 'timestamp', 'timestampType']) f.columns.set(c, { name: c, node, masked: false });
      f.columnsComplete = true;
    }
    return { k: 'frame', frame: f };
  }

  private source(node: Node, op: string, source: SourceInfo): Frame {
    const frame: Frame = {
      id: this.nextId++, node, op, parents: [], streaming: source.streaming, source, columns: new Map(),
      columnsComplete: false, bounded: false, scope: this.scope.node,
    };
    this.model.frames.push(frame);
    return frame;
  }

  private derive(parent: Frame, node: Node, op: string, changes: Partial<Frame>, extraParents: Frame[] = []): Frame {
    const frame: Frame = {
      id: this.nextId++, node, op, parents: [parent, ...extraParents],
      streaming: extraParents.reduce<boolean | undefined>((s, p) => s || p.streaming, parent.streaming),
      watermark: parent.watermark, cached: parent.cached, columns: parent.columns, columnsComplete: parent.columnsComplete,
      singlePartition: parent.singlePartition, bounded: parent.bounded, scope: this.scope.node,
      ...changes,
    };
    this.model.frames.push(frame);
    return frame;
  }

  private frameCall(node: Node, parts: CallParts, frame: Frame, method: string, pos: Value[], kw: Map<string, Value>, statement?: Node): Value {
    if (ACTIONS.has(method)) {
      this.model.actions.push({ method, frame, call: node, receiver: parts.object!, scope: this.scope.node, inLoop: this.loopDepth > 0, loop: this.currentLoop() });
      return { k: 'action', method };
    }
    if (parts.nameNode) {
      this.model.transforms.push({ method, frame, call: node, methodNode: parts.nameNode, receiver: parts.object!, scope: this.scope.node, loop: this.currentLoop() });
    }
    if (GROUPERS.has(method)) {
      const keys: string[] = [];
      let complete = true;
      let windowColumn: string | undefined;
      let windowNode: Node | undefined;
      for (let i = 0; i < parts.args.length; i++) {
        const a = parts.args[i];
        const w = this.fns.windowColumn(a);
        if (w) {
          windowColumn ??= w.column;
          windowNode ??= w.node;
          keys.push('window');
          continue;
        }
        const names = stringsOf(pos[i]) ?? (this.fns.columnRef(a) !== undefined ? [this.fns.columnRef(a)!] : undefined) ?? this.frameAttribute(a);
        if (names) keys.push(...names);
        else complete = false;
      }
      return { k: 'grouped', frame, call: node, methodNode: parts.nameNode!, receiver: parts.object!, keys: complete ? keys : undefined, windowColumn, windowNode };
    }
    if (method === 'writeTo') {
      return {
        k: 'writer', frame, streaming: false, writerNode: parts.nameNode!, receiver: parts.object!, options: new OptionMap(), partitionBy: [],
        foreachBatch: false, v2Table: stringOf(pos[0]) ?? '',
      };
    }
    if (method === 'write') return UNKNOWN;
    if (method === 'withWatermark') {
      return { k: 'frame', frame: this.derive(frame, node, method, { watermark: { column: stringOf(pos[0]), node } }) };
    }
    if (method === 'cache' || method === 'persist') {
      const cached: Value = { k: 'frame', frame: this.derive(frame, node, method, { cached: node }) };
      // `df.cache()` on a line of its own caches df itself (cache returns the same DataFrame).
      const receiver = parts.object ? unwrapParens(parts.object) : undefined;
      if (node.parent?.type === 'expression_statement' && receiver?.type === 'identifier') this.bind(receiver, cached);
      return cached;
    }
    if (method === 'unpersist') return { k: 'frame', frame: this.derive(frame, node, method, { cached: undefined }) };
    if (method === 'limit' || method === 'tail' || method === 'offset') {
      return { k: 'frame', frame: this.derive(frame, node, method, { bounded: method === 'limit' ? true : frame.bounded }) };
    }
    if (method === 'agg') {
      return { k: 'frame', frame: this.derive(frame, node, method, { bounded: true, singlePartition: undefined, ...this.aggColumns([], parts) }) };
    }
    if (method === 'coalesce' || method === 'repartition') {
      const n = pos[0]?.k === 'number' ? pos[0].value : undefined;
      const single = n === 1 ? node : undefined;
      return { k: 'frame', frame: this.derive(frame, node, method, { singlePartition: single ?? (method === 'repartition' ? undefined : frame.singlePartition) }) };
    }
    if (method === 'join' || UNIONS.has(method) || method === 'crossJoin') {
      const other = pos[0]?.k === 'frame' ? pos[0].frame : undefined;
      const extra = other ? [other] : [];
      // Semi and anti joins keep only the left side's columns: the right side filters rows.
      const how = method === 'join' ? stringOf(pos[2] ?? kw.get('how'))?.toLowerCase().replace(/_/g, '') : undefined;
      const leftOnly = how === 'semi' || how === 'leftsemi' || how === 'anti' || how === 'leftanti';
      const columns = new Map(frame.columns);
      if (other && !leftOnly) for (const [k, c] of other.columns) if (!columns.has(k)) columns.set(k, c);
      const result = this.derive(frame, node, method, {
        columns, columnsComplete: frame.columnsComplete && (leftOnly || !!other?.columnsComplete), singlePartition: undefined,
        bounded: frame.bounded && !!other?.bounded, watermark: frame.watermark ?? other?.watermark,
      }, extra);
      if (method === 'join' && other && frame.streaming && other.streaming) {
        this.model.aggregations.push({
          kind: 'join', input: frame, other, call: node, methodNode: parts.nameNode!, receiver: parts.object!,
          joinCondition: parts.args[1] ?? parts.keywords.get('on'), joinHow: stringOf(pos[2] ?? kw.get('how')),
        });
      }
      return { k: 'frame', frame: result };
    }
    if (SHUFFLE.has(method)) return { k: 'frame', frame: this.derive(frame, node, method, { singlePartition: undefined }) };
    if (method === 'transform') {
      const fn = pos[0];
      if (fn?.k === 'function') return this.callFunction(fn.def, fn.closure, [{ k: 'frame', frame }, ...pos.slice(1)], kw, false);
      return { k: 'frame', frame: this.derive(frame, node, method, { columnsComplete: false }) };
    }
    if (COLUMN_CHANGING.has(method)) return { k: 'frame', frame: this.derive(frame, node, method, this.columnChange(frame, method, parts, pos, kw)) };
    if (NARROW.has(method)) return { k: 'frame', frame: this.derive(frame, node, method, {}) };
    if (method === 'createOrReplaceTempView' || method === 'createTempView' || method === 'createOrReplaceGlobalTempView') return UNKNOWN;
    void statement;
    return UNKNOWN;
  }

  /** `df.country` where `df` is a frame: the column `country`. */
  private frameAttribute(node: Node): string[] | undefined {
    const n = unwrapParens(node);
    if (n.type !== 'attribute') return undefined;
    const obj = n.childForFieldName('object');
    const attr = n.childForFieldName('attribute');
    if (obj?.type !== 'identifier' || !attr || this.scope.lookup(obj.text)?.k !== 'frame') return undefined;
    return [attr.text];
  }

  private columnChange(frame: Frame, method: string, parts: CallParts, pos: Value[], kw: Map<string, Value>): Partial<Frame> {
    const columns = new Map(frame.columns);
    let complete = frame.columnsComplete;
    switch (method) {
      case 'withColumn': {
        const name = exactStringOf(pos[0]);
        const expr = parts.args[1];
        if (name !== undefined && expr) columns.set(name, this.columnFrom(name, expr, parts.args[0]));
        break;
      }
      case 'withColumns': {
        const dict = parts.args[0] ? unwrapParens(parts.args[0]) : undefined;
        if (dict?.type === 'dictionary') {
          for (const pair of dict.namedChildren) {
            if (pair?.type !== 'pair') continue;
            const k = literalString(pair.childForFieldName('key'));
            const v = pair.childForFieldName('value');
            if (k !== undefined && v) columns.set(k, this.columnFrom(k, v, pair));
            else complete = false;
          }
        } else complete = false;
        break;
      }
      case 'withColumnRenamed': {
        const from = exactStringOf(pos[0]);
        const to = exactStringOf(pos[1]);
        if (from !== undefined && to !== undefined) {
          const c = columns.get(from);
          columns.delete(from);
          columns.set(to, { name: to, node: parts.args[1], masked: c?.masked ?? false, maskedCopyOf: c?.maskedCopyOf });
        }
        break;
      }
      case 'drop': {
        for (let i = 0; i < pos.length; i++) {
          const names = stringsOf(pos[i]) ?? (parts.args[i] && this.fns.columnRef(parts.args[i]) !== undefined ? [this.fns.columnRef(parts.args[i])!] : undefined);
          for (const n of names ?? []) columns.delete(n);
        }
        break;
      }
      case 'select':
      case 'toDF':
      case 'selectExpr': {
        const out = new Map<string, ColumnInfo>();
        complete = true;
        for (let i = 0; i < parts.args.length; i++) {
          const a = parts.args[i];
          const strs = a.type === 'list_splat' ? stringsOf(this.scope.lookup(a.namedChildren[0]?.text ?? '')) : stringsOf(pos[i]);
          if (strs && method !== 'selectExpr') {
            for (const s of strs) this.selectString(s, a, frame, out, () => (complete = false));
            continue;
          }
          if (method === 'selectExpr') {
            const s = literalString(a);
            const m = s !== undefined ? /^\s*(?:.*\s+(?:as|AS)\s+)?`?([A-Za-z_][A-Za-z0-9_]*)`?\s*$/.exec(s) : null;
            if (m && s !== undefined) {
              const isPlain = /^\s*`?[A-Za-z_][A-Za-z0-9_]*`?\s*$/.test(s);
              const existing = frame.columns.get(m[1]);
              out.set(m[1], isPlain && existing ? existing : { name: m[1], node: a, masked: MASKING_SQL.test(s) });
            } else complete = false;
            continue;
          }
          const alias = this.fns.aliasOf(a);
          if (alias) {
            out.set(alias.name, this.columnFrom(alias.name, alias.inner, a));
            continue;
          }
          const ref = this.fns.columnRef(a);
          if (ref !== undefined) {
            this.selectString(ref, a, frame, out, () => (complete = false));
            continue;
          }
          complete = false;
        }
        if (method === 'toDF' && parts.args.length === 0) return {};
        return { columns: out, columnsComplete: complete };
      }
      default:
        complete = false;
    }
    void kw;
    return { columns, columnsComplete: complete };
  }

  private selectString(s: string, node: Node, frame: Frame, out: Map<string, ColumnInfo>, incomplete: () => void): void {
    if (s === '*') {
      for (const [k, c] of frame.columns) out.set(k, c);
      if (!frame.columnsComplete) incomplete();
      return;
    }
    const star = /^([A-Za-z_][A-Za-z0-9_]*)\.\*$/.exec(s);
    if (star) {
      const struct = frame.columns.get(star[1]);
      if (struct?.fields) for (const f of struct.fields) out.set(f, { name: f, node, masked: false });
      else incomplete();
      return;
    }
    const name = s.includes('.') ? s.slice(s.lastIndexOf('.') + 1) : s;
    out.set(name, frame.columns.get(s) ?? { name, node, masked: false });
  }

  private columnFrom(name: string, expr: Node, at: Node): ColumnInfo {
    const masked = this.fns.isMasking(expr);
    const read = this.fns.firstColumnRead(expr);
    const info: ColumnInfo = { name, node: at, masked, type: expressionType(expr) };
    if (masked && read !== undefined && read !== name) info.maskedCopyOf = read;
    if (isBooleanExpression(expr)) info.boolean = true;
    // `from_json(col("value"), schema).alias("data")` followed by `select("data.*")`.
    const inner = unwrapParens(expr);
    if (inner.type === 'call' && this.fns.nameOf(inner) === 'from_json') {
      const p = callParts(inner);
      const schema = p?.args[1] ? this.scope.lookup(p.args[1].text) : undefined;
      const cols = schemaColumns(schema);
      if (cols) info.fields = cols;
    }
    return info;
  }

  private aggColumns(keys: string[], parts: CallParts): Partial<Frame> {
    const columns = new Map<string, ColumnInfo>();
    for (const k of keys) columns.set(k, { name: k, node: parts.callee, masked: false });
    let complete = true;
    for (const a of parts.args) {
      const alias = this.fns.aliasOf(a);
      if (!alias) {
        complete = false;
        continue;
      }
      // count/sum/avg reveal no individual value; first/max/collect_list hand the raw value on.
      const inner = unwrapParens(alias.inner);
      const fn = inner.type === 'call' ? this.fns.nameOf(inner) : undefined;
      const masked = (fn !== undefined && VALUE_HIDING_AGGREGATES.has(fn)) || this.fns.isMasking(alias.inner);
      columns.set(alias.name, { name: alias.name, node: a, masked });
    }
    return { columns, columnsComplete: complete };
  }

  private groupedCall(node: Node, g: Extract<Value, { k: 'grouped' }>, method: string, pos: Value[]): Value {
    if (method === 'pivot') return g;
    if (!GROUPED_AGGS.has(method)) return UNKNOWN;
    const parts = callParts(node)!;
    this.model.aggregations.push({
      kind: 'groupBy', input: g.frame, call: g.call, methodNode: g.methodNode, receiver: g.receiver,
      windowColumn: g.windowColumn, windowNode: g.windowNode, keys: g.keys, aggMethod: method,
    });
    const keys = g.keys ?? [];
    const cols = method === 'agg' ? this.aggColumns(keys, parts) : { columns: new Map(keys.map((k) => [k, { name: k, node: g.call, masked: false }] as const)), columnsComplete: false };
    void pos;
    return {
      k: 'frame',
      frame: this.derive(g.frame, node, 'aggregate', {
        ...cols, singlePartition: undefined, bounded: g.frame.bounded || (g.keys !== undefined && g.keys.length === 0),
      }),
    };
  }

  private writerCall(node: Node, parts: CallParts, w: WriterValue, method: string, pos: Value[], kw: Map<string, Value>): Value {
    switch (method) {
      case 'format':
        return { ...w, format: stringOf(pos[0]), formatUnknown: stringOf(pos[0]) === undefined };
      case 'mode':
        return { ...w, mode: stringOf(pos[0]) };
      case 'outputMode':
        return { ...w, outputMode: stringOf(pos[0]) };
      case 'option': {
        const k = stringOf(pos[0]);
        if (k === undefined) return { ...w, optionsUnknown: true };
        if (!parts.args[1]) return w;
        const options = new OptionMap(w.options);
        options.set(k, { value: optionValue(pos[1]), node: parts.args[1], origin: originOf(pos[1]) });
        return { ...w, options };
      }
      case 'options': {
        const options = new OptionMap(w.options);
        for (const [k, v] of kw) options.set(k, { value: optionValue(v), node: parts.keywords.get(k)!, origin: originOf(v) });
        // `options(**opts)` or `options(opts_dict)`: keys the model cannot see.
        return { ...w, options, optionsUnknown: w.optionsUnknown || parts.args.length > 0 };
      }
      case 'partitionBy': {
        const cols = [...w.partitionBy];
        parts.args.forEach((a, i) => {
          const names = stringsOf(pos[i]);
          if (names && names.length === 1) cols.push({ name: names[0], node: a });
          else if (names) for (const n of names) cols.push({ name: n, node: a });
          else cols.push({ node: a });
        });
        return { ...w, partitionBy: cols };
      }
      case 'foreachBatch':
      case 'foreach':
        return { ...w, foreachBatch: true };
      case 'trigger':
        return { ...w, trigger: node };
      case 'queryName':
      case 'bucketBy':
      case 'sortBy':
      case 'partitionedBy': {
        // V2 partition transforms (days(col), bucket(n, col)) bound cardinality: only plain columns are kept.
        const cols = [...w.partitionBy];
        parts.args.forEach((a, i) => {
          const name = exactStringOf(pos[i]) ?? this.fns.columnRef(a);
          if (name !== undefined) cols.push({ name, node: a });
        });
        return { ...w, partitionBy: cols };
      }
      case 'using':
        return { ...w, format: stringOf(pos[0]) };
      case 'clusterBy':
      case 'tableProperty':
        return w;
    }
    if (!WRITER_TERMINALS.has(method) && !['create', 'createOrReplace', 'replace', 'append', 'overwritePartitions'].includes(method)) return UNKNOWN;
    const options = new OptionMap(w.options);
    const partitionBy = [...w.partitionBy];
    for (const [k, v] of kw) {
      if (k === 'partitionBy') {
        for (const n of stringsOf(v) ?? []) partitionBy.push({ name: n, node: parts.keywords.get(k)! });
      } else if (!['path', 'format', 'mode', 'outputMode', 'queryName', 'trigger', 'name', 'tableName'].includes(k)) {
        options.set(k, { value: optionValue(v), node: parts.keywords.get(k)!, origin: originOf(v) });
      }
    }
    const v2 = w.v2Table !== undefined;
    const isTable = v2 || method === 'saveAsTable' || method === 'insertInto' || method === 'toTable' || method === 'table';
    const targetNode = v2 ? w.writerNode : parts.args[0] ?? parts.keywords.get(isTable ? 'name' : 'path') ?? parts.keywords.get('tableName');
    const target = v2 ? w.v2Table || undefined : targetNode ? stringOf(pos[0] ?? kw.get(isTable ? 'name' : 'path') ?? kw.get('tableName')) : undefined;
    const pathOpt = options.get('path');
    const splat = parts.args.some((a) => a.type === 'dictionary_splat');
    const sink: SinkInfo = {
      frame: w.frame, streaming: w.streaming, method, call: node, writerNode: w.writerNode, receiver: w.receiver,
      format: FORMAT_METHODS.has(method) ? method : stringOf(kw.get('format')) ?? w.format,
      // V2 verbs say what they replace: only append is a plain mode; overwritePartitions is dynamic by design.
      mode: v2 ? (method === 'append' ? 'append' : undefined) : stringOf(kw.get('mode')) ?? (method === 'insertInto' && kw.get('overwrite') ? 'overwrite' : w.mode),
      outputMode: stringOf(kw.get('outputMode')) ?? w.outputMode,
      options, partitionBy, foreachBatch: w.foreachBatch, trigger: w.trigger, scope: this.scope.node,
      optionsUnknown: w.optionsUnknown || splat,
      formatUnknown: splat || (kw.has('format') ? stringOf(kw.get('format')) === undefined : w.formatUnknown),
      path: isTable ? undefined : target ?? pathOpt?.value,
      pathNode: isTable ? undefined : targetNode ?? pathOpt?.node,
      table: isTable ? target : undefined,
    };
    this.model.sinks.push(sink);
    return UNKNOWN;
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
          this.recordImport(c, imports);
        } else if (c.type === 'block' || c.type === 'function_definition' || c.type === 'if_statement' || c.type === 'try_statement' || c.type === 'decorated_definition' || c.type === 'class_definition') {
          visit(c, depth + 1, false);
        }
      }
    };
    visit(root, 0, true);
  }

  private recordImport(node: Node, imports: ImportInfo): void {
    const text = node.text;
    if (/\bpyspark\b/.test(text)) imports.usesPySpark = true;
    if (node.type === 'import_statement') {
      for (const c of node.namedChildren) {
        if (c?.type === 'aliased_import' && c.childForFieldName('name')?.text === 'pyspark.sql.functions') {
          const alias = c.childForFieldName('alias');
          if (alias) imports.functionsAliases.add(alias.text);
        }
      }
      return;
    }
    if (node.type !== 'import_from_statement') return;
    const module = node.childForFieldName('module_name')?.text.replace(/\s/g, '');
    const names: { name: string; alias: string }[] = [];
    let star = false;
    for (const c of node.namedChildren) {
      if (!c || sameNode(c, node.childForFieldName('module_name'))) continue;
      if (c.type === 'wildcard_import') star = true;
      else if (c.type === 'dotted_name') names.push({ name: c.text, alias: c.text });
      else if (c.type === 'aliased_import') {
        const n = c.childForFieldName('name')?.text;
        const a = c.childForFieldName('alias')?.text;
        if (n && a) names.push({ name: n, alias: a });
      }
    }
    if (module === 'pyspark.sql.functions') {
      if (star) imports.functionsStar = true;
      for (const n of names) imports.functionNames.add(n.alias);
    } else if (module === 'pyspark.sql' || module?.startsWith('pyspark.sql.')) {
      for (const n of names) {
        if (n.name === 'functions') imports.functionsAliases.add(n.alias);
        else imports.sqlNames.add(n.alias);
      }
    }
  }
}

const VALUE_HIDING_AGGREGATES = new Set([
  'count', 'countDistinct', 'count_distinct', 'approx_count_distinct', 'sum', 'sumDistinct', 'sum_distinct', 'avg', 'mean',
  'stddev', 'stddev_pop', 'stddev_samp', 'variance', 'var_pop', 'var_samp', 'percentile_approx', 'percentile', 'median',
  'skewness', 'kurtosis', 'corr', 'covar_pop', 'covar_samp', 'count_if', 'bool_and', 'bool_or', 'every', 'some',
]);

const MASKING_SQL = /\b(sha2|sha1|md5|hash|xxhash64|mask|regexp_replace|aes_encrypt)\s*\(/i;

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

/** Where a string value was written, when it was one literal or `+` expression. */
function originOf(v: Value | undefined): Node | undefined {
  return v?.k === 'string' ? v.node : undefined;
}

function optionValue(v: Value | undefined): string | undefined {
  if (!v) return undefined;
  if (v.k === 'string') return v.value;
  if (v.k === 'number') return String(v.value);
  return undefined;
}

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

/** Types a column expression certainly has: a cast, a boolean literal or test. */
function expressionType(expr: Node): string | undefined {
  const e = unwrapParens(expr);
  if (e.type === 'comparison_operator' || e.type === 'not_operator') return 'boolean';
  if (e.type === 'unary_operator' && e.text.startsWith('~')) return 'boolean';
  if (e.type === 'binary_operator' && /^[&|]$/.test(e.childForFieldName('operator')?.text ?? '')) return 'boolean';
  if (e.type !== 'call') return undefined;
  const parts = callParts(e);
  if (!parts?.name) return undefined;
  if ((parts.name === 'cast' || parts.name === 'astype') && parts.object) return sqlTypeName(parts.args[0]);
  if (['isNull', 'isNotNull', 'isin', 'like', 'rlike', 'startswith', 'endswith', 'contains', 'between', 'eqNullSafe', 'isnull', 'isnan'].includes(parts.name)) return 'boolean';
  if (parts.name === 'lit' && parts.args.length === 1) {
    const a = unwrapParens(parts.args[0]);
    return a.type === 'true' || a.type === 'false' ? 'boolean' : a.type === 'integer' ? 'int' : a.type === 'float' ? 'double' : a.type === 'string' ? 'string' : undefined;
  }
  return undefined;
}

function schemaTypes(v: Value | undefined): Map<string, string> | undefined {
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

function schemaColumns(v: Value | undefined): string[] | undefined {
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

export interface BuiltModel {
  model: DataFrameModel;
  functions: SparkFunctions;
}

export function buildModel(tree: Tree, text: string, options: ModelOptions = {}): BuiltModel {
  const builder = new ModelBuilder(syntaxRoot(tree, text), options);
  builder.run();
  return { model: builder.model, functions: builder.functions };
}

const BOOLEAN_METHODS = new Set(['isin', 'isNull', 'isNotNull', 'isNaN', 'contains', 'startswith', 'endswith', 'like', 'ilike', 'rlike', 'between', 'eqNullSafe']);

/** `col("device").isin(...)`, `col("a") > 3`, `~col("x").isNull()`: a column of booleans, whatever its name says. */
function isBooleanExpression(expr: Node): boolean {
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
