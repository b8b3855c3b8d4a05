// Deterministic generator of realistic PySpark modules for the benchmark (and the fuzz tests).
// A module is a header (imports, session, path constants, schemas) followed by pipeline functions
// composed from varied templates: reads, withColumn chains, groupBy/window/watermark, joins, writes
// with options, helpers called by other functions, loops, monitoring counts, UDFs and configs.
// The same (lines, seed) always gives the same text.

/** mulberry32: small, fast, seedable. */
export function rng(seed) {
  let a = seed >>> 0;
  const next = () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  return {
    next,
    int: (lo, hi) => lo + Math.floor(next() * (hi - lo + 1)),
    pick: (xs) => xs[Math.floor(next() * xs.length)],
    chance: (p) => next() < p,
    some: (xs, n) => {
      const copy = [...xs];
      const out = [];
      while (out.length < n && copy.length) out.push(copy.splice(Math.floor(next() * copy.length), 1)[0]);
      return out;
    },
  };
}

const ENTITIES = ['orders', 'customers', 'events', 'payments', 'sessions', 'clicks', 'devices', 'invoices', 'shipments', 'accounts', 'products', 'reviews'];
const COLUMNS = [
  'order_id',
  'customer_id',
  'event_type',
  'amount',
  'currency',
  'country',
  'status',
  'event_time',
  'quantity',
  'price',
  'discount',
  'channel',
  'device_id',
  'region',
  'category',
  'score',
  'email',
  'phone_number',
  'created_at',
  'updated_at',
];
const FORMATS = ['parquet', 'delta', 'json', 'csv', 'orc'];
const LAYERS = ['bronze', 'silver', 'gold'];
const EXPRS = [
  (c) => `F.col("${c}").cast("double")`,
  (c) => `F.upper(F.trim(F.col("${c}")))`,
  (c) => `F.coalesce(F.col("${c}"), F.lit(0))`,
  (c) => `F.when(F.col("${c}").isNull(), F.lit("unknown")).otherwise(F.col("${c}"))`,
  (c) => `F.to_date(F.col("${c}"))`,
  (c) => `F.regexp_replace(F.col("${c}"), r"[^0-9A-Za-z]", "")`,
  (c) => `F.round(F.col("${c}") * F.lit(1.2), 2)`,
  (c) => `F.sha2(F.col("${c}").cast("string"), 256)`,
  (c) => `F.length(F.col("${c}"))`,
  () => 'F.current_timestamp()',
  (c) => `F.concat_ws("-", F.col("${c}"), F.lit("x"))`,
  (c) => `F.date_format(F.col("${c}"), "yyyy-MM-dd")`,
];
const AGGS = [
  (c) => `F.count("*").alias("n_${c}")`,
  (c) => `F.sum("${c}").alias("total_${c}")`,
  (c) => `F.avg("${c}").alias("avg_${c}")`,
  (c) => `F.max("${c}").alias("max_${c}")`,
  (c) => `F.countDistinct("${c}").alias("distinct_${c}")`,
  (c) => `F.approx_count_distinct("${c}").alias("approx_${c}")`,
];

class Gen {
  constructor(seed) {
    this.r = rng(seed);
    this.n = 0;
    /** Helper functions defined so far: { name, kind: 'reader' | 'transform' }. */
    this.helpers = [];
    this.pipelines = [];
  }

  id() {
    return ++this.n;
  }

  cols(n) {
    return this.r.some(COLUMNS, n);
  }

  path(layer, entity, i) {
    return this.r.pick([
      `f"{${layer.toUpperCase()}_ROOT}/${entity}_${i}/"`,
      `"s3://data-lake/${layer}/${entity}_${i}/"`,
      `${layer.toUpperCase()}_ROOT + "/${entity}_${i}"`,
      `"abfss://lake@acct.dfs.core.windows.net/${layer}/${entity}_${i}"`,
    ]);
  }

  withColumns(indent, n) {
    const out = [];
    for (const c of this.cols(n)) out.push(`${indent}.withColumn("${c}_${this.r.int(1, 9)}", ${this.r.pick(EXPRS)(c)}) \\`);
    return out;
  }

