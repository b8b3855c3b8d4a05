import {
  CodeAction,
  CodeActionKind,
  NotebookCellKind,
  NotebookDocuments,
  type CodeActionParams,
  type CompletionItem,
  type CompletionList,
  type CompletionParams,
  type Connection,
  type Diagnostic,
  type DiagnosticSeverity,
  type Hover,
  type HoverParams,
  type NotebookDocument,
  type NotebookDocumentSyncOptions,
  type Position,
  type Range,
  type TextEdit,
} from 'vscode-languageserver';
import { TextDocument } from 'vscode-languageserver-textdocument';
import { fileURLToPath } from 'node:url';
import { DIAGNOSTIC_SOURCE } from '../../../shared/protocol';
import type { Settings } from '../../../shared/settings';
import type { AnalysisOptions } from '../analysis';
import { columnCompletions } from '../completion/columnNames';
import { completionsAt } from '../completion/sourceOptions';
import { docsUrl, fixLabel, type Finding } from '../findings';
import { formatMessage } from '../messages';
import { noqaFix } from '../fixes/noqaFix';
import { fileFragment, type FileFragment } from '../graph';
import { LineIndex } from '../lineIndex';
import { analyseCells, applyCellFix, fixAllCells, type NotebookAnalysis } from '../notebook/analyseNotebook';
import { NotebookProgram, type CellFinding, type CellFix, type CellSource } from '../notebook/program';
import { countSyntaxErrors, type PythonParser } from '../parsing/pythonParser';
import { dropCopy, syntaxRoot } from '../parsing/syntaxTree';
import { hoverAt } from './hover';

/** Jupyter notebooks, and any other notebook type with Python cells (Databricks, Colab, Synapse in VS Code). */
export const NOTEBOOK_SYNC: NotebookDocumentSyncOptions = {
  notebookSelector: [
    { notebook: { notebookType: 'jupyter-notebook' }, cells: [{ language: 'python' }] },
    { notebook: '*', cells: [{ language: 'python' }] },
  ],
};

/** What the notebook support needs from the server: settings and project config, the analysis options. */
export interface NotebookHost {
  /** Options for analysing a notebook (its settings with pyproject.toml applied); undefined when disabled. */
  options(notebookUri: string): Promise<(AnalysisOptions & { settings: Settings }) | undefined>;
  severity(f: Finding['severity']): DiagnosticSeverity;
  relatedInformation(): boolean;
  /** A notebook's pipeline changed (for the preview and cross-file rules). */
  graphChanged?(notebookUri: string): void;
}

interface Analysed {
  /** The change counter the analysis was made at. */
  revision: number;
  analysis: NotebookAnalysis;
  /** Cell index → cell document URI, for the cells in the program. */
  cellUris: Map<number, string>;
  /** Cell index → the cell's first line in the program. */
  startLines: Map<number, number>;
  cellTexts: Map<number, string>;
  fragment: FileFragment;
}

const DEBOUNCE_MS = 300;

/**
 * LSP 3.17 notebook sync: a notebook's Python cells are analysed as one program, and diagnostics
 * are pushed per cell (the VS Code client pulls diagnostics for text editors only, never for
 * cells). Hover, completion, quick fixes, fix-all and noqa work in cells through the cell ↔
 * program mapping.
 */
export class NotebookSync {
  private readonly notebooks = new NotebookDocuments(TextDocument);
  private readonly revisions = new Map<string, number>();
  private readonly analysed = new Map<string, Analysed>();
  private readonly timers = new Map<string, NodeJS.Timeout>();
  /** Cell URIs that were sent diagnostics, per notebook: cleared when the cell or the notebook goes. */
  private readonly published = new Map<string, Set<string>>();

  constructor(
    private readonly connection: Connection,
    private readonly parser: PythonParser,
    private readonly host: NotebookHost,
  ) {}

  listen(): void {
    this.notebooks.listen(this.connection);
    this.notebooks.onDidOpen((nb) => this.changed(nb.uri, 0));
    this.notebooks.onDidChange((e) => this.changed(e.notebookDocument.uri));
    this.notebooks.onDidClose((nb) => this.closed(nb.uri));
  }

  dispose(): void {
    for (const t of this.timers.values()) clearTimeout(t);
    this.timers.clear();
    for (const uri of [...this.analysed.keys()]) this.forget(uri);
  }

  /** The notebook a cell URI belongs to, when that notebook is synced here. */
  notebookOf(uri: string): NotebookDocument | undefined {
    return this.notebooks.getNotebookDocument(uri) ?? this.notebooks.findNotebookDocumentForCell(uri);
  }

