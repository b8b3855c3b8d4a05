// The JS heap of a V8 heap snapshot by constructor: count and self size, largest first.
//
//   node scripts/bench/heapsnapshot-top.mjs FILE.heapsnapshot [N=30]
//
// Self sizes only (what each object itself takes; an array's elements are counted with the array).
// ArrayBuffer backing stores, wasm memory included, are outside the JS heap and listed as
// `native`: those come from the snapshot's `(... backing store)` nodes where V8 records them.
import * as fs from 'node:fs';

const [file, nArg] = process.argv.slice(2);
const top = Number(nArg ?? 30);
const snap = JSON.parse(fs.readFileSync(file, 'utf8'));
const meta = snap.snapshot.meta;
const fields = meta.node_fields;
const width = fields.length;
const typeNames = meta.node_types[0];
const iType = fields.indexOf('type');
const iName = fields.indexOf('name');
const iSize = fields.indexOf('self_size');
const nodes = snap.nodes;
const strings = snap.strings;
const byKey = new Map();
let total = 0;
for (let i = 0; i < nodes.length; i += width) {
  const type = typeNames[nodes[i + iType]];
  const size = nodes[i + iSize];
  total += size;
  let name = strings[nodes[i + iName]];
  // Strings, code and numbers by type; objects and arrays by constructor.
  if (type === 'string' || type === 'concatenated string' || type === 'sliced string') name = '(string)';
  else if (type === 'code') name = '(code)';
  else if (type === 'number') name = '(number)';
  else if (type === 'hidden' && name.startsWith('system /')) name = name.replace(/ \/ .*$/, '');
  if (name.length > 60) name = name.slice(0, 57) + '...';
  const key = `${type}\t${name}`;
  const row = byKey.get(key) ?? { type, name, count: 0, size: 0 };
  row.count++;
  row.size += size;
  byKey.set(key, row);
}
const rows = [...byKey.values()].sort((a, b) => b.size - a.size).slice(0, top);
console.log(`total self size ${(total / 1048576).toFixed(1)} MB in ${nodes.length / width} objects`);
for (const r of rows) console.log(`${(r.size / 1048576).toFixed(1).padStart(8)} MB ${String(r.count).padStart(9)}  ${r.type.padEnd(12)} ${r.name}`);
