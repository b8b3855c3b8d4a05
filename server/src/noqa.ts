import type { Finding, Fix } from './findings';
import type { LineIndex } from './lineIndex';
import type { Node } from './parsing/pythonParser';

/**
 * `# noqa` suppressions, read the way Ruff reads them so one comment serves both tools:
 * - `noqa` in any case; `# noqa`, `# noqa  # why` or `# noqa because...` (no colon) silence
 *   everything;
 * - `# noqa: A1, B2` (comma and/or space separated, codes in capitals then digits) silences
 *   those codes; lexing stops at the first word that is not a code (a trailing remark);
 * - a colon with no code after it (`# noqa: pap: D001`, `# noqa: catalystops`, other tools'
 *   syntax) or a malformed code (`# noqa: PSA201x`) is not a directive at all: it silences
 *   nothing, where flake8's regex would read it as a bare `# noqa`.
 * Unlike Ruff, every `# noqa` in a comment counts, not only the first, so our suppression appended
 * after another tool's directive (`# noqa: pap: D001  # noqa: PSA201`) is honoured.
 */
export type NoqaDirective = { all: true } | { all: false; codes: string[]; /** offset in the comment just past the last code */ codesEnd: number };

const CODE = /^[A-Z]+[0-9]+/;

export function parseNoqaComment(comment: string): NoqaDirective[] {
  const out: NoqaDirective[] = [];
  for (let hash = comment.indexOf('#'); hash >= 0; hash = comment.indexOf('#', hash + 1)) {
    let i = hash + 1;
    while (i < comment.length && /\s/.test(comment[i])) i++;
    if (comment.slice(i, i + 4).toLowerCase() !== 'noqa') continue;
    i += 4;
    const next = comment[i];
    if (next === undefined || next === '#') {
      out.push({ all: true });
      continue;
    }
    if (/\s/.test(next)) {
      while (i < comment.length && /\s/.test(comment[i])) i++;
      if (comment[i] !== ':') {
        out.push({ all: true });
        continue;
      }
    } else if (next !== ':') continue; // `#noqaF401`, `# noqa; F401`: not a directive
    const codes = lexCodes(comment, i + 1);
    if (codes) out.push({ all: false, ...codes });
  }
  return out;
}

/** The codes after `# noqa:`, or undefined when there is none or one is malformed. */
function lexCodes(comment: string, from: number): { codes: string[]; codesEnd: number } | undefined {
  const codes: string[] = [];
  let codesEnd = from;
  let i = from;
  while (i < comment.length) {
    const c = comment[i];
    if (c === ',' || /\s/.test(c)) {
      i++;
      continue;
    }
    const m = CODE.exec(comment.slice(i));
    if (!m) break; // a remark after the codes (or another comment's `#`)
    i += m[0].length;
    const after = comment[i];
    // `PSA201PSA202` (a missing comma) is read as two codes, as Ruff does; `PSA201x` spoils the directive.
    if (after !== undefined && after !== ',' && after !== '#' && !/\s/.test(after) && !/[A-Z]/.test(after)) return undefined;
    codes.push(m[0]);
    codesEnd = i;
  }
  return codes.length ? { codes, codesEnd } : undefined;
}

/** Node types whose children are statements (a decorator is a line of its own). */
const STATEMENT_PARENTS = new Set(['module', 'block', 'decorated_definition', 'ERROR']);

/**
 * The offsets of the logical line holding `offset`: the whole simple statement (all its
 * continuation lines, brackets and multi-line strings), or the header of a compound statement
 * (`for ... :`, `def ...(...):`, `elif ...:`) when `offset` is in the header, not its body.
 */
export function logicalLineAt(root: Node, offset: number): { start: number; end: number } | undefined {
  for (let a: Node | null = root.descendantForIndex(offset, offset); a && a !== root; a = a.parent) {
    if (a.type === 'block') return undefined;
    const body = a.children.find((c) => c.type === 'block');
    if (body && offset < body.startIndex) {
      const header = a.children.slice(0, a.children.indexOf(body)).filter((c) => c.type !== 'comment');
      return { start: a.startIndex, end: header.length ? header[header.length - 1].endIndex : body.startIndex };
    }
    if (!a.parent || STATEMENT_PARENTS.has(a.parent.type)) return { start: a.startIndex, end: a.endIndex };
  }
  return undefined;
}

