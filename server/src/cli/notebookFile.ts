import * as fs from 'node:fs';
import type { AnalysisOptions, AnalysisResult } from '../analysis';
import type { RawGraph } from '../graph/pipelineGraph';
import { fileFragment } from '../graph';
import { LineIndex } from '../lineIndex';
import { analyseCells, analyseCellsOnce, fixAllCells } from '../notebook/analyseNotebook';
import { fileOffset, isPythonNotebook, NotebookError, parseIpynb, withCellSources, type Ipynb } from '../notebook/ipynb';
import type { CellSource } from '../notebook/program';
import type { PythonParser } from '../parsing/pythonParser';
import { dropCopy } from '../parsing/syntaxTree';
import type { FileFindings, ReportedFinding } from './report';

export interface NotebookChecked extends FileFindings {
  /** For the cross-file pass: the notebook's datasets and steps, and how to analyse it again. */
  raw?: RawGraph;
  reanalyse(options: AnalysisOptions): ReportedFinding[];
  /** The analysis of the program (the model is gone once checked; `graph` reads it while alive). */
  model?: AnalysisResult['model'];
}

export type NotebookOutcome = { ok: NotebookChecked } | { error: string } | { skipped: string };

function cellsOf(nb: Ipynb): CellSource[] {
  return nb.codeCells.map((c) => ({ cell: c.index, source: c.source }));
}

function reportOf(file: string, nb: Ipynb, findings: ReportedFinding[], lines: LineIndex): FileFindings {
  const fileLines = new LineIndex(nb.text);
  return {
    filename: file,
    findings,
    lines,
    notebook: {
      cellLines: new Map(nb.codeCells.map((c) => [c.index, new LineIndex(c.source)])),
      fileOffset: (cell, offset) => fileOffset(nb, cell, offset),
      fileLines,
    },
  };
}

/**
 * Checks one .ipynb: its code cells as one program (with what `%run` pulls in), `--fix` written
 * back into the cells' sources only. A file that is not a notebook is an error for this file alone.
 */
export function checkNotebook(
  parser: PythonParser,
  file: string,
  uri: string,
  text: string,
  options: AnalysisOptions,
  settings: { maxKb: number; fix: boolean; unsafe?: boolean },
  err: (s: string) => void,
  whileParsed?: (r: FileFindings & { model?: AnalysisResult['model'] }) => void,
): NotebookOutcome {
  let nb: Ipynb;
  try {
    nb = parseIpynb(text);
  } catch (e) {
    if (e instanceof NotebookError) return { error: e.message };
    throw e;
  }
  if (!isPythonNotebook(nb)) return { skipped: `a ${nb.language} notebook, not Python` };
  const codeSize = nb.codeCells.reduce((n, c) => n + c.source.length, 0);
  if (codeSize > settings.maxKb * 1024) return { skipped: `its code is ${Math.round(codeSize / 1024)} KB, over the ${settings.maxKb} KB limit` };
  if (settings.fix) {
    const fixed = fixAllCells(parser, cellsOf(nb), file, { ...options, unsafe: settings.unsafe });
    if (fixed.applied.length) {
      const out = withCellSources(nb, fixed.sources);
      try {
        fs.writeFileSync(file, out);
        err(`${file}: fixed ${fixed.applied.length}: ${fixed.applied.map((a) => a.code).join(', ')}`);
        nb = parseIpynb(out);
      } catch (e) {
        return { error: `cannot write fixes: ${(e as Error).message}` };
      }
    }
  }
  const cells = cellsOf(nb);
  const a = analyseCells(parser, cells, file, { ...options, standalone: true });
  try {
    const report = reportOf(file, nb, a.findings, a.result.lines);
    // The graph reads the model with the program's own offsets.
    whileParsed?.({ ...report, findings: a.result.findings, model: a.result.model });
    const raw = a.result.model
      ? fileFragment({ filename: file, uri, model: a.result.model, lines: a.result.lines, findings: a.result.findings }).raw
      : undefined;
    return {
      ok: {
        ...report,
        ...(raw?.datasets.size ? { raw } : {}),
        reanalyse: (again) => analyseCellsOnce(parser, cells, file, again).findings,
      },
    };
  } finally {
    dropCopy(a.tree);
    a.tree.delete();
  }
}
