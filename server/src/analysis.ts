import { defaultSettings, type Settings } from '../../shared/settings';
import { compareFindings, type Finding, type Severity } from './findings';
import { LineIndex } from './lineIndex';
import { isPlatformNotebookSource } from './notebook/fabric';
import { buildModel } from './model/buildModel';
import { carrySyntaxIndex } from './model/syntaxIndex';
import type { DataFrameModel } from './model/types';
import { CodeContext, type KindWithReason } from './context/codeContext';
import { TextWords, type EditedRange } from './context/textWords';
import { NoqaIndex } from './noqa';
import type { RawGraph } from './graph/pipelineGraph';
import type { Node, Tree } from './parsing/pythonParser';
import { collectProjectFacts, type ProjectFacts } from './project/projectFacts';
import { carryCallIndex } from './rules/helpers/callIndex';
import { architectureView } from './rules/helpers/layerGraph';
import { carryScopeIndex } from './rules/helpers/scopeIndex';
import { carrySessionConf } from './rules/helpers/sessionConf';
import { nodeAtOffset } from './parsing/nodeAtOffset';
import { rootOf, type TreeOrCopy } from './parsing/treeOrCopy';
import { RULES } from './rules';
import type { Rule, RuleContext } from './rules/rule';
import { looksLikePySpark } from './sparkHint';

export interface AnalysisOptions {
  settings?: Settings;
  /** CLI `--select`: only these codes (or prefixes). */
  select?: string[];
  /** CLI `--ignore`. */
  ignore?: string[];
  /** The pipeline graph of the project's other files, for rules that look across files (PSA601/602). */
  workspace?: RawGraph;
  /** This file's URI, when `workspace` may also contain an older version of it. */
  workspaceExclude?: string;
  /** The file's path or URI: tells tests and generators apart from jobs. */
  path?: string;
  /**
   * A notebook (Jupyter cells made one program, or a Databricks source): the platform's globals
   * (`spark`, `sqlContext`) are defined and PySpark is imported. Databricks sources are recognised
   * by their first line without this.
   */
  notebook?: boolean;
  /** Program offsets where each notebook cell starts (a Jupyter notebook made one program). */
  cellStarts?: readonly number[];
  /**
   * The last model built for an earlier version of this document (its tree parsed incrementally
   * into this one): the model is rebuilt from the first top-level statement the edits touched
   * (`buildModel`), the result being the same as without it.
   */
  previousModel?: DataFrameModel;
  /**
   * Where this text differs from `previousModel`'s (the editor's edits since that version, merged):
   * whole-text tests answered for the previous text are carried through it (`TextWords`). Left out
   * when unknown; a range that does not fit the two texts' lengths is not used.
   */
  edited?: EditedRange;
  /**
   * No later analysis will resume from this one's model (the CLI, the workspace scan): the model keeps
   * no checkpoints and journals no statement or function for a next version (`ModelOptions.standalone`).
   */
  standalone?: boolean;
  /** Tests: the model's frame-id block (`ModelOptions.frameIdBlock`; 1, the dense numbering, to exercise replays at moved ids). */
  frameIdBlock?: number;
  /** Called with the model as soon as it is built (before the rules run, so also when the run is stopped). */
  onModel?: (model: DataFrameModel) => void;
  /** Keep what the project-scope rules read (`AnalysisResult.projectFacts`): the CLI judges the file again from it with its neighbours. */
  keepProjectFacts?: boolean;
}

export interface AnalysisResult {
  findings: Finding[];
  model?: DataFrameModel;
  lines: LineIndex;
  /** Why nothing was analysed, when nothing was. */
  skipped?: 'not-pyspark';
  /** Top-level statements whose part of the model was taken from `previousModel` rather than built again. */
  resumedStatements?: number;
  /** Analyses of module functions nobody called that were replayed from `previousModel` rather than run again. */
  reusedFunctions?: number;
  /** Of those, the ones whose statement or a statement they read had moved since the analysis ran (replayed with their numbers mapped, `journalRelocation.ts`). */
  relocatedFunctions?: number;
  /** Of those, the ones renumbered also in another statement they read (a helper or UDF moved by the edit, `journalRelocation.ts`). */
  relocatedAcrossFunctions?: number;
  /** Top-level statements after the resumed ones replayed from `previousModel`'s journals rather than run again (`model/statementJournal.ts`). */
  replayedStatements?: number;
  /** Of those, the ones whose numbers were mapped (their statement or one they read had moved). */
  relocatedStatements?: number;
  /** Function analyses replayed at another first free frame id than journaled: their frames copied with the ids moved (`model/journalShift.ts`). */
  shiftedFunctions?: number;
  /** Top-level statements replayed so. */
  shiftedStatements?: number;
  /** Function analyses replayed whose reads held only with what a replay before them copied (`model/journalShift.ts`, `Translation`). */
  translatedFunctions?: number;
  /** Top-level statements replayed so. */
  translatedStatements?: number;
  /** Pending function analyses, and top-level statements after the resumed ones (defs apart), that ran rather than replayed. */
  ranFunctions?: number;
  ranStatements?: number;
  /** Objects of journals' additions walked by the replays' copies, and of those copied (`model/journalShift.ts`). */
  walkedObjects?: number;
  copiedObjects?: number;
  /** With `keepProjectFacts`, when the file was analysed. */
  projectFacts?: ProjectFacts;
}

