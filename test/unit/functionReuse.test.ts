import * as assert from 'node:assert/strict';
import fc from 'fast-check';
import type { PythonParser } from '../../server/src/parsing/pythonParser';
import type { AnalysisResult } from '../../server/src/analysis';
import { everyEditEqualsFresh, stepsEqualFresh } from './analysisOutcome';
import { loadParser, py } from './helpers';
import { asChanges, GENERATOR, statementEdits, statementOps, type Generator, type StatementEdit } from './statementEdits';

// The functions nobody calls are analysed after the module's last statement, and most of a model is
// made there. The next model of the document replays such an analysis from the previous model's
// journal when every read of it gives the same answer (model/functionJournal.ts). Whatever the edit,
// the result must be a fresh analysis's: findings with fixes, the graph fragment, the model with its
// frame ids, names and local calls. The edits here go where a replay can go wrong: inside function
// bodies, module names the functions read rebound, functions that call each other, nested defs,
// decorators, a `def` moved, duplicated or deleted, frames bound at module level and used in functions.

/**
 * Modules of functions: helpers called by other functions, nested defs, a decorated UDF, module
 * constants and frames read by functions, helpers that make no frame (so calling them or not
 * leaves every frame id as it was: only the memo, the analysed set or the frame names tell), and
 * statements after the functions, where an edit rebinds what the functions before it read. A module
 * frame made again after an edit before it (`picked`, from `COLS`) may be equal to the one a function
 * read, or differ only in its columns, which a function deriving from it keeps.
 */
const MODULES: [string, string][] = [
  [
    'functions_calling_functions.py',
    py`
      from pyspark.sql import SparkSession
      from pyspark.sql import functions as F

      spark = SparkSession.builder.getOrCreate()
      ROOT = "s3://lake/raw"
      THRESHOLD = 10
      events = spark.read.parquet(ROOT + "/events")
      COLS = ["id", "amount"]
      picked = events.select(*COLS)


      def tune(spark):
          spark.conf.set("spark.sql.shuffle.partitions", "8")


      def audit(row=None):
          spark.conf.set("spark.sql.adaptive.enabled", "true")


      def show_it(df):
          df.show()


      def load(name):
          return spark.read.parquet(ROOT + "/" + name)


      def clean(df):
          return df.filter(F.col("amount") > THRESHOLD).dropDuplicates(["id"])


      def daily(df):
          out = clean(df).groupBy("day").agg(F.sum("amount").alias("total"))
          out.write.mode("overwrite").parquet(ROOT + "/daily")
          return out


      def with_inner():
          base = spark.read.json(ROOT + "/inner")

          def inner(x):
              show_it(x)
              return x.withColumn("k", F.lit(1))

          return inner(base).count()


      @F.udf("string")
      def tag(value):
          return value.upper()


      def tagged():
          audit(tagged)
          users = load("users").withColumn("t", tag(F.col("name")))
          users.cache()
          show_it(users)
          return users.collect()


      def report():
          tune(spark)
          d = daily(load("orders"))
          rows = d.collect()
          for r in rows:
              print(r)
          return rows


      def from_module_frame():
          audit(events)
          late_audit(row)
          recent = events.filter(F.col("day") > "2024-01-01")
          show_it(recent)
          recent.write.mode("append").saveAsTable("recent")
          return recent.count()


      def late_audit(row):
          spark.conf.set("spark.sql.ansi.enabled", "true")


      def from_picked():
          kept = picked.filter(F.col("amount") > 0)
          kept.write.mode("append").saveAsTable("kept")


      summary = daily(events)
      OUT = ROOT + "/out"
    `,
  ],
  [
    'functions_of_frames.py',
    py`
      from pyspark.sql import SparkSession, DataFrame
      from pyspark.sql import functions as F

      spark = SparkSession.builder.appName("jobs").getOrCreate()
      TABLE = "silver.orders"


      def read_orders(spark):
          return spark.table(TABLE)


      def enrich(df: DataFrame) -> DataFrame:
          return df.withColumn("year", F.year("ts")).withColumn("month", F.month("ts"))


      def totals(df: DataFrame):
          by_year = enrich(df).groupBy("year").count()
          by_year.show()
          return by_year


      def stream_orders(spark):
          q = spark.readStream.format("kafka").option("subscribe", "orders").load()
          return q.writeStream.format("delta").option("checkpointLocation", "/chk/orders").start("/out/orders")


      def upsert(batch_df, epoch_id):
          batch_df.write.mode("append").saveAsTable(TABLE)


      def start(spark):
          src = spark.readStream.table("bronze.orders")
          return src.writeStream.foreachBatch(upsert).start()


      class Job:
          def run(self, df):
              return totals(df)


      def main():
          orders = read_orders(spark)
          totals(orders).write.mode("overwrite").saveAsTable("gold.totals")
          stream_orders(spark)


      if __name__ == "__main__":
          LIMIT = 10
    `,
  ],
];

