import type { Node } from '../parsing/pythonParser';
import { callParts, literalString, unwrapParens, type CallParts } from '../parsing/syntax';
import type { ImportInfo } from '../model/types';

/** Aliases people give `pyspark.sql.functions` even when the import is out of view (notebooks). */
const CONVENTIONAL_ALIASES = new Set(['F', 'sf', 'psf', 'func', 'fn', 'functions']);

/**
 * Recognises calls to `pyspark.sql.functions` in every import style: `F.col`, `col` imported by
 * name or by `*`, and bare names in notebooks where the import is not in the file.
 */
export class SparkFunctions {
  constructor(
    private readonly imports: ImportInfo,
    private readonly isShadowed: (name: string) => boolean,
  ) {}

  /** The function name when `call` is `F.<name>(...)` or an imported/bare `<name>(...)`. */
  nameOf(call: Node): string | undefined {
    const parts = callParts(call);
    if (!parts || !parts.name) return undefined;
    if (parts.object) {
      const obj = unwrapParens(parts.object);
      if (obj.type === 'identifier' && (this.imports.functionsAliases.has(obj.text) || CONVENTIONAL_ALIASES.has(obj.text))) {
        return parts.name;
      }
      if (obj.type === 'attribute' && obj.text.replace(/\s/g, '') === 'pyspark.sql.functions') return parts.name;
      return undefined;
    }
    if (this.imports.functionNames.has(parts.name) || this.imports.functionsStar) return parts.name;
    return this.isShadowed(parts.name) ? undefined : parts.name;
  }

  is(call: Node, names: ReadonlySet<string>): boolean {
    const n = this.nameOf(call);
    return n !== undefined && names.has(n);
  }

  /** `col("x")`, `F.col("x")`, `F.column("x")`, `df["x"]`, `df.x` -> "x". */
  columnRef(node: Node): string | undefined {
    const n = unwrapParens(node);
    if (n.type === 'call' && this.is(n, COL_FUNCS)) {
      const parts = callParts(n);
      return literalString(parts?.args[0]);
    }
    if (n.type === 'subscript') {
      const idx = n.childForFieldName('subscript');
      return literalString(idx);
    }
    return undefined;
  }

  /** First column an expression reads (`sha2(col("email"), 256)` -> "email"), bounded search. */
  firstColumnRead(node: Node): string | undefined {
    // Breadth first over the subtree's ids, read from the copy's arrays: only the node types
    // `columnRef` or a call's parts look into are made as node objects (the walk made one per named
    // node, and an array of children per node, for subtrees mostly of names and literals).
    const tree = node.owner;
    const queue = [node.id];
    for (let steps = 0, head = 0; head < queue.length && steps < 500; steps++) {
      const id = queue[head++];
      const type = tree.typeAt(id);
      if (type === 'call' || type === 'subscript' || type === 'parenthesized_expression') {
        const n = tree.nodeAt(id);
        const ref = this.columnRef(n);
        if (ref !== undefined) return ref;
        if (type === 'call') {
          const parts = callParts(n);
          const name = this.nameOf(n);
          // Most column functions take a column name as their first string argument.
          if (name && parts && parts.args[0] && literalString(parts.args[0]) !== undefined && STRING_COLUMN_FUNCS.has(name)) {
            return literalString(parts.args[0]);
          }
        }
      }
      tree.pushNamedChildIds(id, queue);
    }
    return undefined;
  }

