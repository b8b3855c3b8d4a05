import type { Connection } from 'vscode-languageserver';
import type { Settings } from '../../../shared/settings';
import { mergeRawGraphs, type FileFragment } from '../graph';
import type { RawGraph } from '../graph/pipelineGraph';
import type { PythonParser } from '../parsing/pythonParser';
import { WorkspaceFiles } from '../project/workspaceFiles';
import type { DocumentStore } from './documentStore';

/** Quiet time after the last change to a document's datasets before its open neighbours are analysed again. */
const REJUDGE_DELAY_MS = 750;
/** The startup scan for cross-file architecture rules reads workspaces up to this many Python files. */
const MAX_SCANNED_FILES = 1000;
/** Graph changes remembered for analyses under way; one that read the graph before the oldest is judged again. */
const MAX_CHANGES = 1000;
/**
 * Without a writer that tells when messages are written (`WrittenOutput`: the socket and pipe
 * transports, tests in process), how many turns of the event loop an analysis's graph change is left
 * (`noteGraphChangeLater`) when nothing needs it sooner: vscode-jsonrpc asks the stream to write one
 * message per `setImmediate`. Only when the work runs depends on it, not what it gives: every reader
 * settles first.
 */
const SETTLE_AFTER_TURNS = 8;

/** Runs a function once the messages the server asked to send so far are written (`WrittenOutput.whenWritten`). */
export type AfterOutput = (fn: () => void) => void;

/** `AfterOutput` for a writer that cannot tell: `turns` turns of the event loop (`noteGraphChangeLater` waits one before). */
export function afterTurns(turns: number): AfterOutput {
  return (fn) => {
    let left = turns;
    const next = () => (--left > 0 ? setImmediate(next) : fn());
    setImmediate(next);
  };
}

/**
 * The workspace's datasets and steps, for the cross-file architecture rules: open documents as
 * typed, every other Python file from disk (a startup scan, kept current by file events). When a
 * file's datasets or steps change, the open documents sharing a dataset with it are judged again.
 */
export class WorkspaceGraph {
  folders: string[] = [];
  private readonly files: WorkspaceFiles;
  /** Graph fragments of the workspace's files on disk, from the startup scan or the last workspace preview. */
  private onDisk: FileFragment[] = [];
  private readonly pendingRejudge = new Set<string>();
  /** `knownFiles()`, while no file's datasets or steps changed; null: known to be empty. */
  private merged: RawGraph | null | undefined;
  private rejudgeTimer: NodeJS.Timeout | undefined;
  /**
   * Per open document, its graph fragment from its last analysis and the signature of its datasets
   * and steps (to tell when neighbours must be judged again). Kept while the document is judged
   * again (its analysis dropped): neighbours judged at the same time still see it.
   */
  private readonly openGraphs = new Map<string, { raw: RawGraph; signature: string }>();
  /** Bumped by every change of the graph; an analysis notes the generation it read. */
  private generation = 0;
  /** The latest changes, oldest first: which file changed which datasets ('all': every file on disk read again). */
  private readonly changes: { generation: number; origin: string; keys: Set<string> | 'all' }[] = [];
  /** Graph changes of analyses whose answer went first (`noteGraphChangeLater`), in the order noted. */
  private readonly pending: { uri: string; raw: () => RawGraph; readAt?: number }[] = [];
  /** A settle of the pending changes is scheduled (`noteGraphChangeLater`). */
  private settleScheduled = false;
  private disposed = false;

  constructor(
    parser: PythonParser,
    private readonly connection: Connection,
    private readonly documents: DocumentStore,
    private readonly settingsFor: (uri: string) => Promise<Settings>,
    /** Open documents to judge again (their analyses are stale). */
    private readonly rejudge: (uris: string[]) => void,
    /** When the messages asked for so far are written: the changes left for later wait for it. */
    private readonly afterOutput: AfterOutput = afterTurns(SETTLE_AFTER_TURNS - 1),
  ) {
    this.files = new WorkspaceFiles(parser, (m) => this.connection.console.info(m));
  }

