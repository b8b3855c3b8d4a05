import { findInLineage } from '../../model/lineage';
import type { Frame, SinkInfo, SourceInfo } from '../../model/types';
import { isDatabricksSource } from '../../notebook/databricks';
import { pathKey, tableKey } from '../helpers/delta';
import { related, type Rule, type RuleContext } from '../rule';

/**
 * File formats whose overwrite Spark plans as an InsertIntoHadoopFsRelation: before writing it checks
 * that the output is not one of the query's input paths (`DDLUtils.verifyNotReadPath`). Delta,
 * Iceberg and Hudi read a snapshot and commit atomically, so they may overwrite what they read.
 */
const FILE_FORMATS = new Set(['parquet', 'orc', 'csv', 'json', 'text', 'avro']);

/** What a write replaces, in a form comparable with what a read reads. */
type Target = { kind: 'jdbc'; table: string; url?: string } | { kind: 'path'; key: string } | { kind: 'table'; key: string };

/** `public.Users`, `"public"."users"`, `[dbo].[users]` name one table. */
function jdbcKey(name: string): string {
  return name
    .replace(/["`[\]]/g, '')
    .trim()
    .toLowerCase();
}

/** A JDBC URL without its query string (`?user=...&password=...`), which names no other database. */
function urlKey(url: string): string {
  return url.replace(/\?.*$/, '').trim().toLowerCase();
}

/** A name the model only partly resolved (`{name}` for an unknown f-string part) may stand for anything. */
function known(s: string | undefined): s is string {
  return s !== undefined && s.trim() !== '' && !s.includes('{');
}

function sinkTarget(s: SinkInfo): Target | undefined {
  if (s.streaming || s.mode?.toLowerCase() !== 'overwrite' || s.formatUnknown) return undefined;
  // A partitioned overwrite may replace only the partitions it writes (partitionOverwriteMode
  // "dynamic", set on the writer or the session, maybe elsewhere): reading the other partitions is
  // then the point (SPARK-30112), so only whole-target overwrites are judged.
  if (s.partitionBy.length > 0) return undefined;
  const format = s.format?.toLowerCase();
  if (format === 'jdbc') {
    if (!known(s.jdbcTable)) return undefined;
    const url = (s.method === 'jdbc' ? s.path : undefined) ?? s.options.get('url')?.value;
    return { kind: 'jdbc', table: jdbcKey(s.jdbcTable), url: known(url) ? urlKey(url) : undefined };
  }
  // No format, or an unknown one: the session's default (Delta on Databricks) may allow it.
  if (format === undefined || !FILE_FORMATS.has(format)) return undefined;
  if (s.method === 'saveAsTable' && known(s.table)) return { kind: 'table', key: tableKey(s.table) };
  if (s.table === undefined && known(s.path)) return { kind: 'path', key: pathKey(s.path) };
  return undefined;
}

function reads(source: SourceInfo, target: Target): boolean {
  if (source.streaming) return false;
  switch (target.kind) {
    case 'jdbc': {
      if (source.format?.toLowerCase() !== 'jdbc' || !known(source.jdbcTable) || jdbcKey(source.jdbcTable) !== target.table) return false;
      // Two databases may hold a table of the same name: compare the URLs whenever both are known.
      const url = source.path ?? source.options.get('url');
      return !known(url) || target.url === undefined || urlKey(url) === target.url;
    }
    case 'path':
      return source.kind === 'read' && known(source.path) && source.format?.toLowerCase() !== 'delta' && pathKey(source.path) === target.key;
    case 'table':
      return source.kind === 'table' && known(source.table) && tableKey(source.table) === target.key;
  }
}

/**
 * The read of `target` in the lineage of `frame`, unless the rows were materialised on the way: a
 * cache or persist filled by an earlier action serves them (fragile, but not what this rule reports),
 * and a checkpoint cuts the lineage.
 */
function readInLineage(frame: Frame, target: Target): Frame | undefined {
  const materialised = (f: Frame) => !!f.cached;
  // `lineage` never prunes the frame it starts from: a cached frame written directly is judged here.
  if (materialised(frame)) return undefined;
  return findInLineage(frame, (f) => !!f.source && reads(f.source, target), materialised);
}

function message(target: Target): string {
  switch (target.kind) {
    case 'jdbc':
      return (
        'Overwrite of the JDBC table this DataFrame is read from: Spark reads lazily, and the overwrite first drops and ' +
        're-creates the table (or, with truncate, empties it), then runs the query, which reads the table it has just ' +
        'emptied: the job succeeds and the rows are lost. Write to a staging table and swap, or materialise the rows ' +
        'first (checkpoint(), or cache() followed by an action, knowing a lost cache block would be read again from ' +
        'the emptied table).'
      );
    case 'path':
      return (
        'Overwrite of a path this DataFrame is read from: Spark reads lazily, so the overwrite deletes the files ' +
        'before the query has read them; the write fails ("Cannot overwrite a path that is also being read from", or ' +
        'a FileNotFoundException for a deleted file) and can leave the path empty. Write to a new path (a dated ' +
        'folder, or a staging path then a rename), or use a table format that reads a snapshot (Delta).'
      );
    case 'table':
      return (
        'Overwrite of a table this DataFrame is read from: Spark refuses the saveAsTable with "Cannot overwrite table ... ' +
        'that is also being read from" (the overwrite would delete its files before the query has read them), on every ' +
        'run. Write to a staging table and swap, or use a table format that reads a snapshot (Delta).'
      );
  }
}

/**
 * Databricks runtimes commit file writes with their own transactional protocol, under which the files an
 * overwrite replaces stay readable until the write commits: a folder rewritten from itself has been
 * seen to work there (a Databricks course does it and shows the result). Files are judged only in code
 * that is not Databricks code; JDBC tables lose their rows on every platform.
 */
function onDatabricks(text: string): boolean {
  return isDatabricksSource(text) || /\bdbutils\.|\bdbfs:\/|["']\/Volumes\//.test(text);
}

export const overwriteOfOwnSource: Rule = {
  code: 'PSA714',
  name: 'overwrite-of-own-source',
  summary:
    'A batch overwrite of the JDBC table, file path or file-format table the written DataFrame is read from: the table is emptied before the query reads it, or Spark refuses the write.',
  defaultSeverity: 'error',
  check(ctx: RuleContext) {
    const seen = new Set<number>();
    let databricks: boolean | undefined;
    for (const sink of ctx.model.sinks) {
      if (seen.has(sink.call.id)) continue;
      let target = sinkTarget(sink);
      if (target && target.kind !== 'jdbc' && (databricks ??= onDatabricks(ctx.text))) target = undefined;
      const read = target ? readInLineage(sink.frame, target) : undefined;
      if (!target || !read) continue;
      seen.add(sink.call.id);
      ctx.report({
        start: sink.writerNode.startIndex,
        end: sink.call.endIndex,
        message: message(target),
        related: [related(read.node, target.kind === 'path' ? 'the path is read here' : 'the table is read here')],
      });
    }
  },
};
