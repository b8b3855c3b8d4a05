import { dropCopy } from '../parsing/syntaxTree';
import { analyze, type AnalysisOptions } from '../analysis';
import { applyEdits, type Applicability, type Finding, type Fix } from '../findings';
import { bulkFix, countFixes, type BulkFixable } from './fixCounts';
import { countSyntaxErrors, ParseFailure, type PythonParser } from '../parsing/pythonParser';

// Counting needs no parser: its own module, so that the CLI's report loads without the engine.
export { bulkFix, countFixes, type FixCounts } from './fixCounts';

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
    dropCopy(tree);
    parser.release(tree);
  }
}

/** A candidate text the parser refuses or fails on is a fix not to apply. */
function analyseCandidate(parser: PythonParser, text: string, options: AnalysisOptions) {
  try {
    return analyseText(parser, text, options);
  } catch (e) {
    if (e instanceof ParseFailure) return undefined;
    throw e;
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
 * The fix loop, for any kind of document (a file, a notebook's cells): apply a finding's bulk fix
 * (safe; unsafe too with `unsafe`, see bulkFix), analyse again, keep the result only when it adds no syntax error and removes a finding of
 * that rule. `key` names a finding across rounds, so a fix that failed is never retried.
 * `analyseState` answers undefined for a candidate it cannot analyse (the fix is then not applied).
 */
export function fixRounds<S, F extends BulkFixable, T extends FixableFinding<F>>(
  initial: S,
  analyseState: (s: S) => FixState<F, T> | undefined,
  apply: (s: S, fix: F) => S | undefined,
  key: (s: S, f: T) => string,
  unsafe = false,
): { state: S; applied: FixAllResult['applied']; findings: T[] } {
  let current = initial;
  const applied: FixAllResult['applied'] = [];
  const skipped = new Set<string>();
  let state = analyseState(current);
  if (!state) return { state: current, applied, findings: [] };
  for (let round = 0; round < MAX_ROUNDS; round++) {
    let progressed = false;
    for (const f of state.findings) {
      const fix = bulkFix(f, unsafe);
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
      applied.push({ code: f.code, title: fix.title, applicability: fix.applicability });
      progressed = true;
      break;
    }
    if (!progressed) break;
  }
  return { state: current, applied, findings: state.findings };
}

/**
 * Applies the fixes bulk fixing may apply (safe ones; unsafe too with `options.unsafe`; never
 * display-only), one at a time on fresh analysis, so each fix is computed on the text the previous
 * one produced. A fix is kept only when it adds no syntax error and removes a finding of its rule;
 * otherwise it is skipped, never retried. Throws `ParseFailure` when `text` itself is not parsed.
 */
export function fixAll(parser: PythonParser, text: string, options: FixAllOptions = {}): FixAllResult {
  const unsafe = options.unsafe === true;
  let first = true;
  const { state, applied, findings } = fixRounds<string, Fix, Finding>(
    text,
    (t) => {
      // The text as given must parse (its failure is the caller's); a candidate that does not is a fix not to apply.
      const r = first ? analyseText(parser, t, options) : analyseCandidate(parser, t, options);
      first = false;
      return r && { findings: r.result.findings, errors: r.errors };
    },
    (t, fix) => {
      const next = applyEdits(t, fix.edits);
      return next === t ? undefined : next;
    },
    (t, f) => `${f.code}:${t.slice(Math.max(0, f.start - 40), f.end + 40)}`,
    unsafe,
  );
  const { unsafe: heldUnsafe, displayOnly } = countFixes(findings, unsafe);
  return { text: state, applied, held: { unsafe: heldUnsafe, displayOnly } };
}
