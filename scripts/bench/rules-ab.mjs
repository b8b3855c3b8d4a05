// Two builds' rules on the same text in one process, alternated run by run (issue 18): CPU of each
// rule, of all rules and of the whole analysis per build, and the findings (messages, fixes, related
// locations) compared on every run. On a shared machine two processes differ more than two builds
// do; alternating in one process puts both at the same load.
//   node scripts/bench/rules-ab.mjs BASE_ROOT [lines=20000] [runs=6] [--pipeline] [--strict] [--top=N] [--edit]
// BASE_ROOT: a checkout (or a copy of one) whose `out/` holds the other build (`npx tsc -p
// test/tsconfig.json` there). Text: the notebook-like `generateRepetitive` of the scaling bench
// (`--pipeline`: `generatePipeline`, the typing bench's). The first run of each build warms the JIT up.
// --edit: each run is one keystroke of the typing bench's code scenario in the middle of the text
// (as `profile-edit.mjs --type=code`), each build with its own document store and its previous model,
// so what is measured is the analysis after a keystroke (from the syntax copy on; the parse is not counted).
import { createRequire } from 'node:module';
import * as path from 'node:path';
import { generatePipeline, generateRepetitive } from './generate.mjs';
import { cpuMs, timeEachRule } from './stats.mjs';
import { codeKeystrokes, codeToType, functionTakingFrame } from './typedCode.mjs';

const require = createRequire(import.meta.url);
const here = path.resolve(path.dirname(new URL(import.meta.url).pathname), '../..');
const argv = process.argv.slice(2);
const [baseRoot, linesArg, runsArg] = argv.filter((a) => !a.startsWith('--'));
if (!baseRoot) throw new Error('usage: rules-ab.mjs BASE_ROOT [lines] [runs] [--pipeline] [--strict]');
const lines = Number(linesArg ?? 20000);
const runs = Number(runsArg ?? 6);
const top = Number(argv.find((a) => a.startsWith('--top='))?.slice(6) ?? 12);
const text = argv.includes('--pipeline') ? generatePipeline(lines, lines) : generateRepetitive(lines, 7);
const cpu = cpuMs;
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

async function load(root, label) {
  const out = (p) => require(path.join(path.resolve(root), 'out', p));
  const { analyze } = out('server/src/analysis.js');
  const { PythonParser } = out('server/src/parsing/pythonParser.js');
  const { defaultSettings } = out('shared/settings.js');
  const { RULES } = out('server/src/rules/index.js');
  const copy = out('server/src/parsing/syntaxTree.js');
  const spent = timeEachRule(RULES);
  const settings = argv.includes('--strict') ? { ...defaultSettings(), 'rules.strict': true } : undefined;
  const parser = await PythonParser.load();
  if (argv.includes('--edit')) return editing(out, parser, settings, spent, label);
  return {
    label,
    run() {
      spent.clear();
      const t0 = cpu();
      const tree = parser.parse(text);
      const result = analyze(tree, text, { settings });
      copy.dropCopy(tree);
      tree.delete();
      const full = cpu() - t0;
      const rules = [...spent.values()].reduce((s, v) => s + v, 0);
      return { full, rules, perRule: new Map(spent), findings: JSON.stringify(result.findings) };
    },
  };
}

