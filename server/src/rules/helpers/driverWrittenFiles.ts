import type { Frame } from '../../model/types';
import type { Node } from '../../parsing/pythonParser';
import { callParts, enclosingScope, literalString, sameNode, unwrapParens } from '../../parsing/syntax';
import type { RuleContext } from '../rule';
import { callsNamedAny } from './callIndex';
import { perModel } from './scopeIndex';

/**
 * Files this script wrote from the driver before Spark reads them back: a workshop generating its
 * sample data with `pd.DataFrame(rows).to_csv("sales.csv")`, a guide writing five literal CSV
 * lines with `open(path, "w")`, then `spark.read.csv(...)` of the same path. Those rows were in
 * the driver's memory a moment before, exactly like the rows of `createDataFrame(pandas_df)`,
 * which the model already takes as rows built on the driver: counting or recomputing them again
 * costs next to nothing. Only writes that can hold nothing but driver data count: a pandas
 * `to_csv`/`to_parquet`/`to_json` (not in a file that uses pandas-on-Spark, whose `to_csv` is a
 * distributed write), `open(path, "w")` whose every `write(...)` is text the driver made, and
 * `Path(path).write_text(...)` of such text (see driverContent; a downloaded payload written to disk
 * may be any size).
 */
export function writtenOnDriver(ctx: RuleContext, read: Frame): boolean {
  const source = read.source;
  if (!source || source.kind !== 'read' || source.streaming || read.parents.length) return false;
  const writes = driverWrites(ctx);
  if (!writes.length) return false;
  const readPath = readPathNode(source.node);
  return writes.some(
    (w) =>
      w.end <= source.node.startIndex &&
      ((w.value !== undefined && w.value === source.path) ||
        (readPath?.type === 'identifier' &&
          w.path.type === 'identifier' &&
          w.path.text === readPath.text &&
          sameNode(enclosingScope(w.path), enclosingScope(readPath)) &&
          !assignedBetween(enclosingScope(readPath), readPath.text, w.end, readPath.startIndex))),
  );
}

/** `name` is assigned in `scope` (not in a nested function) between the two offsets: the read may name another file. */
function assignedBetween(scope: Node, name: string, from: number, to: number): boolean {
  const stack: Node[] = [scope];
  for (let steps = 0; stack.length && steps < 20_000; steps++) {
    const n = stack.pop()!;
    if (n.endIndex <= from || n.startIndex >= to) continue;
    if (n.id !== scope.id && (n.type === 'function_definition' || n.type === 'class_definition' || n.type === 'lambda')) continue;
    if (n.type === 'assignment' && n.startIndex >= from && n.childForFieldName('left')?.text === name) return true;
    for (const c of n.namedChildren) if (c) stack.push(c);
  }
  return false;
}

interface DriverWrite {
  /** The path argument as written. */
  path: Node;
  /** Its value when it is a literal or a name bound only to one literal. */
  value?: string;
  /** Where the write ends: only a read after it reads what it wrote. */
  end: number;
}

