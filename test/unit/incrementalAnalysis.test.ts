import * as assert from 'node:assert/strict';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import fc from 'fast-check';
import { analyze } from '../../server/src/analysis';
import { DocumentStore } from '../../server/src/lsp/documentStore';
import { rootAsBuilt } from '../../server/src/model/buildModel';
import { syntaxTreeOf } from '../../server/src/parsing/syntaxTree';
import type { PythonParser } from '../../server/src/parsing/pythonParser';
import { everyEditEqualsFresh } from './analysisOutcome';
import { asChange, edit, statementEdit, type Edit } from './editArbitraries';
import { loadParser, samplesAndFixtures } from './helpers';

// Incremental analysis (issue 18): after an edit, the model is rebuilt from the first top-level
// statement the edit touched, on a syntax copy that took the unchanged statements over from the
// previous one. Whatever the edits, the result must be the one a fresh analysis of the same text
// gives: findings with their fixes, related locations and context, the pipeline-graph fragment,
// and the model itself (frames with their ids and lineage, actions, sinks, names).

const ROOT = join(__dirname, '..', '..', '..');
const corpus = samplesAndFixtures();

/** Small files whose findings depend on other top-level statements (see the second property). */
const CROSS_STATEMENT: [string, string][] = [
  [
    'cross_statement_writer.py',
    [
      'from pyspark.sql import SparkSession',
      '',
      'spark = SparkSession.builder.getOrCreate()',
      '',
      '',
      'def start_raw(df, target):',
      '    return df.writeStream.format("delta").option("checkpointLocation", "/tmp/checkpoints/raw").start(target)',
      '',
      '',
      'def start_bronze(df):',
      '    return df.writeStream.format("delta").start("s3://lake/bronze/events")',
      '',
      '',
      'events = spark.readStream.format("kafka").option("subscribe", "events").load()',
      'q1 = start_raw(events, "s3://lake/raw/events")',
      'q2 = start_bronze(events)',
      '',
    ].join('\n'),
  ],
  [
    'cross_statement_reuse.py',
    [
      'from pyspark.sql import SparkSession',
      'from pyspark.sql import functions as F',
      '',
      'spark = SparkSession.builder.getOrCreate()',
      'orders = spark.read.parquet("s3://lake/orders").withColumn("day", F.to_date("ts"))',
      'daily = orders.groupBy("day").agg(F.sum("amount").alias("total"))',
      'n = daily.count()',
      'if daily.count() == 0:',
      '    raise SystemExit("no orders")',
      'daily.write.mode("overwrite").parquet("s3://lake/daily")',
      'cached = orders.cache()',
      'cached.write.mode("overwrite").parquet("s3://lake/orders_copy")',
      'print(n)',
      '',
    ].join('\n'),
  ],
];

/** The bench's generator (plain ESM, scripts/bench/generate.mjs). */
interface Generator {
  generatePipeline(lines: number, seed?: number): string;
  generateRepetitive(lines: number, seed?: number): string;
}
const GENERATOR = pathToFileURL(join(ROOT, 'scripts', 'bench', 'generate.mjs')).href;

