import type { Applicability } from '../findings';

/** What bulk fixing needs to know of a fix (a file's or a notebook cell's). */
export interface BulkFixable {
  title: string;
  preferred?: boolean;
  applicability: Applicability;
}

/**
 * The fix bulk fixing applies to a finding: a safe one (the preferred first), or with `unsafe`
 * an unsafe one when no safe one exists. Never a display-only fix: its value is the user's to give.
 */
export function bulkFix<F extends BulkFixable>(f: { fixes: readonly F[] }, unsafe = false): F | undefined {
  const safe = f.fixes.filter((x) => x.applicability === 'safe');
  const pick = safe.find((x) => x.preferred) ?? safe[0];
  if (pick || !unsafe) return pick;
  const risky = f.fixes.filter((x) => x.applicability === 'unsafe');
  return risky.find((x) => x.preferred) ?? risky[0];
}

/** Why a finding's fixes were held back from bulk fixing, if they were. */
function heldBack(f: { fixes: readonly BulkFixable[] }, unsafe: boolean): 'unsafe' | 'displayOnly' | undefined {
  if (bulkFix(f, unsafe)) return undefined;
  if (!unsafe && f.fixes.some((x) => x.applicability === 'unsafe')) return 'unsafe';
  return f.fixes.some((x) => x.applicability === 'display-only') ? 'displayOnly' : undefined;
}

export interface FixCounts {
  /** Findings bulk fixing would fix. */
  fixable: number;
  /** Findings whose only fixes are unsafe (enabled by `--unsafe-fixes`). */
  unsafe: number;
  /** Findings whose only fixes need a value from the user. */
  displayOnly: number;
}

export function countFixes(findings: readonly { fixes: readonly BulkFixable[] }[], unsafe = false): FixCounts {
  const out: FixCounts = { fixable: 0, unsafe: 0, displayOnly: 0 };
  for (const f of findings) {
    const why = heldBack(f, unsafe);
    if (why) out[why]++;
    else if (bulkFix(f, unsafe)) out.fixable++;
  }
  return out;
}
