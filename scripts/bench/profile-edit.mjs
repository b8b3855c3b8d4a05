// Where the time after a keystroke goes, step by step (issue 18): a generated file is opened in the
// server's document store and analysed, then a character is typed into a comment line in the middle
// again and again; each keystroke's parse, syntax copy, model, every rule, sorting, diagnostics
// conversion and graph fragment are timed (CPU of this thread; medians over the keystrokes).
//   node scripts/bench/profile-edit.mjs [lines=5000] [keystrokes=15] [--fresh] [--at=top|middle|end]
// (after `npm run build && npx tsc -p test/tsconfig.json`). With --fresh, no previous model is given;
// --at picks the comment line typed into: a tenth of the way down, the middle (default) or nine tenths.
import { createRequire } from 'node:module';
import * as path from 'node:path';
import { generatePipeline } from './generate.mjs';

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
const mid = Math.floor(text.split('\n').length * where);
let version = 1;
store.change(uri, ++version, [{ range: { start: { line: mid, character: 0 }, end: { line: mid, character: 0 } }, text: '# \n' }]);
await analyse(store.get(uri), []);
const steps = new Map();
const add = (k, v) => (steps.get(k) ?? steps.set(k, []).get(k)).push(v);
let resumed = [];
let statements = 0;
for (let k = 0; k < keystrokes + 2; k++) {
  const at = { line: mid, character: 2 + k };
  const c0 = cpu();
  store.change(uri, ++version, [{ range: { start: at, end: at }, text: 'x' }]);
  const c1 = cpu();
  const doc = store.get(uri);
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
  statements = result.model.root.namedChildren.length;
  add('parse (incremental, document store)', c1 - c0);
  add('syntax copy', c2 - c1);
  // The analysis pauses after the copy (already made above), after the model, and before each rule.
  add('line index, PySpark check', marks[1] - marks[0]);
  add('model', marks[2] - marks[1]);
  add('code context + noqa index', marks[3] - marks[2]);
  for (let i = 0; i < rules.length; i++) add(`rule ${rules[i].code}`, (marks[i + 4] ?? c3) - marks[i + 3]);
  add('after the last rule (sort, result)', c3 - marks[marks.length - 1]);
  add('diagnostics conversion', c4 - c3);
  add('graph fragment', c5 - c4);
  add('total', c5 - c0);
  void diags;
}
const rows = [...steps].map(([k, v]) => [k, median(v)]);
const total = rows.find(([k]) => k === 'total')[1];
const ruleSum = rows.filter(([k]) => k.startsWith('rule ')).reduce((s, [, v]) => s + v, 0);
console.log(
  `${lines} lines, ${keystrokes} keystrokes at the ${at} (line ${mid}), ${fresh ? 'no previous model' : 'incremental'}; top-level statements resumed (median) ${median(resumed)} of ${statements}; CPU ms, median`,
);
for (const [k, v] of rows.filter(([k]) => !k.startsWith('rule ')).concat([['all rules', ruleSum]]))
  console.log(`  ${k.padEnd(40)} ${v.toFixed(1).padStart(8)}  ${((100 * v) / total).toFixed(0)}%`);
console.log('  rules over 1% of the total:');
for (const [k, v] of rows.filter(([k, v]) => k.startsWith('rule ') && v > total / 100).sort((a, b) => b[1] - a[1]))
  console.log(`    ${k.padEnd(38)} ${v.toFixed(1).padStart(8)}  ${((100 * v) / total).toFixed(0)}%`);
store.dispose();
