import type { CellSource } from './program';

/**
 * Databricks exports notebooks as Python files: a `# Databricks notebook source` header, cells
 * separated by `# COMMAND ----------`, other languages and magics as `# MAGIC` comments. Such a
 * file is already valid Python and one program; it is split into cells only to know where a
 * `# MAGIC %run` pulls another notebook in.
 */
const HEADER = /^\uFEFF?# Databricks notebook source[ \t]*\r?(\n|$)/;
const SEPARATOR = /\n(?=# COMMAND -+[ \t]*\r?(?:\n|$))/g;

export function isDatabricksSource(text: string): boolean {
  return HEADER.test(text);
}

/**
 * The file's cells, cut at the line break before each separator line (a CR stays with the cell): joined with a line break after
 * each (as the program joins cells), they give the file's text back at the same offsets. The cell
 * number is the cell's position (the header belongs to cell 0).
 */
export function databricksCells(text: string): CellSource[] {
  const cells: CellSource[] = [];
  let at = 0;
  for (const m of text.matchAll(SEPARATOR)) {
    cells.push({ cell: cells.length, source: text.slice(at, m.index) });
    at = m.index! + m[0].length;
  }
  cells.push({ cell: cells.length, source: text.slice(at) });
  return cells;
}

/** `# MAGIC %run ./path` lines of a Databricks source cell. */
export function databricksRunLines(source: string): string[] {
  return [...source.matchAll(/^# MAGIC[ \t]+(%run[ \t].*?)\r?$/gm)].map((m) => m[1]);
}
