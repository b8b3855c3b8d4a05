import type { Language, Node as TreeSitterNode, Parser, Query, Tree } from 'web-tree-sitter';
import { blankedLinesAreGaps, blankLongCommentRuns } from './commentRuns';
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
export function scannerIndentWidths(text: string): Int32Array {
  const starts = lineStartsOf(text);
  const count = starts.length;
  const value = new Int32Array(count + 1).fill(-1);
  // clean[i]: no reset (\r, \f, a blank or comment line) from line i's start to its width, so a
  // backslash-joined line before it adds to it.
  const clean = new Uint8Array(count + 1);
  // Backwards, so the line a blank line, a comment or a backslash-join leads to is already known.
  for (let li = count - 1; li >= 0; li--) {
    const m = measureLine(text, starts[li], value[li + 1], clean[li + 1]);
    value[li] = m.value;
    clean[li] = m.clean;
  }
  return value.subarray(0, count);
}

/** Offsets where lines start, as the scanner splits them (at \n only). */
function lineStartsOf(text: string): number[] {
  const starts: number[] = [0];
  for (let i = text.indexOf('\n'); i >= 0; i = text.indexOf('\n', i + 1)) starts.push(i + 1);
  return starts;
}

/**
 * One line of `scannerIndentWidths`: its width and whether it is clean, given the next line's.
 * `dependsOnNext`: blank, comment-only and backslash-joined lines take the next line's width.
 */
function measureLine(text: string, start: number, nextValue: number, nextClean: number): { value: number; clean: number; dependsOnNext: boolean } {
  let w = 0;
  let ok = 1;
  const n = text.length;
  for (let i = start; ; i++) {
    if (i >= n) return { value: -1, clean: 0, dependsOnNext: false }; // end of file: width 0, which never opens a block
    const c = text.charCodeAt(i);
    if (c === 32) w++;
    else if (c === 9) w += 8;
    else if (c === 13 || c === 12) {
      w = 0;
      ok = 0;
    } else if (c === 10 || c === 35) {
      // A blank or comment-only line: the scanner resets and measures the next line.
      return { value: nextValue, clean: 0, dependsOnNext: true };
    } else if (c === 92) {
      let k = i + 1;
      if (text.charCodeAt(k) === 13) k++;
      if (text.charCodeAt(k) === 10 && nextValue >= 0) {
        return { value: nextClean ? (w + nextValue) & 0xffff : nextValue, clean: ok & nextClean, dependsOnNext: true };
      }
      return { value: -1, clean: 0, dependsOnNext: text.charCodeAt(k) === 10 };
    } else return { value: w & 0xffff, clean: ok, dependsOnNext: false };
  }
}

/**
 * The scanner's line widths of an open document, kept up to date edit by edit: a keystroke
 * re-measures the lines it touched (and the blank, comment and backslash lines before them, which
 * take their width from the next line), not the whole text. `bound()` is an upper bound on the
 * indent stack's depth that costs nothing while the file has few distinct widths (real code has a
 * dozen); only past `MAX_INDENT_LEVELS` distinct widths is the exact count taken, over the widths.
 */
export class IndentProfile {
  private starts: number[];
  private values: number[];
  private cleans: number[];
  /** How many lines have each positive width. */
  private readonly widths = new Map<number, number>();

  constructor(text: string) {
    this.starts = lineStartsOf(text);
    const count = this.starts.length;
    this.values = new Array<number>(count);
    this.cleans = new Array<number>(count);
    this.measure(text, 0, count - 1);
  }

  /** `[start, oldEnd)` of the text became `inserted`; `text` is the whole new text. */
  edit(start: number, oldEnd: number, inserted: string, text: string): void {
    const delta = inserted.length - (oldEnd - start);
    // Lines whose start lies in (start, oldEnd] are gone; the line holding `start` is re-measured.
    const first = this.lineAt(start);
    let last = first;
    while (last + 1 < this.starts.length && this.starts[last + 1] <= oldEnd) last++;
    const added: number[] = [];
    for (let i = inserted.indexOf('\n'); i >= 0; i = inserted.indexOf('\n', i + 1)) added.push(start + i + 1);
    for (let li = first; li <= last; li++) this.count(this.values[li], -1);
    this.starts.splice(first + 1, last - first, ...added);
    for (let i = first + 1 + added.length; i < this.starts.length; i++) this.starts[i] += delta;
    const fresh = new Array<number>(added.length + 1).fill(-1);
    this.values.splice(first, last - first + 1, ...fresh);
    this.cleans.splice(first, last - first + 1, ...fresh.map(() => 0));
    this.measure(text, first, first + added.length);
  }

  /** An upper bound on the indent stack's depth (exact once the file has many distinct widths). */
  bound(limit: number): number {
    if (this.widths.size <= limit) return this.widths.size;
    return longestIncreasing(this.values, limit);
  }

  /** The widths, line by line (for tests: the same as `scannerIndentWidths` of the text). */
  lineWidths(): number[] {
    return [...this.values];
  }

  /** Measures lines `from..to`, then the lines before them that take their width from the next line. */
  private measure(text: string, from: number, to: number): void {
    const count = this.starts.length;
    for (let li = to; li >= 0; li--) {
      const next = li + 1 < count ? this.values[li + 1] : -1;
      const nextClean = li + 1 < count ? this.cleans[li + 1] : 0;
      const old = li < from || li > to ? this.values[li] : undefined;
      const m = measureLine(text, this.starts[li], next, nextClean);
      if (li < from && old === m.value && this.cleans[li] === m.clean) break;
      if (old !== undefined) this.count(old, -1);
      this.values[li] = m.value;
      this.cleans[li] = m.clean;
      this.count(m.value, 1);
    }
  }

