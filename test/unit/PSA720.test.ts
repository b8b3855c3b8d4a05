import * as assert from 'node:assert/strict';
import { buildModel } from '../../server/src/model/buildModel';
import { columnSetsOf, parseDdl } from '../../server/src/spark/columnSet';
import { sqlPredicateNames } from '../../server/src/spark/sqlPredicate';
import { closestName } from '../../server/src/rules/helpers/editDistance';
import { check, loadParser, py } from './helpers';

const HEADER = py`
  from pyspark.sql import SparkSession, Window
  from pyspark.sql import functions as F
  from pyspark.sql.functions import col
  from pyspark.sql.types import StructType, StructField, StringType, LongType
  spark = SparkSession.builder.getOrCreate()
`;

/** The column set of the frame last bound to `name`: "a b c" (exact), "a b +" (maybe more), or "unknown". */
async function columnsOf(source: string, name = 'out'): Promise<string> {
  const text = `${HEADER}\n${source}\n`;
  const tree = (await loadParser()).parse(text);
  try {
    const { model, functions } = buildModel(tree, text);
    const def = [...model.definitions].filter(([, d]) => d.name === name).pop();
    assert.ok(def, `no frame bound to ${name}`);
    const frame = model.frames.find((f) => f.id === def[0])!;
    const set = columnSetsOf(model, functions).of(frame);
    if (!set) return 'unknown';
    return set.columns.map((c) => c.name).join(' ') + (set.exact ? '' : ' +');
  } finally {
    tree.delete();
  }
}

async function findings(source: string): Promise<string[]> {
  const r = await check(`${HEADER}\n${source}\n`);
  return r.of('PSA720').map((f) => r.textOf(f));
}

const BASE = 'base = spark.createDataFrame([], "id BIGINT, name STRING, amount DOUBLE")';

