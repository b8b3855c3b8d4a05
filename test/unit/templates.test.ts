import * as assert from 'node:assert/strict';
import {
  availableNowTrigger,
  cacheStatement,
  checkpointOption,
  dynamicOverwriteOption,
  environmentSecret,
  maskColumnCall,
  maskColumnsCall,
  observationTemplate,
  watermarkCall,
} from '../../server/src/templates';
import { check, py, syntaxErrors } from './helpers';

/** A streaming aggregation whose chain gets `segment` before the groupBy. */
function streamingAggregation(segment: string, checkpoint = checkpointOption('s3://lake/_checkpoints/counts')): string {
  return py`
    from pyspark.sql import SparkSession
    from pyspark.sql import functions as F

    spark = SparkSession.builder.getOrCreate()
    events = spark.readStream.format("kafka").option("subscribe", "events").load()
    counts = events${segment}.groupBy(F.window("timestamp", "5 minutes")).count()
    counts.writeStream.format("delta").outputMode("append").trigger(processingTime="1 minute")${checkpoint}.start("s3://lake/counts")
  `;
}

const PII_FRAME = py`
  from pyspark.sql import SparkSession
  from pyspark.sql import functions as F
  from pyspark.sql.types import StringType, StructField, StructType

  spark = SparkSession.builder.getOrCreate()
  schema = StructType([StructField("id", StringType()), StructField("email", StringType()), StructField("phone", StringType())])
  people = spark.read.schema(schema).json("s3://lake/bronze/people/")
`;

describe('templates shared by quick fixes and snippets', () => {
  it('write the exact Python the fixes have been writing', () => {
    assert.equal(watermarkCall('event_time', '10 minutes'), '.withWatermark("event_time", "10 minutes")');
    assert.equal(watermarkCall('ts'), '.withWatermark("ts", "10 minutes")');
    assert.equal(maskColumnCall('email', 'F'), 'F.sha2(F.col("email").cast("string"), 256)');
    assert.equal(
      maskColumnsCall(['email', 'phone'], 'sf'),
      '.withColumns({"email": sf.sha2(sf.col("email").cast("string"), 256), "phone": sf.sha2(sf.col("phone").cast("string"), 256)})',
    );
    assert.equal(dynamicOverwriteOption(), '.option("partitionOverwriteMode", "dynamic")');
    assert.equal(checkpointOption('s3://lake/_checkpoints/q'), '.option("checkpointLocation", "s3://lake/_checkpoints/q")');
    assert.equal(availableNowTrigger(), '.trigger(availableNow=True)');
    assert.equal(environmentSecret('DB_PASSWORD'), 'os.environ["DB_PASSWORD"]');
    assert.equal(cacheStatement('orders'), 'orders = orders.cache()');
    assert.deepEqual(observationTemplate('df', 'F'), {
      observation: 'df_observation',
      statements: ['df_observation = Observation("df_metrics")', 'df = df.observe(df_observation, F.count(F.lit(1)).alias("row_count"))'],
      rowCount: 'df_observation.get["row_count"]',
    });
  });

  it('quote values so a quote or backslash in a name cannot break the Python', async () => {
    const segment = watermarkCall('odd"name\\', '1 hour');
    assert.equal(await syntaxErrors(`df = df${segment}\n`), 0);
    assert.equal(await syntaxErrors(`x = ${maskColumnCall('a"b', 'F')}\n`), 0);
  });

  it('watermarkCall bounds the state of a streaming aggregation (PSA201 goes away)', async () => {
    assert.equal((await check(streamingAggregation(''))).of('PSA201').length, 1);
    const fixed = await check(streamingAggregation(watermarkCall('timestamp')));
    assert.deepEqual(fixed.findings, []);
  });

  it('checkpointOption with a durable path satisfies the checkpoint rule; /tmp does not', async () => {
    const tmp = await check(streamingAggregation(watermarkCall('timestamp'), checkpointOption('/tmp/counts')));
    assert.equal(tmp.of('PSA204').length, 1);
  });

  it('maskColumnCall and maskColumnsCall hide PII from the sink (PSA401 goes away)', async () => {
    const write = '\nmasked.write.mode("append").parquet("s3://lake/silver/people/")\n';
    assert.equal((await check(`${PII_FRAME}\nmasked = people${write}`)).of('PSA401').length, 1);
    const one = `masked = people.withColumn("email", ${maskColumnCall('email', 'F')}).withColumn("phone", ${maskColumnCall('phone', 'F')})`;
    assert.deepEqual((await check(`${PII_FRAME}\n${one}${write}`)).findings, []);
    const many = `masked = people${maskColumnsCall(['email', 'phone'], 'F', '')}`;
    assert.equal(await syntaxErrors(`${PII_FRAME}\n${many}${write}`), 0);
    assert.deepEqual((await check(`${PII_FRAME}\n${many}${write}`)).findings, []);
  });

  it('observationTemplate replaces a logged count() (PSA101 goes away)', async () => {
    const head = `import logging\n${PII_FRAME.replace('from pyspark.sql import SparkSession', 'from pyspark.sql import Observation, SparkSession')}\nlog = logging.getLogger(__name__)\n`;
    const write = 'people.write.mode("append").parquet("s3://lake/silver/people/")';
    const counted = await check(`${head}${write}\nlog.info("rows: %d", people.count())\n`);
    assert.equal(counted.of('PSA101').length, 1);
    const t = observationTemplate('people', 'F');
    const observed = `${head}${t.statements.join('\n')}\n${write}\nlog.info("rows: %d", ${t.rowCount})\n`;
    assert.equal(await syntaxErrors(observed), 0);
    assert.deepEqual((await check(observed)).of('PSA101'), []);
  });
});
