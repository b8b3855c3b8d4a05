// Where the time after a keystroke goes, step by step (issue 18): a generated file is opened in the
// server's document store and analysed, then a character is typed again and again; each keystroke's
// parse, syntax copy, model, every rule, sorting, diagnostics conversion and graph fragment are timed
// (CPU of this thread; medians over the keystrokes).
//   node scripts/bench/profile-edit.mjs [lines=5000] [keystrokes=15] [--fresh] [--at=top|middle|end] [--type=comment|code]
// (after `npm run build && npx tsc -p test/tsconfig.json`). With --fresh, no previous model is given;
// --at picks where: a tenth of the way down, the middle (default) or nine tenths. --type=comment (the
// default) types `x` into a fresh comment line there; --type=code types the bench's code scenario
// (`df_1_1 = df.filter(F.col("amount") > 101)`, Enter, the next, ...) into the body of the first
// function taking a frame at or after that line, so most versions have a syntax error. Also counted:
// the keystrokes whose tree has an error, and the top-level statements of the tree.
import { createRequire } from 'node:module';
import * as path from 'node:path';
import { generatePipeline } from './generate.mjs';
import { codeKeystrokes, codeToType } from './typedCode.mjs';

const require = createRequire(import.meta.url);
const root = path.resolve(path.dirname(new URL(import.meta.url).pathname), '../..');
const out = (p) => require(path.join(root, 'out', p));
const { analyzeInSteps } = out('server/src/analysis.js');
const { enabledRules } = out('server/src/analysis.js');
const { PythonParser } = out('server/src/parsing/pythonParser.js');
const { DocumentStore } = out('server/src/lsp/documentStore.js');
const { syntaxTreeOf } = out('server/src/parsing/syntaxTree.js');
const { toDiagnostic } = out('server/src/lsp/toDiagnostic.js');
const { fileFragment } = out('server/src/graph/index.js');
const { defaultSettings } = out('shared/settings.js');

const args = process.argv.slice(2).filter((a) => !a.startsWith('--'));
const fresh = process.argv.includes('--fresh');
const at = process.argv.find((a) => a.startsWith('--at='))?.slice(5) ?? 'middle';
const typed = process.argv.find((a) => a.startsWith('--type='))?.slice(7) ?? 'comment';
if (typed !== 'comment' && typed !== 'code') throw new Error(`--type=${typed}: comment or code`);
const where = { top: 0.1, middle: 0.5, end: 0.9 }[at];
if (where === undefined) throw new Error(`--at=${at}: top, middle or end`);
const lines = Number(args[0] ?? 5000);
const keystrokes = Number(args[1] ?? 15);
const text = generatePipeline(lines, lines);
const parser = await PythonParser.load();
const store = new DocumentStore(parser, () => false);
const uri = 'file:///profile/edit.py';
const settings = defaultSettings();
const rules = enabledRules(settings, {});
const cpu = () => {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1000;
};
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

