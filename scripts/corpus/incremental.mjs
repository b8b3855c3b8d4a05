// The editor's incremental analysis on real code: random edit sequences over corpus files, each
// version analysed from the previous version's model, as the language server does, and compared with a
// fresh parse and analysis of the same text (findings, fixes, related locations, graph fragment, the
// model itself), the property test/unit/incrementalAnalysis.test.ts checks on the fixtures:
//   node scripts/corpus/incremental.mjs --manifest FILE --out DIR [--files N] [--runs N] [--seed N] [--max-lines N]
// (after `npx tsc -b && npx tsc -p test/tsconfig.json`; DIR is a corpus folder run.mjs rebuilt, or
// one this script rebuilds). Draws N .py files of at most --max-lines lines (seeded), runs the
// property on each alone, and prints each file whose shrunk counterexample differs; exit status 1 if any.
import { readFileSync } from 'node:fs';
import { rng } from '../bench/generate.mjs';
import { corpusFiles, corpusOptions, fromOut } from './fromOut.mjs';

const out = (path) => fromOut('incremental', path);
const { everyEditEqualsFresh } = out('test/unit/analysisOutcome.js');
const { asChange, edit } = out('test/unit/editArbitraries.js');
const { loadParser } = out('test/unit/helpers.js');

const { opt, dir, manifest } = corpusOptions();
const wanted = Number(opt('--files', 60));
const numRuns = Number(opt('--runs', 8));
const seed = Number(opt('--seed', 1717));
const maxLines = Number(opt('--max-lines', 1500));

const candidates = [];
for (const { repo, rel, file } of corpusFiles(manifest, dir)) {
  if (!rel.endsWith('.py')) continue;
  const text = readFileSync(file, 'utf8');
  if (text.split('\n').length <= maxLines) candidates.push([`${repo}/${rel}`, text]);
}
// The same files for the same seed, whatever the machine (the bench generator's mulberry32).
const draw = rng(seed).next;
for (let i = candidates.length - 1; i > 0; i--) {
  const j = Math.floor(draw() * (i + 1));
  [candidates[i], candidates[j]] = [candidates[j], candidates[i]];
}
const files = candidates.slice(0, wanted);

const parser = await loadParser();
const sequences = { edits: edit, toChanges: (text, e) => [asChange(text, e)], extras: ['none', 'none', 'kept', 'lost'], maxEdits: 5 };
let analyses = 0;
let resumed = 0;
let replaying = 0;
let replayed = 0;
// Replays at another first free frame id (frames copied with their ids moved, server/src/model/journalShift.ts).
let shiftedFunctions = 0;
let shiftedStatements = 0;
// Replays whose reads held only through what a replay before them copied (the cascade, `Translation`), and the objects the copies walked.
let translatedFunctions = 0;
let translatedStatements = 0;
let walkedObjects = 0;
const failed = [];
for (const [k, file] of files.entries()) {
  try {
    everyEditEqualsFresh(parser, [file], sequences, { seed: seed + k, numRuns }, (incremental) => {
      analyses++;
      if (incremental.resumedStatements) resumed++;
      if (incremental.replayedStatements) replaying++;
      replayed += incremental.replayedStatements ?? 0;
      shiftedFunctions += incremental.shiftedFunctions ?? 0;
      shiftedStatements += incremental.shiftedStatements ?? 0;
      translatedFunctions += incremental.translatedFunctions ?? 0;
      translatedStatements += incremental.translatedStatements ?? 0;
      walkedObjects += incremental.walkedObjects ?? 0;
    });
  } catch (e) {
    failed.push(file[0]);
    console.log(`DIFFERS ${file[0]}\n${String(e?.message ?? e).slice(0, 3000)}\n`);
  }
}
console.log(
  `${files.length} files (of ${candidates.length} .py files up to ${maxLines} lines), ${numRuns} edit sequences each: ${analyses} analyses compared, ${resumed} resumed a previous model, ${replaying} replayed top-level statements (${replayed} in all); replayed at a moved first frame id: ${shiftedFunctions} function analyses, ${shiftedStatements} statements; reading copies: ${translatedFunctions} function analyses, ${translatedStatements} statements; objects walked by the copies ${walkedObjects}; ${failed.length} files differ`,
);
process.exitCode = failed.length ? 1 : 0;
