/**
 * The CLI's cross-file pass judges a file again from the facts kept by its first analysis
 * (`keepProjectFacts`, `judgeFromFacts`) instead of parsing and modelling it a second time: the
 * findings must be those a second analysis with the neighbours in view gives.
 */
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { analyze, judgeFromFacts, type AnalysisOptions } from '../../server/src/analysis';
import { fileFragment, mergeRawGraphs } from '../../server/src/graph';
import type { RawGraph } from '../../server/src/graph/pipelineGraph';
import { PROJECT_RULES_JUDGE_FROM_GRAPH, type ProjectFacts } from '../../server/src/project/projectFacts';
import { PROJECT_RULE_CODES } from '../../server/src/rules';
import { defaultSettings } from '../../shared/settings';
import { loadParser } from './helpers';

const ROOT = path.resolve(__dirname, '../../..');

const MEDALLION_HEAD = 'from pyspark.sql import SparkSession\nspark = SparkSession.builder.getOrCreate()\n\n';

interface Project {
  name: string;
  files: { file: string; text: string }[];
}

const pyFiles = (dir: string) =>
  fs
    .readdirSync(path.join(ROOT, dir))
    .filter((f) => f.endsWith('.py'))
    .map((f) => ({
      // Named as a job's file would be: under test/, every file is test code, where the rules are quiet.
      file: `pipelines/${path.basename(dir)}/${f}`,
      text: fs.readFileSync(path.join(ROOT, dir, f), 'utf8'),
    }));

/** Lambda and medallion pipelines over several files, with and without findings. */
function projects(): Project[] {
  const lambda = pyFiles('test/fixtures/lambda-split');
  const serving = lambda.find((f) => f.file.endsWith('serving.py'))!;
  return [
    { name: 'lambda split', files: lambda },
    { name: 'PSA601 project', files: pyFiles('test/fixtures/rules/PSA601_project') },
    { name: 'PSA602 project', files: pyFiles('test/fixtures/rules/PSA602_project') },
    { name: 'PSA602 ok project', files: pyFiles('test/fixtures/rules/PSA602_ok_project') },
    { name: 'samples', files: pyFiles('samples') },
    {
      // A medallion pipeline over three files: the gold job skips silver and writes back into bronze.
      name: 'medallion split',
      files: [
        { file: 'etl/ingest.py', text: MEDALLION_HEAD + 'spark.read.json("s3://lake/landing/orders").write.format("delta").save("s3://lake/bronze/orders")\n' },
        {
          file: 'etl/clean.py',
          text:
            MEDALLION_HEAD +
            'spark.read.format("delta").load("s3://lake/bronze/orders").dropDuplicates(["id"]).write.format("delta").save("s3://lake/silver/orders")\n',
        },
        {
          file: 'etl/gold.py',
          text:
            MEDALLION_HEAD +
            'def revenue():\n    orders = spark.read.format("delta").load("s3://lake/bronze/orders")\n' +
            '    orders.groupBy("day").count().write.format("delta").save("s3://lake/gold/daily_revenue")\n\n' +
            'def fix_up():\n    gold = spark.read.format("delta").load("s3://lake/gold/daily_revenue")\n' +
            '    gold.write.mode("append").format("delta").save("s3://lake/bronze/orders")\n',
        },
      ],
    },
    {
      name: 'architecture fixtures together',
      files: pyFiles('test/fixtures/rules').filter((f) => /PSA60\d/.test(f.file)),
    },
    {
      // The serving layer's raw read silenced by noqa on its line, and the same file taken for a test.
      name: 'noqa and test code',
      files: [
        ...lambda.filter((f) => f !== serving),
        { file: 'jobs/serving.py', text: serving.text },
        { file: 'jobs/serving_noqa.py', text: serving.text.replace('spark.read.parquet("s3://lake/raw/events")', '$&  # noqa: PSA601') },
        { file: 'tests/test_serving.py', text: serving.text },
      ],
    },
  ];
}

const VARIANTS: { name: string; options: AnalysisOptions }[] = [
  { name: 'the project rules', options: { select: [...PROJECT_RULE_CODES] } },
  { name: 'PSA601 only', options: { select: ['PSA601'] } },
  { name: 'PSA602 ignored', options: { select: [...PROJECT_RULE_CODES], ignore: ['PSA602'] } },
  {
    name: 'severities set, PSA602 off',
    options: { select: [...PROJECT_RULE_CODES], settings: { ...defaultSettings(), 'rules.severity': { PSA601: 'error', PSA602: 'off' } } },
  },
];

describe('the cross-file pass judges from facts kept by the first analysis', function () {
  this.timeout(60_000);

  it('every project rule judges from the graph alone (else the CLI parses again)', () => {
    assert.ok(PROJECT_RULES_JUDGE_FROM_GRAPH);
  });

  let total = 0;
  let silenced = 0;
  for (const project of projects()) {
    it(`${project.name}: the same findings as a second analysis with the neighbours in view`, async () => {
      const parser = await loadParser();
      const first = project.files.map(({ file, text }) => {
        const tree = parser.parse(text);
        try {
          const r = analyze(tree, text, { path: file, keepProjectFacts: true });
          const raw = fileFragment({ filename: file, uri: `file:///repo/${file}`, model: r.model, lines: r.lines, findings: r.findings }).raw;
          return { file, text, raw, facts: r.projectFacts };
        } finally {
          tree.delete();
        }
      });
      const withData = first.filter((f) => f.raw.datasets.size);
      assert.ok(withData.length >= 2, 'a project with neighbours');
      for (const f of withData) {
        assert.ok(f.facts, `${f.file}: facts kept`);
        const neighbours: RawGraph = mergeRawGraphs(withData.filter((o) => o !== f).map((o) => o.raw));
        for (const variant of VARIANTS) {
          const options: AnalysisOptions = { ...variant.options, path: f.file, workspace: neighbours };
          const tree = parser.parse(f.text);
          let again;
          try {
            again = analyze(tree, f.text, options).findings;
          } finally {
            tree.delete();
          }
          // Facts cross threads in the CLI: judged from a structured clone, as a worker holds them.
          const judged = judgeFromFacts(structuredClone(f.facts) as ProjectFacts, options);
          assert.deepEqual(judged, again, `${f.file}, ${variant.name}`);
          total += again.length;
          if (process.env.SHOW) console.log(f.file, variant.name, again.map((x) => x.code).join());
        }
      }
      if (project.name === 'noqa and test code') {
        const judge = (file: string) =>
          judgeFromFacts(first.find((f) => f.file === file)!.facts!, {
            select: [...PROJECT_RULE_CODES],
            path: file,
            // The other serving files are not its neighbours: the batch and speed layers are.
            workspace: mergeRawGraphs(withData.filter((o) => !o.file.includes('serving')).map((o) => o.raw)),
          })!;
        const plain = judge('jobs/serving.py').length;
        // Not a vacuous agreement: the serving file is told of its raw read; noqa and the test path each quiet it.
        assert.ok(plain > judge('jobs/serving_noqa.py').length, 'noqa silences the finding');
        assert.ok(plain > judge('tests/test_serving.py').length, 'a test file is quiet');
        silenced += plain - judge('jobs/serving_noqa.py').length;
      }
    });
  }

  it('the projects above gave findings to compare', () => {
    assert.ok(total >= 40, `${total} findings compared`);
    assert.ok(silenced >= 1);
  });
});
