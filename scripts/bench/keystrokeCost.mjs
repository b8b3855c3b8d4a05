// Where the time after a keystroke goes, step by step (issue 18): a generated file is opened in the
// server's document store and analysed, then a character is typed again and again; each keystroke's
// parse, syntax copy, model, every rule, sorting, diagnostics conversion and graph fragment are timed
// (CPU of this thread; medians over the keystrokes). Used by profile-edit.mjs (the table) and by
// bench.mjs (what is left of a missed typing target, measured in the same run). Needs out/ (`npx tsc
// -p test/tsconfig.json`).
import { createRequire } from 'node:module';
import * as path from 'node:path';
import { generatePipeline } from './generate.mjs';
import { codeKeystrokes, codeToType, functionTakingFrame } from './typedCode.mjs';

const require = createRequire(import.meta.url);
const root = path.resolve(path.dirname(new URL(import.meta.url).pathname), '../..');
const out = (p) => require(path.join(root, 'out', p));

const cpu = () => {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1000;
};
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const mean = (xs) => xs.reduce((a, b) => a + b, 0) / xs.length;

/**
 * Types `keystrokes` keystrokes (after two of warm-up) into a generated file of `lines` lines and
 * times each step. `at`: top, middle or end (a tenth, half or nine tenths of the way down); `type`:
 * comment (an `x` into a fresh comment line) or code (the bench's code scenario into the body of the
 * first function taking a frame at or after that line); `fresh`: no previous model given; `every`: the
 * analysis runs after every `every`-th keystroke only, the others applied to the document store and
 * left (as the server does after a burst, whose analysis resumes from the model of several keystrokes
 * back); each measured keystroke is then `every` edits, timed from the first.
 * Returns each step's median, mean and max CPU ms, with what the incremental path reused.
 * `probe` (gc-churn.mjs): `{ mark(), between(a, b) }`; `mark()` is called at each coarse step's
 * boundaries (after the CPU reading) and `between` once per step and keystroke, with the step's name,
 * its result collected in `probes` (by step name).
 */
