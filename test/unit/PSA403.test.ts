import * as assert from 'node:assert/strict';
import { applyFix, check, py } from './helpers';

describe('PSA403 nondeterministic-fingerprint', () => {
  const audit = py`
    import json
    from datetime import datetime

    def audit(spark, df, table):
        record = {
            "table": table,
            "written_at": datetime.utcnow().isoformat(),
            "query_fingerprint": hash(str(df)),
        }
        spark.createDataFrame([record]).write.mode("append").saveAsTable("ops.audit")
  `;

  it('flags the seed audit record hash(str(df)) and mentions that str(df) is only the schema', async () => {
    const r = await check(audit);
    const [f, ...rest] = r.of('PSA403');
    assert.equal(rest.length, 0);
    assert.equal(r.textOf(f), 'hash(str(df))');
    assert.match(f.message, /PYTHONHASHSEED/);
    assert.match(f.message, /only the schema/);
  });

  it('fix uses hashlib.sha256 on the string, adds import hashlib and says the type changes', async () => {
    const r = await check(audit);
    const f = r.of('PSA403')[0];
    assert.match(f.fixes[0].title, /str instead of an int/);
    const { text } = await applyFix(r, f);
    assert.match(text, /"query_fingerprint": hashlib\.sha256\(str\(df\)\.encode\("utf-8"\)\)\.hexdigest\(\),/);
    assert.match(text, /^import json\nfrom datetime import datetime\nimport hashlib\n\n/);
  });

  it('is silent for in-process hashing, __hash__, shadowed hash and Spark F.hash via imports', async () => {
    const silent = await check(py`
      from pyspark.sql import functions as F

      class Key:
          def __hash__(self):
              return hash((self.a, self.b))

      bucket = hash(name) % 16
      key = hash((a, b))
      seen[hash(x)] = True
      df.withColumn("h", F.hash("id"))
    `);
    assert.deepEqual(silent.of('PSA403'), []);
    for (const header of ['from pyspark.sql.functions import *', 'from pyspark.sql.functions import hash, col', 'from mylib import hash']) {
      const r = await check(`${header}\nfingerprint = hash(str(df))\nx = spark.range(1)\n`);
      assert.deepEqual(r.of('PSA403'), [], header);
    }
    const shadow = await check('def hash(x):\n    return x\n\nfingerprint = hash(str(df))\nspark.range(1)\n');
    assert.deepEqual(shadow.of('PSA403'), []);
  });

  it('still flags when F.hash is only imported under another name', async () => {
    const r = await check('from pyspark.sql.functions import hash as spark_hash\nfingerprint = hash(str(df))\nspark.range(1)\n');
    assert.equal(r.of('PSA403').length, 1);
  });
});
