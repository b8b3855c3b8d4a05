// Runs the CLI over the development corpus, one repository at a time, and writes the findings table:
//   npm run corpus [-- --out DIR] [--mirrors DIR] [--no-build] [--repo owner/name] [--cli FILE] [--manifest FILE] [--strict]
// Rebuilds the corpus when the manifest changed, builds the CLI (so the figures are of this
// checkout), runs `dist/cli.js check --format json --exit-zero` per repository folder (its .py
// files by walking it, its .ipynb files named one by one), and writes DIR/findings.tsv
// (repo, path, line, col, code, message, text) and DIR/run.json, with a summary per rule on stdout.
// A repository whose run crashes or hangs is run again file by file, so one file costs only itself.
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { DEFAULT_MIRRORS, DEFAULT_OUT, repoFolder } from './mirror.mjs';
import { isCurrent, MANIFEST, rebuild } from './rebuild.mjs';
import { strictRuleCodes } from './strictRules.mjs';
import { diffFindings, FINDING_COLUMNS, formatTsv, parseTsv } from './triage.mjs';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const args = process.argv.slice(2);

const USAGE = `usage: node scripts/corpus/run.mjs [--out DIR] [--manifest FILE] [--cli FILE] [--no-build] [--strict]
                                  [--mirrors DIR] [--repo owner/name]
  --out DIR        where the corpus files are rebuilt and findings.tsv / run.json written
                   (default ${DEFAULT_OUT}: give every corpus and every build its own)
  --manifest FILE  the corpus to run (default scripts/corpus/manifest.json, the development corpus)
  --cli FILE       the CLI to run (default this checkout's dist/cli.js, built first unless --no-build)
  --strict         also run the strict (opt-in) rules
  --repo NAME      only this repository of the manifest
  --mirrors DIR    where the repositories' git mirrors are`;
// An option this script does not know ran the development corpus into the default folder before
// (\`--help\`, a typo): say how to call it instead, and run nothing.
const VALUED = new Set(['--out', '--mirrors', '--repo', '--manifest', '--cli']);
const FLAGS = new Set(['--no-build', '--strict']);
for (let i = 0; i < args.length; i++) {
  if (args[i] === '--help' || args[i] === '-h') {
    console.log(USAGE);
    process.exit(0);
  }
  if (VALUED.has(args[i]) && i + 1 < args.length) i++;
  else if (!FLAGS.has(args[i])) {
    console.error(`corpus: unknown or incomplete argument ${args[i]}\n${USAGE}`);
    process.exit(2);
  }
}
const opt = (name, dflt) => (args.includes(name) ? args[args.indexOf(name) + 1] : dflt);
const out = resolve(opt('--out', DEFAULT_OUT));
const mirrors = opt('--mirrors', DEFAULT_MIRRORS);
const only = opt('--repo', undefined);
// --manifest scores another corpus (a held-out one) the same way; give it its own --out.
const manifestFile = resolve(opt('--manifest', MANIFEST));
const TIMEOUT_MS = 10 * 60 * 1000;
// --strict also runs the strict (opt-in) rules, to measure them the same way.
const strictArgs = [];
if (args.includes('--strict')) {
  const settings = join(tmpdir(), `psa-corpus-strict-${process.pid}.json`);
  writeFileSync(settings, JSON.stringify({ 'rules.strict': true }));
  strictArgs.push('--config', settings);
}

if (!isCurrent(out, manifestFile)) {
  console.log(`the corpus under ${out} is not the manifest's: rebuilding`);
  let missing;
  try {
    ({ missing } = rebuild({ out, mirrors, manifest: manifestFile }));
  } catch (e) {
    console.error(`corpus: ${e.message}`);
    process.exit(2);
  }
  if (missing.length) console.log(`running without the ${new Set(missing.map((m) => m.repo)).size} missing repositories above`);
}
if (!args.includes('--no-build') && !args.includes('--cli')) execFileSync('npm', ['run', 'build', '--silent'], { cwd: root, stdio: 'inherit' });
// --cli scores another build (main's dist/cli.js, say) on the same corpus.
const cli = resolve(opt('--cli', join(root, 'dist', 'cli.js')));

