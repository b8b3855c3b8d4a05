import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { analyze } from '../../server/src/analysis';
import type { DataFrameModel, Frame, SinkInfo } from '../../server/src/model/types';
import { ruleByCode } from '../../server/src/rules';
import {
  dynamicOverwriteOption,
  maskColumnsCall,
  observationTemplate,
  watermarkCall,
} from '../../server/src/templates';
import { snippets as generated, type SnippetDefinition } from '../../snippets/src/snippets';
import { check, loadParser, syntaxErrors, type Analysed } from './helpers';
import { graphOf } from './graphTestHelpers';
import { expandSnippet, tabStops } from './snippetExpansion';

const ROOT = path.resolve(__dirname, '../../..');
const shipped = JSON.parse(fs.readFileSync(path.join(ROOT, 'snippets/pyspark.json'), 'utf8')) as Record<string, SnippetDefinition>;

function byPrefix(prefix: string): { name: string; snippet: SnippetDefinition; text: string } {
  const entry = Object.entries(shipped).find(([, s]) => s.prefix === prefix);
  assert.ok(entry, `no snippet with prefix ${prefix}`);
  return { name: entry[0], snippet: entry[1], text: expandSnippet(entry[1].body) };
}

function describeFindings(result: Analysed): string {
  return result.findings.map((f) => `  ${f.code} line ${result.lineOf(f)}: ${result.textOf(f)}\n    ${f.message}`).join('\n');
}

/** Snippets inserted into an existing file: they use a frame, `F` and a logger defined before them. */
const FRAGMENTS = new Set(['pyspark-mask-pii', 'pyspark-observe-count', 'pyspark-dynamic-overwrite']);

/**
 * Runs `inspect` on the model of `text` while its tree is alive (`check` deletes the tree, after
 * which the model's nodes read as garbage).
 */
async function withModel<T>(text: string, inspect: (model: DataFrameModel) => T): Promise<T> {
  const tree = (await loadParser()).parse(text);
  try {
    const { model } = analyze(tree, text);
    assert.ok(model, 'not analysed');
    return inspect(model);
  } finally {
    tree.delete();
  }
}

const sources = (m: DataFrameModel): Frame[] => m.frames.filter((f) => f.source);
const streamSinks = (m: DataFrameModel): SinkInfo[] => m.sinks.filter((s) => s.streaming);
const functionName = (scope: Frame['scope']): string | undefined =>
  scope.type === 'function_definition' ? scope.childForFieldName('name')?.text : undefined;

