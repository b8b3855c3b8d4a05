import fc from 'fast-check';

// Random edits of Python text for the incremental-analysis properties (incrementalAnalysis.test.ts)
// and for the same check on real code (scripts/corpus/incremental.mjs): typing, deleting, whole lines
// and whole top-level statements.

/** Whole statements an edit may insert: imports (which change what every statement means), frames, actions, functions. */
export const STATEMENTS = [
  'import os\n',
  'from pyspark.sql import functions as F\n',
  'from pyspark.sql.functions import col, udf\n',
  'df = spark.read.parquet("s3://bucket/events")\n',
  'df = df.withColumn("day", F.to_date("ts")).cache()\n',
  'df.count()\n',
  'rows = df.collect()\n',
  'spark.conf.set("spark.sql.shuffle.partitions", "8")\n',
  'def load(spark, path):\n    return spark.read.format("delta").load(path)\n',
  'events = load(spark, "/mnt/raw/events")\n',
  'for day in days:\n    df.filter(F.col("day") == day).write.mode("append").save("/out")\n',
  'q = df.writeStream.format("console").start()\n',
  'class Job:\n    def run(self, df):\n        return df.groupBy("a").count()\n',
];
/** Characters typed one at a time: identifiers, strings, brackets, operators, comments, indentation. */
const TYPED = ['x', 'df', '"', "'", '(', ')', '[', ':', '.', ',', ' ', '    ', '\t', '\n', '#', '=', 'F.', 'spark', '.count()', '\\'];

export type Edit =
  | { kind: 'type'; at: number; text: string }
  | { kind: 'delete'; at: number; length: number }
  | { kind: 'line'; at: number; op: 'delete' | 'duplicate' | 'indent' | 'dedent' }
  | { kind: 'statement'; at: number; op: 'delete' | 'insert' | 'duplicate'; insert: number };

/**
 * Where in the text an edit goes, as a fraction of its length, spread evenly: \`fc.double\` draws
 * among representable doubles, most of them tiny, and put most edits in the first statement.
 */
const position: fc.Arbitrary<number> = fc.noBias(fc.integer({ min: 0, max: 999_999 })).map((n) => n / 1_000_000);

export const statementEdit: fc.Arbitrary<Edit> = fc.record({
  kind: fc.constant('statement' as const),
  at: position,
  op: fc.constantFrom('delete' as const, 'insert' as const, 'duplicate' as const),
  insert: fc.nat(STATEMENTS.length - 1),
});

export const edit: fc.Arbitrary<Edit> = fc.oneof(
  fc.record({ kind: fc.constant('type' as const), at: position, text: fc.constantFrom(...TYPED) }),
  fc.record({ kind: fc.constant('delete' as const), at: position, length: fc.integer({ min: 1, max: 12 }) }),
  fc.record({
    kind: fc.constant('line' as const),
    at: position,
    op: fc.constantFrom('delete' as const, 'duplicate' as const, 'indent' as const, 'dedent' as const),
  }),
  statementEdit,
);

/** The edit as a replacement of `[start, end)` of `text`. */
export function asChange(text: string, e: Edit): { start: number; end: number; text: string } {
  const at = Math.floor(e.at * text.length);
  const lineStart = text.lastIndexOf('\n', at - 1) + 1;
  const nl = text.indexOf('\n', at);
  const lineEnd = nl < 0 ? text.length : nl + 1;
  switch (e.kind) {
    case 'type':
      return { start: at, end: at, text: e.text };
    case 'delete':
      return { start: at, end: Math.min(text.length, at + e.length), text: '' };
    case 'line': {
      const line = text.slice(lineStart, lineEnd);
      if (e.op === 'delete') return { start: lineStart, end: lineEnd, text: '' };
      if (e.op === 'duplicate') return { start: lineStart, end: lineStart, text: line.endsWith('\n') ? line : line + '\n' };
      if (e.op === 'indent') return { start: lineStart, end: lineStart, text: '    ' };
      const indent = /^[ \t]{1,4}/.exec(line)?.[0].length ?? 0;
      return { start: lineStart, end: lineStart + indent, text: '' };
    }
    case 'statement': {
      // A top-level statement: from a line that starts in column 0 to the next such line.
      const starts = [...text.matchAll(/^(?=[^\s#])/gm)].map((m) => m.index);
      let i = 0;
      while (i + 1 < starts.length && starts[i + 1] <= at) i++;
      const start = starts[i] ?? 0;
      if (e.op === 'insert') return { start, end: start, text: STATEMENTS[e.insert] };
      if (e.op === 'duplicate') {
        const statement = text.slice(start, starts[i + 1] ?? text.length);
        return { start, end: start, text: statement.endsWith('\n') ? statement : statement + '\n' };
      }
      return { start, end: starts[i + 1] ?? text.length, text: '' };
    }
  }
}
