import * as assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

import { collectPythonFiles } from '../../server/src/project/files';
import { formatGithub, formatTextReport } from '../../server/src/cli/report';
import { docsUrl } from '../../server/src/findings';
import { LineIndex } from '../../server/src/lineIndex';
import { RULES } from '../../server/src/rules';

const ROOT = path.resolve(__dirname, '../../..');
const CLI = path.join(ROOT, 'dist/cli.js');

function run(args: string[], cwd = ROOT): { code: number | null; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, [CLI, ...args], { cwd, encoding: 'utf8' });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

describe('CLI pyspark-architect check', function () {
  this.timeout(60_000); // a deadline, not a timing claim: each test spawns the CLI (and its workers) on a shared machine
  let tmp: string;
  before(() => {
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'psa-cli-'));
    fs.writeFileSync(
      path.join(tmp, 'clean.py'),
      'from pyspark.sql import SparkSession\nspark = SparkSession.builder.getOrCreate()\nspark.read.parquet("s3://a").write.parquet("s3://b")\n',
    );
    fs.writeFileSync(
      path.join(tmp, 'bad.py'),
      'from pyspark.sql import SparkSession\nspark = SparkSession.builder.getOrCreate()\nspark.conf.set("spark.executor.memory", "8g")\n',
    );
    fs.writeFileSync(path.join(tmp, 'binary.py'), Buffer.from([0, 1, 2, 3, 0xff]));
    fs.mkdirSync(path.join(tmp, 'loop'));
    fs.symlinkSync(tmp, path.join(tmp, 'loop', 'back'));
  });
  after(() => fs.rmSync(tmp, { recursive: true, force: true }));

  it('text output like other linters, exit 1 on findings', () => {
    const r = run(['check', path.join(tmp, 'bad.py')]);
    assert.equal(r.code, 1);
    assert.equal(
      r.stdout,
      `${path.join(tmp, 'bad.py')}:3:1: PSA501 "spark.executor.memory" is a Spark core config fixed at startup.\nFound 1 finding in 1 file.\n`,
    );
  });

  it('a reader that stops early (| head) ends the run quietly, with the status of a program killed by SIGPIPE', async () => {
    // Far more JSON than a pipe holds (the rule fixtures' findings), so the CLI is still writing when the reader goes.
    const child = spawn(process.execPath, [CLI, 'check', '--format', 'json', '--explain', path.join(ROOT, 'test', 'fixtures', 'rules')], { cwd: ROOT });
    let stderr = '';
    child.stderr.on('data', (d) => (stderr += d));
    const first = await new Promise<string>((resolve) => child.stdout.once('data', (d) => resolve(String(d))));
    assert.match(first, /^\[/);
    child.stdout.destroy();
    const code = await new Promise<number | null>((resolve) => child.on('close', (c) => resolve(c)));
    assert.equal(code, 141, stderr);
    assert.doesNotMatch(stderr, /EPIPE|Error|at /);
  });

  it('exit 0 when clean', () => {
    const r = run(['check', path.join(tmp, 'clean.py')]);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stdout, 'All clear: 1 file checked.\n');
  });

  it('text report: the summary is a line of its own after the last message, in the same stream', () => {
    const bad = 'from pyspark.sql import SparkSession\nspark = SparkSession.builder.getOrCreate()\nspark.conf.set("spark.executor.memory", "8g")\n';
    const results = [1, 2].map((n) => ({
      filename: `job${n}.py`,
      findings: [
        {
          code: 'PSA401',
          name: 'n',
          message: 'Hash or mask it before the write, or drop it.',
          severity: 'warning' as const,
          start: 0,
          end: 1,
          related: [],
          fixes: [],
        },
      ],
      lines: new LineIndex(bad),
    }));
    assert.equal(
      formatTextReport(results, 3),
      'job1.py:1:1: PSA401 Hash or mask it before the write, or drop it.\njob2.py:1:1: PSA401 Hash or mask it before the write, or drop it.\nFound 2 findings in 3 files.',
    );
    assert.equal(formatTextReport([], 1), 'All clear: 1 file checked.');
    // The real CLI over pipes, stdout and stderr read together: the summary starts its own line,
    // right after the last finding; only the fix hint (stderr) may follow it.
    const r = spawnSync('sh', ['-c', `"${process.execPath}" "${CLI}" check samples 2>&1`], { cwd: ROOT, encoding: 'utf8' });
    const lines = r.stdout.trimEnd().split('\n');
    const at = lines.findIndex((l) => /^Found \d+ findings in \d+ files\.$/.test(l));
    assert.ok(at > 0, r.stdout);
    assert.match(lines[at - 1], /^samples\/.*:\d+:\d+: PSA\d{3} /);
    assert.ok(
      lines.slice(at + 1).every((l) => /^(\[\*\] \d+ fixable|No fixes available)/.test(l)),
      r.stdout,
    );
  });

  it('reads folder names from the folder it was given down: a clone under ~/testing/ is not test code', () => {
    const home = fs.mkdtempSync(path.join(os.tmpdir(), 'psa-home-'));
    const project = path.join(home, 'testing', 'lakehouse');
    fs.mkdirSync(path.join(project, 'jobs'), { recursive: true });
    fs.copyFileSync(path.join(tmp, 'bad.py'), path.join(project, 'jobs', 'orders.py'));
    const kinds = (args: string[], cwd?: string) =>
      JSON.parse(run(['check', '--format', 'json', ...args], cwd).stdout).map((f: { context: { kind: string } }) => f.context.kind);
    assert.deepEqual(kinds([project]), ['job']);
    assert.deepEqual(kinds(['jobs/orders.py'], project), ['job']);
    // Given from above the clone, the folder names below the given folder are the project's.
    assert.deepEqual(kinds([path.join(home, 'testing')]), ['test']);
    fs.rmSync(home, { recursive: true, force: true });
  });

  it("json output in Ruff's shape with 1-based positions and the fix", () => {
    const r = run(['check', '--format', 'json', path.join(tmp, 'bad.py')]);
    assert.equal(r.code, 1);
    const [f] = JSON.parse(r.stdout);
    assert.deepEqual(Object.keys(f), ['filename', 'code', 'name', 'message', 'severity', 'url', 'location', 'end_location', 'context', 'why', 'fix']);
    assert.deepEqual(f.context, { kind: 'job', why: 'job module' });
    assert.equal(f.code, 'PSA501');
    assert.equal(f.name, 'static-conf-at-runtime');
    assert.equal(f.severity, 'error');
    assert.deepEqual(f.location, { row: 3, column: 1 });
    assert.deepEqual(f.end_location, { row: 3, column: 46 });
    assert.match(f.url, /PSA501\.md$/);
    assert.equal(f.fix.message, 'Move spark.executor.memory into the SparkSession.builder chain');
    assert.equal(f.fix.applicability, 'unsafe');
    assert.ok(f.fix.edits.some((e: any) => e.content === '.config("spark.executor.memory", "8g")'));
  });

  it("says why a finding fired: the code kind and the rule's reason in json, under each finding with --explain", () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'psa-why-'));
    try {
      const job = [
        'from pyspark.sql import SparkSession',
        'spark = SparkSession.builder.getOrCreate()',
        'orders = spark.read.json("s3://landing/orders/").dropDuplicates(["order_id"])',
        'print(f"orders: {orders.count()}")',
        'orders.write.mode("append").saveAsTable("silver.orders")',
        '',
      ].join('\n');
      fs.mkdirSync(path.join(dir, 'jobs'));
      fs.writeFileSync(path.join(dir, 'jobs', 'load_orders.py'), job);
      fs.writeFileSync(
        path.join(dir, 'jobs', 'notebook_export.py'),
        `# Databricks notebook source\n${job.replace('orders.write', '# COMMAND ----------\n\norders.write')}jdbc_props = {"user": "etl", "password": "Sup3r_s3cret!"}\nspark.read.jdbc("jdbc:postgresql://db/sales", "orders", properties=jdbc_props)\n`,
      );
      const json = JSON.parse(run(['check', '--format', 'json', '--select', 'PSA101', path.join(dir, 'jobs', 'load_orders.py')]).stdout);
      assert.equal(json.length, 1);
      assert.deepEqual(json[0].context, { kind: 'job', why: 'job module' });
      assert.match(json[0].why, /only feeds a print or log call.*the saveAsTable\(\) below computes the same lineage/);
      // In a notebook a count printed in one cell and written in the next is the cell's output (PSA101 holds back); a secret is reported, and says where it sits.
      const nb = JSON.parse(run(['check', '--format', 'json', '--select', 'PSA101,PSA402', path.join(dir, 'jobs', 'notebook_export.py')]).stdout);
      assert.deepEqual(
        nb.map((f: any) => f.code),
        ['PSA402'],
      );
      assert.equal(nb[0].context.kind, 'notebook');
      assert.match(nb[0].context.why, /context\.notebooks/);
      const text = run(['check', '--explain', '--select', 'PSA101', path.join(dir, 'jobs', 'load_orders.py')]).stdout.split('\n');
      assert.match(text[0], /load_orders\.py:4:\d+: PSA101 /);
      assert.deepEqual(
        text.slice(1, 4).map((l) => l.replace(/:.*/, '')),
        ['    code', '    because', '    see 5'],
      );
      assert.match(text[3], /^ {4}see 5:1: the frame is computed again by this write$/);
      // Without --explain, one line per finding as before.
      assert.match(
        run(['check', '--select', 'PSA101', path.join(dir, 'jobs', 'load_orders.py')]).stdout,
        /^[^\n]*PSA101[^\n]*\nFound 1 finding in 1 file\.\n$/,
      );
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it('sarif output', () => {
    const r = run(['check', '--format=sarif', path.join(tmp, 'bad.py')]);
    const sarif = JSON.parse(r.stdout);
    assert.equal(sarif.version, '2.1.0');
    assert.equal(sarif.runs[0].results[0].ruleId, 'PSA501');
    assert.equal(sarif.runs[0].results[0].locations[0].physicalLocation.region.startLine, 3);
    assert.ok(sarif.runs[0].tool.driver.rules.some((x: any) => x.id === 'PSA201'));
  });

  it('--select and --ignore filter by code or prefix', () => {
    assert.equal(run(['check', '--ignore', 'PSA5', path.join(tmp, 'bad.py')]).code, 0);
    assert.equal(run(['check', '--select', 'PSA2,PSA3', path.join(tmp, 'bad.py')]).code, 0);
    assert.equal(run(['check', '--select', 'PSA501', path.join(tmp, 'bad.py')]).code, 1);
  });

  it('walks folders: skips binaries with a message, cuts symlink loops, finds the samples', () => {
    const r = run(['check', tmp]);
    assert.equal(r.code, 1);
    assert.match(r.stderr, /binary\.py: skipped: binary file/);
    assert.deepEqual(r.stdout.trim().split('\n').slice(1), ['Found 1 finding in 3 files.']);
    const s = run(['check', '--format', 'json', 'samples']);
    const codes = new Set(JSON.parse(s.stdout).map((f: any) => f.code));
    for (const c of ['PSA101', 'PSA201', 'PSA204', 'PSA208', 'PSA302', 'PSA401', 'PSA501', 'PSA504']) assert.ok(codes.has(c), c);
    // PSA301 and PSA404 are strict (opt-in): the medallion gold write's coalesce(1) and the nightly
    // job's argv-built SQL show only when selected.
    for (const c of ['PSA301', 'PSA404']) {
      assert.ok(!codes.has(c), c);
      const selected = run(['check', '--format', 'json', '--select', c, 'samples']);
      assert.ok(
        JSON.parse(selected.stdout).some((f: any) => f.code === c),
        c,
      );
    }
  });

  it('--config applies editor settings; invalid settings are a usage error', () => {
    const cfg = path.join(tmp, 'settings.json');
    fs.writeFileSync(cfg, JSON.stringify({ rules: { severity: { PSA501: 'hint' } } }));
    const r = run(['check', '--format', 'json', '--config', cfg, path.join(tmp, 'bad.py')]);
    assert.equal(JSON.parse(r.stdout)[0].severity, 'hint');
    fs.writeFileSync(cfg, JSON.stringify({ rules: { disabled: ['PSA5'] } }));
    assert.equal(run(['check', '--config', cfg, path.join(tmp, 'bad.py')]).code, 0);
    fs.writeFileSync(cfg, JSON.stringify({ pii: { extraPatterns: ['(('] } }));
    const bad = run(['check', '--config', cfg, path.join(tmp, 'bad.py')]);
    assert.equal(bad.code, 2);
    assert.match(bad.stderr, /invalid settings .*\n.*not a valid regular expression/);
  });

  describe('fixes', () => {
    /** Safe (cache), unsafe (coalesce(1) removal) and display-only (watermark delay) fixes in one job. */
    const job = [
      'from pyspark.sql import SparkSession',
      'from pyspark.sql import functions as F',
      '',
      'spark = SparkSession.builder.getOrCreate()',
      'orders = spark.read.parquet("s3://lake/orders/")',
      'paid = orders.dropDuplicates(["order_id"]).filter(F.col("status") == "paid")',
      'paid.groupBy("country").count().write.mode("overwrite").parquet("s3://lake/paid_by_country/")',
      'paid.write.mode("overwrite").parquet("s3://lake/paid/")',
      'orders.coalesce(1).write.mode("overwrite").csv("s3://exports/orders_csv/")',
      '',
      'clicks = spark.readStream.format("kafka").option("subscribe", "clicks").option("kafka.bootstrap.servers", "b:9092").load()',
      'per_minute = clicks.groupBy(F.window("timestamp", "1 minute")).count()',
      'per_minute.writeStream.outputMode("append").option("checkpointLocation", "s3://lake/_checkpoints/clicks").format("delta").start("s3://lake/clicks/")',
      '',
    ].join('\n');
    let dir: string;
    let file: string;
    beforeEach(() => {
      dir = fs.mkdtempSync(path.join(os.tmpdir(), 'psa-fix-'));
      file = path.join(dir, 'job.py');
      fs.writeFileSync(file, job);
      // PSA301 is strict (opt-in); a team with large outputs turns it on with a severity.
      fs.writeFileSync(path.join(dir, 'pyproject.toml'), '[tool.pyspark-architect]\nseverity = { PSA301 = "warning" }\n');
    });
    afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

    it("without --fix: says what --fix would fix and what it holds back, in Ruff's words", () => {
      const r = run(['check', file]);
      assert.equal(r.code, 1);
      assert.match(r.stdout, /\nFound 3 findings in 1 file\.\n$/);
      assert.match(
        r.stderr,
        /^\[\*\] 1 fixable with the `--fix` option \(1 hidden fix can be enabled with the `--unsafe-fixes` option; 1 fix needs a value only you have .*: apply it in the editor\)\./,
      );
      assert.equal(fs.readFileSync(file, 'utf8'), job);
    });

    it('--fix applies the safe fixes only and reports what it held back', () => {
      const r = run(['check', '--fix', file]);
      assert.equal(r.code, 1, r.stdout + r.stderr);
      assert.match(r.stderr, /job\.py: fixed 1: PSA102/);
      assert.match(r.stderr, /No fixes available \(1 hidden fix can be enabled with the `--unsafe-fixes` option; 1 fix needs a value/);
      const text = fs.readFileSync(file, 'utf8');
      assert.match(text, /^paid = paid\.cache\(\)$/m);
      assert.match(text, /orders\.coalesce\(1\)\.write/, 'the single-file export is left alone');
      assert.doesNotMatch(text, /withWatermark/);
    });

    it('--fix --unsafe-fixes adds the unsafe ones, never the display-only ones', () => {
      const r = run(['check', '--fix', '--unsafe-fixes', file]);
      assert.match(r.stderr, /job\.py: fixed 2: PSA102, PSA301/);
      assert.match(r.stderr, /No fixes available \(1 fix needs a value only you have/);
      assert.doesNotMatch(r.stderr, /hidden/);
      const text = fs.readFileSync(file, 'utf8');
      assert.doesNotMatch(text, /coalesce\(1\)/);
      assert.doesNotMatch(text, /withWatermark/);
    });

    it('--diff prints what --fix would change without writing, exit 1; exit 0 when nothing would change', () => {
      const r = run(['check', '--diff', file]);
      assert.equal(r.code, 1, r.stderr);
      assert.equal(fs.readFileSync(file, 'utf8'), job);
      assert.ok(r.stdout.startsWith(`--- ${file}\n+++ ${file}\n@@ `), r.stdout);
      assert.match(r.stdout, /^\+paid = paid\.cache\(\)$/m);
      assert.doesNotMatch(r.stdout, /^-orders\.coalesce/m, 'unsafe fixes are not in the diff');
      assert.match(r.stderr, /Would fix 1 file\./);
      const unsafe = run(['check', '--diff', '--unsafe-fixes', file]);
      assert.match(unsafe.stdout, /^-orders\.coalesce\(1\)\.write/m);
      fs.writeFileSync(
        file,
        'from pyspark.sql import SparkSession\nspark = SparkSession.builder.getOrCreate()\nspark.read.parquet("s3://a").write.parquet("s3://b")\n',
      );
      const clean = run(['check', '--diff', file]);
      assert.equal(clean.code, 0);
      assert.equal(clean.stdout, '');
      assert.match(clean.stderr, /No changes\./);
    });
  });

  it('reads [tool.pyspark-architect] from the nearest pyproject.toml; flags override it', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'psa-proj-'));
    try {
      fs.writeFileSync(
        path.join(dir, 'pyproject.toml'),
        '[tool.pyspark-architect]\nignore = ["PSA204"]\nseverity = { PSA201 = "error" }\nselect = ["PSA20", "E1"]\n',
      );
      fs.mkdirSync(path.join(dir, 'jobs'));
      fs.copyFileSync(path.join(ROOT, 'samples/kappa_architecture.py'), path.join(dir, 'jobs', 'kappa.py'));
      const r = run(['check', '--format', 'json', path.join(dir, 'jobs')]);
      assert.deepEqual(
        JSON.parse(r.stdout).map((f: any) => [f.code, f.severity]),
        [['PSA201', 'error']],
      );
      assert.match(r.stderr, /select: "E1" is not a rule code or prefix \(ignored\)/);
      const all = run(['check', '--format', 'json', '--no-project', path.join(dir, 'jobs')]);
      assert.deepEqual(
        JSON.parse(all.stdout)
          .map((f: any) => f.code)
          .sort(),
        ['PSA201', 'PSA204'],
      );
      const selected = run(['check', '--format', 'json', '--select', 'PSA204', path.join(dir, 'jobs')]);
      assert.deepEqual(
        JSON.parse(selected.stdout).map((f: any) => f.code),
        [],
        'project ignore still applies',
      );
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it('github output: one workflow command per finding, for annotations on pull requests', () => {
    const r = run(['check', path.join(tmp, 'bad.py'), '--format', 'github']);
    assert.equal(r.code, 1);
    const lines = r.stdout.trim().split('\n');
    assert.equal(lines.length, 1);
    assert.match(
      lines[0],
      /^::error file=[^,]*bad\.py,line=3,col=1,endLine=3,endColumn=\d+,title=PSA501 static-conf-at-runtime::PSA501 "spark\.executor\.memory" is a Spark core config/,
    );
    assert.match(lines[0], /\(file:\/\/[^)]*docs\/rules\/PSA501\.md\)$/);
  });

  it('github output escapes what would end a property or a message', () => {
    const lines = new LineIndex('x = 1\n');
    const out = formatGithub([
      {
        filename: 'jobs/a,b:c.py',
        lines,
        findings: [{ code: 'PSA999', name: 'n', message: '100% sure\nsecond line', severity: 'warning', start: 0, end: 1, related: [], fixes: [] }],
      },
    ]);
    assert.equal(
      out,
      '::warning file=jobs/a%2Cb%3Ac.py,line=1,col=1,endLine=1,endColumn=2,title=PSA999 n::PSA999 100%25 sure%0Asecond line (' + docsUrl('PSA999') + ')',
    );
  });

  it('judges architecture across the files it checks: a lambda split into batch, speed and serving files', () => {
    // A copy outside the repository's test/ folder: under test/ the files would be judged as test code.
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'lambda-split-'));
    fs.cpSync(path.join(ROOT, 'test/fixtures/lambda-split'), dir, { recursive: true });
    // The architecture rules are strict (opt-in): the project turns PSA601 on.
    fs.writeFileSync(path.join(dir, 'pyproject.toml'), '[tool.pyspark-architect]\nseverity = { PSA601 = "warning" }\n');
    const all = run(['check', dir, '--format', 'json']);
    const found = JSON.parse(all.stdout) as { code: string; filename: string; location: { row: number } }[];
    assert.deepEqual(
      found.map((f) => `${path.basename(f.filename)}:${f.location.row} ${f.code}`),
      ['serving.py:4 PSA601'],
    );
    // Checked alone, the serving file cannot tell it is a lambda's serving layer.
    assert.equal(run(['check', path.join(dir, 'serving.py')]).code, 0);
    // --select still decides which rules run in the cross-file pass.
    assert.equal(run(['check', dir, '--select', 'PSA2']).code, 0);
    // Without the project's opt-in the cross-file pass runs no strict rule (it names its rules exactly).
    fs.rmSync(path.join(dir, 'pyproject.toml'));
    assert.deepEqual(JSON.parse(run(['check', dir, '--format', 'json']).stdout), []);
    assert.deepEqual(JSON.parse(run(['check', dir, '--format', 'json', '--jobs', '2']).stdout), []);
  });

  it('stops walking a folder once it has found more files than asked for (background scans)', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'psa-many-'));
    try {
      for (const sub of ['a', 'b', 'c']) {
        fs.mkdirSync(path.join(dir, sub));
        for (let i = 0; i < 4; i++) fs.writeFileSync(path.join(dir, sub, `m${i}.py`), 'x = 1\n');
      }
      const all = collectPythonFiles([dir]);
      assert.equal(all.files.length, 12);
      assert.equal(all.truncated, undefined);
      const few = collectPythonFiles([dir], 5);
      assert.equal(few.truncated, true);
      assert.ok(few.files.length > 5 && few.files.length < 12, `${few.files.length} files`);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it('exit 2 with a clear message on usage and I/O errors', () => {
    const bad = run(['check', '--format', 'xml', 'samples']);
    assert.equal(bad.code, 2);
    assert.match(bad.stderr, /unknown format "xml"/);
    assert.equal(run(['check']).code, 2);
    assert.equal(run(['lint', 'samples']).code, 2);
    assert.equal(run(['check', '--select', 'E501', 'samples']).code, 2);
    const missing = run(['check', path.join(tmp, 'nope.py')]);
    assert.equal(missing.code, 2);
    assert.match(missing.stderr, /nope\.py: error: no such file or directory/);
  });

  it('--help lists every rule once and marks exactly the strict (opt-in) ones', () => {
    const help = run(['--help']);
    assert.equal(help.code, 0);
    const lines = help.stdout.split('\n').filter((l) => /^ {2}PSA\d{3} /.test(l));
    assert.deepEqual(
      lines.map((l) => l.trim().split(/\s+/)[0]),
      RULES.map((r) => r.code),
    );
    for (const rule of RULES) {
      const line = lines.find((l) => l.trim().startsWith(`${rule.code} `))!;
      assert.equal(line.includes(`${rule.name} (strict) `), rule.strict === true, line);
      assert.ok(line.endsWith(rule.summary), line);
    }
    assert.ok(RULES.some((r) => r.strict) && RULES.some((r) => !r.strict));
  });
});
