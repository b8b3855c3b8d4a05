import type { Connection, Diagnostic } from 'vscode-languageserver';
import { fileURLToPath } from 'node:url';
import { analyzeInSteps, type AnalysisResult } from '../analysis';
import { contextPath } from '../project/contextPath';
import { fileFragment, type FileFragment } from '../graph';
import type { RawGraph } from '../graph/pipelineGraph';
import { LineIndex } from '../lineIndex';
import { analyseDatabricksRuns } from '../notebook/analyseNotebook';
import { rootAsBuilt } from '../model/buildModel';
import type { DataFrameModel } from '../model/types';
import { ParseFailure, type PythonParser } from '../parsing/pythonParser';
import { syntaxTreeOf } from '../parsing/syntaxTree';
import type { Settings } from '../../../shared/settings';
import { AnalysisSlots } from './analysisSlots';
import { AnalysisTrace } from './analysisTrace';
import { AnalysisWait } from './analysisWait';
import { mergeEdits } from '../context/textWords';
import { commentOnlyChange, moveFindings, moveRawGraph } from './commentEdit';
import type { ClientSupport } from './context';
import type { DocumentStore, StoredDocument } from './documentStore';
import { notAnalysedDiagnostic } from './notAnalysed';
import { nextTurns } from './messageTurns';
import type { ServerSettings } from './settings';
import type { StatusLog } from './statusLog';
import { toDiagnostic } from './toDiagnostic';

/** Documents whose DataFrame model stays in memory after analysis. */
export const MODELS_KEPT = 16;

export interface CachedAnalysis {
  version: number;
  result: AnalysisResult;
  diagnostics: Diagnostic[];
  /**
   * The document's part of the pipeline graph, built while its tree was alive: after an analysis,
   * once first read (see `remember`).
   */
  fragment?: FileFragment;
  /** A full analysis of the text (not skipped, failed or refused): what an edit inside a comment may reuse. */
  analysed?: { inputs: string; readAt?: number };
  /**
   * Taken over from an analysis of an earlier version after edits inside a comment nothing reads
   * (`commentEdit.ts`): findings and fragment moved to the current text, the model that analysis's
   * (hovers read it through the edits since, as any older model).
   */
  asBuilt?: { version: number; result: AnalysisResult; fragment?: FileFragment };
}

/** What the analysis needs of the workspace graph: the other files, and where to report this file's datasets. */
export interface GraphSink {
  /** The other files' graph, and the generation to hand back with the result. */
  read(): { graph: RawGraph | undefined; generation: number };
  noteGraphChange(uri: string, raw: RawGraph, readAt?: number): void;
  /** `noteGraphChange` with the graph built once needed: after the current turn, or before anything reads the workspace graph. */
  noteGraphChangeLater(uri: string, raw: () => RawGraph, readAt?: number): void;
  /** Whether the graph changed after generation `readAt` other than through `uri` itself. */
  othersChangedSince(readAt: number, uri: string): boolean;
  /** The workspace folders (URIs): a file's folder names are read from its workspace folder down. */
  readonly folders: readonly string[];
}

/**
 * The analysis of each open document's current version, computed once and shared by diagnostics,
 * code actions, hover and the pipeline graph.
 */
export class AnalysisCache {
  private readonly analyses = new Map<string, CachedAnalysis>();
  /** The analysis under way per document: a second request for the same version waits for it rather than starting another. */
  private readonly running = new Map<string, { version: number; done: Promise<CachedAnalysis | undefined> }>();
  /** Bumped by `clear` and `delete`: an analysis that started before is outdated even at the same version. */
  private generation = 0;
  private readonly inputs = new Map<string, number>();
  private readonly modelHolders: string[] = [];
  /**
   * The last model built per document, also by a run an edit overtook: the next analysis resumes
   * it after the top-level statements the edits left alone (`buildModel`). Kept for the documents
   * that keep their model (`MODELS_KEPT`). `program`: the model of a `%run` program (the document
   * with the notebooks it runs), not of the document's text.
   */
  private readonly latestModels = new Map<string, { model: DataFrameModel; version: number; program: boolean }>();
  private readonly sizeLimits = new Map<string, number>();
  private readonly tooLargeNotified = new Set<string>();
  /** One analysis at a time, in the order requested (see `AnalysisSlots`). */
  readonly slots = new AnalysisSlots();
  /** What each open document's analyses cost, and so how long to wait after an edit (see `AnalysisWait`). */
  readonly wait = new AnalysisWait();

