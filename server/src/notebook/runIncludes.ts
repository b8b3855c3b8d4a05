import * as fs from 'node:fs';
import * as path from 'node:path';
import { databricksCells, databricksRunLines, isDatabricksSource } from './databricks';
import { isPythonNotebook, parseIpynb } from './ipynb';
import { neutraliseMagics, runTarget } from './magics';
import type { CellSource } from './program';

/** `%run` chains deeper than this are not followed (a chain that long is a cycle in disguise or a mistake). */
const MAX_RUN_DEPTH = 8;
/** Notebooks pulled in by `%run` larger than this are not read (outputs can make an .ipynb huge). */
const MAX_INCLUDED_BYTES = 16 * 1024 * 1024;

/** Reads a file's text, or undefined when it cannot be read; the editor may answer from open documents. */
export type FileReader = (file: string) => string | undefined;

export const readFromDisk: FileReader = (file) => {
  try {
    const st = fs.statSync(file);
    if (!st.isFile() || st.size > MAX_INCLUDED_BYTES) return undefined;
    return fs.readFileSync(file, 'utf8');
  } catch {
    return undefined;
  }
};

/** The cells of any file `%run` may name: a Jupyter notebook, a Databricks source, or a plain script (one cell). */
export function cellsOfFile(file: string, text: string): CellSource[] | undefined {
  if (file.toLowerCase().endsWith('.ipynb')) {
    try {
      const nb = parseIpynb(text);
      return isPythonNotebook(nb) ? nb.codeCells.map((c) => ({ cell: c.index, source: c.source })) : undefined;
    } catch {
      return undefined;
    }
  }
  return isDatabricksSource(text) ? databricksCells(text) : [{ cell: 0, source: text }];
}

/** The `%run` targets a cell names, as written. */
export function runTargets(source: string): string[] {
  const magics = neutraliseMagics(source).magics.map((m) => m.text);
  return [...magics, ...databricksRunLines(source)].map(runTarget).filter((t): t is string => t !== undefined);
}

/** `%run ./config` next to the notebook: Databricks names notebooks without an extension. */
function resolveTarget(from: string, target: string, read: FileReader): { file: string; text: string } | undefined {
  const base = path.resolve(path.dirname(from), target);
  const candidates = /\.(py|ipynb)$/i.test(target) ? [base] : [`${base}.py`, `${base}.ipynb`, base];
  for (const file of candidates) {
    const text = read(file);
    if (text !== undefined) return { file, text };
  }
  return undefined;
}

export interface ExpandedCells {
  cells: CellSource[];
  /** Files pulled in, in order. */
  included: string[];
  /** `%run` targets that name no readable notebook. */
  missing: string[];
}

/**
 * The notebook's cells with what its `%run` lines execute placed before the cell that runs them,
 * recursively: the other notebook's functions, constants and session are then defined where the
 * program uses them. Each file is pulled in once (a cycle stops where it closes); the cells pulled
 * in are marked, and nothing is reported in them.
 */
export function expandRuns(cells: readonly CellSource[], file: string | undefined, read: FileReader = readFromDisk): ExpandedCells {
  const out: CellSource[] = [];
  const included: string[] = [];
  const missing: string[] = [];
  const seen = new Set<string>(file ? [path.resolve(file)] : []);
  const visit = (list: readonly CellSource[], from: string | undefined, includedFrom: string | undefined, depth: number) => {
    for (const cell of list) {
      for (const target of from ? runTargets(cell.source) : []) {
        const found = resolveTarget(from!, target, read);
        if (!found) {
          if (!includedFrom) missing.push(target);
          continue;
        }
        const key = path.resolve(found.file);
        if (seen.has(key) || depth >= MAX_RUN_DEPTH) continue;
        seen.add(key);
        const sub = cellsOfFile(found.file, found.text);
        if (!sub) continue;
        included.push(found.file);
        visit(sub, found.file, found.file, depth + 1);
      }
      out.push(includedFrom ? { ...cell, includedFrom } : cell);
    }
  };
  visit(cells, file, undefined, 0);
  return { cells: out, included, missing };
}
