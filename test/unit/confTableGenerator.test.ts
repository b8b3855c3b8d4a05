import * as assert from 'node:assert/strict';
import { oneLine, Registry, type ConfRow } from '../../scripts/conf-table/sparkConfRegistry';
import { tokenize } from '../../scripts/conf-table/scalaLexer';
import { parseDocsTables } from '../../scripts/conf-table/sparkDocsTables';
import { mergeTable } from '../../scripts/conf-table/mergeTable';

// Registries written the way Spark's are (builder chains, concatenated and interpolated docs,
// constants from other files, enum/unit/fallback defaults, deprecation tables), but made up here.
const SQL_CONF = `
package org.apache.spark.sql.internal

object SQLConf {
  def buildConf(key: String): ConfigBuilder = ConfigBuilder(key).onCreate(register)
  def buildStaticConf(key: String): ConfigBuilder = ConfigBuilder(key).onCreate { entry => staticConfKeys.add(entry.key) }

  val SHUFFLE_PARTITIONS = buildConf("spark.sql.shuffle.partitions")
    .doc("The default number of partitions to use when shuffling data for joins or " +
      "aggregations. Note: For structured streaming, this configuration cannot be changed.")
    .version("1.1.0")
    .intConf
    .checkValue(_ > 0, "The value of spark.sql.shuffle.partitions must be positive")
    .createWithDefault(200)

  // A comment with buildConf("spark.sql.not.a.config") in it is not a declaration.
  val ADVISORY_SIZE = buildConf("spark.sql.adaptive.advisoryPartitionSizeInBytes")
    .doc(s"The advisory size in bytes of the shuffle partition during adaptive optimization " +
      s"(when \${ADAPTIVE_ENABLED.key} is true). It takes effect when Spark coalesces small shuffle partitions.")
    .version("3.0.0")
    .fallbackConf(SHUFFLE_TARGET_SIZE)

  val SHUFFLE_TARGET_SIZE =
    buildConf("spark.sql.adaptive.shuffle.targetPostShuffleInputSize")
      .internal()
      .doc("(Deprecated since Spark 3.0)")
      .version("1.6.0")
      .bytesConf(ByteUnit.BYTE)
      .createWithDefaultString("64MB")

  val ADAPTIVE_ENABLED = buildConf(SqlApiConfHelper.ADAPTIVE_KEY)
    .doc("When true, enable adaptive query execution, which re-optimizes the query plan in the " +
      "middle of query execution, based on accurate runtime statistics.")
    .version("1.6.0")
    .booleanConf
    .createWithDefault(true)

  object PartitionOverwriteMode extends Enumeration {
    val STATIC, DYNAMIC = Value
  }

  val PARTITION_OVERWRITE_MODE = buildConf("spark.sql.sources.partitionOverwriteMode")
    .doc("""
      |When INSERT OVERWRITE a partitioned data source table, we currently support 2 modes:
      |static and dynamic. In static mode, Spark deletes all the partitions first.""".stripMargin)
    .version("2.3.0")
    .stringConf
    .transform(_.toUpperCase(Locale.ROOT))
    .checkValues(PartitionOverwriteMode.values.map(_.toString))
    .createWithDefault(PartitionOverwriteMode.STATIC.toString)

  val CODEC = buildConf("spark.sql.x.codec")
    .doc("A made-up codec setting whose values are listed.")
    .version("3.0.0")
    .stringConf
    .checkValues(Set("snappy", "zstd"))
    .createWithDefault("snappy")

  val BROADCAST_TIMEOUT = buildConf("spark.sql.broadcastTimeout")
    .doc("Timeout in seconds for the broadcast wait time in broadcast joins.")
    .version("1.3.0")
    .timeConf(TimeUnit.SECONDS)
    .createWithDefaultString(s"\${5 * 60}")

  val STATE_MAINTENANCE = buildConf("spark.sql.streaming.stateStore.maintenanceInterval")
    .doc("The interval in milliseconds between triggering maintenance tasks in StateStore.")
    .version("2.0.0")
    .timeConf(TimeUnit.MILLISECONDS)
    .createWithDefault(TimeUnit.MINUTES.toMillis(1))

  val SKEW_FACTOR = buildConf("spark.sql.adaptive.skewJoin.skewedPartitionFactor")
    .doc("A partition is considered as skewed if its size is larger than this factor times the median.")
    .version("3.0.0")
    .doubleConf
    .createWithDefault(5.0)

  val MAX_RECORDS = buildConf("spark.sql.files.maxRecordsPerFile")
    .doc("Maximum number of records to write out to a single file. " +
      "If this value is zero or negative, there is no limit.")
    .version("2.2.0")
    .longConf
    .createWithDefault(0)

  val FILES_MAX_PARTITION_BYTES = buildConf("spark.sql.files.maxPartitionBytes")
    .doc("The maximum number of bytes to pack into a single partition when reading files.")
    .version("2.0.0")
    .bytesConf(ByteUnit.BYTE)
    .createWithDefault(128 * 1024 * 1024)

  val CODEGEN_FALLBACK_MODES = buildConf("spark.sql.codegen.factoryMode")
    .doc("Internal knob, e.g. for tests.")
    .version("2.4.0")
    .stringConf
    .toSequence
    .createWithDefault(Seq("FALLBACK", "CODEGEN_ONLY"))

  private val deprecatedSQLConfigs: Map[String, DeprecatedConfig] = {
    val configs = Seq(
      DeprecatedConfig(
        SHUFFLE_TARGET_SIZE.key, "3.0",
        s"Use '\${ADVISORY_SIZE.key}' instead of it."),
      DeprecatedConfig("spark.sql.execution.arrow.enabled", "3.0",
        "Use 'spark.sql.execution.arrow.pyspark.enabled' instead of it."))
    Map(configs.map { cfg => cfg.key -> cfg } : _*)
  }

  val removedSQLConfigs: Map[String, RemovedConfig] = {
    val configs = Seq(
      RemovedConfig("spark.sql.fromJsonForceNullableSchema", "3.0.0", "true",
        "It was removed to prevent errors like SPARK-23173 for non-default value."))
    Map(configs.map { cfg => cfg.key -> cfg } : _*)
  }
}
`;