function runCli(paths) {
  const started = Date.now();
  const r = spawnSync(process.execPath, [cli, 'check', '--format', 'json', '--exit-zero', ...strictArgs, ...paths], {
    encoding: 'utf8',
    maxBuffer: 1 << 30,
    timeout: TIMEOUT_MS,
  });
  const seconds = (Date.now() - started) / 1000;
  const stderr = (r.stderr ?? '').split('\n').filter(Boolean);
  if (r.error || r.signal || r.status !== 0) {
    return {
      ok: false,
      seconds,
      why: r.error?.code === 'ETIMEDOUT' ? `no answer after ${TIMEOUT_MS / 1000} s` : `exit ${r.status ?? r.signal}: ${stderr.slice(0, 5).join(' | ')}`,
      stderr,
    };
  }
  try {
    return { ok: true, seconds, results: JSON.parse(r.stdout), stderr };
  } catch (e) {
    return { ok: false, seconds, why: `output is not JSON: ${e.message}`, stderr };
  }
}

/** The source line a finding points at; a notebook's JSON line is decoded to its code. */
function cellLine(lines, cell, row) {
  try {
    const source = JSON.parse(lines.join('\n')).cells?.[cell - 1]?.source ?? '';
    const text = (Array.isArray(source) ? source.join('') : String(source)).split('\n')[row - 1] ?? '';
    return text.trim();
  } catch {
    return '';
  }
}

function sourceLine(lines, row, isNotebook) {
  let text = lines[row - 1] ?? '';
  if (isNotebook) {
    const m = /^\s*("(?:[^"\\]|\\.)*")\s*,?\s*$/.exec(text);
    if (m) {
      try {
        text = JSON.parse(m[1]);
      } catch {
        /* keep the raw line */
      }
    }
  }
  return text.replace(/\r?\n$/, '').trim();
}

const manifest = JSON.parse(readFileSync(manifestFile, 'utf8'));
const findings = [];
const repoRuns = [];
const crashes = [];
const notes = [];
const absent = [];
for (const { repo, kind, files } of manifest.repos) {
  if (only && repo !== only) continue;
  const dir = join(out, repoFolder(repo));
  if (!existsSync(dir)) {
    absent.push(repo);
    console.log(`?? ${repo.padEnd(72)} not in the corpus (missing mirror): left out`);
    continue;
  }
  const notebooks = files.filter((f) => f.endsWith('.ipynb')).map((f) => join(dir, f));
  let run = runCli([dir, ...notebooks]);
  let results = run.ok ? run.results : [];
  const stderr = [...run.stderr];
  if (!run.ok) {
    // Whole-repository run failed: find the files that fail, keep the findings of the others.
    crashes.push({ repo, path: '(whole repository)', why: run.why });
    for (const f of files) {
      const one = runCli([join(dir, f)]);
      stderr.push(...one.stderr);
      if (one.ok) results.push(...one.results);
      else crashes.push({ repo, path: f, why: one.why });
    }
  }
  const cache = new Map();
  for (const r of results) {
    const path = relative(dir, r.filename).split('\\').join('/');
    if (!cache.has(path)) {
      try {
        cache.set(path, readFileSync(r.filename, 'utf8').split('\n'));
      } catch {
        cache.set(path, []);
      }
    }
    // Notebook findings are placed in a cell (1-based index among the notebook's cells, as the CLI prints it), rows counted in the cell.
    const text =
      r.cell === undefined ? sourceLine(cache.get(path), r.location.row, path.endsWith('.ipynb')) : cellLine(cache.get(path), r.cell, r.location.row);
    findings.push({
      repo,
      path: r.cell === undefined ? path : `${path}#cell${r.cell}`,
      line: r.location.row,
      col: r.location.column,
      code: r.code,
      message: r.message,
      text,
    });
  }
  for (const line of stderr) notes.push({ repo, note: line.startsWith(dir) ? relative(dir, line) : line });
  const count = results.length;
  repoRuns.push({ repo, kind, files: files.length, notebooks: notebooks.length, findings: count, seconds: Math.round(run.seconds * 10) / 10, ok: run.ok });
  console.log(
    `${run.ok ? '  ' : '!!'} ${repo.padEnd(72)} ${String(files.length).padStart(4)} files ${String(count).padStart(4)} findings ${run.seconds.toFixed(1)} s`,
  );
}

