/** A notebook's JSON as Jupyter writes it (indent 1, sources as lists of lines). */
export function ipynb(
  cells: { type?: 'code' | 'markdown'; source: string; outputs?: unknown[] }[],
  metadata: object = { kernelspec: { language: 'python', name: 'python3' } },
): string {
  const lines = (s: string) => s.match(/[^\n]*\n|[^\n]+$/g) ?? [];
  const nb = {
    cells: cells.map((c) =>
      c.type === 'markdown'
        ? { cell_type: 'markdown', metadata: {}, source: lines(c.source) }
        : { cell_type: 'code', execution_count: null, metadata: {}, outputs: c.outputs ?? [], source: lines(c.source) },
    ),
    metadata,
    nbformat: 4,
    nbformat_minor: 5,
  };
  return JSON.stringify(nb, null, 1) + '\n';
}
