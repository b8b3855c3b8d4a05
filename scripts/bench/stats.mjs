// Small helpers shared by the benchmark scripts.
import * as fs from 'node:fs';

export function percentile(xs, p) {
  if (!xs.length) return NaN;
  const s = [...xs].sort((a, b) => a - b);
  const i = Math.min(s.length - 1, Math.max(0, Math.ceil((p / 100) * s.length) - 1));
  return s[i];
}

export const median = (xs) => percentile(xs, 50);

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