  read(v, entity, i, indent = '    ') {
    const r = this.r;
    const fmt = r.pick(FORMATS);
    switch (r.int(0, 3)) {
      case 0:
        return [`${indent}${v} = spark.read.format("${fmt}").load(${this.path('bronze', entity, i)})`];
      case 1:
        return [
          `${indent}${v} = (`,
          `${indent}    spark.read`,
          `${indent}    .option("header", "true")`,
          `${indent}    .option("inferSchema", "false")`,
          `${indent}    .schema(${entity.toUpperCase()}_SCHEMA)`,
          `${indent}    .csv(${this.path('bronze', entity, i)})`,
          `${indent})`,
        ];
      case 2:
        return [`${indent}${v} = spark.table("${r.pick(LAYERS)}.${entity}_${i}")`];
      default:
        return [`${indent}${v} = spark.read.parquet(${this.path(r.pick(LAYERS), entity, i)})`];
    }
  }

  write(v, entity, i, indent = '    ') {
    const r = this.r;
    const layer = r.pick(['silver', 'gold']);
    const lines = [`${indent}(`, `${indent}    ${v}${r.chance(0.1) ? '.coalesce(1)' : r.chance(0.2) ? `.repartition(${r.int(8, 400)})` : ''}.write`];
    lines.push(`${indent}    .format("${r.pick(['delta', 'parquet'])}")`);
    lines.push(`${indent}    .mode("${r.pick(['append', 'overwrite'])}")`);
    if (r.chance(0.6)) lines.push(`${indent}    .partitionBy("${r.pick(['event_date', 'country', 'region', 'ingest_date'])}")`);
    if (r.chance(0.5)) lines.push(`${indent}    .option("mergeSchema", "true")`);
    if (r.chance(0.3)) lines.push(`${indent}    .option("maxRecordsPerFile", ${r.int(100_000, 5_000_000)})`);
    if (r.chance(0.5)) lines.push(`${indent}    .save(${this.path(layer, entity, i)})`);
    else lines.push(`${indent}    .saveAsTable("${layer}.${entity}_${i}")`);
    lines.push(`${indent})`);
    return lines;
  }

  // ------------------------------------------------------------ templates

  readerHelper() {
    const i = this.id();
    const entity = this.r.pick(ENTITIES);
    const name = `load_${entity}_${i}`;
    const lines = [`def ${name}(spark, day=None):`, `    """Reads ${entity} for one day."""`, ...this.read('df', entity, i)];
    lines.push('    if day is not None:', '        df = df.filter(F.col("event_date") == F.lit(day))', '    return df');
    this.helpers.push({ name, kind: 'reader' });
    return lines;
  }

  transformHelper() {
    const i = this.id();
    const name = `clean_${this.r.pick(ENTITIES)}_${i}`;
    const lines = [`def ${name}(df):`, '    out = (', '        df'];
    lines.push(`        .filter(F.col("${this.r.pick(COLUMNS)}").isNotNull())`);
    for (const l of this.withColumns('        ', this.r.int(2, 6))) lines.push(l.replace(/ \\$/, ''));
    if (this.r.chance(0.5)) lines.push(`        .dropDuplicates(["${this.r.pick(COLUMNS)}"])`);
    lines.push('    )', '    return out');
    this.helpers.push({ name, kind: 'transform' });
    return lines;
  }