/** A build typing into its own document store: each run types one more character and analyses from the previous model. */
function editing(out, parser, settings, spent, label) {
  const { analyze } = out('server/src/analysis.js');
  const { DocumentStore } = out('server/src/lsp/documentStore.js');
  const { syntaxTreeOf } = out('server/src/parsing/syntaxTree.js');
  const { callsNamed } = out('server/src/rules/helpers/callIndex.js');
  // The edits since the previous model's version, merged, as the server gives them (a build before
  // `AnalysisOptions.edited` has no textWords module and is given none).
  let mergeEdits;
  try {
    ({ mergeEdits } = out('server/src/context/textWords.js'));
  } catch {
    mergeEdits = () => undefined;
  }
  const store = new DocumentStore(parser, () => false);
  const uri = 'file:///ab/edit.py';
  store.open(uri, 'python', 1, text);
  let previousModel = analyze(store.get(uri).tree, text, { settings, path: uri }).model;
  let modelVersion = 1;
  const textLines = text.split('\n');
  const mid = functionTakingFrame(textLines, Math.floor(textLines.length / 2), ' (use --pipeline)');
  const typing = codeKeystrokes(mid + 1, codeToType(1));
  let version = 1;
  store.change(uri, ++version, [typing.setup]);
  return {
    label,
    run() {
      store.change(uri, ++version, [typing.next()]);
      const doc = store.get(uri);
      const now = doc.document.getText();
      void doc.tree;
      spent.clear();
      const t0 = cpu();
      syntaxTreeOf(doc.tree, now);
      // The shared node lists and call index are made here, timed apart, rather than by the first rule that asks.
      let lists = 0;
      const onModel = (model) => {
        const l0 = cpu();
        callsNamed(model, 'count');
        lists = cpu() - l0;
      };
      const edited = modelVersion >= doc.editsSince ? mergeEdits(doc.edits.filter((e) => e.version > modelVersion)) : undefined;
      const result = analyze(doc.tree, now, { settings, path: uri, previousModel, edited, onModel });
      if (result.model) {
        previousModel = result.model;
        modelVersion = version;
      }
      const full = cpu() - t0;
      const rules = [...spent.values()].reduce((s, v) => s + v, 0);
      return { full, rules, lists, perRule: new Map(spent), findings: JSON.stringify(result.findings) };
    },
  };
}

const builds = [await load(baseRoot, 'base'), await load(here, 'this')];
const samples = builds.map(() => ({ full: [], rules: [], lists: [], perRule: new Map() }));
let differ = 0;
let count = 0;
for (let i = 0; i <= runs; i++) {
  // Alternate which build goes first, so neither always follows the other's garbage.
  const order = i % 2 ? [1, 0] : [0, 1];
  const got = [];
  for (const b of order) got[b] = builds[b].run();
  if (got[0].findings !== got[1].findings) differ++;
  count = JSON.parse(got[1].findings).length;
  if (i === 0) continue;
  got.forEach((g, b) => {
    samples[b].full.push(g.full);
    samples[b].rules.push(g.rules);
    if (g.lists !== undefined) samples[b].lists.push(g.lists);
    for (const [code, ms] of g.perRule) samples[b].perRule.set(code, [...(samples[b].perRule.get(code) ?? []), ms]);
  });
}
console.log(
  `${text.split('\n').length} lines${argv.includes('--edit') ? ', a code keystroke in the middle per run' : ''}, ${count} findings, ${runs} runs per build (after one warm-up), findings ${differ ? `DIFFER in ${differ} runs` : 'identical in every run'}`,
);
console.log(`CPU ms, median        base      this`);
console.log(`  full analysis  ${median(samples[0].full).toFixed(1).padStart(9)} ${median(samples[1].full).toFixed(1).padStart(9)}`);
if (samples[0].lists.length)
  console.log(`  node lists, call index ${median(samples[0].lists).toFixed(1).padStart(9)} ${median(samples[1].lists).toFixed(1).padStart(9)}`);
console.log(`  all rules      ${median(samples[0].rules).toFixed(1).padStart(9)} ${median(samples[1].rules).toFixed(1).padStart(9)}`);
const codes = [...samples[0].perRule.keys()].sort((a, b) => median(samples[0].perRule.get(b)) - median(samples[0].perRule.get(a)));
for (const code of codes.slice(0, top)) {
  const [a, b] = samples.map((s) => median(s.perRule.get(code) ?? [0]));
  console.log(`  ${code.padEnd(13)}  ${a.toFixed(1).padStart(9)} ${b.toFixed(1).padStart(9)}`);
}
if (differ) process.exitCode = 1;
