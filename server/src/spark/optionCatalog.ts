/**
 * What `format("...")` and `option("...", "...")` accept for the sources and sinks pipelines use
 * most, per side of the chain. Data only: server/src/completion/sourceOptions.ts decides where
 * the cursor is and which of these apply.
 */

/** Which builder a chain starts from: `spark.read`, `spark.readStream`, `df.write`, `df.writeStream`. */
export type Direction = 'read' | 'readStream' | 'write' | 'writeStream';

const READS: Direction[] = ['read', 'readStream'];
const WRITES: Direction[] = ['write', 'writeStream'];
const ALL: Direction[] = [...READS, ...WRITES];
const BOOLEAN = ['true', 'false'];

export interface FormatSpec {
  name: string;
  doc: string;
  directions: Direction[];
}

export interface OptionSpec {
  key: string;
  doc: string;
  directions: Direction[];
  /** Values offered for the option's second argument, the usual one first. */
  values?: string[];
}

export const FORMATS: FormatSpec[] = [
  { name: 'delta', doc: 'Delta Lake table: ACID transactions, time travel, MERGE, schema enforcement.', directions: ALL },
  { name: 'parquet', doc: 'Apache Parquet columnar files.', directions: ALL },
  { name: 'kafka', doc: 'Apache Kafka topics (needs `kafka.bootstrap.servers` and `subscribe`/`topic`).', directions: ALL },
  { name: 'cloudFiles', doc: 'Databricks Auto Loader: incremental, exactly-once ingest of new files (needs `cloudFiles.format`).', directions: ['readStream'] },
  { name: 'json', doc: 'JSON lines files (`multiLine` for one document per file).', directions: ALL },
  { name: 'csv', doc: 'CSV files (`header`, `sep`; prefer an explicit schema to `inferSchema`).', directions: ALL },
  { name: 'avro', doc: 'Apache Avro files.', directions: ALL },
  { name: 'orc', doc: 'Apache ORC files.', directions: ALL },
  { name: 'text', doc: 'Plain text, one row per line in a `value` column.', directions: ALL },
  { name: 'jdbc', doc: 'A relational database over JDBC (batch only).', directions: ['read', 'write'] },
  { name: 'rate', doc: 'Test source generating `rowsPerSecond` rows with `timestamp` and `value`.', directions: ['readStream'] },
  { name: 'console', doc: 'Prints each micro-batch to stdout (debugging only; not fault tolerant).', directions: ['writeStream'] },
  { name: 'memory', doc: 'Keeps the output in an in-memory table on the driver (debugging only).', directions: ['writeStream'] },
  { name: 'noop', doc: 'Discards the output: for benchmarking the rest of the query.', directions: ['write', 'writeStream'] },
];

/** Options every format accepts (on the sides listed in each). */
export const GENERIC_OPTIONS: OptionSpec[] = [
  {
    key: 'checkpointLocation',
    doc: 'Durable directory (object storage, not /tmp) where the query keeps offsets and state. One per query.',
    directions: ['writeStream'],
  },
  { key: 'path', doc: 'Location to read or write, instead of passing it to `load()` / `save()` / `start()`.', directions: ALL },
];

const FILE_SOURCE: OptionSpec[] = [
  { key: 'pathGlobFilter', doc: 'Only files whose name matches this glob, e.g. `*.json`.', directions: READS },
  { key: 'recursiveFileLookup', doc: 'Read files in nested directories (disables partition discovery).', directions: READS, values: BOOLEAN },
  { key: 'modifiedAfter', doc: 'Only files modified after this timestamp (`YYYY-MM-DDTHH:mm:ss`). Batch reads.', directions: ['read'] },
  { key: 'modifiedBefore', doc: 'Only files modified before this timestamp (`YYYY-MM-DDTHH:mm:ss`). Batch reads.', directions: ['read'] },
  { key: 'maxFilesPerTrigger', doc: 'Upper bound of new files per micro-batch.', directions: ['readStream'] },
  { key: 'latestFirst', doc: 'Process the newest files first when there is a backlog.', directions: ['readStream'], values: BOOLEAN },
  { key: 'maxFileAge', doc: 'Ignore files older than this relative to the newest file, e.g. `7d`.', directions: ['readStream'] },
  { key: 'cleanSource', doc: 'What to do with processed files.', directions: ['readStream'], values: ['off', 'archive', 'delete'] },
];