  batchPipeline() {
    const r = this.r;
    const i = this.id();
    const entity = r.pick(ENTITIES);
    const name = `build_${entity}_${i}`;
    const lines = [`def ${name}(spark):`];
    const reader = this.helpers.filter((h) => h.kind === 'reader');
    if (reader.length && r.chance(0.5)) lines.push(`    raw = ${r.pick(reader).name}(spark)`);
    else lines.push(...this.read('raw', entity, i));
    const transform = this.helpers.filter((h) => h.kind === 'transform');
    if (transform.length && r.chance(0.5)) lines.push(`    raw = ${r.pick(transform).name}(raw)`);
    lines.push('    enriched = raw \\', ...this.withColumns('        ', r.int(3, 9)), `        .filter(F.col("status") != "deleted")`);
    if (r.chance(0.4)) {
      const keys = this.cols(r.int(1, 3))
        .map((c) => `"${c}"`)
        .join(', ');
      const aggs = this.cols(r.int(1, 4)).map((c) => `        ${r.pick(AGGS)(c)},`);
      lines.push(`    summary = enriched.groupBy(${keys}).agg(`, ...aggs, '    )');
      lines.push(...this.write('summary', entity, i));
    } else lines.push(...this.write('enriched', entity, i));
    if (r.chance(0.25)) lines.push(`    log.info("${entity} rows: %d", enriched.count())`);
    lines.push('    return enriched');
    this.pipelines.push(name);
    return lines;
  }

  streamingPipeline() {
    const r = this.r;
    const i = this.id();
    const entity = r.pick(ENTITIES);
    const name = `stream_${entity}_${i}`;
    const watermark = r.chance(0.7);
    const lines = [
      `def ${name}(spark):`,
      '    stream = (',
      '        spark.readStream',
      '        .format("kafka")',
      '        .option("kafka.bootstrap.servers", KAFKA_BROKERS)',
      `        .option("subscribe", "${entity}-${i}")`,
      `        .option("startingOffsets", "${r.pick(['latest', 'earliest'])}")`,
      '        .load()',
      '    )',
      '    parsed = (',
      '        stream',
      `        .select(F.from_json(F.col("value").cast("string"), ${entity.toUpperCase()}_SCHEMA).alias("data"))`,
      '        .select("data.*")',
      '        .withColumn("event_time", F.to_timestamp("event_time"))',
      '    )',
    ];
    if (watermark) lines.push(`    parsed = parsed.withWatermark("event_time", "${r.int(1, 30)} minutes")`);
    lines.push(
      '    windowed = parsed \\',
      `        .groupBy(F.window("event_time", "${r.pick(['1 minute', '5 minutes', '1 hour'])}"), "${r.pick(COLUMNS)}") \\`,
      `        .agg(${r.pick(AGGS)(r.pick(COLUMNS))}, ${r.pick(AGGS)(r.pick(COLUMNS))})`,
      '    query = (',
      '        windowed.writeStream',
      `        .format("${r.pick(['delta', 'console', 'kafka'])}")`,
      `        .outputMode("${r.pick(['append', 'update'])}")`,
      `        .option("checkpointLocation", ${r.chance(0.2) ? `"/tmp/chk_${i}"` : `CHECKPOINT_ROOT + "/${entity}_${i}"`})`,
      `        .trigger(${r.chance(0.2) ? 'once=True' : `processingTime="${r.int(1, 10)} minutes"`})`,
      `        .start(${this.path('silver', entity, i)})`,
      '    )',
      '    return query',
    );
    return lines;
  }

  joinPipeline() {
    const r = this.r;
    const i = this.id();
    const [a, b] = r.some(ENTITIES, 2);
    const name = `join_${a}_${b}_${i}`;
    const key = r.pick(['customer_id', 'order_id', 'device_id', 'account_id']);
    const lines = [`def ${name}(spark, run_date):`, ...this.read('left', a, i), ...this.read('right', b, i)];
    lines.push(
      `    right = right.select("${key}", ${this.cols(3)
        .map((c) => `"${c}"`)
        .join(', ')})`,
      `    joined = left.join(${r.chance(0.5) ? 'F.broadcast(right)' : 'right'}, on="${key}", how="${r.pick(['inner', 'left', 'left_anti'])}")`,
      '    joined = joined.withColumn("run_date", F.lit(run_date))',
    );
    if (r.chance(0.5)) lines.push('    joined.cache()');
    lines.push(
      `    daily = joined.groupBy("${r.pick(COLUMNS)}", "run_date").agg(${r.pick(AGGS)(r.pick(COLUMNS))})`,
      `    top = joined.orderBy(F.desc("${r.pick(COLUMNS)}")).limit(${r.int(10, 100)})`,
      ...this.write('daily', a, i),
      ...this.write('top', b, i),
    );
    return lines;
  }

