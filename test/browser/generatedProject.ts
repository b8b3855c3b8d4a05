/**
 * Generated PySpark projects for the preview at scale: medallion tables (landing -> bronze ->
 * silver -> gold, every third table's gold joining the previous table's silver, so pipelines span
 * files) and, every fourth unit, a lambda job (batch, speed, serving). Each unit is one file of
 * four datasets; graphs come from the real analysis, as the server builds them.
 */
import type { GraphNode, PipelineGraph } from '../../shared/protocol';
import { graphOf } from '../unit/graphTestHelpers';

export interface GeneratedFile {
  name: string;
  text: string;
  architecture: 'medallion' | 'lambda';
}

const HEADER = 'from pyspark.sql import SparkSession\nspark = SparkSession.builder.getOrCreate()\n';

/**
 * A second writer of a file's first table (a backfill into bronze, a rebuild of the batch view):
 * one step per dataset instead of three per four, for the "300 datasets / 300 steps" of issue 15.
 */
function extraStep(i: number, lambda: boolean): string {
  return lambda
    ? `
def rebuild_batch_${i}():
    spark.read.parquet("s3://clicks/history_${i}").dropDuplicates(["user"]).groupBy("user").count().write.mode("overwrite").parquet("s3://clicks/batch_views_${i}")
`
    : `
def backfill_table_${i}():
    spark.read.json("s3://lake/landing/table_${i}").where("day < '2024-01-01'").write.format("delta").mode("append").save("s3://lake/bronze/table_${i}")
`;
}

function medallionFile(i: number): string {
  // Joins the previous table when it is a medallion one too: pipelines then span files.
  const join =
    i % 3 !== 0 && (i - 1) % 4 !== 3 ? `    other = spark.read.format("delta").load("s3://lake/silver/table_${i - 1}")\n    df = df.join(other, "id")\n` : '';
  return `${HEADER}
def ingest_table_${i}():
    spark.read.json("s3://lake/landing/table_${i}").write.format("delta").mode("append").save("s3://lake/bronze/table_${i}")

def clean_table_${i}():
    spark.read.format("delta").load("s3://lake/bronze/table_${i}").dropDuplicates(["id"]).write.format("delta").mode("overwrite").save("s3://lake/silver/table_${i}")

def report_table_${i}():
    df = spark.read.format("delta").load("s3://lake/silver/table_${i}")
${join}    df.groupBy("day").count().write.format("delta").mode("overwrite").save("s3://lake/gold/table_${i}_daily")
`;
}

function lambdaFile(i: number): string {
  return `${HEADER}
def batch_layer_${i}():
    spark.read.parquet("s3://clicks/history_${i}").groupBy("user").count().write.mode("overwrite").parquet("s3://clicks/batch_views_${i}")

def speed_layer_${i}():
    (spark.readStream.format("kafka").option("subscribe", "clicks_${i}").load()
        .writeStream.format("delta").option("checkpointLocation", "s3://chk/clicks_${i}").start("s3://clicks/realtime_views_${i}"))

def serving_layer_${i}():
    batch = spark.read.parquet("s3://clicks/batch_views_${i}")
    speed = spark.read.format("delta").load("s3://clicks/realtime_views_${i}")
    return batch.unionByName(speed)
`;
}

/**
 * About `datasets` datasets (four per file), three medallion files to one lambda job; three steps
 * per file, or four (`stepPerDataset`).
 */
export function generatedProject(datasets: number, opts: { stepPerDataset?: boolean } = {}): GeneratedFile[] {
  const files: GeneratedFile[] = [];
  for (let i = 0; i < Math.ceil(datasets / 4); i++) {
    const lambda = i % 4 === 3;
    const extra = opts.stepPerDataset ? extraStep(i, lambda) : '';
    files.push(
      lambda
        ? { name: `jobs/clicks_${i}.py`, text: lambdaFile(i) + extra, architecture: 'lambda' }
        : { name: `etl/table_${i}.py`, text: medallionFile(i) + extra, architecture: 'medallion' },
    );
  }
  return files;
}

export async function projectGraph(files: GeneratedFile[]): Promise<PipelineGraph> {
  return graphOf(files.map(({ name, text }) => ({ name, text })));
}

/** The layer a generated node must land in, from its name alone. */
export function expectedLayer(label: string): string {
  if (/landing|bronze|ingest_|backfill_/.test(label)) return 'bronze';
  if (/silver|clean_/.test(label)) return 'silver';
  if (/gold|report_/.test(label)) return 'gold';
  if (/history|batch/.test(label)) return 'batch';
  if (/clicks_\d+$|realtime|speed_/.test(label)) return 'speed';
  if (/serving_/.test(label)) return 'serving';
  throw new Error(`no expected layer for ${label}`);
}

/**
 * One long refinement chain: bronze, then `steps` silver-to-silver steps, then gold. One file, or
 * one file per step (`split`), so a file in the middle has most of the chain up and down stream.
 */
export function chainProject(steps: number, split = false): GeneratedFile[] {
  const step = (k: number) => {
    const from = k === 0 ? 's3://lake/bronze/events' : `s3://lake/silver/events_${k}`;
    const to = k === steps - 1 ? 's3://lake/gold/events_daily' : `s3://lake/silver/events_${k + 1}`;
    return `def refine_${k}():\n    spark.read.format("delta").load("${from}").dropDuplicates(["id"]).write.format("delta").mode("overwrite").save("${to}")\n`;
  };
  if (!split) return [{ name: 'etl/chain.py', text: HEADER + Array.from({ length: steps }, (_, k) => `\n${step(k)}`).join(''), architecture: 'medallion' }];
  return Array.from({ length: steps }, (_, k) => ({
    name: `etl/chain_${String(k).padStart(2, '0')}.py`,
    text: `${HEADER}\n${step(k)}`,
    architecture: 'medallion' as const,
  }));
}

