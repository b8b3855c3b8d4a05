/**
 * A lexer for the part of Scala that Spark's config registries are written in: identifiers,
 * numbers, plain/triple-quoted/interpolated strings, char literals and punctuation, with comments
 * and whitespace skipped. It does not need to understand Scala, only to never lose its place, so
 * anything it does not know becomes a one-character punctuation token.
 */

export type StringPart = { text: string } | { expr: string };

export type Token =
  | { kind: 'ident'; text: string; pos: number }
  | { kind: 'number'; text: string; pos: number }
  | { kind: 'string'; parts: StringPart[]; pos: number }
  | { kind: 'char'; text: string; pos: number }
  | { kind: 'punct'; text: string; pos: number };

const IDENT_START = /[A-Za-z_$]/;
const IDENT_PART = /[\w$]/;

const ESCAPES: Record<string, string> = { n: '\n', t: '\t', r: '\r', b: '\b', f: '\f', '"': '"', "'": "'", '\\': '\\' };

function unescape(raw: string): string {
  return raw.replace(/\\(u[0-9a-fA-F]{4}|.)/g, (_, c: string) => (c.length === 5 ? String.fromCharCode(parseInt(c.slice(1), 16)) : (ESCAPES[c] ?? c)));
}

/** Index just past the `}` closing the `{` at `open`, skipping nested strings; the end of input when unbalanced. */
function skipBraces(src: string, open: number): number {
  let depth = 0;
  for (let i = open; i < src.length; i++) {
    const c = src[i];
    if (c === '"') {
      i = skipPlainString(src, i) - 1;
    } else if (c === '{') {
      depth++;
    } else if (c === '}' && --depth === 0) {
      return i + 1;
    }
  }
  return src.length;
}

function skipPlainString(src: string, quote: number): number {
  if (src.startsWith('"""', quote)) {
    const end = src.indexOf('"""', quote + 3);
    return end < 0 ? src.length : end + 3;
  }
  for (let i = quote + 1; i < src.length; i++) {
    if (src[i] === '\\') i++;
    else if (src[i] === '"' || src[i] === '\n') return i + 1;
  }
  return src.length;
}

/** Reads a string literal starting at the quote; `interpolated` for s"..."/f"..."/raw"...". */
function readString(src: string, quote: number, interpolated: boolean, raw: boolean): { parts: StringPart[]; end: number } {
  const triple = src.startsWith('"""', quote);
  const parts: StringPart[] = [];
  let text = '';
  const flush = () => {
    if (text) parts.push({ text: triple || raw ? text : unescape(text) });
    text = '';
  };
  let i = quote + (triple ? 3 : 1);
  while (i < src.length) {
    if (triple ? src.startsWith('"""', i) && !src.startsWith('""""', i) : src[i] === '"') {
      flush();
      return { parts, end: i + (triple ? 3 : 1) };
    }
    const c = src[i];
    if (!triple && c === '\n') break;
    if (!triple && c === '\\' && i + 1 < src.length) {
      text += src.slice(i, i + 2);
      i += 2;
      continue;
    }
    if (interpolated && c === '$') {
      if (src[i + 1] === '$') {
        text += '$';
        i += 2;
        continue;
      }
      if (src[i + 1] === '{') {
        flush();
        const end = skipBraces(src, i + 1);
        parts.push({ expr: src.slice(i + 2, end - 1).trim() });
        i = end;
        continue;
      }
      const m = /^[A-Za-z_][\w]*/.exec(src.slice(i + 1, i + 80));
      if (m) {
        flush();
        parts.push({ expr: m[0] });
        i += 1 + m[0].length;
        continue;
      }
    }
    text += c;
    i++;
  }
  flush();
  return { parts, end: i };
}

export function tokenize(src: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  while (i < src.length) {
    const c = src[i];
    if (c === ' ' || c === '\t' || c === '\n' || c === '\r') {
      i++;
    } else if (src.startsWith('//', i)) {
      const nl = src.indexOf('\n', i);
      i = nl < 0 ? src.length : nl + 1;
    } else if (src.startsWith('/*', i)) {
      const end = src.indexOf('*/', i + 2);
      i = end < 0 ? src.length : end + 2;
    } else if (IDENT_START.test(c)) {
      let j = i + 1;
      while (j < src.length && IDENT_PART.test(src[j])) j++;
      const word = src.slice(i, j);
      if (src[j] === '"' && (word === 's' || word === 'f' || word === 'raw')) {
        const { parts, end } = readString(src, j, true, word === 'raw');
        tokens.push({ kind: 'string', parts, pos: i });
        i = end;
      } else {
        tokens.push({ kind: 'ident', text: word, pos: i });
        i = j;
      }
    } else if (/[0-9]/.test(c)) {
      const m = /^(0[xX][0-9a-fA-F_]+|[0-9][0-9_]*(\.[0-9]+)?([eE][+-]?[0-9]+)?)[lLdDfF]?/.exec(src.slice(i, i + 40))!;
      tokens.push({ kind: 'number', text: m[0], pos: i });
      i += m[0].length;
    } else if (c === '"') {
      const { parts, end } = readString(src, i, false, false);
      tokens.push({ kind: 'string', parts, pos: i });
      i = end;
    } else if (c === "'" && /^'(\\.|[^\\'\n])'/.test(src.slice(i, i + 4))) {
      const m = /^'(\\.|[^\\'\n])'/.exec(src.slice(i, i + 4))!;
      tokens.push({ kind: 'char', text: unescape(m[1]), pos: i });
      i += m[0].length;
    } else if (src.startsWith('=>', i)) {
      tokens.push({ kind: 'punct', text: '=>', pos: i });
      i += 2;
    } else {
      tokens.push({ kind: 'punct', text: c, pos: i });
      i++;
    }
  }
  return tokens;
}

/** The Scala `stripMargin`: drops leading blanks and the `|` that starts each line. */
export function stripMargin(text: string): string {
  return text
    .split('\n')
    .map((line) => line.replace(/^[ \t]*\|/, ''))
    .join('\n');
}
