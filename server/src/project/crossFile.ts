import { analyze, matchesCode, type AnalysisOptions } from '../analysis';
import { compareFindings, type Finding } from '../findings';
import { mergeRawGraphs } from '../graph';
import type { RawGraph } from '../graph/pipelineGraph';
import { ParseFailure, PythonParser, type Tree } from '../parsing/pythonParser';
import { PROJECT_RULE_CODES } from '../rules';

/** Rules whose findings depend on what other files do with the same datasets (scope `project` in the registry). */
const CROSS_FILE_RULES = PROJECT_RULE_CODES;

/** A file after its own analysis, with what the cross-file pass needs to judge it again. */
export interface CrossFileCandidate {
  findings: (Finding & { cell?: number })[];
  /** Its datasets and steps (absent: it touches no dataset). */
  raw?: RawGraph;
  /** The analysed text and options (Python files). */
  text?: string;
  options?: AnalysisOptions;
  /** Notebooks: the findings again with other options. */
  reanalyse?: (options: AnalysisOptions) => (Finding & { cell?: number })[];
}

/**
 * Second pass for files that share a dataset with another file: their architecture rules run again
 * with those files' steps in view (a lambda split into batch/speed/serving files is layered as one).
 * The editor does the same continuously, with the open documents and the workspace scan (lsp/workspaceGraph.ts).
 */
export async function addCrossFileFindings(results: CrossFileCandidate[]): Promise<void> {
  const withData = results.filter((r) => r.raw);
  if (withData.length < 2) return;
  const filesOf = new Map<string, CrossFileCandidate[]>();
  for (const r of withData) for (const key of r.raw!.datasets.keys()) filesOf.set(key, [...(filesOf.get(key) ?? []), r]);
  const parser = await PythonParser.load();
  for (const r of withData) {
    const neighbours = new Set([...r.raw!.datasets.keys()].flatMap((k) => filesOf.get(k)!.filter((o) => o !== r)));
    const select = r.options?.select;
    const codes = CROSS_FILE_RULES.filter((c) => !select?.length || matchesCode(c, select));
    if (!neighbours.size || !codes.length) continue;
    const options = { ...r.options, select: codes, workspace: mergeRawGraphs([...neighbours].map((n) => n.raw!)) };
    if (r.reanalyse) {
      const again = r.reanalyse(options);
      r.findings = [...r.findings.filter((f) => !CROSS_FILE_RULES.includes(f.code)), ...again].sort((a, b) => (a.cell ?? 0) - (b.cell ?? 0) || compareFindings(a, b));
      continue;
    }
    await parser.ready();
    let tree: Tree | undefined;
    try {
      tree = parser.parse(r.text!);
      const again = analyze(tree, r.text!, options);
      r.findings = [...r.findings.filter((f) => !CROSS_FILE_RULES.includes(f.code)), ...again.findings].sort(compareFindings);
    } catch (e) {
      // Parsed once already: keep the first pass's findings.
      if (!(e instanceof ParseFailure)) throw e;
    } finally {
      parser.release(tree);
    }
  }
}
