// Which rules are strict (opt-in), as the built CLI lists them in its help ("name (strict)").
// A default corpus run does not run them, so their triaged true positives are not "lost" there:
// precision.mjs needs the list to tell a rule that stopped firing from one that was not asked.
import { execFileSync } from 'node:child_process';

/** The codes the CLI at `cli` marks strict; undefined when the CLI cannot be run or marks none. */
export function strictRuleCodes(cli) {
  let help;
  try {
    help = execFileSync(process.execPath, [cli, '--help'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] });
  } catch {
    return undefined;
  }
  const codes = [...help.matchAll(/^\s+(PSA\d{3})\s+\S+ \(strict\)/gm)].map((m) => m[1]);
  return codes.length ? codes : undefined;
}