const STATIC_SQL_CONF = `
object StaticSQLConf {
  import SQLConf.buildStaticConf
  val SPARK_SESSION_EXTENSIONS = buildStaticConf("spark.sql.extensions")
    .doc("A comma-separated list of classes that implement " +
      "Function1[SparkSessionExtension, Unit] used to configure Spark Session extensions.")
    .version("2.2.0")
    .stringConf
    .toSequence
    .createOptional
}
`;

const API_HELPER = `
private[sql] object SqlApiConfHelper {
  val ADAPTIVE_KEY: String = "spark.sql.adaptive.enabled"
}
`;

const CORE = `
package object config {
  private[spark] val DYN_ALLOCATION_ENABLED =
    ConfigBuilder("spark.dynamicAllocation.enabled")
      .version("1.2.0")
      .booleanConf
      .createWithDefault(false)

  private[spark] val EXECUTOR_MEMORY = ConfigBuilder(SparkLauncher.EXECUTOR_MEMORY)
    .doc("Amount of memory to use per executor process, in MiB unless otherwise specified.")
    .version("0.7.0")
    .bytesConf(ByteUnit.MiB)
    .createWithDefaultString("1g")

  private[spark] val EXECUTOR_HEARTBEAT = ConfigBuilder("spark.executor.heartbeatInterval")
    .version("1.1.0")
    .timeConf(TimeUnit.MILLISECONDS)
    .createWithDefaultString("10s")

  private[spark] val SHUFFLE_SERVICE_ENABLED =
    ConfigBuilder("spark.shuffle.service.enabled")
      .doc("Enables the external shuffle service. This service preserves the shuffle files.")
      .version("1.2.0")
      .withAlternative("spark.shuffle.service.on")
      .booleanConf
      .createWithDefault(false)

  private[spark] val BUFFER_SIZE = ConfigBuilder("spark.buffer.size")
    .version("0.5.0")
    .intConf
    .checkValue(_ >= 0, "The buffer size must not be negative")
    .createWithDefault(65536)

  private[spark] val DRIVER_MAX_RESULT = ConfigBuilder("spark.driver.maxResultSize")
    .doc("Size limit for results.")
    .version("1.2.0")
    .bytesConf(ByteUnit.BYTE)
    .createWithDefault(1L << 30)
}
`;

