import * as assert from 'node:assert/strict';
import { CodeContext } from '../../server/src/context/codeContext';
import { buildModel } from '../../server/src/model/buildModel';
import { loadParser, py, samplesAndFixtures } from './helpers';

// PSA401 reports from a sink's writer to the end of its call, and hands the writer over as `at`
// (issue 18): its code context is then read from the writer instead of from the node the root's
// search finds at the finding's start. Both must be the same context for every sink.

const SINKS = py`
  import pytest
  from pyspark.sql import SparkSession
  spark = SparkSession.builder.getOrCreate()
  def test_writes():
      df = spark.read.table("people")
      df.write.parquet("/tmp/x")
  class TestSinks:
      def test_in_class(self):
          df = spark.read.table("people")
          (df
              .write.mode("overwrite").saveAsTable("t"))
  @pytest.fixture
  def written():
      return spark.readStream.table("events").writeStream.format("delta").start("/out")
  def job():
      df = spark.read.table("people")
      def inner():
          df.select("email").write.csv("/o")
      inner()
  people = spark.read.table("people")
  people.write.save("/p")
`;

describe('a finding reported with `at` (PSA401)', () => {
  for (const [name, text] of [['sinks in tests, classes, fixtures and nested functions', SINKS] as [string, string], ...samplesAndFixtures()]) {
    it(`the writer's code context is the one found from the root: ${name}`, async () => {
      const tree = (await loadParser()).parse(text);
      try {
        const { model } = buildModel(tree, text);
        const fromWriter = new CodeContext(text, { path: name, model });
        const fromRoot = new CodeContext(text, { path: name, model });
        for (const sink of model.sinks) {
          const start = sink.writerNode.startIndex;
          assert.deepEqual(fromWriter.at(sink.writerNode), fromRoot.at(model.root.descendantForIndex(start, start)), `sink at ${start}`);
        }
        if (name.startsWith('sinks in')) {
          assert.equal(model.sinks.length, 5);
          // Three sinks in test code (a test function, a test class's method, a fixture), two not.
          assert.equal(model.sinks.filter((s) => fromWriter.at(s.writerNode).kind === 'test').length, 3);
        }
      } finally {
        tree.delete();
      }
    });
  }
});
