import type { Frame, DataFrameModel, SinkInfo } from '../../server/src/model/types';

/**
 * What a pipeline writes, as far as the model sees it: per sink (in order) its method, format,
 * mode, path, table, partitioning and options, and the lineage feeding it, each step's operation
 * with its arguments, sources with their format, path and options, and the columns with their
 * masking. A safe fix leaves this unchanged.
 *
 * Steps that change only cost or when work happens are left out: cache/persist/unpersist (the same
 * rows, kept), observe (metrics on the side), hint (a join strategy).
 */
const COST_ONLY = new Set(['cache', 'persist', 'unpersist', 'observe', 'hint']);

const squash = (s: string | undefined) => (s ?? '').replace(/\s+/g, ' ').trim();

function describeFrame(f: Frame): string {
  const parts = [f.op];
  const src = f.source;
  if (src) {
    const opts = [...src.options.entries()].map(([k, v]) => `${k}=${v ?? '?'}`).sort();
    parts.push(`source(${src.kind},${src.streaming},${src.format ?? ''},${src.path ?? ''},${src.table ?? ''},[${opts.join(',')}],schema=${!!src.schemaGiven})`);
  } else {
    parts.push(`args(${squash(f.node.childForFieldName('arguments')?.text)})`);
  }
  const columns = [...f.columns.values()].map((c) => `${c.name}${c.masked ? '*' : ''}`).sort();
  parts.push(`cols[${columns.join(',')}]${f.columnsComplete ? '' : '+'}`);
  if (f.singlePartition) parts.push('single');
  if (f.watermark) parts.push(`wm(${f.watermark.column ?? '?'})`);
  return parts.join(' ');
}

/** The lineage of `frame`, cost-only steps skipped, shared frames named once (`#n`). */
function lineage(frame: Frame): string {
  const seen = new Map<Frame, number>();
  const walk = (f: Frame, depth: number): string => {
    if (depth > 400) return '...';
    let cur = f;
    while (COST_ONLY.has(cur.op) && cur.parents.length === 1) cur = cur.parents[0];
    const known = seen.get(cur);
    if (known !== undefined) return `#${known}`;
    seen.set(cur, seen.size);
    const parents = cur.parents.map((p) => walk(p, depth + 1));
    return `${describeFrame(cur)}${parents.length ? ` <- (${parents.join(' | ')})` : ''}`;
  };
  return walk(frame, 0);
}

function describeSink(s: SinkInfo): string {
  const opts = [...s.options.entries()].map(([k, v]) => `${k}=${v.value ?? '?'}`).sort();
  return [
    `${s.method} stream=${s.streaming} format=${s.format ?? ''} mode=${s.mode ?? ''} outputMode=${s.outputMode ?? ''}`,
    `path=${s.path ?? ''} table=${s.table ?? ''} partitionBy=${s.partitionBy.map((p) => p.name ?? '?').join(',')}`,
    `options=[${opts.join(',')}] foreachBatch=${s.foreachBatch} trigger=${squash(s.trigger?.text)}`,
    `from ${lineage(s.frame)}`,
  ].join('\n  ');
}

export function sinkSignature(model: DataFrameModel | undefined): string[] {
  return (model?.sinks ?? []).map(describeSink);
}
