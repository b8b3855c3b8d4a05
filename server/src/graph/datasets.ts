import type { SinkInfo, SourceInfo } from '../model/types';

/** What identifies a dataset across functions and files: a normalised location. */
export interface DatasetRef {
  key: string;
  label: string;
  location: string;
  kind: 'path' | 'table' | 'topic' | 'store';
  format?: string;
}

export function normalisePath(path: string): string {
  let p = path.trim().replace(/\/+$/, '');
  // s3a:// and s3n:// name the same objects as s3://.
  p = p.replace(/^s3[an]:\/\//i, 's3://');
  p = p.replace(/^dbfs:\//i, '/dbfs/');
  return p || '/';
}

function pathLabel(path: string): string {
  const parts = path.split('/').filter(Boolean);
  return parts.slice(-2).join('/') || path;
}

export function tableRef(table: string, format?: string): DatasetRef {
  const name = table.trim().replace(/`/g, '');
  return { key: `table:${name.toLowerCase()}`, label: name, location: name, kind: 'table', format };
}

export function pathRef(path: string, format?: string): DatasetRef {
  const p = normalisePath(path);
  return { key: `path:${p}`, label: pathLabel(p), location: p, kind: 'path', format };
}

export function topicRef(topic: string): DatasetRef {
  return { key: `topic:${topic}`, label: topic, location: `kafka:${topic}`, kind: 'topic', format: 'kafka' };
}

/** Stores addressed by options rather than a path (Redis, Cassandra, a Kafka cluster with no topic given). */
export function storeRef(format: string): DatasetRef {
  return { key: `store:${format.toLowerCase()}`, label: format, location: `${format}:`, kind: 'store', format };
}

/**
 * A table behind a JDBC connection, by its name: `option("dbtable", "fact_trades")` or
 * `.jdbc(url, "fact_trades")`. One database URL serves many tables, so the URL alone (or the
 * format) would make every JDBC read and write of a workspace one dataset.
 */
export function jdbcRef(table: string): DatasetRef {
  const name = table.trim().replace(/[`"]/g, '');
  return { key: `jdbc:${name.toLowerCase()}`, label: name, location: `jdbc:${name}`, kind: 'table', format: 'jdbc' };
}

/** Formats that are not data anyone reads back. */
const NOT_DATASETS = new Set(['console', 'memory', 'noop', 'rate', 'rate-micro-batch']);

export function sourceDataset(source: SourceInfo): DatasetRef | undefined {
  if (source.format === 'kafka') {
    const topic = source.options.get('subscribe') ?? source.options.get('subscribePattern') ?? source.options.get('assign');
    return topic ? topicRef(topic) : storeRef('kafka');
  }
  if (source.format === 'jdbc') {
    // The model's reading: `.jdbc(url, table)`'s argument (which Spark sets as dbtable over any option),
    // else the dbtable option, constants resolved (the same table PSA714 compares).
    const table = source.jdbcTable;
    // `dbtable` may be a subquery (`(SELECT ...) t`), which names no table.
    return table && !table.trim().startsWith('(') ? jdbcRef(table) : storeRef('jdbc');
  }
  if (source.table) return tableRef(source.table, source.format);
  if (source.path) return pathRef(source.path, source.format);
  if (source.kind === 'read' && source.format && !NOT_DATASETS.has(source.format)) return storeRef(source.format);
  return undefined;
}

export function sinkDataset(sink: SinkInfo): DatasetRef | undefined {
  if (sink.format === 'kafka') {
    const topic = sink.options.get('topic')?.value;
    return topic ? topicRef(topic) : storeRef('kafka');
  }
  if (sink.format === 'jdbc') {
    const table = sink.jdbcTable;
    if (table && !table.trim().startsWith('(')) return jdbcRef(table);
    return sink.foreachBatch ? undefined : storeRef('jdbc');
  }
  if (sink.table) return tableRef(sink.table, sink.format);
  if (sink.path) return pathRef(sink.path, sink.format);
  if (sink.format && !sink.foreachBatch && !NOT_DATASETS.has(sink.format)) return storeRef(sink.format);
  return undefined;
}