  /**
   * The datasets and steps of every file the server knows: open documents as typed, the rest from
   * the workspace scan. Merged once and kept until some file's datasets or steps change (offsets
   * moving does not matter: the rules only place findings on the analysed file's own steps, and
   * leave that file's entry out). The architecture rules keep only the files sharing datasets.
   */
  knownFiles(): RawGraph | undefined {
    this.settle();
    if (this.merged === undefined) {
      const open = new Set(this.documents.uris());
      const graphs: RawGraph[] = [];
      for (const [uri, { raw }] of this.openGraphs) if (open.has(uri) && raw.datasets.size) graphs.push(raw);
      for (const f of this.onDisk) if (!open.has(f.uri) && f.raw.datasets.size) graphs.push(f.raw);
      this.merged = graphs.length ? mergeRawGraphs(graphs) : null;
    }
    return this.merged ?? undefined;
  }

  /** The graph for an analysis, and the generation to hand back to `noteGraphChange` with its result. */
  read(): { graph: RawGraph | undefined; generation: number } {
    return { graph: this.knownFiles(), generation: this.generation };
  }

  /**
   * When a document's datasets or steps change, the open documents sharing a dataset with it are
   * judged again. `readAt`: the generation the analysis read the graph at; when a file sharing a
   * dataset with this one changed since, the result is already outdated and the document is judged
   * again too (its first analysis otherwise keeps the empty workspace it started with, when the
   * startup scan ends meanwhile).
   */
  noteGraphChange(uri: string, raw: RawGraph, readAt?: number): void {
    this.settle();
    this.note(uri, raw, readAt);
  }

  /**
   * `noteGraphChange`, with the document's graph built when first needed: once the messages asked
   * for until the next turn are written (`afterOutput`: the analysis's answer, asked for in the turn
   * this is called in, and the log lines after it), or before, when anything reads or changes the
   * graph meanwhile (every method here settles what is pending first) or the server is about to
   * change or close a document (`settle`). The graph is then as if noted at once: the same
   * changes, in the same order, with the same `readAt`.
   */
  noteGraphChangeLater(uri: string, raw: () => RawGraph, readAt?: number): void {
    this.pending.push({ uri, raw, readAt });
    if (this.settleScheduled) return;
    this.settleScheduled = true;
    // One turn first: the answer is asked for after this call, once the analysis's promise chain resolves.
    setImmediate(() =>
      this.afterOutput(() => {
        this.settleScheduled = false;
        if (!this.disposed) this.settle();
      }),
    );
  }

  /** Notes the graph changes left for later (`noteGraphChangeLater`), oldest first. */
  settle(): void {
    while (this.pending.length) {
      const { uri, raw, readAt } = this.pending.shift()!;
      // Run from a timer or from whoever reads the graph next: a failure is the document's alone.
      try {
        this.note(uri, raw(), readAt);
      } catch (e) {
        this.connection.console.error(`the pipeline graph of ${uri} failed: ${(e as Error).stack ?? String(e)}`);
      }
    }
  }

  private note(uri: string, raw: RawGraph, readAt?: number): void {
    const keys = [...raw.datasets.keys()].sort();
    const steps = [...raw.steps.values()]
      .map((s) => `${s.functionName ?? ''}:${[...s.reads].sort().join(',')}>${[...s.writes].sort().join(',')}:${s.streaming}`)
      .sort();
    const signature = JSON.stringify([keys, steps]);
    if (readAt !== undefined && this.changedSince(readAt, uri, keys)) this.queue([uri]);
    const before = this.openGraphs.get(uri);
    this.openGraphs.set(uri, { raw, signature });
    if ((before?.signature ?? JSON.stringify([[], []])) === signature) return;
    const touched = [...new Set([...keys, ...(before?.raw.datasets.keys() ?? [])])];
    this.changed(uri, touched);
    this.rejudgeNeighbours(uri, touched);
  }

  /** Whether the graph changed after generation `readAt` other than through `uri` itself (true when that is too long ago to tell). */
  othersChangedSince(readAt: number, uri: string): boolean {
    this.settle();
    if (readAt >= this.generation) return false;
    if (!this.changes.length || this.changes[0].generation > readAt + 1) return true;
    return this.changes.some((c) => c.generation > readAt && c.origin !== uri);
  }

