// Generates snippets/pyspark.json from snippets/src/snippets.ts, whose bodies are built with the
// same template functions the quick fixes use (server/src/templates.ts), so the two cannot drift.
// Run by scripts/build.mjs; `node scripts/generate-snippets.mjs --check` fails when the JSON is stale.
import * as esbuild from 'esbuild';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const root = path.dirname(path.dirname(fileURLToPath(import.meta.url)));
const source = path.join(root, 'snippets/src/snippets.ts');
const target = path.join(root, 'snippets/pyspark.json');

/** The snippets as VS Code reads them: pretty JSON with a final newline. */
export async function renderSnippets() {
  const bundle = await esbuild.build({
    entryPoints: [source],
    bundle: true,
    platform: 'node',
    format: 'cjs',
    target: 'node18',
    write: false,
    logLevel: 'warning',
  });
  const module = { exports: {} };
  // The bundle is our own code: evaluate it as a CommonJS module instead of writing a temp file.
  new Function('module', 'exports', 'require', bundle.outputFiles[0].text)(module, module.exports, createRequire(source));
  return JSON.stringify(module.exports.snippets, null, 2) + '\n';
}

/** Writes snippets/pyspark.json when it changed; with `check`, returns false instead of writing. */
export async function generateSnippets({ check = false } = {}) {
  const json = await renderSnippets();
  const current = existsSync(target) ? readFileSync(target, 'utf8') : undefined;
  if (current === json) return true;
  if (check) return false;
  writeFileSync(target, json);
  return true;
}

if (process.argv[1] && import.meta.url === pathToFileURL(path.resolve(process.argv[1])).href) {
  const check = process.argv.includes('--check');
  if (!(await generateSnippets({ check }))) {
    console.error('snippets/pyspark.json is out of date: run `node scripts/generate-snippets.mjs`.');
    process.exit(1);
  }
}
