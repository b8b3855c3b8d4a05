// The memory a keystroke touches, step by step (issue 18): per coarse step of keystrokeCost.mjs's
// keystroke (parse, syntax copy, model, rules, graph fragment), the JS heap bytes allocated, the
// change in ArrayBuffer memory (the syntax copy's typed arrays live there, outside the JS heap), the
// collections that ran in it (scavenges, mark-compacts: count and main-thread ms, from V8's
// GCProfiler), the minor page faults (first touches of fresh pages) and the wall and CPU ms.
//
//   node [V8 flags] scripts/bench/gc-churn.mjs [lines=20000] [keystrokes=20] [--at=middle] [--type=code] [--json]
//
// (after `npx tsc -b && npx tsc -p test/tsconfig.json`). Process settings are compared by running it
// under each (e.g. `node --max-semi-space-size=32 ...`, `GLIBC_TUNABLES=... node ...`), alternated.
// Heap bytes allocated in a step = the heap's used size at its end - at its start + what every
// collection in it freed; a collection that promotes counts as freeing nothing it kept.
import { performance } from 'node:perf_hooks';
import * as v8 from 'node:v8';
import { keystrokeCost } from './keystrokeCost.mjs';

const args = process.argv.slice(2).filter((a) => !a.startsWith('--'));
const option = (name, fallback) => process.argv.find((a) => a.startsWith(`--${name}=`))?.slice(name.length + 3) ?? fallback;

// Running totals since the start, brought up to date at each mark (the profiler is stopped and
// started again there, so each collection is counted once, in the step it ran in).
const ledger = { freed: 0, scavenges: 0, scavengeMs: 0, markCompacts: 0, markCompactMs: 0, otherGcMs: 0 };
let profiler = new v8.GCProfiler();
profiler.start();
const settle = () => {
  const { statistics } = profiler.stop();
  profiler = new v8.GCProfiler();
  profiler.start();
  for (const s of statistics) {
    ledger.freed += Math.max(0, s.beforeGC.heapStatistics.usedHeapSize - s.afterGC.heapStatistics.usedHeapSize);
    const ms = s.cost / 1000;
    if (s.gcType === 'Scavenge' || s.gcType === 'MinorMarkCompact') {
      ledger.scavenges++;
      ledger.scavengeMs += ms;
    } else if (s.gcType === 'MarkSweepCompact') {
      ledger.markCompacts++;
      ledger.markCompactMs += ms;
    } else ledger.otherGcMs += ms;
  }
};
const probe = {
  mark() {
    settle();
    const cpu = process.cpuUsage();
    return {
      wall: performance.now(),
      cpu: (cpu.user + cpu.system) / 1000,
      used: v8.getHeapStatistics().used_heap_size,
      arrayBuffers: process.memoryUsage().arrayBuffers,
      faults: process.resourceUsage().minorPageFault,
      ...ledger,
    };
  },
  between(a, b) {
    const d = (k) => b[k] - a[k];
    return {
      allocatedMb: (d('used') + d('freed')) / 2 ** 20,
      arrayBuffersMb: d('arrayBuffers') / 2 ** 20,
      scavenges: d('scavenges'),
      scavengeMs: d('scavengeMs'),
      markCompacts: d('markCompacts'),
      markCompactMs: d('markCompactMs'),
      otherGcMs: d('otherGcMs'),
      faults: d('faults'),
      wallMs: d('wall'),
      cpuMs: d('cpu'),
    };
  },
};

const r = await keystrokeCost({
  lines: Number(args[0] ?? 20000),
  keystrokes: Number(args[1] ?? 20),
  at: option('at', 'middle'),
  type: option('type', 'code'),
  probe,
});
profiler.stop();
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const mean = (xs) => xs.reduce((a, b) => a + b, 0) / xs.length;
const columns = [
  ['allocatedMb', 'heap MB', mean],
  ['arrayBuffersMb', 'AB MB', mean],
  ['scavenges', 'scav', mean],
  ['scavengeMs', 'scav ms', mean],
  ['markCompacts', 'MC', mean],
  ['markCompactMs', 'MC ms', mean],
  ['otherGcMs', 'gc o.', mean],
  ['faults', 'faults', mean],
  ['wallMs', 'wall p50', median],
  ['cpuMs', 'cpu p50', median],
  ['wallMs', 'wall mean', mean],
];
const rows = [...r.probes].map(([name, list]) => [name, ...columns.map(([k, , f]) => f(list.map((x) => x[k])))]);
if (process.argv.includes('--json')) {
  console.log(JSON.stringify({ lines: r.lines, keystrokes: r.keystrokes, execArgv: process.execArgv, tunables: process.env.GLIBC_TUNABLES ?? '', rows }));
} else {
  console.log(
    `${r.lines} lines, ${r.keystrokes} keystrokes of ${r.type} at the ${r.at}; node ${process.execArgv.join(' ') || '(no flags)'}${process.env.GLIBC_TUNABLES ? `, GLIBC_TUNABLES=${process.env.GLIBC_TUNABLES}` : ''}; per keystroke (mean, p50 where said)`,
  );
  console.log(`  ${''.padEnd(28)}${columns.map(([, h]) => h.padStart(9)).join('')}`);
  for (const [name, ...v] of rows) console.log(`  ${name.padEnd(28)}${v.map((x) => x.toFixed(1).padStart(9)).join('')}`);
}
