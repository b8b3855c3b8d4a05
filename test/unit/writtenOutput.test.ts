import * as assert from 'node:assert/strict';
import { Writable } from 'node:stream';
import { StreamMessageWriter, type Message, type MessageWriter } from 'vscode-languageserver/node';
import type { Connection } from 'vscode-languageserver';
import { defaultSettings } from '../../shared/settings';
import type { RawGraph } from '../../server/src/graph/pipelineGraph';
import type { DocumentStore } from '../../server/src/lsp/documentStore';
import { WorkspaceGraph } from '../../server/src/lsp/workspaceGraph';
import { IpcMessageWriter, WrittenOutput } from '../../server/src/lsp/writtenOutput';
import type { PythonParser } from '../../server/src/parsing/pythonParser';

const turn = () => new Promise<void>((r) => setImmediate(r));

async function turns(n: number): Promise<void> {
  for (let i = 0; i < n; i++) await turn();
}

/**
 * A stream that takes each chunk only when the test lets it (as a pipe whose reader is slow): the
 * chunks taken so far, and the callbacks of the writes still held.
 */
function heldStream() {
  const held: (() => void)[] = [];
  const taken: Buffer[] = [];
  const stream = new Writable({
    highWaterMark: 1,
    write(chunk: Buffer, _encoding, callback) {
      held.push(() => {
        taken.push(chunk);
        callback();
      });
    },
  });
  return {
    stream,
    held,
    bytesTaken: () => taken.reduce((n, b) => n + b.length, 0),
    /** Lets every held write through, turn after turn, until `done()` or no write is left. */
    async release(done: () => boolean) {
      for (let i = 0; i < 100 && !done(); i++) {
        while (held.length) held.shift()!();
        await turn();
      }
    },
  };
}

/** A large answer, as a pull's at 20k lines: well over one chunk of the stream. */
function answer(id: number): Message {
  const items = Array.from({ length: 300 }, (_, i) => ({ message: `finding ${i} `.repeat(20), code: 'PSA101' }));
  return { jsonrpc: '2.0', id, result: { kind: 'full', items } } as Message;
}

function graphOf(location: string): RawGraph {
  return { datasets: new Map([[location, { ref: { key: location } as any, reads: [], writes: [] }]]), steps: new Map() };
}

function graphAfter(output: WrittenOutput) {
  const connection = { console: { info() {}, error() {} } } as unknown as Connection;
  const documents = { uris: () => ['file:///a.py', 'file:///c.py'], get: () => ({}) } as unknown as DocumentStore;
  return new WorkspaceGraph(
    {} as PythonParser,
    connection,
    documents,
    async () => defaultSettings(),
    () => undefined,
    (fn) => output.whenWritten(fn),
  );
}

