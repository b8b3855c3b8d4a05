// CPU of typing code into an open document, in process (issue 18, the typing bench's code scenario):
// a generated file opened in a document store and analysed, then bursts of keystrokes typed into the
// body of the first function taking a frame after the middle (`df_1_1 = df.filter(F.col("amount") >
// 101)`, Enter, the next, ...: most versions have a syntax error), each burst followed by what the
// server does once the typing stops: read the tree and analyse (resuming the last model). CPU of this
// thread (`process.cpuUsage`): the keystrokes' store edits (what the server does per didChange while
// no analysis runs), then the read of the tree (the parse, where a build defers it), then the analysis.
//   node scripts/bench/code-keystrokes.mjs <repository folder, built: out/> [lines=5000] [keystrokes per burst=60] [bursts=5]
// Run it with main's folder and this one's in turns: both builds type the same text.
import { createRequire } from 'node:module';
import { codeKeystrokes, codeToType } from './typedCode.mjs';
const dir = (await import('node:path')).resolve(process.argv[2] ?? '.');
const lines = Number(process.argv[3] ?? 5000);
const perBurst = Number(process.argv[4] ?? 60);
const bursts = Number(process.argv[5] ?? 5);
const require = createRequire(import.meta.url);
const { generatePipeline } = await import(`${dir}/scripts/bench/generate.mjs`);
const { analyze } = require(`${dir}/out/server/src/analysis`);
const { DocumentStore } = require(`${dir}/out/server/src/lsp/documentStore`);
const { PythonParser } = require(`${dir}/out/server/src/parsing/pythonParser`);
const parser = await PythonParser.load();
const cpu = () => {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1000;
};
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const text = generatePipeline(lines, lines);
const ls = text.split('\n');
let def = Math.floor(ls.length / 2);
while (!/^def \w+\(df\):\s*$/.test(ls[def])) def++;
const uri = 'file:///p/code.py';
const store = new DocumentStore(parser, () => false);
store.open(uri, 'python', 1, text);
let model = analyze(store.get(uri).tree, text, {}).model;
let version = 1;
const typing = codeKeystrokes(def + 1, codeToType(1));
store.change(uri, ++version, [typing.setup]);
const keystroke = [];
const read = [];
const analysis = [];
for (let b = 0; b < bursts; b++) {
  const c0 = cpu();
  for (let i = 0; i < perBurst; i++) store.change(uri, ++version, [typing.next()]);
  const c1 = cpu();
  const doc = store.get(uri);
  const tree = doc.tree;
  const c2 = cpu();
  const result = analyze(tree, doc.document.getText(), { previousModel: model });
  model = result.model ?? model;
  const c3 = cpu();
  keystroke.push((c1 - c0) / perBurst);
  read.push(c2 - c1);
  analysis.push(c3 - c2);
}
console.log(
  `${dir}: ${lines} lines, ${bursts} bursts of ${perBurst} code keystrokes; CPU ms, median over bursts: per keystroke ${median(keystroke).toFixed(2)} ` +
    `(burst ${(median(keystroke) * perBurst).toFixed(0)}), reading the tree after the burst ${median(read).toFixed(1)}, analysis ${median(analysis).toFixed(1)}; ` +
    `per keystroke per burst ${keystroke.map((x) => x.toFixed(2)).join(' ')}`,
);
store.dispose();
