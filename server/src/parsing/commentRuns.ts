/**
 * Long runs of comment-only lines, handed to the parser as blank lines.
 *
 * tree-sitter-python's external scanner, asked for an indent, dedent or newline at the end of a
 * comment line (the state after any statement), reads ahead over every following comment and blank
 * line to learn the indentation of the next line of code, then returns nothing and lets the comment
 * be lexed: a run of n comment lines after a statement costs the run's length n times (a 20,000-line
 * run of 60 characters: 40 s; upstream knows it, tree-sitter-python PR 245 was not merged). Blank
 * lines cost nothing of the kind: the lexer skips a whole run of whitespace in one token.
 *
 * So in a run whose rescans would read more than `RUN_BUDGET` characters, every comment line but
 * the last few (`KEEP_LINES`, `KEEP_CHARS`) is replaced by spaces (same length, same offsets, line
 * ends kept). The tree then has no `comment` node for those lines and nothing else changes: they
 * hold no code, a `# noqa` on a comment-only line has no statement to silence, and the comments just
 * above the next statement (which rules read) are kept. Whether a line is a comment is decided here
 * by a small tokenizer (strings, brackets, backslash joins); `PythonParser.parse` checks it on the
 * tree and parses the text as it is when the check fails (see `blankedLinesAreGaps`).
 */

/** Comment lines kept at the end of a blanked run (those next to the code that follows it). */
export const KEEP_LINES = 16;
/** ... and at most this many characters of them (the kept lines are still read once per line). */
export const KEEP_CHARS = 4096;
/**
 * A run is blanked when the scanner's rescans of it would read more characters than this (the sum,
 * over its comment lines, of the characters from each to the run's end): about 1 ms of parsing.
 */
export const RUN_BUDGET = 64 * 1024;

/** The text the parser is given, and the offset ranges [start, end) that were blanked, in order. */
export interface BlankedText {
  text: string;
  ranges: number[];
}

/** `text` with the middle of its long comment runs blanked, or undefined when no run is long. */
export function blankLongCommentRuns(text: string): BlankedText | undefined {
  if (!mayHaveLongRun(text)) return undefined;
  const runs = commentRuns(text);
  let ranges: number[] | undefined;
  for (const run of runs) {
    const blanked = blankedPartOf(run);
    if (blanked) (ranges ??= []).push(...blanked);
  }
  if (!ranges) return undefined;
  const parts: string[] = [];
  let at = 0;
  for (let i = 0; i < ranges.length; i += 2) {
    const [start, end] = [ranges[i], ranges[i + 1]];
    parts.push(text.slice(at, start), spacesFor(text, start, end));
    at = end;
  }
  parts.push(text.slice(at));
  return { text: parts.join(''), ranges };
}

/**
 * False when no more than `KEEP_LINES` lines in a row start with `#` (blank lines between them
 * aside): then no run is long, and the tokenizer need not read the text. Reads line starts only,
 * so a keystroke in a large document costs little.
 */
export function mayHaveLongRun(text: string): boolean {
  let inRow = 0;
  for (let at = 0; at < text.length;) {
    let i = at;
    for (let c = text.charCodeAt(i); c === C.Space || c === C.Tab || c === C.FormFeed; c = text.charCodeAt(++i));
    const c = text.charCodeAt(i);
    if (c === C.Hash) {
      if (++inRow > KEEP_LINES) return true;
    } else if (c !== C.Newline && c !== C.Return && i < text.length) inRow = 0;
    const nl = text.indexOf('\n', i);
    if (nl < 0) break;
    at = nl + 1;
  }
  return false;
}

/**
 * A run of comment-only lines, possibly with blank lines between them: each comment's [start, end)
 * offsets (from `#` to the line's end, a `\r` before the `\n` included) and indentation as the
 * scanner measures it, and the indentation of the line of code after the run (0 at the end of the
 * text; -1 when the scanner would measure it otherwise, after a backslash: the run is left alone).
 */
export interface Run {
  comments: number[];
  widths: number[];
  next: number;
}

