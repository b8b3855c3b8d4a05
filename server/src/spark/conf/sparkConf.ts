import TABLE from './sparkConfTable.json';

/**
 * Typed access to the bundled table of Spark configuration keys (sparkConfTable.json).
 *
 * The table is data, not code: `scripts/conf-table/generate.mjs` regenerates it from a Spark
 * checkout, reading the config registries (SQLConf, StaticSQLConf, HiveUtils, core
 * `internal/config`, YARN, Kubernetes, Streaming) and the property tables of Spark's
 * documentation pages. `doc` lines are the first sentence of Spark's own documentation (Apache
 * License 2.0). Removed and renamed keys stay in the table so that old code is not mistaken for
 * typos. A fact Spark states nowhere (no doc string, no documented default) is left out, not guessed.
 */

/**
 * When a key can be set:
 * - `runtime-sql`: a session SQL config; `spark.conf.set` changes it on a running session.
 * - `static-sql`: a static SQL config, fixed when the first session starts; `spark.conf.set`
 *   raises "Cannot modify the value of a static config".
 * - `core`: a Spark core (or cluster-manager) config, read when the SparkContext, executors or
 *   cluster start; since Spark 3.0 `spark.conf.set` rejects the registered ones ("Cannot modify
 *   the value of a Spark config") and the rest have no effect.
 */
export type ConfScope = 'runtime-sql' | 'static-sql' | 'core';

export interface SparkConfEntry {
  key: string;
  scope: ConfScope;
  /** The default as Spark documents it (`200`, `"64MB"`, `(none)`, or a description such as `value of spark.x`). */
  default?: string;
  /** The Spark version the key first appeared in. */
  since?: string;
  /** One line on what the key does. */
  doc?: string;
  /** Set when Spark deprecated or removed the key: what to use instead. */
  deprecated?: string;
  /** Spark declares the key `.internal()`: not in its documentation, may change between releases. */
  internal?: boolean;
  /** How Spark parses the value (`list`: comma-separated). */
  type?: 'boolean' | 'int' | 'long' | 'double' | 'string' | 'bytes' | 'time' | 'regex' | 'list';
  /** The only values Spark accepts, when it checks them. */
  values?: string[];
  /** Spark upper- or lower-cases the value before that check. */
  valuesIgnoreCase?: boolean;
}

const ENTRIES: readonly SparkConfEntry[] = TABLE as SparkConfEntry[];
const BY_KEY: ReadonlyMap<string, SparkConfEntry> = new Map(ENTRIES.map((e) => [e.key, e]));

/** Every entry of the table, sorted by key. */
export function allConfEntries(): readonly SparkConfEntry[] {
  return ENTRIES;
}

export function confEntry(key: string): SparkConfEntry | undefined {
  return BY_KEY.get(key);
}

/** Every key of the table. */
export const CONF_KEYS: ReadonlySet<string> = new Set(BY_KEY.keys());

/** A known key that cannot be changed on a running session: it belongs in the builder, spark-submit or the cluster config. */
export function isStatic(key: string): boolean {
  const scope = BY_KEY.get(key)?.scope;
  return scope === 'static-sql' || scope === 'core';
}

export function isStaticSql(key: string): boolean {
  return BY_KEY.get(key)?.scope === 'static-sql';
}

export function isCore(key: string): boolean {
  return BY_KEY.get(key)?.scope === 'core';
}

const SCOPE_LABEL: Record<ConfScope, string> = {
  'runtime-sql': 'runtime SQL config',
  'static-sql': 'static SQL config',
  core: 'core config',
};

/** Short words for the scope: `runtime SQL config`. */
export function scopeLabel(scope: ConfScope): string {
  return SCOPE_LABEL[scope];
}

/** Where a key of this scope has to be set, for completion details and hovers. */
export function whereToSet(scope: ConfScope): string {
  return scope === 'runtime-sql'
    ? 'can be changed at runtime with spark.conf.set'
    : 'must be set in SparkSession.builder.config(...), spark-submit --conf or the cluster config';
}

const TYPE_LABEL: Record<NonNullable<SparkConfEntry['type']>, string> = {
  boolean: 'boolean (true or false)',
  int: 'integer',
  long: 'integer',
  double: 'number',
  string: 'string',
  bytes: 'size (a whole number with b, k, m, g, t or p)',
  time: 'duration (a whole number with us, ms, s, min, h or d)',
  regex: 'regular expression',
  list: 'comma-separated list',
};

/** Markdown describing an entry: the body of conf-key hovers and completion documentation. */
export function confMarkdown(entry: SparkConfEntry, withKey = true): string {
  const lines: string[] = [];
  if (withKey) lines.push(`**\`${entry.key}\`**`, '');
  if (entry.doc) lines.push(entry.doc, '');
  if (entry.deprecated) lines.push(`*Deprecated:* ${entry.deprecated}`, '');
  if (entry.internal) lines.push('*Internal:* Spark does not document this key; it can change or go away in any release.', '');
  const facts = [
    `Default: ${entry.default !== undefined ? `\`${entry.default}\`` : 'not recorded'}`,
    `Scope: ${scopeLabel(entry.scope)}, ${whereToSet(entry.scope)}`,
  ];
  if (entry.since) facts.push(`Since: Spark ${entry.since}`);
  if (entry.values?.length) facts.push(`Values: ${entry.values.map((v) => `\`${v}\``).join(', ')}${entry.valuesIgnoreCase ? ' (any case)' : ''}`);
  else if (entry.type && entry.type !== 'string') facts.push(`Type: ${TYPE_LABEL[entry.type]}`);
  lines.push(facts.map((f) => `- ${f}`).join('\n'));
  return lines.join('\n');
}
