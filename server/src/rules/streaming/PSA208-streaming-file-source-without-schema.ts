import type { Node } from '../../parsing/pythonParser';
import { callParts, literalString, unwrapParens } from '../../parsing/syntax';
import type { Rule, RuleContext } from '../rule';
import { booleanSetting, sessionSettings } from '../helpers/sessionConf';

/** File formats whose streaming source needs a user schema (text and binaryFile have fixed ones). */
const NEEDS_SCHEMA = new Set(['json', 'csv', 'parquet', 'orc', 'avro', 'xml']);
const SCHEMA_INFERENCE = 'spark.sql.streaming.schemaInference';
const FIXED_SCHEMA = new Set(['binaryfile', 'text']);

export const streamingFileSourceWithoutSchema: Rule = {
  code: 'PSA208',
  name: 'streaming-file-source-without-schema',
  summary:
    'spark.readStream on json/csv/parquet/orc/avro/xml files without .schema(...), or a streaming file read with no path: load() fails; Auto Loader without a schema location: the query does not start.',
  defaultSeverity: 'error',
  check(ctx: RuleContext) {
    // With schema inference turned on (or maybe on: set to something the rule cannot read), Spark infers once at start.
    // (Not the path: DataSource.sourceSchema asks for it before it looks at the setting.)
    const inference = sessionSettings(ctx.model, SCHEMA_INFERENCE);
    const inferring = inference.some((s) => booleanSetting(s.value) !== false);
    for (const frame of ctx.model.frames) {
      const source = frame.source;
      if (!source?.streaming || source.kind !== 'read') continue;
      const format = source.format?.toLowerCase();
      if (source.schemaGiven || (format && FIXED_SCHEMA.has(format))) {
        // A schema (given, or fixed by the format) leaves the path: a file source with none fails in
        // DataSource.sourceSchema, which load() calls, whatever the schema.
        if (format && (NEEDS_SCHEMA.has(format) || FIXED_SCHEMA.has(format)) && namesNoPath(source.node)) {
          ctx.report({ node: source.node, message: noPathMessage(format, 'load()', 'when the DataFrame is defined', 'Give load() the directory to watch.') });
        }
        continue;
      }
      if (format === 'cloudfiles') {
        if (inferring) continue;
        // Auto Loader infers, but only with somewhere to keep the inferred schema (or a schema given).
        if (source.options.has('cloudFiles.schemaLocation') || source.optionsUnknown) continue;
        // Lakeflow / DLT keeps the schema location of the flows it runs.
        if (ctx.code.isManagedPipeline(source.node)) continue;
        // binaryFile and text have a fixed schema: nothing to infer, nothing to record.
        // (An unreadable or missing cloudFiles.format: the rule cannot tell, so it stays silent.)
        const inner = source.options.get('cloudFiles.format');
        if (inner === undefined || FIXED_SCHEMA.has(inner.toLowerCase())) continue;
        ctx.report({
          node: source.node,
          message:
            'Auto Loader (cloudFiles) without a schema and without cloudFiles.schemaLocation: the stream fails to start, ' +
            'because Auto Loader needs a location to record the schema it infers (and its evolution). Set ' +
            '.option("cloudFiles.schemaLocation", "<path next to the checkpoint>") or pass .schema(...).',
        });
        continue;
      }
      if (!format || !NEEDS_SCHEMA.has(format)) continue;
      if (namesNoPath(source.node)) {
        // Spark resolves the path before it looks at the schema: asking for a schema would send the
        // author after the second error while the first one stops the read.
        const advice = inferring
          ? 'Give it the directory to watch.'
          : 'Give it the directory to watch, and a schema with .schema(...): without one the read fails next.';
        ctx.report({ node: source.node, message: noPathMessage(format, "Spark's load()", 'before Spark looks at the schema', advice) });
        continue;
      }
      if (inferring) continue;
      ctx.report({
        node: source.node,
        message:
          `Streaming ${format} source without a schema: load() fails at once with IllegalArgumentException ("Schema must be specified when ` +
          'creating a streaming source DataFrame"), when the DataFrame is defined. A stream cannot infer the schema of files that have not arrived yet. ' +
          'Pass the expected schema with .schema(StructType(...)) or a DDL string; derive it once from existing files with ' +
          'spark.read.load(path).schema if needed.',
      });
    }
  },
};

/** A streaming file read that names no path: what fails (`who`), when, and what to do. */
function noPathMessage(format: string, who: string, when: string, advice: string): string {
  return (
    `Streaming ${format} source with no path: ${who} fails at once with IllegalArgumentException ("'path' is not specified"), ${when}. ` +
    `A file source watches a directory and this read names none (no argument, no path=, no option("path", ...)). ${advice}`
  );
}

/** Reader set-up calls between `readStream` and the terminal call. */
const READER_SETUP = new Set(['format', 'option', 'options', 'schema']);

/**
 * The read's `load()` call and the reader chain below it, written in one expression down to
 * `.readStream`, name no path: no positional argument, no `path=` or `**kwargs`, and every option
 * key a literal other than "path". A reader kept in a variable, or an option key the code computes,
 * gets no verdict (the path may be there).
 */
function namesNoPath(terminal: Node): boolean {
  const parts = callParts(terminal);
  // Only `load()`: the format methods (`csv()`, `json()`) take the path as a required argument, so
  // Python raises its own TypeError without it.
  if (parts?.name !== 'load' || !parts.object || parts.args.length || parts.keywords.has('path')) return false;
  let n: Node | null = parts.object;
  for (let i = 0; n && i < 200; i++) {
    n = unwrapParens(n);
    if (n.type === 'attribute') return n.childForFieldName('attribute')?.text === 'readStream';
    const step = callParts(n);
    if (!step?.name || !step.object || !READER_SETUP.has(step.name)) return false;
    if (step.name === 'option') {
      const key = step.args[0] ? literalString(unwrapParens(step.args[0])) : undefined;
      if (key === undefined || key.toLowerCase() === 'path') return false;
    }
    if (step.name === 'options' && (step.args.length || [...step.keywords.keys()].some((k) => k.toLowerCase() === 'path'))) return false;
    n = step.object;
  }
  return false;
}
