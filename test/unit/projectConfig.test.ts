import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { defaultSettings } from '../../shared/settings';
import { applyProjectConfig, findProjectConfig, parseProjectConfig } from '../../server/src/project/pyproject';
import { check } from './helpers';

describe('pyproject.toml [tool.pyspark-architect]', () => {
  const toml = [
    '[project]',
    'name = "pipelines"',
    '',
    '[tool.pyspark-architect]',
    'select = ["PSA2", "PSA401"]',
    'ignore = ["PSA204"]',
    'severity = { PSA201 = "error", PSA401 = "off" }',
    'pii-patterns = ["member_no"]',
  ].join('\n');

  it('parses select, ignore, severity and pii patterns', () => {
    const c = parseProjectConfig(toml, '/p/pyproject.toml')!;
    assert.deepEqual(c.select, ['PSA2', 'PSA401']);
    assert.deepEqual(c.ignore, ['PSA204']);
    assert.deepEqual(c.severity, { PSA201: 'error', PSA401: 'off' });
    assert.deepEqual(c.piiPatterns, ['member_no']);
    assert.deepEqual(c.problems, []);
  });

  it('reports bad entries and keeps the good ones; no table means no config', () => {
    const c = parseProjectConfig(
      '[tool.pyspark-architect]\nselect = ["E501", "PSA1"]\nseverity = { PSA201 = "fatal" }\npii-patterns = ["(("]\ncolour = "blue"\n',
      'x',
    )!;
    assert.deepEqual(c.select, ['PSA1']);
    assert.deepEqual(c.severity, {});
    assert.deepEqual(c.piiPatterns, []);
    assert.equal(c.problems.length, 4);
    assert.equal(parseProjectConfig('[tool.ruff]\nline-length = 100\n', 'x'), undefined);
    assert.match(parseProjectConfig('[tool.pyspark-architect\n', 'x')!.problems[0], /invalid TOML/);
  });

  it('notebooks = "job" makes notebooks judged as jobs unless the editor says otherwise; bad values are reported', async () => {
    const c = parseProjectConfig('[tool.pyspark-architect]\nnotebooks = "job"\n', 'x')!;
    assert.equal(c.notebooks, 'job');
    assert.equal(applyProjectConfig(defaultSettings(), c).settings['context.notebooks'], 'job');
    const bad = parseProjectConfig('[tool.pyspark-architect]\nnotebooks = "yes"\n', 'x')!;
    assert.equal(bad.notebooks, undefined);
    assert.match(bad.problems[0], /notebooks/);
    // Through the engine: a notebook's PII write is held back, unless the project says notebooks are jobs.
    const nb =
      '# Databricks notebook source\nusers = spark.read.parquet("s3://raw/users").select("user_id", "email")\nusers.write.mode("overwrite").parquet("s3://lake/users")\n';
    assert.deepEqual((await check(nb, { 'rules.strict': false })).of('PSA401'), []);
    assert.equal((await check(nb, applyProjectConfig(defaultSettings(), c).settings)).of('PSA401').length, 1);
  });

  it('is found from nested folders, nearest first', () => {
    const root = fs.mkdtempSync(path.join(os.tmpdir(), 'psa-proj-'));
    try {
      fs.writeFileSync(path.join(root, 'pyproject.toml'), toml);
      fs.mkdirSync(path.join(root, 'jobs', 'daily'), { recursive: true });
      fs.mkdirSync(path.join(root, 'other'));
      fs.writeFileSync(path.join(root, 'other', 'pyproject.toml'), '[tool.pyspark-architect]\nignore = ["PSA3"]\n');
      const cache = new Map();
      assert.equal(findProjectConfig(path.join(root, 'jobs', 'daily'), cache)?.file, path.join(root, 'pyproject.toml'));
      assert.deepEqual(findProjectConfig(path.join(root, 'other'), cache)?.ignore, ['PSA3']);
      assert.ok(cache.has(path.join(root, 'jobs')), 'folders on the way are cached');
    } finally {
      fs.rmSync(root, { recursive: true, force: true });
    }
  });

  it('editor settings override the project; untrusted workspaces only narrow', () => {
    const project = parseProjectConfig(toml, 'x')!;
    const editor = { ...defaultSettings(), 'rules.severity': { PSA201: 'hint' as const }, 'pii.extraPatterns': ['nhs_.*'] };
    const trusted = applyProjectConfig(editor, project);
    assert.deepEqual(trusted.settings['rules.severity'], { PSA201: 'hint', PSA401: 'off' });
    assert.deepEqual(trusted.settings['pii.extraPatterns'], ['nhs_.*', 'member_no']);
    assert.deepEqual(trusted.select, ['PSA2', 'PSA401']);
    assert.deepEqual(trusted.ignore, ['PSA204']);
    const untrusted = applyProjectConfig(editor, project, false);
    assert.deepEqual(untrusted.settings['pii.extraPatterns'], ['nhs_.*']);
    assert.deepEqual(untrusted.ignore, ['PSA204']);
  });
});