const order = (a, b) => a.repo.localeCompare(b.repo) || a.path.localeCompare(b.path) || a.line - b.line || a.col - b.col || a.code.localeCompare(b.code);
findings.sort(order);
// A run of one repository does not replace the table of the whole corpus.
const suffix = only ? `.${repoFolder(only)}` : '';
const tableFile = join(out, `findings${suffix}.tsv`);
// The previous table is kept, and what changed since is printed: the effect of a rule change.
const previousFile = join(out, `findings${suffix}.previous.tsv`);
const previous = existsSync(tableFile) ? parseTsv(readFileSync(tableFile, 'utf8'), FINDING_COLUMNS) : undefined;
if (previous) renameSync(tableFile, previousFile);
writeFileSync(tableFile, formatTsv(FINDING_COLUMNS, findings));

const perRule = new Map();
for (const f of findings) {
  const e = perRule.get(f.code) ?? { code: f.code, findings: 0, files: new Set(), repos: new Set() };
  e.findings++;
  e.files.add(`${f.repo}/${f.path}`);
  e.repos.add(f.repo);
  perRule.set(f.code, e);
}
const rules = [...perRule.values()]
  .sort((a, b) => a.code.localeCompare(b.code))
  .map((e) => ({ code: e.code, findings: e.findings, files: e.files.size, repos: e.repos.size }));
let toolCommit = '';
try {
  toolCommit = execFileSync('git', ['-C', root, 'rev-parse', 'HEAD'], { encoding: 'utf8' }).trim();
} catch {
  /* not a git checkout */
}
const kinds = {};
for (const r of repoRuns) {
  kinds[r.kind] ??= { repos: 0, files: 0, findings: 0 };
  kinds[r.kind].repos++;
  kinds[r.kind].files += r.files;
  kinds[r.kind].findings += r.findings;
}
// Which kinds of project each rule fires in: what a context model has to tell apart.
const rulesByKind = {};
const kindOf = new Map(manifest.repos.map((r) => [r.repo, r.kind]));
for (const f of findings) {
  const k = (rulesByKind[kindOf.get(f.repo)] ??= {});
  k[f.code] = (k[f.code] ?? 0) + 1;
}
const strict = args.includes('--strict');
const summary = {
  date: new Date().toISOString(),
  toolCommit,
  cli,
  // What ran: precision.mjs leaves the strict rules' triaged true positives out of "lost" on a default run.
  strict,
  strictRules: strictRuleCodes(cli) ?? null,
  absent,
  rulesByKind,
  repos: repoRuns.length,
  files: repoRuns.reduce((n, r) => n + r.files, 0),
  findings: findings.length,
  kinds,
  rules,
  crashes,
  notes,
  repoRuns,
};
writeFileSync(join(out, `run${suffix}.json`), JSON.stringify(summary, null, 1) + '\n');

console.log(`\n${summary.repos} repositories, ${summary.files} files, ${summary.findings} findings (tool ${toolCommit.slice(0, 7)})`);
console.log('\nkind                repos  files  findings');
for (const [k, v] of Object.entries(kinds).sort())
  console.log(`${k.padEnd(18)} ${String(v.repos).padStart(6)} ${String(v.files).padStart(6)} ${String(v.findings).padStart(9)}`);
console.log('\nrule     findings  files  repos');
for (const r of rules) console.log(`${r.code}  ${String(r.findings).padStart(9)} ${String(r.files).padStart(6)} ${String(r.repos).padStart(6)}`);
if (previous) {
  const diff = diffFindings(previous, findings);
  if (!diff.rules.length) console.log(`\nsame findings as the previous run (${previousFile})`);
  else {
    console.log(`\nsince the previous run (${previousFile}): +${diff.added.length} -${diff.removed.length}`);
    for (const r of diff.rules) console.log(`${r.code}  +${r.added} -${r.removed}`);
  }
}
if (absent.length) console.log(`\nLEFT OUT ${absent.length} repositories missing from the corpus (see the rebuild output): ${absent.join(', ')}`);
if (crashes.length) {
  console.log(`\nCRASHES ${crashes.length}:`);
  for (const c of crashes) console.log(`  ${c.repo} ${c.path}: ${c.why}`);
}
if (notes.length) console.log(`\n${notes.length} message(s) from the CLI (skipped or unreadable files), in ${join(out, `run${suffix}.json`)}`);
console.log(`\nfindings table: ${tableFile}`);
if (crashes.length) process.exitCode = 1;
