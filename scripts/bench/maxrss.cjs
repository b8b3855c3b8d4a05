// Preloaded into the CLI by the benchmark: prints the process's peak RSS (all threads) when it exits.
/* global process */
process.on('exit', () => process.stderr.write(`maxrss-kb ${process.resourceUsage().maxRSS}\n`));
