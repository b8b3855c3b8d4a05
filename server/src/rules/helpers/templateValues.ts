/**
 * Values copied from documentation rather than a deployment. A query written with them is a
 * template to adapt (a book's or guide's syntax listing), which never runs as written.
 */

/**
 * Paths: `/path/to/checkpoint`, `dbfs:/path/to/your/files/`, `s3://<bucket>/...`, and a bare
 * `path_to_output_csv_file` (a name that says what to write there, not where).
 */
const PLACEHOLDER_PATH = /(^|[/:])path\/to\/|^path_to_\w+$|<[a-z_ -]+>|\/your[_-]?[a-z]*\//i;

export function isPlaceholderPath(path: string): boolean {
  return PLACEHOLDER_PATH.test(path);
}

/** A port written as a word to fill in: `port1`, `port`, `PORT`, `<port>`. */
const PORT_STAND_IN = /^(<[\w -]+>|[A-Za-z_]+\d*)$/;

/**
 * A Kafka broker list with an entry whose port is a word, not a number: the Kafka integration
 * guide's `host1:port1,host2:port2`, `broker:port`, `<host>:<port>`. The Kafka client rejects such
 * an address when the query starts, so the code is a syntax example, not a query anyone runs.
 * A value filled in at run time (`{port}` of an f-string the model could not resolve, `${PORT}`)
 * is not a stand-in.
 */
export function isPlaceholderServers(servers: string): boolean {
  if (/[{}$%]/.test(servers)) return false;
  return servers.split(',').some((entry) => {
    const m = /^[^:\s]+:([^:\s]+)$/.exec(entry.trim());
    return !!m && !/^\d+$/.test(m[1]) && PORT_STAND_IN.test(m[1]);
  });
}

/**
 * A value some tool fills in before Spark parses it: a Jinja expression (`{{ dag_run.conf[...] }}`
 * in an Airflow operator's templated `conf`, `{{job.parameters.x}}` in a Databricks job, dbt's
 * `{{ var(...) }}`) or a `${...}` reference (Spark's own config substitution, `${env:X}`,
 * `${spark.y}`; a shell or bundle variable). What Spark receives is the rendered text, which the
 * code does not show.
 */
export function isRenderedTemplate(value: string): boolean {
  return /\{\{[^{}]*\}\}|\$\{[^{}]+\}/.test(value);
}
