// Applies every quick fix the rules offer on a corpus of real code, one at a time, and checks each as
// test/unit/fixSafety.test.ts checks the fixes of the fixtures (the same helpers, from out/):
//   node scripts/corpus/fixes.mjs --manifest FILE --out DIR [--strict] [--repo owner/name]
// (after `npx tsc -b && npx tsc -p test/tsconfig.json`; DIR is a corpus folder run.mjs rebuilt, or
// one this script rebuilds from the mirrors). Per fix: it still parses (tree-sitter's error count,
// and CPython's own compiler for a file it compiled before), its replacements stay whole, its finding
// is gone, and a safe fix leaves what the pipeline writes unchanged (sinkSignature). Per file, fix-all
// with safe fixes only: it applies no other kind, the file still compiles, the sinks are the same;
// with unsafe ones too (a .py file), it still compiles.
// Writes DIR/fixes.tsv (one row per fix and per fix-all; verdict `ok` or what failed) and a summary
// per rule on stdout; exit status 1 when any fix failed a check.
import { spawn } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { corpusFiles, corpusOptions, fromOut } from './fromOut.mjs';
import { escapeCell } from './triage.mjs';

const out = (path) => fromOut('fixes', path);
const { analyze } = out('server/src/analysis.js');
const { applyEdits, APPLICABILITIES } = out('server/src/findings.js');
const { fixAll } = out('server/src/fixes/fixAll.js');
const { analyseCells, fixAllCells, applyCellFix } = out('server/src/notebook/analyseNotebook.js');
const { parseIpynb, isPythonNotebook } = out('server/src/notebook/ipynb.js');
const { NotebookProgram } = out('server/src/notebook/program.js');
const { countSyntaxErrors } = out('server/src/parsing/pythonParser.js');
const { dropCopy } = out('server/src/parsing/syntaxTree.js');
const { defaultSettings } = out('shared/settings.js');
const { sinkSignature } = out('test/unit/sinkSignature.js');
const { replacementsRegroup } = out('test/unit/fixCorpus.js');
const { loadParser } = out('test/unit/helpers.js');

const { opt, dir, manifest } = corpusOptions();
const only = opt('--repo', undefined);
const args = process.argv.slice(2);
const settings = { ...defaultSettings(), ...(args.includes('--strict') ? { 'rules.strict': true } : {}) };

/**
 * CPython's compiler as a second opinion on "it still parses": tree-sitter recovers from errors
 * and counts them loosely, the interpreter refuses the file. One long-lived process, a JSON line
 * per text; a notebook program may await at the top level, as IPython allows.
 */
const PY = String.raw`
import ast, json, sys
for line in sys.stdin:
    q = json.loads(line)
    flags = ast.PyCF_ONLY_AST | (ast.PyCF_ALLOW_TOP_LEVEL_AWAIT if q["notebook"] else 0)
    try:
        compile(q["text"], "<fix>", "exec", flags=flags, dont_inherit=True)
        r = None
    except (SyntaxError, ValueError) as e:
        r = f"{type(e).__name__}: {e.msg if hasattr(e, 'msg') else e} (line {getattr(e, 'lineno', '?')})"
    sys.stdout.write(json.dumps(r) + "\n")
    sys.stdout.flush()
`;
const python = spawn('python3', ['-c', PY], { stdio: ['pipe', 'pipe', 'inherit'] });
const answers = createInterface({ input: python.stdout });
const waiting = [];
answers.on('line', (l) => waiting.shift()(JSON.parse(l)));
/** CPython's syntax error for `text`, or null when it compiles. */
function compileError(text, notebook) {
  return new Promise((res) => {
    waiting.push(res);
    python.stdin.write(JSON.stringify({ text, notebook }) + '\n');
  });
}

const parser = await loadParser();

