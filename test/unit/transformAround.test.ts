import * as assert from 'node:assert/strict';
import { buildModel } from '../../server/src/model/buildModel';
import { nodesOfType } from '../../server/src/model/syntaxIndex';
import type { DataFrameModel, TransformCall } from '../../server/src/model/types';
import type { Node } from '../../server/src/parsing/pythonParser';
import { innermostTransformAround } from '../../server/src/rules/helpers/transformAround';
import { loadParser, py, samplesAndFixtures } from './helpers';

// PSA105 asks, per argument of every UDF call, which transform the call is evaluated in. It used to
// scan every transform of the file for the shortest call around it; the lookup by range climbing
// from the call must give the very same transform (the same object) for every call of every file.

const files = samplesAndFixtures();

/** A call analysed twice (two calls of its function), nested transforms, and a UDF call in a receiver. */
const NESTED = py`
  from pyspark.sql import SparkSession, functions as F
  from pyspark.sql.functions import udf
  spark = SparkSession.builder.getOrCreate()
  upper = udf(lambda s: s.upper())
  def clean(df):
      return df.withColumn("a", upper(F.col("a"))).select(upper("b"), "c").filter(upper(F.col("d")) == "X")
  one = clean(spark.read.parquet("one"))
  two = clean(spark.table("two").withColumn("e", upper("e")))
  three = spark.table("t").withColumn("x", upper("x")).withColumn("y", (upper("y")))
`;

/** What PSA105 computed before: every transform scanned. */
function byScan(model: DataFrameModel, call: Node): TransformCall | undefined {
  let best: TransformCall | undefined;
  for (const t of model.transforms) {
    if (t.call.startIndex > call.startIndex || t.call.endIndex < call.endIndex) continue;
    if (t.receiver.startIndex <= call.startIndex && call.endIndex <= t.receiver.endIndex) continue;
    if (best && best.call.endIndex - best.call.startIndex <= t.call.endIndex - t.call.startIndex) continue;
    best = t;
  }
  return best;
}

describe('rules/helpers/transformAround', () => {
  for (const [name, text] of [['nested transforms', NESTED] as [string, string], ...files]) {
    it(`finds what a scan of every transform finds: ${name}`, async () => {
      const tree = (await loadParser()).parse(text);
      try {
        const { model } = buildModel(tree, text);
        let found = 0;
        for (const call of nodesOfType(model, 'call')) {
          const expected = byScan(model, call);
          if (expected) found++;
          // By identity: a failing deep comparison would print the model the transforms hold.
          assert.ok(innermostTransformAround(model, call) === expected, `${call.text} at ${call.startIndex}`);
        }
        if (name === 'nested transforms') assert.ok(found >= 8, `only ${found} calls inside a transform`);
      } finally {
        tree.delete();
      }
    });
  }
});
