// Where the language server's memory goes with many documents open (issue 18).
//
//   node scripts/bench/memory-probe.mjs [--files=500] [--edits=0] [--idle] [--snapshot=/tmp/server.heapsnapshot] [--v8-flags='--heap-growing-percent=50']
//
// (needs `npm run build && npx tsc -p test/tsconfig.json`)
//
// Opens `--files` generated modules (the memory bench's files: 100 to 600 lines each) in the real
// server over stdio, waits for every file's diagnostics, optionally makes `--edits` one-character
// edits on another document, then reports the server's RSS split by mapping (/proc/<pid>/smaps:
// the V8 heap, web-tree-sitter's wasm linear memory, the rest), and, with `--snapshot`, writes a
// heap snapshot of the server (SIGUSR2, `--heapsnapshot-signal`) and prints the JS heap by
// constructor (self sizes; `heapsnapshot-top.mjs` reads it again).
import { createRequire } from 'node:module';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { generatePipeline } from './generate.mjs';
import { fmt, table } from './stats.mjs';

const require = createRequire(import.meta.url);
const root = path.resolve(path.dirname(new URL(import.meta.url).pathname), '../..');
const args = Object.fromEntries(
  process.argv.slice(2).map((a) => {
    const [k, ...v] = a.replace(/^--/, '').split('=');
    return [k, v.length ? v.join('=') : true];
  }),
);
const files = Number(args.files ?? 500);
const edits = Number(args.edits ?? 0);
const { LspClient } = require(path.join(root, 'out/test/protocol/lspClient.js'));

/** RSS of the process by kind of mapping, in KB. */
export function smapsBreakdown(pid) {
  const text = fs.readFileSync(`/proc/${pid}/smaps`, 'utf8');
  const out = { total: 0, wasm: 0, heapOrAnon: 0, files: 0, other: 0, wasmReservedMb: 0 };
  let size = 0;
  let name = '';
  for (const line of text.split('\n')) {
    const head = /^[0-9a-f]+-[0-9a-f]+\s+\S+\s+\S+\s+\S+\s+\d+\s*(.*)$/.exec(line);
    if (head) {
      name = head[1];
      continue;
    }
    const m = /^(Size|Rss):\s+(\d+) kB/.exec(line);
    if (!m) continue;
    const kb = Number(m[2]);
    if (m[1] === 'Size') {
      size = kb;
      continue;
    }
    out.total += kb;
    // A wasm memory is one reservation of 8-10 GB (guard regions included); nothing else is that large.
    if (size >= 4 * 1024 * 1024) {
      out.wasm += kb;
      out.wasmReservedMb += size / 1024;
    } else if (name === '' || name.startsWith('[heap]') || name.startsWith('[anon')) out.heapOrAnon += kb;
    else if (name.startsWith('/')) out.files += kb;
    else out.other += kb;
  }
  return out;
}

/** Loaded into the server (`--require`): on SIGWINCH it writes its own figures, before and after a full collection. */
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'psa-memory-probe-'));
const preload = path.join(dir, 'preload.cjs');
fs.writeFileSync(
  preload,
  `const v8 = require('v8');
const fs = require('fs');
// --v8-flags: set at run time, as the server itself could (NODE_OPTIONS refuses most GC flags).
if (${JSON.stringify(typeof args['v8-flags'] === 'string' ? args['v8-flags'] : '')}) v8.setFlagsFromString(${JSON.stringify(typeof args['v8-flags'] === 'string' ? args['v8-flags'] : '')});
process.on('SIGWINCH', () => {
  const out = { memoryUsage: process.memoryUsage(), spaces: v8.getHeapSpaceStatistics() };
  if (global.gc) { global.gc(); out.afterGc = process.memoryUsage(); out.spacesAfterGc = v8.getHeapSpaceStatistics(); }
  fs.writeFileSync(${JSON.stringify(dir)} + '/probe-' + process.pid + '.json', JSON.stringify(out));
});
`,
);

