import type { Finding, Fix, RelatedLocation, TextEditSpec } from '../findings';
import { neutraliseMagics, type MagicLine } from './magics';

/** One cell's text, where it comes from, and (once placed) where it sits in the program. */
export interface CellSource {
  /** The cell's index in its notebook (markdown cells counted, as Jupyter and Ruff number them). */
  cell: number;
  /** The cell's text as written, magics included. */
  source: string;
  /**
   * Cells pulled in by `%run` carry the path of the notebook they come from: they are analysed
   * with the notebook, but nothing is reported inside them.
   */
  includedFrom?: string;
}

export interface ProgramPiece extends CellSource {
  /** Offset of the cell's first character in the program. */
  start: number;
  /** The magics replaced by filler, in cell offsets: no edit may touch them. */
  magics: MagicLine[];
}

export interface CellRange {
  cell: number;
  start: number;
  end: number;
}

export interface CellEdit extends TextEditSpec {
  cell: number;
}

/** A fix with edits in cell offsets; per applicability (Fix is a union: safe, or unsafe/display-only with a reason). */
export type CellFix = Fix extends infer F ? (F extends Fix ? Omit<F, 'edits'> & { edits: CellEdit[] } : never) : never;

export interface CellRelated extends RelatedLocation {
  cell: number;
}

/** A finding whose offsets are in one cell's own text. */
export interface CellFinding extends Omit<Finding, 'related' | 'fixes'> {
  cell: number;
  related: CellRelated[];
  fixes: CellFix[];
}

/**
 * The cells of a notebook as one Python program: each cell's text (magics neutralised, same
 * length) followed by a line break, in order, as Ruff concatenates them. A cell's offsets are
 * program offsets minus the cell's start, so the mapping is a search in the cell starts.
 */
export class NotebookProgram {
  readonly text: string;
  readonly pieces: ProgramPiece[];

  constructor(cells: readonly CellSource[]) {
    const parts: string[] = [];
    const pieces: ProgramPiece[] = [];
    let at = 0;
    for (const c of cells) {
      const { text, magics } = neutraliseMagics(c.source);
      pieces.push({ ...c, start: at, magics });
      parts.push(text, '\n');
      at += text.length + 1;
    }
    this.text = parts.join('');
    this.pieces = pieces;
  }

  /** The piece holding a program offset; the line break after a cell belongs to that cell. */
  pieceAt(offset: number): ProgramPiece | undefined {
    let lo = 0;
    let hi = this.pieces.length - 1;
    if (hi < 0) return undefined;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (this.pieces[mid].start <= offset) lo = mid;
      else hi = mid - 1;
    }
    return this.pieces[lo];
  }

  /** A program range as a range in one of this notebook's own cells, or undefined when it is not in one. */
  toCell(start: number, end: number): CellRange | undefined {
    const piece = this.pieceAt(start);
    if (!piece || piece.includedFrom !== undefined) return undefined;
    const length = piece.source.length;
    const s = start - piece.start;
    // A range ending on the line break after the cell ends with the cell.
    const e = Math.min(end - piece.start, length);
    if (s > length || e < s || end > piece.start + length + 1) return undefined;
    return { cell: piece.cell, start: Math.min(s, length), end: e };
  }

  /** A cell offset as a program offset (the cell must be one of this notebook's own). */
  toProgram(cell: number, offset: number): number | undefined {
    const piece = this.pieces.find((p) => p.cell === cell && p.includedFrom === undefined);
    return piece ? piece.start + Math.max(0, Math.min(offset, piece.source.length)) : undefined;
  }

  /** An edit stays only if it lies in one own cell and leaves its magics alone. */
  private editToCell(e: TextEditSpec): CellEdit | undefined {
    const r = this.toCell(e.start, e.end);
    if (!r) return undefined;
    const piece = this.pieces.find((p) => p.cell === r.cell && p.includedFrom === undefined)!;
    if (piece.magics.some((m) => r.start < m.end && r.end > m.start)) return undefined;
    return { cell: r.cell, start: r.start, end: r.end, newText: e.newText };
  }

  /**
   * A finding in cell terms. Findings inside cells pulled in by `%run` are dropped (they belong
   * to the other notebook), as are related locations there and fixes that would edit them.
   */
  mapFinding(f: Finding): CellFinding | undefined {
    const piece = this.pieceAt(f.start);
    // A finding that runs on into the next cell is shown on the part in its first cell.
    const at = piece && this.toCell(f.start, Math.min(f.end, piece.start + piece.source.length));
    if (!at) return undefined;
    const related: CellRelated[] = [];
    for (const r of f.related) {
      const c = this.toCell(r.start, r.end);
      if (c) related.push({ message: r.message, ...c });
    }
    const fixes: CellFix[] = [];
    for (const fix of f.fixes) {
      const edits = fix.edits.map((e) => this.editToCell(e));
      if (edits.every((e): e is CellEdit => e !== undefined)) fixes.push({ ...fix, edits });
    }
    return { ...f, cell: at.cell, start: at.start, end: at.end, related, fixes };
  }
}
