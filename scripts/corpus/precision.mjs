// Precision of each rule on the development corpus, from the latest findings and the triage file:
//   npm run corpus:precision [-- --findings FILE] [--triage FILE]... [--markdown] [--write-untriaged FILE]
// Prints per rule: findings, TP, FP, debatable, untriaged, precision = TP/(TP+FP) and the strict
// figure TP/(TP+FP+debatable); then the untriaged findings, and the triaged true positives no
// longer reported (lost recall: exit status 1, each one is to be investigated or explained). On a
// run without --strict, true positives of the strict rules are listed apart: those rules did not run.
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { DEFAULT_OUT } from './mirror.mjs';
import { strictRuleCodes } from './strictRules.mjs';
import {
  FINDING_COLUMNS,
  formatPrecisionMarkdown,
  formatPrecisionText,
  joinTriage,
  parseTsv,
  precisionTable,
  TRIAGE_COLUMNS,
  triageProblems,
  triageTemplate,
} from './triage.mjs';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const args = process.argv.slice(2);

const USAGE = `usage: node scripts/corpus/precision.mjs [--findings FILE] [--triage FILE]... [--markdown] [--write-untriaged FILE]
  --findings FILE         a corpus run's findings.tsv (default ${join(DEFAULT_OUT, 'findings.tsv')})
  --triage FILE           a triage file; give several to pool them (default docs/accuracy/triage.tsv)
  --markdown              the table as markdown
  --write-untriaged FILE  the untriaged findings as triage rows with an empty label`;
// An unknown option used to be ignored, which scored the development corpus under another name.
const VALUED = new Set(['--findings', '--triage', '--write-untriaged']);
for (let i = 0; i < args.length; i++) {
  if (args[i] === '--help' || args[i] === '-h') {
    console.log(USAGE);
    process.exit(0);
  }
  if (VALUED.has(args[i]) && i + 1 < args.length) i++;
  else if (args[i] !== '--markdown') {
    console.error(`precision: unknown or incomplete argument ${args[i]}\n${USAGE}`);
    process.exit(2);
  }
}
const opt = (name, dflt) => (args.includes(name) ? args[args.indexOf(name) + 1] : dflt);
const findingsFile = opt('--findings', join(DEFAULT_OUT, 'findings.tsv'));
// --triage may be given several times (triage split by rule or by reviewer); rows are pooled.
const triageFiles = args.flatMap((a, i) => (a === '--triage' ? [args[i + 1]] : []));
if (!triageFiles.length) triageFiles.push(join(root, 'docs', 'accuracy', 'triage.tsv'));

if (!existsSync(findingsFile)) {
  console.error(`no findings table at ${findingsFile}: run \`npm run corpus\` first`);
  process.exit(2);
}
const findings = parseTsv(readFileSync(findingsFile, 'utf8'), FINDING_COLUMNS);
const triage = triageFiles.flatMap((file) => {
  if (!existsSync(file)) {
    console.error(`no triage file at ${file}`);
    return [];
  }
  return parseTsv(readFileSync(file, 'utf8'), TRIAGE_COLUMNS).map((t) => ({ ...t, file }));
});
const problems = triageProblems(triage);
for (const p of problems) console.error(p);

const joined = joinTriage(findings, triage);
const table = precisionTable(joined);
console.log(`${findings.length} findings (${findingsFile}), ${triage.length} triage rows (${triageFiles.join(', ')})\n`);
console.log(args.includes('--markdown') ? formatPrecisionMarkdown(table) : formatPrecisionText(table));

const moved = joined.labelled.filter((l) => l.moved);
if (moved.length) console.log(`\n${moved.length} finding(s) matched a triage row by its source text at another line (update their line in the triage file)`);
if (joined.gone.length) console.log(`${joined.gone.length} FP/debatable triage row(s) no longer reported`);

const show = (f) => `  ${f.repo} ${f.path}:${f.line} ${f.code}  ${f.text}`;
console.log(`\nUNTRIAGED ${joined.untriaged.length}${joined.untriaged.length ? ':' : ''}`);
for (const f of joined.untriaged) console.log(show(f));
const untriagedOut = opt('--write-untriaged', undefined);
if (untriagedOut) {
  writeFileSync(untriagedOut, triageTemplate(joined.untriaged));
  console.log(`(written as triage rows with an empty label to ${untriagedOut})`);
}

// The strict rules did not run on a default run: their triaged true positives are not lost there.
const notRun = notRunRules(dirname(resolve(findingsFile)), findings);
const lost = joined.lostTruePositives.filter((t) => !notRun.has(t.code));
const unasked = joined.lostTruePositives.filter((t) => notRun.has(t.code));
console.log(`\nLOST TRUE POSITIVES ${lost.length}${lost.length ? ' (triaged TP, no longer reported: investigate each):' : ''}`);
for (const t of lost) console.log(`${show(t)}  [${t.reason}]`);
if (unasked.length)
  console.log(`(${unasked.length} triaged true positive(s) of strict rules not listed: this run did not run them; run the corpus with --strict)`);
if (lost.length || problems.length) process.exitCode = 1;

/**
 * The strict rules, when the run beside the findings did not run them. run.json says so since it
 * records `strict`; an older run.json does not, and such a run was a default one when no finding
 * of a strict rule is in its table (the strict codes then come from this checkout's CLI).
 */
function notRunRules(dir, findings) {
  const runFile = join(dir, 'run.json');
  let run = {};
  try {
    run = JSON.parse(readFileSync(runFile, 'utf8'));
  } catch {
    /* no summary beside the table: judge from the table alone */
  }
  if (run.strict === true) return new Set();
  const strict = run.strictRules ?? strictRuleCodes(join(root, 'dist', 'cli.js'));
  if (!strict) return new Set();
  const codes = new Set(strict);
  if (run.strict === undefined && findings.some((f) => codes.has(f.code))) return new Set();
  return codes;
}