async function main() {
  const c = new LspClient(
    { debounceMs: 0 },
    { NODE_OPTIONS: `${process.env.NODE_OPTIONS ?? ''} --heapsnapshot-signal=SIGUSR2 --expose-gc --require ${preload}` },
  );
  await c.initialize();
  const pid = c.proc.pid;
  const t0 = performance.now();
  for (let i = 0; i < files; i++) await c.open(`file:///bench/mem/f${i}.py`, generatePipeline(100 + ((i * 37) % 500), 10_000 + i));
  await c.waitFor(
    () => {
      for (let i = 0; i < files; i++) if (!c.latest(`file:///bench/mem/f${i}.py`)) return undefined;
      return true;
    },
    'diagnostics for every open file',
    3_600_000,
  );
  const openS = (performance.now() - t0) / 1000;
  const rows = [['after opening', files, fmt(openS, 1), ...Object.values(smapsBreakdown(pid)).map((kb) => fmt(kb / 1024, 1))]];
  if (edits) {
    const uri = 'file:///bench/mem/edited.py';
    const text = generatePipeline(300, 4242);
    await c.open(uri, text, 1);
    await c.waitFor(() => c.latest(uri)?.version === 1 || undefined, 'edited.py', 600_000);
    const lines = text.split('\n');
    const line = lines.findIndex((l, i) => i > lines.length / 2 && l.includes('"') && !l.includes('"""'));
    const at = { line, character: lines[line].indexOf('"') + 1 };
    const t1 = performance.now();
    for (let i = 0; i < edits; i++) {
      const v = i + 2;
      const change =
        i % 2 === 0 ? { range: { start: at, end: at }, text: 'x' } : { range: { start: at, end: { line: at.line, character: at.character + 1 } }, text: '' };
      await c.connection.sendNotification('textDocument/didChange', { textDocument: { uri, version: v }, contentChanges: [change] });
      if ((i + 1) % 10 === 0 || i === edits - 1) await c.waitFor(() => c.latest(uri)?.version === v || undefined, `v${v}`, 600_000);
    }
    rows.push([
      `after ${edits} edits`,
      files + 1,
      fmt((performance.now() - t1) / 1000, 1),
      ...Object.values(smapsBreakdown(pid)).map((kb) => fmt(kb / 1024, 1)),
    ]);
  }
  if (args.idle) {
    // V8's memory reducer collects and returns pages after a quiet spell: what an editor left alone holds.
    for (const wait of [5, 30]) {
      await new Promise((r) => setTimeout(r, wait * 1000));
      rows.push([`then idle ${wait} s`, '', '', ...Object.values(smapsBreakdown(pid)).map((kb) => fmt(kb / 1024, 1))]);
    }
  }
  {
    // The preload script answers SIGWINCH with the process's own figures (V8 heap spaces, external memory).
    process.kill(pid, 'SIGWINCH');
    await new Promise((r) => setTimeout(r, 3000));
    const f = path.join(dir, `probe-${pid}.json`);
    if (fs.existsSync(f)) {
      const p = JSON.parse(fs.readFileSync(f, 'utf8'));
      const mb = (x) => fmt(x / 1048576, 1);
      const mu = (m) =>
        `rss ${mb(m.rss)} heapTotal ${mb(m.heapTotal)} heapUsed ${mb(m.heapUsed)} external ${mb(m.external)} arrayBuffers ${mb(m.arrayBuffers)}`;
      console.log(`process.memoryUsage(): ${mu(p.memoryUsage)}`);
      if (p.afterGc) console.log(`after gc():            ${mu(p.afterGc)}`);
      for (const sp of p.spaces)
        console.log(`  ${sp.space_name.padEnd(24)} size ${mb(sp.space_size)} used ${mb(sp.space_used_size)} physical ${mb(sp.physical_space_size)}`);
      for (const sp of p.spacesAfterGc ?? [])
        console.log(`  after gc ${sp.space_name.padEnd(24)} size ${mb(sp.space_size)} used ${mb(sp.space_used_size)} physical ${mb(sp.physical_space_size)}`);
    }
  }
  console.log(
    `load ${(await import('node:os'))
      .loadavg()
      .map((x) => x.toFixed(1))
      .join(' ')}`,
  );
  console.log(table(['when', 'documents', 's', 'RSS MB', 'wasm memory', 'heap/anon', 'mapped files', 'other', 'wasm reserved MB'], rows));
  if (typeof args.snapshot === 'string') {
    const snapDir = path.dirname(args.snapshot);
    const before = new Set(fs.readdirSync(process.cwd()));
    process.kill(pid, 'SIGUSR2');
    // Node writes Heap.<date>.<pid>...heapsnapshot into the server's working directory.
    let written;
    for (let i = 0; i < 1200 && !written; i++) {
      await new Promise((r) => setTimeout(r, 500));
      const fresh = fs.readdirSync(process.cwd()).filter((f) => f.endsWith('.heapsnapshot') && !before.has(f) && f.includes(String(pid)));
      for (const f of fresh) {
        const s1 = fs.statSync(f).size;
        await new Promise((r) => setTimeout(r, 2000));
        if (fs.statSync(f).size === s1 && s1 > 0) written = f;
      }
    }
    rows.length = 0;
    rows.push(['after the snapshot (full GC)', '', '', ...Object.values(smapsBreakdown(pid)).map((kb) => fmt(kb / 1024, 1))]);
    console.log(table(['when', 'documents', 's', 'RSS MB', 'wasm memory', 'heap/anon', 'mapped files', 'other', 'wasm reserved MB'], rows));
    if (written) {
      fs.mkdirSync(snapDir, { recursive: true });
      fs.renameSync(written, args.snapshot);
      console.log(`heap snapshot: ${args.snapshot}`);
    } else console.log('no heap snapshot written');
  }
  await c.stop();
}

await main();
