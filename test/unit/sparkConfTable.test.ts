import * as assert from 'node:assert/strict';
import { allConfEntries, confEntry, confMarkdown, isCore, isStatic, isStaticSql } from '../../server/src/spark/conf/sparkConf';
import { SPARK_CONF_KEYS } from '../../server/src/spark/conf/sparkConfKeys';

describe('Spark conf table', () => {
  const entries = allConfEntries();

  it('holds well-formed, unique, sorted keys with a known scope', () => {
    assert.ok(entries.length > 1000, `${entries.length} entries`);
    const keys = entries.map((e) => e.key);
    assert.deepEqual(keys, [...new Set(keys)].sort());
    for (const e of entries) {
      assert.match(e.key, /^spark\.[\w.-]+$/, e.key);
      assert.ok(['runtime-sql', 'static-sql', 'core'].includes(e.scope), `${e.key}: ${e.scope}`);
      if (e.since !== undefined) assert.match(e.since, /^\d+\.\d+\.\d+$/, e.key);
      if (e.doc !== undefined) assert.ok(e.doc.length > 10 && !e.doc.includes('\n'), e.key);
      // SQL configs live under spark.sql.; everything else is fixed when the context starts.
      assert.equal(e.key.startsWith('spark.sql.'), e.scope !== 'core', e.key);
    }
  });

  it('classifies static SQL, runtime SQL and core keys', () => {
    assert.ok(isStaticSql('spark.sql.extensions') && isStatic('spark.sql.extensions'));
    assert.ok(isStaticSql('spark.sql.warehouse.dir'));
    assert.ok(isCore('spark.executor.memory') && isStatic('spark.executor.memory'));
    assert.ok(!isStatic('spark.sql.shuffle.partitions') && !isCore('spark.sql.shuffle.partitions'));
    assert.ok(!isStatic('spark.sql.no.such.key'));
  });

  it('records what Spark documents for well-known keys', () => {
    assert.deepEqual(
      { ...confEntry('spark.sql.autoBroadcastJoinThreshold'), doc: undefined },
      { key: 'spark.sql.autoBroadcastJoinThreshold', scope: 'runtime-sql', default: '10MB', since: '1.1.0', doc: undefined, type: 'bytes' },
    );
    assert.equal(confEntry('spark.sql.sources.partitionOverwriteMode')?.default, 'STATIC');
    assert.equal(confEntry('spark.sql.streaming.ui.enabled')?.scope, 'static-sql');
  });

  it('renders markdown with the key, doc and facts, and says when a fact is not recorded', () => {
    const md = confMarkdown(confEntry('spark.sql.adaptive.enabled')!);
    assert.match(md, /^\*\*`spark\.sql\.adaptive\.enabled`\*\*\n\nWhen true, enable adaptive query execution/);
    assert.match(
      md,
      /- Default: `true`\n- Scope: runtime SQL config, can be changed at runtime with spark\.conf\.set\n- Since: Spark 1\.6\.0\n- Type: boolean \(true or false\)$/,
    );
    assert.match(confMarkdown(confEntry('spark.sql.sources.partitionOverwriteMode')!), /- Values: `STATIC`, `DYNAMIC` \(any case\)$/);
    const bare = entries.find((e) => e.default === undefined && e.scope === 'core')!;
    assert.match(confMarkdown(bare), /Default: not recorded/);
    const internal = confMarkdown(confEntry('spark.sql.adaptive.shuffle.targetPostShuffleInputSize')!);
    assert.match(internal, /\*Deprecated:\* deprecated in Spark 3\.0: Use 'spark\.sql\.adaptive\.advisoryPartitionSizeInBytes' instead of it\./);
    assert.match(internal, /\*Internal:\* Spark does not document this key/);
  });

  it("is generated: Spark's documented keys carry default, since-version and doc", () => {
    // The generator (scripts/conf-table) fills these from Spark's registries and documentation
    // pages; a key Spark documents must not lose them when the table is regenerated.
    const documented = entries.filter((e) => !e.internal && !e.deprecated);
    const complete = documented.filter((e) => e.default !== undefined && e.since && e.doc);
    assert.ok(complete.length / documented.length > 0.85, `${complete.length} of ${documented.length}`);
    for (const key of [
      'spark.sql.shuffle.partitions',
      'spark.executor.memory',
      'spark.sql.streaming.stateStore.providerClass',
      'spark.yarn.am.memory',
      'spark.history.fs.cleaner.enabled',
      'spark.acls.enable',
    ]) {
      const e = confEntry(key)!;
      assert.ok(e.default !== undefined && e.since && e.doc, `${key}: ${JSON.stringify(e)}`);
    }
    assert.equal(confEntry('spark.sql.files.maxPartitionBytes')?.default, '128MB');
    assert.equal(confEntry('spark.driver.memory')?.default, '1g');
    assert.equal(confEntry('spark.sql.sources.partitionOverwriteMode')?.since, '2.3.0');
  });

  it('is the key set PSA502 checks against', () => {
    assert.equal(SPARK_CONF_KEYS.size, entries.length);
    assert.ok(SPARK_CONF_KEYS.has('spark.sql.shuffle.partitions'));
  });
});
