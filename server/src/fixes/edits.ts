import type { TextEditSpec } from '../findings';
import type { DataFrameModel } from '../model/types';
import type { Node } from '../parsing/pythonParser';
import { eolOf, indentAt, lineStartOf, nextLineStart } from '../parsing/syntax';

/** Builders for the edits quick fixes share: imports, inserted statements, removed chain calls. */

/** Where a new top-level import goes: after the last module-level import, else after the docstring. */
function importAnchor(model: DataFrameModel, text: string): { offset: number; before: string; after: string } {
  const eol = eolOf(text);
  const last = model.imports.statements[model.imports.statements.length - 1];
  if (last && safeLine(text, last.endIndex)) return { offset: last.endIndex, before: eol, after: '' };
  const first = model.root.namedChildren.find((c) => c && c.type !== 'comment');
  if (first && first.type === 'expression_statement' && first.namedChildren[0]?.type === 'string' && safeLine(text, first.endIndex)) {
    return { offset: first.endIndex, before: eol, after: '' };
  }
  const at = first ? lineStartOf(text, first.startIndex) : text.length;
  if (!safeLine(text, at)) return { offset: 0, before: '', after: eol };
  return { offset: at, before: at === text.length && text.length > 0 && !text.endsWith('\n') ? eol : '', after: eol };
}

/**
 * @internal Exported for the tests. False when the line around `offset` holds a lone CR: editors end the line there, tree-sitter and
 * Python do not, so an import inserted by line would land in the middle of a statement.
 */
export function safeLine(text: string, offset: number): boolean {
  const start = text.lastIndexOf('\n', offset - 1) + 1;
  const nl = text.indexOf('\n', offset);
  const end = nl < 0 ? text.length : nl;
  // Only the line's own characters: a search for the next CR from the line's start ran on to the end
  // of a file with LF line ends, once per fix planning an import (issue 18).
  for (let i = start; i < end; i++) {
    if (text.charCodeAt(i) === CR && text.charCodeAt(i + 1) !== LF) return false;
  }
  return true;
}
const CR = 13;
const LF = 10;

export interface ImportPlan {
  /** Name to call `pyspark.sql.functions` through (`F`). */
  functions: string;
  edits: TextEditSpec[];
}

/**
 * Plans the imports a fix needs: a `functions` alias (reusing the file's own) and names from
 * `pyspark.sql` such as `Observation`. All new imports become one edit, so edits never collide.
 */
export function planImports(model: DataFrameModel, text: string, sqlNames: string[] = []): ImportPlan {
  const lines: string[] = [];
  let functions = [...model.imports.functionsAliases][0];
  const missing = sqlNames.filter((n) => !model.imports.sqlNames.has(n));
  if (!functions) {
    functions = 'F';
    missing.unshift('functions as F');
  }
  if (missing.length) lines.push(`from pyspark.sql import ${missing.join(', ')}`);
  if (!lines.length) return { functions, edits: [] };
  const eol = eolOf(text);
  const anchor = importAnchor(model, text);
  return { functions, edits: [{ start: anchor.offset, end: anchor.offset, newText: anchor.before + lines.join(eol) + anchor.after }] };
}

/** Inserts whole statements right after `statement`, at its indentation. */
export function insertAfterStatement(text: string, statement: Node, lines: string[]): TextEditSpec {
  const indent = indentAt(text, statement.startIndex);
  const eol = eolOf(text);
  return { start: statement.endIndex, end: statement.endIndex, newText: lines.map((l) => eol + indent + l).join('') };
}

/** Deletes `statement` with its line (it must own its lines), keeping the block non-empty. */
export function deleteStatement(text: string, statement: Node): TextEditSpec {
  const start = lineStartOf(text, statement.startIndex);
  const end = nextLineStart(text, statement.endIndex);
  // Only a block needs the count (a module's children can be tens of thousands: one walk per fix was quadratic).
  const parent = statement.parent;
  if (parent?.type === 'block' && parent.namedChildren.filter((c) => c && c.type !== 'comment').length === 1) {
    return { start: statement.startIndex, end: statement.endIndex, newText: 'pass' };
  }
  return { start, end, newText: '' };
}

/** True when `statement` is alone on its lines (nothing before it or after it but a comment). */
export function ownsItsLines(text: string, statement: Node): boolean {
  const before = text.slice(lineStartOf(text, statement.startIndex), statement.startIndex);
  const after = text.slice(statement.endIndex, nextLineStart(text, statement.endIndex));
  return /^[ \t]*$/.test(before) && /^[ \t]*(#.*)?(\r?\n|\r)?$/.test(after);
}

/**
 * Removes `.method(...)` from a chain, with the whitespace and line continuation before it, so
 * `df \\\n  .coalesce(1) \\\n  .write` becomes `df \\\n  .write`.
 */
export function removeChainCall(call: Node): TextEditSpec | undefined {
  const callee = call.childForFieldName('function');
  const object = callee?.childForFieldName('object');
  if (!callee || callee.type !== 'attribute' || !object) return undefined;
  return { start: object.endIndex, end: call.endIndex, newText: '' };
}

/**
 * The edits that make `import <module>` available at module level (none when a top-level
 * `import <module>` already binds the plain name), placed where planImports puts its imports.
 */
export function ensureModuleImport(model: DataFrameModel, text: string, module: string): TextEditSpec[] {
  const bound = model.imports.statements.some(
    (s) => s.type === 'import_statement' && s.namedChildren.some((c) => c?.type === 'dotted_name' && c.text === module),
  );
  if (bound) return [];
  const anchor = importAnchor(model, text);
  return [{ start: anchor.offset, end: anchor.offset, newText: `${anchor.before}import ${module}${anchor.after}` }];
}

/**
 * Marks `values` in the edit's text as placeholders (each found after the previous one): the
 * parts a display-only fix needs the user to choose, tab stops in editors that take snippets.
 */
export function withPlaceholders(edit: TextEditSpec, ...values: string[]): TextEditSpec {
  const placeholders: { start: number; end: number }[] = [];
  let from = 0;
  for (const v of values) {
    const at = v ? edit.newText.indexOf(v, from) : -1;
    if (at < 0) continue;
    placeholders.push({ start: at, end: at + v.length });
    from = at + v.length;
  }
  return placeholders.length ? { ...edit, placeholders } : edit;
}
