import { syntaxRoot } from '../../server/src/parsing/syntaxTree';
import * as assert from 'node:assert/strict';
import type { CompletionItem, TextEdit } from 'vscode-languageserver';
import { columnCompletions } from '../../server/src/completion/columnNames';
import { COMPLETION_TRIGGER_CHARACTERS, completionsAt } from '../../server/src/completion/sourceOptions';
import { loadParser, py } from './helpers';

/** Completions at the `|` in `source` (the bar is removed before parsing). */
async function complete(source: string): Promise<{ items: CompletionItem[]; labels: string[]; text: string }> {
  const offset = source.indexOf('|');
  assert.ok(offset >= 0, 'mark the cursor with |');
  const text = source.slice(0, offset) + source.slice(offset + 1);
  const tree = (await loadParser()).parse(text);
  try {
    const items = completionsAt(syntaxRoot(tree, text), text, offset);
    return { items, labels: items.map((i) => i.label), text };
  } finally {
    tree.delete();
  }
}

function includesAll(labels: string[], wanted: string[]): void {
  for (const w of wanted) assert.ok(labels.includes(w), `missing ${w} in ${labels.join(', ')}`);
}

function includesNone(labels: string[], unwanted: string[]): void {
  for (const u of unwanted) assert.ok(!labels.includes(u), `unexpected ${u} in ${labels.join(', ')}`);
}

/** Text the item's edit produces. */
function applied(text: string, item: CompletionItem): string {
  const edit = item.textEdit as TextEdit;
  const lines = text.split('\n');
  const offsetOf = (p: { line: number; character: number }) => lines.slice(0, p.line).reduce((n, l) => n + l.length + 1, 0) + p.character;
  return text.slice(0, offsetOf(edit.range.start)) + edit.newText + text.slice(offsetOf(edit.range.end));
}

