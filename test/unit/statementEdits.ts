import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import fc from 'fast-check';
import { statementAround, type TextChange } from './analysisOutcome';

// Random edits of a module for the reuse properties (function journals, statement journals): typing
// somewhere, deleting a few characters, or a whole top-level statement inserted, appended, duplicated,
// deleted or moved. Shared so that both properties edit modules the same way.

export type StatementOp = 'delete' | 'insert' | 'append' | 'duplicate' | 'move';

export type StatementEdit =
  | { kind: 'type'; at: number; text: string }
  | { kind: 'delete'; at: number; length: number }
  | { kind: 'statement'; at: number; op: StatementOp; insert: number; to: number };

/** A place in the text, as a fraction of its length (so that it fits whatever the text has become). */
export const position: fc.Arbitrary<number> = fc.noBias(fc.integer({ min: 0, max: 999_999 })).map((n) => n / 1_000_000);

/** Edits typing one of `typed`, deleting up to `maxDelete` characters, or applying one of `ops` with one of `statements`. */
export function statementEdits(options: {
  typed: readonly string[];
  statements: readonly string[];
  maxDelete: number;
  ops: readonly StatementOp[];
}): fc.Arbitrary<StatementEdit> {
  return fc.oneof(
    fc.record({ kind: fc.constant('type' as const), at: position, text: fc.constantFrom(...options.typed) }),
    fc.record({ kind: fc.constant('delete' as const), at: position, length: fc.integer({ min: 1, max: options.maxDelete }) }),
    statementOps(options.statements, options.ops),
  );
}

/** Only statement edits, of the given kinds. */
export function statementOps(statements: readonly string[], ops: readonly StatementOp[]): fc.Arbitrary<StatementEdit> {
  return fc.record({
    kind: fc.constant('statement' as const),
    at: position,
    op: fc.constantFrom(...ops),
    insert: fc.nat(statements.length - 1),
    to: position,
  });
}

/**
 * A top-level statement edit at offset `at` (the statement around it, see `statementAround`): `inserted`
 * put before it, the statement deleted, or the statement duplicated (a newline added if it lacks one).
 */
export function statementChange(text: string, at: number, op: 'insert' | 'delete' | 'duplicate', inserted: string): TextChange {
  const { start, end } = statementAround(text, at);
  if (op === 'insert') return { start, end: start, text: inserted };
  if (op === 'delete') return { start, end, text: '' };
  const statement = text.slice(start, end);
  return { start, end: start, text: statement.endsWith('\n') ? statement : statement + '\n' };
}

/** `statement` appended at the end of `text`, on a line of its own. */
export function appendChange(text: string, statement: string): TextChange {
  const newline = text.endsWith('\n') || text.length === 0 ? '' : '\n';
  return { start: text.length, end: text.length, text: newline + statement };
}

/** The edit as replacements of `text`, last first (a move is a deletion and an insertion); `statements` are what `insert` indexes. */
export function asChanges(text: string, e: StatementEdit, statements: readonly string[]): TextChange[] {
  const at = Math.floor(e.at * text.length);
  if (e.kind === 'type') return [{ start: at, end: at, text: e.text }];
  if (e.kind === 'delete') return [{ start: at, end: Math.min(text.length, at + e.length), text: '' }];
  if (e.op === 'append') return [appendChange(text, statements[e.insert])];
  if (e.op !== 'move') return [statementChange(text, at, e.op, statements[e.insert])];
  const { start, end } = statementAround(text, at);
  const to = statementAround(text, Math.floor(e.to * text.length)).start;
  if (to >= start && to < end) return [];
  const statement = text.slice(start, end);
  const remove = { start, end, text: '' };
  const insert = { start: to, end: to, text: statement.endsWith('\n') ? statement : statement + '\n' };
  return to > start ? [insert, remove] : [remove, insert];
}

/** The bench's generator of pipeline modules (functions of pipelines, an orchestrator under `if __name__`). */
export interface Generator {
  generatePipeline(lines: number, seed?: number): string;
}
export const GENERATOR = pathToFileURL(join(__dirname, '..', '..', '..', 'scripts', 'bench', 'generate.mjs')).href;
