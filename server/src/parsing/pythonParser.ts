import * as fs from 'node:fs';
import * as path from 'node:path';
import { Language, Parser } from 'web-tree-sitter';
import type { Node as TreeSitterNode, Tree } from 'web-tree-sitter';
import type { SyntaxNode } from './syntaxTree';

/** The engine reads the plain-JS copy of a tree (`syntaxTree.ts`), not web-tree-sitter's nodes. */
export type Node = SyntaxNode;
export type { Tree };

/** Finds a wasm file beside the bundle (dist/) or, when running from sources, in node_modules. */
function locateWasm(fileName: string, packagePath: string): string {
  const beside = path.join(__dirname, fileName);
  if (fs.existsSync(beside)) return beside;
  return require.resolve(packagePath);
}

let ready: Promise<PythonParser> | undefined;

/**
 * tree-sitter-python's external scanner serializes its indent stack at 2 bytes a level after up to
 * 257 bytes of string-delimiter state into a 1024-byte buffer, checking the bound only every 2 bytes:
 * at about 383-511 nested blocks it writes one byte past the buffer, which corrupts wasm memory so
 * that this parse and every later one fail with "memory access out of bounds". Real code never
 * nests blocks this deep; such text is not parsed (see `PythonParser.parse`).
 */
export const MAX_INDENT_LEVELS = 380;

/** Trees standing in for text that was not parsed: never reused as an incremental base. */
const placeholders = new WeakSet<Tree>();

/**
 * An upper bound on the scanner's indent-stack depth: distinct increasing indentation widths of
 * non-blank lines, as a stack (lines inside brackets count too, so this may overestimate).
 * Stops counting once past `limit`.
 */
export function indentLevels(text: string, limit = Infinity): number {
  const stack: number[] = [0];
  let max = 0;
  let i = 0;
  const n = text.length;
  while (i < n) {
    let width = 0;
    for (; i < n; i++) {
      const c = text.charCodeAt(i);
      if (c === 32) width++;
      else if (c === 9) width += 8 - (width % 8);
      else if (c === 12) width = 0;
      else break;
    }
    const c = i < n ? text.charCodeAt(i) : 10;
    if (c !== 10 && c !== 13 && c !== 35) {
      while (width < stack[stack.length - 1]) stack.pop();
      if (width > stack[stack.length - 1]) {
        stack.push(width);
        if (stack.length - 1 > max && (max = stack.length - 1) > limit) return max;
      }
    }
    // Next physical line (\n, \r\n or a lone \r).
    while (i < n) {
      const d = text.charCodeAt(i++);
      if (d === 10) break;
      if (d === 13) {
        if (text.charCodeAt(i) === 10) i++;
        break;
      }
    }
  }
  return max;
}

/**
 * One parser and one compiled language for the whole process: creating either costs wasm memory
 * and milliseconds, and both are reusable across documents.
 */
export class PythonParser {
  private readonly parser: Parser;

  private constructor(readonly language: Language) {
    this.parser = new Parser();
    this.parser.setLanguage(language);
  }

  static load(): Promise<PythonParser> {
    ready ??= (async () => {
      const runtime = locateWasm('web-tree-sitter.wasm', 'web-tree-sitter/web-tree-sitter.wasm');
      await Parser.init({ locateFile: () => runtime });
      const language = await Language.load(locateWasm('tree-sitter-python.wasm', 'tree-sitter-python/tree-sitter-python.wasm'));
      return new PythonParser(language);
    })();
    return ready;
  }

  /**
   * Parses `text`, reusing `oldTree` (already `edit`ed by the caller) when given. Text nested
   * deeper than the grammar's scanner can survive (see `MAX_INDENT_LEVELS`) gets the tree of an
   * empty module instead: nothing is analysed, and the parser stays usable for every other file.
   */
  parse(text: string, oldTree?: Tree): Tree {
    if (indentLevels(text, MAX_INDENT_LEVELS) > MAX_INDENT_LEVELS) {
      const empty = this.parser.parse('', null);
      if (!empty) throw new Error('tree-sitter returned no tree');
      placeholders.add(empty);
      return empty;
    }
    const tree = this.parser.parse(text, oldTree && !placeholders.has(oldTree) ? oldTree : null);
    if (!tree) throw new Error('tree-sitter returned no tree');
    return tree;
  }
}

/** True when the tree has ERROR or MISSING nodes anywhere. */
export function hasSyntaxErrors(tree: Tree): boolean {
  return tree.rootNode.hasError;
}

export function countSyntaxErrors(root: TreeSitterNode): number {
  let n = 0;
  const cursor = root.walk();
  try {
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
  } finally {
    cursor.delete();
  }
  return n;
}
