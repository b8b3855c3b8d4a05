import * as assert from 'node:assert/strict';
import fc from 'fast-check';
import { buildModel } from '../../server/src/model/buildModel';
import { isSessionFactoryName } from '../../server/src/spark/session';
import { loadParser, py } from './helpers';

/** The source kinds (with the op that made each frame) the model reads from `text`. */
async function sources(text: string): Promise<string[]> {
  const parser = await loadParser();
  const tree = parser.parse(text);
  try {
    const { model } = buildModel(tree, text);
    return model.frames.filter((f) => f.source).map((f) => `${f.source!.kind}${f.source!.streaming ? ' (stream)' : ''}`);
  } finally {
    tree.delete();
  }
}

describe('sessions and frames the model reaches through helpers (issue #11 recall)', () => {
  it('takes a function for a session factory only when its name is made of session words', () => {
    for (const name of [
      'get_spark',
      'get_spark_session',
      'create_spark_session',
      'start_spark',
      'utils.getOrCreateSparkSession',
      'init_local_spark',
      'build_spark',
    ])
      assert.ok(isSessionFactoryName(name), name);
    for (const name of [
      'get_spark_dataframe',
      'get_spark_conf',
      'create_spark_context',
      'spark_version',
      'create_session',
      'get_session',
      'spark',
      'load_spark_table',
    ])
      assert.ok(!isSessionFactoryName(name), name);
  });

  it('the early exit for names without "spark" answers as the word split does, for any name', () => {
    const VERBS = new Set(['get', 'create', 'build', 'init', 'initialize', 'initialise', 'start', 'make', 'new', 'setup', 'configure', 'obtain', 'open']);
    const WORDS = new Set([...VERBS, 'or', 'spark', 'session', 'local', 'default', 'databricks', 'connect', 'remote', 'app', 'the', 'a', 'my']);
    // The word split alone, as it was before the early exit.
    const bySplit = (callee: string): boolean => {
      const words = callee
        .slice(callee.lastIndexOf('.') + 1)
        .replace(/([a-z0-9])([A-Z])/g, '$1_$2')
        .toLowerCase()
        .split('_')
        .filter(Boolean);
      return words.length >= 2 && VERBS.has(words[0]) && words.includes('spark') && words.every((w) => WORDS.has(w));
    };
    const piece = fc.constantFrom(
      'get',
      'Get',
      'GET',
      'spark',
      'Spark',
      'SPARK',
      'SPAR\u212A',
      'ſpark',
      'session',
      'Session',
      'or',
      'Create',
      'local',
      '_',
      '.',
      'x',
      '1',
      'İ',
      'Σ',
      'df',
    );
    fc.assert(
      fc.property(fc.array(piece, { maxLength: 8 }), fc.string({ maxLength: 6 }), (pieces, junk) => {
        for (const name of [pieces.join(''), pieces.join('_'), pieces.join('') + junk]) assert.equal(isSessionFactoryName(name), bySplit(name), name);
      }),
      { seed: 606, numRuns: 2000 },
    );
  });

  it('reads frames from sessions built through helpers, active sessions, context objects and Spark 1.x contexts', async () => {
    const text = py`
      from pyspark.sql import SparkSession, SQLContext
      from common import configure, start_spark

      a = configure(SparkSession.builder).getOrCreate().read.json("s3://a")
      b = SparkSession.getActiveSession().table("db.b")
      c = SparkSession.active().sql("SELECT 1")
      spark = start_spark()
      d = spark.read.parquet("s3://d")
      e = job_context.spark.table("db.e")
      f = SQLContext(sc).read.csv("s3://f")
    `;
    assert.deepEqual(await sources(text), ['read', 'table', 'sql', 'read', 'table', 'read']);
  });

  it('leaves sessions of other libraries and Spark-named helpers that return other things alone', async () => {
    const text = py`
      from snowflake.snowpark import Session
      import mlflow

      s = Session.builder.configs(params).create()
      a = s.table("ORDERS")
      b = get_spark_dataframe("orders")
      m = mlflow.spark.load_model("models:/m/1")
      c = create_session().read.json("x")
    `;
    assert.deepEqual(await sources(text), []);
  });

  it('hands a foreachBatch function one batch frame per micro-batch, and knows such functions by their parameters', async () => {
    const text = py`
      from pyspark.sql import SparkSession
      spark = SparkSession.builder.getOrCreate()

      def handle(batch_df, epoch_id):
          batch_df.write.saveAsTable("t")

      def elsewhere(micro_df, batchId):
          micro_df.write.saveAsTable("u")

      def not_a_handler(df, other):
          df.write.saveAsTable("v")

      spark.readStream.table("src").writeStream.foreachBatch(handle).start()
    `;
    const parser = await loadParser();
    const tree = parser.parse(text);
    try {
      const { model } = buildModel(tree, text);
      const sinks = model.sinks.map((s) => `${s.table ?? s.method}:${s.frame.source?.kind ?? s.frame.op}:${s.streaming}`);
      assert.deepEqual(sinks.sort(), ['start:table:true', 't:foreachBatch:false', 'u:foreachBatch:false']);
    } finally {
      tree.delete();
    }
  });

  it('reads Glue DynamicFrames (and the DataFrames toDF() makes of them) and Glue DataFrame readers, in Glue files only', async () => {
    const glue = py`
      from awsglue.context import GlueContext
      glueContext = GlueContext(sc)
      orders = glueContext.create_dynamic_frame.from_catalog(database="sales", table_name="orders").toDF()
      refunds = glueContext.create_data_frame.from_catalog(database="sales", table_name="refunds")
      clicks = glueContext.create_data_frame.from_options(connection_type="kinesis", connection_options={})
    `;
    const parser = await loadParser();
    const tree = parser.parse(glue);
    try {
      const { model } = buildModel(tree, glue);
      const frames = model.frames.map((f) => `${f.op}:${f.source?.kind}:${f.source?.table ?? ''}:${f.streaming}`);
      assert.deepEqual(frames, [
        'create_dynamic_frame:table:sales.orders:false',
        // toDF() derives from the DynamicFrame: one lineage, so a count of either and a write of the other meet.
        'toDF:undefined::false',
        'create_data_frame:table:sales.refunds:undefined',
        'create_data_frame:read::true',
      ]);
    } finally {
      tree.delete();
    }
    // Outside Glue files the readers are someone else's.
    assert.deepEqual(await sources('from pyspark.sql import SparkSession\nr = ctx.create_data_frame.from_catalog(database="a", table_name="b")\n'), []);
  });
});
