import {
  CodeAction,
  CodeActionKind,
  DiagnosticSeverity,
  DidChangeConfigurationNotification,
  ErrorCodes,
  FileChangeType,
  ResponseError,
  TextDocumentSyncKind,
  type CodeActionParams,
  type Connection,
  type Hover,
  type Diagnostic,
  type InitializeParams,
  type InitializeResult,
  type ServerCapabilities,
} from 'vscode-languageserver';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import { DIAGNOSTIC_SOURCE, PIPELINE_GRAPH_METHOD, SERVER_NAME, type PipelineGraph, type PipelineGraphParams } from '../../../shared/protocol';
import { SECTION, resolveSettings, type Settings } from '../../../shared/settings';
import { VERSION } from '../../../shared/version';
import { analyzeInSteps, type AnalysisResult } from '../analysis';
import { applyEdits, docsUrl, type Finding, type Fix } from '../findings';
import { LineIndex } from '../lineIndex';
import { countSyntaxErrors, ParseFailure, type PythonParser } from '../parsing/pythonParser';
import { COMPLETION_TRIGGER_CHARACTERS, completionsAt } from '../completion/sourceOptions';
import { applyProjectConfig, findProjectConfig, type EffectiveConfig, type ProjectConfig } from '../config/pyproject';
import { fixAll } from '../fixes/fixAll';
import { fixAction } from './fixActions';
import { fileFragment, mergeFragments, mergeRawGraphs, type FileFragment } from '../graph';
import type { RawGraph } from '../graph/pipelineGraph';
import { DocumentStore, mapOffset, type StoredDocument } from './documentStore';
import { noqaFix } from '../noqa';
import { formatMessage } from '../messages';
import { hoverAt } from './hover';
import { DEFAULT_TYPING_PAUSE_MS, TypingHold } from './typingHold';
import { StatusLog } from './statusLog';
import { NOTEBOOK_SYNC, NotebookSync } from './notebooks';
import { analyseDatabricksRuns } from '../notebook/analyseNotebook';
import { notAnalysedDiagnostic } from './notAnalysed';
import { PullDiagnostics } from './pullDiagnostics';
import { syntaxRoot } from '../parsing/syntaxTree';
import { WorkspaceFiles } from './workspaceFiles';

export const FIX_ALL_KIND = 'source.fixAll.pysparkArchitect';
const MAX_COMPLETIONS = 200;
/** Documents whose DataFrame model stays in memory after analysis. */
const MODELS_KEPT = 16;
/** Quiet time after the last change to a document's datasets before its open neighbours are analysed again. */
const REJUDGE_DELAY_MS = 750;
/** The startup scan for cross-file architecture rules reads workspaces up to this many Python files. */
const MAX_SCANNED_FILES = 1000;

const SEVERITY: Record<Finding['severity'], DiagnosticSeverity> = {
  error: DiagnosticSeverity.Error,
  warning: DiagnosticSeverity.Warning,
  information: DiagnosticSeverity.Information,
  hint: DiagnosticSeverity.Hint,
};

interface CachedAnalysis {
  version: number;
  result: AnalysisResult;
  diagnostics: Diagnostic[];
  /** The document's part of the pipeline graph, built while its tree was alive. */
  fragment?: FileFragment;
}

/**
 * The language server as a library: `initialize` answers the client, `register` wires the
 * connection. The process entry (`main.ts`) is a few lines, so tests can drive this in-process.
 */
