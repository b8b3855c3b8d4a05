/**
 * IPython and Databricks magics (`%pip`, `%%sql`, `!ls`, `files = !ls`, `df?`) are not Python: the
 * parser would see syntax errors and the rules could read SQL or shell text as code. They are
 * replaced by filler of exactly the same length, so every offset in a cell stays the offset in the
 * program the cells make together, and findings map back without a table of shifts.
 */

/** Cell magics whose body is Python run under a wrapper: only their first line is neutralised. */
const PYTHON_BODY_CELL_MAGICS = new Set(['time', 'timeit', 'capture', 'python', 'python3', 'pyspark', 'prun', 'debug', 'local', 'spark']);
/** Databricks language magics: on a cell's first line they make the whole cell another language. */
const DATABRICKS_LANGUAGE_MAGICS = new Set(['sql', 'md', 'md-sandbox', 'sh', 'scala', 'r', 'fs', 'sqlcmd']);

export interface MagicLine {
  /** Offsets in the cell of the text that was replaced (one line, or the whole cell). */
  start: number;
  end: number;
  /** The magic's own text, for `%run` targets. */
  text: string;
}

export interface NeutralisedCell {
  text: string;
  magics: MagicLine[];
}

/** Filler for `n` characters that is a statement on its own (`pass`, `...`, `0`). */
function statementFiller(n: number): string {
  if (n >= 4) return 'pass' + ' '.repeat(n - 4);
  if (n === 3) return '...';
  return '0' + ' '.repeat(Math.max(0, n - 1));
}

/** Filler for `n` characters that is an expression (`None`, `...`, `0`). */
function expressionFiller(n: number): string {
  if (n >= 4) return 'None' + ' '.repeat(n - 4);
  return statementFiller(n);
}

/** A comment of the same length as `line` (an empty line stays empty). */
function commentOut(line: string): string {
  const body = line.replace(/\r$/, '');
  const cr = line.length - body.length;
  return (body.length ? '#' + ' '.repeat(body.length - 1) : '') + '\r'.repeat(cr);
}

interface LineInfo {
  start: number;
  /** End of the line, before its line break. */
  end: number;
  /** The line starts a logical line: not inside a string, brackets or after a backslash. */
  logical: boolean;
}

/**
 * Splits a cell into physical lines and tells which start a logical line. A `%` at the start of
 * a line inside brackets is Python's modulo, and one inside a triple-quoted string is text.
 */
function scanLines(text: string): LineInfo[] {
  const lines: LineInfo[] = [];
  let depth = 0;
  let quote = '';
  let triple = false;
  let continued = false;
  let lineStart = 0;
  let logical = true;
  const n = text.length;
  let i = 0;
  while (i <= n) {
    const c = i < n ? text[i] : '\n';
    if (c === '\n' || i === n) {
      const end = i > lineStart && text[i - 1] === '\r' ? i - 1 : i;
      lines.push({ start: lineStart, end, logical });
      if (quote && !triple && !continued) quote = '';
      logical = !quote && depth === 0 && !continued;
      continued = false;
      lineStart = i + 1;
      i++;
      continue;
    }
    continued = false;
    if (quote) {
      if (c === '\\') {
        // An escaped line break keeps even a single-quoted string open; the break still ends a physical line.
        const next = text[i + 1];
        if (next === '\n' || next === '\r') {
          continued = true;
          i += next === '\r' && text[i + 2] === '\n' ? 2 : 1;
        } else i += 2;
        continue;
      }
      if (c === quote && (!triple || (text[i + 1] === quote && text[i + 2] === quote))) {
        i += triple ? 3 : 1;
        quote = '';
        continue;
      }
      i++;
      continue;
    }
    if (c === '#') {
      while (i < n && text[i] !== '\n') i++;
      continue;
    }
    if (c === '"' || c === "'") {
      triple = text[i + 1] === c && text[i + 2] === c;
      quote = c;
      i += triple ? 3 : 1;
      continue;
    }
    if (c === '\\' && (text[i + 1] === '\n' || (text[i + 1] === '\r' && text[i + 2] === '\n'))) {
      continued = true;
      i += text[i + 1] === '\r' ? 2 : 1;
      continue;
    }
    if (c === '(' || c === '[' || c === '{') depth++;
    else if ((c === ')' || c === ']' || c === '}') && depth > 0) depth--;
    i++;
  }
  return lines;
}

const LINE_MAGIC = /^([ \t]*)([%!].*)$/;
const ASSIGNED_MAGIC = /^([ \t]*[A-Za-z_][\w.]*(?:[ \t]*,[ \t]*[A-Za-z_][\w.]*)*[ \t]*=[ \t]*)([%!].*)$/;
const HELP = /^[ \t]*(?:\?\??[A-Za-z_][\w.]*|[A-Za-z_][\w.]*\?\??)[ \t]*$/;

/** Replaces the magics of one cell by same-length filler; everything else is kept as it is. */
export function neutraliseMagics(cell: string): NeutralisedCell {
  if (!/[%!?]/.test(cell)) return { text: cell, magics: [] };
  const lines = scanLines(cell);
  const first = lines.find((l) => cell.slice(l.start, l.end).trim() !== '');
  if (first) {
    const head = cell.slice(first.start, first.end).trim();
    const cellMagic = /^%%([\w-]+)/.exec(head);
    const language = /^%([\w-]+)\s*$/.exec(head) ?? /^%(sql|md|md-sandbox|sh|scala|r|fs)\s/.exec(head);
    const wholeCell = cellMagic ? !PYTHON_BODY_CELL_MAGICS.has(cellMagic[1]) : !!language && DATABRICKS_LANGUAGE_MAGICS.has(language[1]);
    if (wholeCell) {
      let out = '';
      let at = 0;
      for (const l of lines) {
        out += cell.slice(at, l.start) + commentOut(cell.slice(l.start, l.end));
        at = l.end;
      }
      out += cell.slice(at);
      return { text: out, magics: [{ start: 0, end: cell.length, text: cell }] };
    }
  }
  let out = '';
  let at = 0;
  const magics: MagicLine[] = [];
  let continued = false;
  for (const l of lines) {
    const line = cell.slice(l.start, l.end);
    const indent = /^[ \t]*/.exec(line)![0].length;
    let from = -1;
    let filler = statementFiller;
    if (continued) {
      // A magic continued with a trailing backslash: its next line is magic too.
      from = l.start + indent;
      filler = (n) => ' '.repeat(n);
    } else if (l.logical) {
      const plain = LINE_MAGIC.exec(line);
      const assigned = plain ? undefined : ASSIGNED_MAGIC.exec(line);
      if (plain) from = l.start + plain[1].length;
      else if (assigned) {
        from = l.start + assigned[1].length;
        filler = expressionFiller;
      } else if (HELP.test(line)) from = l.start + indent;
    }
    continued = false;
    if (from < 0) continue;
    const replaced = cell.slice(from, l.end);
    out += cell.slice(at, from) + filler(replaced.length);
    at = l.end;
    continued = /\\$/.test(replaced);
    magics.push({ start: from, end: l.end, text: replaced });
  }
  out += cell.slice(at);
  return { text: out, magics };
}

/** `%run ./path` (IPython, Databricks) or `# MAGIC %run ./path` (Databricks source): the target as written. */
export function runTarget(magic: string): string | undefined {
  // IPython's options come first (`%run -i script.py`).
  const m = /^(?:#\s*MAGIC\s+)?%run\s+(?:-\w+\s+)*(?:"([^"]+)"|'([^']+)'|(\S+))/.exec(magic.trim());
  return m ? (m[1] ?? m[2] ?? m[3]) : undefined;
}
