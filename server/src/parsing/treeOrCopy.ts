import type { Tree } from './pythonParser';
import { SyntaxTree, syntaxRoot, type SyntaxNode } from './syntaxTree';

/**
 * What the analysis reads a file from: its wasm tree (the JS copy is made or taken from the cache),
 * or the JS copy itself, taken beforehand so that the wasm tree and even the whole parser runtime
 * can be let go before the model and the rules run (the CLI after a very large file: wasm memory
 * never shrinks, only a dropped runtime gives it back).
 */
export type TreeOrCopy = Tree | SyntaxTree;

export function rootOf(tree: TreeOrCopy, text: string): SyntaxNode {
  if (!(tree instanceof SyntaxTree)) return syntaxRoot(tree, text);
  if (tree.text !== text) throw new Error('the syntax copy is of another text');
  return tree.root;
}