  owns(uri: string): boolean {
    return this.notebookOf(uri) !== undefined;
  }

  uris(): string[] {
    return [...this.revisions.keys()];
  }

  private changed(uri: string, delay = DEBOUNCE_MS): void {
    this.revisions.set(uri, (this.revisions.get(uri) ?? 0) + 1);
    clearTimeout(this.timers.get(uri));
    this.timers.set(
      uri,
      setTimeout(() => {
        this.timers.delete(uri);
        void this.publish(uri);
      }, delay),
    );
  }

  private closed(uri: string): void {
    clearTimeout(this.timers.get(uri));
    this.timers.delete(uri);
    this.revisions.delete(uri);
    this.forget(uri);
    for (const cell of this.published.get(uri) ?? []) void this.connection.sendDiagnostics({ uri: cell, diagnostics: [] });
    this.published.delete(uri);
    this.host.graphChanged?.(uri);
  }

  private forget(uri: string): void {
    const old = this.analysed.get(uri);
    if (!old) return;
    this.analysed.delete(uri);
    dropCopy(old.analysis.tree);
    old.analysis.tree.delete();
  }

  /** The Python code cells, by their index in the notebook. */
  private cellsOf(nb: NotebookDocument): { cells: CellSource[]; uris: Map<number, string> } {
    const cells: CellSource[] = [];
    const uris = new Map<number, string>();
    nb.cells.forEach((cell, index) => {
      if (cell.kind !== NotebookCellKind.Code) return;
      const doc = this.notebooks.getCellTextDocument(cell);
      if (!doc || doc.languageId !== 'python') return;
      cells.push({ cell: index, source: doc.getText() });
      uris.set(index, cell.document);
    });
    return { cells, uris };
  }

  /** The analysis of the notebook as it is now (made now if the cached one is older). */
  async analysis(uri: string): Promise<Analysed | undefined> {
    const nb = this.notebooks.getNotebookDocument(uri);
    if (!nb) return undefined;
    const revision = this.revisions.get(uri) ?? 0;
    const hit = this.analysed.get(uri);
    if (hit && hit.revision === revision) return hit;
    const options = await this.host.options(uri);
    // The notebook changed or closed while settings were read: the newer run answers.
    if (!options || this.revisions.get(uri) !== revision || !this.notebooks.getNotebookDocument(uri)) return undefined;
    const { cells, uris } = this.cellsOf(nb);
    const size = cells.reduce((n, c) => n + c.source.length, 0);
    if (size > options.settings.maxFileSizeKb * 1024) return undefined;
    let file: string | undefined;
    try {
      file = uri.startsWith('file:') ? fileURLToPath(uri) : undefined;
    } catch {
      file = undefined;
    }
    const analysis = analyseCells(this.parser, cells, file, options);
    const programLines = analysis.result.lines;
    const startLines = new Map(analysis.program.pieces.filter((p) => p.includedFrom === undefined).map((p) => [p.cell, programLines.positionAt(p.start).line]));
    const fragment = fileFragment({
      filename: decodeURIComponent(uri.split('/').pop() ?? uri),
      uri,
      model: analysis.result.model,
      lines: programLines,
      findings: analysis.result.findings,
    });
    this.forget(uri);
    const entry: Analysed = { revision, analysis, cellUris: uris, startLines, cellTexts: new Map(cells.map((c) => [c.cell, c.source])), fragment };
    this.analysed.set(uri, entry);
    return entry;
  }

  private async publish(uri: string): Promise<void> {
    let a: Analysed | undefined;
    try {
      a = await this.analysis(uri);
    } catch (e) {
      this.connection.console.error(`analysis of notebook ${uri} failed: ${(e as Error).stack ?? String(e)}`);
      return;
    }
    const nb = this.notebooks.getNotebookDocument(uri);
    if (!nb || (a && a.revision !== this.revisions.get(uri))) return;
    const byCell = new Map<string, Diagnostic[]>();
    const cellUris = a?.cellUris ?? this.cellsOf(nb).uris;
    for (const cellUri of cellUris.values()) byCell.set(cellUri, []);
    for (const f of a?.analysis.findings ?? []) {
      const cellUri = cellUris.get(f.cell);
      if (cellUri) byCell.get(cellUri)!.push(this.toDiagnostic(a!, f));
    }
    const before = this.published.get(uri) ?? new Set<string>();
    for (const gone of before) if (!byCell.has(gone)) byCell.set(gone, []);
    this.published.set(uri, new Set(cellUris.values()));
    for (const [cellUri, diagnostics] of byCell) await this.connection.sendDiagnostics({ uri: cellUri, diagnostics });
    this.host.graphChanged?.(uri);
  }

