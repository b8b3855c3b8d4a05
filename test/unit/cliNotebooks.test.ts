import * as assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { ipynb } from './notebookHelpers';

const ROOT = path.resolve(__dirname, '../../..');
const CLI = path.join(ROOT, 'dist/cli.js');

function run(args: string[]): { code: number | null; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, [CLI, ...args], { cwd: ROOT, encoding: 'utf8' });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

/** A clickstream notebook as people write them: markdown, installs, SQL cells, outputs, shell lines. */
const PIPELINE: { type?: 'code' | 'markdown'; source: string; outputs?: unknown[] }[] = [
  { type: 'markdown' as const, source: '# Clickstream per minute\nReads the clicks topic and writes gold.' },
  { source: '%pip install delta-spark==3.1.0' },
  {
    source:
      'from pyspark.sql import functions as F\n\nclicks = (\n    spark.readStream.format("kafka")\n    .option("kafka.bootstrap.servers", "broker:9092")\n    .option("subscribe", "clicks")\n    .load()\n)',
    outputs: [{ output_type: 'stream', name: 'stdout', text: ['started\n'] }],
  },
  { type: 'markdown' as const, source: 'Peek at the table first:' },
  { source: '%%sql\nSELECT page, count(*) FROM bronze.clicks GROUP BY page' },
  {
    source:
      'per_minute = clicks.groupBy(F.window("timestamp", "1 minute")).count()\nquery = (\n    per_minute.writeStream.format("delta")\n    .option("checkpointLocation", "/mnt/chk/clicks")\n    .trigger(once=True)\n    .toTable("gold.clicks_per_minute")\n)',
    outputs: [{ output_type: 'display_data', data: { 'text/plain': ['<query>'] }, metadata: {} }],
  },
  { source: '!ls /dbfs/mnt/chk' },
];

