// Where a FRESH full analysis goes, step by step: a new parse per run, the JS copy, the model, the
// code context and noqa index, each rule, and the collector's share (main-thread GC pauses), in CPU
// time of this process. The bench's `generated` files (`generatePipeline(n, n)`) by default.
//   node scripts/bench/fresh-split.mjs [lines=5000] [runs=20] [--repetitive] [--warmup=N] [--top=N]
//   node --cpu-prof --cpu-prof-dir=/tmp/prof scripts/bench/fresh-split.mjs 5000 20   (then cpuprofile-top.mjs)
// Steps are cut at `analyzeInSteps`'s pauses (after the copy, after the model, after each rule);
// "afterModel" is the code context, the noqa index and the sort (the steps after the model less
// each rule's own time, timed by wrapping `check`); "tail" what V8's helper threads did after the
// last step (the run waits for them: see `settleThreads`). Every step includes the helper threads'
// CPU while it ran (the collector's parallel and concurrent work, the JIT).
import { createRequire } from 'node:module';
import * as path from 'node:path';
import * as fs from 'node:fs';
import { PerformanceObserver } from 'node:perf_hooks';
import { generatePipeline, generateRepetitive } from './generate.mjs';
import { cpuMs, settleThreads, timeEachRule } from './stats.mjs';

const require = createRequire(import.meta.url);
const root = path.resolve(path.dirname(new URL(import.meta.url).pathname), '../..');
const { analyzeInSteps } = require(path.join(root, 'out/server/src/analysis.js'));
const { PythonParser } = require(path.join(root, 'out/server/src/parsing/pythonParser.js'));
const { dropCopy } = require(path.join(root, 'out/server/src/parsing/syntaxTree.js'));
const { RULES } = require(path.join(root, 'out/server/src/rules/index.js'));
const { enabledRules } = require(path.join(root, 'out/server/src/analysis.js'));
const { defaultSettings } = require(path.join(root, 'out/shared/settings.js'));

const argv = process.argv.slice(2);
const [lines = 5000, runs = 20] = argv.filter((a) => !a.startsWith('--')).map(Number);
const opt = (name, dflt) => Number(argv.find((a) => a.startsWith(`--${name}=`))?.split('=')[1] ?? dflt);
const warmup = opt('warmup', 3);
const top = opt('top', 12);
const text = argv.includes('--repetitive') ? generateRepetitive(lines, 7) : generatePipeline(lines, lines);
const cpu = cpuMs;

// CPU time of the main thread and of the others (V8's collector and compiler helpers), in ms, from
// each thread's schedstat (nanoseconds on a CPU); undefined where /proc is not there.
function threadCpu() {
  try {
    let main = 0;
    let others = 0;
    for (const tid of fs.readdirSync('/proc/self/task')) {
      const ns = Number(fs.readFileSync(`/proc/self/task/${tid}/schedstat`, 'utf8').split(' ')[0]);
      if (Number(tid) === process.pid) main += ns / 1e6;
      else others += ns / 1e6;
    }
    return { main, others };
  } catch {
    return undefined;
  }
}

// Each rule's own time: wrap `check` (the pauses cannot separate the first rule from the context).
const ruleSpent = timeEachRule(RULES);
const rules = enabledRules(defaultSettings(), {});

let gcMs = 0;
let gcCount = 0;
new PerformanceObserver((list) => {
  for (const e of list.getEntries()) {
    gcMs += e.duration;
    gcCount++;
  }
}).observe({ entryTypes: ['gc'] });
// GC entries are delivered asynchronously (after a timer, not an immediate): wait for them before reading the sum.
const settle = () => new Promise((r) => setTimeout(r, 20));

const parser = await PythonParser.load();
const rows = [];
for (let i = 0; i < warmup + runs; i++) {
  ruleSpent.clear();
  await settle();
  const gc0 = gcMs;
  const marks = [];
  const th0 = threadCpu();
  const t0 = cpu();
  const tree = parser.parse(text);
  marks.push(cpu());
  let pauses = 0;
  const result = await analyzeInSteps(
    tree,
    text,
    {},
    {
      pause: () => {
        marks.push(cpu());
        pauses++;
        return Promise.resolve();
      },
      stale: () => false,
    },
  );
  // The run's work left on V8's helper threads (collection, compiling) counts in this run.
  const tSteps = cpu();
  const polling = settleThreads();
  const tEnd = cpu() - polling;
  const th1 = threadCpu();
  if (th1) th1.main -= polling;
  dropCopy(tree);
  tree.delete();
  await settle();
  if (i < warmup) continue;
  // marks: [parse end, copy end, model end, before rule 1, after rule 1 (= before rule 2), ..., after last rule]
  const rulesTotal = [...ruleSpent.values()].reduce((s, v) => s + v, 0);
  const row = {
    total: tEnd - t0,
    parse: marks[0] - t0,
    copy: marks[1] - marks[0],
    model: marks[2] - marks[1],
    // the code context, the noqa index and the sort: from the model's end to the last step's, less the rules' own time
    afterModel: tSteps - marks[2] - rulesTotal,
    // what the helper threads still did after the last step (the collector's concurrent work, compiling)
    tail: tEnd - tSteps,
    rules: rulesTotal,
    gc: gcMs - gc0,
    mainThread: th1 ? th1.main - th0.main : NaN,
    otherThreads: th1 ? th1.others - th0.others : NaN,
    findings: result.findings.length,
    perRule: new Map(ruleSpent),
  };
  rows.push(row);
  void pauses;
}
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const m = (k) => median(rows.map((r) => r[k]));
const parse = m('parse');
console.log(
  `${text.split('\n').length} lines (${argv.includes('--repetitive') ? 'notebook-like' : 'generated'}), ${rows[0].findings} findings, ${runs} fresh analyses after ${warmup} warm-up, CPU ms medians, load ${(await import('node:os')).loadavg()[0].toFixed(1)}`,
);
const total = m('total');
for (const k of ['total', 'parse', 'copy', 'model', 'afterModel', 'rules', 'tail', 'gc', 'mainThread', 'otherThreads'])
  console.log(
    `  ${k.padEnd(16)} ${m(k).toFixed(1).padStart(8)}  ${(m(k) / parse).toFixed(2).padStart(6)} parses  ${((m(k) / total) * 100).toFixed(1).padStart(5)}%`,
  );
console.log(
  `  full/bare-in-run ${(total / parse).toFixed(2)}x (parse timed inside the run; gc = main-thread pauses in wall ms, inflated by the load, included in the steps; mainThread + otherThreads = total)`,
);
const perRule = [...rows[0].perRule.keys()].map((code) => [code, median(rows.map((r) => r.perRule.get(code) ?? 0))]).sort((a, b) => b[1] - a[1]);
for (const [code, v] of perRule.slice(0, top)) console.log(`    ${code.padEnd(7)} ${v.toFixed(1).padStart(7)}`);
console.log(`  (${rules.length} rules enabled)`);
