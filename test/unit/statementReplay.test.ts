import * as assert from 'node:assert/strict';
import type { PythonParser } from '../../server/src/parsing/pythonParser';
import type { AnalysisResult } from '../../server/src/analysis';
import { everyEditEqualsFresh, stepsEqualFresh, type TextChange } from './analysisOutcome';
import { loadParser, py } from './helpers';
import { asChanges, GENERATOR, statementEdits, type Generator, type StatementEdit } from './statementEdits';

// After an edit, the model resumes before the first top-level statement the edit touched, and the
// statements after it are replayed from the previous model's journals when every read of theirs
// gives the same answer (model/statementJournal.ts); the others run. Whatever the edit, the result
// must be a fresh analysis's: findings with fixes, the graph fragment, the model with its frame ids,
// names and local calls, the interpreter's memo and analysed set. The module below is made of
// top-level statements that read what other statements wrote: constants, frames, functions (called
// from statements, with the memo they share), a name a statement writes and then reads itself, a temp
// view registered by one statement and read by another, loops and branches at the top level.

const MODULE = py`
  from pyspark.sql import SparkSession
  from pyspark.sql import functions as F

  spark = SparkSession.builder.getOrCreate()
  ROOT = "s3://lake/raw"
  LIMIT = 10
  events = spark.read.parquet(ROOT + "/events")
  COLS = ["id", "amount"]


  def load(name):
      return spark.read.parquet(ROOT + "/" + name)


  def clean(df):
      return df.filter(F.col("amount") > LIMIT).dropDuplicates(["id"])


  stream = spark.readStream.format("kafka").option("subscribe", "t").load().withWatermark("ts", "1 minute")
  stream.createOrReplaceTempView("live")
  orders = load("orders")
  picked = orders.select(*COLS)
  orders_again = load("orders")
  orders_again.write.mode("append").saveAsTable("orders_copy")
  cleaned = clean(picked)
  if LIMIT > 5:
      small = cleaned.limit(LIMIT)
      again = small.filter(F.col("id") > 0)
      again.write.mode("append").saveAsTable("small")
  live = spark.table("live")
  live.writeStream.format("delta").start("/out/live")
  for day in ["a", "b"]:
      part = events.filter(F.col("day") == day)
      part.write.mode("append").parquet(ROOT + "/" + day)
  summary = clean(events).groupBy("id").count()
  summary.cache()
  rows = summary.collect()
  OUT = ROOT + "/out"
  summary.write.mode("overwrite").parquet(OUT)


  def late(df):
      return df.dropDuplicates(["id"])


  final = late(summary)
  final.show()
  total = late(cleaned).count()
`;

/** Top-level statements an edit may insert: what later statements read rebound, functions redefined, frames, views, calls. */
const STATEMENTS = [
  'ROOT = "s3://lake/other"\n',
  'LIMIT = 3\n',
  'COLS = ["id", "day"]\n',
  'events = spark.table("events")\n',
  'def load(name):\n    return spark.table(name)\n',
  'def clean(df):\n    return df\n',
  'clean = None\n',
  'late = clean\n',
  'orders = events\n',
  'spark.sql("SELECT 1").createOrReplaceTempView("live")\n',
  'stream = events\n',
  'x = load("x").cache()\n',
  'picked.count()\n',
  'NOTE = "nothing read"\n',
  'summary = clean(orders)\n',
];

/** Text typed somewhere: into a string, a name, a call; some of it breaks the syntax. */
const TYPED = ['x', '"', '(', ')', '.', ' ', '\n', '#', '=', '0', '.count()', '.cache()', 'load("y")', 'events', '_2'];

const edit = statementEdits({ typed: TYPED, statements: STATEMENTS, maxDelete: 8, ops: ['delete', 'insert', 'insert', 'duplicate', 'move'] });
const toChanges = (text: string, e: StatementEdit) => asChanges(text, e, STATEMENTS);

