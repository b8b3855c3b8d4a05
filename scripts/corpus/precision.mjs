// Precision of each rule on the development corpus, from the latest findings and the triage file:
//   npm run corpus:precision [-- --findings FILE] [--triage FILE]... [--markdown] [--write-untriaged FILE]
// Prints per rule: findings, TP, FP, debatable, untriaged, precision = TP/(TP+FP) and the strict
// figure TP/(TP+FP+debatable); then the untriaged findings, and the triaged true positives no
// longer reported (lost recall: exit status 1, each one is to be investigated or explained).
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { DEFAULT_OUT } from './mirror.mjs';
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

console.log(
  `\nLOST TRUE POSITIVES ${joined.lostTruePositives.length}${joined.lostTruePositives.length ? ' (triaged TP, no longer reported: investigate each):' : ''}`,
);
for (const t of joined.lostTruePositives) console.log(`${show(t)}  [${t.reason}]`);
if (joined.lostTruePositives.length || problems.length) process.exitCode = 1;