export class PySparkArchitectServer {
  private documents: DocumentStore;
  private readonly pulls: PullDiagnostics;
  private readonly analyses = new Map<string, CachedAnalysis>();
  /** The analysis under way per document: a second request for the same version waits for it rather than starting another. */
  private readonly running = new Map<string, { version: number; done: Promise<CachedAnalysis | undefined> }>();
  private readonly settingsCache = new Map<string, Promise<Settings>>();
  private readonly timers = new Map<string, NodeJS.Timeout>();
  private readonly tooLargeNotified = new Set<string>();
  private pullDiagnostics = false;
  private diagnosticRefresh = false;
  private configurationRequests = false;
  private workspaceFolderEvents = false;
  private trusted = true;
  private readonly projectConfigs = new Map<string, ProjectConfig | null>();
  private readonly reportedProjects = new Set<string>();
  private readonly modelHolders: string[] = [];
  private relatedInformation = false;
  private snippetEdits = false;
  private globalSettings: unknown;
  private initOptionsSettings: unknown;
  private readonly sizeLimits = new Map<string, number>();
  private workspaceFolders: string[] = [];
  private readonly workspaceFiles: WorkspaceFiles;
  /** Graph fragments of the workspace's files on disk, from the startup scan or the last workspace preview. */
  private workspaceFragments: FileFragment[] = [];
  private readonly pendingRejudge = new Set<string>();
  /** `knownFiles()`, while no file's datasets or steps changed; null: known to be empty. */
  private mergedGraph: RawGraph | null | undefined;
  private rejudgeTimer: NodeJS.Timeout | undefined;
  /** Per open document, what its graph fragment says about datasets, to tell when neighbours must be re-judged. */
  private readonly graphSignatures = new Map<string, { signature: string; keys: string[] }>();
  /** Holds back findings on the literal being typed until the user leaves it or pauses. */
  private readonly status: StatusLog;
  private readonly typing = new TypingHold(DEFAULT_TYPING_PAUSE_MS, (uri) => (this.pullDiagnostics ? this.refreshPulledDiagnostics() : this.schedule(uri, 0)));
  /** Notebooks synced as notebooks (LSP 3.17): their cells are analysed as one program. */
  private readonly notebooks: NotebookSync;

  constructor(
    private readonly connection: Connection,
    private readonly parser: PythonParser,
  ) {
    this.documents = new DocumentStore(parser, (uri, text) => text.length > (this.sizeLimits.get(uri) ?? 2048) * 1024);
    this.workspaceFiles = new WorkspaceFiles(parser, (m) => this.connection.console.info(m));
    this.status = new StatusLog(connection);
    this.notebooks = new NotebookSync(connection, parser, {
      options: async (uri) => {
        const settings = await this.settingsFor(uri);
        return settings.enable ? { ...this.withProjectConfig(uri, settings), workspace: this.knownFiles(), workspaceExclude: uri } : undefined;
      },
      severity: (s) => SEVERITY[s],
      relatedInformation: () => this.relatedInformation,
    });
    parser.onRestart(() => this.parserRestarted());
    this.pulls = new PullDiagnostics({
      version: (uri) => this.documents.get(uri)?.document.version,
      cached: (uri, version) => {
        const hit = this.analyses.get(uri);
        return hit?.version === version ? this.shown(uri, hit) : undefined;
      },
      analyse: async (uri) => {
        const stored = this.documents.get(uri);
        const analysed = stored && (await this.analyse(uri, stored));
        return analysed && { version: analysed.version, diagnostics: this.shown(uri, analysed) };
      },
      debounceMs: async (uri) => (await this.settingsFor(uri)).debounceMs,
    });
  }

  /** A broken parser was replaced: every tree was dropped with it, so every document is parsed and judged again. */
  private parserRestarted(): void {
    this.connection.console.warn(`tree-sitter failed and was restarted (${this.parser.restarts} time(s) so far); documents are parsed again`);
    for (const uri of this.documents.uris()) this.guard(() => this.documents.reparse(uri), uri);
    this.refreshAll();
  }

  get capabilities(): ServerCapabilities {
    const caps: ServerCapabilities = {
      textDocumentSync: { openClose: true, change: TextDocumentSyncKind.Incremental },
      codeActionProvider: { codeActionKinds: [CodeActionKind.QuickFix, FIX_ALL_KIND], resolveProvider: false },
      completionProvider: { triggerCharacters: COMPLETION_TRIGGER_CHARACTERS, resolveProvider: false },
      hoverProvider: true,
      notebookDocumentSync: NOTEBOOK_SYNC,
    };
    if (this.pullDiagnostics) caps.diagnosticProvider = { identifier: DIAGNOSTIC_SOURCE, interFileDependencies: true, workspaceDiagnostics: false };
    return caps;
  }