describe('PSA720 column sets: each step', () => {
  it('sources: createDataFrame schemas, dict and Row rows, range, Kafka, file reads with a schema', async () => {
    assert.equal(await columnsOf('out = spark.createDataFrame([], "id BIGINT, tags ARRAY<STRING>, address STRUCT<city: STRING, zip: STRING>")'), 'id tags address');
    assert.equal(await columnsOf('out = spark.createDataFrame([(1, "a")], ["id", "name"])'), 'id name');
    assert.equal(await columnsOf('S = StructType([StructField("id", LongType()), StructField("name", StringType())])\nout = spark.createDataFrame([], S)'), 'id name');
    assert.equal(await columnsOf('S = StructType().add("id", LongType()).add("name", StringType())\nout = spark.createDataFrame([], schema=S)'), 'id name');
    assert.equal(await columnsOf('out = spark.createDataFrame([{"id": 1}, {"id": 2, "extra": "x"}])'), 'id extra');
    assert.equal(await columnsOf('from pyspark.sql import Row\nout = spark.createDataFrame([Row(id=1, name="a")])'), 'id name');
    assert.equal(await columnsOf('out = spark.range(10)'), 'id');
    assert.equal(await columnsOf('out = spark.readStream.format("kafka").option("subscribe", "t").load()'), 'key value topic partition offset timestamp timestampType');
    assert.equal(await columnsOf('out = spark.readStream.format("kafka").option("includeHeaders", "true").load()'), 'key value topic partition offset timestamp timestampType headers');
    // Partition columns of the path may be appended to a read schema.
    assert.equal(await columnsOf('out = spark.read.schema("id BIGINT, name STRING").parquet("s3://x")'), 'id name +');
  });

  it('unknown sources: no schema, tables, SQL, pandas, a StructType of fields it cannot list, a bare type', async () => {
    for (const src of [
      'out = spark.read.parquet("s3://x")',
      'out = spark.table("silver.orders")',
      'out = spark.sql("SELECT 1 AS a")',
      'out = spark.createDataFrame(pdf)',
      'out = spark.createDataFrame([], StructType(base_fields))',
      'out = spark.createDataFrame([], StructType(base_fields).add("x", StringType()))',
      'out = spark.createDataFrame([1, 2], "int")',
      'out = spark.read.format("delta").load("s3://x")',
      'out = spark.readStream.format("kafka").options(**opts).load()',
    ]) assert.equal(await columnsOf(src), 'unknown', src);
  });

  it('select, toDF, withColumn(s), renames and drop', async () => {
    assert.equal(await columnsOf(`${BASE}\nout = base.select("id", col("name"), (F.col("amount") * 2).alias("double"), base.amount)`), 'id name double amount');
    assert.equal(await columnsOf(`${BASE}\nout = base.select("*", F.lit(1).alias("one"))`), 'id name amount one');
    assert.equal(await columnsOf(`${BASE}\nout = base.select(["id", "name"])`), 'id name');
    assert.equal(await columnsOf(`${BASE}\nout = base.toDF("a", "b", "c")`), 'a b c');
    assert.equal(await columnsOf(`${BASE}\nout = base.withColumn("NAME", F.upper("name")).withColumn("day", F.current_date())`), 'id NAME amount day');
    assert.equal(await columnsOf(`${BASE}\nout = base.withColumns({"a": F.lit(1), "id": F.lit(2)})`), 'id name amount a');
    assert.equal(await columnsOf(`${BASE}\nout = base.withColumnRenamed("NAME", "full_name").withColumnRenamed("missing", "x")`), 'id full_name amount');
    assert.equal(await columnsOf(`${BASE}\nout = base.withColumnsRenamed({"id": "key"})`), 'key name amount');
    assert.equal(await columnsOf(`${BASE}\nout = base.drop("AMOUNT", "missing")`), 'id name');
    assert.equal(await columnsOf(`${BASE}\nout = base.drop(col("amount"))`), 'id name');
    assert.equal(await columnsOf(`${BASE}\nout = base.filter("amount > 1").distinct().orderBy("id").limit(5).cache()`), 'id name amount');
    assert.equal(await columnsOf(`${BASE}\nout = base.na.fill(0).dropna()`), 'id name amount');
  });

  it('steps that leave the columns unknown', async () => {
    for (const src of [
      'out = base.select(F.upper("name"))',
      'out = base.select("a.*")',
      'out = base.select(*cols)',
      'out = base.selectExpr("id", "amount * 2 AS x")',
      'out = base.withColumn(name_var, F.lit(1))',
      'out = base.drop(*to_drop)',
      'out = base.transform(clean)',
      'out = base.groupBy("id").agg(F.sum("amount"))',
      'out = base.groupBy("id").pivot("name").agg(F.sum("amount").alias("s"))',
      'out = base.groupBy("id").sum("amount")',
      'out = base.groupBy(F.year("day")).agg(F.count("*").alias("n"))',
      'out = base.unpivot("id", ["amount"], "k", "v")',
      'out = base.join(other, "id")',
    ]) assert.equal(await columnsOf(`${BASE}\n${src}`), 'unknown', src);
  });

  it('joins, unions and aggregates', async () => {
    const other = 'other = spark.createDataFrame([], "id BIGINT, country STRING, amount DOUBLE")';
    assert.equal(await columnsOf(`${BASE}\n${other}\nout = base.join(other, "id", "left")`), 'id name amount country amount');
    assert.equal(await columnsOf(`${BASE}\n${other}\nout = base.join(other, ["id"])`), 'id name amount country amount');
    assert.equal(await columnsOf(`${BASE}\n${other}\nout = base.join(other, base.id == other.id)`), 'id name amount id country amount');
    assert.equal(await columnsOf(`${BASE}\n${other}\nout = base.join(other, "id", "left_anti")`), 'id name amount');
    assert.equal(await columnsOf(`${BASE}\n${other}\nout = base.crossJoin(other)`), 'id name amount id country amount');
    assert.equal(await columnsOf(`${BASE}\n${other}\nout = base.union(other)`), 'id name amount');
    assert.equal(await columnsOf(`${BASE}\n${other}\nout = base.unionByName(other, allowMissingColumns=True)`), 'id name amount country');
    assert.equal(await columnsOf(`${BASE}\nout = base.groupBy("name", F.col("id")).agg(F.sum("amount").alias("total"), F.count("*").alias("n"))`), 'name id total n');
    assert.equal(await columnsOf(`${BASE}\nout = base.groupBy(F.window("ts", "5 minutes"), "id").count()`), 'window id count');
    assert.equal(await columnsOf(`${BASE}\nout = base.agg(F.max("amount").alias("top"))`), 'top');
  });
});

