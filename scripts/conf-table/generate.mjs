// Regenerates server/src/spark/conf/sparkConfTable.json from Apache Spark's config registries.
//
//   npx tsc -p test/tsconfig.json
//   node scripts/conf-table/generate.mjs --spark <spark checkout> [--baseline <table>] [--out <table>]
//
// <spark checkout> is a clone of apache/spark (or a folder with the same layout holding just the
// registry files below; a file may also be split into `<name>.part1.scala`, `<name>.part2.scala`...).
// Every key declared there gets its scope (from the builder), default (as Spark's docs print it),
// since-version, a one-line doc (the first sentence of Spark's own doc string) and deprecation.
// Keys of the baseline table that the registries no longer declare (removed and renamed keys,
// cluster-manager keys of files not read) are carried over unchanged, so old code that sets them
// is not reported as a typo; the baseline also supplies facts a registry file leaves out.
import { existsSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { basename, dirname, extname, join } from 'node:path';
const require = createRequire(import.meta.url);
const { Registry } = require('../../out/scripts/conf-table/sparkConfRegistry.js');
const { parseDocsTables } = require('../../out/scripts/conf-table/sparkDocsTables.js');
const { mergeTable } = require('../../out/scripts/conf-table/mergeTable.js');

/** The files of a Spark checkout where configs are declared (test-only registries are left out). */
export const REGISTRY_FILES = [
  'sql/catalyst/src/main/scala/org/apache/spark/sql/internal/SQLConf.scala',
  'sql/catalyst/src/main/scala/org/apache/spark/sql/internal/StaticSQLConf.scala',
  'sql/hive/src/main/scala/org/apache/spark/sql/hive/HiveUtils.scala',
  'core/src/main/scala/org/apache/spark/internal/config/package.scala',
  'core/src/main/scala/org/apache/spark/internal/config/Connect.scala',
  'core/src/main/scala/org/apache/spark/internal/config/Deploy.scala',
  'core/src/main/scala/org/apache/spark/internal/config/History.scala',
  'core/src/main/scala/org/apache/spark/internal/config/Kafka.scala',
  'core/src/main/scala/org/apache/spark/internal/config/Kryo.scala',
  'core/src/main/scala/org/apache/spark/internal/config/Network.scala',
  'core/src/main/scala/org/apache/spark/internal/config/Python.scala',
  'core/src/main/scala/org/apache/spark/internal/config/R.scala',
  'core/src/main/scala/org/apache/spark/internal/config/Status.scala',
  'core/src/main/scala/org/apache/spark/internal/config/Streaming.scala',
  'core/src/main/scala/org/apache/spark/internal/config/UDF.scala',
  'core/src/main/scala/org/apache/spark/internal/config/UI.scala',
  'core/src/main/scala/org/apache/spark/internal/config/Worker.scala',
  'core/src/main/scala/org/apache/spark/SparkConf.scala',
  'streaming/src/main/scala/org/apache/spark/streaming/StreamingConf.scala',
  'resource-managers/yarn/src/main/scala/org/apache/spark/deploy/yarn/config.scala',
  'resource-managers/kubernetes/core/src/main/scala/org/apache/spark/deploy/k8s/Config.scala',
  // Not registries: they hold keys as constants that the registries above refer to.
  'sql/api/src/main/scala/org/apache/spark/sql/internal/SqlApiConfHelper.scala',
  'launcher/src/main/java/org/apache/spark/launcher/SparkLauncher.java',
  'common/network-shuffle/src/main/java/org/apache/spark/network/shuffle/Constants.java',
];

/** Documentation pages with property tables (key, default, meaning, since). */
export const DOC_FILES = [
  'docs/configuration.md',
  'docs/monitoring.md',
  'docs/security.md',
  'docs/spark-standalone.md',
  'docs/running-on-yarn.md',
  'docs/running-on-kubernetes.md',
];

// Key constants some Spark versions define outside the files above, one object per entry (a
// checkout's own definition, read first, wins).
const KEY_CONSTANTS = {
  SqlApiConfHelper: { DEFAULT_COLLATION: 'spark.sql.session.collation.default' },
  Constants: { SHUFFLE_SERVICE_DB_BACKEND: 'spark.shuffle.service.db.backend' },
  CatalogManager: { SESSION_CATALOG_NAME: 'spark_catalog' },
  MavenUtils: { JAR_IVY_SETTING_PATH_KEY: 'spark.jars.ivySettings' },
};

// Enumerations whose values `checkValues` lists, defined in files not read above (sql/api).
const ENUMERATIONS = {
  LegacyBehaviorPolicy: ['EXCEPTION', 'LEGACY', 'CORRECTED'],
};

function arg(name, fallback) {
  const i = process.argv.indexOf(name);
  return i >= 0 ? process.argv[i + 1] : fallback;
}

/** The file's text, or its `.partN.<ext>` pieces joined in order, or undefined. */
function readSplitFile(root, path) {
  const full = join(root, path);
  if (existsSync(full)) return readFileSync(full, 'utf8');
  const dir = dirname(full);
  if (!existsSync(dir)) return undefined;
  const ext = extname(path);
  const stem = basename(path, ext);
  const parts = readdirSync(dir)
    .map((f) => /^(.+)\.part(\d+)(\.\w+)$/.exec(f))
    .filter((m) => m && m[1] === stem && m[3] === ext)
    .sort((a, b) => Number(a[2]) - Number(b[2]));
  return parts.length ? parts.map((m) => readFileSync(join(dir, m[0]), 'utf8')).join('') : undefined;
}

function main() {
  const spark = arg('--spark');
  if (!spark) {
    console.error('usage: node scripts/conf-table/generate.mjs --spark <spark checkout> [--baseline FILE] [--out FILE]');
    process.exit(2);
  }
  const tablePath = 'server/src/spark/conf/sparkConfTable.json';
  const baseline = JSON.parse(readFileSync(arg('--baseline', tablePath), 'utf8'));
  const sources = [];
  const missing = [];
  for (const path of REGISTRY_FILES) {
    const text = readSplitFile(spark, path);
    if (text === undefined) missing.push(path);
    else sources.push({ path, text });
  }
  const registryFiles = sources.length;
  for (const [object, values] of Object.entries(ENUMERATIONS)) {
    sources.push({
      path: `scripts/conf-table/generate.mjs/${object}.scala`,
      text: `object ${object} extends Enumeration {\n  val ${values.join(', ')} = Value\n}\n`,
    });
  }
  for (const [object, constants] of Object.entries(KEY_CONSTANTS)) {
    const vals = Object.entries(constants).map(([name, value]) => `  val ${name} = ${JSON.stringify(value)}`);
    sources.push({ path: `scripts/conf-table/generate.mjs/${object}.scala`, text: `object ${object} {\n${vals.join('\n')}\n}\n` });
  }
  const { rows, unresolved } = new Registry(sources).rows();
  const docs = [];
  for (const path of DOC_FILES) {
    const text = readSplitFile(spark, path);
    if (text === undefined) missing.push(path);
    else docs.push(...parseDocsTables(text));
  }
  const table = mergeTable(rows, docs, baseline);
  const out = arg('--out', tablePath);
  writeFileSync(out, '[\n' + table.map((e) => '  ' + JSON.stringify(e)).join(',\n') + '\n]\n');
  const complete = table.filter((e) => e.default !== undefined && e.since && e.doc).length;
  console.log(
    `${registryFiles} registry files read, ${rows.length} keys declared, ${docs.length} documented rows, ${table.length} in the table (${complete} with default, since and doc) -> ${out}`,
  );
  if (missing.length) console.log(`not found (baseline kept for their keys):\n  ${missing.join('\n  ')}`);
  if (unresolved.length) console.log(`declarations whose key is not a constant expression:\n  ${unresolved.join('\n  ')}`);
}

if (import.meta.url === `file://${process.argv[1]}`) main();