store.open(uri, 'python', 1, text);
let previousModel;
const control = (marks) => ({
  pause: async () => {
    marks.push(cpu());
  },
  stale: () => false,
});
async function analyse(doc, marks) {
  const t = doc.document.getText();
  const result = await analyzeInSteps(
    doc.tree,
    t,
    { settings, path: uri, previousModel: fresh ? undefined : previousModel, onModel: (m) => (previousModel = m) },
    control(marks),
  );
  return result;
}
await analyse(store.get(uri), []);
const textLines = text.split('\n');
let mid = Math.floor(textLines.length * where);
let version = 1;
// What each keystroke inserts, and where (as bench.mjs's typing scenarios do).
let next;
if (typed === 'comment') {
  store.change(uri, ++version, [{ range: { start: { line: mid, character: 0 }, end: { line: mid, character: 0 } }, text: '# \n' }]);
  let column = 2;
  next = () => {
    const at = { line: mid, character: column++ };
    return { range: { start: at, end: at }, text: 'x' };
  };
} else {
  while (mid < textLines.length && !/^def \w+\(df\):\s*$/.test(textLines[mid])) mid++;
  if (mid >= textLines.length) throw new Error('no function taking a frame after that line');
  const typing = codeKeystrokes(mid + 1, codeToType(1));
  store.change(uri, ++version, [typing.setup]);
  next = typing.next;
}
await analyse(store.get(uri), []);
let withError = 0;
const steps = new Map();
const add = (k, v) => (steps.get(k) ?? steps.set(k, []).get(k)).push(v);
let resumed = [];
let reused = [];
let relocated = [];
let adopted = [];
let statements = 0;
for (let k = 0; k < keystrokes + 2; k++) {
  const edit = next();
  const c0 = cpu();
  store.change(uri, ++version, [edit]);
  // The store parses when the tree is first read (an edit leaves it to then): part of this step.
  const doc = store.get(uri);
  void doc.tree;
  const c1 = cpu();
  syntaxTreeOf(doc.tree, doc.document.getText());
  const c2 = cpu();
  const marks = [c2];
  const result = await analyse(doc, marks);
  const c3 = cpu();
  const diags = result.findings.map((f) => toDiagnostic(uri, f, result.lines, true));
  const c4 = cpu();
  fileFragment({ filename: '/profile/edit.py', uri, model: result.model, lines: result.lines, findings: result.findings });
  const c5 = cpu();
  if (k < 2) continue; // warm-up
  resumed.push(result.resumedStatements ?? 0);
  reused.push(result.reusedFunctions ?? 0);
  relocated.push(result.relocatedFunctions ?? 0);
  adopted.push(syntaxTreeOf(doc.tree, doc.document.getText()).adoptedNodes ?? 0);
  statements = result.model.root.namedChildren.length;
  if (doc.tree.rootNode.hasError) withError++;
  add('parse (incremental, document store)', c1 - c0);
  add('syntax copy', c2 - c1);
  // The analysis pauses after the copy (already made above), after the model, and before each rule.
  add('line index, PySpark check', marks[1] - marks[0]);
  add('model', marks[2] - marks[1]);
  add('code context + noqa index', marks[3] - marks[2]);
  let ruleTotal = 0;
  for (let i = 0; i < rules.length; i++) {
    const t = (marks[i + 4] ?? c3) - marks[i + 3];
    add(`rule ${rules[i].code}`, t);
    ruleTotal += t;
  }
  // The median of each keystroke's sum, not the sum of each rule's median: a keystroke's collection
  // (one scavenge most keystrokes, 10-60 ms at load) and its other outliers land in one rule or another,
  // so every rule's median leaves them out and their sum undercounts the typical keystroke (29 against 45 ms).
  add('all rules', ruleTotal);
  add('after the last rule (sort, result)', c3 - marks[marks.length - 1]);
  add('diagnostics conversion', c4 - c3);
  add('graph fragment', c5 - c4);
  add('total', c5 - c0);
  void diags;
}
const mean = (xs) => xs.reduce((a, b) => a + b, 0) / xs.length;
const rows = [...steps].map(([k, v]) => [k, median(v)]);
// Medians hide the keystrokes that cost more (a parse that recovers from an error, a model built afresh).
const means = new Map([...steps].map(([k, v]) => [k, mean(v)]));
const maxes = new Map([...steps].map(([k, v]) => [k, Math.max(...v)]));
const total = rows.find(([k]) => k === 'total')[1];
const ruleSum = rows.filter(([k]) => k.startsWith('rule ')).reduce((s, [, v]) => s + v, 0);
const ruleMedianSum = "sum of the rules' medians";
console.log(
  `${lines} lines, ${keystrokes} keystrokes of ${typed} at the ${at} (line ${mid}), ${fresh ? 'no previous model' : 'incremental'}; ${withError} of them with a syntax error; top-level statements resumed (median) ${median(resumed)} (min ${Math.min(...resumed)}) of ${statements}; function analyses replayed (median) ${median(reused)}, of them relocated ${median(relocated)}; node objects adopted by the copy (median) ${median(adopted)}; CPU ms, median`,
);

console.log(`  ${''.padEnd(40)} ${'median'.padStart(8)}  share  ${'mean'.padStart(8)} ${'max'.padStart(8)}`);
for (const [k, v] of rows.filter(([k]) => !k.startsWith('rule ')).concat([[ruleMedianSum, ruleSum]]))
  console.log(
    `  ${k.padEnd(40)} ${v.toFixed(1).padStart(8)}  ${`${((100 * v) / total).toFixed(0)}%`.padStart(5)}  ${(means.get(k) ?? NaN).toFixed(1).padStart(8)} ${(maxes.get(k) ?? NaN).toFixed(1).padStart(8)}`,
  );
console.log('  rules over 1% of the total:');
for (const [k, v] of rows.filter(([k, v]) => k.startsWith('rule ') && v > total / 100).sort((a, b) => b[1] - a[1]))
  console.log(`    ${k.padEnd(38)} ${v.toFixed(1).padStart(8)}  ${((100 * v) / total).toFixed(0)}%`);
store.dispose();
