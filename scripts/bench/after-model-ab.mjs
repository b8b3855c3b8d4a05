// The steps after the model, two builds in one process, alternated keystroke by keystroke (issue 18):
// the per-type node lists (made ahead of the rules, timed apart), the code context and noqa index,
// each rule, the sort, the diagnostics conversion and the graph fragment, CPU ms per code keystroke
// (medians), with the findings, diagnostics and fragments of the two builds compared on every keystroke.
//   node scripts/bench/after-model-ab.mjs BASE_ROOT [lines=20000] [keystrokes=12] [--at=top|middle|end] [--top=N]
// BASE_ROOT: a checkout (or a copy of one) whose `out/` holds the other build. Text: the typing bench's
// `generatePipeline`; each keystroke types the code scenario into the first function taking a frame at
// or after a tenth, half or nine tenths of the way down, each build with its own document store and
// previous model (as `profile-edit.mjs --type=code`).
import { createRequire } from 'node:module';
import * as path from 'node:path';
import { generatePipeline } from './generate.mjs';
import { cpuMs as cpu } from './stats.mjs';
import { codeKeystrokes, codeToType, functionTakingFrame } from './typedCode.mjs';

const require = createRequire(import.meta.url);
const here = path.resolve(path.dirname(new URL(import.meta.url).pathname), '../..');
const argv = process.argv.slice(2);
const [baseRoot, linesArg, runsArg] = argv.filter((a) => !a.startsWith('--'));
if (!baseRoot) throw new Error('usage: after-model-ab.mjs BASE_ROOT [lines] [keystrokes] [--at=top|middle|end]');
const lines = Number(linesArg ?? 20000);
const runs = Number(runsArg ?? 12);
const option = (name, fallback) => argv.find((a) => a.startsWith(`--${name}=`))?.slice(name.length + 3) ?? fallback;
const at = option('at', 'middle');
const top = Number(option('top', 12));
const where = { top: 0.1, middle: 0.5, end: 0.9 }[at];
if (where === undefined) throw new Error(`at ${at}: top, middle or end`);
const text = generatePipeline(lines, lines);
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

async function load(root, label) {
  const out = (p) => require(path.join(path.resolve(root), 'out', p));
  const { analyzeInSteps, enabledRules } = out('server/src/analysis.js');
  const { PythonParser } = out('server/src/parsing/pythonParser.js');
  const { DocumentStore } = out('server/src/lsp/documentStore.js');
  const { syntaxTreeOf } = out('server/src/parsing/syntaxTree.js');
  const { toDiagnostic } = out('server/src/lsp/toDiagnostic.js');
  const { fileFragment } = out('server/src/graph/index.js');
  const { nodesOfType } = out('server/src/model/syntaxIndex.js');
  const { defaultSettings } = out('shared/settings.js');
  const settings = defaultSettings();
  const rules = enabledRules(settings, {});
  const parser = await PythonParser.load();
  const store = new DocumentStore(parser, () => false);
  const uri = 'file:///ab/edit.py';
  store.open(uri, 'python', 1, text);
  let previousModel;
  const analyse = async (doc, marks, onModel) =>
    analyzeInSteps(
      doc.tree,
      doc.document.getText(),
      {
        settings,
        path: uri,
        previousModel,
        onModel: (m) => {
          previousModel = m;
          onModel?.(m);
        },
      },
      { pause: async () => void marks.push(cpu()), stale: () => false },
    );
  await analyse(store.get(uri), []);
  const textLines = text.split('\n');
  const mid = functionTakingFrame(textLines, Math.floor(textLines.length * where));
  const typing = codeKeystrokes(mid + 1, codeToType(1));
  let version = 1;
  store.change(uri, ++version, [typing.setup]);
  await analyse(store.get(uri), []);
  return {
    label,
    async run() {
      store.change(uri, ++version, [typing.next()]);
      const doc = store.get(uri);
      void doc.tree;
      syntaxTreeOf(doc.tree, doc.document.getText());
      let lists = 0;
      // The per-type lists made here, timed apart, rather than by the first rule that asks.
      const onModel = (model) => {
        const l0 = cpu();
        nodesOfType(model, 'call');
        lists = cpu() - l0;
      };
      const marks = [cpu()];
      const result = await analyse(doc, marks, onModel);
      const c3 = cpu();
      const diagnostics = result.findings.map((f) => toDiagnostic(uri, f, result.lines, true));
      const c4 = cpu();
      const fragment = fileFragment({ filename: '/ab/edit.py', uri, model: result.model, lines: result.lines, findings: result.findings });
      const c5 = cpu();
      const steps = new Map();
      // Marks: after the copy, after the model (the lists made in onModel are inside it), then before each rule.
      steps.set('per-type node lists', lists);
      steps.set('code context + noqa index', marks[3] - marks[2]);
      let all = 0;
      for (let i = 0; i < rules.length; i++) {
        const t = (marks[i + 4] ?? c3) - marks[i + 3];
        steps.set(`rule ${rules[i].code}`, t);
        all += t;
      }
      steps.set('all rules', all);
      steps.set('after the last rule (sort, result)', c3 - marks[marks.length - 1]);
      steps.set('diagnostics conversion', c4 - c3);
      steps.set('graph fragment', c5 - c4);
      const raw = fragment.raw;
      const plain = JSON.stringify({
        steps: [...raw.steps].map(([k, s]) => [k, { ...s, reads: [...s.reads], writes: [...s.writes] }]),
        datasets: [...raw.datasets],
      });
      // The rule pages' links name the build's own docs folder: compared by page.
      const pages = diagnostics.map((d) => ({ ...d, codeDescription: { href: d.codeDescription.href.split('/').pop() } }));
      return { steps, findings: JSON.stringify(result.findings), diagnostics: JSON.stringify(pages), fragment: plain };
    },
  };
}

const builds = [await load(baseRoot, 'base'), await load(here, 'this')];
const samples = builds.map(() => new Map());
const differ = { findings: 0, diagnostics: 0, fragment: 0 };
for (let i = 0; i < runs + 2; i++) {
  // Alternate which build goes first, so neither always follows the other's garbage.
  const order = i % 2 ? [1, 0] : [0, 1];
  const got = [];
  for (const b of order) got[b] = await builds[b].run();
  for (const k of Object.keys(differ)) if (got[0][k] !== got[1][k]) differ[k]++;
  if (i < 2) continue; // warm-up
  got.forEach((g, b) => {
    for (const [name, ms] of g.steps) samples[b].set(name, [...(samples[b].get(name) ?? []), ms]);
  });
}
const same = Object.entries(differ)
  .map(([k, n]) => (n ? `${k} DIFFER in ${n}` : `${k} identical`))
  .join(', ');
console.log(`${text.split('\n').length} lines, ${runs} code keystrokes at the ${at} per build (after two of warm-up); ${same}`);
console.log(`CPU ms, median                          base      this`);
const names = [...samples[0].keys()];
const ruleNames = names
  .filter((n) => n.startsWith('rule '))
  .sort((a, b) => median(samples[0].get(b)) - median(samples[0].get(a)))
  .slice(0, top);
for (const name of [...names.filter((n) => !n.startsWith('rule ')), ...ruleNames]) {
  const [a, b] = samples.map((s) => median(s.get(name) ?? [0]));
  console.log(`  ${name.padEnd(36)} ${a.toFixed(1).padStart(7)} ${b.toFixed(1).padStart(9)}`);
}
if (Object.values(differ).some((n) => n)) process.exitCode = 1;