// In a module of its own so that the CLI can skip such files without loading the engine.
export { looksLikePySpark } from './sparkHint';

export function matchesCode(code: string, patterns: readonly string[]): boolean {
  return patterns.some((p) => p.length > 0 && code.toUpperCase().startsWith(p.trim().toUpperCase()));
}

function severityFor(rule: Rule, reported: Severity | undefined, settings: Settings): Severity | 'off' {
  const override = settings['rules.severity'][rule.code];
  return override ?? reported ?? rule.defaultSeverity;
}

/** A strict (opt-in) rule runs when the user asked for strict rules, named its code, or gave it a severity. */
function strictEnabled(code: string, settings: Settings, options: Pick<AnalysisOptions, 'select'>): boolean {
  return settings['rules.strict'] || settings['rules.severity'][code] !== undefined || !!options.select?.some((s) => s.trim().toUpperCase() === code);
}

/** The rules that run under these settings and options, in registry order. */
export function enabledRules(settings: Settings, options: Pick<AnalysisOptions, 'select' | 'ignore'>): typeof RULES {
  return RULES.filter(
    (r) =>
      !matchesCode(r.code, settings['rules.disabled']) &&
      settings['rules.severity'][r.code] !== 'off' &&
      (!options.select?.length || matchesCode(r.code, options.select)) &&
      (!r.strict || strictEnabled(r.code, settings, options)) &&
      !(options.ignore && matchesCode(r.code, options.ignore)),
  );
}

/** The engine: model the file once, run every enabled rule on the model, apply settings and noqa. */
export function analyze(tree: TreeOrCopy, text: string, options: AnalysisOptions = {}): AnalysisResult {
  const steps = analysisSteps(tree, text, options);
  for (;;) {
    const step = steps.next();
    if (step.done) return step.value;
  }
}

/** What lets an editor's analysis give way: a pause between steps, and whether its answer is still wanted. */
export interface AnalysisControl {
  /**
   * Resolves when the analysis may go on (the server answers hovers and reads new edits meanwhile).
   * `done`: the step just finished ('syntax copy', 'model', 'code context', then each rule's code).
   */
  pause(done: string): Promise<void>;
  /** True once the result would be thrown away (the document changed, the request was cancelled). */
  stale(): boolean;
}

/**
 * `analyze`, pausing after the syntax copy, after the model and after each rule, so that requests
 * that do not need the result (hovers, completions, new edits) are answered within one step rather
 * than after the whole analysis; undefined, without finishing, once `control.stale()`. Same steps,
 * same result. The syntax tree is read only in the first two steps (the rules read the JS copy and
 * the model), and it cannot change between them without the run going stale (an edit), so the
 * document may replace its tree once the model is built.
 */
export async function analyzeInSteps(tree: Tree, text: string, options: AnalysisOptions, control: AnalysisControl): Promise<AnalysisResult | undefined> {
  const steps = analysisSteps(tree, text, options);
  for (;;) {
    const step = steps.next();
    if (step.done) return step.value;
    await control.pause(step.value);
    if (control.stale()) {
      steps.return(undefined as never);
      return undefined;
    }
  }
}

