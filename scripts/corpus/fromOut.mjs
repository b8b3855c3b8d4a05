// What the corpus checks that run the engine from `out/` share (fixes.mjs, incremental.mjs): the compiled
// engine and test helpers, the command line's corpus options, and the corpus's files.
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { repoFolder } from './mirror.mjs';
import { isCurrent, MANIFEST, rebuild } from './rebuild.mjs';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const require = createRequire(import.meta.url);

/** A module of `out/` (`server/src/analysis.js`); `name` says which script asked when `out/` is not built. */
export function fromOut(name, path) {
  const file = join(root, 'out', path);
  if (!existsSync(file)) {
    console.error(`${name}: build first (npx tsc -b && npx tsc -p test/tsconfig.json)`);
    process.exit(2);
  }
  return require(file);
}

/**
 * `--manifest F --out DIR` and the other `--name value` options; the corpus under DIR rebuilt from the
 * mirrors when it is not the manifest's.
 */
export function corpusOptions(args = process.argv.slice(2)) {
  const opt = (name, fallback) => {
    const i = args.indexOf(name);
    return i >= 0 && i + 1 < args.length ? args[i + 1] : fallback;
  };
  const manifestFile = resolve(opt('--manifest', MANIFEST));
  const dir = resolve(opt('--out', '/work/corpus-dev'));
  if (!isCurrent(dir, manifestFile)) {
    console.log(`the corpus under ${dir} is not the manifest's: rebuilding`);
    rebuild({ out: dir, manifest: manifestFile });
  }
  return { opt, dir, manifest: JSON.parse(readFileSync(manifestFile, 'utf8')) };
}

/** The manifest's files present under `dir`, in its order: `{ repo, rel, file }` (`only`: one repository's). */
export function* corpusFiles(manifest, dir, only) {
  for (const { repo, files } of manifest.repos) {
    if (only && repo !== only) continue;
    for (const rel of files) {
      const file = join(dir, repoFolder(repo), rel);
      if (existsSync(file)) yield { repo, rel, file };
    }
  }
}