describe('incremental analysis', function () {
  this.timeout(120_000);
  let parser: PythonParser;
  let generated: [string, string][];
  before(async () => {
    parser = await loadParser();
    const gen = (await import(GENERATOR)) as Generator;
    generated = [
      ...[1, 2, 3].map((seed): [string, string] => [`generated_pipeline_${seed}.py`, gen.generatePipeline(220 + 60 * seed, seed)]),
      ...[1, 2].map((seed): [string, string] => [`generated_repetitive_${seed}.py`, gen.generateRepetitive(200, seed)]),
    ];
  });

  /**
   * After each edit of each random sequence, the incremental analysis (strict rules on) equals a
   * fresh parse and analysis of the same text. Returns how many analyses ran and how many resumed.
   */
  function incrementalEqualsFresh(files: readonly [string, string][], edits: fc.Arbitrary<Edit>, runs: { seed: number; numRuns: number }) {
    let resumed = 0;
    let analyses = 0;
    // `extras`: a model is built for the version first, then kept as the base of the next one (as the
    // server keeps the last model built, even for a run an edit overtook), or lost (the next run
    // must notice that the module scope it would resume moved on, and start afresh).
    const sequences = { edits, toChanges: (text: string, e: Edit) => [asChange(text, e)], extras: ['none', 'none', 'kept', 'lost'] as const, maxEdits: 5 };
    everyEditEqualsFresh(parser, files, sequences, runs, (incremental) => {
      analyses++;
      if (incremental.resumedStatements) resumed++;
    });
    return { analyses, resumed };
  }

  it('equals a fresh analysis after every edit of random edit sequences over the samples and rule fixtures', () => {
    const { analyses, resumed } = incrementalEqualsFresh(corpus, edit, { seed: 1818, numRuns: 80 });
    // The property is only worth something if many analyses did resume (an edit that breaks the
    // syntax often turns the statements before it into an ERROR node, and an edited import changes all).
    assert.ok(resumed > analyses / 10, `only ${resumed} of ${analyses} analyses resumed a previous model`);
  });

  it('equals a fresh analysis when whole statements are duplicated, deleted or inserted in files whose findings read other statements', () => {
    // What a finding depends on beyond its own statement: how often a writer function is called
    // (PSA204/PSA205 fixes), how often a frame is used (PSA102, PSA114), which counts are compared
    // later (PSA101, PSA104), what a function is handed. Duplicating a call or a use changes them,
    // in a statement after the one the finding sits in: what a reuse of an earlier result must see.
    const { analyses, resumed } = incrementalEqualsFresh(CROSS_STATEMENT, statementEdit, { seed: 1819, numRuns: 60 });
    assert.ok(resumed > analyses / 4, `only ${resumed} of ${analyses} analyses resumed a previous model`);
  });

  it('equals a fresh analysis after random edits of generated modules (functions modelled after the last statement, repeated imports)', () => {
    // The bench's files: pipelines in functions called by an orchestrator under `if __name__`, the
    // shape of most jobs, where most of the model is built by the last statement and by the
    // functions nobody calls, after the statement an edit touched; and notebook-like cells that
    // import again and again.
    const { analyses, resumed } = incrementalEqualsFresh(generated, edit, { seed: 1820, numRuns: 24 });
    assert.ok(resumed > analyses / 4, `only ${resumed} of ${analyses} analyses resumed a previous model`);
  });

  it('resumes after the statements before the edit, and an older model still reads its own module once a later copy took the root over', () => {
    const [, text] = corpus.find(([name]) => name.endsWith('medallion_architecture.py'))!;
    const store = new DocumentStore(parser, () => false);
    const uri = 'file:///medallion.py';
    try {
      const first = store.open(uri, 'python', 1, text);
      const old = analyze(first.tree!, text, {}).model!;
      const offsets = [0, text.indexOf('def silver_layer'), text.indexOf('dropDuplicates'), text.length - 3];
      const seen = (root: ReturnType<typeof rootAsBuilt>) =>
        offsets.map((o) => {
          const n = root.descendantForIndex(o, o);
          return `${n.type} ${n.startIndex}-${n.endIndex} ${n.text}`;
        });
      const before = seen(old.root);
      // A line inserted before the last function: the statements before it are shared, the rest moves.
      const at = first.document.positionAt(text.indexOf('def gold_layer'));
      store.change(uri, 2, [{ range: { start: at, end: at }, text: 'extra = spark.table("t")\n' }]);
      const now = store.get(uri)!;
      const copy = syntaxTreeOf(now.tree!, now.document.getText());
      assert.equal(copy.root, old.root, 'the new copy took the root over');
      assert.ok(copy.sharedStatements > 0);
      assert.deepEqual(seen(rootAsBuilt(old)), before);
      const next = analyze(now.tree!, now.document.getText(), { previousModel: old });
      assert.equal(next.resumedStatements, copy.root.namedChildren.indexOf(copy.root.namedChildren.find((c) => c.text.startsWith('extra'))!));
      assert.equal(rootAsBuilt(next.model!), next.model!.root);
    } finally {
      store.dispose();
    }
  });
});