  initialize(params: InitializeParams): InitializeResult {
    const caps = params.capabilities;
    this.pullDiagnostics = !!caps.textDocument?.diagnostic;
    this.diagnosticRefresh = !!caps.workspace?.diagnostics?.refreshSupport;
    this.configurationRequests = !!caps.workspace?.configuration;
    this.workspaceFolderEvents = !!caps.workspace?.workspaceFolders;
    this.relatedInformation = !!caps.textDocument?.publishDiagnostics?.relatedInformation || this.pullDiagnostics;
    // LSP 3.18; vscode-languageserver 9 types stop at 3.17.
    this.snippetEdits = (caps.workspace?.workspaceEdit as { snippetEditSupport?: boolean } | undefined)?.snippetEditSupport === true;
    const init = params.initializationOptions as { settings?: unknown; trusted?: boolean; typingPauseMs?: unknown; fileStatus?: boolean } | undefined;
    this.initOptionsSettings = init?.settings;
    this.status.fileStatus = init?.fileStatus === true;
    if (typeof init?.typingPauseMs === 'number' && init.typingPauseMs >= 0) this.typing.pauseMs = init.typingPauseMs;
    // A pull client that cannot be asked to pull again would not see held-back findings until its next pull.
    if (this.pullDiagnostics && !this.diagnosticRefresh) this.typing.pauseMs = 0;
    // An untrusted workspace's pyproject.toml may narrow the analysis, never add regexes to run.
    this.trusted = init?.trusted !== false;
    this.workspaceFolders = params.workspaceFolders?.map((f) => f.uri) ?? (params.rootUri ? [params.rootUri] : params.rootPath ? [params.rootPath] : []);
    return { capabilities: this.capabilities, serverInfo: { name: SERVER_NAME, version: VERSION } };
  }

  register(): void {
    const c = this.connection;
    this.notebooks.listen();
    c.onInitialized(() => {
      this.status.started(`${this.pullDiagnostics ? 'pull' : 'push'} diagnostics, ${this.workspaceFolders.length} workspace folder(s), ${this.trusted ? 'trusted' : 'untrusted'} workspace`);
      if (this.workspaceFolderEvents) {
        c.workspace.onDidChangeWorkspaceFolders((e) => {
          const removed = new Set(e.removed.map((f) => f.uri));
          this.workspaceFolders = [...this.workspaceFolders.filter((f) => !removed.has(f)), ...e.added.map((f) => f.uri)];
        });
      }
      if (this.configurationRequests) void c.client.register(DidChangeConfigurationNotification.type, { section: SECTION }).catch(() => undefined);
      void this.scanWorkspace();
    });
    c.onDidOpenTextDocument((p) => {
      const { uri, languageId, version, text } = p.textDocument;
      this.guard(() => this.documents.open(uri, languageId, version, text), uri);
      this.schedule(uri, 0);
    });
    c.onDidChangeTextDocument((p) => {
      this.pulls.noteChange(p.textDocument.uri);
      this.guard(() => this.documents.change(p.textDocument.uri, p.textDocument.version, p.contentChanges), p.textDocument.uri);
      this.typing.noteChange(this.documents.get(p.textDocument.uri)?.document, p.contentChanges);
      this.schedule(p.textDocument.uri);
    });
    c.onDidCloseTextDocument((p) => {
      const uri = p.textDocument.uri;
      clearTimeout(this.timers.get(uri));
      this.timers.delete(uri);
      this.pulls.forget(uri);
      this.documents.close(uri);
      this.typing.forget(uri);
      this.analyses.delete(uri);
      const held = this.modelHolders.indexOf(uri);
      if (held >= 0) this.modelHolders.splice(held, 1);
      this.settingsCache.delete(uri);
      this.tooLargeNotified.delete(uri);
      const closed = this.graphSignatures.get(uri);
      this.graphSignatures.delete(uri);
      this.mergedGraph = undefined;
      if (closed?.keys.length) this.rejudgeNeighbours(uri, closed.keys);
      if (!this.pullDiagnostics) void c.sendDiagnostics({ uri, diagnostics: [] });
    });
    c.onDidChangeWatchedFiles((p) => {
      const python = p.changes.filter((ch) => ch.uri.endsWith('.py'));
      if (python.length) void this.workspaceFilesChanged(python.map((ch) => ({ uri: ch.uri, deleted: ch.type === FileChangeType.Deleted })));
      if (!p.changes.some((ch) => ch.uri.endsWith('pyproject.toml'))) return;
      this.projectConfigs.clear();
      this.refreshAll();
    });
    c.onDidChangeConfiguration((p) => {
      this.globalSettings = (p.settings as Record<string, unknown> | undefined)?.[SECTION];
      this.settingsCache.clear();
      this.projectConfigs.clear();
      this.refreshAll();
    });
    c.languages.diagnostics.on((p, token) => this.pulls.report(p.textDocument.uri, token));
    c.onCodeAction(async (p) => this.codeActions(p));
    c.onCompletion((p) => {
      if (this.notebooks.owns(p.textDocument.uri)) return this.notebooks.completion(p).catch((e) => this.failed('notebook completion', e, []));
      const stored = this.documents.get(p.textDocument.uri);
      if (!stored?.tree) return [];
      try {
        const items = completionsAt(syntaxRoot(stored.tree, stored.document.getText()), stored.document.getText(), stored.document.offsetAt(p.position));
        // A thousand conf keys is a big message per keystroke: send the best ones, ask to be asked again.
        if (items.length <= MAX_COMPLETIONS) return items;
        const best = [...items].sort((a, b) => (a.sortText ?? a.label).localeCompare(b.sortText ?? b.label)).slice(0, MAX_COMPLETIONS);
        return { isIncomplete: true, items: best };
      } catch (e) {
        this.connection.console.error(`completion failed: ${(e as Error).stack ?? String(e)}`);
        return [];
      }
    });
    c.onHover(async (p) => {
      if (this.notebooks.owns(p.textDocument.uri)) {
        const { settings } = this.withProjectConfig(p.textDocument.uri, await this.settingsFor(p.textDocument.uri));
        return this.notebooks.hover(p, settings).catch((e) => this.failed('notebook hover', e, null));
      }
      const stored = this.documents.get(p.textDocument.uri);
      if (!stored?.tree) return null;
      try {
        return await this.hover(p.textDocument.uri, stored, stored.document.offsetAt(p.position));
      } catch (e) {
        this.connection.console.error(`hover failed: ${(e as Error).stack ?? String(e)}`);
        return null;
      }
    });
    c.onRequest(PIPELINE_GRAPH_METHOD, async (p: unknown) => {
      const params = pipelineGraphParams(p);
      return params ? this.pipelineGraph(params) : new ResponseError(ErrorCodes.InvalidParams, 'expected { uris?: string[] }');
    });

    c.onShutdown(() => this.dispose());
  }