/** `pathlib.Path(p).write_text(text)`: the file holds the text given. */
const PATH_WRITERS = ['write_text'];
/** pandas writers whose output Spark reads (Excel and the like it does not). */
const PANDAS_WRITERS = ['to_csv', 'to_parquet', 'to_json', 'to_orc'];
/** pandas-on-Spark and Koalas frames have the same writers, but write from the executors. @internal Exported for the tests. */
export const DISTRIBUTED_PANDAS = /\bpyspark\.pandas\b|\bdatabricks\.koalas\b|\bimport\s+koalas\b|\.pandas_api\s*\(|\.to_pandas_on_spark\s*\(|\.to_koalas\s*\(/;

/**
 * `DISTRIBUTED_PANDAS.test(text)`, run only on a text holding `pandas` or `koalas`: every alternative
 * spells one of the two (case and all), so a text with neither has no match, and `includes` finds a
 * word much faster than the alternation tries every offset of a long file (issue 18).
 */
export function distributedPandas(text: string): boolean {
  return (text.includes('pandas') || text.includes('koalas')) && DISTRIBUTED_PANDAS.test(text);
}

const writesByModel = new WeakMap<RuleContext['model'], Map<string, DriverWrite[]>>();

function driverWrites(ctx: RuleContext): DriverWrite[] {
  return perModel(writesByModel, ctx.model, 'writes', () => {
    const out: DriverWrite[] = [];
    const pandas = !distributedPandas(ctx.text);
    for (const call of callsNamedAny(ctx.model, pandas ? [...PANDAS_WRITERS, ...PATH_WRITERS, 'open'] : [...PATH_WRITERS, 'open'])) {
      const parts = callParts(call);
      if (!parts?.name) continue;
      let path: Node | undefined;
      if (PATH_WRITERS.includes(parts.name)) {
        // `Path(p).write_text("a,b\n1,2\n")`: the text is the file.
        const ctor = parts.object && unwrapParens(parts.object).type === 'call' ? callParts(unwrapParens(parts.object)) : undefined;
        if (ctor?.name !== 'Path' || !driverContent(parts.args[0])) continue;
        path = ctor.args[0];
      } else if (parts.name === 'open') {
        if (parts.object || !writesOnlyLiterals(call, parts.args[1] ?? parts.keywords.get('mode'))) continue;
        path = parts.args[0] ?? parts.keywords.get('file');
      } else {
        // A Spark DataFrame has no to_csv: a receiver the model knows as a frame is not pandas.
        if (!parts.object || ctx.model.frameRefs.get(unwrapParens(parts.object).startIndex)) continue;
        path = parts.args[0] ?? parts.keywords.get('path_or_buf') ?? parts.keywords.get('path');
      }
      if (!path) continue;
      path = unwrapParens(path);
      out.push({ path, value: literalString(path) ?? boundLiteral(path), end: call.endIndex });
    }
    return out;
  });
}

/**
 * `open(p, "w")` (or "a", "x") whose file object receives only driver-made text: as the target of a
 * `with ... as fh:` every `fh.write(...)` in its body, or `open(p, "w").write(...)` directly.
 */
function writesOnlyLiterals(call: Node, mode: Node | undefined): boolean {
  const m = literalString(mode);
  if (m === undefined || !/[wax]/.test(m)) return false;
  const parent = call.parent;
  if (parent?.type === 'attribute' && parent.childForFieldName('attribute')?.text === 'write' && parent.parent?.type === 'call') {
    return literalArgument(parent.parent);
  }
  if (parent?.type !== 'as_pattern') return false;
  const target = parent.childForFieldName('alias');
  const alias = target?.type === 'identifier' ? target : target?.namedChildren.find((c) => c?.type === 'identifier');
  // with_statement > with_clause > with_item > as_pattern
  let statement: Node | null = parent.parent;
  for (let i = 0; statement && statement.type !== 'with_statement' && i < 3; i++) statement = statement.parent;
  const body = statement?.type === 'with_statement' ? statement.childForFieldName('body') : undefined;
  if (!alias || !body) return false;
  let writes = 0;
  const stack: Node[] = [body];
  for (let steps = 0; stack.length && steps < 20_000; steps++) {
    const n = stack.pop()!;
    if (n.type === 'identifier' && n.text === alias.text) {
      // The file object may only be written to: handed to anything else (json.dump, a copy), it may get anything.
      const use = n.parent;
      const isWrite = use?.type === 'attribute' && sameNode(use.childForFieldName('object'), n) && use.childForFieldName('attribute')?.text === 'write';
      if (!isWrite || use?.parent?.type !== 'call' || !literalArgument(use.parent)) return false;
      writes++;
      continue;
    }
    for (const c of n.namedChildren) if (c) stack.push(c);
  }
  return writes > 0;
}

/** The one argument of a `write(...)` call is text the driver made (see driverContent). */
function literalArgument(writeCall: Node): boolean {
  return driverContent(callParts(writeCall)?.args[0]);
}

/**
 * Text the driver made: a string literal (an f-string too), a name bound only to literals, a
 * record it serialised (`json.dumps({...})`, under any module name), or those joined with `+`. Not
 * bytes or text from elsewhere (`response.content`, `src.read()`), which may be any size.
 */
function driverContent(arg: Node | undefined, depth = 0): boolean {
  if (!arg || depth > 8) return false;
  const a = unwrapParens(arg);
  if (a.type === 'string' || a.type === 'concatenated_string') return true;
  if (a.type === 'identifier') return boundLiteral(a) !== undefined;
  if (a.type === 'binary_operator' && a.childForFieldName('operator')?.text === '+') {
    return driverContent(a.childForFieldName('left') ?? undefined, depth + 1) && driverContent(a.childForFieldName('right') ?? undefined, depth + 1);
  }
  if (a.type === 'call') {
    // `json.dumps(record)`, also imported under another name (`import json as pyjson`) or bare.
    const fn = a.childForFieldName('function');
    const name = fn?.type === 'attribute' ? fn.childForFieldName('attribute')?.text : fn?.text;
    return name === 'dumps';
  }
  return false;
}

/**
 * The string a name holds when every assignment to it in its scope, or in the module when its scope
 * has none, is the same plain literal (`path = "data/sales.csv"`); undefined otherwise.
 */
function boundLiteral(name: Node): string | undefined {
  if (name.type !== 'identifier') return undefined;
  const scope = enclosingScope(name);
  let value = literalAssignments(scope, name.text);
  if (value === null && scope.type !== 'module') {
    let module: Node = scope;
    while (module.parent) module = module.parent;
    value = literalAssignments(module, name.text);
  }
  return value ?? undefined;
}

/** The one literal every assignment of `name` directly in `scope` binds; null when there is none, undefined when they differ or one is not a literal. */
function literalAssignments(scope: Node, name: string): string | null | undefined {
  let value: string | null = null;
  const stack: Node[] = [scope];
  for (let steps = 0; stack.length && steps < 20_000; steps++) {
    const n = stack.pop()!;
    if (n.id !== scope.id && (n.type === 'function_definition' || n.type === 'class_definition' || n.type === 'lambda')) continue;
    if (n.type === 'assignment' && n.childForFieldName('left')?.text === name) {
      const v = literalString(n.childForFieldName('right'));
      if (v === undefined || (value !== null && v !== value)) return undefined;
      value = v;
    }
    for (const c of n.namedChildren) if (c) stack.push(c);
  }
  return value;
}

/** The path argument of a `spark.read...csv(path)` / `load(path)` call as written. */
function readPathNode(call: Node): Node | undefined {
  const parts = callParts(call);
  const p = parts?.args[0] ?? parts?.keywords.get('path');
  return p ? unwrapParens(p) : undefined;
}
