import { isDatabricksSource } from './databricks';

/**
 * Microsoft Fabric stores a notebook in git as `notebook-content.py`: a `# Fabric notebook source`
 * header, then blocks each opened by a marker line of capitals and twenty asterisks: `# CELL
 * ********************` before code, `# PARAMETERS CELL ********************` before the
 * parameters cell, `# MARKDOWN ********************` before markdown (as `# ` comments) and
 * `# METADATA ********************` before a cell's `# META` JSON. Like a Databricks source it is
 * valid Python and one program; the markers only say where the notebook's cells begin.
 */
const HEADER = /^\uFEFF?# Fabric notebook source[ \t]*\r?(\n|$)/;
/** A block marker line; the offset after the match is where the block's text begins. */
const MARKER = /\n# [A-Z][A-Z ]*[A-Z] \*{20,}[ \t]*\r?(?=\n|$)/g;

export function isFabricSource(text: string): boolean {
  return HEADER.test(text);
}

/** The offsets where the file's blocks (cells, markdown, metadata) begin, after each marker line. */
export function fabricCellStarts(text: string): number[] {
  return [...text.matchAll(MARKER)].map((m) => m.index + m[0].length);
}

/**
 * A notebook saved as a Python source by the platform that runs it (Databricks, Fabric): valid Python,
 * one program, its cells marked by comment lines, run with a session the platform made. The model
 * takes its session as given, and an edit may not be answered from the last analysis (the markers are
 * read from comments).
 */
export function isPlatformNotebookSource(text: string): boolean {
  return isDatabricksSource(text) || isFabricSource(text);
}
