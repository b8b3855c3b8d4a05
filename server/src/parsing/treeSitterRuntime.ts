import * as fs from 'node:fs';
import * as path from 'node:path';
import * as vm from 'node:vm';
import type * as TreeSitter from 'web-tree-sitter';
import { registerCursorExports } from './treeWalker';

/**
 * One independent copy of web-tree-sitter: its own wasm instance and memory, its own Parser and
 * Language classes.
 *
 * web-tree-sitter keeps its wasm module in a module-global (`Parser.init` replaces it for every
 * object, old trees included), so a trap that corrupts that memory cannot be recovered by calling
 * `init` again: old trees and finalizers would then free their addresses in the new memory. Each
 * runtime here is a fresh evaluation of the library's CommonJS file, so a poisoned one is simply
 * dropped. Its finalizers are switched off once it is poisoned (they would call into the broken
 * memory when the garbage collector runs them) and never throw.
 */
export class TreeSitterRuntime {
  private static source: { file: string; code: string } | undefined;
  private static grammar: Uint8Array | undefined;
  private poisonReason: string | undefined;

  private constructor(
    readonly lib: typeof TreeSitter,
    readonly language: TreeSitter.Language,
  ) {}

  get poisoned(): boolean {
    return this.poisonReason !== undefined;
  }

  get reason(): string | undefined {
    return this.poisonReason;
  }

  /** After this, nothing calls into this runtime's wasm again (not even its finalizers). */
  poison(reason: string): void {
    this.poisonReason ??= reason;
  }

  static async create(): Promise<TreeSitterRuntime> {
    const holder: { runtime?: TreeSitterRuntime } = {};
    const lib = evaluateLibrary(() => holder.runtime?.poisoned ?? false);
    const runtimeWasm = locate('web-tree-sitter.wasm', 'web-tree-sitter/web-tree-sitter.wasm');
    // Parser.init fills this object in as the library's emscripten module (its exports and heap views).
    const module = { locateFile: () => runtimeWasm };
    await lib.Parser.init(module);
    // Read once: Language.load would otherwise import('fs/promises'), which a vm-compiled function cannot do.
    TreeSitterRuntime.grammar ??= fs.readFileSync(locate('tree-sitter-python.wasm', 'tree-sitter-python/tree-sitter-python.wasm'));
    const language = await lib.Language.load(TreeSitterRuntime.grammar);
    registerCursorExports(language, module);
    holder.runtime = new TreeSitterRuntime(lib, language);
    return holder.runtime;
  }

  /** @internal */
  static librarySource(): { file: string; code: string } {
    if (!TreeSitterRuntime.source) {
      const file = locate('web-tree-sitter.cjs', 'web-tree-sitter');
      TreeSitterRuntime.source = { file, code: fs.readFileSync(file, 'utf8') };
    }
    return TreeSitterRuntime.source;
  }
}

/** Finds a file beside the bundle (dist/) or, when running from sources, in node_modules. */
function locate(fileName: string, packagePath: string): string {
  const beside = path.join(__dirname, fileName);
  if (fs.existsSync(beside)) return beside;
  return require.resolve(packagePath);
}

function evaluateLibrary(isPoisoned: () => boolean): typeof TreeSitter {
  const { file, code } = TreeSitterRuntime.librarySource();
  /** The library's finalizers, muted once the runtime is poisoned and never allowed to throw from the collector. */
  class GuardedRegistry<T> extends FinalizationRegistry<T> {
    constructor(cleanup: (held: T) => void) {
      super((held) => {
        if (isPoisoned()) return;
        try {
          cleanup(held);
        } catch {
          // A finalizer that traps: the next parse finds the runtime broken and replaces it.
        }
      });
    }
  }
  const fn = vm.compileFunction(code, ['exports', 'require', 'module', '__filename', '__dirname', 'FinalizationRegistry'], { filename: file });
  const module = { exports: {} as typeof TreeSitter };
  fn.call(module.exports, module.exports, require, module, file, path.dirname(file), GuardedRegistry);
  return module.exports;
}