  private cellRange(a: Analysed, cell: number, start: number, end: number): Range {
    const lines = new LineIndex(a.cellTexts.get(cell) ?? '');
    return { start: lines.positionAt(start), end: lines.positionAt(end) };
  }

  private toDiagnostic(a: Analysed, f: CellFinding): Diagnostic {
    const d: Diagnostic = {
      range: this.cellRange(a, f.cell, f.start, f.end),
      severity: this.host.severity(f.severity),
      code: f.code,
      codeDescription: { href: docsUrl(f.code) },
      source: DIAGNOSTIC_SOURCE,
      message: formatMessage(f.message),
    };
    if (this.host.relatedInformation() && f.related.length) {
      d.relatedInformation = f.related
        .filter((r) => a.cellUris.has(r.cell))
        .map((r) => ({ location: { uri: a.cellUris.get(r.cell)!, range: this.cellRange(a, r.cell, r.start, r.end) }, message: r.message }));
    }
    return d;
  }

  /** A cell position as a program offset, and the cell it is in. */
  private toProgram(a: Analysed, cellUri: string, position: Position): { cell: number; offset: number } | undefined {
    const cell = [...a.cellUris].find(([, u]) => u === cellUri)?.[0];
    if (cell === undefined) return undefined;
    const lines = new LineIndex(a.cellTexts.get(cell) ?? '');
    const offset = a.analysis.program.toProgram(cell, lines.offsetAt(position));
    return offset === undefined ? undefined : { cell, offset };
  }

  /** A program range as a range in the cell that starts at `startLine` (cells are whole lines of the program). */
  private static shift(range: Range, startLine: number): Range {
    return {
      start: { line: range.start.line - startLine, character: range.start.character },
      end: { line: range.end.line - startLine, character: range.end.character },
    };
  }

  async hover(p: HoverParams, settings: Pick<Settings, 'pii.extraPatterns'> & Partial<Pick<Settings, 'pii.personDetails'>>): Promise<Hover | null> {
    const nb = this.notebookOf(p.textDocument.uri);
    const a = nb && (await this.analysis(nb.uri));
    const at = a && this.toProgram(a, p.textDocument.uri, p.position);
    if (!a || !at) return null;
    const text = a.analysis.program.text;
    const program = a.analysis.program;
    // Positions named in the hover are the cells' own: the program's lines mean nothing to the user.
    const place = (offset: number): string => {
      const c = program.toCell(offset, offset);
      const piece = c && program.pieceAt(offset);
      if (!c || !piece) return 'a cell of a notebook it runs';
      return `cell ${c.cell + 1}, line ${piece.source.slice(0, c.start).split('\n').length}`;
    };
    const hover = hoverAt(a.analysis.result.model, syntaxRoot(a.analysis.tree, text), text, at.offset, settings, a.analysis.result.findings, place);
    if (hover?.range) hover.range = NotebookSync.shift(hover.range, a.startLines.get(at.cell) ?? 0);
    return hover;
  }

  async completion(p: CompletionParams): Promise<CompletionItem[] | CompletionList> {
    const nb = this.notebookOf(p.textDocument.uri);
    const a = nb && (await this.analysis(nb.uri));
    const at = a && this.toProgram(a, p.textDocument.uri, p.position);
    if (!a || !at) return [];
    const text = a.analysis.program.text;
    const startLine = a.startLines.get(at.cell) ?? 0;
    const options = completionsAt(syntaxRoot(a.analysis.tree, text), text, at.offset);
    const items = options.length ? options : columnCompletions(a.analysis.tree, text, at.offset, { notebook: true });
    return items.map((item) => {
      const edit = item.textEdit as TextEdit | undefined;
      return edit?.range ? { ...item, textEdit: { ...edit, range: NotebookSync.shift(edit.range, startLine) } } : item;
    });
  }

  private workspaceEdit(a: Analysed, fix: CellFix): { changes: Record<string, TextEdit[]> } | undefined {
    const changes: Record<string, TextEdit[]> = {};
    for (const e of fix.edits) {
      const uri = a.cellUris.get(e.cell);
      if (!uri) return undefined;
      (changes[uri] ??= []).push({ range: this.cellRange(a, e.cell, e.start, e.end), newText: e.newText });
    }
    return { changes };
  }

