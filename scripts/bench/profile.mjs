// Runs full analyses in a loop for `node --cpu-prof`:
//   node --cpu-prof --cpu-prof-dir=/tmp/psa-prof scripts/bench/profile.mjs [lines=5000] [seconds=10] [file.py | --repetitive]
// --repetitive profiles the notebook-like text of the scaling bench (`generateRepetitive`).
//   node scripts/bench/cpuprofile-top.mjs /tmp/psa-prof/*.cpuprofile
import { createRequire } from 'node:module';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { generatePipeline, generateRepetitive } from './generate.mjs';

const require = createRequire(import.meta.url);
const root = path.resolve(path.dirname(new URL(import.meta.url).pathname), '../..');
const { analyze } = require(path.join(root, 'out/server/src/analysis.js'));
const { PythonParser } = require(path.join(root, 'out/server/src/parsing/pythonParser.js'));
const { dropCopy } = require(path.join(root, 'out/server/src/parsing/syntaxTree.js'));

const lines = Number(process.argv[2] ?? 5000);
const seconds = Number(process.argv[3] ?? 10);
const source = process.argv[4];
const text = source === '--repetitive' ? generateRepetitive(lines, lines) : source ? fs.readFileSync(source, 'utf8') : generatePipeline(lines, lines);
const parser = await PythonParser.load();
const deadline = performance.now() + seconds * 1000;
let runs = 0;
while (performance.now() < deadline) {
  const tree = parser.parse(text);
  analyze(tree, text);
  dropCopy(tree);
  tree.delete();
  runs++;
}
console.log(`${runs} analyses of ${text.split('\n').length} lines in ${seconds} s`);
