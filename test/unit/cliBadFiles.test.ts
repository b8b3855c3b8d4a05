// The CLI goes on after a file it cannot analyse (issue 18): that file gets a per-file error,
// every other file its findings, whether the file was refused or actually broke the parser.
import * as assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { mixedIndentFile } from './parserFixtures';

const CLI = path.resolve(__dirname, '../../../dist/cli.js');
const GOOD =
  'from pyspark.sql import SparkSession\nspark = SparkSession.builder.getOrCreate()\ndf = spark.read.parquet("s3://b/x").where("amount > 0")\nif df.count() > 0:\n    df.coalesce(1).write.parquet("s3://b/y")\n';

describe('CLI with a file that breaks tree-sitter', function () {
  this.timeout(120_000); // a deadline, not a timing claim: each test spawns the CLI (some with workers) on a shared, busy machine
  let tmp: string;
  before(() => {
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'psa-bad-'));
    fs.writeFileSync(path.join(tmp, 'bad.py'), mixedIndentFile());
    fs.writeFileSync(path.join(tmp, 'good.py'), GOOD);
    fs.writeFileSync(path.join(tmp, 'good2.py'), GOOD);
    // PSA301 is strict (opt-in): the settings give it a severity, which turns it on.
    fs.writeFileSync(path.join(tmp, 'settings.json'), JSON.stringify({ rules: { severity: { PSA301: 'warning' } } }));
  });
  after(() => fs.rmSync(tmp, { recursive: true, force: true }));

  const check = (env: Record<string, string>, files = ['bad.py', 'good.py', 'good2.py'], jobs: string[] = []) =>
    spawnSync(process.execPath, [CLI, 'check', '--format', 'json', '--config', 'settings.json', ...jobs, ...files], {
      cwd: tmp,
      encoding: 'utf8',
      env: { ...process.env, ...env },
    });

  // With threads, the workers take the largest files first and the main thread the smallest: the
  // poisoned file lands in a worker, or (when every good file is larger) in the main thread, which
  // goes on analysing the files after it with a fresh parser.
  for (const [where, pad] of [
    ['a worker', 0],
    ['the main thread', 30],
  ] as const) {
    it(`breaking the parser in ${where}: the same output with 2 and 3 threads as with 1`, () => {
      const dir = path.join(tmp, `threads-${pad}`);
      fs.mkdirSync(dir);
      fs.copyFileSync(path.join(tmp, 'settings.json'), path.join(dir, 'settings.json'));
      fs.copyFileSync(path.join(tmp, 'bad.py'), path.join(dir, 'bad.py'));
      const bad = fs.statSync(path.join(dir, 'bad.py')).size;
      const files = ['bad.py'];
      for (let i = 0; i < 8; i++) {
        // Good files smaller than bad.py, or (pad) larger: a comment block pads them.
        const text = pad ? `${'# padding\n'.repeat(Math.ceil(bad / 10) + i)}${GOOD}` : `${'# c\n'.repeat(i)}${GOOD}`;
        fs.writeFileSync(path.join(dir, `good${i}.py`), text);
        files.push(`good${i}.py`);
      }
      const run = (jobs: string) =>
        spawnSync(process.execPath, [CLI, 'check', '--format', 'json', '--config', 'settings.json', '--jobs', jobs, ...files], {
          cwd: dir,
          encoding: 'utf8',
          env: { ...process.env, PYSPARK_ARCHITECT_TEST_UNGUARDED: '1' },
        });
      const one = run('1');
      assert.match(one.stderr, /bad\.py: error: not analysed: the parser failed on this file \(memory access out of bounds\) and was restarted/);
      assert.equal((JSON.parse(one.stdout) as unknown[]).length, 16, one.stdout);
      for (const jobs of ['2', '3']) {
        const r = run(jobs);
        assert.equal(r.stdout, one.stdout, `--jobs ${jobs}`);
        assert.equal(r.stderr, one.stderr, `--jobs ${jobs}`);
        assert.equal(r.status, one.status, `--jobs ${jobs}`);
      }
    });
  }

  for (const [name, env, reason] of [
    ['refused by the indentation guard', {}, /bad\.py: error: not analysed: blocks nest more than 380 levels deep/],
    [
      'breaking an unguarded parser (restarted for the next file)',
      { PYSPARK_ARCHITECT_TEST_UNGUARDED: '1' },
      /bad\.py: error: not analysed: the parser failed on this file \(memory access out of bounds\) and was restarted/,
    ],
  ] as const) {
    it(`check bad.py good.py good2.py reports the good files' findings, bad.py ${name}`, () => {
      const r = check(env);
      assert.match(r.stderr, reason);
      const results = JSON.parse(r.stdout) as { filename: string; code: string }[];
      const byFile = (f: string) =>
        results
          .filter((x) => x.filename === f)
          .map((x) => x.code)
          .sort();
      assert.deepEqual(byFile('good.py'), ['PSA104', 'PSA301']);
      assert.deepEqual(byFile('good2.py'), ['PSA104', 'PSA301']);
      assert.deepEqual(byFile('bad.py'), []);
      assert.equal(r.status, 1, 'findings in the good files: exit 1, not 2');
    });
  }
});
