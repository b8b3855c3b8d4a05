// Where an analysis spends its CPU time, per step: bare parse, the whole analysis, the model and
// each rule (CPU time of this process, so that other processes on a shared machine count less).
//   node scripts/bench/rule-times.mjs [lines=5000] [runs=5] [--pipeline] [--strict] [--top=N]
// "model" includes the JS copy of the tree ("copy", also shown alone) when the model makes it.
// Text: the notebook-like `generateRepetitive` of the scaling bench (`--pipeline`: `generatePipeline`).
import { createRequire } from 'node:module';
import * as path from 'node:path';
import { generatePipeline, generateRepetitive } from './generate.mjs';

const require = createRequire(import.meta.url);
const root = path.resolve(path.dirname(new URL(import.meta.url).pathname), '../..');
const { analyze } = require(path.join(root, 'out/server/src/analysis.js'));
const { PythonParser } = require(path.join(root, 'out/server/src/parsing/pythonParser.js'));
const { defaultSettings } = require(path.join(root, 'out/shared/settings.js'));
const { RULES } = require(path.join(root, 'out/server/src/rules/index.js'));
const model = require(path.join(root, 'out/server/src/model/buildModel.js'));
const copy = require(path.join(root, 'out/server/src/parsing/syntaxTree.js'));

const argv = process.argv.slice(2);
const [lines = 5000, runs = 5] = argv.filter((a) => !a.startsWith('--')).map(Number);
const top = Number(argv.find((a) => a.startsWith('--top='))?.slice(6) ?? 15);
const text = argv.includes('--pipeline') ? generatePipeline(lines, lines) : generateRepetitive(lines, 7);
const cpu = () => {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1000;
};
const spent = new Map();
const timed = (key, fn) =>
  function (...a) {
    const t0 = cpu();
    try {
      return fn.apply(this, a);
    } finally {
      spent.set(key, (spent.get(key) ?? 0) + cpu() - t0);
    }
  };
for (const rule of RULES) rule.check = timed(rule.code, rule.check);
const buildModel = model.buildModel;
model.buildModel = timed('model', buildModel);
copy.syntaxRoot = timed('copy', copy.syntaxRoot);
const settings = argv.includes('--strict') ? { ...defaultSettings(), 'rules.strict': true } : undefined;

const parser = await PythonParser.load();
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const bare = [];
const full = [];
let findings = 0;
for (let i = 0; i <= runs; i++) {
  if (i === 1) spent.clear(); // the first run warms the JIT up
  let t0 = cpu();
  parser.parse(text).delete();
  if (i) bare.push(cpu() - t0);
  t0 = cpu();
  const tree = parser.parse(text);
  findings = analyze(tree, text, { settings }).findings.length;
  // Without it the freed tree's copy stays in the cache (up to 16) and every collection walks it.
  copy.dropCopy(tree);
  tree.delete();
  if (i) full.push(cpu() - t0);
}
const fullMs = median(full);
const bareMs = median(bare);
console.log(
  `${text.split('\n').length} lines, ${findings} findings, ${runs} runs, CPU ms (median): bare parse ${bareMs.toFixed(1)}, full ${fullMs.toFixed(1)} (${(fullMs / bareMs).toFixed(2)}x), ${((fullMs / text.split('\n').length) * 1000).toFixed(1)} per 1k lines`,
);
const rows = [...spent.entries()].map(([k, v]) => [k, v / runs]).sort((a, b) => b[1] - a[1]);
const rulesMs = rows.filter(([k]) => k !== 'model' && k !== 'copy').reduce((s, [, v]) => s + v, 0);
console.log(
  `model ${(spent.get('model') / runs).toFixed(1)} ms (mean; copy ${((spent.get('copy') ?? 0) / runs).toFixed(1)}), rules ${rulesMs.toFixed(1)} ms (mean)`,
);
for (const [k, v] of rows.slice(0, top))
  console.log(`  ${k.padEnd(7)} ${v.toFixed(1).padStart(8)} ms  ${((v / rulesMs) * 100).toFixed(1).padStart(5)}% of rules`);