describe('CLI on Jupyter notebooks', function () {
  this.timeout(120_000); // a deadline, not a timing claim: each test spawns the CLI (some with workers) on a shared, busy machine
  let tmp: string;
  let nbPath: string;
  before(() => {
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'psa-nb-'));
    nbPath = path.join(tmp, 'clicks.ipynb');
    fs.writeFileSync(nbPath, ipynb(PIPELINE));
  });
  after(() => fs.rmSync(tmp, { recursive: true, force: true }));

  it('analyses the cells as one program and names the cell as Ruff does', () => {
    const r = run(['check', nbPath]);
    assert.equal(r.code, 1, r.stderr);
    // The findings, then the summary line (formatTextReport).
    const lines = r.stdout.trim().split('\n').slice(0, -1);
    assert.match(r.stdout.trim().split('\n').pop()!, /^Found \d+ findings? in 1 file\.$/);
    assert.ok(
      lines.some((l) => l.startsWith(`${nbPath}:cell 6:1:21: PSA201 `)),
      r.stdout,
    );
    assert.ok(
      lines.some((l) => l.startsWith(`${nbPath}:cell 6:5:14: PSA207 `)),
      r.stdout,
    );
    assert.ok(
      lines.every((l) => l.startsWith(`${nbPath}:cell 6:`)),
      'nothing in the SQL, shell or pip cells',
    );
    assert.match(r.stdout, /\nFound 2 findings in 1 file\.\n$/);
  });

  it('json carries the 1-based cell with rows and columns in the cell', () => {
    const r = run(['check', '--format', 'json', nbPath]);
    const found = JSON.parse(r.stdout) as {
      cell: number;
      code: string;
      location: { row: number; column: number };
      fix: { edits: { location: { row: number } }[] } | null;
    }[];
    const psa207 = found.find((f) => f.code === 'PSA207')!;
    assert.equal(psa207.cell, 6);
    assert.deepEqual(psa207.location, { row: 5, column: 14 });
    assert.equal(psa207.fix?.edits[0].location.row, 5);
  });

  it('sarif regions point into the .ipynb file, with the cell as a property', () => {
    const r = run(['check', '--format', 'sarif', nbPath]);
    const sarif = JSON.parse(r.stdout);
    const result = sarif.runs[0].results.find((x: { ruleId: string }) => x.ruleId === 'PSA207');
    const region = result.locations[0].physicalLocation.region;
    const fileLine = fs.readFileSync(nbPath, 'utf8').split('\n')[region.startLine - 1];
    assert.equal(fileLine.slice(region.startColumn - 1, region.endColumn - 1), 'once=True');
    assert.deepEqual(result.properties, { notebookCell: 6, cellLine: 5, cellColumn: 14 });
  });

  it('--fix rewrites only the changed cell source; outputs, metadata and indentation stay', () => {
    const copy = path.join(tmp, 'fixme.ipynb');
    const before = ipynb(PIPELINE);
    fs.writeFileSync(copy, before);
    // The PSA207 fix is unsafe: --fix alone holds it back.
    assert.doesNotMatch(run(['check', '--fix', copy]).stderr, /fixed/);
    assert.equal(fs.readFileSync(copy, 'utf8'), before);
    const r = run(['check', '--fix', '--unsafe-fixes', copy]);
    assert.match(r.stderr, /fixed \d+: .*PSA207/);
    const after = fs.readFileSync(copy, 'utf8');
    const a = JSON.parse(after);
    const b = JSON.parse(before);
    assert.match(a.cells[5].source.join(''), /availableNow=True/);
    for (let i = 0; i < b.cells.length; i++) {
      assert.deepEqual(a.cells[i].outputs, b.cells[i].outputs);
      assert.deepEqual(a.cells[i].metadata, b.cells[i].metadata);
      if (i !== 5) assert.deepEqual(a.cells[i].source, b.cells[i].source, `cell ${i + 1} untouched`);
    }
    assert.deepEqual(a.metadata, b.metadata);
    assert.equal(after, JSON.stringify(a, null, 1) + '\n', 'Jupyter formatting kept');
    assert.doesNotMatch(run(['check', copy]).stdout, /PSA207/);
  });

  it('an nbformat 3 notebook (worksheets, code in `input`) is checked and fixed like a version 4 one', () => {
    const v3 = path.join(tmp, 'clicks_v3.ipynb');
    // The same pipeline in IPython 2's format: one worksheet, markdown cells counted, code under `input`.
    const cells = PIPELINE.map((c) =>
      c.type === 'markdown'
        ? { cell_type: 'markdown', metadata: {}, source: c.source }
        : { cell_type: 'code', collapsed: false, input: c.source.split(/(?<=\n)/), language: 'python', metadata: {}, outputs: c.outputs ?? [] },
    );
    fs.writeFileSync(v3, JSON.stringify({ metadata: { name: '' }, nbformat: 3, nbformat_minor: 0, worksheets: [{ cells, metadata: {} }] }, null, 1) + '\n');
    const r = run(['check', v3]);
    assert.equal(r.code, 1, r.stderr);
    assert.ok(r.stdout.includes(`${v3}:cell 6:1:21: PSA201 `), r.stdout);
    assert.ok(r.stdout.includes(`${v3}:cell 6:5:14: PSA207 `), r.stdout);
    const fixed = run(['check', '--fix', '--unsafe-fixes', v3]);
    assert.match(fixed.stderr, /fixed \d+: .*PSA207/);
    const a = JSON.parse(fs.readFileSync(v3, 'utf8'));
    assert.match(a.worksheets[0].cells[5].input.join(''), /availableNow=True/);
    assert.deepEqual(a.worksheets[0].cells[2].outputs, cells[2].outputs);
    assert.doesNotMatch(run(['check', v3]).stdout, /PSA207/);
  });

  it('a notebook saved under a .py name is read as the notebook it is; a module holding a dict literal stays Python', () => {
    const asPy = path.join(tmp, 'clicks_download.py');
    fs.writeFileSync(asPy, ipynb(PIPELINE));
    const r = run(['check', asPy]);
    assert.equal(r.code, 1, r.stderr);
    assert.ok(r.stdout.includes(`${asPy}:cell 6:1:21: PSA201 `), r.stdout);
    assert.ok(r.stdout.includes(`${asPy}:cell 6:5:14: PSA207 `), r.stdout);
    // A module that starts with a dict (a config) naming "cells" is not a notebook without "nbformat".
    const config = path.join(tmp, 'layout.py');
    fs.writeFileSync(
      config,
      '{"cells": ["bronze", "silver"]}\nfrom pyspark.sql import SparkSession\nspark = SparkSession.builder.getOrCreate()\nspark.conf.set("spark.executor.memory", "8g")\n',
    );
    const c = run(['check', config]);
    assert.doesNotMatch(c.stdout + c.stderr, /cell \d/);
    assert.match(c.stdout, new RegExp(`${config.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}:4:1: PSA501 `));
  });

  it('a broken notebook is an error for that file; the rest of the folder is still checked', () => {
    const dir = path.join(tmp, 'folder');
    fs.mkdirSync(path.join(dir, '.ipynb_checkpoints'), { recursive: true });
    fs.writeFileSync(path.join(dir, 'broken.ipynb'), ipynb(PIPELINE).slice(0, 300));
    fs.writeFileSync(path.join(dir, 'pipeline.ipynb'), ipynb(PIPELINE));
    fs.writeFileSync(path.join(dir, '.ipynb_checkpoints', 'pipeline-checkpoint.ipynb'), ipynb(PIPELINE));
    fs.writeFileSync(path.join(dir, 'scala.ipynb'), ipynb([{ source: 'val df = spark.read.parquet("x")' }], { language_info: { name: 'scala' } }));
    // Sparkmagic: the PySpark kernel is Python run on a cluster, its Scala kernel is not.
    const sparkmagic = (name: string, language: string) => ({
      kernelspec: { display_name: 'Sparkmagic', language: '', name },
      language_info: { name: language },
    });
    fs.writeFileSync(path.join(dir, 'sparkmagic-scala.ipynb'), ipynb([{ source: 'val df = spark.read.parquet("x")' }], sparkmagic('sparkkernel', 'scala')));
    fs.writeFileSync(
      path.join(dir, 'sparkmagic-pyspark.ipynb'),
      ipynb(
        [
          { source: '%%configure -f\n{"executorMemory": "4G"}' },
          { source: 'df = spark.read.json("s3://x").where("a > 0")\nif df.count() == 0:\n    raise SystemExit(1)' },
        ],
        sparkmagic('pysparkkernel', 'pyspark'),
      ),
    );
    const r = run(['check', dir]);
    assert.equal(r.code, 1);
    assert.match(r.stderr, /broken\.ipynb: error: not a valid notebook: /);
    assert.match(r.stderr, /scala\.ipynb: skipped: a scala notebook, not Python/);
    assert.match(r.stderr, /sparkmagic-scala\.ipynb: skipped: a scala notebook, not Python/);
    assert.doesNotMatch(r.stderr, /sparkmagic-pyspark/);
    assert.match(r.stdout, /sparkmagic-pyspark\.ipynb:cell 2:2:\d+: PSA104/);
    assert.ok(r.stdout.includes('pipeline.ipynb:cell 6:'), r.stdout);
    assert.ok(!r.stdout.includes('checkpoint'), 'checkpoint copies are not checked');
  });

  it('huge outputs do not count against the size limit; huge code does', () => {
    const big = path.join(tmp, 'big.ipynb');
    const cells = [...PIPELINE];
    cells[2] = { ...cells[2], outputs: [{ output_type: 'stream', name: 'stdout', text: ['x'.repeat(3 * 1024 * 1024) + '\n'] }] };
    fs.writeFileSync(big, ipynb(cells));
    assert.ok(run(['check', big]).stdout.includes(':cell 6:'));
    const tight = run(['check', '--max-file-size', '0.1', big]);
    assert.match(tight.stderr, /big\.ipynb: skipped: its code is \d+ KB, over the 0\.1 KB limit/);
  });

  it('%run ./config pulls the other notebook in; its own findings stay out', () => {
    const dir = path.join(tmp, 'run');
    fs.mkdirSync(dir);
    fs.writeFileSync(
      path.join(dir, 'config.py'),
      '# Databricks notebook source\ndef read_clicks():\n    return spark.readStream.format("kafka").option("subscribe", "clicks").load()\n\nrows = spark.read.parquet("/mnt/all").collect()\n',
    );
    fs.writeFileSync(
      path.join(dir, 'main.ipynb'),
      ipynb([
        { source: '%run ./config' },
        {
          source:
            'clicks = read_clicks()\nclicks.groupBy("page").count().writeStream.format("delta").option("checkpointLocation", "/mnt/chk/p").toTable("gold.p")',
        },
      ]),
    );
    const r = run(['check', '--format', 'json', path.join(dir, 'main.ipynb')]);
    const found = JSON.parse(r.stdout) as { code: string; cell: number; filename: string }[];
    assert.deepEqual(
      found.map((f) => `${path.basename(f.filename)} cell ${f.cell} ${f.code}`),
      ['main.ipynb cell 2 PSA201'],
    );
  });

  it('a Databricks source that %runs ./config is checked with it, in file lines; without the target nothing is invented', () => {
    const dir = path.join(tmp, 'dbx');
    fs.mkdirSync(dir);
    fs.writeFileSync(
      path.join(dir, 'config.py'),
      '# Databricks notebook source\ndef read_clicks():\n    return spark.readStream.format("kafka").option("subscribe", "clicks").load()\n',
    );
    const main =
      '# Databricks notebook source\n# MAGIC %run ./config\n\n# COMMAND ----------\n\nclicks = read_clicks()\nclicks.groupBy("page").count().writeStream.format("delta").option("checkpointLocation", "/mnt/chk/p").toTable("gold.p")\n';
    fs.writeFileSync(path.join(dir, 'main.py'), main);
    const r = run(['check', path.join(dir, 'main.py')]);
    assert.deepEqual(r.stdout.trim().split('\n').slice(1), ['Found 1 finding in 1 file.'], r.stdout);
    assert.ok(r.stdout.startsWith(`${path.join(dir, 'main.py')}:7:8: PSA201 `), r.stdout);
    fs.rmSync(path.join(dir, 'config.py'));
    assert.equal(run(['check', path.join(dir, 'main.py')]).stdout, 'All clear: 1 file checked.\n');
  });
});
