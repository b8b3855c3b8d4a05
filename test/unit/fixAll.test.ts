import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { fixAll } from '../../server/src/fixes/fixAll';
import { check, loadParser, syntaxErrors } from './helpers';

const ROOT = path.resolve(__dirname, '../../..');

describe('fix all', () => {
  it('applies every preferred fix to the samples, keeps them parseable, and leaves only unfixable findings', async () => {
    const parser = await loadParser();
    for (const name of ['kappa_architecture.py', 'medallion_architecture.py', 'customer_export.py', 'monitoring_pipeline.py', 'lambda_architecture.py']) {
      const text = fs.readFileSync(path.join(ROOT, 'samples', name), 'utf8');
      const before = await check(text);
      const { text: fixed, applied } = fixAll(parser, text);
      assert.equal(await syntaxErrors(fixed), 0, `${name}:\n${fixed}`);
      const after = await check(fixed);
      assert.ok(applied.length > 0, name);
      assert.equal(after.findings.length, before.findings.length - applied.length, `${name}: ${applied.map((a) => a.code)}`);
      for (const f of after.findings) assert.ok(!f.fixes.some((x) => x.preferred), `${name}: ${f.code} still has a preferred fix`);
    }
  });

  it('is idempotent and leaves clean files untouched', async () => {
    const parser = await loadParser();
    const text = fs.readFileSync(path.join(ROOT, 'samples', 'kappa_architecture.py'), 'utf8');
    const once = fixAll(parser, text).text;
    assert.deepEqual(fixAll(parser, once), { text: once, applied: [] });
  });

  it('honours --select style options', async () => {
    const parser = await loadParser();
    const text = fs.readFileSync(path.join(ROOT, 'samples', 'kappa_architecture.py'), 'utf8');
    const { applied } = fixAll(parser, text, { select: ['PSA204'] });
    assert.deepEqual(applied.map((a) => a.code), ['PSA204']);
  });
});
