import type { Node } from '../../parsing/pythonParser';
import { callParts, enclosingStatement, escapeRegExp, lineStartOf, literalString, unwrapParens } from '../../parsing/syntax';
import { literalBoolean, writtenReaderOption } from '../helpers/readerChain';
import { boundInFile, buildsLocalSession, chainRoot } from '../helpers/sessionBinding';
import type { Rule, RuleContext } from '../rule';

/**
 * Where production data lives: object stores, HDFS, mounts, Unity Catalog volumes. A relative path,
 * `/databricks-datasets`, `/FileStore`, `/tmp` or a local folder holds sample files a script was
 * written against; an unresolved path (a job argument, a config value) is taken as production.
 */
const STORAGE_PATH = /^(?:(?:s3[an]?|abfss?|wasbs?|adl|gs|hdfs|oss|cos|r2):\/\/|(?:dbfs:)?\/(?:mnt|Volumes)\/|\{)/i;

/** A first argument that is data already in memory (`spark.read.json(rdd)`), not files to scan. */
const IN_MEMORY_ARG = /parallelize|rdd|\.(?:map|flatMap|mapPartitions|textFile|wholeTextFiles)\(/i;

export const inferredSchemaBatchRead: Rule = {
  code: 'PSA307',
  name: 'inferred-schema-batch-read',
  summary:
    'A batch CSV read with inferSchema, or a JSON read without a schema, in job code: an extra full scan of the input, and column types that change with the data.',
  defaultSeverity: 'warning',
  check(ctx: RuleContext) {
    const seen = new Set<number>();
    for (const f of ctx.model.frames) {
      const s = f.source;
      if (!s || s.kind !== 'read' || s.streaming || s.schemaGiven || seen.has(s.node.id)) continue;
      const format = s.format?.toLowerCase();
      if (format !== 'csv' && format !== 'json') continue;
      seen.add(s.node.id);
      const terminal = callParts(s.node);
      const first = terminal?.args[0] ?? terminal?.keywords.get('path');
      if (first && inMemory(unwrapParens(first), ctx.text)) continue;
      if (s.path !== undefined && !STORAGE_PATH.test(s.path)) continue;
      if (first && samplePathList(unwrapParens(first))) continue;
      // A session on a local master, or a top-level script that writes nothing: a demo run by hand.
      if (buildsLocalSession(ctx.text)) continue;
      if (ctx.model.sinks.length === 0 && f.scope.type === 'module') continue;
      // `spark` never bound in the file: a notebook export or shell script, run by hand.
      const root = chainRoot(s.node);
      if (root && root.text !== 'self' && !boundInFile(ctx.text, root.text)) continue;
      if (format === 'csv') {
        const written = writtenReaderOption(s.node, 'inferSchema');
        // Set through a variable or a dict: the model cannot tell true from false.
        const on = written ? literalBoolean(written.value) : s.options.get('inferSchema')?.toLowerCase() === 'true' ? true : undefined;
        if (on !== true) continue;
        const range = written ? optionRange(written.keyNode, written.value, written.call) : { start: s.node.startIndex, end: s.node.endIndex };
        ctx.report({
          ...range,
          message:
            'inferSchema on a CSV read: before reading, Spark scans the whole input once more just to guess the column ' +
            'types (samplingRatio defaults to 1.0), and the guess follows the data: a code column read as int today ' +
            'becomes string the day one value has a letter, and the writes, joins or unions downstream fail or change ' +
            'type. Give the schema instead: .schema("id BIGINT, name STRING, ...") or a StructType.',
        });
      } else {
        const name = terminal?.nameNode ?? s.node;
        ctx.report({
          start: name.startIndex,
          end: s.node.endIndex,
          message:
            'A JSON read without a schema: Spark scans the whole input once more to infer one before reading, and the ' +
            'inferred schema follows the data: a field absent from every file of a run disappears from the frame ' +
            '(a later select of it fails), and a number that once arrives as a string turns the column into a string. ' +
            'Give the schema: .schema("id BIGINT, payload STRING, ...") or a StructType.',
        });
      }
    }
  },
};

/** `inferSchema=True` as a keyword, or the whole `.option("inferSchema", True)` call. */
function optionRange(keyNode: Node, value: Node, call: Node): { start: number; end: number } {
  if (keyNode.parent?.type === 'keyword_argument') return { start: keyNode.startIndex, end: value.endIndex };
  const parts = callParts(call);
  return { start: (parts?.nameNode ?? call).startIndex, end: call.endIndex };
}

/** `rdd`, `sc.parallelize([...])`, or a name whose last assignment before the read is one (`payloads = sc.parallelize(...)`). */
function inMemory(arg: Node, text: string): boolean {
  if (IN_MEMORY_ARG.test(arg.text)) return true;
  if (arg.type !== 'identifier') return false;
  let last: string | undefined;
  // Assignments before the statement holding the read (`x = spark.read.json(x)` rebinds x only after).
  const before = lineStartOf(text, enclosingStatement(arg)?.startIndex ?? arg.startIndex);
  for (const m of text.matchAll(new RegExp(`^[ \\t]*${escapeRegExp(arg.text)}[ \\t]*=(?!=)([^\\n]*)`, 'gm'))) {
    if (m.index >= before) break;
    last = m[1];
  }
  return last !== undefined && IN_MEMORY_ARG.test(last);
}

/** `["resources/a.json", "resources/b.json"]`: a list of literal paths, none of them production storage. */
function samplePathList(arg: Node): boolean {
  if (arg.type !== 'list' || arg.namedChildren.length === 0) return false;
  return arg.namedChildren.every((c) => {
    const p = c ? literalString(c) : undefined;
    return p !== undefined && !STORAGE_PATH.test(p);
  });
}