/** A .py file's findings, syntax errors and sinks (computed while its tree is alive). */
function analysePy(text, path) {
  const tree = parser.parse(text);
  try {
    const result = analyze(tree, text, { settings, path });
    return { findings: result.findings, errors: countSyntaxErrors(tree.rootNode), sinks: sinkSignature(result.model).join('\n') };
  } finally {
    dropCopy(tree);
    tree.delete();
  }
}

/** A notebook's findings in its cells, the program's syntax errors and sinks. */
function analyseNotebook(cells, path) {
  const a = analyseCells(parser, cells, path, { settings, path });
  try {
    return { findings: a.findings, errors: countSyntaxErrors(a.tree.rootNode), sinks: sinkSignature(a.result.model).join('\n'), program: a.program.text };
  } finally {
    dropCopy(a.tree);
    a.tree.delete();
  }
}

const programOf = (cells) => new NotebookProgram(cells).text;
const rows = [];
const byRule = new Map();
const tally = (code, applicability, verdict) => {
  const r = byRule.get(code) ?? byRule.set(code, { checked: 0, failed: 0, kinds: new Map() }).get(code);
  r.checked++;
  if (verdict !== 'ok') {
    r.failed++;
    for (const problem of verdict.split('; ')) {
      const kind = `${applicability} ${problem.split(':')[0]}`;
      r.kinds.set(kind, (r.kinds.get(kind) ?? 0) + 1);
    }
  }
};
const count = (findings, f) => findings.filter((x) => x.code === f.code && x.message === f.message).length;

/** The checks fixSafety.test.ts makes of one fix, on a file or a notebook. */
async function checkFix({ before, after, beforeCompiles, notebook, f, fix, text, newText, regroupText, regroupEdits }) {
  const problems = [];
  if (!APPLICABILITIES.includes(fix.applicability)) problems.push(`applicability ${fix.applicability}`);
  if (fix.applicability !== 'safe' && !fix.reason) problems.push('no reason');
  if (after.errors > before.errors) problems.push('adds syntax errors (tree-sitter)');
  if (beforeCompiles) {
    const e = await compileError(newText, notebook);
    if (e) problems.push(`no longer compiles: ${e}`);
  }
  if (regroupText !== undefined)
    for (const r of await replacementsRegroup(regroupText, regroupEdits)) problems.push(`regroups: ${JSON.stringify(r).slice(0, 80)}`);
  if (count(after.findings, f) >= count(before.findings, f)) problems.push('the finding stays');
  if (fix.applicability === 'safe' && after.sinks !== before.sinks) problems.push('a safe fix changes what is written');
  return problems.length ? problems.join('; ') : 'ok';
}

