import * as fs from 'node:fs';
import * as path from 'node:path';
import { Language, Parser, Query } from 'web-tree-sitter';
import type { Node, Tree } from 'web-tree-sitter';

export type { Node, Tree };

/** Finds a wasm file beside the bundle (dist/) or, when running from sources, in node_modules. */
function locateWasm(fileName: string, packagePath: string): string {
  const beside = path.join(__dirname, fileName);
  if (fs.existsSync(beside)) return beside;
  return require.resolve(packagePath);
}

let ready: Promise<PythonParser> | undefined;

/**
 * One parser and one compiled language for the whole process: creating either costs wasm memory
 * and milliseconds, and both are reusable across documents.
 */
export class PythonParser {
  private readonly parser: Parser;
  private readonly queries = new Map<string, Query>();

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

  /** Parses `text`, reusing `oldTree` (already `edit`ed by the caller) when given. */
  parse(text: string, oldTree?: Tree): Tree {
    const tree = this.parser.parse(text, oldTree ?? null);
    if (!tree) throw new Error('tree-sitter returned no tree');
    return tree;
  }

  /** Compiled once per source string; queries live in wasm memory and are never freed. */
  query(source: string): Query {
    let q = this.queries.get(source);
    if (!q) {
      q = new Query(this.language, source);
      this.queries.set(source, q);
    }
    return q;
  }
}

/** True when the tree has ERROR or MISSING nodes anywhere. */
export function hasSyntaxErrors(tree: Tree): boolean {
  return tree.rootNode.hasError;
}

export function countSyntaxErrors(root: Node): number {
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
