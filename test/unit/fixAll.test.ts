import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { bulkFix, countFixes, fixAll } from '../../server/src/fixes/fixAll';
import { defaultSettings } from '../../shared/settings';
import { check, loadParser, py, syntaxErrors } from './helpers';

const ROOT = path.resolve(__dirname, '../../..');
/** PSA301 is strict (opt-in); its unsafe fix is the one these tests hold back or apply, so a severity turns it on. */
const PSA301_ON = { settings: { ...defaultSettings(), 'rules.severity': { PSA301: 'warning' as const } } };
const SAMPLES = [
  'kappa_architecture.py',
  'medallion_architecture.py',
  'customer_export.py',
  'monitoring_pipeline.py',
  'lambda_architecture.py',
  'nightly_orders_job.py',
];

/** Safe (cache), unsafe (coalesce(1) removal) and display-only (watermark delay) fixes in one job. */
const mixed = py`
  from pyspark.sql import SparkSession
  from pyspark.sql import functions as F

  spark = SparkSession.builder.getOrCreate()
  orders = spark.read.parquet("s3://lake/orders/")
  paid = orders.dropDuplicates(["order_id"]).filter(F.col("status") == "paid")
  paid.groupBy("country").count().write.mode("overwrite").parquet("s3://lake/paid_by_country/")
  paid.write.mode("overwrite").parquet("s3://lake/paid/")
  orders.coalesce(1).write.mode("overwrite").csv("s3://exports/orders_csv/")

  clicks = spark.readStream.format("kafka").option("subscribe", "clicks").option("kafka.bootstrap.servers", "b:9092").load()
  per_minute = clicks.groupBy(F.window("timestamp", "1 minute")).count()
  per_minute.writeStream.outputMode("append").trigger(processingTime="1 minute").option("checkpointLocation", "s3://lake/_checkpoints/clicks").format("delta").start("s3://lake/clicks/")
`;

describe('fix all', () => {
  it('applies only safe fixes to the samples, keeps them parseable, and leaves no safe fix behind', async () => {
    const parser = await loadParser();
    let applied = 0;
    for (const name of SAMPLES) {
      const text = fs.readFileSync(path.join(ROOT, 'samples', name), 'utf8');
      const before = await check(text);
      const fixed = fixAll(parser, text);
      applied += fixed.applied.length;
      assert.ok(
        fixed.applied.every((a) => a.applicability === 'safe'),
        `${name}: ${fixed.applied.map((a) => a.code)}`,
      );
      assert.equal(await syntaxErrors(fixed.text), 0, `${name}:\n${fixed.text}`);
      const after = await check(fixed.text);
      assert.equal(after.findings.length, before.findings.length - fixed.applied.length, `${name}: ${fixed.applied.map((a) => a.code)}`);
      for (const f of after.findings) assert.equal(bulkFix(f), undefined, `${name}: ${f.code} still has a safe fix`);
    }
    assert.ok(applied > 0);
  });

  it('holds back unsafe and display-only fixes, and says how many', async () => {
    const parser = await loadParser();
    const before = await check(mixed);
    assert.deepEqual(before.findings.map((f) => f.code).sort(), ['PSA102', 'PSA201', 'PSA301']);
    const { text, applied, held } = fixAll(parser, mixed, PSA301_ON);
    assert.deepEqual(
      applied.map((a) => `${a.code} ${a.applicability}`),
      ['PSA102 safe'],
    );
    assert.match(text, /^paid = paid\.cache\(\)$/m);
    assert.match(text, /orders\.coalesce\(1\)\.write/, 'the single-file export stays');
    assert.doesNotMatch(text, /withWatermark/, 'no delay chosen for the user');
    assert.deepEqual(held, { unsafe: 1, displayOnly: 1 });
  });

  it('with unsafe fixes: applies those too, never a display-only one', async () => {
    const parser = await loadParser();
    const { text, applied, held } = fixAll(parser, mixed, { ...PSA301_ON, unsafe: true });
    assert.deepEqual(applied.map((a) => `${a.code} ${a.applicability}`).sort(), ['PSA102 safe', 'PSA301 unsafe']);
    assert.doesNotMatch(text, /coalesce\(1\)/);
    assert.doesNotMatch(text, /withWatermark/);
    assert.deepEqual(held, { unsafe: 0, displayOnly: 1 });
    assert.deepEqual(countFixes((await check(text)).findings, true), { fixable: 0, unsafe: 0, displayOnly: 1 });
  });

  it('is idempotent and leaves clean files untouched', async () => {
    const parser = await loadParser();
    const text = fs.readFileSync(path.join(ROOT, 'samples', 'monitoring_pipeline.py'), 'utf8');
    const once = fixAll(parser, text);
    assert.ok(once.applied.length > 0);
    const twice = fixAll(parser, once.text);
    assert.equal(twice.text, once.text);
    assert.deepEqual(twice.applied, []);
  });

  it('honours --select style options', async () => {
    const parser = await loadParser();
    assert.deepEqual(
      fixAll(parser, mixed, { ...PSA301_ON, select: ['PSA3'], unsafe: true }).applied.map((a) => a.code),
      ['PSA301'],
    );
    assert.deepEqual(fixAll(parser, mixed, { ...PSA301_ON, select: ['PSA3'] }).applied, []);
  });
});