  constructor(
    private readonly connection: Connection,
    private readonly parser: PythonParser,
    private readonly documents: DocumentStore,
    private readonly settings: ServerSettings,
    private readonly status: StatusLog,
    private readonly client: ClientSupport,
    private readonly graph: () => GraphSink,
  ) {}

  /** The size limit (KB) last applied to a document, undefined before its first analysis. */
  sizeLimitKb(uri: string): number | undefined {
    return this.sizeLimits.get(uri);
  }

  get(uri: string): CachedAnalysis | undefined {
    return this.analyses.get(uri);
  }

  /** How many documents' models are held (their analyses' and the bases to resume from), for tests: at most `MODELS_KEPT`. */
  get modelsHeld(): number {
    const uris = new Set(this.latestModels.keys());
    for (const [uri, a] of this.analyses) if (a.result.model) uris.add(uri);
    return uris.size;
  }

  entries(): IterableIterator<[string, CachedAnalysis]> {
    return this.analyses.entries();
  }

  /** Forgets the document's analysis (its inputs changed); one under way is not kept either. */
  delete(uri: string): void {
    this.analyses.delete(uri);
    this.running.delete(uri);
    // A document closed meanwhile has nothing under way to outdate (its run checks that it is still the same open document).
    if (this.documents.get(uri)) this.inputs.set(uri, (this.inputs.get(uri) ?? 0) + 1);
  }

  clear(): void {
    this.analyses.clear();
    this.running.clear();
    this.generation++;
  }

  /** Changes when what an analysis reads besides the text (settings, other files) changed for `uri`. */
  private inputsOf(uri: string): string {
    return `${this.generation}:${this.inputs.get(uri) ?? 0}`;
  }

  /**
   * The document closed: nothing of it stays (a server open for days sees thousands of documents
   * come and go). A run still under way for it is outdated: it checks it is analysing the same open
   * document, so a reopened one at the same version does not take its result.
   */
  forget(uri: string): void {
    this.analyses.delete(uri);
    this.running.delete(uri);
    this.latestModels.delete(uri);
    const held = this.modelHolders.indexOf(uri);
    if (held >= 0) this.modelHolders.splice(held, 1);
    this.tooLargeNotified.delete(uri);
    this.takeOverMs.delete(uri);
    this.inputs.delete(uri);
    this.sizeLimits.delete(uri);
    this.wait.forget(uri);
  }

  /** Documents with something kept per document (tests: closing them all leaves none). */
  get documentsKept(): number {
    const uris = new Set([...this.analyses.keys(), ...this.running.keys(), ...this.latestModels.keys(), ...this.modelHolders, ...this.tooLargeNotified]);
    for (const uri of [...this.inputs.keys(), ...this.sizeLimits.keys(), ...this.wait.uris(), ...this.takeOverMs.keys()]) uris.add(uri);
    return uris.size;
  }

  /** Analysis for the document's current version, computed once and shared by diagnostics, hovers and code actions. */
  async analyse(uri: string, stored: StoredDocument): Promise<CachedAnalysis | undefined> {
    const version = stored.document.version;
    const hit = this.analyses.get(uri);
    if (hit && hit.version === version) return hit;
    const running = this.running.get(uri);
    if (running?.version === version) return running.done;
    const done = this.analyseNow(uri, stored).finally(() => {
      if (this.running.get(uri)?.done === done) this.running.delete(uri);
    });
    this.running.set(uri, { version, done });
    return done;
  }

  /**
   * For a request that must answer about the document as it is (the pipeline graph, code actions): its
   * analysis, run again when a run was outdated under way. A run stops without a result when the text,
   * the settings or a neighbour read from disk changes meanwhile (a workspace scan finishing, say), and
   * the request would otherwise answer as if the document had nothing. A few tries at most: a document
   * edited faster than it is analysed gives up rather than hang the request. With `only`, the request is
   * about that version of the text (its positions are): once the text moved on it gets nothing, and the
   * client, which has the new text, asks again.
   */
  async analyseCurrent(uri: string, tries = 4, only?: StoredDocument): Promise<CachedAnalysis | undefined> {
    for (let i = 0; i < tries; i++) {
      const stored = this.documents.get(uri);
      if (!stored || (only && stored !== only)) return undefined;
      const result = await this.analyse(uri, stored);
      if (result) return result;
    }
    return undefined;
  }

