// Summarises a V8 .cpuprofile: top functions by self time, and (--inclusive) the project's own
// functions by total time including callees (where tree-sitter API time is spent from).
//   node scripts/bench/cpuprofile-top.mjs FILE.cpuprofile [N=25] [--inclusive]
import * as fs from 'node:fs';

const argv = process.argv.slice(2);
const inclusive = argv.includes('--inclusive');
const [file, count] = argv.filter((a) => !a.startsWith('--'));
const prof = JSON.parse(fs.readFileSync(file, 'utf8'));
const n = Number(count ?? 25);
const byId = new Map(prof.nodes.map((x) => [x.id, x]));
const parent = new Map();
for (const x of prof.nodes) for (const c of x.children ?? []) parent.set(c, x.id);
const keyOf = (node) => {
  const cf = node.callFrame;
  return `${cf.functionName || '(anonymous)'}  ${cf.url.replace(/^.*\/(out|node_modules)\//, '$1/')}:${cf.lineNumber + 1}`;
};
const totals = new Map();
const dts = prof.timeDeltas;
let total = 0;
for (let i = 0; i < prof.samples.length; i++) {
  const dt = dts[i] ?? 0;
  total += dt;
  let id = prof.samples[i];
  if (!inclusive) {
    const k = keyOf(byId.get(id));
    totals.set(k, (totals.get(k) ?? 0) + dt);
    continue;
  }
  const seen = new Set();
  for (; id !== undefined; id = parent.get(id)) {
    const node = byId.get(id);
    // The engine's modules (out/, in-process scripts) or the server's bundle (dist/, a profiled server).
    if (!/\/(out|dist)\//.test(node.callFrame.url)) continue;
    const k = keyOf(node);
    if (seen.has(k)) continue;
    seen.add(k);
    totals.set(k, (totals.get(k) ?? 0) + dt);
  }
}
const rows = [...totals.entries()].sort((a, b) => b[1] - a[1]).slice(0, n);
console.log(`total ${(total / 1000).toFixed(0)} ms sampled (${inclusive ? 'inclusive time of project functions' : 'self time'})`);
for (const [k, us] of rows) console.log(`${((us / total) * 100).toFixed(1).padStart(5)}%  ${(us / 1000).toFixed(0).padStart(7)} ms  ${k}`);
