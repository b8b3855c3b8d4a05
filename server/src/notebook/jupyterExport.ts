/**
 * `jupyter nbconvert --to script` (and the classic notebook's "Download as .py") writes a notebook
 * as a Python script: a shebang and coding line, then each code cell after a marker line holding
 * its execution count, `# In[3]:` (`# In[ ]:` for a cell never run), two blank lines around it;
 * markdown cells become `# ` comments. Every code cell has its marker, so the markers say exactly
 * where the notebook's cells begin.
 */
// Exported for the tests (the prefilter in front of it against the pattern alone).
export const MARKER_LINE = /^# In\[[ \d]*\]:[ \t]*\r?$/m;
/** A marker line; the offset after the match is where the cell's text begins. */
const MARKERS = /^# In\[[ \d]*\]:[ \t]*\r?(?=\n|$)/gm;

export function isJupyterExport(text: string): boolean {
  // Every marker holds `# In[`: a search for it (fast) first, the line-anchored regex only then (it tries every line).
  return text.includes('# In[') && MARKER_LINE.test(text);
}

/** The offsets where the export's cells begin, after each marker line (the text before the first is the header). */
export function jupyterExportCellStarts(text: string): number[] {
  return [...text.matchAll(MARKERS)].map((m) => m.index + m[0].length);
}
