import { findNodeAtLocation, parseTree, type Node as JsonNode } from 'jsonc-parser';

/**
 * Jupyter notebooks (nbformat 4, and 3) as the analysis needs them: the code cells' text, and where each
 * cell's `source` sits in the file, so that fixes rewrite only those values and positions can be
 * given in the file itself (SARIF). jsonc-parser gives the offsets; `JSON.parse` alone judges
 * validity (jsonc-parser also accepts comments and trailing commas, which Jupyter would not).
 */

export class NotebookError extends Error {}

export interface IpynbCell {
  /** Index in the notebook's `cells` (markdown cells counted). */
  index: number;
  source: string;
  /** The `source` value in the file. */
  node: JsonNode;
}

export interface Ipynb {
  text: string;
  codeCells: IpynbCell[];
  /** The kernel's language when the notebook names one (`python`, `scala`, ...). */
  language?: string;
}

function sourceText(value: unknown): string | undefined {
  if (typeof value === 'string') return value;
  if (Array.isArray(value) && value.every((v) => typeof v === 'string')) return value.join('');
  return undefined;
}

interface RawCell {
  cell_type?: unknown;
  source?: unknown;
  input?: unknown;
  language?: unknown;
  metadata?: { vscode?: { languageId?: unknown } };
}

/**
 * The notebook's cells in order, each with the JSON path of its code. nbformat 4 keeps them in
 * `cells`, a code cell's text in `source`; nbformat 3 (IPython 1-2, still in older course
 * repositories) in the `cells` of each of its `worksheets`, a code cell's text in `input` and its
 * language on the cell. Cells are numbered across worksheets, as nbformat's v3-to-v4 conversion
 * joins them.
 */
function cellsOf(json: object): { cell: RawCell; path: (string | number)[] }[] | undefined {
  const v4 = (json as { cells?: unknown }).cells;
  if (Array.isArray(v4)) return v4.map((cell: RawCell, i) => ({ cell, path: ['cells', i, 'source'] }));
  const worksheets = (json as { worksheets?: unknown }).worksheets;
  if (!Array.isArray(worksheets) || !worksheets.every((w) => w && typeof w === 'object' && Array.isArray((w as { cells?: unknown }).cells))) return undefined;
  return worksheets.flatMap((w: { cells: RawCell[] }, k) => w.cells.map((cell, i) => ({ cell, path: ['worksheets', k, 'cells', i, 'input'] })));
}

/** Reads a notebook; a file that is not valid nbformat-4 (or 3) JSON is a NotebookError saying why. */
export function parseIpynb(text: string): Ipynb {
  let json: unknown;
  try {
    json = JSON.parse(text.charCodeAt(0) === 0xfeff ? text.slice(1) : text);
  } catch (e) {
    throw new NotebookError(`not a valid notebook: ${(e as Error).message}`);
  }
  const cells = json && typeof json === 'object' ? cellsOf(json) : undefined;
  if (!cells) throw new NotebookError('not a valid notebook: no "cells" list');
  const nb = json as { nbformat?: unknown; metadata?: { language_info?: { name?: unknown }; kernelspec?: { language?: unknown } } };
  if (typeof nb.nbformat === 'number' && nb.nbformat < 3) throw new NotebookError(`nbformat ${nb.nbformat} is not supported (nbformat 3 and 4 are)`);
  const language = [nb.metadata?.language_info?.name, nb.metadata?.kernelspec?.language].find((l): l is string => typeof l === 'string');
  const root = parseTree(text);
  const codeCells: IpynbCell[] = [];
  cells.forEach(({ cell, path }, index) => {
    if (!cell || typeof cell !== 'object' || cell.cell_type !== 'code') return;
    // VS Code records a cell in another language than the kernel's (a `%%sql` cell shown as SQL); nbformat 3 names each cell's.
    const cellLanguage = cell.metadata?.vscode?.languageId ?? cell.language;
    if (typeof cellLanguage === 'string' && cellLanguage !== 'python') return;
    const source = sourceText(path[path.length - 1] === 'input' ? cell.input : cell.source);
    const node = root && findNodeAtLocation(root, path);
    if (source === undefined || !node) return;
    codeCells.push({ index, source, node });
  });
  return { text, codeCells, ...(language ? { language } : {}) };
}

/**
 * Python, and the PySpark kernels that run it on a cluster: Sparkmagic's `pysparkkernel` (and Glue
 * interactive sessions) name their language `pyspark`. Sparkmagic's Scala `sparkkernel` says `scala`.
 */
export function isPythonNotebook(nb: Ipynb): boolean {
  return nb.language === undefined || /^(python|pyspark)/i.test(nb.language);
}

/** nbformat's shape for a source list: one string per line, each keeping its line break. */
function sourceLines(source: string): string[] {
  return source.match(/[^\n]*\n|[^\n]+$/g) ?? [];
}

/** The indentation of the line holding `offset`. */
function lineIndent(text: string, offset: number): string {
  const start = text.lastIndexOf('\n', offset - 1) + 1;
  return /^[ \t]*/.exec(text.slice(start))![0];
}

/** The source value re-encoded in the style the file already uses (list or string, same indentation). */
function encodeSource(text: string, node: JsonNode, source: string): string {
  if (node.type === 'string') return JSON.stringify(source);
  const lines = sourceLines(source).map((l) => JSON.stringify(l));
  if (!lines.length) return '[]';
  const items = node.children ?? [];
  if (items.length) {
    const open = text.slice(node.offset + 1, items[0].offset);
    const last = items[items.length - 1];
    const close = text.slice(last.offset + last.length, node.offset + node.length - 1);
    return `[${open}${lines.join(`,${open}`)}${close}]`;
  }
  const indent = lineIndent(text, node.offset);
  const unit = /\n([ \t]+)"/.exec(text)?.[1] ?? ' ';
  return `[\n${indent}${unit}${lines.join(`,\n${indent}${unit}`)}\n${indent}]`;
}

/**
 * The notebook's text with some code cells' sources replaced (by cell index). Everything else —
 * outputs, metadata, key order, indentation, the other cells — is the file's own text.
 */
export function withCellSources(nb: Ipynb, sources: ReadonlyMap<number, string>): string {
  const edits = nb.codeCells
    .filter((c) => sources.has(c.index) && sources.get(c.index) !== c.source)
    .map((c) => ({ start: c.node.offset, end: c.node.offset + c.node.length, text: encodeSource(nb.text, c.node, sources.get(c.index)!) }))
    .sort((a, b) => b.start - a.start);
  let out = nb.text;
  for (const e of edits) out = out.slice(0, e.start) + e.text + out.slice(e.end);
  return out;
}

/** Length of `s` once JSON-escaped, without quotes. */
function escapedLength(s: string): number {
  return JSON.stringify(s).length - 2;
}

/**
 * Where a character of a cell is in the .ipynb file itself (an offset into its text): inside the
 * JSON string holding that line, after its escapes. Used for SARIF regions, which must point
 * into the file a code-scanning service shows.
 */
export function fileOffset(nb: Ipynb, cell: number, offset: number): number | undefined {
  const c = nb.codeCells.find((x) => x.index === cell);
  if (!c) return undefined;
  if (c.node.type === 'string') return c.node.offset + 1 + escapedLength(c.source.slice(0, offset));
  let at = 0;
  const items = c.node.children ?? [];
  for (const item of items) {
    const value = typeof item.value === 'string' ? item.value : '';
    if (offset < at + value.length || item === items[items.length - 1]) {
      return item.offset + 1 + escapedLength(value.slice(0, Math.max(0, offset - at)));
    }
    at += value.length;
  }
  return c.node.offset;
}