describe('completion in format()/option() strings', () => {
  it('wants the opening quote as trigger character', () => {
    assert.deepEqual(COMPLETION_TRIGGER_CHARACTERS, ['"', "'"]);
  });

  it('offers Kafka source options after format("kafka") on readStream, and not sink or Delta options', async () => {
    const { labels } = await complete('events = spark.readStream.format("kafka").option("|")');
    includesAll(labels, ['kafka.bootstrap.servers', 'subscribe', 'subscribePattern', 'startingOffsets', 'maxOffsetsPerTrigger', 'failOnDataLoss']);
    includesNone(labels, ['topic', 'mergeSchema', 'checkpointLocation', 'endingOffsets', 'cloudFiles.format']);
  });

  it('offers formats that fit the side of the chain', async () => {
    const stream = (await complete('spark.readStream.format("|")')).labels;
    includesAll(stream, ['delta', 'kafka', 'cloudFiles', 'parquet', 'rate']);
    includesNone(stream, ['console', 'jdbc', 'memory']);
    const sink = (await complete('df.writeStream.format(\'|\')')).labels;
    includesAll(sink, ['delta', 'kafka', 'console', 'memory']);
    includesNone(sink, ['cloudFiles', 'rate', 'jdbc']);
  });

  it('offers Delta writer options by side: checkpointLocation on writeStream, replaceWhere/overwriteSchema on write', async () => {
    const stream = (await complete('q = df.writeStream.format("delta").option("|")')).labels;
    includesAll(stream, ['checkpointLocation', 'mergeSchema']);
    includesNone(stream, ['replaceWhere', 'overwriteSchema', 'versionAsOf']);
    const batch = (await complete('df.write.format("delta").mode("overwrite").option("|").save(path)')).labels;
    includesAll(batch, ['mergeSchema', 'overwriteSchema', 'replaceWhere', 'partitionOverwriteMode']);
    includesNone(batch, ['checkpointLocation', 'subscribe']);
  });

  it('offers Auto Loader options and replaces the typed prefix, dots included', async () => {
    const { items, labels, text } = await complete('spark.readStream.format("cloudFiles").option("cloudFiles.sch|")');
    includesAll(labels, ['cloudFiles.format', 'cloudFiles.schemaLocation', 'cloudFiles.schemaEvolutionMode']);
    const item = items.find((i) => i.label === 'cloudFiles.schemaLocation')!;
    assert.equal(applied(text, item), 'spark.readStream.format("cloudFiles").option("cloudFiles.schemaLocation")');
  });

  it('replaces the whole key when the cursor is in its middle', async () => {
    const { items, text } = await complete('spark.readStream.format("kafka").option("kafka.boot|strap")');
    const item = items.find((i) => i.label === 'kafka.bootstrap.servers')!;
    assert.equal(applied(text, item), 'spark.readStream.format("kafka").option("kafka.bootstrap.servers")');
  });

  it('offers values for the option named in the first argument', async () => {
    assert.deepEqual((await complete('spark.readStream.format("kafka").option("startingOffsets", "|")')).labels, ['latest', 'earliest']);
    assert.deepEqual((await complete('df.write.format("delta").option("partitionOverwriteMode", "|")')).labels, ['dynamic', 'static']);
    assert.deepEqual((await complete('spark.readStream.format("cloudFiles").option("cloudFiles.schemaEvolutionMode", "|")')).labels, [
      'addNewColumns', 'rescue', 'failOnNewColumns', 'none',
    ]);
    assert.deepEqual((await complete('spark.readStream.format("kafka").option("subscribe", "|")')).labels, []);
  });

  it('leaves out keys the chain already sets', async () => {
    const { labels } = await complete('spark.readStream.format("kafka").option("subscribe", "t").option("|").option("kafka.bootstrap.servers", s)');
    includesNone(labels, ['subscribe', 'kafka.bootstrap.servers']);
    includesAll(labels, ['startingOffsets']);
  });

  it('finds the format later in the chain (.parquet(path)) and through a variable', async () => {
    const parquet = (await complete('spark.read.option("|").parquet(path)')).labels;
    includesAll(parquet, ['mergeSchema', 'pathGlobFilter', 'recursiveFileLookup']);
    includesNone(parquet, ['subscribe', 'header', 'replaceWhere']);
    const viaVariable = (await complete(py`
      reader = spark.readStream.format("kafka")
      reader = reader.option("subscribe", "events")
      events = reader.option("|").load()
    `)).labels;
    includesAll(viaVariable, ['startingOffsets', 'kafka.bootstrap.servers']);
    includesNone(viaVariable, ['subscribe', 'mergeSchema']);
  });

  it('works in backslash and parenthesised multi-line chains', async () => {
    const backslash = (await complete('stream_df = spark.readStream \\\n    .format("kafka") \\\n    .option("|") \\\n    .load()\n')).labels;
    includesAll(backslash, ['subscribe']);
    const parens = (await complete('q = (\n    df.writeStream\n    .format("delta")\n    .option("|")\n    .start(path)\n)\n')).labels;
    includesAll(parens, ['checkpointLocation']);
  });

  it('completes while the string is still unterminated', async () => {
    const { items, labels, text } = await complete('events = spark.readStream.format("kafka").option("kafka.|\nx = 1\n');
    includesAll(labels, ['kafka.bootstrap.servers']);
    const item = items.find((i) => i.label === 'kafka.bootstrap.servers')!;
    assert.ok(applied(text, item).startsWith('events = spark.readStream.format("kafka").option("kafka.bootstrap.servers\nx = 1'));
  });

  it('offers mode() and outputMode() values on their side only', async () => {
    assert.deepEqual((await complete('df.writeStream.outputMode("|")')).labels, ['append', 'update', 'complete']);
    includesAll((await complete('df.write.mode("|").parquet(p)')).labels, ['append', 'overwrite']);
    assert.deepEqual((await complete('df.writeStream.mode("|")')).labels, []);
  });

  it('stays quiet outside reader/writer string arguments', async () => {
    for (const source of [
      'print("|")',
      'settings.get("|")',
      'spark.readStream.format("kafka").option(key, "|")',
      'x = "|"',
      'spark.readStream.format("kafka").option("subscribe")  # option("|")',
      'spark.sql(f"SELECT {option("|")}")',
    ]) {
      assert.deepEqual((await complete(source)).labels, [], source);
    }
  });

  it('documents every item and sorts the catalogue order', async () => {
    const { items } = await complete('spark.readStream.format("kafka").option("|")');
    assert.ok(items.length > 5);
    for (const i of items) assert.ok(i.detail && i.documentation && i.sortText, i.label);
    assert.equal([...items].sort((a, b) => a.sortText!.localeCompare(b.sortText!))[0].label, 'path');
  });
});

