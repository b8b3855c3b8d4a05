// Inputs of one shape each, at any size, for the scaling probe (`bench.mjs --only=shapes`): the
// shapes real files take that could make some step superlinear (issue 18). Each generator takes a
// size (lines, or elements for the one-line shapes) and returns { text, units, ext }.
import { generateRepetitive } from './generate.mjs';

const HEAD = 'from pyspark.sql import SparkSession\nfrom pyspark.sql import functions as F\n\nspark = SparkSession.builder.getOrCreate()\n';

const lines = (n, f) => Array.from({ length: n }, (_, i) => f(i)).join('\n') + '\n';

/** A code cell of a notebook (.ipynb JSON). */
const cell = (source) => ({ cell_type: 'code', execution_count: null, metadata: {}, outputs: [], source });

export const SHAPES = {
  /** Comment lines only, after a statement (the case that took 46 s). */
  'comment lines': (n) => ({ text: HEAD + lines(n, (i) => `# step ${i}: df = df.withColumn("c${i}", F.lit(${i}))  # commented out`), units: n }),
  /** Comments between the calls of withColumn chains, in a function body. */
  'comments in chains': (n) => ({
    text:
      HEAD +
      lines(n / 10, (i) =>
        [
          `def step_${i}(df):`,
          '    return (',
          '        df',
          '        # the amounts first',
          `        .withColumn("a${i}", F.col("amount") * ${i})`,
          '        # then the filter',
          `        .filter(F.col("a${i}") > 0)`,
          '        # and the key',
          `        .select("id", "a${i}")`,
          '    )',
        ].join('\n'),
      ),
    units: n,
  }),
  /** One line: a list literal of n elements (n = 100k: some 1 MB). */
  'one long line (list)': (n) => ({
    text: HEAD + `cols = [${Array.from({ length: n }, (_, i) => `"col_${i}"`).join(', ')}]\ndf = spark.table("t").select(*cols)\n`,
    units: n,
    per: 'elements',
  }),
  /** A triple-quoted SQL string of n lines. */
  'triple-quoted SQL': (n) => ({
    text:
      HEAD +
      'df = spark.sql("""\nSELECT id,\n' +
      lines(n, (i) => `  CASE WHEN x > ${i} THEN 'v${i}' ELSE NULL END AS c${i}, -- # not a comment`) +
      'FROM t\n""")\ndf.write.saveAsTable("out")\n',
    units: n,
  }),
  /** Nesting: 20-deep parentheses, dicts and if/for blocks, repeated. */
  'deep nesting': (n) => {
    const unit = [];
    for (let d = 0; d < 10; d++) unit.push(`${'    '.repeat(d)}${d % 2 ? 'for x in xs:' : 'if x:'}`);
    unit.push(`${'    '.repeat(10)}y = ${'('.repeat(20)}1${')'.repeat(20)}`);
    unit.push(`${'    '.repeat(10)}z = ${'{"k": '.repeat(20)}1${'}'.repeat(20)}`);
    unit.push(`${'    '.repeat(10)}df = spark.table("t").withColumn("c", F.when(F.col("a") > 1, F.lit(1)).otherwise(F.lit(0)))`);
    return { text: HEAD + lines(n / unit.length, () => unit.join('\n')), units: n };
  },
  /** Thousands of three-line functions. */
  'tiny functions': (n) => ({ text: HEAD + lines(n / 3, (i) => `def f_${i}(df):\n    return df.withColumn("c${i}", F.lit(${i}))\n`), units: n }),
  /** The same names imported and reassigned again and again (notebooks do). */
  'same name reassigned': (n) => ({
    text: lines(
      n / 4,
      (i) =>
        `from pyspark.sql import functions as F\nspark = SparkSession.builder.getOrCreate()\ndf = spark.table("t${i % 7}")\ndf.write.mode("overwrite").saveAsTable("o${i % 5}")`,
    ),
    units: n,
  }),
  /** One withColumn chain of n calls. */
  'one long chain': (n) => ({
    text: HEAD + 'df = (\n    spark.table("t")\n' + lines(n, (i) => `    .withColumn("c${i}", F.col("a") + ${i})`) + ')\ndf.write.saveAsTable("out")\n',
    units: n,
  }),
  /** n statements `df = df.withColumn(...)`. */
  'df = df.withColumn x n': (n) => ({
    text: HEAD + 'df = spark.table("t")\n' + lines(n, (i) => `df = df.withColumn("c${i % 50}", F.col("a") + ${i})`) + 'df.write.saveAsTable("out")\n',
    units: n,
  }),
  /** A notebook that counts after each step: `df = df.filter(...)` then `print(df.count())`, n / 2 times (PSA101's candidates on one lineage). */
  'count after each step': (n) => ({
    text: HEAD + 'df = spark.read.parquet("s3://lake/raw/")\n' + lines(n / 2, (i) => `df = df.filter(F.col("a") > ${i})\nprint(df.count())`),
    units: n,
  }),
  /** n statements `df = df.withColumn("c<i>", ...)`, each adding a column of its own (a frame's columns grow with the file). */
  'a new column per statement': (n) => ({
    text: HEAD + 'df = spark.table("t")\n' + lines(n, (i) => `df = df.withColumn("c${i}", F.col("a") + ${i})`) + 'df.write.saveAsTable("out")\n',
    units: n,
  }),
  /** Many spark.sql(f"...") calls. */
  'spark.sql(f"...")': (n) => ({
    text: HEAD + 'table = "db.t"\n' + lines(n, (i) => `spark.sql(f"SELECT * FROM {table} WHERE id = ${i} AND d = '{day}'").show()`),
    units: n,
  }),
  /** `# noqa` on every line of notebook-like code. */
  '# noqa on every line': (n) => ({
    text: generateRepetitive(n, 7)
      .split('\n')
      .map((l) => (l.trim() && !l.includes('#') && !/\\$/.test(l) ? `${l}  # noqa` : l))
      .join('\n'),
    units: n,
  }),
  /** Notebook-like code with CRLF line ends and tab indentation. */
  'CRLF and tabs': (n) => ({
    text: generateRepetitive(n, 7)
      .replace(/^( {4})+/gm, (m) => '\t'.repeat(m.length / 4))
      .replace(/\n/g, '\r\n'),
    units: n,
  }),
  /** A Databricks export: `# COMMAND ----------` between cells, markdown cells as `# MAGIC` lines. */
  'Databricks export': (n) => ({
    text:
      '# Databricks notebook source\n' +
      lines(n / 10, (i) =>
        i % 2
          ? `# MAGIC %md\n# MAGIC ## Step ${i}\n# MAGIC Some text\n# MAGIC more text\n# MAGIC\n\n# COMMAND ----------\n`
          : `df${i} = spark.table("t${i % 7}")\ndf${i} = df${i}.withColumn("c", F.lit(${i}))\ndf${i}.write.saveAsTable("o${i % 5}")\n\n# COMMAND ----------\n`,
      ),
    units: n,
  }),
  /** A notebook of n/5 code cells (through the CLI only: .ipynb). */
  'notebook cells (.ipynb)': (n) => {
    const cells = [cell(HEAD)];
    for (let i = 0; i < n / 5; i++)
      cells.push(cell(`df = spark.table("t${i % 7}")\ndf = df.withColumn("c", F.lit(${i}))\ndf.write.saveAsTable("o${i % 5}")\n`));
    return { text: JSON.stringify({ cells, metadata: {}, nbformat: 4, nbformat_minor: 5 }), units: n, ext: 'ipynb' };
  },
};