/**
 * Statements an edit may insert at the top level: names the functions read rebound (before or after
 * the functions), functions redefined, calls of the frame-free helpers, frames.
 */
const STATEMENTS = [
  'ROOT = "s3://lake/other"\n',
  'COLS = ["id", "day"]\n',
  'THRESHOLD = 5\n',
  'TABLE = "gold.orders"\n',
  'spark = None\n',
  'events = spark.table("events")\n',
  'def load(name):\n    return spark.table(name)\n',
  'def clean(df):\n    return df.where("amount > 0")\n',
  'def enrich(df):\n    return df\n',
  'def tune(spark):\n    pass\n',
  'clean = None\n',
  'show_it = print\n',
  'def helper(df):\n    return clean(df).limit(10)\n',
  'x = load("x").cache()\n',
  'tune(spark)\n',
  'audit()\n',
  'late_audit()\n',
  'show_it(events)\n',
  'report()\n',
  'main()\n',
  'from pyspark.sql.functions import col\n',
];

/** Text typed inside a function body, one piece at a time. */
const TYPED = ['x', 'df', '"', '(', ')', ':', '.', ',', ' ', '\n    ', '\n', '#', '=', 'F.', '.count()', '.cache()', 'load("y")', 'events', 'return '];

const edit = statementEdits({ typed: TYPED, statements: STATEMENTS, maxDelete: 10, ops: ['delete', 'insert', 'append', 'duplicate', 'move'] });
const toChanges = (text: string, e: StatementEdit) => asChanges(text, e, STATEMENTS);

