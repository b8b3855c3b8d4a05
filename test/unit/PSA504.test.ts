import * as assert from 'node:assert/strict';
import { confEntry } from '../../server/src/spark/conf/sparkConf';
import { judgeValue } from '../../server/src/rules/configuration/PSA504-invalid-conf-value';
import { applyFix, check, py } from './helpers';

describe('PSA504 invalid-conf-value', () => {
  const session = py`
    from pyspark import SparkConf
    from pyspark.sql import SparkSession

    conf = SparkConf().set("spark.executor.memory", "1.5g").set("spark.executor.cores", "4")
    spark = (SparkSession.builder
             .appName("orders-nightly")
             .config(conf=conf)
             .config("spark.sql.adaptive.enabled", "yes")
             .config("spark.network.timeout", "10 minutes")
             .config(map={"spark.sql.parquet.compression.codec": "snapy"})
             .getOrCreate())
    spark.conf.set("spark.sql.shuffle.partitions", 200.0)
    spark.conf.set("spark.sql.sources.partitionOverwriteMode", "dynamc")
  `;

  it('flags values Spark cannot parse, at the value, as errors with the fix when it is clear', async () => {
    const r = await check(session);
    const found = r.of('PSA504');
    assert.deepEqual(
      found.map((f) => `${r.lineOf(f)}: ${r.textOf(f)}`),
      ['4: "1.5g"', '8: "yes"', '9: "10 minutes"', '10: "snapy"', '12: 200.0', '13: "dynamc"'],
    );
    assert.ok(found.every((f) => f.severity === 'error'));
    assert.match(found[0].message, /"1\.5g" is not a valid value for spark\.executor\.memory, which takes a size: sizes must be whole numbers/);
    const fixed = [
      ['"1536m"', /SparkConf\(\)\.set\("spark\.executor\.memory", "1536m"\)/],
      ['"true"', /config\("spark\.sql\.adaptive\.enabled", "true"\)/],
      ['"10min"', /config\("spark\.network\.timeout", "10min"\)/],
      ['"snappy"', /"spark\.sql\.parquet\.compression\.codec": "snappy"/],
      ['"200"', /spark\.conf\.set\("spark\.sql\.shuffle\.partitions", "200"\)/],
      ['"DYNAMIC"', /spark\.conf\.set\("spark\.sql\.sources\.partitionOverwriteMode", "DYNAMIC"\)/],
    ] as const;
    for (let i = 0; i < found.length; i++) {
      const { text } = await applyFix(r, found[i]);
      assert.match(text, fixed[i][1], fixed[i][0]);
    }
    // Spark refused each value: with the fix the job runs with another, so none is applied in bulk;
    // a nearby spelling ("snapy" -> "snappy") says it is a guess.
    assert.ok(found.every((f) => f.fixes[0]?.applicability === 'unsafe'));
    assert.deepEqual(
      found.map((f) => f.fixes[0]?.applicability === 'unsafe' && f.fixes[0].reason.startsWith('a guess')),
      [false, false, false, true, false, true],
    );
  });

  it('judges values the way Spark parses them', () => {
    const entry = (key: string) => confEntry(key)!;
    const bad = (key: string, value: string) => judgeValue(entry(key), value);
    assert.equal(bad('spark.sql.adaptive.enabled', 'FALSE'), undefined);
    assert.equal(bad('spark.sql.adaptive.enabled', 'off')?.suggestion, 'false');
    assert.equal(bad('spark.executor.memory', '2 GB')?.suggestion, '2g');
    assert.match(bad('spark.executor.memory', '2x')!.reason, /not a size unit/);
    assert.equal(bad('spark.network.timeout', '1.5h')?.suggestion, '5400000ms');
    assert.equal(bad('spark.network.timeout', '90sec')?.suggestion, '90s');
    assert.equal(bad('spark.network.timeout', '1h30m')?.suggestion, undefined);
    assert.match(bad('spark.sql.shuffle.partitions', '99999999999')!.reason, /Java int/);
    // Spark lower-cases nothing here: catalogImplementation values are exact.
    assert.equal(bad('spark.sql.catalogImplementation', 'Hive')?.suggestion, 'hive');
    assert.equal(bad('spark.sql.catalogImplementation', 'in-memory'), undefined);
  });

  it('leaves values a tool renders before Spark parses them (Jinja, ${...}), and judges the rest', () => {
    const bad = (key: string, value: string) => judgeValue(confEntry(key)!, value);
    assert.equal(bad('spark.cores.max', "{{ dag_run.conf.get('spark_cores_max', 12) }}"), undefined);
    assert.equal(bad('spark.executor.cores', '{{job.parameters.cores}}'), undefined);
    assert.equal(bad('spark.executor.memory', '${env:EXECUTOR_MEMORY}'), undefined);
    assert.equal(bad('spark.sql.shuffle.partitions', '${spark.default.parallelism}'), undefined);
    // Braces that are no template, and a lone dollar, are still values Spark rejects.
    assert.match(bad('spark.cores.max', '{12}')!.reason, /not a whole number/);
    assert.match(bad('spark.executor.cores', '$4')!.reason, /not a whole number/);
  });
});
