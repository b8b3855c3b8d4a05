import type { Node } from '../../parsing/pythonParser';
import { callParts, literalString, unwrapParens, type CallParts } from '../../parsing/syntax';

const MAX_CHAIN = 500;

/** A reader option as written: the call that sets it and the value argument. */
export interface WrittenOption {
  call: Node;
  parts: CallParts;
  /** The key argument of `.option(key, v)`; the keyword name of `options(k=v)` / `csv(path, k=v)`. */
  keyNode: Node;
  value: Node;
}

/**
 * Where `key` (case-insensitive, as Spark reads options) is set among the reader calls the terminal
 * `load(...)` / `csv(...)` / `table(...)` hangs off, when the chain is one expression: its keyword
 * on the terminal call, a `.options(key=...)` or a `.option("key", ...)`. The last one set wins.
 */
export function writtenReaderOption(terminal: Node, key: string): WrittenOption | undefined {
  const want = key.toLowerCase();
  let n: Node | null = terminal;
  for (let i = 0; n && i < MAX_CHAIN; i++) {
    n = unwrapParens(n);
    if (n.type !== 'call') return undefined;
    const parts = callParts(n);
    if (!parts?.object) return undefined;
    if (parts.name === 'option' && parts.args.length >= 2) {
      const k = literalString(parts.args[0]);
      if (k !== undefined && k.toLowerCase() === want) return { call: n, parts, keyNode: parts.args[0], value: parts.args[1] };
    } else {
      for (const [k, v] of parts.keywords) {
        if (k.toLowerCase() === want) return { call: n, parts, keyNode: v.parent?.childForFieldName('name') ?? v, value: v };
      }
    }
    n = parts.object;
  }
  return undefined;
}

/** `True`, `"true"`, `'True'`: a literal Spark reads as true. Undefined when not a literal boolean. */
export function literalBoolean(node: Node): boolean | undefined {
  const n = unwrapParens(node);
  if (n.type === 'true') return true;
  if (n.type === 'false') return false;
  const s = literalString(n)?.trim().toLowerCase();
  if (s === 'true') return true;
  if (s === 'false') return false;
  return undefined;
}