  dispose(): void {
    for (const t of this.timers.values()) clearTimeout(t);
    this.timers.clear();
    clearTimeout(this.rejudgeTimer);
    this.pendingRejudge.clear();
    this.typing.dispose();
    this.documents.dispose();
    this.notebooks.dispose();
  }

  /** Logs a failed request and answers it with `fallback`: one bad notebook must not break the editor. */
  private failed<T>(what: string, e: unknown, fallback: T): T {
    this.connection.console.error(`${what} failed: ${(e as Error)?.stack ?? String(e)}`);
    return fallback;
  }

  private guard(fn: () => void, uri: string): void {
    try {
      fn();
    } catch (e) {
      this.connection.console.error(`${uri}: ${(e as Error).stack ?? String(e)}`);
    }
  }

  private settingsFor(uri: string): Promise<Settings> {
    let p = this.settingsCache.get(uri);
    if (!p) {
      p = (async () => {
        let raw: unknown = this.globalSettings ?? this.initOptionsSettings;
        if (this.configurationRequests) {
          try {
            [raw] = await this.connection.workspace.getConfiguration([{ scopeUri: uri, section: SECTION }]);
          } catch {
            // A client that advertised configuration but fails the request: keep what we have.
          }
        }
        const { settings, problems } = resolveSettings(raw);
        for (const problem of problems) this.connection.console.warn(problem);
        this.status.settings(uri, settings);
        return settings;
      })();
      this.settingsCache.set(uri, p);
    }
    return p;
  }

  /** Push mode: analyse after a quiet period; a newer edit cancels the pending run. */
  private schedule(uri: string, delay?: number): void {
    if (this.pullDiagnostics) return;
    clearTimeout(this.timers.get(uri));
    void this.settingsFor(uri).then((s) => {
      clearTimeout(this.timers.get(uri));
      const timer = setTimeout(() => {
        this.timers.delete(uri);
        void this.publish(uri);
      }, delay ?? s.debounceMs);
      this.timers.set(uri, timer);
    });
  }

  private async publish(uri: string): Promise<void> {
    const stored = this.documents.get(uri);
    if (!stored) return;
    const version = stored.document.version;
    const cached = await this.analyse(uri, stored);
    // The document changed or closed while we worked: a newer run will publish.
    if (!cached || this.documents.get(uri)?.document.version !== version) return;
    await this.connection.sendDiagnostics({ uri, version, diagnostics: this.shown(uri, cached) });
  }

  /** The diagnostics to send now: those on the literal being typed wait (see TypingHold). */
  private shown(uri: string, cached: CachedAnalysis): Diagnostic[] {
    const root = (): ReturnType<typeof syntaxRoot> | undefined => {
      const stored = this.documents.get(uri);
      return stored?.tree && stored.document.version === cached.version ? syntaxRoot(stored.tree, stored.document.getText()) : undefined;
    };
    const findings = cached.result.findings;
    const keep = new Set(this.typing.visible(uri, cached.version, root, findings));
    // Diagnostics past the findings (a "not analysed" notice) are never held back.
    return cached.diagnostics.filter((_, i) => i >= findings.length || keep.has(i));
  }

