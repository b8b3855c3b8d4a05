import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { explorationSignals, isLocalPath, teachingMaterial } from '../../server/src/context/exploration';
import { check, py } from './helpers';

const ROOT = path.resolve(__dirname, '../../..');
const listing = fs.readFileSync(path.join(ROOT, 'test/fixtures/rules/PSA101_ok_exploration.py'), 'utf8');
const job = fs.readFileSync(path.join(ROOT, 'test/fixtures/rules/PSA101_script_job.py'), 'utf8');

describe('exploratory scripts (code context)', () => {
  it('names teaching folders and files, and not words that merely contain them', () => {
    assert.equal(teachingMaterial('src/Ch06/listing_6.14.py'), 'Ch06');
    assert.equal(teachingMaterial('book/chapter_3/orders.py'), 'chapter_3');
    assert.equal(teachingMaterial('course/code-along/orders.py'), 'course');
    assert.equal(teachingMaterial('src/Ch05/exo_5.5.py'), 'Ch05');
    assert.equal(teachingMaterial('spark/exo_5.5.py'), 'exo');
    assert.equal(teachingMaterial('pyspark-tutorials/streaming.py'), 'tutorials');
    assert.equal(teachingMaterial('code/chap07/python/redis_writer.py'), 'chap07');
    assert.equal(teachingMaterial('course/chapters/07_read_write/solution.py'), 'course');
    assert.equal(teachingMaterial('etl/chapters/07_read_write/solution.py'), 'chapters');
    assert.equal(teachingMaterial('big-data/module-02-hdfs-yarn/code/read.py'), 'module-02');
    assert.equal(teachingMaterial('Databricks/Module_09_Delta_Lake/NB_54.py'), 'Module_09');
    assert.equal(teachingMaterial('session-2.1-hdfs/hands_on_upload_and_read.py'), 'hands_on');
    for (const p of [
      'jobs/checkout/orders.py',
      'etl/labels_daily.py',
      'src/exogenous/rates.py',
      'pipelines/latest_orders.py',
      'jobs/chapter_totals.py',
      'jobs/chaperone.py',
      'src/modules/orders.py',
      'etl/module_loader.py',
      'jobs/handsontable_export.py',
    ])
      assert.equal(teachingMaterial(p), undefined, p);
  });

  it('tells local paths from data somebody keeps', () => {
    for (const p of ['./out.csv', '../../data/shows', 'data/orders.csv', '/tmp/x', '/home/me/data.csv', 'file:///home/me/x', 'C:\\data\\x.csv'])
      assert.equal(isLocalPath(p), true, p);
    for (const p of ['s3://lake/raw', 'abfss://c@a.dfs.core.windows.net/x', '/mnt/raw/x', '/Volumes/main/raw/x', 'dbfs:/x', '{root}/x', '/opt/data/x'])
      assert.equal(isLocalPath(p), false, p);
  });

  it('takes a chapter listing that prints its frames and writes next to itself for an exploratory script, and says why', async () => {
    const r = await check(listing, {}, { path: 'src/Ch06/listing_6.14.py' });
    const signals = explorationSignals(r.model!, listing, 'src/Ch06/listing_6.14.py') ?? [];
    assert.deepEqual(signals, [
      'prints frames (4 show()/printSchema() calls)',
      'teaching material (Ch06 in its path)',
      'reads local files (../../data/shows/shows-silicon-valley.json)',
      'runs top to bottom (no functions, no main routine)',
      'writes only to local paths',
    ]);
    assert.deepEqual(r.of('PSA101'), []);
    assert.deepEqual(r.of('PSA301'), []);
    // Rules that speak everywhere still carry the context and its reasons.
    const withBug = listing + 'late = tabular.filter(F.col("season") > 1 and F.col("number") > 3)\n';
    const secret = (await check(withBug, {}, { path: 'src/Ch06/listing_6.14.py' })).of('PSA703')[0];
    assert.equal(secret?.context?.kind, 'exploration');
    assert.match(secret.context!.why, /^exploratory script: prints frames \(4 show\(\)\/printSchema\(\) calls\); teaching material \(Ch06 in its path\)/);
    assert.match(secret.context!.why, /context\.notebooks/);
  });

  it('is judged as a job when the team says its notebooks and scripts are production jobs', async () => {
    const r = await check(listing, { 'context.notebooks': 'job' }, { path: 'src/Ch06/listing_6.14.py' });
    assert.equal(r.of('PSA101').length, 2);
    assert.equal(r.of('PSA101')[0].context?.kind, 'job');
    assert.match(r.of('PSA101')[0].context!.why, /exploratory script run as a job \(context\.notebooks: "job"\)/);
  });

  it('keeps jobs jobs: a main routine with arguments and lake paths, a table write, job parameters, or nothing printed', async () => {
    const jobResult = await check(job, {}, { path: 'src/Ch06/episodes_daily.py' });
    assert.equal(explorationSignals(jobResult.model!, job, 'src/Ch06/episodes_daily.py'), undefined);
    assert.equal(jobResult.of('PSA101').length, 1);
    assert.equal(jobResult.of('PSA101')[0].context?.kind, 'job');
    const variants: [string, string][] = [
      ['a table write', listing.replace('.csv("./silicon-valley-episodes.csv", sep="|", header=True)', '.saveAsTable("media.episodes")')],
      ['a lake write', listing.replace('"./silicon-valley-episodes.csv"', '"abfss://silver@lake.dfs.core.windows.net/episodes"')],
      ['command-line arguments', 'import sys\n' + listing.replace('"../../data/shows/shows-silicon-valley.json"', 'sys.argv[1]')],
      ['a SQL insert', listing + '\nspark.sql("INSERT INTO media.episodes SELECT * FROM staging")\n'],
      ['a write to a path it cannot read', listing.replace('"./silicon-valley-episodes.csv"', 'output_dir')],
      [
        'a BigQuery write (its "path" is a table)',
        listing.replace('.csv("./silicon-valley-episodes.csv", sep="|", header=True)', '.format("bigquery").save("media.episodes")'),
      ],
      [
        'functions and a main routine (a developer harness around job code)',
        listing
          .replace('spark = SparkSession', 'def clean(df):\n    return df.dropna()\n\n\nspark = SparkSession')
          .replace('    pass', '    clean(tabular).show()'),
      ],
    ];
    for (const [what, text] of variants) {
      const r = await check(text, {}, { path: 'src/Ch06/listing_6.14.py' });
      assert.equal(explorationSignals(r.model!, text, 'src/Ch06/listing_6.14.py'), undefined, what);
      assert.ok(r.of('PSA101').length > 0, what);
    }
    const silent = py`
      from pyspark.sql import SparkSession
      spark = SparkSession.builder.getOrCreate()
      orders = spark.read.csv("data/orders.csv", header=True)
      print(orders.count())
      orders.groupBy("country").count().write.mode("overwrite").csv("out/by_country")
    `;
    const s = await check(silent, {}, { path: 'etl/orders.py' });
    assert.equal(explorationSignals(s.model!, silent, 'etl/orders.py'), undefined, 'prints no frame');
  });

  it('needs a second sign when the script prints a single frame', async () => {
    const text = py`
      import os
      from pyspark.sql import SparkSession
      spark = SparkSession.builder.getOrCreate()
      logs = spark.read.csv(os.path.join(data_dir, "logs.csv"), sep="|", header=True)
      for columns in [logs.columns[:3], logs.columns[3:6]]:
          logs.select(*columns).show(5)
    `;
    const inChapter = await check(text, {}, { path: 'src/Ch04/listing_4.8.py' });
    assert.deepEqual(explorationSignals(inChapter.model!, text, 'src/Ch04/listing_4.8.py')?.slice(0, 2), [
      'prints frames (1 show()/printSchema() call)',
      'teaching material (Ch04 in its path)',
    ]);
    assert.deepEqual(inChapter.of('PSA107'), []);
    const elsewhere = await check(text, {}, { path: 'etl/logs.py' });
    assert.equal(explorationSignals(elsewhere.model!, text, 'etl/logs.py'), undefined);
  });
  it('takes a course demo that wraps its whole script in one main() under the __main__ guard for the lesson it is', async () => {
    // A course's demo converting a local CSV to Parquet: it shows rows and prints the counts before and
    // after cleaning, all inside main(). The wrapper is how the course writes scripts.
    const demo = py`
      from pyspark.sql import SparkSession
      from pyspark.sql import functions as F

      SALES_CSV = "data/sales_2024.csv"
      OUT_DIR = "data/sales_parquet"

      def main():
          spark = SparkSession.builder.appName("csv_to_parquet").master("local[*]").getOrCreate()
          sales = spark.read.option("header", True).csv(SALES_CSV)
          print(f"rows read: {sales.count()}")
          sales.show(5)
          clean = sales.filter(F.col("amount") > 0).dropDuplicates()
          print(f"rows kept: {clean.count()}")
          clean.write.mode("overwrite").partitionBy("region").parquet(OUT_DIR)
          spark.stop()

      if __name__ == "__main__":
          main()
    `;
    const inCourse = await check(demo, {}, { path: 'course/demos/demo04.py' });
    assert.deepEqual(explorationSignals(inCourse.model!, demo, 'course/demos/demo04.py'), [
      'prints frames (1 show()/printSchema() call)',
      'teaching material (course in its path)',
      'reads local files (data/sales_2024.csv)',
      'runs on master("local")',
      'writes only to local paths',
    ]);
    assert.deepEqual(inCourse.of('PSA101'), []);
    const viaExit = demo.replace('    main()', '    sys.exit(main())');
    assert.deepEqual((await check('import sys\n' + viaExit, {}, { path: 'course/demos/demo04.py' })).of('PSA101'), []);
    // Outside a teaching folder the same script is a program with an entry point, as before.
    const inEtl = await check(demo, {}, { path: 'etl/sales_to_parquet.py' });
    assert.equal(explorationSignals(inEtl.model!, demo, 'etl/sales_to_parquet.py'), undefined);
    assert.equal(inEtl.of('PSA101').length, 2);
    // A helper beside main(), or a main() given arguments, is a harness around job code even in a course folder.
    const withHelper = demo.replace('def main():', 'def clean_sales(df):\n    return df.dropna()\n\ndef main():');
    assert.equal((await check(withHelper, {}, { path: 'course/demos/demo04.py' })).of('PSA101').length, 2);
    const withArgs = demo.replace('def main():', 'def main(run_date="2024-01-01"):').replace('    main()', '    main("2024-02-01")');
    assert.equal((await check(withArgs, {}, { path: 'course/demos/demo04.py' })).of('PSA101').length, 2);
  });

  it("reads the driver's temporary folder (tempfile) as a local path, and nothing else os.path.join builds", async () => {
    const text = py`
      import os, tempfile
      from pyspark.sql import SparkSession
      spark = SparkSession.builder.master("local[*]").getOrCreate()
      a = spark.read.csv(os.path.join(tempfile.gettempdir(), "orders.csv"), header=True)
      b = spark.read.parquet(os.path.join(tempfile.mkdtemp(), "out", name))
      c = spark.read.parquet(f"{tempfile.gettempdir()}/sales")
      d = spark.read.parquet(os.path.join(base_dir, "sales"))
      e = spark.read.parquet(os.path.join("s3://lake", "sales"))
    `;
    const r = await check(text);
    const paths = r.model!.frames.filter((f) => f.source?.kind === 'read').map((f) => f.source!.path);
    assert.deepEqual(paths, ['/tmp/orders.csv', '/tmp/{tempfile.mkdtemp()}/out/{name}', '/tmp/sales', undefined, undefined]);
    for (const p of paths.slice(0, 3)) assert.equal(isLocalPath(p!), true, p);
  });
});
