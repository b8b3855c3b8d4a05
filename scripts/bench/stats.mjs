// Small helpers shared by the benchmark scripts.
import * as fs from 'node:fs';

export function percentile(xs, p) {
  if (!xs.length) return NaN;
  const s = [...xs].sort((a, b) => a - b);
  const i = Math.min(s.length - 1, Math.max(0, Math.ceil((p / 100) * s.length) - 1));
  return s[i];
}

export const median = (xs) => percentile(xs, 50);

/** CPU time of this process so far (user + system), in ms. */
export function cpuMs() {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1000;
}

/** Wraps each rule's `check` so that its CPU time adds up in `spent` (ms by rule code); returns `spent`. */
export function timeEachRule(rules, spent = new Map()) {
  for (const rule of rules) {
    const check = rule.check;
    rule.check = function (...a) {
      const t0 = cpuMs();
      try {
        return check.apply(this, a);
      } finally {
        spent.set(rule.code, (spent.get(rule.code) ?? 0) + cpuMs() - t0);
      }
    };
  }
  return spent;
}

/**
 * Runs `fn` (synchronous) at least `minRuns` times and until `minMs` of measured time, at most
 * `maxRuns`, after `warmup` unmeasured runs. Returns every sample (wall ms), with `.cpu`: the
 * process's CPU time (user + system ms) of each run, which other processes on a shared machine
 * inflate much less than the wall time (the collector's helper threads count too).
 */
export function sample(fn, { warmup = 2, minRuns = 5, maxRuns = 200, minMs = 300 } = {}) {
  for (let i = 0; i < warmup; i++) fn();
  const out = [];
  out.cpu = [];
  let spent = 0;
  while (out.length < maxRuns && (out.length < minRuns || spent < minMs)) {
    const c0 = process.cpuUsage();
    const t0 = performance.now();
    fn();
    const dt = performance.now() - t0;
    const c1 = process.cpuUsage(c0);
    out.push(dt);
    out.cpu.push((c1.user + c1.system) / 1000);
    spent += dt;
  }
  return out;
}

/**
 * `sample` for several functions run in turn (a, b, a, b, ...), each with its own samples (and
 * `.cpu`), so that their ratio is taken from the same minutes: on a shared machine the CPU time of
 * one run moves with the load (other processes' cache and memory traffic, the collector's helper
 * threads), and two functions sampled one after the other, minutes apart, give a ratio that moves
 * by 2x between runs of the bench. Warm-up runs alternate too. Each run's CPU time includes what
 * it left to V8's helper threads (see `settleThreads`): run in turn without it, a bare parse after a
 * full analysis was charged the analysis's concurrent marking and sweeping (a third more CPU).
 * Stops when every function has `minRuns` samples and `minMs` of measured time in all, or `maxRuns` each.
 */
export function sampleAlternating(fns, { warmup = 2, minRuns = 5, maxRuns = 200, minMs = 300 } = {}) {
  for (let i = 0; i < warmup; i++) for (const fn of fns) fn();
  settleThreads();
  const outs = fns.map(() => Object.assign([], { cpu: [] }));
  let spent = 0;
  while (outs[0].length < maxRuns && (outs[0].length < minRuns || spent < minMs)) {
    fns.forEach((fn, k) => {
      const c0 = process.cpuUsage();
      const t0 = performance.now();
      fn();
      const dt = performance.now() - t0;
      // The run's own work on V8's helper threads (parallel and concurrent collection, compiling)
      // goes on after it returns: it is counted in this run, not in the next function's.
      const polling = settleThreads();
      const c1 = process.cpuUsage(c0);
      outs[k].push(dt);
      outs[k].cpu.push((c1.user + c1.system) / 1000 - polling);
      spent += dt;
    });
  }
  return outs;
}

const pause = new Int32Array(new SharedArrayBuffer(4));

/**
 * Sleeps (no CPU) until no thread of this process but the main one is runnable, twice in a row
 * 2 ms apart, at most `maxMs`. Returns the main thread's CPU ms spent polling (to take off a
 * measurement). Without /proc (not Linux) it does nothing and returns 0.
 */
export function settleThreads(maxMs = 2000) {
  const main = `/proc/self/task/${process.pid}/schedstat`;
  let before;
  try {
    before = Number(fs.readFileSync(main, 'utf8').split(' ')[0]);
  } catch {
    return 0;
  }
  let quiet = 0;
  for (const t0 = performance.now(); quiet < 2 && performance.now() - t0 < maxMs;) {
    Atomics.wait(pause, 0, 0, 2);
    let busy = false;
    for (const tid of fs.readdirSync('/proc/self/task')) {
      if (Number(tid) === process.pid) continue;
      try {
        // Field 3 of stat, after the parenthesised name: R runnable, S sleeping, D waiting on I/O.
        const stat = fs.readFileSync(`/proc/self/task/${tid}/stat`, 'utf8');
        if (stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3) === 'R') busy = true;
      } catch {
        // The thread ended.
      }
    }
    quiet = busy ? 0 : quiet + 1;
  }
  return (Number(fs.readFileSync(main, 'utf8').split(' ')[0]) - before) / 1e6;
}

export function fmt(n, digits = 2) {
  if (n === undefined || Number.isNaN(n)) return '-';
  if (Math.abs(n) >= 1000) return Math.round(n).toLocaleString('en-US');
  return n.toFixed(digits);
}

/** Plain-text table with right-aligned numeric columns. */
export function table(headers, rows) {
  const cells = [headers, ...rows.map((r) => r.map((c) => String(c)))];
  const widths = headers.map((_, i) => Math.max(...cells.map((r) => (r[i] ?? '').length)));
  const line = (r) => r.map((c, i) => (i === 0 ? c.padEnd(widths[i]) : c.padStart(widths[i]))).join('  ');
  return [line(cells[0]), widths.map((w) => '-'.repeat(w)).join('  '), ...cells.slice(1).map(line)].join('\n');
}

export function rssKb(pid) {
  try {
    const status = fs.readFileSync(`/proc/${pid}/status`, 'utf8');
    const m = /VmRSS:\s+(\d+)\s+kB/.exec(status);
    return m ? Number(m[1]) : undefined;
  } catch {
    return undefined;
  }
}
