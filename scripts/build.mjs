// Bundles client, server and CLI with esbuild and puts the two wasm files beside them.
import * as esbuild from 'esbuild';
import { chmodSync, copyFileSync, cpSync, existsSync, mkdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';

const require = createRequire(import.meta.url);
const root = path.dirname(path.dirname(new URL(import.meta.url).pathname));
const dist = path.join(root, 'dist');
mkdirSync(dist, { recursive: true });
await (await import('./generate-snippets.mjs')).generateSnippets(); // snippets/pyspark.json from snippets/src

// web-tree-sitter is not bundled: the server evaluates a fresh copy of its CommonJS file for each
// parser runtime (server/src/parsing/treeSitterRuntime.ts), so it ships beside the bundles.
const treeSitterCjs = require.resolve('web-tree-sitter');
const common = {
  bundle: true,
  platform: 'node',
  format: 'cjs',
  target: 'node18',
  sourcemap: true,
  logLevel: 'warning',
  // jsonc-parser's main entry is UMD, whose inner requires esbuild cannot follow: take its ESM build.
  // immutable's main entry is UMD too; its ESM build lets esbuild leave out what the engine does not use.
  alias: {
    'web-tree-sitter': treeSitterCjs,
    'jsonc-parser': require.resolve('jsonc-parser/lib/esm/main.js'),
    immutable: require.resolve('immutable/dist/immutable.es.js'),
  },
};

/**
 * The CLI is two bundles: cli.js (arguments, files, reports, the worker pool) requires
 * `./cliEngine` only when a file needs parsing, so that require stays a require of the file beside
 * it instead of pulling the engine into cli.js. Startup on files with nothing of Spark in them is
 * then Node's own (issue 18).
 */
const cliEngineApart = {
  name: 'cli-engine-apart',
  setup(build) {
    build.onResolve({ filter: /^\.\/cliEngine(\.js)?$/ }, () => ({ path: './cliEngine.js', external: true }));
    // The linear-time regex engine (user patterns in --config and pyproject.toml, required on first
    // use) is the engine bundle's copy: a fifth of a megabyte cli.js would otherwise compile at every start.
    build.onResolve({ filter: /^re2js$/ }, () => ({ path: 're2js', namespace: 'cli-engine' }));
    build.onLoad({ filter: /.*/, namespace: 'cli-engine' }, () => ({ contents: "module.exports = require('./cliEngine.js');", loader: 'js' }));
  },
};

const configs = [
  { ...common, entryPoints: [path.join(root, 'client/src/extension.ts')], outfile: path.join(dist, 'extension.js'), external: ['vscode'] },
  { ...common, entryPoints: [path.join(root, 'server/src/main.ts')], outfile: path.join(dist, 'server.js') },
  {
    ...common,
    entryPoints: [path.join(root, 'server/src/cli/main.ts')],
    outfile: path.join(dist, 'cli.js'),
    banner: { js: '#!/usr/bin/env node' },
    plugins: [cliEngineApart],
  },
  // What cli.js loads on first need (main.ts `engine()`): the rules, the parser, the language server.
  { ...common, entryPoints: [path.join(root, 'server/src/cli/cliEngine.ts')], outfile: path.join(dist, 'cliEngine.js') },
];
// The preview page, when present (webview/src/main.ts).
if (existsSync(path.join(root, 'webview/src/main.ts'))) {
  configs.push({
    bundle: true,
    platform: 'browser',
    format: 'iife',
    target: 'es2020',
    sourcemap: true,
    logLevel: 'warning',
    entryPoints: [path.join(root, 'webview/src/main.ts')],
    outfile: path.join(dist, 'webview.js'),
  });
}
// `--watch` (npm run watch): rebuild each bundle when one of its sources changes.
const watch = process.argv.includes('--watch');
if (watch) {
  for (const config of configs) await (await esbuild.context({ ...config, logLevel: 'info' })).watch();
} else {
  await Promise.all(configs.map((config) => esbuild.build(config)));
}
if (existsSync(path.join(root, 'webview/media'))) cpSync(path.join(root, 'webview/media'), dist, { recursive: true });

copyFileSync(treeSitterCjs, path.join(dist, 'web-tree-sitter.cjs'));
copyFileSync(require.resolve('web-tree-sitter/web-tree-sitter.wasm'), path.join(dist, 'web-tree-sitter.wasm'));
copyFileSync(require.resolve('tree-sitter-python/tree-sitter-python.wasm'), path.join(dist, 'tree-sitter-python.wasm'));
chmodSync(path.join(dist, 'cli.js'), 0o755);
