import { analyze, type AnalysisOptions, type AnalysisResult } from '../analysis';
import { applyEdits, type Finding } from '../findings';
import { LineIndex } from '../lineIndex';
import { databricksCells, isDatabricksSource } from './databricks';
import { fixRounds, type FixAllOptions, type FixAllResult } from '../fixes/fixAll';
import { countSyntaxErrors, type PythonParser, type Tree } from '../parsing/pythonParser';
import { dropCopy } from '../parsing/syntaxTree';
import { NotebookProgram, type CellFinding, type CellFix, type CellSource } from './program';
import { expandRuns, readFromDisk, type FileReader } from './runIncludes';

export interface NotebookAnalysis {
  program: NotebookProgram;
  /** The analysis in program offsets (its model points into `tree`). */
  result: AnalysisResult;
  /** The findings in the notebook's own cells, in cell offsets. */
  findings: CellFinding[];
  /** The program's syntax tree: the caller deletes it. */
  tree: Tree;
  /** Notebooks pulled in by `%run`, and `%run` targets not found. */
  included: string[];
  missing: string[];
}

/**
 * Analyses a notebook's code cells as one program (after pulling in what `%run` names, read
 * relative to `file`), with the platform's globals defined. Findings come back per cell.
 */
export function analyseCells(
  parser: PythonParser,
  cells: readonly CellSource[],
  file: string | undefined,
  options: AnalysisOptions = {},
  read: FileReader = readFromDisk,
): NotebookAnalysis {
  const expanded = expandRuns(cells, file, read);
  const program = new NotebookProgram(expanded.cells);
  const tree = parser.parse(program.text);
  try {
    const result = analyze(tree, program.text, { ...options, edited: undefined, notebook: true, cellStarts: program.pieces.map((p) => p.start) });
    const findings = result.findings.map((f) => program.mapFinding(f)).filter((f): f is CellFinding => f !== undefined);
    return { program, result, findings, tree, included: expanded.included, missing: expanded.missing };
  } catch (e) {
    dropCopy(tree);
    tree.delete();
    throw e;
  }
}

/** `analyseCells` for callers that want plain results only. */
export function analyseCellsOnce(
  parser: PythonParser,
  cells: readonly CellSource[],
  file: string | undefined,
  options: AnalysisOptions = {},
  read: FileReader = readFromDisk,
): Omit<NotebookAnalysis, 'tree'> & { errors: number } {
  const a = analyseCells(parser, cells, file, options, read);
  try {
    return { ...a, result: { ...a.result, model: undefined }, errors: countSyntaxErrors(a.tree.rootNode) };
  } finally {
    // The analysis made a JS copy of the tree, cached by tree: let it go with the tree.
    dropCopy(a.tree);
    a.tree.delete();
  }
}

/** A fix applied to the cells it edits; the other cells are the same objects. */
export function applyCellFix(cells: readonly CellSource[], fix: CellFix): CellSource[] {
  return cells.map((c) => {
    const edits = fix.edits.filter((e) => e.cell === c.cell);
    return edits.length ? { ...c, source: applyEdits(c.source, edits) } : c;
  });
}

/**
 * Every safe fix of a notebook (unsafe ones too with `options.unsafe`), one at a time on fresh analysis of the whole program (as
 * `fixAll` does for a file). Returns the cells' new sources, by cell index, for the cells that changed.
 */
export function fixAllCells(
  parser: PythonParser,
  cells: readonly CellSource[],
  file: string | undefined,
  options: FixAllOptions = {},
  read: FileReader = readFromDisk,
): { sources: Map<number, string>; applied: FixAllResult['applied'] } {
  const { state, applied } = fixRounds<readonly CellSource[], CellFix, CellFinding>(
    cells,
    (s) => {
      const a = analyseCellsOnce(parser, s, file, options, read);
      return { findings: a.findings, errors: a.errors };
    },
    (s, fix) => applyCellFix(s, fix),
    (s, f) => {
      const source = s.find((c) => c.cell === f.cell)?.source ?? '';
      return `${f.code}:${f.cell}:${source.slice(Math.max(0, f.start - 40), f.end + 40)}`;
    },
    options.unsafe === true,
  );
  const sources = new Map<number, string>();
  state.forEach((c, i) => {
    if (c.source !== cells[i].source) sources.set(c.cell, c.source);
  });
  return { sources, applied };
}

/**
 * A Databricks source file that `%run`s other notebooks, analysed with them; findings in the
 * file's own offsets. Undefined when the file pulls nothing in: the file alone is then the whole
 * program and the usual analysis (which keeps its model for hovers and the graph) applies.
 */
export function analyseDatabricksRuns(
  parser: PythonParser,
  text: string,
  file: string | undefined,
  options: AnalysisOptions = {},
  read: FileReader = readFromDisk,
): AnalysisResult | undefined {
  if (!file || !isDatabricksSource(text) || !/^# MAGIC[ \t]+%run[ \t]/m.test(text)) return undefined;
  const cells = databricksCells(text);
  if (!expandRuns(cells, file, read).included.length) return undefined;
  const own = new NotebookProgram(cells);
  const a = analyseCellsOnce(parser, cells, file, options, read);
  const at = (cell: number, offset: number) => own.toProgram(cell, offset)!;
  const findings: Finding[] = a.findings.map((f) => ({
    ...f,
    start: at(f.cell, f.start),
    end: at(f.cell, f.end),
    related: f.related.map((r) => ({ message: r.message, start: at(r.cell, r.start), end: at(r.cell, r.end) })),
    fixes: f.fixes.map((fix) => ({ ...fix, edits: fix.edits.map((e) => ({ start: at(e.cell, e.start), end: at(e.cell, e.end), newText: e.newText })) })),
  }));
  for (const f of findings) delete (f as Partial<CellFinding>).cell;
  return { findings, lines: new LineIndex(text) };
}