  /** Whether another file changed one of `keys` after generation `readAt` (true when that is too long ago to tell). */
  private changedSince(readAt: number, uri: string, keys: string[]): boolean {
    if (readAt >= this.generation || !keys.length) return false;
    if (!this.changes.length || this.changes[0].generation > readAt + 1) return true;
    return this.changes.some((c) => c.generation > readAt && c.origin !== uri && (c.keys === 'all' || keys.some((k) => (c.keys as Set<string>).has(k))));
  }

  private changed(origin: string, keys: Iterable<string> | 'all'): void {
    this.merged = undefined;
    this.generation++;
    this.changes.push({ generation: this.generation, origin, keys: keys === 'all' ? 'all' : new Set(keys) });
    if (this.changes.length > MAX_CHANGES) this.changes.splice(0, this.changes.length - MAX_CHANGES);
  }

  /** A document closed: its datasets leave the graph, and its neighbours are judged without it. */
  closed(uri: string): void {
    this.settle();
    const keys = [...(this.openGraphs.get(uri)?.raw.datasets.keys() ?? [])];
    this.openGraphs.delete(uri);
    this.changed(uri, keys);
    this.rejudgeNeighbours(uri, keys);
  }

  /**
   * The workspace's files on disk, except `open` ones (read again where they changed), for the
   * workspace preview; they replace the startup scan's.
   */
  fragmentsOnDisk(open: Set<string>, settings: Settings): FileFragment[] {
    this.settle();
    const onDisk = this.files.fragments(this.folders, open, settings);
    this.onDisk = onDisk;
    this.changed('', 'all');
    return onDisk;
  }

  /**
   * Queues the open documents sharing a dataset with `keys` for analysis again, once changes have
   * been quiet for a while: opening or editing many related files at once re-analyses each
   * neighbour once, not once per change.
   */
  private rejudgeNeighbours(uri: string, keys: string[]): void {
    if (!keys.length) return;
    const wanted = new Set(keys);
    const neighbours: string[] = [];
    for (const [other, { raw }] of this.openGraphs) {
      if (other !== uri && [...raw.datasets.keys()].some((k) => wanted.has(k))) neighbours.push(other);
    }
    this.queue(neighbours);
  }

  private queue(uris: string[]): void {
    for (const u of uris) this.pendingRejudge.add(u);
    if (!this.pendingRejudge.size) return;
    clearTimeout(this.rejudgeTimer);
    this.rejudgeTimer = setTimeout(() => {
      const uris = [...this.pendingRejudge].filter((u) => this.documents.get(u));
      this.pendingRejudge.clear();
      this.rejudge(uris);
    }, REJUDGE_DELAY_MS);
  }

  /** Python files changed on disk: their graph fragments are read again, and open neighbours re-judged. */
  async filesChanged(changes: { uri: string; deleted: boolean }[]): Promise<void> {
    if (!this.folders.length) return;
    try {
      const settings = await this.settingsFor(this.folders[0]);
      this.settle();
      const keys: string[] = [];
      for (const { uri, deleted } of changes) {
        const before = this.onDisk.findIndex((f) => f.uri === uri);
        const touched: string[] = [];
        if (before >= 0) touched.push(...this.onDisk[before].raw.datasets.keys());
        const fresh = deleted ? undefined : this.files.fragmentOf(uri, settings, this.folders);
        if (fresh) touched.push(...fresh.raw.datasets.keys());
        if (before >= 0) this.onDisk.splice(before, 1);
        if (fresh) this.onDisk.push(fresh);
        this.changed(uri, touched);
        keys.push(...touched);
      }
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
  async scan(): Promise<void> {
    if (!this.folders.length) return;
    try {
      const settings = await this.settingsFor(this.folders[0]);
      const fragments = await this.files.fragmentsInBackground(this.folders, settings, MAX_SCANNED_FILES);
      if (!fragments) return;
      this.settle();
      this.onDisk = fragments;
      const keys = fragments.flatMap((f) => [...f.raw.datasets.keys()]);
      this.changed('', keys);
      this.rejudgeNeighbours('', keys);
    } catch (e) {
      this.connection.console.error(`workspace scan failed: ${(e as Error).stack ?? String(e)}`);
    }
  }

  /** Graph changes left for later and not yet noted (tests). */
  get changesPending(): number {
    return this.pending.length;
  }

  dispose(): void {
    this.disposed = true;
    this.pending.length = 0;
    clearTimeout(this.rejudgeTimer);
    this.pendingRejudge.clear();
  }
}
