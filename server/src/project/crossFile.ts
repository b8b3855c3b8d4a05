import { dropCopy } from '../parsing/syntaxTree';
import { analyze, enabledRules, judgeFromFacts, type AnalysisOptions } from '../analysis';
import { defaultSettings } from '../../../shared/settings';
import { compareFindings, type Finding } from '../findings';
import { mergeRawGraphs } from '../graph';
import type { RawGraph } from '../graph/pipelineGraph';
import { ParseFailure, PythonParser, type Tree } from '../parsing/pythonParser';
import { PROJECT_RULE_CODES } from '../rules';
import type { ProjectFacts } from './projectFacts';

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
  /** What the project rules read of the file, kept from its analysis: it is judged again from this, not parsed again. */
  projectFacts?: ProjectFacts;
  /** The worker that analysed the file keeps its `projectFacts` (the CLI's pool sends it the request). */
  factsKept?: boolean;
}

/** Worker threads that judge files again (the CLI's pool): each file's answer replaces its own findings. */
export interface CrossFileRunner {
  /** Requests to keep in flight so that no worker waits for the next one. */
  readonly depth: number;
  /**
   * The number under which the workers know a candidate's datasets and steps: requests name
   * neighbours by it. The CLI's workers get each file's graph as its result comes in, during the
   * first pass, so that the second one starts without a broadcast of every graph.
   */
  graphNumber(r: CrossFileCandidate): number;
  /** `r` judged again with `options` and the graphs `neighbours` in view (by the worker that keeps its facts, when one does). */
  crossFile(r: CrossFileCandidate, options: AnalysisOptions, neighbours: number[]): Promise<Finding[] | undefined>;
}

/**
 * The project rules a file's options run (strict ones only when turned on): the cross-file pass
 * names them exactly in `select`, which would otherwise turn a strict rule on by itself. None: the
 * file has nothing to be judged again for, and nothing to keep for it.
 */
export function crossFileCodes(options: AnalysisOptions | undefined): string[] {
  const enabled = new Set(enabledRules(options?.settings ?? defaultSettings(), options ?? {}).map((rule) => rule.code));
  return CROSS_FILE_RULES.filter((c) => enabled.has(c));
}

/**
 * Second pass for files that share a dataset with another file: their architecture rules run again
 * with those files' steps in view (a lambda split into batch/speed/serving files is layered as one).
 * The editor does the same continuously, with the open documents and the workspace scan (lsp/workspaceGraph.ts).
 *
 * `settled` is called once for every result, as soon as its findings are final (in file order
 * except for the files judged again by workers, which come as they are answered): the CLI prints
 * while the pass goes on.
 */
export async function addCrossFileFindings<C extends CrossFileCandidate>(
  results: C[],
  runner?: CrossFileRunner,
  settled: (r: C) => void = () => undefined,
): Promise<void> {
  const withData = results.filter((r) => r.raw);
  if (withData.length < 2) {
    for (const r of results) settled(r);
    return;
  }
  // Pushed, not copied per file: a thousand files writing one dataset made this quadratic.
  const filesOf = new Map<string, C[]>();
  for (const r of withData)
    for (const key of r.raw!.datasets.keys()) {
      const list = filesOf.get(key);
      if (list) list.push(r);
      else filesOf.set(key, [r]);
    }
  // Workers get a few files ahead at a time, not the whole pass queued at once.
  const inFlight = new Set<Promise<void>>();
  for (const r of results) {
    if (!r.raw) {
      settled(r);
      continue;
    }
    // The codes first: under the default settings no file has any, and its neighbours are not looked up.
    const codes = crossFileCodes(r.options);
    const neighbours = codes.length ? new Set([...r.raw!.datasets.keys()].flatMap((k) => filesOf.get(k)!.filter((o) => o !== r))) : new Set<C>();
    if (!neighbours.size || !codes.length) {
      settled(r);
      continue;
    }
    if (r.reanalyse) {
      const again = r.reanalyse({ ...r.options, select: codes, workspace: mergeRawGraphs([...neighbours].map((n) => n.raw!)) });
      r.findings = [...r.findings.filter((f) => !CROSS_FILE_RULES.includes(f.code)), ...again].sort(
        (a, b) => (a.cell ?? 0) - (b.cell ?? 0) || compareFindings(a, b),
      );
      settled(r);
      continue;
    }
    const replace = (again: Finding[] | undefined) => {
      if (again) r.findings = [...r.findings.filter((f) => !CROSS_FILE_RULES.includes(f.code)), ...again].sort(compareFindings);
    };
    // A file analysed in this thread is judged here from the facts it kept; the runner's workers judge theirs.
    if (runner && !r.projectFacts) {
      const pending: Promise<void> = runner
        .crossFile(
          r,
          { ...r.options, select: codes },
          [...neighbours].map((n) => runner.graphNumber(n)),
        )
        .then((again) => {
          replace(again);
          settled(r);
        })
        .finally(() => inFlight.delete(pending));
      inFlight.add(pending);
      if (inFlight.size >= runner.depth) await Promise.race(inFlight);
    } else {
      const options = { ...r.options, select: codes, workspace: mergeRawGraphs([...neighbours].map((n) => n.raw!)) };
      replace((r.projectFacts && judgeFromFacts(r.projectFacts, options)) ?? (await crossFileFindings(await PythonParser.load(), r.text!, options)));
      settled(r);
    }
  }
  await Promise.all(inFlight);
}

/** The project-scope rules' findings of one file with its neighbours' datasets in view (undefined: parsing failed this time). */
export async function crossFileFindings(parser: PythonParser, text: string, options: AnalysisOptions): Promise<Finding[] | undefined> {
  await parser.ready();
  let tree: Tree | undefined;
  try {
    tree = parser.parse(text);
    return analyze(tree, text, options).findings;
  } catch (e) {
    // Parsed once already: keep the first pass's findings.
    if (!(e instanceof ParseFailure)) throw e;
    return undefined;
  } finally {
    if (tree) dropCopy(tree);
    parser.release(tree);
  }
}
