// Code that parses a text, analyses it and frees the tree drops the tree's JS copy at once: the
// copy cache keeps up to 16 copies, and copies of freed trees (never read again) held a CLI run or
// the bench at gigabytes on large files until pushed out.
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';
import { defaultSettings } from '../../shared/settings';
import { fixAll } from '../../server/src/fixes/fixAll';
import { heldCopiesOf } from '../../server/src/parsing/syntaxTree';
import { crossFileFindings } from '../../server/src/project/crossFile';
import { WorkspaceFiles } from '../../server/src/project/workspaceFiles';
import { loadParser } from './helpers';

const JOB = [
  'from pyspark.sql import SparkSession',
  '',
  'spark = SparkSession.builder.appName("orders").getOrCreate()',
  'orders = spark.read.parquet("s3://lake/raw/orders/")',
  'paid = orders.filter(orders.status == "paid")',
  'print(paid.count())',
  'paid.write.mode("overwrite").parquet("s3://lake/curated/paid/")',
  '',
].join('\n');

describe('tree copies of freed trees', () => {
  it('the cross-file pass, the workspace scan and fix-all leave no copy behind', async () => {
    const parser = await loadParser();
    await crossFileFindings(parser, JOB, { settings: defaultSettings() });
    assert.equal(heldCopiesOf(JOB), 0, 'cross-file pass');
    fixAll(parser, JOB, { settings: defaultSettings() });
    assert.equal(heldCopiesOf(JOB), 0, 'fix-all');
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'psa-copies-'));
    try {
      fs.writeFileSync(path.join(dir, 'job.py'), JOB);
      const files = new WorkspaceFiles(parser, () => undefined);
      const folder = pathToFileURL(dir).href;
      const fragment = files.fragmentOf(pathToFileURL(path.join(dir, 'job.py')).href, defaultSettings(), [folder]);
      assert.ok(fragment && fragment.raw.datasets.size > 0, 'the file was read and modelled');
      assert.equal(heldCopiesOf(JOB), 0, 'workspace scan');
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
