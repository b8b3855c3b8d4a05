import type { Fix } from '../../findings';
import type { Frame, SinkInfo } from '../../model/types';
import { removeChainCall } from '../../fixes/edits';
import type { Node } from '../../parsing/pythonParser';
import { callParts, enclosingScope, sameNode, unwrapParens } from '../../parsing/syntax';
import { reducedToFewRows } from '../helpers/fewRows';
import { related, type Rule, type RuleContext } from '../rule';
import { withPlaceholders } from '../../fixes/edits';
import { singleFileTakenOut } from '../helpers/singleFileTakenOut';

const SUGGESTED_PARTITIONS = 64;

export const singlePartitionWrite: Rule = {
  code: 'PSA301',
  name: 'single-partition-write',
  summary: 'coalesce(1)/repartition(1) feeding a write: the whole dataset goes through one task and one file.',
  defaultSeverity: 'warning',
  check(ctx: RuleContext) {
    const seen = new Set<number>();
    for (const sink of ctx.model.sinks) {
      const single = sink.frame.singlePartition;
      // An aggregate by country or a distinct list of states is small: one file is what the reader wants.
      if (!single || sink.frame.bounded || seen.has(single.id) || reducedToFewRows(ctx, sink.frame)) continue;
      // `coalesce(n)` with n computed elsewhere (from file sizes, say) is sized on purpose, even if one branch sets 1.
      if (computedCount(single)) continue;
      // A JDBC target may take one writer only (SQLite, a table locked per connection): one partition is the point.
      if (sink.method === 'jdbc' || /jdbc/i.test(sink.format ?? '')) continue;
      if (localFileExport(sink) || referenceData(sink)) continue;
      // The single part file is then copied or renamed out of the folder: one file is the code's contract.
      if (singleFileTakenOut(sink)) continue;
      seen.add(single.id);
      const method = callParts(single)?.name ?? 'coalesce';
      ctx.report({
        node: single,
        message:
          `${method}(1) before a write funnels the whole dataset through a single task: one executor does all the work ` +
          '(and with coalesce, the upstream stages too), then writes one huge file. Let Spark write in parallel, or ' +
          'repartition to a count sized for ~128 MB-1 GB files.',
        related: [related(sink.call, 'written here')],
        fixes: fixes(single, method),
      });
    }
  },
};

/** A file extension on the last path segment: the writer names its output as one file. */
const FILE_NAMED = /[^/\\]\.(csv|tsv|txt|json|jsonl|xml|parquet|orc|avro)[/\\]?$/i;

/**
 * `coalesce(1).write.csv("./episodes.csv")`: a path relative to where the script runs, named as one
 * file. That is an export for a person or a tool to open next to the script, of data that fits one
 * file by the author's own account; a job's output goes to a store (`s3://`, `abfss://`, `/mnt/...`,
 * a table) under a folder name. An unresolved base (`{out}/x.csv`) may be anything, so it counts as a store.
 */
function localFileExport(sink: SinkInfo): boolean {
  const p = sink.path;
  if (p === undefined || sink.table !== undefined || !FILE_NAMED.test(p)) return false;
  if (/^file:/i.test(p)) return true;
  return !/^([a-z][a-z0-9+.-]*:|[\\/~{])/i.test(p);
}

/** Words that name reference data: code lists and lookups, small by nature (`ref_currency`, `loadReferenceData`, `zone_lookup.csv`). */
const REFERENCE_WORDS = new Set(['ref', 'refs', 'reference', 'references', 'lookup', 'lookups', 'lkp']);

function words(name: string): string[] {
  return name
    .replace(/([a-z0-9])([A-Z])/g, '$1 $2')
    .toLowerCase()
    .split(/[^a-z0-9]+/);
}

/**
 * Reference data written as one file on purpose: the frame comes straight from one source (no join
 * or union that could bring a fact table in) and the source, the variable written, or the function
 * doing the write is named for reference or lookup data.
 */
function referenceData(sink: SinkInfo): boolean {
  let f: Frame | undefined = sink.frame;
  for (let i = 0; f && f.parents.length > 0 && i < 10_000; i++) {
    if (f.parents.length > 1) return false;
    f = f.parents[0];
  }
  if (!f?.source || f.source.kind === 'sql') return false;
  const names = [f.source.path, f.source.table, baseName(sink.receiver), functionName(sink.scope)];
  return names.some((n) => n !== undefined && words(n).some((w) => REFERENCE_WORDS.has(w)));
}

/** `refDF` in `refDF.coalesce(1)`. */
function baseName(receiver: Node): string | undefined {
  let n: Node | null = unwrapParens(receiver);
  for (let i = 0; n && i < 500; i++) {
    if (n.type === 'identifier') return n.text;
    if (n.type === 'call') n = n.childForFieldName('function');
    else if (n.type === 'attribute') n = n.childForFieldName('object');
    else return undefined;
    if (n) n = unwrapParens(n);
  }
  return undefined;
}

function functionName(scope: Node): string | undefined {
  return scope.type === 'function_definition' ? scope.childForFieldName('name')?.text : undefined;
}

/** The partition count is a name some assignment in its scope binds to something other than the literal 1. */
function computedCount(call: Node): boolean {
  const arg = callParts(call)?.args[0];
  const name = arg ? unwrapParens(arg) : undefined;
  if (name?.type !== 'identifier') return false;
  const scope = enclosingScope(call);
  const stack: Node[] = [scope];
  for (let steps = 0; stack.length && steps < 200_000; steps++) {
    const n = stack.pop()!;
    if (!sameNode(n, scope) && (n.type === 'function_definition' || n.type === 'class_definition')) continue;
    if (n.type === 'assignment' && n.childForFieldName('left')?.text === name.text) {
      const right = n.childForFieldName('right');
      if (!right || unwrapParens(right).text !== '1') return true;
    }
    for (const c of n.namedChildren) if (c) stack.push(c);
  }
  return false;
}

function fixes(call: Node, method: string): Fix[] {
  const out: Fix[] = [];
  const remove = removeChainCall(call);
  // Same rows, but one file (one JDBC connection) per partition: single-file exports depend on it.
  if (remove) out.push({ title: `Remove ${method}(1)`, edits: [remove], applicability: 'unsafe', reason: 'writes one file per partition instead of one file' });
  const name = call.childForFieldName('function')?.childForFieldName('attribute');
  const args = call.childForFieldName('arguments');
  if (name && args) {
    out.push({
      title: `Replace with repartition(${SUGGESTED_PARTITIONS}) (size it for your data)`,
      edits: [withPlaceholders({ start: name.startIndex, end: args.endIndex, newText: `repartition(${SUGGESTED_PARTITIONS})` }, String(SUGGESTED_PARTITIONS))],
      applicability: 'display-only',
      reason: 'size the partition count for your data',
    });
  }
  return out;
}