  /**
   * A hover never waits for an analysis: it reads the last model of the document, whatever its
   * version, through the edits made since (a position inside text typed since has no frame hover).
   * Only a document with no model at all (never analysed, or its model let go) is analysed first.
   */
  private async hover(uri: string, stored: StoredDocument, offset: number): Promise<Hover | null> {
    // The same PII patterns as the analysis: the editor's settings with the project's pyproject.toml.
    const { settings } = this.withProjectConfig(uri, await this.settingsFor(uri));
    let last = this.analyses.get(uri);
    if (!last?.result.model && last?.result.skipped === undefined) {
      this.analyses.delete(uri);
      last = await this.analyse(uri, stored);
    }
    const current = this.documents.get(uri);
    if (!current?.tree) return null;
    const text = current.document.getText();
    const model = last?.result.model;
    if (!last || !model || last.version === current.document.version) {
      return hoverAt(last?.version === current.document.version ? model : undefined, syntaxRoot(current.tree, text), text, offset, settings);
    }
    const then = mapOffset(current, last.version, offset, false);
    const word = then === undefined ? undefined : model.root.descendantForIndex(then, then);
    const from = word && mapOffset(current, last.version, word.startIndex, true);
    const to = word && word.endIndex > word.startIndex ? mapOffset(current, last.version, word.endIndex - 1, true) : undefined;
    // Typed in or around since the model was built: only what the current tree knows (conf keys).
    if (from === undefined || to === undefined || to - from !== word!.endIndex - 1 - word!.startIndex) {
      return hoverAt(undefined, syntaxRoot(current.tree, text), text, offset, settings);
    }
    const positions = {
      positionAt: (o: number) => {
        const now = mapOffset(current, last.version, o, true);
        return now === undefined ? last.result.lines.positionAt(o) : current.document.positionAt(now);
      },
    };
    return hoverAt(model, model.root, last.result.lines.text, then!, settings, positions);
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

  private async analyseNow(uri: string, stored: StoredDocument): Promise<CachedAnalysis | undefined> {
    const version = stored.document.version;
    const settings = await this.settingsFor(uri);
    const current = this.documents.get(uri);
    if (!current || current.document.version !== version) return undefined;
    const t0 = performance.now();
    const done = (result: AnalysisResult, diagnostics: Diagnostic[], skipped?: string): CachedAnalysis => {
      const entry = this.remember(uri, version, result, diagnostics);
      this.status.analysed({ uri, version, skipped, findings: diagnostics.length, ms: performance.now() - t0 }, settings);
      return entry;
    };
    if (this.sizeLimits.get(uri) !== settings.maxFileSizeKb) {
      this.sizeLimits.set(uri, settings.maxFileSizeKb);
      this.guard(() => this.documents.applySizeLimit(uri), uri);
    }
    if (!settings.enable) return done(emptyResult(stored), [], 'disabled (pysparkArchitect.enable)');
    if (!stored.tree && stored.notParsed?.kind === 'parser-restarting') {
      // Another file broke the parser a moment ago: wait for the new one rather than report nothing.
      await this.parser.ready();
      this.documents.reparse(uri);
      if (this.documents.get(uri)?.document.version !== version) return undefined;
    }
    const text = stored.document.getText();
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
      const options = { ...this.withProjectConfig(uri, settings), workspace: this.knownFiles(), workspaceExclude: uri, path: uri };
      // A Databricks notebook that `%run`s others is analysed with them (findings stay in this file).
      const runs = analyseDatabricksRuns(this.parser, text, uri.startsWith('file:') ? fileURLToPath(uri) : undefined, options);
      // In steps: hovers, completions and new edits are answered between rules, and an outdated run stops.
      const stepped = runs ?? (await analyzeInSteps(stored.tree, text, options, { pause: nextTurn, stale: () => this.documents.get(uri)?.document.version !== version }));
      if (!stepped) return undefined;
      result = stepped;
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
    return done(result, result.findings.map((f) => this.toDiagnostic(uri, f, result)), skipped);
  }

  /**
   * The pipeline of some open documents, or (no uris) of the whole workspace: open documents as
   * typed, every other Python file from disk.
   */
  async pipelineGraph(params: PipelineGraphParams): Promise<PipelineGraph> {
    const fragments: FileFragment[] = [];
    const uris = params.uris?.length ? params.uris : [...this.documents.uris(), ...this.notebooks.uris()];
    for (const uri of uris) {
      if (this.notebooks.owns(uri)) {
        const fragment = await this.notebooks.fragment(uri);
        if (fragment) fragments.push(fragment);
        continue;
      }
      const stored = this.documents.get(uri);
      if (!stored) continue;
      const cached = await this.analyse(uri, stored);
      if (cached?.fragment) fragments.push(cached.fragment);
    }
    if (!params.uris?.length && this.workspaceFolders.length) {
      const settings = await this.settingsFor(this.workspaceFolders[0]);
      const onDisk = this.workspaceFiles.fragments(this.workspaceFolders, new Set(uris), settings);
      this.workspaceFragments = onDisk;
      this.mergedGraph = undefined;
      fragments.push(...onDisk);
    }
    return mergeFragments(fragments);
  }

  private remember(uri: string, version: number, result: AnalysisResult, diagnostics: Diagnostic[]): CachedAnalysis {
    const fragment = fileFragment({ filename: uriToFilename(uri), uri, model: result.model, lines: result.lines, findings: result.findings });
    const entry = { version, result, diagnostics, fragment };
    this.analyses.set(uri, entry);
    this.keepModel(uri);
    this.noteGraphChange(uri, fragment.raw);
    return entry;
  }

  /**
   * The datasets and steps of every file the server knows: open documents as typed, the rest from
   * the workspace scan. Merged once and kept until some file's datasets or steps change (offsets
   * moving does not matter: the rules only place findings on the analysed file's own steps, and
   * leave that file's entry out). The architecture rules keep only the files sharing datasets.
   */
  private knownFiles(): RawGraph | undefined {
    if (this.mergedGraph === undefined) {
      const open = new Set(this.documents.uris());
      const graphs: RawGraph[] = [];
      for (const [uri, a] of this.analyses) if (open.has(uri) && a.fragment?.raw.datasets.size) graphs.push(a.fragment.raw);
      for (const f of this.workspaceFragments) if (!open.has(f.uri) && f.raw.datasets.size) graphs.push(f.raw);
      this.mergedGraph = graphs.length ? mergeRawGraphs(graphs) : null;
    }
    return this.mergedGraph ?? undefined;
  }

  /** When a document's datasets or steps change, the open documents sharing a dataset with it are judged again. */
  private noteGraphChange(uri: string, raw: RawGraph): void {
    const keys = [...raw.datasets.keys()].sort();
    const steps = [...raw.steps.values()].map((s) => `${s.functionName ?? ''}:${[...s.reads].sort().join(',')}>${[...s.writes].sort().join(',')}:${s.streaming}`).sort();
    const signature = JSON.stringify([keys, steps]);
    const before = this.graphSignatures.get(uri);
    this.graphSignatures.set(uri, { signature, keys });
    if ((before?.signature ?? JSON.stringify([[], []])) === signature) return;
    this.mergedGraph = undefined;
    this.rejudgeNeighbours(uri, [...new Set([...keys, ...(before?.keys ?? [])])]);
  }

  /**
   * Queues the open documents sharing a dataset with `keys` for analysis again, once changes have
   * been quiet for a while: opening or editing many related files at once re-analyses each
   * neighbour once, not once per change.
   */
  private rejudgeNeighbours(uri: string, keys: string[]): void {
    if (!keys.length) return;
    const wanted = new Set(keys);
    for (const [other, a] of this.analyses) {
      if (other !== uri && [...(a.fragment?.raw.datasets.keys() ?? [])].some((k) => wanted.has(k))) this.pendingRejudge.add(other);
    }
    if (!this.pendingRejudge.size) return;
    clearTimeout(this.rejudgeTimer);
    this.rejudgeTimer = setTimeout(() => {
      const uris = [...this.pendingRejudge].filter((u) => this.documents.get(u));
      this.pendingRejudge.clear();
      for (const u of uris) this.analyses.delete(u);
      if (this.pullDiagnostics) this.refreshPulledDiagnostics();
      else for (const u of uris) this.schedule(u, 0);
    }, REJUDGE_DELAY_MS);
  }

  /** Python files changed on disk: their graph fragments are read again, and open neighbours re-judged. */
  private async workspaceFilesChanged(changes: { uri: string; deleted: boolean }[]): Promise<void> {
    if (!this.workspaceFolders.length) return;
    try {
      const settings = await this.settingsFor(this.workspaceFolders[0]);
      const keys: string[] = [];
      for (const { uri, deleted } of changes) {
        const before = this.workspaceFragments.findIndex((f) => f.uri === uri);
        if (before >= 0) keys.push(...this.workspaceFragments[before].raw.datasets.keys());
        const fresh = deleted ? undefined : this.workspaceFiles.fragmentOf(uri, settings, this.workspaceFolders);
        if (fresh) keys.push(...fresh.raw.datasets.keys());
        if (before >= 0) this.workspaceFragments.splice(before, 1);
        if (fresh) this.workspaceFragments.push(fresh);
      }
      this.mergedGraph = undefined;
      this.rejudgeNeighbours('', keys);
    } catch (e) {
      this.connection.console.error(`reading changed workspace files failed: ${(e as Error).stack ?? String(e)}`);
    }
  }

  /**
   * Reads the workspace's Python files once at startup (yielding between files), so the
   * architecture rules see pipelines split over files that are not open. Large workspaces are
   * left to the workspace preview, which reads them on request.
   */
  private async scanWorkspace(): Promise<void> {
    if (!this.workspaceFolders.length) return;
    try {
      const settings = await this.settingsFor(this.workspaceFolders[0]);
      const fragments = await this.workspaceFiles.fragmentsInBackground(this.workspaceFolders, settings, MAX_SCANNED_FILES);
      if (!fragments) return;
      this.workspaceFragments = fragments;
      this.mergedGraph = undefined;
      const keys = fragments.flatMap((f) => [...f.raw.datasets.keys()]);
      this.rejudgeNeighbours('', keys);
    } catch (e) {
      this.connection.console.error(`workspace scan failed: ${(e as Error).stack ?? String(e)}`);
    }
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
      const evicted = this.analyses.get(this.modelHolders.shift()!);
      if (evicted) evicted.result = { ...evicted.result, model: undefined };
    }
  }