/**
 * The comment ranges of the run that are blanked, merged into one range per stretch.
 *
 * Blanking a comment must not move a dedent: the scanner puts one (or several) before comment k
 * when the next code line is dedented (`next` < the current indentation) and so is k. After any
 * comment m, the current indentation is at most m's or at most `next`; so only a comment less
 * indented than every comment before it in the run, while those were all more indented than
 * `next`, can have a dedent before it. Those are kept, with the comment before each (a block
 * ends where its last comment does) and the last few; the scanner then takes the same decisions
 * at the kept ones as before, and every node but the blanked comments keeps its extent.
 */
function blankedPartOf(run: Run): number[] | undefined {
  const { comments, widths, next } = run;
  const count = widths.length;
  if (count <= KEEP_LINES || next < 0) return undefined;
  const runEnd = comments[comments.length - 1];
  // What the scanner's rescans read: from each comment's end to the run's end.
  let cost = 0;
  for (let i = 0; i < count && cost <= RUN_BUDGET; i++) cost += runEnd - comments[2 * i + 1];
  if (cost <= RUN_BUDGET) return undefined;
  // Keep the last comments while they are few and short, at least the last one.
  let keepFrom = count - 1;
  while (keepFrom > 0 && count - keepFrom < KEEP_LINES && runEnd - comments[2 * (keepFrom - 1)] <= KEEP_CHARS) keepFrom--;
  // Comments that may have a dedent before them; the comment just before such a one is kept too,
  // since a block ends where its last comment does.
  const mayDedent = new Uint8Array(count + 1);
  let least = Infinity;
  for (let k = 0; k < count; k++) {
    const w = widths[k];
    // indent_length is a uint16 in the scanner: beyond it, this model no longer holds.
    if (w > 0xffff) return undefined;
    if (w < least && least > next) mayDedent[k] = 1;
    if (w < least) least = w;
  }
  const ranges: number[] = [];
  let open = -1;
  for (let k = 0; k < keepFrom; k++) {
    if (mayDedent[k] || mayDedent[k + 1]) {
      if (open >= 0) ranges.push(open, comments[2 * (k - 1) + 1]);
      open = -1;
    } else if (open < 0) open = comments[2 * k];
  }
  if (open >= 0) ranges.push(open, comments[2 * (keepFrom - 1) + 1]);
  return ranges.length ? ranges : undefined;
}

/** Spaces for `text[start, end)`, line ends (\n, \r) kept where they are. */
function spacesFor(text: string, start: number, end: number): string {
  const slice = text.slice(start, end);
  return slice.replace(/[^\r\n]/g, ' ');
}

const enum C {
  Tab = 9,
  Newline = 10,
  FormFeed = 12,
  Return = 13,
  Space = 32,
  Hash = 35,
  Quote = 34,
  Apostrophe = 39,
  Backslash = 92,
}

/**
 * The runs of comment-only lines outside strings and brackets, in order. A line is comment-only
 * when it holds only indentation and a comment and does not continue a backslash-joined line.
 * Blank lines (whitespace only) between comment lines do not end a run; any other line does.
 */
export function commentRuns(text: string): Run[] {
  const runs: Run[] = [];
  let run: Run = { comments: [], widths: [], next: 0 };
  // Called at the start of the line after the run (its indentation from `lineStart`), or at the end.
  const endRun = (lineStart: number): void => {
    if (run.comments.length) {
      run.next = lineStart < 0 ? 0 : widthAt(text, lineStart).width;
      if (lineStart >= 0 && widthAt(text, lineStart).stop === C.Backslash) run.next = -1;
      runs.push(run);
    }
    run = { comments: [], widths: [], next: 0 };
  };
  const n = text.length;
  let depth = 0;
  let i = 0;
  // At the start of each physical line outside strings; `joined`: the line before ended with a backslash.
  let joined = false;
  while (i < n) {
    // Indentation.
    let j = i;
    for (let c = text.charCodeAt(j); c === C.Space || c === C.Tab || c === C.FormFeed; c = text.charCodeAt(++j));
    const first = j < n ? text.charCodeAt(j) : -1;
    if (!joined && depth === 0 && first === C.Hash) {
      const nl = text.indexOf('\n', j);
      const end = nl < 0 ? n : nl;
      run.comments.push(j, end);
      run.widths.push(widthAt(text, i).width);
      i = nl < 0 ? n : nl + 1;
      continue;
    }
    if (first === C.Newline || first === -1 || (first === C.Return && text.charCodeAt(j + 1) === C.Newline)) {
      // A blank line: part of a run, if one is open (inside brackets too: it holds nothing).
      i = first === -1 ? n : text.indexOf('\n', j) + 1;
      joined = false;
      continue;
    }
    if (depth === 0) endRun(i);
    // The rest of a line of code: strings may take it over several lines.
    joined = false;
    let k = j;
    for (;;) {
      if (k >= n) {
        i = n;
        break;
      }
      const c = text.charCodeAt(k);
      if (c === C.Newline) {
        i = k + 1;
        break;
      }
      if (c === C.Hash) {
        const nl = text.indexOf('\n', k);
        i = nl < 0 ? n : nl + 1;
        break;
      }
      if (c === C.Backslash) {
        // A backslash before the line's end joins the next line to this one.
        if (text.charCodeAt(k + 1) === C.Newline || (text.charCodeAt(k + 1) === C.Return && text.charCodeAt(k + 2) === C.Newline)) {
          joined = true;
          i = text.indexOf('\n', k) + 1;
          break;
        }
        k += 2;
        continue;
      }
      if (c === C.Quote || c === C.Apostrophe) {
        k = stringEnd(text, k);
        continue;
      }
      if (c === 40 || c === 91 || c === 123) depth++;
      else if ((c === 41 || c === 93 || c === 125) && depth > 0) depth--;
      k++;
    }
  }
  endRun(-1);
  return runs;
}

