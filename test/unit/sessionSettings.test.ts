import * as assert from 'node:assert/strict';
import { buildModel } from '../../server/src/model/buildModel';
import { nodesOfType } from '../../server/src/model/syntaxIndex';
import { literalString } from '../../server/src/parsing/syntax';
import { sessionSettings } from '../../server/src/rules/helpers/sessionConf';
import { loadParser, py, samplesAndFixtures } from './helpers';
import { settingsByScan } from './sessionSettingsScan';

// `sessionSettings` searches a key only in the strings holding the key's first characters (issue 18:
// one pass over the file's strings per head such as `spark.`, not one per key). Its answer must be
// the search over every string it replaces: the same settings, in the same order.

const KEYS = py`
  spark.conf.set("spark.sql.shuffle.partitions", "64")
  spark.sql("SET spark.sql.sources.partitionOverwriteMode=dynamic")
  conf = SparkConf().setAll([("spark.executor.memory", "4g"), ("fs.azure.account.key.acct", key)])
  PARTS = "SPARK.SQL.SHUFFLE.PARTITIONS"
  spark.conf.set(PARTS, 8)
  opts = {"checkpointLocation": "/chk", "spark.sql.streaming.checkpointLocation": "/chk2"}
`;

describe('rules/helpers/sessionConf sessionSettings', () => {
  for (const [name, text] of [['keys of several heads and cases', KEYS] as [string, string], ...samplesAndFixtures()]) {
    it(`equals the search over every string: ${name}`, async () => {
      const tree = (await loadParser()).parse(text);
      try {
        const { model } = buildModel(tree, text);
        // The keys the rules ask for, every key the file sets, and every dotted word of its strings
        // (other heads than `spark.`, other cases, keys shorter than a head).
        const keys = new Set<string>([
          'spark.sql.streaming.checkpointLocation',
          'spark.sql.sources.partitionOverwriteMode',
          'spark.sql.streaming.schemaInference',
          'spark.sql.streaming.stateStore.providerClass',
          'spark.sql.shuffle.partitions',
          'spark',
          'a',
          '',
        ]);
        for (const c of model.confSets) if (c.key !== undefined) keys.add(c.key);
        for (const s of nodesOfType(model, 'string')) {
          const v = literalString(s);
          if (v !== undefined && /^[A-Za-z][\w.]*$/.test(v)) keys.add(v);
        }
        for (const key of keys) {
          const got = sessionSettings(model, key);
          const want = settingsByScan(model, key);
          assert.equal(got.length, want.length, `settings of ${key}`);
          got.forEach((g, i) => {
            assert.equal(g.value, want[i].value, `value #${i} of ${key}`);
            assert.ok(g.confSet === want[i].confSet, `conf set #${i} of ${key}`);
          });
        }
        if (name === 'keys of several heads and cases') assert.equal(sessionSettings(model, 'spark.sql.shuffle.partitions').length, 2);
      } finally {
        tree.delete();
      }
    });
  }
});
