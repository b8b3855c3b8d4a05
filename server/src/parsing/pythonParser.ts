import type { Language, Node as TreeSitterNode, Parser, Query, Tree } from 'web-tree-sitter';
import { TreeSitterRuntime } from './treeSitterRuntime';
import type { SyntaxNode } from './syntaxTree';

/** The engine reads the plain-JS copy of a tree (`syntaxTree.ts`), not web-tree-sitter's nodes. */
export type Node = SyntaxNode;
export type { Tree };

/**
 * tree-sitter-python's external scanner serializes its indent stack at 2 bytes a level after up to
 * 257 bytes of string-delimiter state into a 1024-byte buffer, checking the bound only every 2 bytes:
 * with an odd number of open strings and 383 to 511 nested blocks it writes one byte past the
 * buffer, which corrupts wasm memory so that this parse and every later one fail with "memory
 * access out of bounds". Real code never nests blocks this deep; such text is not parsed (see
 * `PythonParser.parse`), and any other trap replaces the runtime.
 */
export const MAX_INDENT_LEVELS = 380;

/** Why a text has no tree: refused before parsing, or the parser failed on it (and was replaced). */
export class ParseFailure extends Error {
  constructor(
    message: string,
    readonly kind: 'too-deep' | 'parser-crashed' | 'parser-restarting',
  ) {
    super(message);
    this.name = 'ParseFailure';
  }
}

/**
 * The indentation widths tree-sitter-python's scanner can measure, one per line start, in text
 * order (-1: it cannot open a block there). Mirrors its loop: a space adds 1, a tab adds 8 (not
 * "to the next multiple of 8"), \r and \f reset to 0, blank and comment-only lines are skipped
 * (the next line's width counts), a backslash-newline joins the next line's indentation to this
 * one's, and widths are uint16.
 */
function scannerIndentWidths(text: string): Int32Array {
  const starts: number[] = [0];
  for (let i = text.indexOf('\n'); i >= 0; i = text.indexOf('\n', i + 1)) starts.push(i + 1);
  const n = text.length;
  const count = starts.length;
  const value = new Int32Array(count + 1).fill(-1);
  // clean[i]: no reset (\r, \f, a blank or comment line) from line i's start to its width, so a
  // backslash-joined line before it adds to it.
  const clean = new Uint8Array(count + 1);
  // Backwards, so the line a blank line, a comment or a backslash-join leads to is already known.
  for (let li = count - 1; li >= 0; li--) {
    let w = 0;
    let ok = 1;
    for (let i = starts[li]; ; i++) {
      if (i >= n) break; // end of file: width 0, which never opens a block
      const c = text.charCodeAt(i);
      if (c === 32) w++;
      else if (c === 9) w += 8;
      else if (c === 13 || c === 12) {
        w = 0;
        ok = 0;
      } else if (c === 10 || c === 35) {
        // A blank or comment-only line: the scanner resets and measures the next line.
        value[li] = value[li + 1];
        break;
      } else if (c === 92) {
        let k = i + 1;
        if (text.charCodeAt(k) === 13) k++;
        if (text.charCodeAt(k) === 10 && value[li + 1] >= 0) {
          value[li] = clean[li + 1] ? (w + value[li + 1]) & 0xffff : value[li + 1];
          clean[li] = ok & clean[li + 1];
        }
        break;
      } else {
        value[li] = w & 0xffff;
        clean[li] = ok;
        break;
      }
    }
  }
  return value.subarray(0, count);
}

/**
 * An upper bound on the depth of tree-sitter-python's indent stack for `text`: the scanner only
 * pushes a width larger than the one on top, so the stack is always an increasing subsequence of
 * the widths it measured, in text order; its depth is at most the longest such subsequence of the
 * widths of every line (brackets, strings and the grammar can only make it shallower).
 * Stops counting once past `limit`.
 */
export function indentLevels(text: string, limit = Infinity): number {
  const tails: number[] = [];
  for (const v of scannerIndentWidths(text)) {
    if (v <= 0) continue;
    let lo = 0;
    let hi = tails.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (tails[mid] < v) lo = mid + 1;
      else hi = mid;
    }
    tails[lo] = v;
    if (tails.length > limit) return tails.length;
  }
  return tails.length;
}

