import { analyze, type AnalysisOptions } from '../analysis';
import { applyEdits, type Applicability, type Finding, type Fix } from '../findings';
import { countSyntaxErrors, type PythonParser } from '../parsing/pythonParser';

export interface FixAllOptions extends AnalysisOptions {
  /** Apply unsafe fixes too (`--unsafe-fixes`). Display-only fixes are never applied in bulk. */
  unsafe?: boolean;
}

export interface FixAllResult {
  text: string;
  applied: { code: string; title: string; applicability: Applicability }[];
  /** Findings left with a fix that bulk fixing did not apply, by why it was held back. */
  held: { unsafe: number; displayOnly: number };
}

/** Upper bound on fixes per file: each round re-analyses the whole text. */
const MAX_ROUNDS = 200;

function analyseText(parser: PythonParser, text: string, options: AnalysisOptions) {
  const tree = parser.parse(text);
  try {
    return { result: analyze(tree, text, options), errors: countSyntaxErrors(tree.rootNode) };
  } finally {
    tree.delete();
  }
}

/**
 * The fix bulk fixing applies to a finding: a safe one (the preferred first), or with `unsafe`
 * an unsafe one when no safe one exists. Never a display-only fix: its value is the user's to give.
 */
export function bulkFix(f: Finding, unsafe = false): Fix | undefined {
  const safe = f.fixes.filter((x) => x.applicability === 'safe');
  const pick = safe.find((x) => x.preferred) ?? safe[0];
  if (pick || !unsafe) return pick;
  const risky = f.fixes.filter((x) => x.applicability === 'unsafe');
  return risky.find((x) => x.preferred) ?? risky[0];
}

/** Why a finding's fixes were held back from bulk fixing, if they were. */
function heldBack(f: Finding, unsafe: boolean): 'unsafe' | 'displayOnly' | undefined {
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

export function countFixes(findings: readonly Finding[], unsafe = false): FixCounts {
  const out: FixCounts = { fixable: 0, unsafe: 0, displayOnly: 0 };
  for (const f of findings) {
    const why = heldBack(f, unsafe);
    if (why) out[why]++;
    else if (bulkFix(f, unsafe)) out.fixable++;
  }
  return out;
}

/**
 * Applies the fixes bulk fixing may apply (see bulkFix), one at a time on fresh analysis, so each
 * fix is computed on the text the previous one produced. A fix is kept only when it adds no syntax
 * error and removes a finding of its rule; otherwise it is skipped, never retried.
 */
export function fixAll(parser: PythonParser, text: string, options: FixAllOptions = {}): FixAllResult {
  const unsafe = options.unsafe === true;
  let current = text;
  const applied: FixAllResult['applied'] = [];
  const skipped = new Set<string>();
  let state = analyseText(parser, current, options);
  for (let round = 0; round < MAX_ROUNDS; round++) {
    let progressed = false;
    for (const f of state.result.findings) {
      const fix = bulkFix(f, unsafe);
      if (!fix) continue;
      const key = `${f.code}:${current.slice(Math.max(0, f.start - 40), f.end + 40)}`;
      if (skipped.has(key)) continue;
      const next = applyEdits(current, fix.edits);
      const after = next === current ? undefined : analyseText(parser, next, options);
      const count = (r: typeof state) => r.result.findings.filter((x) => x.code === f.code).length;
      if (!after || after.errors > state.errors || count(after) >= count(state)) {
        skipped.add(key);
        continue;
      }
      current = next;
      state = after;
      applied.push({ code: f.code, title: fix.title, applicability: fix.applicability });
      progressed = true;
      break;
    }
    if (!progressed) break;
  }
  const { unsafe: heldUnsafe, displayOnly } = countFixes(state.result.findings, unsafe);
  return { text: current, applied, held: { unsafe: heldUnsafe, displayOnly } };
}