const FILE_SINK: OptionSpec[] = [
  { key: 'compression', doc: 'Codec of the written files.', directions: WRITES, values: ['snappy', 'zstd', 'gzip', 'lz4', 'none'] },
  { key: 'maxRecordsPerFile', doc: 'Split output files above this many rows.', directions: WRITES },
  {
    key: 'partitionOverwriteMode',
    doc: '`dynamic`: an overwrite replaces only the partitions it writes; `static` (default) deletes every partition first.',
    directions: ['write'],
    values: ['dynamic', 'static'],
  },
];

const PARSE_MODE = { key: 'mode', doc: 'What to do with malformed records.', directions: READS, values: ['PERMISSIVE', 'DROPMALFORMED', 'FAILFAST'] };
const CORRUPT = { key: 'columnNameOfCorruptRecord', doc: 'Column receiving malformed rows in PERMISSIVE mode (add it to the schema).', directions: READS };
const DATES: OptionSpec[] = [
  { key: 'dateFormat', doc: 'Pattern of date values, e.g. `yyyy-MM-dd`.', directions: ALL },
  { key: 'timestampFormat', doc: "Pattern of timestamp values, e.g. `yyyy-MM-dd'T'HH:mm:ss.SSSXXX`.", directions: ALL },
];

const KAFKA_SECURITY: OptionSpec[] = [
  { key: 'kafka.security.protocol', doc: 'Kafka client security protocol.', directions: ALL, values: ['SASL_SSL', 'SSL', 'SASL_PLAINTEXT', 'PLAINTEXT'] },
  { key: 'kafka.sasl.mechanism', doc: 'SASL mechanism.', directions: ALL, values: ['PLAIN', 'SCRAM-SHA-512', 'SCRAM-SHA-256', 'AWS_MSK_IAM', 'OAUTHBEARER'] },
  {
    key: 'kafka.sasl.jaas.config',
    doc: 'JAAS login config. It holds credentials: build it from a secret (os.environ, dbutils.secrets), never a literal.',
    directions: ALL,
  },
];

const AUTO_LOADER: OptionSpec[] = [
  {
    key: 'cloudFiles.format',
    doc: 'Format of the ingested files (required).',
    directions: ['readStream'],
    values: ['json', 'csv', 'parquet', 'avro', 'orc', 'text', 'binaryFile', 'xml'],
  },
  {
    key: 'cloudFiles.schemaLocation',
    doc: 'Where Auto Loader tracks the inferred schema and its evolution; usually the checkpoint location.',
    directions: ['readStream'],
  },
  {
    key: 'cloudFiles.inferColumnTypes',
    doc: 'Infer column types instead of reading every column as string (JSON/CSV).',
    directions: ['readStream'],
    values: BOOLEAN,
  },
  {
    key: 'cloudFiles.schemaEvolutionMode',
    doc: 'What happens when new columns appear.',
    directions: ['readStream'],
    values: ['addNewColumns', 'rescue', 'failOnNewColumns', 'none'],
  },
  { key: 'cloudFiles.schemaHints', doc: 'Types to force on inferred columns, e.g. `id bigint, amount decimal(18,2)`.', directions: ['readStream'] },
  { key: 'cloudFiles.maxFilesPerTrigger', doc: 'Upper bound of new files per micro-batch.', directions: ['readStream'] },
  { key: 'cloudFiles.maxBytesPerTrigger', doc: 'Soft upper bound of bytes per micro-batch, e.g. `10g`.', directions: ['readStream'] },
  {
    key: 'cloudFiles.includeExistingFiles',
    doc: 'Also ingest the files already present when the stream first starts.',
    directions: ['readStream'],
    values: BOOLEAN,
  },
  {
    key: 'cloudFiles.useNotifications',
    doc: 'Discover files through cloud notifications instead of directory listing.',
    directions: ['readStream'],
    values: BOOLEAN,
  },
  { key: 'cloudFiles.backfillInterval', doc: 'Periodic listing that catches files notifications missed, e.g. `1 day`.', directions: ['readStream'] },
  { key: 'cloudFiles.partitionColumns', doc: 'Comma-separated Hive-style partition columns to infer from the paths.', directions: ['readStream'] },
  { key: 'cloudFiles.validateOptions', doc: 'Fail on unknown or invalid Auto Loader options.', directions: ['readStream'], values: BOOLEAN },
  { key: 'rescuedDataColumn', doc: 'Column collecting data that does not match the schema instead of dropping it.', directions: ['readStream'] },
];

