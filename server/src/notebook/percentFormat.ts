/**
 * The percent format: a notebook saved as a Python script with a `# %%` line before each cell, as
 * VS Code's Jupyter extension ("Export as Python script"), Jupytext (`py:percent`) and Spyder write
 * it; a markdown cell is `# %% [markdown]` and its text as comments, a cell may carry a title
 * (`# %% Load the orders`). VS Code, PyCharm and Spyder run such a file a cell at a time.
 *
 * A commented cell magic (`# %%time`, `# %%sql`) is not a marker: `%%` must be followed by a space,
 * a tab or the end of the line. One marker alone can be a stray comment or a script split once; two
 * or more say the file is laid out as cells.
 */
// Exported for the tests (the prefilter in front of it against the pattern alone).
export const MARKERS = /^#[ \t]?%%(?=[ \t\r]|$)[^\n]*(?=\n|$)/gm;

export function isPercentFormat(text: string): boolean {
  // Every marker holds `%%`: a search for it (fast) first, the line-anchored regex only then (it tries every line).
  if (!text.includes('%%')) return false;
  let n = 0;
  for (const _ of text.matchAll(MARKERS)) if (++n === 2) return true;
  return false;
}

/** The offsets where the file's cells begin, after each marker line (the text before the first is a header). */
export function percentFormatCellStarts(text: string): number[] {
  return [...text.matchAll(MARKERS)].map((m) => m.index + m[0].length);
}