describe('top-level statements replayed after an edit', function () {
  this.timeout(300_000);
  let parser: PythonParser;
  let files: [string, string][];
  before(async () => {
    parser = await loadParser();
    const gen = (await import(GENERATOR)) as Generator;
    // The bench's shape: pipelines in functions, an orchestrator under `if __name__` calling builders.
    files = [
      ['statements_reading_statements.py', MODULE],
      ...[6, 7].map((seed): [string, string] => [`generated_pipeline_${seed}.py`, gen.generatePipeline(240, seed)]),
    ];
  });

  it('equals a fresh analysis after every edit, and replays many statements, moved ones among them', () => {
    let analyses = 0;
    let replaying = 0;
    let replayed = 0;
    let relocated = 0;
    const sequences = { edits: edit, toChanges, extras: ['none', 'none', 'none', 'kept', 'lost'] as const, maxEdits: 6 };
    everyEditEqualsFresh(parser, files, sequences, { seed: 1919, numRuns: 100 }, (incremental) => {
      analyses++;
      if (incremental.replayedStatements) replaying++;
      replayed += incremental.replayedStatements ?? 0;
      relocated += incremental.relocatedStatements ?? 0;
    });
    console.log(`      ${analyses} analyses, ${replaying} replaying statements, ${replayed} statements replayed, ${relocated} of them moved`);
    // Worth something only if many analyses replayed statements, and many of those had moved.
    assert.ok(replaying > analyses / 3, `only ${replaying} of ${analyses} analyses replayed a statement`);
    assert.ok(relocated > analyses, `only ${relocated} moved statements replayed in ${analyses} analyses`);
  });

  /** Applies each edit (read on the text before it) in turn, checking every incremental analysis against a fresh one. */
  function editsInOrder(name: string, text: string, edits: ((now: string) => TextChange)[]): AnalysisResult[] {
    const out: AnalysisResult[] = [];
    const steps = edits.map((e) => ({ changes: (now: string) => [e(now)], extra: 'none' as const }));
    stepsEqualFresh(parser, name, text, steps, (incremental) => out.push(incremental));
    return out;
  }

  /** `text` typed right after the first `after` in the text. */
  const typeAfter =
    (after: string, text: string) =>
    (now: string): TextChange => {
      const at = now.indexOf(after);
      assert.ok(at >= 0, after);
      return { start: at + after.length, end: at + after.length, text };
    };

  it('runs the statements whose reads changed and replays the others, moved', () => {
    // `ROOT`'s string typed into: every statement reading ROOT (events, OUT, the loop's writes, and
    // the calls of `load`, which reads it) must run; the others replay. Then a statement inserted at
    // the top moves every statement after it (frame names keyed by offset, memo keys by def id);
    // then `LIMIT` changed, which `clean` (called from statements) and the branch read.
    const steps = editsInOrder('statements_reading_statements.py', MODULE, [
      typeAfter('ROOT = "s3://lake/raw', '2'),
      typeAfter('spark = SparkSession.builder.getOrCreate()\n', 'NOTE = "moved"\n'),
      typeAfter('LIMIT = 1', '1'),
    ]);
    const replayed = steps.map((s) => s.replayedStatements ?? 0);
    const relocated = steps.map((s) => s.relocatedStatements ?? 0);
    assert.ok(
      replayed.every((n) => n > 0),
      `replayed: ${replayed.join(', ')}`,
    );
    assert.ok(relocated[1] > 10, `moved statements replayed after the insertion at the top: ${relocated[1]}`);
  });

  it('runs a statement reading a temp view when the registration before it changed, though nothing else it reads did', () => {
    // The view's registration is renamed: `spark.table("live")` no longer reads the stream (a batch
    // table, no watermark), though every name, memo entry and frame id it reads is the same. A
    // statement that read the views registered before it is never journaled.
    const steps = editsInOrder('statements_reading_statements.py', MODULE, [
      typeAfter('createOrReplaceTempView("live', '_old'),
      typeAfter('createOrReplaceTempView("live', ''),
    ]);
    assert.equal(steps.length, 2);
  });

  it('replays a statement that reads a name it wrote itself, and runs it when what it read first changed', () => {
    // The branch writes `small` and reads it back (not a read of the state before it); it reads
    // `cleaned` and `LIMIT` first. A statement inserted before the branch that rebinds neither lets it
    // replay; one that rebinds LIMIT makes it run.
    const steps = editsInOrder('statements_reading_statements.py', MODULE, [
      typeAfter('cleaned = clean(picked)\n', 'NOTE = "nothing read"\n'),
      typeAfter('NOTE = "nothing read"\n', 'LIMIT = 7\n'),
    ]);
    const replayed = steps.map((s) => s.replayedStatements ?? 0);
    assert.ok(replayed[0] > replayed[1], `the branch reading LIMIT must run after LIMIT is rebound: ${replayed.join(', ')}`);
  });
});