describe('work left for after an answer waits for the answer to be written (WrittenOutput)', () => {
  it('builds the graph change only once every byte of the answer is taken, however many turns that takes', async () => {
    const pipe = heldStream();
    const output = new WrittenOutput(new StreamMessageWriter(pipe.stream));
    const graph = graphAfter(output);
    const message = answer(1);
    const body = Buffer.byteLength(JSON.stringify(message));
    let bytesAtBuild = -1;
    // As the analysis does: the change is left for later in the turn the answer is asked for.
    graph.noteGraphChangeLater('file:///c.py', () => {
      bytesAtBuild = pipe.bytesTaken();
      return graphOf('s3://lake/views/');
    });
    const written = output.write(message);
    await turns(50);
    assert.equal(bytesAtBuild, -1, 'not built while the answer is held');
    assert.equal(graph.changesPending, 1);
    assert.equal(output.pending, 1);
    await pipe.release(() => bytesAtBuild >= 0);
    await written;
    assert.ok(bytesAtBuild > body, `built after the header and the ${body} bytes of the body (${bytesAtBuild} taken then)`);
    assert.equal(graph.changesPending, 0);
    graph.dispose();
  });

  it('waits for messages asked for after the answer too, and builds at once when nothing is being written', async () => {
    const pipe = heldStream();
    const output = new WrittenOutput(new StreamMessageWriter(pipe.stream));
    const graph = graphAfter(output);
    let built = 0;
    graph.noteGraphChangeLater('file:///c.py', () => {
      built++;
      return graphOf('s3://lake/views/');
    });
    void output.write(answer(1));
    // The log line written the turn after the answer (analysisCache.ts).
    setImmediate(() => void output.write({ jsonrpc: '2.0', method: 'window/logMessage', params: { type: 4, message: 'analysed' } } as Message));
    await turns(20);
    assert.equal(built, 0);
    await pipe.release(() => built > 0);
    assert.equal(built, 1);
    assert.equal(output.pending, 0);
    assert.equal(pipe.held.length, 0, 'both messages out before the build');
    // Nothing being written: the next change is noted a turn or two later, not held.
    graph.noteGraphChangeLater('file:///c.py', () => {
      built++;
      return graphOf('s3://lake/curated/');
    });
    await turns(3);
    assert.equal(built, 2);
    assert.deepEqual([...(graph.knownFiles()?.datasets.keys() ?? [])], ['s3://lake/curated/']);
    graph.dispose();
  });

  it('a reader of the graph does not wait for the output: it settles first, as before', async () => {
    const pipe = heldStream();
    const output = new WrittenOutput(new StreamMessageWriter(pipe.stream));
    const graph = graphAfter(output);
    void output.write(answer(1));
    graph.noteGraphChangeLater('file:///c.py', () => graphOf('s3://lake/views/'));
    await turns(5);
    assert.deepEqual([...(graph.knownFiles()?.datasets.keys() ?? [])], ['s3://lake/views/']);
    assert.equal(graph.changesPending, 0);
    await pipe.release(() => output.pending === 0);
    graph.dispose();
  });

  it('counts a failed write as over', async () => {
    const failing: MessageWriter = {
      onError: () => ({ dispose() {} }),
      onClose: () => ({ dispose() {} }),
      write: () => Promise.reject(new Error('the client went away')),
      end() {},
      dispose() {},
    };
    const output = new WrittenOutput(failing);
    let ran = false;
    await assert.rejects(() => {
      const written = output.write(answer(1));
      output.whenWritten(() => (ran = true));
      return written;
    });
    assert.equal(output.pending, 0);
    assert.equal(ran, true);
  });
});

describe('the node-ipc writer (IpcMessageWriter)', () => {
  function fakeProcess() {
    const sent: { msg: unknown; callback: (error: Error | null) => void }[] = [];
    const proc = {
      on() {
        return proc;
      },
      send(msg: unknown, _handle: unknown, _options: unknown, callback: (error: Error | null) => void) {
        sent.push({ msg, callback });
        return true;
      },
    };
    return { proc: proc as unknown as NodeJS.Process, sent };
  }

  it('settles a write when process.send calls back, not before', async () => {
    const { proc, sent } = fakeProcess();
    const writer = new IpcMessageWriter(proc);
    let settled = false;
    const written = writer.write(answer(1)).then(() => (settled = true));
    await turns(10);
    assert.equal(sent.length, 1);
    assert.equal(settled, false);
    sent[0].callback(null);
    await written;
    assert.equal(settled, true);
  });

  it('reports a failed send through onError, with the message and the count of failures in a row', async () => {
    const { proc, sent } = fakeProcess();
    const writer = new IpcMessageWriter(proc);
    const errors: [Error, Message | undefined, number | undefined][] = [];
    writer.onError((e) => errors.push(e));
    const first = writer.write(answer(1));
    const second = writer.write(answer(2));
    sent[0].callback(new Error('channel closed'));
    sent[1].callback(new Error('channel closed'));
    await Promise.all([first, second]);
    assert.deepEqual(
      errors.map(([e, m, n]) => [e.message, (m as { id?: number }).id, n]),
      [
        ['channel closed', 1, 1],
        ['channel closed', 2, 2],
      ],
    );
  });
});