  private count(width: number, by: number): void {
    if (width <= 0) return;
    const n = (this.widths.get(width) ?? 0) + by;
    if (n > 0) this.widths.set(width, n);
    else this.widths.delete(width);
  }

  private lineAt(offset: number): number {
    let lo = 0;
    let hi = this.starts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >>> 1;
      if (this.starts[mid] <= offset) lo = mid;
      else hi = mid - 1;
    }
    return lo;
  }
}

/** The longest strictly increasing run of positive widths, in order (stops counting past `limit`). */
function longestIncreasing(widths: ArrayLike<number>, limit = Infinity): number {
  const tails: number[] = [];
  for (let i = 0; i < widths.length; i++) {
    const v = widths[i];
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

/**
 * An upper bound on the depth of tree-sitter-python's indent stack for `text`: the scanner only
 * pushes a width larger than the one on top, so the stack is always an increasing subsequence of
 * the widths it measured, in text order; its depth is at most the longest such subsequence of the
 * widths of every line (brackets, strings and the grammar can only make it shallower).
 * Stops counting once past `limit`.
 */
export function indentLevels(text: string, limit = Infinity): number {
  return longestIncreasing(scannerIndentWidths(text), limit);
}

/** Why `parse` would refuse `text` without calling the parser (nested too deep), if it would. */
function refusal(text: string): ParseFailure | undefined {
  if (indentLevels(text, MAX_INDENT_LEVELS) <= MAX_INDENT_LEVELS) return undefined;
  return new ParseFailure(
    `blocks nest more than ${MAX_INDENT_LEVELS} levels deep (as tree-sitter-python counts indentation), beyond what its parser survives`,
    'too-deep',
  );
}

/**
 * True when the process parser would parse `text` with nothing to report about it: a caller that
 * needs no tree for such text (the CLI on a file with nothing of Spark in it) may skip loading the
 * parser. Text the guard refuses is still parsed, so that it is reported as not analysed.
 */
export function parsesQuietly(text: string): boolean {
  return process.env.PYSPARK_ARCHITECT_TEST_UNGUARDED !== '1' && !refusal(text);
}

/** Trees parsed from text with comment runs blanked (`commentRuns.ts`). */
const blankedTrees = new WeakSet<Tree>();

let inputReads = 0;

/**
 * What web-tree-sitter does with a string (each chunk is the rest of the text from where the lexer
 * is; it copies what fits its buffer), counting the chunks asked for: the lexer asks again each
 * time it moves out of its chunk, so reading ahead and back shows in the count (tests count it).
 */
function readerOf(text: string): (index: number) => string {
  return (index) => {
    inputReads++;
    return text.slice(index);
  };
}

/** How many chunks of text the parser has read in this process (a measure of its work: tests). */
export function parserInputReads(): number {
  return inputReads;
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

  /** Resolves when a healthy runtime is installed (at once, unless one is being replaced or was let go by `renew`). */
  async ready(): Promise<void> {
    this.healthy(false);
    if (!this.runtime && !this.restarting) {
      this.restarting = TreeSitterRuntime.create().then(
        (runtime) => {
          this.install(runtime);
          this.restarting = undefined;
        },
        () => {
          // Creating a runtime fails only when memory is short: made again, as after a failure.
          this.restarting = undefined;
          this.restart();
        },
      );
    }
    while (this.restarting) await this.restarting;
  }

  /**
   * Lets go of the runtime, so that its wasm memory is given back once collected: it grows to the
   * largest tree parsed (some 37 bytes per character of text) and never shrinks. The next `ready()`
   * makes a fresh one (tens of milliseconds). Every tree of this runtime must have been released
   * (a copy of it, `syntaxTreeOf`, stays usable). The CLI calls it after a very large file.
   */
  renew(): void {
    if (!this.runtime || this.runtime.poisoned || this.restarting) return;
    this.dropRuntime();
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
  parse(text: string, oldTree?: Tree, indent?: IndentProfile): Tree {
    // An open document's profile answers without reading the text, unless the file is near the limit.
    const refused = this.indentGuard && !(indent && indent.bound(MAX_INDENT_LEVELS) <= MAX_INDENT_LEVELS) ? refusal(text) : undefined;
    if (refused) throw refused;
    const runtime = this.healthy();
    const parser = this.parser!;
    try {
      // Long comment runs go in blank (commentRuns.ts); a tree of such text is never reused, nor
      // is a tree reused for such text: the blanked lines are not among the caller's edits.
      const blanked = blankLongCommentRuns(text);
      const reuse = oldTree && !blanked && !blankedTrees.has(oldTree) && this.owns(oldTree) ? oldTree : null;
      let tree = parser.parse(readerOf(blanked?.text ?? text), reuse);
      if (tree && blanked) {
        if (blankedLinesAreGaps(tree, blanked.ranges)) blankedTrees.add(tree);
        else {
          tree.delete();
          tree = parser.parse(readerOf(text), null);
        }
      }
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
      this.dropRuntime();
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

  /** The runtime goes, and with it the parser and the compiled queries that live in its memory. */
  private dropRuntime(): void {
    this.runtime = undefined;
    this.parser = undefined;
    this.queries = new Map();
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
      if (cursor.gotoNextSibling()) {
        descend = true;
        continue;
      }
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
