import * as assert from 'node:assert/strict';
import { applyFix, check, py } from './helpers';

describe('PSA501 static-conf-at-runtime', () => {
  const src = py`
    from pyspark.sql import SparkSession

    spark = SparkSession.builder \\
        .appName("nightly") \\
        .getOrCreate()

    spark.conf.set("spark.sql.shuffle.partitions", "400")
    spark.conf.set("spark.executor.memory", "16g")
    spark.conf.set("spark.sql.extensions", "io.delta.sql.DeltaSparkSessionExtension")
    spark.conf.set("spark.ssl.enabled", "true")
    spark.conf.set("spark.app.name", "renamed")
  `;

  it('flags static SQL and core confs set at runtime with the right severity', async () => {
    const r = await check(src);
    const found = r.of('PSA501');
    assert.deepEqual(
      found.map((f) => [r.lineOf(f), f.severity]),
      [
        [8, 'error'],
        [9, 'error'],
        [10, 'warning'],
        [11, 'warning'],
      ],
    );
    assert.match(found[1].message, /static config/);
  });

  it('fix moves the setting into the builder chain', async () => {
    const r = await check(src);
    const { text } = await applyFix(r, r.of('PSA501')[0]);
    assert.match(text, /\.appName\("nightly"\) \\\n {4}\.config\("spark\.executor\.memory", "16g"\) \\\n {4}\.getOrCreate\(\)/);
    assert.doesNotMatch(text, /conf\.set\("spark\.executor\.memory"/);
  });

  it('fix on a one-line builder and inside a function body', async () => {
    const r = await check(py`
      from pyspark.sql import SparkSession
      spark = SparkSession.builder.appName("x").getOrCreate()

      def tune():
          spark.conf.set("spark.serializer", "org.apache.spark.serializer.KryoSerializer")
    `);
    const { text } = await applyFix(r, r.of('PSA501')[0]);
    assert.match(
      text,
      /SparkSession\.builder\.appName\("x"\)\.config\("spark\.serializer", "org\.apache\.spark\.serializer\.KryoSerializer"\)\.getOrCreate\(\)/,
    );
    assert.match(text, /def tune\(\):\n {4}pass/);
  });
});
