// Preloaded into the CLI by the benchmark: prints the process's peak RSS and its CPU time (user +
// system, all threads: workers included) when it exits.
/* global process */
process.on('exit', () => {
  const u = process.resourceUsage();
  process.stderr.write(`maxrss-kb ${u.maxRSS}\ncpu-ms ${Math.round((u.userCPUTime + u.systemCPUTime) / 1000)}\n`);
});