  private async analyseNow(uri: string, stored: StoredDocument): Promise<CachedAnalysis | undefined> {
    const version = stored.document.version;
    const inputs = this.inputsOf(uri);
    const settings = await this.settings.settingsFor(uri);
    const outdated = () => {
      const now = this.documents.get(uri);
      return now !== stored || now.document.version !== version || this.inputsOf(uri) !== inputs;
    };
    if (outdated()) return undefined;
    const release = await this.slots.acquire();
    // The tree is read across turns of the event loop: other documents parsed meanwhile must not let it go.
    const unpin = this.documents.pin(uri);
    try {
      // Waiting for the slot, the document may have moved on: that version is not worth a run.
      if (outdated()) return undefined;
      return await this.analyseInSlot(uri, stored, settings, outdated);
    } finally {
      unpin();
      release();
    }
  }

  /** `outdated`: the document or what else the analysis reads (settings, other files) moved on since it was asked for. */
  private async analyseInSlot(uri: string, stored: StoredDocument, settings: Settings, outdated: () => boolean): Promise<CachedAnalysis | undefined> {
    const version = stored.document.version;
    // Step by step, when the trace asks for it (`trace.server: verbose`): written after the answer.
    const trace = settings['trace.server'] === 'verbose' ? new AnalysisTrace() : undefined;
    const t0 = performance.now();
    // The time this run held the thread, its pauses left out: what an analysis of the document costs (AnalysisWait).
    let busy = 0;
    let since = t0;
    const busyMs = () => busy + performance.now() - since;
    const pause = async (step: string) => {
      busy += performance.now() - since;
      trace?.step(step);
      trace?.pausing();
      // Two turns, so that an edit read meanwhile is applied before `outdated` looks (see nextTurns).
      await nextTurns();
      trace?.resumed();
      since = performance.now();
    };
    let readAt: number | undefined;
    const inputs = this.inputsOf(uri);
    let analysed: CachedAnalysis['analysed'];
    let runs: AnalysisResult | undefined;
    // Whether this run resumes from an earlier model of the document (what an analysis after an edit does): AnalysisWait counts those.
    let resumed = false;
    // The trace line waits for the fragment built after the answer (its figures are part of it), and 20 ms at least.
    let traceWhenBuilt: (() => void) | undefined;
    const done = (result: AnalysisResult, diagnostics: Diagnostic[], skipped?: string): CachedAnalysis => {
      trace?.step('diagnostics');
      const entry = this.remember(uri, version, result, diagnostics, readAt, analysed, trace && { trace, built: () => traceWhenBuilt?.() });
      // What the wait before this run expected it to cost (AnalysisWait), beside what it cost (busyMs).
      trace?.note('expectedMs', this.wait.cost(uri));
      this.wait.noteCost(uri, busyMs(), resumed ? 'resumed' : 'scratch');
      const end = performance.now();
      // After the answer: vscode-jsonrpc writes messages in the order asked, one per turn, and the
      // answer (or the push) is asked for in this turn; the file status (VS Code asks for it) and the
      // log line would otherwise be written before it.
      setImmediate(() => this.status.analysed({ uri, version, skipped, findings: diagnostics.length, ms: end - t0 }, settings));
      if (trace) {
        trace.note('busyMs', Math.round(busyMs() * 100) / 100);
        trace.note('model', {
          resumedStatements: result.resumedStatements,
          replayedStatements: result.replayedStatements,
          relocatedStatements: result.relocatedStatements,
          reusedFunctions: result.reusedFunctions,
          relocatedFunctions: result.relocatedFunctions,
          shiftedFunctions: result.shiftedFunctions,
          shiftedStatements: result.shiftedStatements,
          translatedFunctions: result.translatedFunctions,
          translatedStatements: result.translatedStatements,
          ranFunctions: result.ranFunctions,
          ranStatements: result.ranStatements,
          walkedObjects: result.walkedObjects,
          copiedObjects: result.copiedObjects,
        });
        // Written once the answer is out, and after the collection observer heard of the run's collections;
        // after the fragment, when it is built later (its figures are noted), and without it when it never is.
        const write = () => this.status.trace(uri, version, trace.summary(end));
        trace.analysisEnd = end;
        setTimeout(() => (trace.fragmentBuilt === false ? (traceWhenBuilt = write) : write()), 20);
      }
      return entry;
    };
    const stopped = (): undefined => {
      this.status.stopped(uri, version, busyMs(), settings);
      return undefined;
    };
    if (this.sizeLimits.get(uri) !== settings.maxFileSizeKb) {
      this.sizeLimits.set(uri, settings.maxFileSizeKb);
      this.guard(() => this.documents.applySizeLimit(uri), uri);
    }
    if (!settings.enable) return done(emptyResult(stored), [], 'disabled (pysparkArchitect.enable)');
    if (!stored.tree && stored.notParsed?.kind === 'parser-restarting') {
      // Another file broke the parser a moment ago: wait for the new one rather than report nothing.
      await this.parser.ready();
      since = performance.now();
      this.documents.reparse(uri);
      if (this.documents.get(uri)?.document.version !== version) return undefined;
    }
    const text = stored.document.getText();
    const reused = this.reuseAfterCommentEdit(uri, stored, settings);
    if (reused) return reused;
    if (!stored.tree && stored.notParsed) return this.remember(uri, version, emptyResult(stored), [notAnalysedDiagnostic(stored.notParsed)]);
    if (!stored.tree) {
      if (!this.tooLargeNotified.has(uri)) {
        this.tooLargeNotified.add(uri);
        void this.connection.window.showInformationMessage(
          `PySpark Architect: ${uri.split('/').pop()} is ${Math.round(text.length / 1024)} KB, over the ${settings.maxFileSizeKb} KB limit (pysparkArchitect.maxFileSizeKb); it is not analysed.`,
        );
      }
      return done(emptyResult(stored), [], `larger than ${settings.maxFileSizeKb} KB (pysparkArchitect.maxFileSizeKb)`);
    }
    let result: AnalysisResult;
    let failed: string | undefined;
    try {
      const seen = this.graph().read();
      readAt = seen.generation;
      const previous = this.latestModels.get(uri);
      resumed = previous !== undefined;
      trace?.note('resumesFrom', previous ? { version: previous.version, editsSince: stored.edits.filter((e) => e.version > previous.version).length } : null);
      let program = false;
      const options = {
        ...this.settings.withProjectConfig(uri, settings),
        workspace: seen.graph,
        workspaceExclude: uri,
        path: contextPath(uri, this.graph().folders),
        previousModel: previous?.model,
        onModel: (model: DataFrameModel) => {
          // Counted among the models kept at once: runs that an edit overtakes build models too.
          this.latestModels.set(uri, { model, version, program });
          this.keepModel(uri);
        },
      };
      // A Databricks notebook that `%run`s others is analysed with them (findings stay in this file).
      program = true;
      runs = analyseDatabricksRuns(this.parser, text, uri.startsWith('file:') ? fileURLToPath(uri) : undefined, options);
      program = false;
      trace?.step('setup');
      // In steps: hovers, completions and new edits are answered between rules, and an outdated run stops.
      // The edits since the previous model's version, merged, when the log still holds them all and that
      // model is of this document's text: a %run program's text is another, and the edits do not lead to it.
      const edited =
        previous && !previous.program && previous.version >= stored.editsSince
          ? mergeEdits(stored.edits.filter((e) => e.version > previous.version))
          : undefined;
      const stepped = runs ?? (await analyzeInSteps(stored.tree, text, { ...options, edited }, { pause, stale: outdated }));
      // Settings or other files changed meanwhile: whoever changed them asks for a new analysis.
      if (!stepped || outdated()) return stopped();
      result = stepped;
      trace?.step('last rule');
      if (trace && !runs) {
        const copy = syntaxTreeOf(stored.tree, text);
        trace.note('copy', {
          nodes: copy.size,
          sharedStatements: copy.sharedStatements,
          sharedNodes: copy.sharedNodes,
          clonedNodes: copy.reusedNodes,
          adoptedNodes: copy.adoptedNodes,
        });
      }
    } catch (e) {
      if (e instanceof ParseFailure) {
        this.connection.console.error(`${uri}: not analysed: ${e.message}`);
        this.documents.markFailed(uri, e);
        return this.remember(uri, version, emptyResult(stored), [notAnalysedDiagnostic(e)]);
      }
      this.connection.console.error(`analysis of ${uri} failed: ${(e as Error).stack ?? String(e)}`);
      result = emptyResult(stored);
      failed = 'the analysis failed (see the output)';
    }
    const skipped = failed ?? (result.skipped === 'not-pyspark' ? 'nothing in it looks like PySpark' : undefined);
    if (!skipped && result.model && !runs) analysed = { inputs, readAt };
    return done(
      result,
      result.findings.map((f) => toDiagnostic(uri, f, result.lines, this.client.relatedInformation)),
      skipped,
    );
  }

