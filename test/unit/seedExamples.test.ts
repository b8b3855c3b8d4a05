import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { check } from './helpers';

const SEED = path.resolve(__dirname, '../../../test/fixtures/seed');
const read = (name: string) => fs.readFileSync(path.join(SEED, name), 'utf8');

/**
 * The seed document's examples are the code users write: every finding on them is either a real
 * production problem (asserted here by code and line) or a false positive (a bug).
 */
describe('the seed document examples', () => {
  const codesAndLines = async (text: string) => {
    const r = await check(text);
    return r.findings.map((f) => `${f.code}@${r.lineOf(f)}`);
  };

  it('lambda: only the /tmp checkpoint of the speed layer', async () => {
    assert.deepEqual(await codesAndLines(read('lambda.py')), ['PSA204@43']);
  });

  it('kappa: the unwatermarked system-metrics aggregation, both /tmp checkpoints, the two unnamed queries started together; the per-user hourly windows, which the 1-hour watermark drops within two hours, are not large state (PSA216)', async () => {
    assert.deepEqual(await codesAndLines(read('kappa.py')), ['PSA201@33', 'PSA214@40', 'PSA204@42', 'PSA214@47', 'PSA204@49']);
  });

  it('medallion: (strict) the bronze layer infers the landing JSON schema', async () => {
    assert.deepEqual(await codesAndLines(read('medallion.py')), ['PSA307@9']);
  });

  it('production config: a fixed executor count under dynamic allocation', async () => {
    assert.deepEqual(await codesAndLines(read('production_config.py')), ['PSA503@18']);
  });

  it('partitioning: the count used for sizing is logic, not monitoring; nothing to report', async () => {
    assert.deepEqual(await codesAndLines(read('partitioning.py')), []);
  });

  it('security: hash() fingerprint, runtime encryption/SSL confs, and (with its imports) the shadowed col', async () => {
    assert.deepEqual(await codesAndLines(read('security.py')), ['PSA403@41', 'PSA501@54', 'PSA501@55']);
    const withImports = 'from pyspark.sql.functions import col, current_timestamp, regexp_replace, when\n' + read('security.py');
    const r = await check(withImports);
    assert.ok(r.of('PSA701').length > 0, 'for col in pii_columns: ... col(col)');
    assert.ok(r.of('PSA701').every((f) => r.textOf(f).startsWith('col') && /loop variable/.test(f.message)));
  });

  it('monitoring: each per-stage count() that only feeds a metric', async () => {
    // Line 106 counts the bare Parquet read itself: Spark answers that from file footers, without
    // reading the data, so it is not the per-stage recomputation the rule is about (docs/accuracy.md).
    assert.deepEqual(await codesAndLines(read('monitoring.py')), ['PSA101@110', 'PSA101@114', 'PSA101@118']);
  });
});