describe('PSA720 unknown-column', () => {
  it('judges names case-insensitively', async () => {
    assert.deepEqual(await findings(`${BASE}\nbase.select("ID", "Name", F.col("AMOUNT"))`), []);
  });

  it('stays silent where the frame is not certain: branches, loops, parameters, helpers, comprehensions', async () => {
    assert.deepEqual(await findings(`${BASE}\nother = base.select("id")\ndf = base\nif flag:\n    df = other\ndf.select("name")`), []);
    assert.deepEqual(await findings(`${BASE}\ntry:\n    df = base.select("id")\nexcept Exception:\n    df = base\ndf.select("name")`), []);
    assert.deepEqual(await findings(`${BASE}\ndf = base.select("id")\nwhile cond():\n    df.select("name")\n    df = base`), []);
    assert.deepEqual(await findings(`${BASE}\ndef f(df):\n    return df.select("nope")\nf(base)`), []);
    assert.deepEqual(await findings(`${BASE}\ndef load():\n    if x:\n        return base.select("id")\n    return base\nload().select("name")`), []);
    assert.deepEqual(await findings(`${BASE}\ndf = base.select("id")\ndef g():\n    global df\n    df = base\ng()\ndf.select("name")`), []);
    assert.deepEqual(await findings(`${BASE}\ndf = base.select("id") if flag else base\ndf.select("name")`), []);
    assert.deepEqual(await findings(`${BASE}\ndf = base.select("id")\nfrom job_helpers import *\ndf.select("name")`), []);
    assert.deepEqual(await findings(`${BASE}\nclass Job:\n    out = base.select("id")\n    out.select("name")`), []);
  });

  it('reports where the chain is certain: sequential rebinding, a projection inside a helper, a module frame read in a function', async () => {
    assert.deepEqual(await findings(`${BASE}\ndf = base\ndf = df.withColumn("x", F.lit(1))\ndf = df.select("id", "x")\ndf.select("name")`), ['"name"']);
    assert.deepEqual(await findings(`from pyspark.sql import DataFrame\ndef f(df: DataFrame):\n    out = df.select("id", "name")\n    return out.withColumn("y", F.col("amount"))`), ['F.col("amount")']);
    assert.deepEqual(await findings(`${BASE}\ndef job():\n    return base.groupBy("nme").count()`), ['"nme"']);
    assert.deepEqual(await findings(`${BASE}\nfor i in range(3):\n    df = base.select("id")\n    df.select("name")`), ['"name"']);
  });

  it('filters and sorts see through projections down to a join, union, aggregate or source', async () => {
    assert.deepEqual(await findings(`${BASE}\nbase.select("id").filter(F.col("amount") > 1).orderBy("name")`), []);
    assert.deepEqual(await findings(`${BASE}\nbase.withColumnRenamed("name", "n").where("name = 'x'")`), []);
    assert.deepEqual(await findings(`${BASE}\nbase.groupBy("id").agg(F.sum("amount").alias("t")).orderBy("amount")`), ['"amount"']);
    assert.deepEqual(await findings(`${BASE}\nbase.select("id").filter(F.col("amout") > 1)`), ['F.col("amout")']);
  });

  it('reads column references only through operators, Spark functions, Column methods and window specs', async () => {
    assert.deepEqual(await findings(`${BASE}\nbase.withColumn("r", F.row_number().over(Window.partitionBy(col("nme")).orderBy("id")))`), ['col("nme")']);
    assert.deepEqual(await findings(`${BASE}\nbase.withColumn("c", F.when(col("amount") > 1, col("nam")).otherwise(F.lit(None)))`), ['col("nam")']);
    assert.deepEqual(await findings(`${BASE}\nbase.withColumn("c", my_udf(col("whatever")))`), []);
    assert.deepEqual(await findings(`${BASE}\nbase.withColumn("c", F.transform("tags", lambda t: col("whatever")))`), []);
    assert.deepEqual(await findings(`${BASE}\nbase.select(F.expr("nope + 1").alias("x"))`), []);
  });

  it('df["x"] and df.x are judged against df, also in a join condition; col() there is not', async () => {
    const other = 'other = spark.createDataFrame([], "key BIGINT, country STRING")';
    assert.deepEqual(await findings(`${BASE}\n${other}\nbase.join(other, base["id"] == other["kei"])`), ['other["kei"]']);
    assert.deepEqual(await findings(`${BASE}\n${other}\nbase.join(other, col("id") == col("key"))`), []);
    assert.deepEqual(await findings(`${BASE}\nbase.select(base.count, base.columns, base.nme)`), ['base.nme']);
  });

  it('a join on key names needs each key on both sides', async () => {
    const other = 'other = spark.createDataFrame([], "key BIGINT, name STRING")';
    assert.deepEqual(await findings(`${BASE}\n${other}\nbase.join(other, "name")`), []);
    const r = await check(`${HEADER}\n${BASE}\n${other}\nbase.join(other, on=["name", "key"], how="left")\nbase.join(other, "id")\n`);
    assert.deepEqual(r.of('PSA720').map((f) => [r.textOf(f), f.message.split(':')[0]]), [
      ['"key"', 'Column "key" does not exist on the left side of the join, which joins on it by name'],
      ['"id"', 'Column "id" does not exist on the right side of the join, which joins on it by name'],
    ]);
    assert.deepEqual(await findings(`${BASE}\ndef f(right):\n    return base.join(right, "name")`), []);
  });

  it('lateral aliases, hidden and qualified names, no-op drops and renames are fine', async () => {
    assert.deepEqual(await findings(`${BASE}\nbase.select(F.col("id").alias("k"), (F.col("k") + 1).alias("k2"))`), []);
    assert.deepEqual(await findings(`${BASE}\nbase.select("_metadata", "base.id", "\`id\`")`), []);
    assert.deepEqual(await findings(`${BASE}\nbase.drop("gone").withColumnRenamed("gone", "x")`), []);
  });

  it('offers the did-you-mean fix only for one clearly closest name', async () => {
    const r = await check(`${HEADER}\nbase = spark.createDataFrame([], "order_id STRING, order_ts STRING")\nbase.select("order_tz", "order_idd", "x")\n`);
    const fixes = r.of('PSA720').map((f) => [r.textOf(f), f.fixes?.map((x) => x.edits[0].newText)]);
    assert.deepEqual(fixes, [['"order_tz"', ['order_ts']], ['"order_idd"', ['order_id']], ['"x"', []]]);
    assert.equal(closestName('order_i', ['order_id', 'order_ts']), 'order_id');
    assert.equal(closestName('ord_x', ['order_a', 'order_b']), undefined);
    assert.equal(closestName('ab', ['ac', 'ad']), undefined);
  });
});

