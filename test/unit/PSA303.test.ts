import * as assert from 'node:assert/strict';
import { check, py } from './helpers';
import { byteSize } from '../../server/src/rules/helpers/sessionConf';

describe('PSA303 partition-size-config', () => {
  it('parses Spark byte sizes', () => {
    assert.equal(byteSize('2g'), 2 * 2 ** 30);
    assert.equal(byteSize('2048m'), 2 * 2 ** 30);
    assert.equal(byteSize('1gb'), 2 ** 30);
    assert.equal(byteSize('512MB'), 512 * 2 ** 20);
    assert.equal(byteSize('134217728'), 134217728);
    assert.equal(byteSize(2147483648), 2147483648);
    assert.equal(byteSize('lots'), undefined);
    assert.equal(byteSize('1.5g'), undefined);
  });

  it('is silent in local test sessions (local master, pytest)', async () => {
    const local = await check(py`
      from pyspark.sql import SparkSession
      spark = SparkSession.builder.master("local[2]").config("spark.sql.shuffle.partitions", 1).getOrCreate()
    `);
    assert.deepEqual(local.of('PSA303'), []);
    const fixture = await check(py`
      import pytest
      from pyspark.sql import SparkSession

      @pytest.fixture(scope="session")
      def spark():
          s = SparkSession.builder.appName("tests").getOrCreate()
          s.conf.set("spark.sql.shuffle.partitions", "2")
          return s
    `);
    assert.deepEqual(fixture.of('PSA303'), []);
  });

  it('is silent when the local master is set on a builder kept in a variable, or with SparkConf().setMaster', async () => {
    const kept = await check(py`
      from pyspark.sql import SparkSession

      def make_session(with_jars):
          builder = (SparkSession.builder.master("local[4]").appName("lab")
                     .config("spark.sql.shuffle.partitions", "2"))
          if with_jars:
              builder = builder.config("spark.jars.packages", "org.example:thing:1.0")
          return builder.getOrCreate()
    `);
    assert.deepEqual(kept.of('PSA303'), []);
    const conf = await check(py`
      from pyspark import SparkConf
      from pyspark.sql import SparkSession

      conf = SparkConf().setMaster("local[*]").set("spark.sql.shuffle.partitions", "1")
      spark = SparkSession.builder.config(conf=conf).getOrCreate()
    `);
    assert.deepEqual(conf.of('PSA303'), []);
  });
});