  private toDiagnostic(uri: string, f: Finding, result: AnalysisResult): Diagnostic {
    const lines = result.lines;
    const d: Diagnostic = {
      range: { start: lines.positionAt(f.start), end: lines.positionAt(f.end) },
      severity: SEVERITY[f.severity],
      code: f.code,
      codeDescription: { href: docsUrl(f.code) },
      source: DIAGNOSTIC_SOURCE,
      // The first line is what the Problems panel shows; the why and the fix follow (hover, rule page).
      message: formatMessage(f.message),
    };
    if (this.relatedInformation && f.related.length) {
      d.relatedInformation = f.related.map((r) => ({
        location: { uri, range: { start: lines.positionAt(r.start), end: lines.positionAt(r.end) } },
        message: r.message,
      }));
    }
    return d;
  }

  /** `[tool.pyspark-architect]` of the nearest pyproject.toml, under the editor's settings. */
  private withProjectConfig(uri: string, settings: Settings): EffectiveConfig {
    if (!uri.startsWith('file:')) return { settings };
    let project: ProjectConfig | undefined;
    try {
      project = findProjectConfig(path.dirname(fileURLToPath(uri)), this.projectConfigs);
    } catch {
      project = undefined;
    }
    if (project?.problems.length && !this.reportedProjects.has(project.file)) {
      this.reportedProjects.add(project.file);
      for (const problem of project.problems) this.connection.console.warn(`${problem} (ignored)`);
    }
    return applyProjectConfig(settings, project, this.trusted);
  }

