import * as assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

import { analyseFile, type CheckArgs } from '../../server/src/cli/main';
import { WorkerPool, workerCount } from '../../server/src/cli/workers';
import { defaultSettings } from '../../shared/settings';

const ROOT = path.resolve(__dirname, '../../..');
const CLI = path.join(ROOT, 'dist/cli.js');

function run(args: string[]): { code: number | null; stdout: string; stderr: string } {
  // The graph of every rule fixture is over a megabyte of JSON: spawnSync's default maxBuffer (1 MB)
  // would kill the child and leave a null status.
  const r = spawnSync(process.execPath, [CLI, ...args], { cwd: ROOT, encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

/**
 * A folder like a real repository: the samples, every rule fixture (positive and negative), a
 * lambda architecture split over three files (the cross-file pass), a Jupyter notebook, and files
 * each run must skip or fail on in its own way.
 */
function project(into: string): void {
  const copy = (from: string, to: string) => fs.cpSync(path.join(ROOT, from), path.join(into, to), { recursive: true });
  copy('samples', 'samples');
  copy('test/fixtures/rules', 'rules');
  copy('test/fixtures/lambda-split', 'pipelines/lambda');
  copy('test/fixtures/notebooks', 'notebooks');
  // The architecture rules are strict (opt-in): this project turns them on, so the cross-file pass reports.
  fs.writeFileSync(path.join(into, 'pyproject.toml'), '[tool.pyspark-architect]\nseverity = { PSA601 = "warning", PSA602 = "warning" }\n');
  fs.writeFileSync(path.join(into, 'binary.py'), Buffer.from([0, 1, 2, 3, 0xff]));
  fs.writeFileSync(path.join(into, 'plain.py'), 'def add(a, b):\n    return a + b\n');
  fs.writeFileSync(
    path.join(into, 'broken.py'),
    'from pyspark.sql import SparkSession\nspark = SparkSession.builder.getOrCreate(\ndf = spark.read.parquet("s3://x"\n',
  );
  fs.writeFileSync(path.join(into, 'huge.py'), `import pyspark\n${'x = 1\n'.repeat(12_000)}`);
}

describe('CLI worker threads', function () {
  this.timeout(180_000);
  let tmp: string;
  before(() => {
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'psa-workers-'));
    project(path.join(tmp, 'repo'));
  });
  after(() => fs.rmSync(tmp, { recursive: true, force: true }));

  for (const format of ['text', 'json']) {
    it(`check --format ${format}: two workers print exactly what one does (findings, order, messages, exit status)`, () => {
      const args = ['check', '--format', format, '--max-file-size', '64', path.join(tmp, 'repo')];
      const one = run([...args, '--jobs', '1']);
      // Two threads: this one and a worker; three: two workers, which pass each other their files' graphs.
      for (const jobs of format === 'text' ? ['2', '3'] : ['2']) {
        const two = run([...args, '--jobs', jobs]);
        assert.equal(one.code, 1, one.stderr);
        assert.equal(two.stdout, one.stdout, `--jobs ${jobs}`);
        assert.equal(two.stderr, one.stderr, `--jobs ${jobs}`);
        assert.equal(two.code, one.code, `--jobs ${jobs}`);
      }
      if (format === 'text') {
        // Not an empty agreement: findings of many rules, the notebook's cells and the cross-file pass are in it.
        assert.ok(new Set(one.stdout.match(/PSA\d{3}/g)).size >= 20, one.stdout);
        assert.match(one.stdout, /clickstream\.ipynb:cell \d+:\d+:\d+: PSA/);
        assert.match(one.stdout, /lambda\/\w+\.py:\d+:\d+: PSA60\d/);
        assert.match(one.stderr, /binary\.py: skipped: binary file/);
        assert.match(one.stderr, /huge\.py: skipped: \d+ KB is over the 64 KB limit/);
      }
    });
  }

  it('graph: the same pipeline with two workers as with one', () => {
    const one = run(['graph', '--max-file-size', '64', '--jobs', '1', path.join(tmp, 'repo')]);
    const two = run(['graph', '--max-file-size', '64', '--jobs', '2', path.join(tmp, 'repo')]);
    assert.equal(one.code, 0, one.stderr);
    assert.ok(JSON.parse(one.stdout).nodes.length > 10);
    assert.equal(two.stdout, one.stdout);
    assert.equal(two.stderr, one.stderr);
  });

  it('--fix with two workers writes the same files as with one', () => {
    const a = path.join(tmp, 'fix1');
    const b = path.join(tmp, 'fix2');
    fs.cpSync(path.join(tmp, 'repo'), a, { recursive: true });
    fs.cpSync(path.join(tmp, 'repo'), b, { recursive: true });
    const one = run(['check', '--fix', '--max-file-size', '64', '--jobs', '1', a]);
    const two = run(['check', '--fix', '--max-file-size', '64', '--jobs', '2', b]);
    assert.equal(two.stdout.split(b).join('<dir>'), one.stdout.split(a).join('<dir>'));
    assert.equal(two.stderr.split(b).join('<dir>'), one.stderr.split(a).join('<dir>'));
    assert.match(one.stderr, /: fixed \d+: PSA/);
    for (const f of fs.readdirSync(a, { recursive: true }) as string[]) {
      if (fs.statSync(path.join(a, f)).isFile()) assert.equal(fs.readFileSync(path.join(b, f), 'utf8'), fs.readFileSync(path.join(a, f), 'utf8'), f);
    }
  });

  it("a notebook's datasets reach the workers' cross-file pass (a lambda whose batch layer is a notebook)", () => {
    const dir = path.join(tmp, 'lambda-nb');
    fs.mkdirSync(dir);
    for (const f of ['speed.py', 'serving.py']) fs.copyFileSync(path.join(ROOT, 'test/fixtures/lambda-split', f), path.join(dir, f));
    fs.writeFileSync(path.join(dir, 'pyproject.toml'), '[tool.pyspark-architect]\nseverity = { PSA601 = "warning" }\n');
    const batch = fs.readFileSync(path.join(ROOT, 'test/fixtures/lambda-split/batch.py'), 'utf8');
    const notebook = {
      cells: [{ cell_type: 'code', execution_count: null, metadata: {}, outputs: [], source: batch.split(/(?<=\n)/) }],
      metadata: { kernelspec: { name: 'python3', display_name: 'Python 3', language: 'python' }, language_info: { name: 'python' } },
      nbformat: 4,
      nbformat_minor: 5,
    };
    fs.writeFileSync(path.join(dir, 'batch.ipynb'), JSON.stringify(notebook, null, 1));
    const one = run(['check', '--jobs', '1', dir]);
    const two = run(['check', '--jobs', '2', dir]);
    // serving.py is judged in a worker with the notebook's graph, which only the main thread made.
    assert.match(one.stdout, /serving\.py:\d+:\d+: PSA601 /, one.stderr);
    assert.equal(two.stdout, one.stdout, two.stderr);
    assert.equal(two.stderr, one.stderr);
    assert.equal(two.code, one.code);
  });

  it('a file whose project turns a project rule on is judged with the datasets of neighbours whose project does not', () => {
    // The run builds every file's graph as soon as one file runs a project rule (and none when none
    // does): serving.py's PSA601 needs batch.py's and speed.py's, from a project with the rule off.
    const dir = path.join(tmp, 'lambda-projects');
    fs.mkdirSync(path.join(dir, 'a'), { recursive: true });
    fs.mkdirSync(path.join(dir, 'b'), { recursive: true });
    for (const f of ['batch.py', 'speed.py']) fs.copyFileSync(path.join(ROOT, 'test/fixtures/lambda-split', f), path.join(dir, 'a', f));
    fs.copyFileSync(path.join(ROOT, 'test/fixtures/lambda-split/serving.py'), path.join(dir, 'b/serving.py'));
    fs.writeFileSync(path.join(dir, 'b/pyproject.toml'), '[tool.pyspark-architect]\nseverity = { PSA601 = "warning" }\n');
    const one = run(['check', '--jobs', '1', dir]);
    assert.match(one.stdout, /b\/serving\.py:\d+:\d+: PSA601 /, one.stderr);
    assert.doesNotMatch(one.stdout, /a\/\w+\.py:\d+:\d+: PSA601 /);
    for (const jobs of ['2', '3']) {
      const r = run(['check', '--jobs', jobs, dir]);
      assert.equal(r.stdout, one.stdout, `--jobs ${jobs}`);
      assert.equal(r.stderr, one.stderr, `--jobs ${jobs}`);
    }
  });

  it('--jobs needs a whole number of workers', () => {
    const r = run(['check', '--jobs', '0', 'samples']);
    assert.equal(r.code, 2);
    assert.match(r.stderr, /--jobs needs a whole number of workers, 1 or more/);
  });

  it('a worker answers a file as the main thread does', async () => {
    const file = path.join(ROOT, 'samples/kappa_architecture.py');
    const args: CheckArgs = {
      format: 'text',
      select: [],
      ignore: [],
      maxKb: 2048,
      exitZero: false,
      settings: defaultSettings(),
      fix: false,
      unsafeFixes: false,
      diff: false,
      explain: false,
      project: false,
      paths: [file],
    };
    const job = { index: 0, file, options: { settings: defaultSettings(), path: file } };
    const here = await analyseFile(job, args, false);
    const pool = new WorkerPool(1, path.join(ROOT, 'out/server/src/cli/main.js'), args, false);
    try {
      const there = await pool.analyse(job);
      assert.ok(here.result && there.result);
      assert.ok(here.result.findings.length > 0);
      assert.deepEqual(there.result.findings, here.result.findings);
      assert.deepEqual(there.result.raw, here.result.raw);
      assert.equal(there.result.text, fs.readFileSync(file, 'utf8'));
    } finally {
      await pool.close();
    }
  });

  it('default threads: one per core only when each gets enough files and enough code; --jobs wins, never more than the files', () => {
    const mb = 1024 * 1024;
    const cores = os.availableParallelism();
    assert.equal(workerCount(undefined, 1, 10 * mb), 1);
    assert.equal(workerCount(undefined, 10, 100 * mb), 1);
    assert.equal(workerCount(undefined, 10_000, 1_000 * mb), Math.min(cores, 10_000));
    // A hundred files of 15 KB (the bench's): one thread; a thousand (15 MB): two on two cores.
    assert.equal(workerCount(undefined, 100, 1.5 * mb), 1);
    assert.equal(workerCount(undefined, 1000, 15 * mb), Math.min(cores, 7));
    assert.equal(workerCount(undefined, 1000, 3 * mb), 1);
    assert.equal(workerCount(undefined, 1000, 4 * mb), Math.min(cores, 2));
    assert.equal(workerCount(3, 100, 0), 3);
    assert.equal(workerCount(8, 2, 0), 2);
    assert.equal(workerCount(1, 1000, 1_000 * mb), 1);
  });
});