describe('PSA720 helpers', () => {
  it('reads DDL strings with nested types and rejects what is not a field list', () => {
    assert.deepEqual(parseDdl('id BIGINT, m MAP<STRING, INT>, s STRUCT<a: INT, b: DECIMAL(10,2)>, `my col` STRING')?.map((c) => `${c.name}:${c.type}`), ['id:bigint', 'm:map', 's:struct', 'my col:string']);
    assert.deepEqual(parseDdl('struct<a:int,b:string>')?.map((c) => c.name), ['a', 'b']);
    assert.equal(parseDdl('int'), undefined);
    assert.equal(parseDdl('a INT, b'), undefined);
  });

  it('reads names of simple SQL predicates, and nothing of anything richer', () => {
    assert.deepEqual(sqlPredicateNames("amount > 100 AND status IN ('a', 'b') OR note IS NOT NULL")?.map((n) => n.name), ['amount', 'status', 'note']);
    assert.deepEqual(sqlPredicateNames('NOT (x BETWEEN 1 AND 2)')?.map((n) => n.name), ['x']);
    assert.deepEqual(sqlPredicateNames("date >= '2024-01-01'")?.map((n) => n.name), ['date']);
    for (const s of ["lower(name) = 'a'", "ts > date '2024-01-01'", 'a.b = 1', '`a` = 1', 'day > current_date', "CASE WHEN a THEN 1 END = 1", 'x > (SELECT 1)']) {
      assert.equal(sqlPredicateNames(s), undefined, s);
    }
  });
});