/** The lines (first, last) of the logical line holding `offset`; its physical line when no statement holds it. */
export function statementLines(root: Node, lines: LineIndex, offset: number): { first: number; last: number } {
  const span = logicalLineAt(root, offset);
  if (!span) {
    const line = lines.positionAt(offset).line;
    return { first: line, last: line };
  }
  return { first: lines.positionAt(span.start).line, last: lines.positionAt(Math.max(span.start, span.end - 1)).line };
}

const NOQA = /#\s*noqa/i;

/** The noqa directives of a file, by line, and the question "is this finding silenced?". */
export class NoqaIndex {
  private readonly byLine = new Map<number, NoqaDirective[]>();

  constructor(
    private readonly root: Node,
    text: string,
    private readonly lines: LineIndex,
  ) {
    if (!NOQA.test(text)) return;
    // The comment nodes, not the text's matches: text that only looks like a comment (inside a
    // string) is not one, and finding each match's node from the root scanned the module's
    // statements per match (quadratic with a `# noqa` on every line).
    for (const node of root.descendantsOfType('comment')) {
      const comment = node.text;
      if (!NOQA.test(comment)) continue;
      const directives = parseNoqaComment(comment);
      if (directives.length) this.byLine.set(lines.positionAt(node.startIndex).line, directives);
    }
  }

  get isEmpty(): boolean {
    return this.byLine.size === 0;
  }

  /**
   * A finding is silenced by a bare `# noqa` or one naming its code on any line of the logical
   * line where it starts, or of the one where it ends (a finding spanning statements).
   */
  suppresses(code: string, start: number, end: number): boolean {
    if (this.isEmpty) return false;
    const spans = [statementLines(this.root, this.lines, start)];
    if (end > start) spans.push(statementLines(this.root, this.lines, end - 1));
    for (const { first, last } of spans) {
      for (let line = first; line <= last; line++) {
        for (const d of this.byLine.get(line) ?? []) if (d.all || d.codes.includes(code)) return true;
      }
    }
    return false;
  }
}

/**
 * "Suppress CODE" for a finding: `# noqa: CODE` at the end of the last line of the statement holding
 * it (after the closing bracket or string, never inside a string nor after a continuation
 * backslash), merged into a `# noqa:` list already there. Safe: it changes no code that runs; bulk
 * fixing never applies it (it is not among a finding's fixes).
 */
export function noqaFix(root: Node, text: string, f: Finding, lines: LineIndex): Fix | undefined {
  const title = `Suppress ${f.code} with # noqa`;
  const { last } = statementLines(root, lines, f.start);
  const lineText = lines.lineText(last);
  const lineStart = lines.lineStart(last);
  // Only on broken code (a statement cannot end with a continuation); the fix would join the next line.
  if (/\\\s*$/.test(lineText)) return undefined;
  const end = lineStart + lineText.length;
  // A lone CR ends the line for the editor but not for tree-sitter's comment token: the comment would swallow the rest.
  if (text.charCodeAt(end) === 13 && text.charCodeAt(end + 1) !== 10) return undefined;
  for (let hash = lineText.indexOf('#'); hash >= 0; hash = lineText.indexOf('#', hash + 1)) {
    const comment = root.descendantForIndex(lineStart + hash, lineStart + hash + 1);
    if (comment?.type !== 'comment') continue;
    for (const d of parseNoqaComment(comment.text)) {
      if (d.all) return undefined;
      const at = comment.startIndex + d.codesEnd;
      return { title, edits: [{ start: at, end: at, newText: `, ${f.code}` }], applicability: 'safe' };
    }
    break; // one comment per line, and it holds no directive: ours goes after it
  }
  return { title, edits: [{ start: end, end, newText: `  # noqa: ${f.code}` }], applicability: 'safe' };
}