export async function keystrokeCost({ lines = 5000, keystrokes = 15, at = 'middle', type = 'comment', fresh = false, every = 1, probe } = {}) {
  const { analyzeInSteps, enabledRules } = out('server/src/analysis.js');
  const { PythonParser } = out('server/src/parsing/pythonParser.js');
  const { DocumentStore } = out('server/src/lsp/documentStore.js');
  const { syntaxTreeOf } = out('server/src/parsing/syntaxTree.js');
  const { toDiagnostic } = out('server/src/lsp/toDiagnostic.js');
  const { fileFragment } = out('server/src/graph/index.js');
  const { mergeEdits } = out('server/src/context/textWords.js');
  const { defaultSettings } = out('shared/settings.js');
  if (type !== 'comment' && type !== 'code') throw new Error(`type ${type}: comment or code`);
  const where = { top: 0.1, middle: 0.5, end: 0.9 }[at];
  if (where === undefined) throw new Error(`at ${at}: top, middle or end`);
  const text = generatePipeline(lines, lines);
  const parser = await PythonParser.load();
  const store = new DocumentStore(parser, () => false);
  const uri = 'file:///profile/edit.py';
  const settings = defaultSettings();
  const rules = enabledRules(settings, {});
  store.open(uri, 'python', 1, text);
  let previousModel;
  // The version the previous model is of: the edits since are given with it, merged, as the server gives them.
  let modelVersion;
  const control = (marks) => ({
    pause: async () => {
      marks.push(cpu());
      // Only the copy -> model -> code context boundaries: a mark per rule would weigh on what it measures.
      if (probe && marks.length <= 4) marks.probes?.push(pmark());
    },
    stale: () => false,
  });
  const probed = new Map();
  const pmark = () => (probe ? probe.mark() : undefined);
  const editedSince = (doc) =>
    !fresh && previousModel && modelVersion >= doc.editsSince ? mergeEdits(doc.edits.filter((e) => e.version > modelVersion)) : undefined;
  const analyse = (doc, marks) =>
    analyzeInSteps(
      doc.tree,
      doc.document.getText(),
      {
        settings,
        path: uri,
        previousModel: fresh ? undefined : previousModel,
        edited: editedSince(doc),
        onModel: (m) => {
          previousModel = m;
          modelVersion = doc.document.version;
        },
      },
      control(marks),
    );
  try {
    await analyse(store.get(uri), []);
    const textLines = text.split('\n');
    let mid = Math.floor(textLines.length * where);
    let version = 1;
    // What each keystroke inserts, and where (as bench.mjs's typing scenarios do).
    let next;
    if (type === 'comment') {
      store.change(uri, ++version, [{ range: { start: { line: mid, character: 0 }, end: { line: mid, character: 0 } }, text: '# \n' }]);
      let column = 2;
      next = () => {
        const p = { line: mid, character: column++ };
        return { range: { start: p, end: p }, text: 'x' };
      };
    } else {
      mid = functionTakingFrame(textLines, mid);
      const typing = codeKeystrokes(mid + 1, codeToType(1));
      store.change(uri, ++version, [typing.setup]);
      next = typing.next;
    }
    await analyse(store.get(uri), []);
    let withError = 0;
    const steps = new Map();
    const add = (k, v) => (steps.get(k) ?? steps.set(k, []).get(k)).push(v);
    const resumed = [];
    const reused = [];
    const relocated = [];
    const replayedStatements = [];
    const adopted = [];
    const counters = new Map();
    const COUNTED = [
      'shiftedFunctions',
      'translatedFunctions',
      'ranFunctions',
      'shiftedStatements',
      'translatedStatements',
      'ranStatements',
      'copiedObjects',
      'walkedObjects',
    ];
    let statements = 0;
    for (let k = 0; k < keystrokes + 2; k++) {
      // The keystrokes before the analysed one are applied and left (their trees parsed: the server parses each version it is sent).
      for (let e = 1; e < every; e++) {
        store.change(uri, ++version, [next()]);
        void store.get(uri).tree;
      }
      const edit = next();
      const p0 = pmark();
      const c0 = cpu();
      store.change(uri, ++version, [edit]);
      // The store parses when the tree is first read (an edit leaves it to then): part of this step.
      const doc = store.get(uri);
      void doc.tree;
      const c1 = cpu();
      const p1 = pmark();
      syntaxTreeOf(doc.tree, doc.document.getText());
      const c2 = cpu();
      const p2 = pmark();
      const marks = [c2];
      marks.probes = [p2];
      const result = await analyse(doc, marks);
      const c3 = cpu();
      const p3 = pmark();
      result.findings.map((f) => toDiagnostic(uri, f, result.lines, true));
      const c4 = cpu();
      const p4 = pmark();
      fileFragment({ filename: '/profile/edit.py', uri, model: result.model, lines: result.lines, findings: result.findings });
      const c5 = cpu();
      const p5 = pmark();
      if (k < 2) continue; // warm-up
      if (probe) {
        const [, afterLines, afterModel, afterContext] = marks.probes;
        const pairs = [
          ['parse', p0, p1],
          ['syntax copy', p1, p2],
          ['line index, PySpark check', p2, afterLines],
          ['model', afterLines, afterModel],
          ['code context + noqa index', afterModel, afterContext],
          ['rules and result', afterContext, p3],
          ['diagnostics conversion', p3, p4],
          ['graph fragment', p4, p5],
          ['total', p0, p5],
        ];
        for (const [name, a, b] of pairs) (probed.get(name) ?? probed.set(name, []).get(name)).push(probe.between(a, b, name));
      }
      resumed.push(result.resumedStatements ?? 0);
      reused.push(result.reusedFunctions ?? 0);
      relocated.push(result.relocatedFunctions ?? 0);
      replayedStatements.push(result.replayedStatements ?? 0);
      for (const c of COUNTED) (counters.get(c) ?? counters.set(c, []).get(c)).push(result[c] ?? 0);
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
    }
    const stepRows = [...steps].map(([name, v]) => ({ name, median: median(v), mean: mean(v), max: Math.max(...v) }));
    return {
      lines,
      keystrokes,
      at,
      type,
      fresh,
      line: mid,
      withError,
      statements,
      resumed: median(resumed),
      resumedMin: Math.min(...resumed),
      reused: median(reused),
      relocated: median(relocated),
      replayedStatements: median(replayedStatements),
      adopted: median(adopted),
      every,
      counters: Object.fromEntries([...counters].map(([k, v]) => [k, median(v)])),
      steps: stepRows,
      probes: probed,
      step: (name) => stepRows.find((r) => r.name === name)?.median,
    };
  } finally {
    store.dispose();
  }
}
