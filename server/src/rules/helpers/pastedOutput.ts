/**
 * Spark's console output copied into the source as comments, the way a lesson shows the reader what
 * each step prints without running it: a printSchema() tree line (`# |-- GPA: float (nullable = true)`)
 * or a show() table, its border (`# +-----+---+`) followed by a row (`# |Name |GPA|`). A job has no
 * reason to carry its own console output; a comment describing columns in prose is not this.
 */
const SCHEMA_TREE_LINE = /^[ \t]*#[ \t]*\|--[ \t]*[^:\n]+:[ \t]*[\w<>,() ]+\(nullable = (true|false)\)[ \t]*$/m;
const TABLE_BORDER_THEN_ROW = /^[ \t]*#[ \t]*\+-+(\+-+)*\+[ \t]*\r?\n[ \t]*#[ \t]*\|[^\n]*\|[ \t]*$/m;

export function pastesConsoleOutput(text: string): boolean {
  return SCHEMA_TREE_LINE.test(text) || TABLE_BORDER_THEN_ROW.test(text);
}
