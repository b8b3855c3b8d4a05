import * as assert from 'node:assert/strict';
import { buildModel } from '../../server/src/model/buildModel';
import { nodesOfType } from '../../server/src/model/syntaxIndex';
import type { DataFrameModel, TransformCall } from '../../server/src/model/types';
import type { Node } from '../../server/src/parsing/pythonParser';
import { innermostTransformAround, transformIndexCounts } from '../../server/src/rules/helpers/transformAround';
import { analyseEditSequence, append, deleteLastStatement, insertAtMiddle, insertBefore, typeIntoLine, type SequenceEdit } from './analysisOutcome';
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

// After an edit the grouping is made from the previous model's (the transforms between the first and
// the last that differ grouped again): the answers must still be the scan's, for every call.

/** A transform typed into the middle, a statement typed into, the last one deleted, a UDF call appended, one inserted at the top. */
const EDITS: SequenceEdit[] = [
  insertAtMiddle('x = spark.read.parquet("/tmp/a").withColumn("n", F.upper(F.col("a")))\n'),
  typeIntoLine,
  deleteLastStatement,
  append('\ndf2 = df.withColumn("m", upper(F.col("b"))).filter(F.col("m") > 1)\n'),
  typeIntoLine,
  insertBefore(0, 'import os\n'),
];

describe('rules/helpers/transformAround after edits', () => {
  const before = { ...transformIndexCounts };
  let steps = 0;
  let compared = 0;
  for (const [name, text] of [['nested transforms', NESTED] as [string, string], ...files]) {
    it(`finds what a scan of every transform finds after each edit: ${name}`, async () => {
      const parser = await loadParser();
      analyseEditSequence(parser, name, text, EDITS, (model, _previous, change) => {
        steps++;
        for (const call of nodesOfType(model, 'call')) {
          const expected = byScan(model, call);
          if (expected) compared++;
          assert.ok(innermostTransformAround(model, call) === expected, `${call.text} at ${call.startIndex} after ${JSON.stringify(change)}`);
        }
      });
    });
  }
  it('regroups the calls of a function analysed for several calls when one of them is edited', async () => {
    const parser = await loadParser();
    const replace =
      (from: string, to: string): SequenceEdit =>
      (t) =>
        t.includes(from) ? { start: t.indexOf(from), end: t.indexOf(from) + from.length, text: to } : undefined;
    const was = { ...transformIndexCounts };
    // `clean` is analysed for `one` and for `two`: editing `two`'s argument analyses it again for that call only,
    // so its calls' groups hold items before and in the edited middle. Then `one` is deleted and typed again further down.
    const edits = [
      replace('spark.table("two")', 'spark.table("two2")'),
      replace('withColumn("e", upper("e"))', 'withColumn("e", upper("f"))'),
      replace('one = clean(spark.read.parquet("one"))\n', ''),
      replace('three = ', 'one = clean(spark.read.parquet("one"))\nthree = '),
    ];
    let visited = 0;
    analyseEditSequence(parser, 'nested.py', NESTED, edits, (model, _previous, change) => {
      visited++;
      for (const call of nodesOfType(model, 'call'))
        assert.ok(innermostTransformAround(model, call) === byScan(model, call), `${call.text} at ${call.startIndex} after ${JSON.stringify(change)}`);
    });
    assert.equal(visited, edits.length);
    assert.ok(transformIndexCounts.rescanned > was.rescanned, 'no group made again by a scan');
    assert.ok(transformIndexCounts.carried > was.carried, 'nothing carried');
  });

  it("made most groupings from the previous model's (the tests above are not vacuous)", () => {
    const carried = transformIndexCounts.carried - before.carried;
    assert.ok(compared > 1000, `only ${compared} calls inside a transform compared`);
    assert.ok(
      carried > steps / 2,
      `${carried} of ${steps} groupings carried (made anew ${transformIndexCounts.made - before.made}, remade ${transformIndexCounts.remade - before.remade})`,
    );
  });
});