/** Why `parse` would refuse `text` without calling the parser (nested too deep), if it would. */
function refusal(text: string): ParseFailure | undefined {
  if (indentLevels(text, MAX_INDENT_LEVELS) <= MAX_INDENT_LEVELS) return undefined;
  return new ParseFailure(`blocks nest more than ${MAX_INDENT_LEVELS} levels deep (as tree-sitter-python counts indentation), beyond what its parser survives`, 'too-deep');
}

/**
 * True when the process parser would parse `text` with nothing to report about it: a caller that
 * needs no tree for such text (the CLI on a file with nothing of Spark in it) may skip loading the
 * parser. Text the guard refuses is still parsed, so that it is reported as not analysed.
 */
export function parsesQuietly(text: string): boolean {
  return process.env.PYSPARK_ARCHITECT_TEST_UNGUARDED !== '1' && !refusal(text);
}

/** The runtime each tree came from: a tree of a replaced runtime is never touched again. */
const owners = new WeakMap<Tree, TreeSitterRuntime>();

/** Marks the runtime of `tree` as broken after `error` came out of a call into it. */
export function poisonRuntimeOf(tree: Tree, error: unknown): void {
  owners.get(tree)?.poison(messageOf(error));
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

let ready: Promise<PythonParser> | undefined;

/**
 * One parser and one compiled language for the whole process: creating either costs wasm memory
 * and milliseconds, and both are reusable across documents.
 *
 * Any exception out of tree-sitter means its wasm memory may be corrupt: that runtime is dropped
 * (with its parser, language, queries and trees) and a fresh one is created in the background.
 * The text that failed is reported as not analysed (`ParseFailure`); every other text gets a
 * healthy parser as soon as the new runtime is up (`ready()`), within milliseconds.
 */
export class PythonParser {
  private runtime: TreeSitterRuntime | undefined;
  private parser: Parser | undefined;
  private queries = new Map<string, Query>();
  private restarting: Promise<void> | undefined;
  private readonly restartListeners: (() => void)[] = [];
  /** How many runtimes were replaced after a failure. */
  restarts = 0;

  private constructor(
    runtime: TreeSitterRuntime,
    /** Off only in tests that need to corrupt the runtime on purpose. */
    private readonly indentGuard: boolean,
  ) {
    this.install(runtime);
  }

  /**
   * The process-wide parser. `PYSPARK_ARCHITECT_TEST_UNGUARDED=1` turns the indentation guard off,
   * only so that tests can break a real parser through the CLI and the server and watch them recover.
   */
  static load(): Promise<PythonParser> {
    ready ??= PythonParser.create({ indentGuard: process.env.PYSPARK_ARCHITECT_TEST_UNGUARDED !== '1' });
    return ready;
  }

  /** A parser of its own, with its own runtime. */
  static async create(options: { indentGuard?: boolean } = {}): Promise<PythonParser> {
    return new PythonParser(await TreeSitterRuntime.create(), options.indentGuard ?? true);
  }

  get language(): Language {
    return this.healthy().language;
  }

  /** Resolves when a healthy runtime is installed (at once, unless one is being replaced). */
  async ready(): Promise<void> {
    this.healthy(false);
    while (this.restarting) await this.restarting;
  }

  /** Called after a broken runtime has been replaced (documents not analysed meanwhile can be parsed again). */
  onRestart(listener: () => void): void {
    this.restartListeners.push(listener);
  }

  /** True when `tree` came from the current, healthy runtime (so it may be edited, reused and deleted). */
  owns(tree: Tree): boolean {
    const owner = owners.get(tree);
    return owner !== undefined && owner === this.runtime && !owner.poisoned;
  }

  /**
   * Parses `text`, reusing `oldTree` (already `edit`ed by the caller) when given and still usable.
   * Throws `ParseFailure` when the text is not parsed: nested deeper than the grammar's scanner can
   * survive (see `MAX_INDENT_LEVELS`), the parser failed on it, or the parser is being replaced.
   */
  parse(text: string, oldTree?: Tree): Tree {
    const refused = this.indentGuard ? refusal(text) : undefined;
    if (refused) throw refused;
    const runtime = this.healthy();
    const parser = this.parser!;
    try {
      const tree = parser.parse(text, oldTree && this.owns(oldTree) ? oldTree : null);
      if (!tree) throw new Error('tree-sitter returned no tree');
      owners.set(tree, runtime);
      return tree;
    } catch (e) {
      runtime.poison(messageOf(e));
      this.healthy(false);
      throw new ParseFailure(`the parser failed on this file (${messageOf(e)}) and was restarted`, 'parser-crashed');
    }
  }

  /** `tree.edit`, unless the tree's runtime was replaced (then the caller must parse from scratch). */
  edit(tree: Tree, edit: Parameters<Tree['edit']>[0]): boolean {
    if (!this.owns(tree)) return false;
    try {
      tree.edit(edit);
      return true;
    } catch (e) {
      poisonRuntimeOf(tree, e);
      this.healthy(false);
      return false;
    }
  }

  /** Frees a tree's wasm memory; a tree of a replaced runtime is left to be dropped with it. */
  release(tree: Tree | undefined): void {
    if (!tree || !this.owns(tree)) return;
    try {
      tree.delete();
    } catch (e) {
      poisonRuntimeOf(tree, e);
      this.healthy(false);
    }
  }

  /** Compiled once per source string and runtime; queries live in wasm memory and are never freed. */
  query(source: string): Query {
    const runtime = this.healthy();
    let q = this.queries.get(source);
    if (!q) {
      q = new runtime.lib.Query(runtime.language, source);
      this.queries.set(source, q);
    }
    return q;
  }

  /**
   * The current runtime if it is healthy. A poisoned one is dropped here and its replacement
   * started; until it is up, `required` callers get a `ParseFailure`.
   */
  private healthy(required?: true): TreeSitterRuntime;
  private healthy(required: false): TreeSitterRuntime | undefined;
  private healthy(required = true): TreeSitterRuntime | undefined {
    if (this.runtime?.poisoned) {
      // Nothing is freed in the broken memory: the runtime and everything in it become garbage together.
      this.runtime = undefined;
      this.parser = undefined;
      this.queries = new Map();
      this.restart();
    }
    if (!this.runtime && required) throw new ParseFailure('the parser is restarting after a failure on another file', 'parser-restarting');
    return this.runtime;
  }

  private restart(): void {
    if (this.restarting) return;
    this.restarts++;
    const attempt = async (): Promise<void> => {
      for (;;) {
        try {
          this.install(await TreeSitterRuntime.create());
          return;
        } catch {
          // Creating a runtime only fails when memory is short: try again shortly.
          await new Promise((r) => setTimeout(r, 200));
        }
      }
    };
    this.restarting = attempt().then(() => {
      this.restarting = undefined;
      for (const listener of this.restartListeners) {
        try {
          listener();
        } catch {
          // A listener's failure is its own.
        }
      }
    });
  }

  private install(runtime: TreeSitterRuntime): void {
    const parser = new runtime.lib.Parser();
    parser.setLanguage(runtime.language);
    this.runtime = runtime;
    this.parser = parser;
  }
}

/** True when the tree has ERROR or MISSING nodes anywhere. */
export function hasSyntaxErrors(tree: Tree): boolean {
  return tree.rootNode.hasError;
}

export function countSyntaxErrors(root: TreeSitterNode): number {
  let n = 0;
  let cursor: ReturnType<TreeSitterNode['walk']> | undefined;
  try {
    cursor = root.walk();
    let descend = true;
    for (;;) {
      if (descend) {
        const node = cursor.currentNode;
        if (node.isError || node.isMissing) n++;
        if (node.hasError && cursor.gotoFirstChild()) continue;
      }
      if (cursor.gotoNextSibling()) { descend = true; continue; }
      if (!cursor.gotoParent()) break;
      descend = false;
    }
    cursor.delete();
  } catch (e) {
    poisonRuntimeOf(root.tree, e);
    throw new ParseFailure(`the parser failed on this file (${messageOf(e)}) and was restarted`, 'parser-crashed');
  }
  return n;
}
