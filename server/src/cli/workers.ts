import * as os from 'node:os';
import { isMainThread, Worker, workerData } from 'node:worker_threads';
import type { AnalysisOptions } from '../analysis';
import type { Finding } from '../findings';
import type { RawGraph } from '../graph/pipelineGraph';
import type { CheckArgs, FileJob, TransferredResult } from './main';

/**
 * Worker threads for `check` and `graph` on folders. Each worker is this same script started again
 * (`dist/cli.js`) with its own web-tree-sitter runtime (wasm memory is per thread, and a file that
 * poisons one worker's parser is that worker's business); the main thread analyses files too (so
 * `--jobs 2` is one more isolate, not two), hands out the others and puts the answers back in file order. Only this side (the pool) is loaded in the main thread: the
 * worker's side (`cliWorker.ts`) is part of the engine, which the main thread of a run with workers
 * only loads for notebooks.
 */

/** Below this many Python files per thread, starting a worker (its own bundle and wasm parser, ~100 ms) costs more than it saves. */
export const FILES_PER_WORKER = 24;
/**
 * Nor below this much Python per thread (by default). A worker costs more than its start: it warms
 * up its own JIT (its first files run slower) and V8 compiles and collects for it on helper threads,
 * which a single thread leaves to the other core. Measured on two cores (2026-12-05, per-thread CPU):
 * with 48 and 100 of the bench's files (15 KB each) a worker made the run longer, with 1,000 shorter;
 * the two cross between 200 and 300 files, 3 to 4.5 MB.
 */
export const BYTES_PER_THREAD = 2 * 1024 * 1024;
/**
 * Requests a worker holds at once: the next file is already in its queue when it finishes one, so it
 * never waits for a round trip through the main thread; two, not more, so a slow file holds back at
 * most one other and the last files still spread over every worker.
 */
export const REQUESTS_PER_WORKER = 2;
const ROLE = 'pyspark-architect-cli-worker';

/**
 * Threads (the main one and its workers) for `files` Python files of `bytes` in all: `--jobs` when
 * given, else one per core while each gets at least `FILES_PER_WORKER` files and `BYTES_PER_THREAD`.
 */
export function workerCount(jobs: number | undefined, files: number, bytes: number): number {
  if (jobs !== undefined) return Math.max(1, Math.min(jobs, files));
  const cores = typeof os.availableParallelism === 'function' ? os.availableParallelism() : os.cpus().length;
  return Math.max(1, Math.min(cores, Math.floor(files / FILES_PER_WORKER), Math.floor(bytes / BYTES_PER_THREAD)));
}

/** `check` judges files again with their neighbours' graphs in view (`addCrossFileFindings`); `graph` and `--diff` do not. */
export function hasCrossFilePass(args: CheckArgs, forGraph: boolean): boolean {
  return !forGraph && !args.diff;
}

/** What every request of a run shares, given to each worker once when it starts. */
export interface WorkerSetup {
  role: typeof ROLE;
  args: CheckArgs;
  forGraph: boolean;
}

export type Request =
  | { id: number; kind: 'file'; job: FileJob }
  /**
   * The cross-file pass: `neighbours` are the numbers of graphs the worker holds (merged there, not
   * cloned per file). `index`: the file this worker analysed, whose facts it kept (judged from them);
   * else `text`, parsed and analysed again.
   */
  | { id: number; kind: 'cross'; index?: number; text?: string; options: AnalysisOptions; neighbours: number[] };

/** A file's datasets and steps for the cross-file pass, under its number in the run (`FileJob.index`). */
export type Broadcast = { kind: 'graph'; index: number; raw: RawGraph };

export type Reply =
  | { id: number; kind: 'file'; errs: string[]; ioError: boolean; result?: TransferredResult }
  | { id: number; kind: 'cross'; findings?: Finding[] }
  | { id: number; kind: 'failed'; message: string };

type FileReply = Extract<Reply, { kind: 'file' }>;

interface Slot {
  worker: Worker;
  /** Requests sent to this worker and not answered yet. */
  held: number;
}

export class WorkerPool {
  private readonly slots: Slot[] = [];
  /** Requests not sent yet; `to`: the one worker that can answer it. */
  private readonly queue: { request: Request; resolve: (r: Reply) => void; reject: (e: Error) => void; to?: Slot }[] = [];
  private readonly waiting = new Map<number, { resolve: (r: Reply) => void; reject: (e: Error) => void; slot: Slot; request: Request }>();
  /** Numbers of the graphs every worker holds. */
  private readonly shared = new Set<number>();
  /** The worker that analysed each file (by its number): it keeps the file's facts for the cross-file pass. */
  private readonly analysedBy = new Map<number, Slot>();
  private nextId = 0;
  private closed = false;
  private readonly crossFilePass: boolean;