describe('snippets/pyspark.json', () => {
  it('is exactly what snippets/src/snippets.ts generates (run `npm run build` after editing the source)', () => {
    assert.deepEqual(shipped, generated);
  });

  it('contributes every snippet the issue lists, with distinct pyspark- prefixes and a description', () => {
    const prefixes = Object.values(shipped).map((s) => s.prefix);
    assert.deepEqual(new Set(prefixes).size, prefixes.length, 'duplicate prefix');
    for (const wanted of [
      'pyspark-lambda', 'pyspark-kappa', 'pyspark-medallion', 'pyspark-kafka-stream', 'pyspark-foreachbatch-merge',
      'pyspark-autoloader', 'pyspark-session', 'pyspark-mask-pii', 'pyspark-observe-count', 'pyspark-dynamic-overwrite',
    ]) {
      assert.ok(prefixes.includes(wanted), `missing ${wanted}`);
    }
    for (const [name, s] of Object.entries(shipped)) {
      assert.match(s.prefix, /^pyspark-[a-z-]+$/, name);
      assert.ok(s.description.length > 30, `${name}: description too short`);
      assert.ok(s.body.length > 0, `${name}: empty body`);
    }
  });

  it('numbers tab stops 1..n without gaps, so Tab visits every placeholder in order', () => {
    for (const [name, s] of Object.entries(shipped)) {
      const stops = tabStops(s.body).filter((n) => n !== 0);
      assert.ok(stops.length > 0, `${name} has no tab stops`);
      assert.deepEqual(stops, stops.map((_, i) => i + 1), `${name}: tab stops ${stops.join(',')}`);
    }
  });

  for (const [name, snippet] of Object.entries(shipped)) {
    it(`${snippet.prefix}: expands to Python that parses and raises no finding`, async () => {
      const text = expandSnippet(snippet.body);
      assert.equal(await syntaxErrors(text), 0, `${name} does not parse:\n${text}`);
      const result = await check(text);
      assert.equal(result.findings.length, 0, `${name} raises findings:\n${describeFindings(result)}\n---\n${text}`);
      if (!FRAGMENTS.has(snippet.prefix)) assert.equal(result.skipped, undefined, `${name} was not analysed`);
    });
  }

  it('never uses what the rules warn about: count()/collect(), trigger(once=True), /tmp checkpoints, literal secrets', () => {
    for (const [name, s] of Object.entries(shipped)) {
      const text = expandSnippet(s.body);
      assert.doesNotMatch(text, /\.(count|collect)\(\)/, name);
      assert.doesNotMatch(text, /once\s*=\s*True/, name);
      assert.doesNotMatch(text, /["'](\/tmp|\.\/|file:\/tmp)/, name);
      assert.doesNotMatch(text, /localhost|password\s*=|secret\s*=/i, name);
    }
  });

  it('gives every streaming query its own checkpointLocation', async () => {
    for (const [name, s] of Object.entries(shipped)) {
      if (FRAGMENTS.has(s.prefix)) continue;
      const checkpoints = await withModel(expandSnippet(s.body), (m) =>
        streamSinks(m).map((sink) => sink.options.get('checkpointLocation')).map((c) => c && (c.value ?? c.node.text)),
      );
      assert.ok(checkpoints.every((c) => c !== undefined), `${name}: a streaming sink without checkpointLocation`);
      const values = checkpoints as string[];
      assert.equal(new Set(values).size, values.length, `${name}: checkpoints shared between queries: ${values.join(', ')}`);
    }
  });
});

describe('architecture snippets', () => {
  it('medallion writes bronze, silver and gold, each layer reading the one before', async () => {
    const { text } = byPrefix('pyspark-medallion');
    const { sinkPaths, readPaths } = await withModel(text, (m) => ({
      sinkPaths: m.sinks.map((s) => s.path ?? ''),
      readPaths: sources(m).map((f) => f.source!.path ?? ''),
    }));
    assert.deepEqual(sinkPaths.map((p) => /\/(bronze|silver|gold)\//.exec(p + '/')?.[1]), ['bronze', 'silver', 'gold'], sinkPaths.join(', '));
    assert.ok(readPaths.some((p) => p.includes('/bronze/')) && readPaths.some((p) => p.includes('/silver/')), readPaths.join(', '));
    assert.match(text, /_ingested_at/, 'bronze carries ingestion metadata');
    assert.match(text, /dropDuplicates/, 'silver deduplicates');
    assert.match(text, /\.groupBy\(/, 'gold aggregates');
  });

  it('lambda has a batch layer (spark.read), a speed layer (readStream) and a serving function reading both views', async () => {
    const { text } = byPrefix('pyspark-lambda');
    await withModel(text, (m) => {
      const batchRead = sources(m).find((f) => f.source!.streaming === false && functionName(f.scope) === 'batch_layer');
      const streamRead = sources(m).find((f) => f.source!.streaming === true && functionName(f.scope) === 'speed_layer');
      assert.ok(batchRead, 'no batch read in batch_layer');
      assert.ok(streamRead, 'no readStream in speed_layer');
      const batchView = m.sinks.find((s) => !s.streaming && functionName(s.scope) === 'batch_layer')?.path;
      const speedView = m.sinks.find((s) => s.streaming && functionName(s.scope) === 'speed_layer')?.path;
      assert.ok(batchView && speedView, 'batch and speed layers both write a view');
      const serving = sources(m).filter((f) => functionName(f.scope) === 'serving_layer');
      assert.deepEqual(serving.map((f) => f.source!.path).sort(), [batchView, speedView].sort(), 'serving reads both views');
      assert.ok(serving.every((f) => f.source!.streaming === false), 'serving reads are batch reads');
    });
  });

  it('kappa has exactly one streaming read and writes only Delta streams', async () => {
    const { text } = byPrefix('pyspark-kappa');
    await withModel(text, (m) => {
      const all = sources(m);
      assert.equal(all.length, 1, `sources: ${all.map((f) => f.node.text).join(' | ')}`);
      assert.equal(all[0].source!.streaming, true);
      assert.equal(all[0].source!.format, 'kafka');
      assert.ok(m.sinks.length >= 1);
      assert.ok(m.sinks.every((s) => s.streaming && s.format === 'delta'), m.sinks.map((s) => `${s.format}`).join(', '));
    });
  });
});

describe('architecture snippets in the pipeline graph', () => {
  for (const [prefix, architecture, layers] of [
    ['pyspark-medallion', 'medallion', ['bronze', 'silver', 'gold']],
    ['pyspark-lambda', 'lambda', ['batch', 'speed', 'serving']],
    ['pyspark-kappa', 'kappa', ['source', 'stream', 'lake', 'serving']],
  ] as const) {
    it(`${prefix} is drawn as ${architecture}, every lane used`, async () => {
      const g = await graphOf([{ name: `${prefix}.py`, text: byPrefix(prefix).text }]);
      assert.equal(g.architecture, architecture);
      assert.deepEqual(g.layers, layers);
      const used = new Set(g.nodes.map((n) => n.layer));
      for (const lane of layers.filter((l) => l !== 'serving' || architecture !== 'kappa')) assert.ok(used.has(lane), `${prefix}: nothing in lane ${lane}`);
      assert.ok(g.nodes.every((n) => n.layer !== null), `${prefix}: unlayered ${g.nodes.filter((n) => !n.layer).map((n) => n.label)}`);
    });
  }
});

describe('fragment snippets in a file that needs them', () => {
  const header = [
    'import logging',
    '',
    'from pyspark.sql import Observation, SparkSession',
    'from pyspark.sql import functions as F',
    'from pyspark.sql.types import StringType, StructField, StructType',
    'from schemas import ORDERS_SCHEMA',
    '',
    'logger = logging.getLogger(__name__)',
    'spark = SparkSession.builder.appName("fragments").getOrCreate()',
    'schema = StructType([StructField("customer_id", StringType()), StructField("email", StringType()), StructField("phone_number", StringType())])',
    'customers = spark.read.schema(schema).parquet("s3://data-lake/bronze/crm/customers/")',
    'orders = spark.read.schema(ORDERS_SCHEMA).json("s3://data-lake/bronze/sales/orders/")',
    // Today's rows only: an overwrite that is not dynamic would delete every other day.
    'df = spark.read.parquet("s3://data-lake/bronze/events/").withColumn("event_date", F.to_date("event_time")).filter(F.col("event_date") == F.current_date())',
  ].join('\n');

  it('pyspark-mask-pii masks the PII the frame carries (without it, PSA401 fires)', async () => {
    const write = '\ncustomers_masked.write.format("delta").mode("append").save("s3://data-lake/silver/crm/customers/")\n';
    const masked = await check(`${header}\n${byPrefix('pyspark-mask-pii').text}${write}`);
    assert.deepEqual(masked.findings, [], describeFindings(masked));
    const control = await check(`${header}\ncustomers_masked = customers${write}`);
    assert.equal(control.of('PSA401').length, 1, 'the context must expose PII for this test to mean anything');
  });

  it('pyspark-observe-count counts rows without a count() job (the count() version raises PSA101)', async () => {
    const observed = await check(`${header}\n${byPrefix('pyspark-observe-count').text}\n`);
    assert.deepEqual(observed.findings, [], describeFindings(observed));
    const control = await check(
      `${header}\norders.write.format("delta").mode("append").save("s3://data-lake/silver/orders")\nlogger.info("orders rows written: %d", orders.count())\n`,
    );
    assert.equal(control.of('PSA101').length, 1, 'the context must make count-for-logging visible');
  });

  it('pyspark-dynamic-overwrite overwrites only the written partitions', async () => {
    const text = byPrefix('pyspark-dynamic-overwrite').text;
    const result = await check(`${header}\n${text}\n`);
    assert.deepEqual(result.findings, [], describeFindings(result));
    await withModel(`${header}\n${text}\n`, (m) => {
      const sink = m.sinks[0];
      assert.equal(sink.mode, 'overwrite');
      assert.equal(sink.options.get('partitionOverwriteMode')?.value, 'dynamic');
      assert.deepEqual(sink.partitionBy.map((p) => p.name), ['event_date']);
    });
    // The option is what keeps the overwrite rule quiet.
    assert.ok(ruleByCode('PSA304'));
    const without = await check(`${header}\n${text.replace(dynamicOverwriteOption(), '')}\n`);
    assert.equal(without.of('PSA304').length, 1);
  });
});

describe('snippets write the code quick fixes write (server/src/templates.ts)', () => {
  it('watermarks come from watermarkCall', () => {
    assert.ok(byPrefix('pyspark-kafka-stream').text.includes(watermarkCall('event_time', '10 minutes')));
    assert.ok(byPrefix('pyspark-lambda').text.includes(watermarkCall('event_time', '10 minutes')));
    assert.ok(byPrefix('pyspark-kappa').text.includes(watermarkCall('event_time', '10 minutes')));
  });

  it('PII masking comes from maskColumnsCall / maskColumnCall', () => {
    assert.ok(byPrefix('pyspark-mask-pii').text.includes(`customers${maskColumnsCall(['email', 'phone_number'], 'F', '')}`));
  });

  it('the row count comes from observationTemplate', () => {
    const text = byPrefix('pyspark-observe-count').text;
    const t = observationTemplate('orders', 'F');
    for (const line of [...t.statements, t.rowCount]) assert.ok(text.includes(line), line);
  });

  it('partitioned overwrites use dynamicOverwriteOption', () => {
    assert.ok(byPrefix('pyspark-dynamic-overwrite').text.includes(dynamicOverwriteOption()));
    assert.ok(byPrefix('pyspark-medallion').text.includes(dynamicOverwriteOption()));
  });
});