/** The indentation at a line start as the scanner counts it (space 1, tab 8, \r and \f reset), and the character after it. */
function widthAt(text: string, at: number): { width: number; stop: number } {
  let width = 0;
  for (let i = at; ; i++) {
    const c = text.charCodeAt(i);
    if (c === C.Space) width++;
    else if (c === C.Tab) width += 8;
    else if (c === C.Return || c === C.FormFeed) width = 0;
    else return { width, stop: c };
  }
}

/**
 * Where the string opening at `k` ends (just past its closing quote; the end of the line for an
 * unterminated one-line string, the end of the text for an unterminated triple-quoted one). A
 * backslash escapes the next character, raw strings included, as in Python's tokenizer; an
 * f-string's nested same quotes (Python 3.12) end it early here, which the tree check catches.
 */
function stringEnd(text: string, k: number): number {
  const q = text.charCodeAt(k);
  const n = text.length;
  const triple = text.charCodeAt(k + 1) === q && text.charCodeAt(k + 2) === q;
  let i = k + (triple ? 3 : 1);
  while (i < n) {
    const c = text.charCodeAt(i);
    if (c === C.Backslash) {
      i += 2;
      continue;
    }
    if (c === q) {
      if (!triple) return i + 1;
      if (text.charCodeAt(i + 1) === q && text.charCodeAt(i + 2) === q) return i + 3;
    } else if (c === C.Newline && !triple) {
      return i;
    }
    i++;
  }
  return n;
}

/** Node types whose children may have a blank stretch between them outside any bracket or string. */
const GAP_HOLDERS = new Set([
  'module',
  'block',
  'if_statement',
  'elif_clause',
  'else_clause',
  'for_statement',
  'while_statement',
  'try_statement',
  'except_clause',
  'except_group_clause',
  'finally_clause',
  'with_statement',
  'function_definition',
  'class_definition',
  'decorated_definition',
  'match_statement',
  'case_clause',
]);

/** The little of a tree-sitter node and tree the check needs (so that tests can count calls). */
interface GapNode {
  readonly type: string;
}
interface GapTree {
  readonly rootNode: { readonly hasError: boolean; descendantForIndex(start: number, end?: number): GapNode | null };
}

/**
 * True when every blanked range of the parsed text lies between statements: the tree has no error
 * and the smallest node around each range is a module, a block or a compound statement, not a
 * string, a bracket or anything else. Then each blanked line was a comment in the original text: up
 * to the first one both texts are the same, so had it been inside a string or brackets it would be
 * in the blanked text too; past it the texts differ by a comment against spaces, which leaves the
 * next line where it was, and so on.
 */
export function blankedLinesAreGaps(tree: GapTree, ranges: number[]): boolean {
  if (tree.rootNode.hasError) return false;
  for (let i = 0; i < ranges.length; i += 2) {
    const node = tree.rootNode.descendantForIndex(ranges[i], ranges[i + 1]);
    if (!node || !GAP_HOLDERS.has(node.type)) return false;
  }
  return true;
}
