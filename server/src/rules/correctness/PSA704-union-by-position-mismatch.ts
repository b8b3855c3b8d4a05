import type { Fix } from '../../findings';
import type { Frame } from '../../model/types';
import type { Node } from '../../parsing/pythonParser';
import { callParts } from '../../parsing/syntax';
import { builtOnEveryPath } from '../helpers/streamingCertainty';
import { related, type Rule, type RuleContext } from '../rule';

const POSITIONAL_UNIONS = new Set(['union', 'unionAll']);
/** Steps that keep the columns and their order. */
const ORDER_KEEPING = new Set([
  'filter',
  'where',
  'alias',
  'hint',
  'sample',
  'localCheckpoint',
  'checkpoint',
  'sortWithinPartitions',
  'fillna',
  'dropna',
  'withWatermark',
  'cache',
  'persist',
  'unpersist',
  'distinct',
  'dropDuplicates',
  'drop_duplicates',
  'orderBy',
  'sort',
  'limit',
  'repartition',
  'coalesce',
  'repartitionByRange',
]);
/** Steps whose column order the model keeps as Spark does: a new column goes last, a replaced one keeps its place, a dropped one leaves. */
const ORDER_TRACKED = new Set(['withColumn', 'withColumns', 'drop']);
const MAX_STEPS = 200;

/**
 * The frame's columns in Spark's order, when the model surely knows them: the chain up to a
 * `select`/`toDF` or a `createDataFrame` with an explicit schema, through steps that keep the order.
 * Also the frames of that chain (to check none is built in a branch). Undefined otherwise: a read
 * (the files decide), dict rows (PySpark sorts their keys), a rename (the model moves the column last).
 */
function orderedColumns(frame: Frame): { names: string[]; chain: Frame[] } | undefined {
  const chain: Frame[] = [];
  let f: Frame | undefined = frame;
  for (let i = 0; f && i < MAX_STEPS; i++) {
    if (!f.columnsComplete) return undefined;
    chain.push(f);
    if (f.op === 'select' || f.op === 'toDF' || f.op === 'range' || (f.op === 'createDataFrame' && explicitSchema(f.node))) {
      const names = [...frame.columns.keys()];
      // `withColumn("ID", ...)` on a frame with `id` replaces it in Spark; the model keeps both.
      if (new Set(names.map((c) => c.toLowerCase())).size !== names.length) return undefined;
      return { names, chain };
    }
    if (f.parents.length !== 1 || !(ORDER_KEEPING.has(f.op) || ORDER_TRACKED.has(f.op))) return undefined;
    f = f.parents[0];
  }
  return undefined;
}

function explicitSchema(call: Node): boolean {
  const parts = callParts(call);
  return !!parts && (parts.args.length >= 2 || parts.keywords.has('schema'));
}

interface Mismatch {
  left: string[];
  right: string[];
  /** A name both sides carry at different positions. */
  moved?: string;
}

function mismatch(left: string[], right: string[]): Mismatch | undefined {
  const l = left.map((c) => c.toLowerCase());
  const r = right.map((c) => c.toLowerCase());
  if (l.length !== r.length) return { left, right };
  const moved = l.find((c, i) => r.includes(c) && r[i] !== c);
  // Different names at the same positions is how a positional union is meant to be used.
  return moved === undefined ? undefined : { left, right, moved: left[l.indexOf(moved)] };
}

function sameSet(a: string[], b: string[]): boolean {
  const x = a.map((c) => c.toLowerCase()).sort();
  const y = b.map((c) => c.toLowerCase()).sort();
  return x.length === y.length && x.every((c, i) => c === y[i]) && new Set(x).size === x.length;
}

const list = (cols: string[]): string => cols.join(', ');

export const unionByPositionMismatch: Rule = {
  code: 'PSA704',
  name: 'union-by-position-mismatch',
  summary: 'union()/unionAll() of frames whose known columns are in a different order or differ in number: union matches columns by position, not by name.',
  defaultSeverity: 'warning',
  check(ctx: RuleContext) {
    const byCall = new Map<number, Frame[]>();
    for (const f of ctx.model.frames) {
      if (!POSITIONAL_UNIONS.has(f.op) || f.parents.length !== 2 || f.node.type !== 'call') continue;
      const list = byCall.get(f.node.id);
      if (list) list.push(f);
      else byCall.set(f.node.id, [f]);
    }
    for (const frames of byCall.values()) {
      // A call analysed several times (a helper called with different frames) is reported only if every analysis agrees.
      const found = frames.map((f) => judge(f));
      if (found.some((m) => !m)) continue;
      const m = found[0]!;
      if (found.some((o) => o!.left.join() !== m.left.join() || o!.right.join() !== m.right.join())) continue;
      const call = frames[0].node;
      const parts = callParts(call);
      if (!parts?.nameNode) continue;
      const method = parts.nameNode.text;
      const message =
        m.left.length !== m.right.length
          ? `${method}() of frames with ${m.left.length} and ${m.right.length} columns: Spark refuses it ("Union can only be performed on ` +
            `inputs with the same number of columns"). Left: ${list(m.left)}; right: ${list(m.right)}. Select the same columns on both ` +
            'sides, or use unionByName(other, allowMissingColumns=True) to fill the missing ones with nulls.'
          : `${method}() matches columns by position, not by name, and "${m.moved}" is not at the same position on both sides: ` +
            `its values land under another column, silently (or the job fails later on a type mismatch). Left: ${list(m.left)}; ` +
            `right: ${list(m.right)}. Use unionByName(), or select the right side's columns in the left side's order.`;
      const fixes: Fix[] =
        m.left.length === m.right.length && sameSet(m.left, m.right) && parts.args.length === 1 && parts.keywords.size === 0
          ? [
              {
                title: 'Use unionByName (matches columns by name)',
                edits: [{ start: parts.nameNode.startIndex, end: parts.nameNode.endIndex, newText: 'unionByName' }],
                applicability: 'unsafe' as const,
                reason: 'rows now line up by column name, so the output changes',
              },
            ]
          : [];
      ctx.report({
        start: parts.nameNode.startIndex,
        end: call.endIndex,
        message,
        related: [related(frames[0].parents[1].node, "the right side's columns come from here")],
        fixes,
      });
    }
  },
};

function judge(f: Frame): Mismatch | undefined {
  const left = orderedColumns(f.parents[0]);
  const right = orderedColumns(f.parents[1]);
  if (!left || !right) return undefined;
  if (!builtOnEveryPath([...left.chain, ...right.chain], f.node)) return undefined;
  return mismatch(left.names, right.names);
}