  /**
   * The analysis of the document's current version taken over from the last one, when every edit
   * since kept inside one comment that nothing reads (see `commentEdit.ts`): its findings and graph
   * fragment moved to the current text, its model kept (built on the earlier text, as after any
   * edit until the next analysis). Undefined, doing nothing, otherwise. Called before waiting
   * (such a version needs no wait) and before analysing.
   */
  reuseAfterCommentEdit(uri: string, stored: StoredDocument, settings?: Settings): CachedAnalysis | undefined {
    const t0 = performance.now();
    const entry = this.takeOver(uri, stored);
    if (!entry) return undefined;
    const ms = performance.now() - t0;
    this.takeOverMs.set(uri, ms);
    this.status.analysed({ uri, version: entry.version, findings: entry.diagnostics.length, ms }, settings);
    return entry;
  }

  /** What the last take-over of the document cost (wall ms), undefined before one. */
  private readonly takeOverMs = new Map<string, number>();

  /**
   * The wait before analysing when the last edit is inside a statement's comment (a take-over is
   * likely, `lastEditInComment`): as long as the last take-over took (rent or buy again, with the
   * take-over as the work), so that fast typing is not answered keystroke by keystroke on a busy
   * thread; undefined otherwise (the analysis's own wait applies).
   */
  takeOverWaitMs(uri: string, stored: StoredDocument, settings: Pick<Settings, 'debounceMs'>): number | undefined {
    // Before a first take-over its cost is unknown: the analysis's wait applies.
    const ms = this.takeOverMs.get(uri);
    if (ms === undefined || !this.analyses.get(uri)?.analysed || !lastEditInComment(stored)) return undefined;
    return Math.min(ms, settings.debounceMs);
  }