const LAUNCHER = `
public class SparkLauncher extends AbstractLauncher<SparkLauncher> {
  /** Configuration key for the executor memory. */
  public static final String EXECUTOR_MEMORY = "spark.executor.memory";
}
`;

function table(): Map<string, ConfRow> {
  const { rows } = new Registry([
    { path: 'sql/catalyst/src/main/scala/org/apache/spark/sql/internal/SQLConf.scala', text: SQL_CONF },
    { path: 'sql/catalyst/src/main/scala/org/apache/spark/sql/internal/StaticSQLConf.scala', text: STATIC_SQL_CONF },
    { path: 'sql/api/src/main/scala/org/apache/spark/sql/internal/SqlApiConfHelper.scala', text: API_HELPER },
    { path: 'core/src/main/scala/org/apache/spark/internal/config/package.scala', text: CORE },
    { path: 'launcher/src/main/java/org/apache/spark/launcher/SparkLauncher.java', text: LAUNCHER },
  ]).rows();
  return new Map(rows.map((r) => [r.key, r]));
}

describe('conf table generator (Spark registry reader)', () => {
  const rows = table();

  it('reads key, scope, default, version and the first sentence of the doc', () => {
    assert.deepEqual(rows.get('spark.sql.shuffle.partitions'), {
      key: 'spark.sql.shuffle.partitions',
      scope: 'runtime-sql',
      default: '200',
      since: '1.1.0',
      doc: 'The default number of partitions to use when shuffling data for joins or aggregations.',
      type: 'int',
    });
    assert.equal(rows.get('spark.sql.extensions')?.scope, 'static-sql');
    assert.equal(rows.get('spark.sql.extensions')?.default, '(none)');
    assert.equal(rows.get('spark.dynamicAllocation.enabled')?.scope, 'core');
    assert.equal(rows.get('spark.dynamicAllocation.enabled')?.doc, undefined, 'no doc in the source: none invented');
  });

  it('ignores the builder helpers and declarations inside comments', () => {
    assert.ok(!rows.has('spark.sql.not.a.config'));
    assert.ok(![...rows.keys()].some((k) => k === 'key'));
  });

  it('resolves keys held in constants of other files, Scala and Java', () => {
    assert.equal(rows.get('spark.sql.adaptive.enabled')?.default, 'true');
    assert.equal(rows.get('spark.executor.memory')?.default, '1g');
    assert.equal(rows.get('spark.executor.memory')?.scope, 'core');
  });

  it('prints defaults as Spark does: enums, units, sequences, fallbacks, arithmetic', () => {
    assert.equal(rows.get('spark.sql.sources.partitionOverwriteMode')?.default, 'STATIC');
    assert.equal(rows.get('spark.sql.broadcastTimeout')?.default, '300');
    assert.equal(rows.get('spark.sql.streaming.stateStore.maintenanceInterval')?.default, '60000ms');
    assert.equal(rows.get('spark.sql.files.maxPartitionBytes')?.default, '134217728b');
    assert.equal(rows.get('spark.driver.maxResultSize')?.default, '1073741824b');
    assert.equal(rows.get('spark.sql.files.maxRecordsPerFile')?.default, '0');
    assert.equal(rows.get('spark.sql.adaptive.skewJoin.skewedPartitionFactor')?.default, '5.0');
    assert.equal(rows.get('spark.sql.codegen.factoryMode')?.default, 'FALLBACK,CODEGEN_ONLY');
    assert.equal(rows.get('spark.executor.heartbeatInterval')?.default, '10s');
    assert.equal(rows.get('spark.sql.adaptive.advisoryPartitionSizeInBytes')?.default, 'value of spark.sql.adaptive.shuffle.targetPostShuffleInputSize');
  });

  it('joins concatenated, interpolated and stripMargin docs into one line', () => {
    assert.equal(
      rows.get('spark.sql.adaptive.advisoryPartitionSizeInBytes')?.doc,
      'The advisory size in bytes of the shuffle partition during adaptive optimization (when spark.sql.adaptive.enabled is true).',
    );
    assert.equal(
      rows.get('spark.sql.sources.partitionOverwriteMode')?.doc,
      'When INSERT OVERWRITE a partitioned data source table, we currently support 2 modes: static and dynamic.',
    );
    assert.equal(rows.get('spark.sql.codegen.factoryMode')?.doc, 'Internal knob, e.g. for tests.');
  });

  it('marks internal configs and records deprecated, removed and renamed keys', () => {
    const target = rows.get('spark.sql.adaptive.shuffle.targetPostShuffleInputSize')!;
    assert.equal(target.internal, true);
    assert.equal(target.deprecated, "deprecated in Spark 3.0: Use 'spark.sql.adaptive.advisoryPartitionSizeInBytes' instead of it.");
    const arrow = rows.get('spark.sql.execution.arrow.enabled')!;
    assert.equal(arrow.scope, 'runtime-sql');
    assert.match(arrow.deprecated!, /^deprecated in Spark 3\.0: Use 'spark\.sql\.execution\.arrow\.pyspark\.enabled'/);
    assert.match(rows.get('spark.sql.fromJsonForceNullableSchema')!.deprecated!, /^removed in Spark 3\.0\.0: It was removed/);
    const old = rows.get('spark.shuffle.service.on')!;
    assert.deepEqual(old, {
      key: 'spark.shuffle.service.on',
      scope: 'core',
      default: 'false',
      doc: 'Enables the external shuffle service.',
      deprecated: 'use spark.shuffle.service.enabled',
    });
  });

  it('records how Spark parses the value and which values it accepts', () => {
    const mode = rows.get('spark.sql.sources.partitionOverwriteMode')!;
    assert.deepEqual([mode.type, mode.values, mode.valuesIgnoreCase], ['string', ['STATIC', 'DYNAMIC'], true]);
    assert.equal(rows.get('spark.sql.broadcastTimeout')?.type, 'time');
    assert.equal(rows.get('spark.sql.files.maxPartitionBytes')?.type, 'bytes');
    assert.equal(rows.get('spark.sql.extensions')?.type, 'list');
    assert.equal(rows.get('spark.sql.adaptive.enabled')?.type, 'boolean');
    const codec = rows.get('spark.sql.x.codec')!;
    assert.deepEqual([codec.values, codec.valuesIgnoreCase], [['snappy', 'zstd'], undefined]);
  });

  it('emits sorted, unique keys', () => {
    const keys = [...rows.keys()];
    assert.deepEqual(keys, [...keys].sort());
  });
});