  /**
   * Asks a pull-diagnostics client to pull again. Only clients that say they support the request get
   * it (others answer with an error), and a failed request is ignored rather than logged as an
   * unhandled rejection.
   */
  private refreshPulledDiagnostics(): void {
    if (!this.diagnosticRefresh) return;
    // Typed void, but it sends a request and returns its promise.
    const pending = this.connection.languages.diagnostics.refresh() as unknown as Promise<void> | undefined;
    void Promise.resolve(pending).catch(() => undefined);
  }

  private refreshAll(): void {
    this.analyses.clear();
    if (this.pullDiagnostics) this.refreshPulledDiagnostics();
    else for (const uri of this.documents.uris()) this.schedule(uri, 0);
  }

  /** `source.fixAll.pysparkArchitect` (and on save): the safe fixes only, applied one by one on fresh analysis. */
  private async fixAllAction(uri: string, stored: StoredDocument): Promise<CodeAction[]> {
    const settings = await this.settingsFor(uri);
    if (!stored.tree || !settings.enable) return [];
    const text = stored.document.getText();
    let fixed: string;
    let applied: { code: string }[];
    try {
      ({ text: fixed, applied } = fixAll(this.parser, text, this.withProjectConfig(uri, settings)));
    } catch (e) {
      if (e instanceof ParseFailure) return [];
      throw e;
    }
    if (!applied.length) return [];
    const end = stored.document.positionAt(text.length);
    return [CodeAction.create(`Fix all safely fixable PySpark Architect findings (${applied.length})`, { changes: { [uri]: [{ range: { start: { line: 0, character: 0 }, end }, newText: fixed }] } }, FIX_ALL_KIND)];
  }

