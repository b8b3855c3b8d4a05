import type { Rule, RuleContext } from '../rule';
import { booleanSetting, sessionSettings } from '../helpers/sessionConf';

/** File formats whose streaming source needs a user schema (text and binaryFile have fixed ones). */
const NEEDS_SCHEMA = new Set(['json', 'csv', 'parquet', 'orc', 'avro', 'xml']);
const SCHEMA_INFERENCE = 'spark.sql.streaming.schemaInference';
const FIXED_SCHEMA = new Set(['binaryfile', 'text']);

export const streamingFileSourceWithoutSchema: Rule = {
  code: 'PSA208',
  name: 'streaming-file-source-without-schema',
  summary: 'spark.readStream on json/csv/parquet/orc/avro/xml files without .schema(...), or Auto Loader without a schema location: the query does not start.',
  defaultSeverity: 'error',
  check(ctx: RuleContext) {
    // With schema inference turned on (or maybe on: set to something the rule cannot read), Spark infers once at start.
    const inference = sessionSettings(ctx.model, SCHEMA_INFERENCE);
    if (inference.some((s) => booleanSetting(s.value) !== false)) return;
    for (const frame of ctx.model.frames) {
      const source = frame.source;
      if (!source?.streaming || source.kind !== 'read' || source.schemaGiven) continue;
      const format = source.format?.toLowerCase();
      if (format === 'cloudfiles') {
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
      ctx.report({
        node: source.node,
        message:
          `Streaming ${format} source without a schema: Spark refuses to start the query ("Schema must be specified when ` +
          'creating a streaming source DataFrame"). A stream cannot infer the schema of files that have not arrived yet. ' +
          'Pass the expected schema with .schema(StructType(...)) or a DDL string; derive it once from existing files with ' +
          'spark.read.load(path).schema if needed.',
      });
    }
  },
};