  windowPipeline() {
    const r = this.r;
    const i = this.id();
    const entity = r.pick(ENTITIES);
    const name = `latest_${entity}_${i}`;
    const part = r.pick(['customer_id', 'device_id', 'account_id']);
    const lines = [
      `def ${name}(df):`,
      `    w = Window.partitionBy("${part}").orderBy(F.col("updated_at").desc())`,
      `    ranked = df.withColumn("rn", F.row_number().over(w))`,
      '    latest = ranked.filter(F.col("rn") == 1).drop("rn")',
      `    running = Window.partitionBy("${part}").orderBy("event_time").rowsBetween(Window.unboundedPreceding, Window.currentRow)`,
      `    return latest.withColumn("running_total", F.sum("amount").over(running))`,
    ];
    this.helpers.push({ name, kind: 'transform' });
    return lines;
  }

  loopPipeline() {
    const r = this.r;
    const i = this.id();
    const entity = r.pick(ENTITIES);
    const name = `normalise_${entity}_${i}`;
    const cols = this.cols(r.int(3, 6))
      .map((c) => `"${c}"`)
      .join(', ');
    const lines = [`def ${name}(spark):`, ...this.read('df', entity, i), `    for c in [${cols}]:`];
    if (r.chance(0.5)) lines.push('        df = df.withColumn(c, F.trim(F.col(c)))');
    else lines.push('        df = df.withColumnRenamed(c, c.lower())');
    lines.push(
      `    for day in range(${r.int(2, 7)}):`,
      '        part = df.filter(F.col("day_index") == day)',
      r.chance(0.5) ? '        print(day, part.count())' : `        part.write.mode("append").parquet(f"{SILVER_ROOT}/${entity}_${i}/day={day}")`,
      '    return df',
    );
    return lines;
  }

  udfBlock() {
    const r = this.r;
    const i = this.id();
    const fn = r.pick(['upper', 'strip', 'lower', 'len']);
    const col = r.pick(COLUMNS);
    return [
      `@F.udf(returnType=${fn === 'len' ? 'IntegerType()' : 'StringType()'})`,
      `def udf_${fn}_${i}(value):`,
      `    return ${fn === 'len' ? 'len(value)' : `value.${fn}()`} if value is not None else None`,
      '',
      '',
      `def apply_udf_${i}(df):`,
      `    return df.withColumn("${col}_x", udf_${fn}_${i}(F.col("${col}")))`,
    ];
  }

  configBlock() {
    const r = this.r;
    const i = this.id();
    return [
      `def tune_session_${i}(spark):`,
      `    spark.conf.set("spark.sql.shuffle.partitions", "${r.int(2, 800)}")`,
      `    spark.conf.set("spark.sql.adaptive.enabled", "${r.pick(['true', 'false'])}")`,
      `    spark.conf.set("spark.sql.sources.partitionOverwriteMode", "${r.pick(['dynamic', 'static'])}")`,
      '    if spark.sparkContext.defaultParallelism > 64:',
      `        spark.conf.set("spark.sql.files.maxPartitionBytes", "${r.pick(['128m', '256m', '2g'])}")`,
    ];
  }

  orchestrator() {
    const i = this.id();
    const some = this.r.some(this.pipelines, Math.min(this.pipelines.length, this.r.int(2, 5)));
    const lines = [`def run_all_${i}(spark):`, '    results = {}'];
    for (const p of some) lines.push(`    results["${p}"] = ${p}(spark)`);
    lines.push('    for name, df in results.items():', '        log.info("built %s", name)', '    return results');
    return lines;
  }