/**
 * The shape of a real project beside the editor (a retail streaming demo of the fifth corpus;
 * written anew here, no third-party code): one job reads three Kafka topics and lands each in a
 * bronze and a silver table and a Cassandra sink, another streams the same topics to CSV, a batch
 * job exports three CSV files. Its unlayered band holds six sources side by side, wider than a
 * 480 px panel, beside bronze and silver bands of three tables each.
 */
export function wideRankProject(): GeneratedFile[] {
  const topics = ['orders', 'payments', 'shoppers'];
  const read = (t: string) => `spark.readStream.format("kafka").option("kafka.bootstrap.servers", "broker:9092").option("subscribe", "${t}").load()`;
  const land = topics
    .map(
      (t) => `${t} = ${read(t)}
${t}.writeStream.format("parquet").option("path", "hdfs://namenode:8020/bronze/${t}").option("checkpointLocation", "/chk/bronze_${t}").start()
${t}.writeStream.format("parquet").option("path", "hdfs://namenode:8020/silver/${t}").option("checkpointLocation", "/chk/silver_${t}").start()
${t}.writeStream.format("org.apache.spark.sql.cassandra").option("keyspace", "shop").option("table", "${t}").option("checkpointLocation", "/chk/cassandra_${t}").start()
`,
    )
    .join('');
  const toCsv = `${HEADER}
def stream_to_csv():
${topics.map((t) => `    ${t} = ${read(t)}\n    ${t}.writeStream.format("csv").option("path", "/exports/stream").option("checkpointLocation", "/chk/csv_${t}").start()\n`).join('')}`;
  const batch = `${HEADER}
def export_csv():
${topics.map((t) => `    spark.read.option("header", "true").csv("data/${t}.csv").write.mode("append").csv("/exports/stream")\n`).join('')}`;
  return [
    { name: 'retail/landing_consumer.py', text: `${HEADER}\n${land}`, architecture: 'medallion' },
    { name: 'retail/stream_to_csv.py', text: toCsv, architecture: 'medallion' },
    { name: 'retail/export_csv.py', text: batch, architecture: 'medallion' },
  ];
}

/**
 * One connected medallion project with fan-in and fan-out, as a real lakehouse grows (a chain is a
 * toy): `sources` landing feeds, each ingested into its bronze table by its own file; silver tables
 * each join three neighbouring bronze tables (so every bronze table feeds one to three silver
 * ones); gold tables each aggregate three neighbouring silver tables. Neighbours overlap, so the
 * whole project is one pipeline. Three datasets and two steps per source (100 sources: 300
 * datasets, 200 steps).
 */
export function medallionProject(sources: number): GeneratedFile[] {
  const files: GeneratedFile[] = [];
  for (let i = 0; i < sources; i++) {
    files.push({
      name: `bronze/ingest_${i}.py`,
      text: `${HEADER}
def ingest_${i}():
    spark.read.json("s3://lake/landing/feed_${i}").write.format("delta").mode("append").save("s3://lake/bronze/feed_${i}")
`,
      architecture: 'medallion',
    });
  }
  const silver = Math.max(1, Math.ceil((sources * 2) / 3));
  const bronzeOf = (k: number) => `s3://lake/bronze/feed_${k % sources}`;
  for (let j = 0; j < silver; j++) {
    const first = Math.floor((j * 3) / 2);
    files.push({
      name: `silver/conform_${j}.py`,
      text: `${HEADER}
def conform_${j}():
    a = spark.read.format("delta").load("${bronzeOf(first)}")
    b = spark.read.format("delta").load("${bronzeOf(first + 1)}")
    c = spark.read.format("delta").load("${bronzeOf(first + 2)}")
    a.join(b, "id").join(c, "id").dropDuplicates(["id"]).write.format("delta").mode("overwrite").save("s3://lake/silver/entity_${j}")
`,
      architecture: 'medallion',
    });
  }
  const gold = Math.max(1, Math.ceil(silver / 2));
  for (let k = 0; k < gold; k++) {
    const first = 2 * k;
    const reads = [first, first + 1, first + 2].map((s) => `s3://lake/silver/entity_${s % silver}`);
    files.push({
      name: `gold/report_${k}.py`,
      text: `${HEADER}
def report_${k}():
    df = spark.read.format("delta").load("${reads[0]}")
    df = df.join(spark.read.format("delta").load("${reads[1]}"), "id")
    df = df.join(spark.read.format("delta").load("${reads[2]}"), "id")
    df.groupBy("day").count().write.format("delta").mode("overwrite").save("s3://lake/gold/report_${k}")
`,
      architecture: 'medallion',
    });
  }
  return files;
}

/** A dataset node with nothing but an id and a lane, for layout and folding cases written by hand. */
export function mkNode(id: string, layer: string | null, extra: Partial<GraphNode> = {}): GraphNode {
  return {
    id,
    kind: 'dataset',
    label: id,
    layer,
    streaming: false,
    filename: 'p.py',
    uri: 'file:///p.py',
    range: { start: { line: 0, character: 0 }, end: { line: 0, character: 1 } },
    findings: [],
    ...extra,
  };
}