describe('conf table generator helpers', () => {
  it('cuts the first sentence, not at e.g. / i.e., and caps the length', () => {
    assert.equal(oneLine('  When true, use X (i.e. the default). Otherwise Y.'), 'When true, use X (i.e. the default).');
    assert.equal(oneLine('Version 2.3.0 of it. More.'), 'Version 2.3.0 of it.');
    const long = oneLine('word '.repeat(100))!;
    assert.ok(long.length <= 240 && long.endsWith(' …'), long);
    assert.equal(oneLine('   '), undefined);
  });

  it('lexes interpolated, triple-quoted and escaped strings without losing its place', () => {
    const tokens = tokenize('s"a \\"q\\" ${X.key} $y" + """b "c" d""" // "no"\n\'x\'');
    assert.deepEqual(
      tokens.map((t) => t.kind),
      ['string', 'punct', 'string', 'char'],
    );
    assert.deepEqual((tokens[0] as { parts: unknown }).parts, [{ text: 'a "q" ' }, { expr: 'X.key' }, { text: ' ' }, { expr: 'y' }]);
    assert.deepEqual((tokens[2] as { parts: unknown }).parts, [{ text: 'b "c" d' }]);
  });
});

describe('conf table generator (documentation tables and merge)', () => {
  const PAGE = `
### Application Properties

<table class="spark-config">
<thead><tr><th>Property Name</th><th>Default</th><th>Meaning</th><th>Since Version</th></tr></thead>
<tr>
  <td><code>spark.driver.memory</code></td>
  <td>1g</td>
  <td>
    Amount of memory to use for the driver process, i.e. where SparkContext is initialized, in the
    same format as JVM memory strings with a size unit suffix ("k", "m", "g" or "t")
    (e.g. <code>512m</code>, <code>2g</code>).
    <br />
    <em>Note:</em> In client mode, this config must not be set through the <code>SparkConf</code>.
  </td>
  <td>1.1.1</td>
</tr>
<tr>
  <td><code>spark.{driver|executor}.rpc.netty.dispatcher.numThreads</code></td>
  <td>Greater of 1 and the number of cores</td>
  <td>Number of threads used in RPC message dispatcher thread pool.</td>
  <td>3.0.0</td>
</tr>
<tr>
  <td><code>spark.serializer</code></td>
  <td>
    org.apache.spark.serializer.<br />JavaSerializer
  </td>
  <td>Class to use for serializing objects that will be sent over the network.</td>
  <td>0.5.0</td>
</tr>
<tr>
  <td><code>spark.yarn.am.memory</code></td>
  <td><code>512m</code></td>
  <td>Amount of memory to use for the YARN Application Master in client mode, see the [YARN docs](running-on-yarn.html) &amp; more.</td>
</tr>
</table>
`;

  it('reads key, default, first sentence and since from property tables', () => {
    assert.deepEqual(parseDocsTables(PAGE), [
      {
        key: 'spark.driver.memory',
        default: '1g',
        doc: 'Amount of memory to use for the driver process, i.e. where SparkContext is initialized, in the same format as JVM memory strings with a size unit suffix ("k", "m", "g" or "t") (e.g. 512m, 2g).',
        since: '1.1.1',
      },
      {
        key: 'spark.serializer',
        default: 'org.apache.spark.serializer.JavaSerializer',
        doc: 'Class to use for serializing objects that will be sent over the network.',
        since: '0.5.0',
      },
      {
        key: 'spark.yarn.am.memory',
        default: '512m',
        doc: 'Amount of memory to use for the YARN Application Master in client mode, see the YARN docs & more.',
      },
    ]);
  });

  it('merges: registry scope/since/doc, documented default, baseline for the rest and for removed keys', () => {
    const registry: ConfRow[] = [
      { key: 'spark.driver.memory', scope: 'core', default: '1g', since: '1.1.1' },
      { key: 'spark.sql.shuffle.partitions', scope: 'runtime-sql', default: '200', since: '1.1.0', doc: 'Partitions of shuffles.' },
      { key: 'spark.sql.x.internalKnob', scope: 'runtime-sql', default: '1', since: '3.0.0', doc: 'A knob for tests.', internal: true },
      { key: 'spark.sql.x.emptyList', scope: 'static-sql', default: '', since: '3.0.0', doc: 'A list that starts empty.' },
    ];
    const docs = [
      { key: 'spark.driver.memory', default: '1g', doc: 'Memory of the driver.' },
      { key: 'spark.yarn.am.memory', default: '512m', doc: 'Memory of the YARN AM.', since: '1.3.0' },
      { key: 'spark.sql.only.on.a.page', default: 'x', doc: 'Nobody says whether it is static.' },
    ];
    const baseline = [
      { key: 'spark.blacklist.enabled', scope: 'core' as const, deprecated: 'use spark.excludeOnFailure.enabled' },
      { key: 'spark.sql.shuffle.partitions', scope: 'runtime-sql' as const, doc: 'An older sentence.' },
    ];
    assert.deepEqual(mergeTable(registry, docs, baseline), [
      { key: 'spark.blacklist.enabled', scope: 'core', deprecated: 'use spark.excludeOnFailure.enabled' },
      { key: 'spark.driver.memory', scope: 'core', default: '1g', since: '1.1.1', doc: 'Memory of the driver.' },
      { key: 'spark.sql.shuffle.partitions', scope: 'runtime-sql', default: '200', since: '1.1.0', doc: 'Partitions of shuffles.' },
      { key: 'spark.sql.x.emptyList', scope: 'static-sql', default: '(empty)', since: '3.0.0', doc: 'A list that starts empty.' },
      { key: 'spark.sql.x.internalKnob', scope: 'runtime-sql', default: '1', since: '3.0.0', doc: 'A knob for tests.', internal: true },
      { key: 'spark.yarn.am.memory', scope: 'core', default: '512m', since: '1.3.0', doc: 'Memory of the YARN AM.' },
    ]);
  });
});
