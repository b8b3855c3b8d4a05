import { parentPort } from 'node:worker_threads';
import { mergeRawGraphs } from '../graph';
import type { RawGraph } from '../graph/pipelineGraph';
import { judgeFromFacts } from '../analysis';
import { crossFileFindings } from '../project/crossFile';
import type { ProjectFacts } from '../project/projectFacts';
import { PythonParser } from '../parsing/pythonParser';
import type { Analysed, FileJob, FileOutcome, TransferredResult } from './main';
import { hasCrossFilePass, type Broadcast, type Reply, type Request, type WorkerSetup } from './workers';

/**
 * The worker's side of `workers.ts`: answers requests one at a time, in the order they came, with
 * this thread's own parser. The pool keeps the next request queued here while one runs.
 * `analyseFile`: main.ts's (reading the file is the worker's job too).
 */
export function runCliWorker(setup: WorkerSetup, analyseFile: (job: FileJob, args: WorkerSetup['args'], forGraph: boolean) => Promise<FileOutcome>): void {
  const port = parentPort!;
  /** Every file's datasets and steps, by the file's number: its own results' and those the pool forwards. */
  const graphs = new Map<number, RawGraph>();
  /** What the project rules read of each file this worker analysed, by its number: the cross-file pass judges it from this. */
  const facts = new Map<number, ProjectFacts>();
  const keepGraphs = hasCrossFilePass(setup.args, setup.forGraph);
  const queue: Request[] = [];
  let running = false;
  const answer = async (request: Request): Promise<Reply> => {
    try {
      if (request.kind === 'cross') {
        const options = { ...request.options, workspace: mergeRawGraphs(request.neighbours.map((i) => graphs.get(i)!)) };
        const kept = request.index === undefined ? undefined : facts.get(request.index);
        const findings =
          (kept && judgeFromFacts(kept, options)) ??
          (request.text === undefined ? undefined : await crossFileFindings(await PythonParser.load(), request.text, options));
        return { id: request.id, kind: 'cross', findings };
      }
      const outcome = await analyseFile(request.job, setup.args, setup.forGraph);
      if (keepGraphs && outcome.result?.raw) graphs.set(request.job.index, outcome.result.raw);
      if (outcome.result?.projectFacts) facts.set(request.job.index, outcome.result.projectFacts);
      return { id: request.id, kind: 'file', errs: outcome.errs, ioError: outcome.ioError, result: outcome.result && transferable(outcome.result) };
    } catch (e) {
      return { id: request.id, kind: 'failed', message: (e as Error).stack ?? String(e) };
    }
  };
  const drain = async () => {
    running = true;
    while (queue.length) port.postMessage(await answer(queue.shift()!));
    running = false;
  };
  port.on('message', (message: Request | Broadcast) => {
    // A graph comes before any cross-file request that reads it (messages keep their order).
    if (message.kind === 'graph') graphs.set(message.index, message.raw);
    else {
      queue.push(message);
      if (!running) void drain();
    }
  });
}

/** Only plain data crosses threads: the line index is rebuilt from the text on the other side. */
function transferable(r: Analysed): TransferredResult {
  const { lines, reanalyse: _reanalyse, notebook: _notebook, fragment: _fragment, model: _model, projectFacts, ...rest } = r;
  // The facts stay here (`facts`): the cross-file pass asks this worker for this file.
  return { ...rest, text: rest.text ?? lines.text, ...(projectFacts ? { factsKept: true } : {}) };
}
