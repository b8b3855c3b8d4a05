// The editor's incremental analysis on real code: random edit sequences over corpus files, each
// version analysed from the previous version's model, as the language server does, and compared with a
// fresh parse and analysis of the same text (findings, fixes, related locations, graph fragment, the
// model itself), the property test/unit/incrementalAnalysis.test.ts checks on the fixtures:
//   node scripts/corpus/incremental.mjs --manifest FILE --out DIR [--files N] [--runs N] [--seed N] [--max-lines N]
// (after `npx tsc -b && npx tsc -p test/tsconfig.json`; DIR is a corpus folder run.mjs rebuilt, or
// one this script rebuilds). Draws N .py files of at most --max-lines lines (seeded), runs the
// property on each alone, and prints each file whose shrunk counterexample differs; exit status 1 if any.
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { repoFolder } from './mirror.mjs';
import { isCurrent, MANIFEST, rebuild } from './rebuild.mjs';

const here = dirname(fileURLToPath(import.meta.url));
const root = resolve(here, '../..');
const require = createRequire(import.meta.url);
const out = (p) => join(root, 'out', p);
if (!existsSync(out('test/unit/editArbitraries.js'))) {
  console.error('incremental: build first (npx tsc -b && npx tsc -p test/tsconfig.json)');
  process.exit(2);
}
const { everyEditEqualsFresh } = require(out('test/unit/analysisOutcome.js'));
const { asChange, edit } = require(out('test/unit/editArbitraries.js'));
const { loadParser } = require(out('test/unit/helpers.js'));

const args = process.argv.slice(2);
const opt = (name, fallback) => {
  const i = args.indexOf(name);
  return i >= 0 && i + 1 < args.length ? args[i + 1] : fallback;
};
const manifestFile = resolve(opt('--manifest', MANIFEST));
const dir = resolve(opt('--out', '/work/corpus-dev'));
const wanted = Number(opt('--files', 60));
const numRuns = Number(opt('--runs', 8));
const seed = Number(opt('--seed', 1717));
const maxLines = Number(opt('--max-lines', 1500));

if (!isCurrent(dir, manifestFile)) {
  console.log(`the corpus under ${dir} is not the manifest's: rebuilding`);
  rebuild({ out: dir, manifest: manifestFile });
}

/** mulberry32: the same files for the same seed, whatever the machine. */
function random(a) {
  return () => {
    a |= 0;
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const manifest = JSON.parse(readFileSync(manifestFile, 'utf8'));
const candidates = [];
for (const { repo, files } of manifest.repos) {
  for (const rel of files) {
    const file = join(dir, repoFolder(repo), rel);
    if (!rel.endsWith('.py') || !existsSync(file)) continue;
    const text = readFileSync(file, 'utf8');
    if (text.split('\n').length <= maxLines) candidates.push([`${repo}/${rel}`, text]);
  }
}
const draw = random(seed);
for (let i = candidates.length - 1; i > 0; i--) {
  const j = Math.floor(draw() * (i + 1));
  [candidates[i], candidates[j]] = [candidates[j], candidates[i]];
}
const files = candidates.slice(0, wanted);

const parser = await loadParser();
const sequences = { edits: edit, toChanges: (text, e) => [asChange(text, e)], extras: ['none', 'none', 'kept', 'lost'], maxEdits: 5 };
let analyses = 0;
let resumed = 0;
const failed = [];
for (const [k, file] of files.entries()) {
  try {
    everyEditEqualsFresh(parser, [file], sequences, { seed: seed + k, numRuns }, (incremental) => {
      analyses++;
      if (incremental.resumedStatements) resumed++;
    });
  } catch (e) {
    failed.push(file[0]);
    console.log(`DIFFERS ${file[0]}\n${String(e?.message ?? e).slice(0, 3000)}\n`);
  }
}
console.log(
  `${files.length} files (of ${candidates.length} .py files up to ${maxLines} lines), ${numRuns} edit sequences each: ${analyses} analyses compared, ${resumed} resumed a previous model; ${failed.length} files differ`,
);
process.exitCode = failed.length ? 1 : 0;