  /** `script`: the CLI's own file (it starts as a worker when `isCliWorker()`); `args` and `forGraph` hold for every file of the run. */
  constructor(size: number, script: string, args: CheckArgs, forGraph: boolean) {
    const setup: WorkerSetup = { role: ROLE, args, forGraph };
    this.crossFilePass = hasCrossFilePass(args, forGraph);
    for (let i = 0; i < size; i++) {
      const worker = new Worker(script, { workerData: setup });
      const slot: Slot = { worker, held: 0 };
      worker.on('message', (reply: Reply) => this.answered(slot, reply));
      worker.on('error', (e) => this.lost(slot, e));
      worker.on('exit', (code) => {
        if (!this.closed) this.lost(slot, new Error(`a worker thread exited (code ${code})`));
      });
      this.slots.push(slot);
    }
  }

  analyse(job: FileJob): Promise<FileReply> {
    return this.send({ id: this.nextId++, kind: 'file', job }) as Promise<FileReply>;
  }

  get size(): number {
    return this.slots.length;
  }

  /** Requests in flight that keep every worker busy without a round trip between two of them. */
  get depth(): number {
    return this.slots.length * REQUESTS_PER_WORKER;
  }

  /**
   * Makes a graph known to every worker under `index` (a file's number in the run) for the
   * cross-file pass, and returns that number. A worker keeps the graph of each file it analysed
   * itself, and the others get it as the result comes in (`answered`), while the first pass is
   * still running; only notebooks' graphs (analysed in the main thread) are sent here.
   */
  shareGraph(index: number, raw: RawGraph): number {
    if (!this.shared.has(index)) this.broadcast({ kind: 'graph', index, raw });
    return index;
  }

  /**
   * The project-scope findings of file `index` (by the worker that analysed it and kept its facts)
   * or of `text` (by any worker), with the shared graphs `neighbours` (numbers given by
   * `shareGraph` or kept from the first pass) in view.
   */
  async crossFile(index: number | undefined, text: string | undefined, options: AnalysisOptions, neighbours: number[]): Promise<Finding[] | undefined> {
    const to = index === undefined ? undefined : this.analysedBy.get(index);
    const reply = await this.send({ id: this.nextId++, kind: 'cross', index, text, options, neighbours }, to);
    return reply.kind === 'cross' ? reply.findings : undefined;
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await Promise.all(this.slots.map((s) => s.worker.terminate()));
  }

  private send(request: Request, to?: Slot): Promise<Reply> {
    return new Promise((resolve, reject) => {
      if (this.closed) return reject(new Error('the worker threads are closed'));
      this.queue.push({ request, resolve, reject, to });
      this.dispatch();
    });
  }

  /** Fills every worker up to `REQUESTS_PER_WORKER`, the least loaded first; a request for one worker waits for that one. */
  private dispatch(): void {
    for (let i = 0; i < this.queue.length;) {
      const next = this.queue[i];
      let slot: Slot | undefined;
      if (next.to) slot = next.to.held < REQUESTS_PER_WORKER ? next.to : undefined;
      else for (const s of this.slots) if (s.held < REQUESTS_PER_WORKER && (!slot || s.held < slot.held)) slot = s;
      if (!slot) {
        // Every worker is full, or this one's: later requests for another worker may still go.
        if (!next.to) return;
        i++;
        continue;
      }
      this.queue.splice(i, 1);
      slot.held++;
      this.waiting.set(next.request.id, { ...next, slot });
      slot.worker.postMessage(next.request);
    }
  }

  private answered(slot: Slot, reply: Reply): void {
    const w = this.waiting.get(reply.id);
    this.waiting.delete(reply.id);
    slot.held--;
    if (w?.request.kind === 'file') this.analysedBy.set(w.request.job.index, slot);
    if (this.crossFilePass && w?.request.kind === 'file' && reply.kind === 'file' && reply.result?.raw) {
      // The worker that made it keeps it (cliWorker.ts); the others get it now, not at the end of the pass.
      this.broadcast({ kind: 'graph', index: w.request.job.index, raw: reply.result.raw }, slot);
    }
    if (w) {
      if (reply.kind === 'failed') w.reject(new Error(reply.message));
      else w.resolve(reply);
    }
    this.dispatch();
  }

  private broadcast(message: Broadcast, except?: Slot): void {
    this.shared.add(message.index);
    for (const s of this.slots) if (s !== except) s.worker.postMessage(message);
  }

  /** A worker died (out of memory, a bug): what it was doing and everything queued fail, as an exception in the main thread would. */
  private lost(slot: Slot, e: Error): void {
    if (this.closed) return;
    const error = new Error(`a worker thread failed: ${e.message}`);
    for (const [id, w] of this.waiting) {
      if (w.slot !== slot) continue;
      this.waiting.delete(id);
      w.reject(error);
    }
    this.closed = true;
    for (const q of this.queue.splice(0)) q.reject(error);
    for (const s of this.slots) void s.worker.terminate();
  }
}

/** This thread is one of the CLI's workers: what the run gives every file, else undefined. */
export function cliWorkerSetup(): WorkerSetup | undefined {
  const data = workerData as Partial<WorkerSetup> | null;
  return !isMainThread && data?.role === ROLE ? (data as WorkerSetup) : undefined;
}