  private takeOver(uri: string, stored: StoredDocument): CachedAnalysis | undefined {
    const version = stored.document.version;
    const last = this.analyses.get(uri);
    if (!last?.analysed || last.version === version || this.documents.get(uri) !== stored) return undefined;
    // What else the analysis read: settings and project configuration, and the other files' graph.
    const readAt = last.analysed.readAt;
    if (last.analysed.inputs !== this.inputsOf(uri) || readAt === undefined || this.graph().othersChangedSince(readAt, uri)) return undefined;
    const base = last.asBuilt ?? last;
    const model = base.result.model;
    const tree = stored.tree;
    if (!model || !base.fragment || !tree) return undefined;
    const text = stored.document.getText();
    const found = commentOnlyChange({ before: base.result.lines.text, after: text, beforeRoot: rootAsBuilt(model), afterTree: tree });
    if (!found) return undefined;
    const findings = moveFindings(base.result.findings, found.change, found.words);
    const raw = findings && moveRawGraph(base.fragment.raw, found.change);
    if (!findings || !raw) return undefined;
    const lines = new LineIndex(text);
    const result: AnalysisResult = { findings, model, lines };
    const diagnostics = findings.map((f) => toDiagnostic(uri, f, lines, this.client.relatedInformation));
    const entry: CachedAnalysis = {
      version,
      result,
      diagnostics,
      fragment: { uri, raw, context: { lines, findings } },
      analysed: last.analysed,
      asBuilt: { version: base.version, result: base.result, fragment: base.fragment },
    };
    this.analyses.set(uri, entry);
    this.keepModel(uri);
    this.graph().noteGraphChange(uri, raw, this.graph().read().generation);
    return entry;
  }

