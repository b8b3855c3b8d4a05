import * as os from 'node:os';
import { isMainThread, parentPort, Worker, workerData } from 'node:worker_threads';
import type { AnalysisOptions } from '../analysis';
import type { Finding } from '../findings';
import { mergeRawGraphs } from '../graph';
import type { RawGraph } from '../graph/pipelineGraph';
import { PythonParser } from '../parsing/pythonParser';
import type { Analysed, CheckArgs, FileJob, FileOutcome, TransferredResult } from './main';

/**
 * Worker threads for `check` and `graph` on folders. Each worker is this same script started again
 * (`dist/cli.js`) with its own web-tree-sitter runtime (wasm memory is per thread, and a file that
 * poisons one worker's parser is that worker's business); the main thread hands out one file at a
 * time, so a slow file does not hold back the others, and puts the answers back in file order.
 */

/** Below this many Python files per worker, starting a worker (its own bundle and wasm parser, ~100 ms) costs more than it saves. */
export const FILES_PER_WORKER = 24;
const ROLE = 'pyspark-architect-cli-worker';

/** Workers for `files` Python files: `--jobs` when given, else one per core while each gets at least `FILES_PER_WORKER` files. */
export function workerCount(jobs: number | undefined, files: number): number {
  if (jobs !== undefined) return Math.max(1, Math.min(jobs, files));
  const cores = typeof os.availableParallelism === 'function' ? os.availableParallelism() : os.cpus().length;
  return Math.max(1, Math.min(cores, Math.floor(files / FILES_PER_WORKER)));
}

type Request =
  | { id: number; kind: 'file'; job: FileJob; args: CheckArgs; forGraph: boolean }
  /** The cross-file pass: `neighbours` index the graphs sent once with `graphs` (merged in the worker, not cloned per file). */
  | { id: number; kind: 'cross'; text: string; options: AnalysisOptions; neighbours: number[] };

type Broadcast = { kind: 'graphs'; graphs: RawGraph[] };

type Reply =
  | { id: number; kind: 'file'; errs: string[]; ioError: boolean; result?: TransferredResult }
  | { id: number; kind: 'cross'; findings?: Finding[] }
  | { id: number; kind: 'failed'; message: string };

type FileReply = Extract<Reply, { kind: 'file' }>;

interface Slot {
  worker: Worker;
  busy: boolean;
}

export class WorkerPool {
  private readonly slots: Slot[] = [];
  private readonly queue: { request: Request; resolve: (r: Reply) => void; reject: (e: Error) => void }[] = [];
  private readonly waiting = new Map<number, { resolve: (r: Reply) => void; reject: (e: Error) => void; slot: Slot }>();
  private nextId = 0;
  private closed = false;

  /** `script`: the CLI's own file (it starts as a worker when `isCliWorker()`). */
  constructor(size: number, script: string) {
    for (let i = 0; i < size; i++) {
      const worker = new Worker(script, { workerData: { role: ROLE } });
      const slot: Slot = { worker, busy: false };
      worker.on('message', (reply: Reply) => this.answered(slot, reply));
      worker.on('error', (e) => this.lost(slot, e));
      worker.on('exit', (code) => {
        if (!this.closed) this.lost(slot, new Error(`a worker thread exited (code ${code})`));
      });
      this.slots.push(slot);
    }
  }

  analyse(job: FileJob, args: CheckArgs, forGraph: boolean): Promise<FileReply> {
    return this.send({ id: this.nextId++, kind: 'file', job, args, forGraph }) as Promise<FileReply>;
  }

  get size(): number {
    return this.slots.length;
  }

  /** Every file's datasets and steps, sent to each worker once before the cross-file pass. */
  shareGraphs(graphs: RawGraph[]): void {
    const message: Broadcast = { kind: 'graphs', graphs };
    for (const s of this.slots) s.worker.postMessage(message);
  }

  /** The project-scope findings of `text` with the shared graphs `neighbours` (indexes into `shareGraphs`) in view. */
  async crossFile(text: string, options: AnalysisOptions, neighbours: number[]): Promise<Finding[] | undefined> {
    const reply = await this.send({ id: this.nextId++, kind: 'cross', text, options, neighbours });
    return reply.kind === 'cross' ? reply.findings : undefined;
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await Promise.all(this.slots.map((s) => s.worker.terminate()));
  }

  private send(request: Request): Promise<Reply> {
    return new Promise((resolve, reject) => {
      this.queue.push({ request, resolve, reject });
      this.dispatch();
    });
  }

  private dispatch(): void {
    for (const slot of this.slots) {
      if (slot.busy || !this.queue.length) continue;
      const next = this.queue.shift()!;
      slot.busy = true;
      this.waiting.set(next.request.id, { resolve: next.resolve, reject: next.reject, slot });
      slot.worker.postMessage(next.request);
    }
  }

  private answered(slot: Slot, reply: Reply): void {
    const w = this.waiting.get(reply.id);
    this.waiting.delete(reply.id);
    slot.busy = false;
    if (w) {
      if (reply.kind === 'failed') w.reject(new Error(reply.message));
      else w.resolve(reply);
    }
    this.dispatch();
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

export function isCliWorker(): boolean {
  return !isMainThread && (workerData as { role?: string } | null)?.role === ROLE;
}

interface WorkerFunctions {
  analyseFile(loadParser: () => Promise<PythonParser>, job: FileJob, args: CheckArgs, forGraph: boolean): Promise<FileOutcome>;
  crossFileFindings(parser: PythonParser, text: string, options: AnalysisOptions): Promise<Finding[] | undefined>;
}

/** The worker's side: answers one request at a time with this thread's own parser. */
export function runCliWorker(fns: WorkerFunctions): void {
  const port = parentPort!;
  let graphs: RawGraph[] = [];
  port.on('message', (request: Request | Broadcast) => {
    if (request.kind === 'graphs') {
      graphs = request.graphs;
      return;
    }
    void (async (): Promise<Reply> => {
      try {
        if (request.kind === 'cross') {
          const options = { ...request.options, workspace: mergeRawGraphs(request.neighbours.map((i) => graphs[i])) };
          return { id: request.id, kind: 'cross', findings: await fns.crossFileFindings(await PythonParser.load(), request.text, options) };
        }
        const outcome = await fns.analyseFile(PythonParser.load, request.job, request.args, request.forGraph);
        return { id: request.id, kind: 'file', errs: outcome.errs, ioError: outcome.ioError, result: outcome.result && transferable(outcome.result) };
      } catch (e) {
        return { id: request.id, kind: 'failed', message: (e as Error).stack ?? String(e) };
      }
    })().then((reply) => port.postMessage(reply));
  });
}

/** Only plain data crosses threads: the line index is rebuilt from the text on the other side. */
function transferable(r: Analysed): TransferredResult {
  const { lines, reanalyse: _reanalyse, notebook: _notebook, fragment: _fragment, model: _model, ...rest } = r;
  return { ...rest, text: rest.text ?? lines.text };
}