/** Yields after each step the name of the step just finished (what `AnalysisControl.pause` is told). */
function* analysisSteps(tree: TreeOrCopy, text: string, options: AnalysisOptions): Generator<string, AnalysisResult, void> {
  const settings = options.settings ?? defaultSettings();
  const lines = new LineIndex(text);
  if (!looksLikePySpark(text)) return { findings: [], lines, skipped: 'not-pyspark' };
  // The JS copy of the tree, a step of its own (a quarter to a third of the work before the first
  // rule): an edit read after it stops the run before the model. `buildModel` takes this copy.
  rootOf(tree, text);
  yield 'syntax copy';
  // The reuse counts (statements resumed, functions reused, relocated, replayed, shifted) go into the result as they are.
  const { model, functions, ...reuse } = buildModel(
    tree,
    text,
    { notebook: options.notebook ?? isPlatformNotebookSource(text), standalone: options.standalone, frameIdBlock: options.frameIdBlock },
    options.previousModel,
  );
  // The per-model node and call lists start from the previous model's, for the statements the two syntax copies share.
  carryCallIndex(options.previousModel, model);
  carryScopeIndex(options.previousModel, model);
  carrySessionConf(options.previousModel, model);
  carrySyntaxIndex(options.previousModel, model);
  options.onModel?.(model);
  yield 'model';
  const code = new CodeContext(text, {
    words: new TextWords(text, model, options.previousModel, options.edited),
    path: options.path,
    notebook: options.notebook,
    notebooksAreJobs: settings['context.notebooks'] === 'job',
    cellStarts: options.cellStarts,
    model,
  });
  const findings: Finding[] = [];
  const seen = new Set<string>();
  const rules = enabledRules(settings, options);
  const noqa = new NoqaIndex(rootOf(tree, text), text, lines);
  let done = 'code context';
  for (const rule of rules) {
    yield done;
    done = rule.code;
    const ctx: RuleContext = {
      model,
      functions,
      text,
      settings,
      code,
      workspace: options.workspace,
      workspaceExclude: options.workspaceExclude,
      report: reporter(
        rule,
        settings,
        seen,
        findings,
        (start, node) => code.at(node ?? nodeAtOffset(model.root, start)),
        (c, start, end) => noqa.suppresses(c, start, end),
      ),
    };
    try {
      rule.check(ctx);
    } catch (err) {
      // One broken rule must not take the others (or the server) down.
      console.error(`[pyspark-architect] rule ${rule.code} failed: ${err instanceof Error ? err.stack : String(err)}`);
    }
  }
  findings.sort(compareFindings);
  const projectFacts = options.keepProjectFacts ? collectProjectFacts(model, code, noqa) : undefined;
  return {
    findings,
    model,
    lines,
    ...reuse,
    ...(projectFacts ? { projectFacts } : {}),
  };
}

/**
 * The report function of one rule's run: settings, quiet kinds, duplicates and noqa applied, the
 * same for an analysis and for a judgement from kept facts (`judgeFromFacts`).
 */
function reporter(
  rule: (typeof RULES)[number],
  settings: Settings,
  seen: Set<string>,
  findings: Finding[],
  where: (start: number, node: Node | undefined) => KindWithReason,
  silenced: (code: string, start: number, end: number) => boolean,
): RuleContext['report'] {
  return (f) => {
    const start = f.node?.startIndex ?? f.start ?? 0;
    const end = f.node?.endIndex ?? f.end ?? start;
    const at = where(start, f.node ?? (f.at?.startIndex === start ? f.at : undefined));
    if (rule.quietIn?.includes(at.kind)) return;
    const severity = severityFor(rule, f.severity, settings);
    if (severity === 'off') return;
    const key = `${rule.code}:${start}:${end}`;
    if (seen.has(key)) return;
    seen.add(key);
    if (silenced(rule.code, start, end)) return;
    findings.push({
      code: rule.code,
      name: rule.name,
      message: f.message,
      severity,
      start,
      end,
      related: f.related ?? [],
      fixes: f.fixes ?? [],
      context: { kind: at.kind, why: at.why },
      ...(f.why ? { why: f.why } : {}),
    });
  };
}

/**
 * The findings an analysis with `options` would give, from the facts kept by a first analysis of
 * the same text (`keepProjectFacts`), when every enabled rule judges from the file's graph alone
 * (`GraphRule`: the project-scope rules); undefined when one does not (the caller analyses again).
 * The CLI's cross-file pass: the options add the neighbours' graphs and select the project rules.
 */
export function judgeFromFacts(facts: ProjectFacts, options: AnalysisOptions): Finding[] | undefined {
  const settings = options.settings ?? defaultSettings();
  const rules = enabledRules(settings, options);
  if (!rules.every((r) => r.checkGraph)) return undefined;
  const view = architectureView(facts.own, options.workspace, options.workspaceExclude);
  const findings: Finding[] = [];
  const seen = new Set<string>();
  const where = (start: number): KindWithReason => {
    const at = facts.at.get(start);
    // A graph rule reports at its steps' reads and writes, whose kinds were all recorded.
    if (!at) throw new Error(`no code context kept at offset ${start}`);
    return at;
  };
  for (const rule of rules) {
    try {
      rule.checkGraph!(
        view,
        reporter(rule, settings, seen, findings, where, (c, start, end) => facts.silenced.has(`${c}:${start}:${end}`)),
      );
    } catch (err) {
      console.error(`[pyspark-architect] rule ${rule.code} failed: ${err instanceof Error ? err.stack : String(err)}`);
    }
  }
  return findings.sort(compareFindings);
}