  /** `readAt`: the workspace graph's generation the analysis read (none: it read no graph). */
  private remember(
    uri: string,
    version: number,
    result: AnalysisResult,
    diagnostics: Diagnostic[],
    readAt?: number,
    analysed?: CachedAnalysis['analysed'],
    traced?: { trace: AnalysisTrace; built: () => void },
  ): CachedAnalysis {
    // The graph fragment (a tenth of a keystroke's analysis at 20k lines) is not part of the answer:
    // built once first read, which the workspace graph does a moment after the answer is written, or
    // sooner when anything reads the graph or a document changes (`noteGraphChangeLater`; the server
    // settles the graph before applying an edit, so the model's syntax nodes are still as analysed,
    // not yet adopted by a newer copy). The same fragment, and the same graph changes in the same
    // order, as when built here at once.
    let source: AnalysisResult | undefined = result;
    let fragment: FileFragment | undefined;
    const trace = traced?.trace;
    if (trace) trace.fragmentBuilt = false;
    const fragmentNow = (): FileFragment => {
      if (!fragment) {
        const t0 = trace && performance.now();
        const cpu0 = trace && process.cpuUsage();
        const r = source!;
        try {
          fragment = fileFragment({ filename: uriToFilename(uri), uri, model: r.model, lines: r.lines, findings: r.findings });
          // Not kept through the closure once built: an evicted analysis lets its model go.
          source = undefined;
          if (trace && t0 !== undefined && cpu0) {
            const round = (ms: number) => Math.round(ms * 100) / 100;
            const cpu = process.cpuUsage(cpu0);
            trace.note('graphFragmentAfterAnswerMs', round(performance.now() - t0));
            // The process's CPU in that span (collections' helper threads included): wall far above it is the thread waiting for a core.
            trace.note('graphFragmentAfterAnswerCpuMs', round((cpu.user + cpu.system) / 1000));
            if (trace.analysisEnd !== undefined) trace.note('graphFragmentStartedAfterEndMs', round(t0 - trace.analysisEnd));
          }
        } finally {
          // The trace line waits for this (built or failed), once.
          if (trace && !trace.fragmentBuilt) {
            trace.fragmentBuilt = true;
            traced.built();
          }
        }
      }
      return fragment;
    };
    const entry: CachedAnalysis = {
      version,
      result,
      diagnostics,
      get fragment() {
        return fragmentNow();
      },
      ...(analysed ? { analysed } : {}),
    };
    this.analyses.set(uri, entry);
    this.keepModel(uri);
    this.graph().noteGraphChangeLater(uri, () => fragmentNow().raw, readAt);
    trace?.step('graph change (left for later)');
    return entry;
  }

  /**
   * Models hold a wrapper object per syntax node they mention: only the most recently analysed
   * documents keep theirs (hovers need it); the others keep plain findings and graph fragments,
   * and a hover there analyses again.
   */
  private keepModel(uri: string): void {
    const i = this.modelHolders.indexOf(uri);
    if (i >= 0) this.modelHolders.splice(i, 1);
    this.modelHolders.push(uri);
    while (this.modelHolders.length > MODELS_KEPT) {
      const uri = this.modelHolders.shift()!;
      this.latestModels.delete(uri);
      const evicted = this.analyses.get(uri);
      if (evicted) {
        evicted.result = { ...evicted.result, model: undefined };
        // Nothing to take over from without the model's syntax.
        evicted.asBuilt = undefined;
        evicted.analysed = undefined;
      }
    }
  }

  private guard(fn: () => void, uri: string): void {
    try {
      fn();
    } catch (e) {
      this.connection.console.error(`${uri}: ${(e as Error).stack ?? String(e)}`);
    }
  }
}

/** Whether the document's last edit lies inside a comment of its tree (reads the tree at one offset; no copy, no text scan). */
function lastEditInComment(stored: StoredDocument): boolean {
  const edit = stored.edits[stored.edits.length - 1];
  const tree = stored.held;
  if (!edit || !tree || edit.version !== stored.document.version || edit.start === 0) return false;
  const node = tree.rootNode.descendantForIndex(edit.start - 1, edit.start - 1);
  return node?.type === 'comment' && edit.newEnd <= node.endIndex;
}

function uriToFilename(uri: string): string {
  try {
    return uri.startsWith('file:') ? fileURLToPath(uri) : decodeURIComponent(uri.replace(/^[a-z-]+:\/*/i, ''));
  } catch {
    return uri;
  }
}

function emptyResult(stored: StoredDocument): AnalysisResult {
  return { findings: [], lines: new LineIndex(stored.document.getText()) };
}
