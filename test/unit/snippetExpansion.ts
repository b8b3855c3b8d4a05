/**
 * Expands a VS Code snippet body the way the editor does when the user accepts every default:
 * placeholders become their default text, choices their first option, mirrors (`$1` / `${1}`)
 * the default of their tab stop, `$0` nothing. Follows the snippet grammar of
 * https://code.visualstudio.com/docs/editor/userdefinedsnippets#_grammar, and throws on what it
 * does not model (transforms, malformed syntax) so a snippet that VS Code would expand differently
 * fails the tests instead of passing them by accident.
 */

type Piece =
  | { kind: 'text'; value: string }
  | { kind: 'tabstop'; index: number; children?: Piece[]; choices?: string[] }
  | { kind: 'variable'; name: string; children?: Piece[] };

/** Values VS Code would give variables; the tests run with a file called pipeline.py. */
const VARIABLES: Record<string, string> = {
  TM_FILENAME: 'pipeline.py',
  TM_FILENAME_BASE: 'pipeline',
  TM_SELECTED_TEXT: '',
  TM_CURRENT_LINE: '',
  TM_CURRENT_WORD: '',
  TM_LINE_INDEX: '0',
  TM_LINE_NUMBER: '1',
  LINE_COMMENT: '#',
};

class SnippetParser {
  private pos = 0;

  constructor(private readonly src: string) {}

  parse(): Piece[] {
    const pieces = this.pieces(false);
    if (this.pos < this.src.length) throw this.error('unexpected "}"');
    return pieces;
  }

  private error(what: string): Error {
    return new Error(`snippet syntax: ${what} at offset ${this.pos}: ${JSON.stringify(this.src.slice(Math.max(0, this.pos - 20), this.pos + 20))}`);
  }

  /** Pieces up to the end, or (inside a placeholder) up to its unescaped closing `}`. */
  private pieces(nested: boolean): Piece[] {
    const out: Piece[] = [];
    let text = '';
    const flush = () => {
      if (text) out.push({ kind: 'text', value: text });
      text = '';
    };
    while (this.pos < this.src.length) {
      const c = this.src[this.pos];
      if (c === '\\') {
        const next = this.src[this.pos + 1];
        // Only `\$`, `\}` and `\\` are escapes; any other backslash is literal text.
        if (next === '$' || next === '}' || next === '\\') {
          text += next;
          this.pos += 2;
        } else {
          text += c;
          this.pos++;
        }
        continue;
      }
      if (c === '}' && nested) break;
      if (c === '$') {
        const piece = this.dollar();
        if (piece) {
          flush();
          out.push(piece);
          continue;
        }
      }
      text += c;
      this.pos++;
    }
    flush();
    return out;
  }

  /** `$1`, `${1}`, `${1:...}`, `${1|a,b|}`, `$VAR`, `${VAR}`, `${VAR:...}`; undefined for a literal `$`. */
  private dollar(): Piece | undefined {
    const rest = this.src.slice(this.pos + 1);
    const simple = /^(\d+|[A-Za-z_][A-Za-z0-9_]*)/.exec(rest);
    if (simple) {
      this.pos += 1 + simple[0].length;
      return /^\d/.test(simple[0]) ? { kind: 'tabstop', index: Number(simple[0]) } : { kind: 'variable', name: simple[0] };
    }
    if (rest[0] !== '{') return undefined;
    const head = /^\{(\d+|[A-Za-z_][A-Za-z0-9_]*)/.exec(rest);
    if (!head) return undefined;
    this.pos += 1 + head[0].length;
    const isTabstop = /^\d/.test(head[1]);
    const after = this.src[this.pos];
    if (after === '}') {
      this.pos++;
      return isTabstop ? { kind: 'tabstop', index: Number(head[1]) } : { kind: 'variable', name: head[1] };
    }
    if (after === ':') {
      this.pos++;
      const children = this.pieces(true);
      if (this.src[this.pos] !== '}') throw this.error(`unclosed placeholder \${${head[1]}`);
      this.pos++;
      return isTabstop ? { kind: 'tabstop', index: Number(head[1]), children } : { kind: 'variable', name: head[1], children };
    }
    if (after === '|' && isTabstop) {
      this.pos++;
      return { kind: 'tabstop', index: Number(head[1]), choices: this.choices() };
    }
    if (after === '/') throw this.error('transforms are not supported by the test expander');
    throw this.error(`malformed \${${head[1]}`);
  }

  private choices(): string[] {
    const options: string[] = [];
    let current = '';
    while (this.pos < this.src.length) {
      const c = this.src[this.pos];
      if (c === '\\' && /[$}\\,|]/.test(this.src[this.pos + 1] ?? '')) {
        current += this.src[this.pos + 1];
        this.pos += 2;
        continue;
      }
      if (c === ',') {
        options.push(current);
        current = '';
        this.pos++;
        continue;
      }
      if (c === '|' && this.src[this.pos + 1] === '}') {
        options.push(current);
        this.pos += 2;
        return options;
      }
      current += c;
      this.pos++;
    }
    throw this.error('unclosed choice');
  }
}

/** First definition with content wins, as in VS Code: later `${1:x}` and `$1` mirror it. */
function collectDefaults(pieces: Piece[], defaults: Map<number, Piece[] | string>): void {
  for (const p of pieces) {
    if (p.kind === 'text') continue;
    if (p.kind === 'tabstop' && !defaults.has(p.index)) {
      if (p.choices) defaults.set(p.index, p.choices[0] ?? '');
      else if (p.children) defaults.set(p.index, p.children);
    }
    if (p.children) collectDefaults(p.children, defaults);
  }
}

function render(pieces: Piece[], defaults: Map<number, Piece[] | string>, depth = 0): string {
  if (depth > 20) throw new Error('snippet syntax: a placeholder mirrors itself');
  let out = '';
  for (const p of pieces) {
    if (p.kind === 'text') out += p.value;
    else if (p.kind === 'variable') {
      // An unknown or empty variable falls back to its default, else (unknown) to its own name.
      const value = VARIABLES[p.name];
      out += value ? value : p.children ? render(p.children, defaults, depth + 1) : (value ?? p.name);
    } else if (p.index !== 0) {
      const d = defaults.get(p.index);
      out += d === undefined ? '' : typeof d === 'string' ? d : render(d, defaults, depth + 1);
    }
  }
  return out;
}

/** The text VS Code inserts for `body` (lines joined with `\n`) when every default is accepted. */
export function expandSnippet(body: string[]): string {
  const pieces = new SnippetParser(body.join('\n')).parse();
  const defaults = new Map<number, Piece[] | string>();
  collectDefaults(pieces, defaults);
  return render(pieces, defaults);
}

/** Tab stop numbers the body uses, for checks on its structure. */
export function tabStops(body: string[]): number[] {
  const pieces = new SnippetParser(body.join('\n')).parse();
  const found = new Set<number>();
  const walk = (ps: Piece[]) => {
    for (const p of ps) {
      if (p.kind === 'tabstop') found.add(p.index);
      if (p.kind !== 'text' && p.children) walk(p.children);
    }
  };
  walk(pieces);
  return [...found].sort((a, b) => a - b);
}