describe('completion of column names', () => {
  async function columns(source: string): Promise<{ labels: string[]; items: CompletionItem[]; text: string }> {
    const offset = source.indexOf('|');
    const text = source.slice(0, offset) + source.slice(offset + 1);
    const tree = (await loadParser()).parse(text);
    try {
      const items = columnCompletions(tree, text, offset);
      return { items, labels: items.map((i) => i.label), text };
    } finally {
      tree.delete();
    }
  }

  const job = py`
    from pyspark.sql import SparkSession, functions as F
    from pyspark.sql.functions import col
    from pyspark.sql.types import StructType, StructField, StringType, DoubleType
    spark = SparkSession.builder.getOrCreate()
    SCHEMA = StructType([StructField("order_id", StringType()), StructField("amount", DoubleType())])
    orders = spark.createDataFrame([], SCHEMA).withColumn("currency", F.lit("EUR"))
    customers = spark.createDataFrame([], "customer_id STRING, country STRING")
  `;

  it('offers the frame\'s columns in col(", F.col(", select(", groupBy(" and df["', async () => {
    for (const line of [
      'orders.filter(col("|") > 1)',
      'orders.withColumn("x", F.col("|") * 2)',
      'orders.select("order_id", "|")',
      'orders.groupBy("|").count()',
      'orders.orderBy(["|"])',
      'total = orders["|"]',
    ]) {
      const { labels } = await columns(`${job}\n${line}\n`);
      assert.deepEqual(labels, ['order_id', 'amount', 'currency'], line);
    }
  });

  it('picks the frame the expression applies to, with types, and replaces the typed prefix', async () => {
    const { items, text } = await columns(`${job}\ncustomers.select(F.col("cou|x"))\n`);
    assert.deepEqual(items.map((i) => i.label), ['customer_id', 'country']);
    assert.equal(items[1].detail, 'column: string');
    assert.match(applied(text, items[1]), /customers\.select\(F\.col\("country"\)\)/);
  });

  it('uses the grouped frame inside groupBy().agg()', async () => {
    const { labels } = await columns(`${job}\norders.groupBy("currency").agg(F.sum(F.col("|")).alias("total"))\n`);
    assert.deepEqual(labels, ['order_id', 'amount', 'currency']);
  });

  it('offers a read schema\'s columns, saying partition columns may be added', async () => {
    const { items } = await columns(py`
      events = spark.read.schema("user_id STRING, ts TIMESTAMP").json("s3://lake/events")
      events.select("|")
    `);
    assert.deepEqual(items.map((i) => i.label), ['user_id', 'ts']);
    assert.match(JSON.stringify(items[0].documentation), /partition columns/);
  });

  it('offers nothing where the columns are unknown or the string is no column name', async () => {
    assert.deepEqual((await columns('raw = spark.read.json("s3://x")\nraw.select("|")\n')).labels, []);
    assert.deepEqual((await columns(`${job}\norders.write.mode("|")\n`)).labels, []);
    assert.deepEqual((await columns(`${job}\norders.withColumn("|", F.lit(1))\n`)).labels, []);
    assert.deepEqual((await columns(`${job}\nx = {"a": 1}\nx["|"]\n`)).labels, []);
  });
});
