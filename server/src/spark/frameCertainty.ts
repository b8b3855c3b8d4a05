import type { Node } from '../parsing/pythonParser';
import { callParts, literalString, unwrapParens, type CallParts } from '../parsing/syntax';
import { BindingCertainty } from '../model/bindingCertainty';
import { plainName, SAME_COLUMNS } from './columnSet';
import type { SparkFunctions } from './functions';
import type { DataFrameModel } from '../model/types';

/**
 * Whether a frame expression surely evaluates to the frame the model made of it, so that the
 * frame's column set is the one Spark sees there. Certain: a chain of DataFrame steps down to a
 * session source (`spark.read.schema(S).json(p)`, `spark.createDataFrame(rows, cols)`), through
 * names each bound by one reaching assignment (see BindingCertainty), or down to a step whose
 * columns do not depend on its input (`select("a", "b")`). Not certain: a function parameter, a
 * helper's return value, a name bound in a branch or a loop, anything else.
 */

/** Steps whose output columns the column sets derive from their input (and maybe a second frame). */
const INPUT_STEPS: ReadonlySet<string> = new Set([
  ...SAME_COLUMNS,
  'union',
  'unionAll',
  'select',
  'toDF',
  'withColumn',
  'withColumns',
  'withColumnRenamed',
  'withColumnsRenamed',
  'drop',
  'agg',
]);
const TWO_FRAME_STEPS = new Set(['join', 'crossJoin', 'unionByName']);
const GROUPERS = new Set(['groupBy', 'groupby', 'rollup', 'cube']);
const GROUPED_AGGS = new Set(['agg', 'count']);
const SOURCE_METHODS = new Set(['createDataFrame', 'range']);
const READERS = new Set(['read', 'readStream']);
/** Reader calls whose arguments decide the columns (a schema, a format, Kafka's includeHeaders). */
const COLUMN_DECIDING = new Set(['schema', 'format', 'option', 'options']);
const MAX_DEPTH = 40;
const MAX_CHAIN = 500;

export class FrameCertainty {
  readonly bindings: BindingCertainty;
  private readonly memo = new Map<number, boolean>();

  constructor(
    model: DataFrameModel,
    private readonly fns: SparkFunctions,
  ) {
    this.bindings = new BindingCertainty(model.root);
  }

  certain(expr: Node, depth = 0): boolean {
    if (depth > MAX_DEPTH) return false;
    const e = unwrapParens(expr);
    const cached = this.memo.get(e.id);
    if (cached !== undefined) return cached;
    this.memo.set(e.id, false);
    const result = this.compute(e, depth);
    this.memo.set(e.id, result);
    return result;
  }

  private compute(e: Node, depth: number): boolean {
    if (e.type === 'identifier') {
      const b = this.bindings.reachingAssignment(e);
      return !!b?.value && this.certain(b.value, depth + 1);
    }
    if (e.type === 'assignment') {
      const right = e.childForFieldName('right');
      return !!right && this.certain(right, depth + 1);
    }
    if (e.type !== 'call') return false;
    const parts = callParts(e);
    if (!parts?.name) return false;
    if (!parts.object) return parts.name === 'broadcast' && !!parts.args[0] && this.certain(parts.args[0], depth + 1);
    if (this.fns.nameOf(e) === 'broadcast') return !!parts.args[0] && this.certain(parts.args[0], depth + 1);
    if (this.isSource(e)) return this.sourceCertain(e);
    const method = parts.name;
    if (independentOfInput(method, parts, this.fns)) return true;
    if (TWO_FRAME_STEPS.has(method)) {
      const other = parts.args[0] ?? parts.keywords.get('other');
      return !!other && this.certain(parts.object, depth + 1) && this.certain(other, depth + 1);
    }
    if (GROUPED_AGGS.has(method)) {
      const g = unwrapParens(parts.object);
      const gp = g.type === 'call' ? callParts(g) : undefined;
      if (gp?.object && gp.name && GROUPERS.has(gp.name)) return this.certain(gp.object, depth + 1);
    }
    if (INPUT_STEPS.has(method)) return this.certain(parts.object, depth + 1);
    // `df.na.fill(...)`
    const obj = unwrapParens(parts.object);
    if (obj.type === 'attribute' && obj.childForFieldName('attribute')?.text === 'na') {
      const frame = obj.childForFieldName('object');
      return !!frame && this.certain(frame, depth + 1);
    }
    return false;
  }

  /** `spark.read...load(...)`, `spark.readStream...`, `spark.createDataFrame(...)`, `spark.range(...)`. */
  private isSource(call: Node): boolean {
    let n: Node | null = call;
    for (let i = 0; n && i < MAX_CHAIN; i++) {
      n = unwrapParens(n);
      if (n.type === 'call') {
        const p = callParts(n);
        if (!p?.object) return false;
        if (SOURCE_METHODS.has(p.name ?? '') && unwrapParens(p.object).type !== 'call') return true;
        n = p.object;
      } else if (n.type === 'attribute') {
        if (READERS.has(n.childForFieldName('attribute')?.text ?? '')) return true;
        n = n.childForFieldName('object');
      } else return false;
    }
    return false;
  }

  /** The names a source chain's column-deciding arguments read are certain. */
  private sourceCertain(call: Node): boolean {
    let n: Node | null = call;
    let terminal = true;
    for (let i = 0; n && i < MAX_CHAIN; i++) {
      n = unwrapParens(n);
      if (n.type === 'call') {
        const p = callParts(n);
        if (!p?.object) return false;
        const deciding =
          COLUMN_DECIDING.has(p.name ?? '') || SOURCE_METHODS.has(p.name ?? '')
            ? [...p.args, ...p.keywords.values()]
            : terminal
              ? ['schema', 'format'].map((k) => p.keywords.get(k)).filter((x): x is Node => !!x)
              : [];
        // The rows of createDataFrame decide the columns only when written out; a name there is checked too.
        if (deciding.some((a) => !this.bindings.valueCertain(a))) return false;
        terminal = false;
        n = p.object;
      } else if (n.type === 'attribute') {
        n = n.childForFieldName('object');
      } else return true;
    }
    return false;
  }
}

/** Steps whose output columns are spelled out in the call: `select("a", col("b"), x.alias("c"))`, `toDF("a")`, an aliased aggregate. */
function independentOfInput(method: string, parts: CallParts, fns: SparkFunctions): boolean {
  if (method === 'toDF') return parts.args.length > 0 && parts.args.every((a) => literalString(a) !== undefined);
  if (method === 'select') {
    const args =
      parts.args.length === 1 && unwrapParens(parts.args[0]).type === 'list'
        ? unwrapParens(parts.args[0]).namedChildren.filter((c): c is Node => !!c && c.type !== 'comment')
        : parts.args;
    return (
      args.length > 0 &&
      !parts.keywords.size &&
      args.every((a) => {
        const s = literalString(a);
        if (s !== undefined) return s !== '*' && plainName(s) !== undefined;
        const e = unwrapParens(a);
        if (e.type === 'call') {
          const p = callParts(e);
          if (p?.object && (p.name === 'alias' || p.name === 'name') && p.args.length === 1 && literalString(p.args[0]) !== undefined) return true;
          const name = fns.nameOf(e);
          const ref = (name === 'col' || name === 'column') && p?.args.length === 1 ? literalString(p.args[0]) : undefined;
          return ref !== undefined && plainName(ref) !== undefined;
        }
        return false;
      })
    );
  }
  return false;
}