  header() {
    const schemas = [];
    for (const e of ENTITIES) {
      schemas.push(`${e.toUpperCase()}_SCHEMA = StructType([`);
      for (const c of this.cols(this.r.int(3, 6)))
        schemas.push(`    StructField("${c}", ${this.r.pick(['StringType()', 'DoubleType()', 'TimestampType()', 'LongType()'])}),`);
      schemas.push('])');
    }
    return [
      '"""Generated PySpark pipelines (benchmark corpus)."""',
      'import logging',
      '',
      'from pyspark.sql import SparkSession, Window',
      'from pyspark.sql import functions as F',
      'from pyspark.sql.types import DoubleType, IntegerType, LongType, StringType, StructField, StructType, TimestampType',
      '',
      'log = logging.getLogger(__name__)',
      '',
      'spark = SparkSession.builder \\',
      '    .appName("generated") \\',
      '    .config("spark.sql.extensions", "io.delta.sql.DeltaSparkSessionExtension") \\',
      '    .getOrCreate()',
      '',
      'BRONZE_ROOT = "s3://data-lake/bronze"',
      'SILVER_ROOT = "s3://data-lake/silver"',
      'GOLD_ROOT = "s3://data-lake/gold"',
      'CHECKPOINT_ROOT = "s3://data-lake/_checkpoints"',
      'KAFKA_BROKERS = "broker-1:9092,broker-2:9092"',
      '',
      ...schemas,
    ];
  }
}

/** A module of about `lines` lines (never fewer), deterministic in (lines, seed). */
export function generatePipeline(lines, seed = 1) {
  const g = new Gen(seed);
  const out = g.header();
  const templates = [
    [3, () => g.batchPipeline()],
    [2, () => g.readerHelper()],
    [2, () => g.transformHelper()],
    [2, () => g.streamingPipeline()],
    [2, () => g.joinPipeline()],
    [1, () => g.windowPipeline()],
    [1, () => g.loopPipeline()],
    [1, () => g.udfBlock()],
    [1, () => g.configBlock()],
  ];
  const total = templates.reduce((s, [w]) => s + w, 0);
  let sinceOrchestrator = 0;
  while (out.length < lines - 4) {
    let block;
    if (sinceOrchestrator > 12 && g.pipelines.length >= 2) {
      block = g.orchestrator();
      sinceOrchestrator = 0;
    } else {
      let x = g.r.next() * total;
      const t = templates.find(([w]) => (x -= w) < 0) ?? templates[0];
      block = t[1]();
      sinceOrchestrator++;
    }
    out.push('', '', ...block);
  }
  const main = g.pipelines.length ? g.orchestrator() : ['def run_all_0(spark):', '    return {}'];
  out.push('', '', ...main, '', '', 'if __name__ == "__main__":', `    ${main[0].slice(4, main[0].indexOf('('))}(spark)`);
  return out.join('\n') + '\n';
}

/**
 * A notebook-like module of about `lines` lines that repeats what real notebooks repeat: every cell
 * imports again, defines windows (some unpartitioned, some over few rows), functions and chains.
 * Rules that look things up across the file once per window, transform or import grow
 * quadratically on it; the plain generator hides that (few repeated imports).
 */
export function generateRepetitive(lines, seed = 1) {
  const r = rng(seed);
  const cells = [];
  let total = 0;
  for (let i = 0; total < lines; i++) {
    const e = r.pick(ENTITIES);
    const [a, b] = r.some(COLUMNS, 2);
    const cell = `# COMMAND ----------
from pyspark.sql import functions as F
from pyspark.sql.window import Window
import pyspark.sql.functions as psf

def step_${i}(spark, df):
    w = Window.orderBy("${a}")
    w2 = Window.partitionBy("${b}").orderBy("${a}")
    ranked = df.withColumn("rn", F.row_number().over(w2)).withColumn("r", F.rank().over(w))
    daily = ranked.groupBy("${b}").agg(F.count("*").alias("n"))
    top = daily.limit(10).withColumn("prev", F.lag("n").over(w))
    out = ranked.filter(F.col("rn") == 1).select("${b}", "${a}", psf.col("amount"))
    out = out.withColumn("y", F.col("amount") * 2).withColumn("z", F.upper(F.col("${b}")))
    out.write.mode("overwrite").parquet("s3://lake/silver/${e}_${i}/")
    return top

`;
    cells.push(cell);
    total += 16;
  }
  return cells.join('');
}