describe('function analyses reused after an edit', function () {
  this.timeout(300_000);
  let parser: PythonParser;
  let files: [string, string][];
  before(async () => {
    parser = await loadParser();
    const gen = (await import(GENERATOR)) as Generator;
    // The bench's shape: pipelines in functions, an orchestrator under `if __name__`.
    files = [...MODULES, ...[4, 5].map((seed): [string, string] => [`generated_pipeline_${seed}.py`, gen.generatePipeline(260, seed)])];
  });

  /** After each edit of random sequences, the analysis resuming the previous model equals a fresh one; returns how many analyses replayed a function. */
  function reuseEqualsFresh(files: readonly [string, string][], edits: fc.Arbitrary<StatementEdit>, runs: { seed: number; numRuns: number }) {
    let analyses = 0;
    let reusing = 0;
    let reused = 0;
    let relocated = 0;
    let across = 0;
    // `extras`: a model built first for the version and kept as the base of the next one, or lost.
    const sequences = { edits, toChanges, extras: ['none', 'none', 'none', 'kept', 'lost'] as const, maxEdits: 6 };
    everyEditEqualsFresh(parser, files, sequences, runs, (incremental) => {
      analyses++;
      if (incremental.reusedFunctions) reusing++;
      reused += incremental.reusedFunctions ?? 0;
      relocated += incremental.relocatedFunctions ?? 0;
      across += incremental.relocatedAcrossFunctions ?? 0;
    });
    return { analyses, reusing, reused, relocated, across };
  }

  it('equals a fresh analysis after every edit, and replays many function analyses', () => {
    const { analyses, reusing, reused, relocated, across } = reuseEqualsFresh(files, edit, { seed: 1821, numRuns: 120 });
    console.log(`      ${analyses} analyses, ${reusing} replaying, ${reused} replays, ${relocated} relocated, ${across} renumbered across statements`);
    // Worth something only if many analyses did replay functions.
    assert.ok(reusing > analyses / 4, `only ${reusing} of ${analyses} analyses replayed a function (${reused} replays)`);
    // And many replays were of functions an edit before them had moved (the syntax copy adopted
    // their nodes; the journal renumbered): 316 in 433 analyses with this seed.
    assert.ok(relocated > analyses / 4, `only ${relocated} relocated replays in ${analyses} analyses (${reused} replays)`);
  });

  /** Inserts each text before the first place `at` stands (in the text before it), checking every incremental analysis against a fresh one. */
  function editsInOrder(name: string, text: string, edits: { at: string; insert: string }[]): AnalysisResult[] {
    const out: AnalysisResult[] = [];
    const steps = edits.map((e) => ({
      changes: (now: string) => {
        const offset = now.indexOf(e.at);
        assert.ok(offset >= 0, e.at);
        return [{ start: offset, end: offset, text: e.insert }];
      },
      extra: 'none' as const,
    }));
    stepsEqualFresh(parser, name, text, steps, (incremental) => out.push(incremental));
    return out;
  }

  it('equals a fresh analysis when a module frame a function reads is made again, equal or with other columns', () => {
    // An edit before `picked` runs its statement again: a new frame, equal to the one `from_picked`
    // read when COLS is unchanged, with other columns when COLS changed (an analysis of the function
    // kept from before would keep the old ones, which its `kept` inherits). Each step is compared
    // with a fresh analysis, interpreter memo included (editsInOrder).
    const [name, text] = MODULES[0];
    const steps = editsInOrder(name, text, [
      { at: 'COLS = ', insert: 'THRESHOLD = 10\n' },
      { at: 'picked = ', insert: 'COLS = ["id", "day"]\n' },
      { at: 'picked = ', insert: 'COLS = ["id", "amount"]\n' },
    ]);
    assert.equal(steps.length, 3);
  });

  it("replays a function whose helper an edit moved, renumbered by the helper statement's own move, and equals a fresh analysis", () => {
    // `build` calls `tidy`, defined after it, which calls the UDF `strip_it`: the journal of `build`'s
    // analysis holds numbers inside both later statements (the memo key of `tidy(raw)`, frame names
    // in `tidy`'s body). A statement inserted between them moves `tidy` and `strip_it` but not
    // `build`; one inserted above moves all three by the same amount; then `tidy`'s body changes (its
    // statement is read again: the journal cannot be placed). The function values of `tidy` and
    // `strip_it` are the previous model's objects when their statements run again unchanged. (`tidy`
    // reads no constant defined after an edit: a constant's statement run again makes a new value,
    // and the analysis runs.)
    const text = py`
      from pyspark.sql import SparkSession
      from pyspark.sql import functions as F

      spark = SparkSession.builder.getOrCreate()


      def build(spark):
          raw = spark.read.parquet("/data/raw")
          cleaned = tidy(raw)
          cleaned.write.mode("append").saveAsTable("silver.raw")
          return cleaned


      LIMIT = 10


      @F.udf(returnType="string")
      def strip_it(value):
          return value.strip()


      def tidy(df):
          kept = df.filter(F.col("amount") > 0)
          return kept.withColumn("name", strip_it(F.col("name")))
    `;
    const steps = editsInOrder('helper_after_caller.py', text, [
      { at: 'LIMIT = ', insert: 'THRESHOLD = 5\n' },
      { at: '\n\ndef build', insert: '\nMODE = "append"\n' },
      { at: '    return kept', insert: '    kept.count()\n' },
    ]);
    const across = steps.map((s) => s.relocatedAcrossFunctions ?? 0);
    assert.ok(across[0] >= 1 && across[1] >= 1, `build's analysis was not replayed renumbered across statements: ${across.join(', ')}`);
    assert.equal(across[2], 0);
  });

  it('equals a fresh analysis when statements after the functions rebind what they read or call what they call', () => {
    // A statement added after the functions leaves them unchanged and their frame ids too when it
    // makes no frame (a constant, a call of a frame-free helper), so only the reads tell that
    // their analyses would now go otherwise: a name's value, a memo entry made by the new call,
    // a function it marked analysed, a frame name it made in the helper's body.
    const rebinding = statementOps(STATEMENTS, ['insert', 'append', 'delete']);
    const { analyses, reusing, reused } = reuseEqualsFresh(MODULES, rebinding, { seed: 1822, numRuns: 80 });
    assert.ok(reusing > analyses / 4, `only ${reusing} of ${analyses} analyses replayed a function (${reused} replays)`);
  });
});