  /** True when the expression hides the column's values: hashing, masking, redaction, a constant. */
  isMasking(node: Node): boolean {
    const n = unwrapParens(node);
    if (n.type === 'string' || n.type === 'none' || n.type === 'integer') return true;
    // Depth first over the subtree's ids (read from the copy's arrays, as in `firstColumnRead`): a
    // node object only for the calls, which are what is judged.
    const tree = n.owner;
    const stack = [n.id];
    for (let steps = 0; stack.length && steps < 500; steps++) {
      const id = stack.pop()!;
      if (tree.typeAt(id) === 'call') {
        const cur = tree.nodeAt(id);
        const name = this.nameOf(cur);
        // when(...).otherwise(col("email")) hands the raw value on for every other row.
        const parts = callParts(cur);
        if (parts?.name === 'otherwise' && parts.args[0] && this.columnRef(parts.args[0]) !== undefined) return false;
        if (name && REPLACING_FUNCS.has(name)) {
          if (replacesWithMask(parts)) return true;
        } else if (name && MASKING_FUNCS.has(name)) return true;
        if (name === 'lit' && cur === n) return true;
        if (parts?.name && MASKING_NAME.test(parts.name)) return true;
      }
      tree.pushNamedChildIds(id, stack);
    }
    return false;
  }

  /** `expr.alias("x")` / `expr.name("x")` / `expr.as_("x")` -> { name, inner }. */
  aliasOf(node: Node): { name: string; inner: Node } | undefined {
    const n = unwrapParens(node);
    if (n.type !== 'call') return undefined;
    const parts = callParts(n);
    if (!parts || !parts.object || !parts.name || !ALIAS_METHODS.has(parts.name)) return undefined;
    const name = literalString(parts.args[0]);
    return name === undefined ? undefined : { name, inner: parts.object };
  }

  /**
   * For `window("ts", "5 minutes")` / `F.window(F.col("ts"), ...)`: the event-time column. A window
   * renamed as a grouping key (`window(...).alias("w")`) is the same window; `node` is the call itself.
   */
  windowColumn(node: Node): { column?: string; node: Node } | undefined {
    const n = unwrapParens(this.aliasOf(node)?.inner ?? node);
    if (n.type !== 'call' || !this.is(n, WINDOW_FUNCS)) return undefined;
    const parts = callParts(n);
    const first = parts?.args[0] ?? parts?.keywords.get('timeColumn');
    if (!first) return { node: n };
    return { column: literalString(first) ?? this.columnRef(first), node: n };
  }
}

const COL_FUNCS = new Set(['col', 'column']);
const WINDOW_FUNCS = new Set(['window', 'session_window', 'window_time']);
const ALIAS_METHODS = new Set(['alias', 'name', 'as_']);

export const MASKING_FUNCS = new Set(['sha2', 'sha1', 'sha', 'md5', 'hash', 'xxhash64', 'crc32', 'mask', 'aes_encrypt']);

/** Functions that mask only when what they put in looks like a mask (`"*"`, `"X"`, `"REDACTED"`). */
const REPLACING_FUNCS = new Set(['regexp_replace', 'translate', 'overlay']);

/** `regexp_replace(c, pattern, "*")` masks; `regexp_replace(c, " ", "")` only tidies. */
function replacesWithMask(parts: CallParts | undefined): boolean {
  const replacement = parts?.args[parts.name === 'overlay' ? 1 : 2] ?? parts?.args[1];
  const text = replacement ? (literalString(replacement) ?? literalString(callParts(unwrapParens(replacement))?.args[0])) : undefined;
  return text !== undefined && /[*#xX•]|redact|mask|hidden|\*\*\*/i.test(text);
}

/** Project-specific masking helpers and UDFs: `mask_email`, `redact`, `anonymize`, `tokenize_pii`. */
const MASKING_NAME = /mask|redact|anonymi[sz]|pseudonymi[sz]|hash|encrypt|tokeni[sz]e|obfuscat/i;

export const STRING_COLUMN_FUNCS = new Set([
  'sha2',
  'sha1',
  'md5',
  'lower',
  'upper',
  'trim',
  'ltrim',
  'rtrim',
  'regexp_replace',
  'substring',
  'mask',
  'hash',
  'xxhash64',
  'crc32',
  'translate',
  'to_date',
  'to_timestamp',
  'coalesce',
  'concat',
  'concat_ws',
  'initcap',
  'length',
  'split',
  'date_format',
  'overlay',
  'base64',
]);