let files = 0;
for (const { repo, rel, file } of corpusFiles(manifest, dir, only)) {
  const raw = readFileSync(file, 'utf8');
  const row = (line, code, applicability, title, verdict) => {
    rows.push([repo, rel, line, code, applicability, title, verdict].map((c) => escapeCell(String(c))).join('\t'));
    tally(code, applicability, verdict);
  };
  try {
    if (rel.endsWith('.ipynb')) {
      let nb;
      try {
        nb = parseIpynb(raw);
      } catch {
        continue;
      }
      if (!isPythonNotebook(nb)) continue;
      const cells = nb.codeCells.map((c) => ({ cell: c.index, source: c.source }));
      const before = analyseNotebook(cells, file);
      if (!before.findings.some((f) => f.fixes.length)) continue;
      files++;
      const beforeCompiles = (await compileError(before.program, true)) === null;
      for (const f of before.findings) {
        for (const fix of f.fixes) {
          const fixed = applyCellFix(cells, fix);
          const after = analyseNotebook(fixed, file);
          const cell = cells.find((c) => c.cell === fix.edits[0]?.cell);
          const verdict = await checkFix({
            before,
            after,
            beforeCompiles,
            notebook: true,
            f,
            fix,
            text: before.program,
            newText: after.program,
            // Replacements are checked within the cell they edit (all of a fix's edits are in one cell here).
            ...(cell && fix.edits.every((e) => e.cell === cell.cell) ? { regroupText: cell.source, regroupEdits: fix.edits } : {}),
          });
          row(`cell${f.cell}:${f.start}`, f.code, fix.applicability, fix.title, verdict);
        }
      }
      const all = fixAllCells(parser, cells, file, { settings, path: file });
      const fixedCells = cells.map((c) => (all.sources.has(c.cell) ? { ...c, source: all.sources.get(c.cell) } : c));
      const after = analyseNotebook(fixedCells, file);
      const problems = [];
      if (all.applied.some((a) => a.applicability !== 'safe')) problems.push('fix-all applied a fix that is not safe');
      if (beforeCompiles && (await compileError(programOf(fixedCells), true))) problems.push('fix-all: no longer compiles');
      if (after.sinks !== before.sinks) problems.push('fix-all changes what is written');
      row('', 'fix-all', 'safe', `${all.applied.length} applied`, problems.join('; ') || 'ok');
      continue;
    }
    const before = analysePy(raw, file);
    if (!before.findings.some((f) => f.fixes.length)) continue;
    files++;
    const beforeCompiles = (await compileError(raw, false)) === null;
    for (const f of before.findings) {
      for (const fix of f.fixes) {
        const newText = applyEdits(raw, fix.edits);
        const after = analysePy(newText, file);
        const line = raw.slice(0, f.start).split('\n').length;
        const verdict = await checkFix({
          before,
          after,
          beforeCompiles,
          notebook: false,
          f,
          fix,
          text: raw,
          newText,
          regroupText: raw,
          regroupEdits: fix.edits,
        });
        row(line, f.code, fix.applicability, fix.title, verdict);
      }
    }
    const all = fixAll(parser, raw, { settings, path: file });
    const after = analysePy(all.text, file);
    const problems = [];
    if (all.applied.some((a) => a.applicability !== 'safe')) problems.push('fix-all applied a fix that is not safe');
    if (after.errors > before.errors) problems.push('fix-all adds syntax errors (tree-sitter)');
    if (beforeCompiles && (await compileError(all.text, false))) problems.push('fix-all: no longer compiles');
    if (after.sinks !== before.sinks) problems.push('fix-all changes what is written');
    row('', 'fix-all', 'safe', `${all.applied.length} applied`, problems.join('; ') || 'ok');
    // `--fix --unsafe-fixes`: what it writes may change (that is what unsafe says), but it must still compile.
    const unsafe = fixAll(parser, raw, { settings, path: file, unsafe: true });
    if (unsafe.applied.some((a) => a.applicability === 'unsafe')) {
      const e = beforeCompiles && (await compileError(unsafe.text, false));
      row('', 'fix-all', 'unsafe', `${unsafe.applied.length} applied`, e ? `fix-all --unsafe-fixes: no longer compiles: ${e}` : 'ok');
    }
  } catch (e) {
    row(
      '',
      'crash',
      '',
      '',
      `crash: ${String(e?.stack ?? e)
        .split('\n')
        .slice(0, 3)
        .join(' | ')}`,
    );
  }
}
python.stdin.end();

writeFileSync(join(dir, 'fixes.tsv'), ['repo\tpath\tline\tcode\tapplicability\ttitle\tverdict', ...rows].join('\n') + '\n');
let failed = 0;
console.log(`${files} files with fixes; ${rows.length} checks (each fix alone, and fix-all per file)`);
for (const [code, r] of [...byRule].sort()) {
  failed += r.failed;
  const kinds = [...r.kinds].map(([k, n]) => `${k} ${n}`).join(', ');
  console.log(`  ${code.padEnd(8)} ${String(r.checked).padStart(5)} checked, ${String(r.failed).padStart(3)} failed${kinds ? `: ${kinds}` : ''}`);
}
console.log(`${failed} failed; rows in ${join(dir, 'fixes.tsv')}`);
process.exitCode = failed ? 1 : 0;
