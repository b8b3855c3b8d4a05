import { analyze, type AnalysisOptions } from '../analysis';
import { applyEdits, type Finding, type Fix } from '../findings';
import { countSyntaxErrors, type PythonParser } from '../parsing/pythonParser';

export interface FixAllResult {
  text: string;
  applied: { code: string; title: string }[];
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

/** What the fix loop needs of a finding: its code and fixes (offsets are the caller's business). */
interface FixableFinding<F> {
  code: string;
  fixes: F[];
}

/** One state of the text being fixed, as the fix loop sees it. */
export interface FixState<F, T extends FixableFinding<F>> {
  findings: T[];
  errors: number;
}

/**
 * The fix loop, for any kind of document (a file, a notebook's cells): apply a finding's preferred
 * fix, analyse again, keep the result only when it adds no syntax error and removes a finding of
 * that rule. `key` names a finding across rounds, so a fix that failed is never retried.
 */
export function fixRounds<S, F extends { title: string; preferred?: boolean }, T extends FixableFinding<F>>(
  initial: S,
  analyseState: (s: S) => FixState<F, T>,
  apply: (s: S, fix: F) => S | undefined,
  key: (s: S, f: T) => string,
): { state: S; applied: FixAllResult['applied'] } {
  let current = initial;
  const applied: FixAllResult['applied'] = [];
  const skipped = new Set<string>();
  let state = analyseState(current);
  for (let round = 0; round < MAX_ROUNDS; round++) {
    let progressed = false;
    for (const f of state.findings) {
      const fix = f.fixes.find((x) => x.preferred);
      if (!fix) continue;
      const k = key(current, f);
      if (skipped.has(k)) continue;
      const next = apply(current, fix);
      const after = next === undefined ? undefined : analyseState(next);
      const count = (r: FixState<F, T>) => r.findings.filter((x) => x.code === f.code).length;
      if (!after || after.errors > state.errors || count(after) >= count(state)) {
        skipped.add(k);
        continue;
      }
      current = next!;
      state = after;
      applied.push({ code: f.code, title: fix.title });
      progressed = true;
      break;
    }
    if (!progressed) break;
  }
  return { state: current, applied };
}

/**
 * Applies every preferred ("safe") fix, one at a time on fresh analysis, so each fix is computed
 * on the text the previous one produced. A fix is kept only when it adds no syntax error and
 * removes a finding of its rule; otherwise it is skipped, never retried.
 */
export function fixAll(parser: PythonParser, text: string, options: AnalysisOptions = {}): FixAllResult {
  const { state, applied } = fixRounds<string, Fix, Finding>(
    text,
    (t) => {
      const { result, errors } = analyseText(parser, t, options);
      return { findings: result.findings, errors };
    },
    (t, fix) => {
      const next = applyEdits(t, fix.edits);
      return next === t ? undefined : next;
    },
    (t, f) => `${f.code}:${t.slice(Math.max(0, f.start - 40), f.end + 40)}`,
  );
  return { text: state, applied };
}
