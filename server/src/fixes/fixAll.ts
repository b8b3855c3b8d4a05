import { analyze, type AnalysisOptions } from '../analysis';
import { applyEdits } from '../findings';
import { countSyntaxErrors, ParseFailure, type PythonParser } from '../parsing/pythonParser';

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

/**
 * Throws `ParseFailure` when `text` itself is not parsed.
 * Applies every preferred ("safe") fix, one at a time on fresh analysis, so each fix is computed
 * on the text the previous one produced. A fix is kept only when it adds no syntax error and
 * removes a finding of its rule; otherwise it is skipped, never retried.
 */
export function fixAll(parser: PythonParser, text: string, options: AnalysisOptions = {}): FixAllResult {
  let current = text;
  const applied: FixAllResult['applied'] = [];
  const skipped = new Set<string>();
  let state = analyseText(parser, current, options);
  for (let round = 0; round < MAX_ROUNDS; round++) {
    let progressed = false;
    for (const f of state.result.findings) {
      const fix = f.fixes.find((x) => x.preferred);
      if (!fix) continue;
      const key = `${f.code}:${current.slice(Math.max(0, f.start - 40), f.end + 40)}`;
      if (skipped.has(key)) continue;
      const next = applyEdits(current, fix.edits);
      const after = next === current ? undefined : analyseCandidate(parser, next, options);
      const count = (r: typeof state) => r.result.findings.filter((x) => x.code === f.code).length;
      if (!after || after.errors > state.errors || count(after) >= count(state)) {
        skipped.add(key);
        continue;
      }
      current = next;
      state = after;
      applied.push({ code: f.code, title: fix.title });
      progressed = true;
      break;
    }
    if (!progressed) break;
  }
  return { text: current, applied };
}