const CSV_JSON_COMMON: OptionSpec[] = [
  PARSE_MODE,
  CORRUPT,
  ...DATES,
  { key: 'encoding', doc: 'Charset of the files.', directions: ALL, values: ['UTF-8', 'ISO-8859-1', 'UTF-16'] },
];

export const FORMAT_OPTIONS: Record<string, OptionSpec[]> = {
  kafka: [
    { key: 'kafka.bootstrap.servers', doc: 'Comma-separated `host:port` brokers (required). Read it from configuration, not a literal.', directions: ALL },
    { key: 'subscribe', doc: 'Comma-separated topics to read.', directions: READS },
    { key: 'subscribePattern', doc: 'Java regex of topics to read.', directions: READS },
    { key: 'assign', doc: 'Exact partitions to read, as JSON: `{"topic":[0,1]}`.', directions: READS },
    {
      key: 'startingOffsets',
      doc: 'Where a new query starts; a restarted query resumes from its checkpoint.',
      directions: READS,
      values: ['latest', 'earliest'],
    },
    { key: 'startingTimestamp', doc: 'Start from the first offset at or after this epoch-millis timestamp.', directions: READS },
    { key: 'endingOffsets', doc: 'Where a batch read stops.', directions: ['read'], values: ['latest'] },
    { key: 'maxOffsetsPerTrigger', doc: 'Upper bound of records per micro-batch, split across partitions.', directions: ['readStream'] },
    { key: 'minOffsetsPerTrigger', doc: 'Wait for at least this many new records (up to `maxTriggerDelay`) before a micro-batch.', directions: ['readStream'] },
    { key: 'maxTriggerDelay', doc: 'Longest wait for `minOffsetsPerTrigger`, e.g. `15m`.', directions: ['readStream'] },
    {
      key: 'failOnDataLoss',
      doc: 'Fail when offsets were deleted (retention) or topics removed; `false` skips the lost data.',
      directions: READS,
      values: BOOLEAN,
    },
    { key: 'includeHeaders', doc: 'Read or write Kafka record headers.', directions: ALL, values: BOOLEAN },
    { key: 'minPartitions', doc: 'Split Kafka partitions so at least this many Spark tasks read.', directions: READS },
    { key: 'groupIdPrefix', doc: 'Prefix of the consumer group ids Spark generates.', directions: READS },
    { key: 'kafka.group.id', doc: 'Fixed consumer group id (for ACLs); concurrent queries with the same id interfere.', directions: READS },
    { key: 'topic', doc: 'Topic to write every row to (or a `topic` column per row).', directions: WRITES },
    ...KAFKA_SECURITY,
  ],
  delta: [
    { key: 'mergeSchema', doc: 'Add columns of the written frame that the table lacks.', directions: WRITES, values: BOOLEAN },
    { key: 'overwriteSchema', doc: 'Replace the table schema on overwrite (drops columns, changes types).', directions: ['write'], values: BOOLEAN },
    { key: 'replaceWhere', doc: "Overwrite only rows matching this predicate, e.g. `event_date >= '2024-01-01'`.", directions: ['write'] },
    {
      key: 'partitionOverwriteMode',
      doc: '`dynamic`: an overwrite replaces only the partitions it writes.',
      directions: ['write'],
      values: ['dynamic', 'static'],
    },
    { key: 'userMetadata', doc: 'Text recorded with the commit in the table history.', directions: WRITES },
    { key: 'txnAppId', doc: 'With `txnVersion`: makes writes inside foreachBatch idempotent across retries.', directions: ['write'] },
    { key: 'txnVersion', doc: 'Monotonic version (the batch id) for idempotent writes with `txnAppId`.', directions: ['write'] },
    { key: 'maxRecordsPerFile', doc: 'Split output files above this many rows.', directions: WRITES },
    { key: 'versionAsOf', doc: 'Time travel: read the table as of this version.', directions: ['read'] },
    { key: 'timestampAsOf', doc: 'Time travel: read the table as of this timestamp.', directions: ['read'] },
    { key: 'readChangeFeed', doc: 'Read the change data feed (inserts, updates, deletes) instead of the table.', directions: READS, values: BOOLEAN },
    { key: 'startingVersion', doc: 'First table version a stream or change-feed read processes (`latest` for new changes only).', directions: READS },
    { key: 'startingTimestamp', doc: 'First commit timestamp a stream or change-feed read processes.', directions: READS },
    { key: 'maxFilesPerTrigger', doc: 'Upper bound of new files per micro-batch (default 1000).', directions: ['readStream'] },
    { key: 'maxBytesPerTrigger', doc: 'Soft upper bound of bytes per micro-batch, e.g. `1g`.', directions: ['readStream'] },
    { key: 'skipChangeCommits', doc: 'Ignore commits that update or delete rows instead of failing the stream.', directions: ['readStream'], values: BOOLEAN },
    { key: 'ignoreDeletes', doc: 'Ignore commits that only delete partitions.', directions: ['readStream'], values: BOOLEAN },
    {
      key: 'withEventTimeOrder',
      doc: 'Process the initial snapshot in event-time order so the watermark drops fewer rows.',
      directions: ['readStream'],
      values: BOOLEAN,
    },
  ],
  parquet: [
    { key: 'mergeSchema', doc: 'Merge the schemas of all files (slow on many files).', directions: READS, values: BOOLEAN },
    { key: 'datetimeRebaseMode', doc: 'Calendar handling of old dates written by Spark 2.', directions: READS, values: ['CORRECTED', 'LEGACY', 'EXCEPTION'] },
    ...FILE_SOURCE,
    ...FILE_SINK,
  ],
  csv: [
    { key: 'header', doc: 'First line holds the column names.', directions: ALL, values: BOOLEAN },
    { key: 'sep', doc: 'Field separator.', directions: ALL, values: [',', ';', '\\t', '|'] },
    { key: 'inferSchema', doc: 'Infer types with an extra pass over the data; prefer an explicit schema.', directions: ['read'], values: BOOLEAN },
    { key: 'quote', doc: 'Quote character.', directions: ALL },
    { key: 'escape', doc: 'Escape character inside quoted values.', directions: ALL },
    { key: 'multiLine', doc: 'Records may span lines (quoted newlines).', directions: READS, values: BOOLEAN },
    { key: 'nullValue', doc: 'Text that reads as null.', directions: ALL },
    { key: 'ignoreLeadingWhiteSpace', doc: 'Trim leading whitespace of values.', directions: ALL, values: BOOLEAN },
    { key: 'ignoreTrailingWhiteSpace', doc: 'Trim trailing whitespace of values.', directions: ALL, values: BOOLEAN },
    ...CSV_JSON_COMMON,
    ...FILE_SOURCE,
    ...FILE_SINK,
  ],
  json: [
    { key: 'multiLine', doc: 'One JSON document per file instead of one per line.', directions: READS, values: BOOLEAN },
    { key: 'primitivesAsString', doc: 'Read every primitive value as string.', directions: READS, values: BOOLEAN },
    { key: 'allowComments', doc: 'Accept Java/C++ style comments.', directions: READS, values: BOOLEAN },
    { key: 'dropFieldIfAllNull', doc: 'Drop fields that are null in every record during inference.', directions: READS, values: BOOLEAN },
    { key: 'ignoreNullFields', doc: 'Omit null fields when writing.', directions: WRITES, values: BOOLEAN },
    ...CSV_JSON_COMMON,
    ...FILE_SOURCE,
    ...FILE_SINK,
  ],
  avro: [{ key: 'avroSchema', doc: 'Avro schema (JSON) to read or write with.', directions: ALL }, ...FILE_SOURCE, ...FILE_SINK],
  orc: [{ key: 'mergeSchema', doc: 'Merge the schemas of all files.', directions: READS, values: BOOLEAN }, ...FILE_SOURCE, ...FILE_SINK],
  text: [
    { key: 'wholetext', doc: 'One row per file instead of one per line.', directions: READS, values: BOOLEAN },
    { key: 'lineSep', doc: 'Line separator.', directions: ALL },
    ...FILE_SOURCE,
    ...FILE_SINK,
  ],
  cloudFiles: AUTO_LOADER,
  jdbc: [
    { key: 'url', doc: 'JDBC URL, e.g. `jdbc:postgresql://host:5432/db`.', directions: ['read', 'write'] },
    { key: 'dbtable', doc: 'Table to read or write (or a parenthesised subquery with an alias).', directions: ['read', 'write'] },
    { key: 'query', doc: 'Query to read (instead of `dbtable`).', directions: ['read'] },
    { key: 'driver', doc: 'JDBC driver class, e.g. `org.postgresql.Driver`.', directions: ['read', 'write'] },
    { key: 'user', doc: 'Database user.', directions: ['read', 'write'] },
    { key: 'password', doc: 'Database password: read it from a secret (os.environ, dbutils.secrets), never a literal.', directions: ['read', 'write'] },
    {
      key: 'partitionColumn',
      doc: 'Numeric/date column to split a parallel read on (with `lowerBound`, `upperBound`, `numPartitions`).',
      directions: ['read'],
    },
    { key: 'lowerBound', doc: 'Lowest `partitionColumn` value for the split (not a filter).', directions: ['read'] },
    { key: 'upperBound', doc: 'Highest `partitionColumn` value for the split (not a filter).', directions: ['read'] },
    { key: 'numPartitions', doc: 'Parallel connections for reads and writes.', directions: ['read', 'write'] },
    { key: 'fetchsize', doc: 'Rows fetched per round trip.', directions: ['read'] },
    { key: 'batchsize', doc: 'Rows inserted per round trip.', directions: ['write'] },
    { key: 'truncate', doc: 'On overwrite, TRUNCATE instead of DROP and re-create (keeps grants and indexes).', directions: ['write'], values: BOOLEAN },
  ],
  rate: [
    { key: 'rowsPerSecond', doc: 'Rows generated per second.', directions: ['readStream'] },
    { key: 'numPartitions', doc: 'Partitions of the generated rows.', directions: ['readStream'] },
  ],
};

/** Argument values of the chain methods that are not `option`: `.mode("...")`, `.outputMode("...")`. */
export const METHOD_VALUES: Record<string, { directions: Direction[]; values: { value: string; doc: string }[] }> = {
  mode: {
    directions: ['write'],
    values: [
      { value: 'append', doc: 'Add the rows to existing data.' },
      { value: 'overwrite', doc: 'Replace existing data (with `partitionOverwriteMode=dynamic`, only the written partitions).' },
      { value: 'errorifexists', doc: 'Fail when data exists (default).' },
      { value: 'ignore', doc: 'Do nothing when data exists.' },
    ],
  },
  outputMode: {
    directions: ['writeStream'],
    values: [
      { value: 'append', doc: 'Only new rows; aggregations emit a window once the watermark passes it.' },
      { value: 'update', doc: 'Rows that changed in this micro-batch.' },
      { value: 'complete', doc: 'The whole result table every micro-batch (aggregations only; state grows).' },
    ],
  },
};
