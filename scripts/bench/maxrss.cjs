// Preloaded into the CLI by the benchmark: prints the process's peak RSS and its CPU time (user +
// system, all threads: workers included) when it exits, and on Linux each thread's CPU time:
// the main thread, the worker threads and V8's helper threads (the collector's and the compiler's
// background work) cannot otherwise be told apart, and on two cores that split decides the
// speed-up of a run with workers more than the total does.
/* global process, require, setInterval */
/* eslint-disable @typescript-eslint/no-require-imports -- a preload given to `node -r`, CommonJS */
const fs = require('node:fs');
const { isMainThread } = require('node:worker_threads');

if (isMainThread) {
  /** CPU ms of every thread seen, by thread id: sampled, since a worker's thread is gone by the exit. */
  const threads = new Map();
  const started = new Map();
  const sample = () => {
    let tids;
    try {
      tids = fs.readdirSync('/proc/self/task');
    } catch {
      return;
    }
    for (const tid of tids) {
      try {
        const stat = fs.readFileSync(`/proc/self/task/${tid}/stat`, 'utf8');
        const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
        // utime and stime, in clock ticks (100 a second on Linux).
        threads.set(tid, (Number(fields[11]) + Number(fields[12])) * 10);
        if (!started.has(tid)) started.set(tid, started.size);
      } catch {
        // The thread ended between the listing and the read.
      }
    }
  };
  sample();
  // Helper threads exist from the start; a worker's thread appears when the pool starts it.
  const helpers = new Set(threads.keys());
  setInterval(sample, 50).unref();
  process.on('exit', () => {
    sample();
    const u = process.resourceUsage();
    process.stderr.write(`maxrss-kb ${u.maxRSS}\ncpu-ms ${Math.round((u.userCPUTime + u.systemCPUTime) / 1000)}\n`);
    if (!threads.size) return;
    const main = threads.get(String(process.pid)) ?? 0;
    let helperMs = 0;
    const workers = [];
    for (const [tid, ms] of threads) {
      if (tid === String(process.pid)) continue;
      if (helpers.has(tid) || ms < 100) helperMs += ms;
      else workers.push(ms);
    }
    process.stderr.write(`thread-cpu-ms main ${main} workers ${workers.join(',') || '-'} helpers ${helperMs}\n`);
  });
}