  /** A fix that would add syntax errors to the program is never offered. */
  private keepsSyntax(a: Analysed, fix: CellFix, baseErrors: number): boolean {
    const cells = a.analysis.program.pieces.map((p) => ({
      cell: p.cell,
      source: p.source,
      ...(p.includedFrom !== undefined ? { includedFrom: p.includedFrom } : {}),
    }));
    const own = cells.filter((c) => c.includedFrom === undefined);
    const fixed = applyCellFix(own, fix);
    const byCell = new Map(fixed.map((c) => [c.cell, c.source]));
    const program = new NotebookProgram(cells.map((c) => (c.includedFrom === undefined ? { ...c, source: byCell.get(c.cell)! } : c)));
    const tree = this.parser.parse(program.text);
    try {
      return countSyntaxErrors(tree.rootNode) <= baseErrors;
    } finally {
      tree.delete();
    }
  }

  async codeActions(p: CodeActionParams, fixAllKind: string): Promise<CodeAction[]> {
    const nb = this.notebookOf(p.textDocument.uri);
    if (!nb) return [];
    if (p.context.only?.some((k) => fixAllKind.startsWith(k) && k !== CodeActionKind.Empty)) return this.fixAll(nb, p.textDocument.uri, fixAllKind);
    const a = await this.analysis(nb.uri);
    const cell = a && [...a.cellUris].find(([, u]) => u === p.textDocument.uri)?.[0];
    if (!a || cell === undefined) return [];
    if (p.context.only && !p.context.only.some((k) => k === CodeActionKind.QuickFix || CodeActionKind.QuickFix.startsWith(k))) return [];
    const text = a.cellTexts.get(cell) ?? '';
    const lines = new LineIndex(text);
    const from = lines.offsetAt(p.range.start);
    const to = lines.offsetAt(p.range.end);
    const wanted = new Set(p.context.diagnostics.filter((d) => d.source === DIAGNOSTIC_SOURCE).map((d) => `${d.code}`));
    const baseErrors = countSyntaxErrors(a.analysis.tree.rootNode);
    const actions: CodeAction[] = [];
    for (const f of a.analysis.findings) {
      if (f.cell !== cell || f.end < from || f.start > to) continue;
      if (p.context.diagnostics.length && !wanted.has(f.code)) continue;
      const diagnostic = this.toDiagnostic(a, f);
      const noqa = noqaFix(text, f as unknown as Finding, lines);
      const fixes: CellFix[] = [...f.fixes, ...(noqa ? [{ ...noqa, edits: noqa.edits.map((e) => ({ ...e, cell })) }] : [])];
      for (const fix of fixes) {
        const edit = this.workspaceEdit(a, fix);
        if (!edit || !this.keepsSyntax(a, fix, baseErrors)) continue;
        // Unsafe and display-only fixes say so and are never preferred, as in files (fixActions.ts).
        const action = CodeAction.create(fixLabel(fix), edit, CodeActionKind.QuickFix);
        action.diagnostics = [diagnostic];
        if (fix.applicability === 'safe' && fix.preferred) action.isPreferred = true;
        actions.push(action);
      }
    }
    return actions;
  }

  /**
   * Fix-all for the notebook, computed on the whole program; the edit replaces the text of the
   * cell asked about (VS Code asks cell by cell on save), or of every changed cell when asked
   * with the notebook's URI.
   */
  private async fixAll(nb: NotebookDocument, requested: string, kind: string): Promise<CodeAction[]> {
    const options = await this.host.options(nb.uri);
    if (!options) return [];
    const { cells, uris } = this.cellsOf(nb);
    let file: string | undefined;
    try {
      file = nb.uri.startsWith('file:') ? fileURLToPath(nb.uri) : undefined;
    } catch {
      file = undefined;
    }
    const { sources, applied } = fixAllCells(this.parser, cells, file, options);
    const changes: Record<string, TextEdit[]> = {};
    for (const [cell, source] of sources) {
      const uri = uris.get(cell);
      if (!uri || (requested !== nb.uri && uri !== requested)) continue;
      const old = cells.find((c) => c.cell === cell)!.source;
      const end = new LineIndex(old).positionAt(old.length);
      changes[uri] = [{ range: { start: { line: 0, character: 0 }, end }, newText: source }];
    }
    if (!Object.keys(changes).length) return [];
    return [CodeAction.create(`Fix all safely fixable PySpark Architect findings (${applied.length})`, { changes }, kind)];
  }

  /** The notebook's pipeline, for the preview (keyed by the notebook's URI, titled with its name). */
  async fragment(uri: string): Promise<FileFragment | undefined> {
    const nb = this.notebookOf(uri);
    return nb ? (await this.analysis(nb.uri))?.fragment : undefined;
  }
}