  async codeActions(p: CodeActionParams): Promise<CodeAction[]> {
    if (this.notebooks.owns(p.textDocument.uri)) return this.notebooks.codeActions(p, FIX_ALL_KIND).catch((e) => this.failed('notebook code actions', e, []));
    const stored = this.documents.get(p.textDocument.uri);
    if (!stored) return [];
    if (p.context.only?.some((k) => FIX_ALL_KIND.startsWith(k) && k !== CodeActionKind.Empty)) return this.fixAllAction(p.textDocument.uri, stored);
    const cached = await this.analyse(p.textDocument.uri, stored);
    if (!cached) return [];
    const { result } = cached;
    const lines = result.lines;
    const from = lines.offsetAt(p.range.start);
    const to = lines.offsetAt(p.range.end);
    // Neovim 0.7 sends our diagnostics back without their source: a PSA code is enough to know them.
    const wanted = new Set(p.context.diagnostics.filter((d) => d.source === DIAGNOSTIC_SOURCE || (d.source === undefined && /^PSA\d{3}$/.test(`${d.code}`))).map((d) => `${d.code}`));
    const text = stored.document.getText();
    const actions: CodeAction[] = [];
    let baseErrors = 0;
    try {
      if (stored.tree) baseErrors = countSyntaxErrors(stored.tree.rootNode);
    } catch (e) {
      if (e instanceof ParseFailure) return [];
      throw e;
    }
    const root = stored.tree ? syntaxRoot(stored.tree, text) : undefined;
    for (const f of result.findings) {
      if (f.end < from || f.start > to) continue;
      if (p.context.diagnostics.length && !wanted.has(f.code)) continue;
      if (p.context.only && !p.context.only.some((k) => k === CodeActionKind.QuickFix || CodeActionKind.QuickFix.startsWith(k))) continue;
      const diagnostic = cached.diagnostics[result.findings.indexOf(f)];
      for (const fix of [...f.fixes, root && noqaFix(root, text, f, lines)]) {
        if (!fix || !this.fixKeepsSyntax(text, fix, baseErrors)) continue;
        actions.push(fixAction(fix, { uri: p.textDocument.uri, version: stored.document.version, lines, diagnostic, snippetEdits: this.snippetEdits }));
      }
    }
    return actions;
  }

  /** A fix that would add syntax errors is never offered: parse the result and compare. */
  private fixKeepsSyntax(text: string, fix: Fix, baseErrors: number): boolean {
    let tree;
    try {
      tree = this.parser.parse(applyEdits(text, fix.edits));
      return countSyntaxErrors(tree.rootNode) <= baseErrors;
    } catch (e) {
      if (e instanceof ParseFailure) return false;
      throw e;
    } finally {
      this.parser.release(tree);
    }
  }
}

/** The request's params, checked (null or absent: the whole workspace), or undefined when malformed. */
function pipelineGraphParams(p: unknown): PipelineGraphParams | undefined {
  if (p === null || p === undefined) return {};
  if (typeof p !== 'object' || Array.isArray(p)) return undefined;
  const uris = (p as { uris?: unknown }).uris;
  if (uris === undefined || uris === null) return {};
  return Array.isArray(uris) && uris.every((u) => typeof u === 'string') ? { uris } : undefined;
}

function uriToFilename(uri: string): string {
  try {
    return uri.startsWith('file:') ? fileURLToPath(uri) : decodeURIComponent(uri.replace(/^[a-z-]+:\/*/i, ''));
  } catch {
    return uri;
  }
}

/** Lets the event loop read and answer other messages before going on. */
function nextTurn(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}

function emptyResult(stored: StoredDocument): AnalysisResult {
  return { findings: [], lines: new LineIndex(stored.document.getText()) };
}

