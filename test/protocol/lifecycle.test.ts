// Protocol states as the LSP specification says (issue 18): the lifecycle is enforced for every
// request, a malformed header does not silence the server, odd params get an error, not a throw.
import * as assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { LspClient, SERVER } from './lspClient';

const INVALID_REQUEST = -32600;
const SERVER_NOT_INITIALIZED = -32002;
const INVALID_PARAMS = -32602;

async function errorOf(p: Promise<unknown>): Promise<{ code: number; message: string }> {
  try {
    await p;
  } catch (e) {
    return e as { code: number; message: string };
  }
  assert.fail('expected an error response');
}

/** Raw stdio: frames written byte for byte, responses collected by id. */
function rawServer() {
  const proc = spawn(process.execPath, [SERVER, '--stdio'], { stdio: ['pipe', 'pipe', 'pipe'] });
  let buffer = '';
  const responses = new Map<number, any>();
  const logs: string[] = [];
  proc.stdout.on('data', (d) => {
    buffer += String(d);
    for (;;) {
      const m = /^Content-Length: (\d+)\r\n\r\n/.exec(buffer);
      if (!m || buffer.length < m[0].length + Number(m[1])) break;
      const msg = JSON.parse(buffer.slice(m[0].length, m[0].length + Number(m[1])));
      buffer = buffer.slice(m[0].length + Number(m[1]));
      if (msg.id !== undefined && !msg.method) responses.set(msg.id, msg);
      if (msg.method === 'window/logMessage') logs.push(msg.params.message);
    }
  });
  const frame = (o: unknown) => {
    const body = JSON.stringify(o);
    return `Content-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`;
  };
  const response = async (id: number) => {
    for (let i = 0; i < 200 && !responses.has(id); i++) await new Promise((r) => setTimeout(r, 25));
    return responses.get(id);
  };
  return { proc, frame, response, logs, responses };
}

describe('LSP lifecycle and robustness', function () {
  this.timeout(30_000);
  let client: LspClient | undefined;
  afterEach(async () => {
    await client?.stop();
    client = undefined;
  });

  it('requests after shutdown are answered with InvalidRequest; exit then ends the process with 0', async () => {
    client = new LspClient();
    await client.initialize();
    await client.open('file:///w/a.py', 'x = 1\n');
    assert.equal(await client.connection.sendRequest('shutdown'), null);
    const hover = await errorOf(
      client.connection.sendRequest('textDocument/hover', { textDocument: { uri: 'file:///w/a.py' }, position: { line: 0, character: 0 } }),
    );
    assert.equal(hover.code, INVALID_REQUEST);
    const graph = await errorOf(client.connection.sendRequest('pysparkArchitect/pipelineGraph', {}));
    assert.equal(graph.code, INVALID_REQUEST);
    const exited = new Promise<number | null>((resolve) => client!.proc.on('exit', resolve));
    await client.connection.sendNotification('exit');
    assert.equal(await exited, 0);
    client.connection.dispose();
    client = undefined;
  });

  it('a second initialize is rejected, the first session goes on', async () => {
    client = new LspClient();
    await client.initialize();
    const again = await errorOf(client.connection.sendRequest('initialize', { processId: null, rootUri: null, capabilities: {} }));
    assert.equal(again.code, INVALID_REQUEST);
    await client.open(
      'file:///w/b.py',
      'from pyspark.sql import SparkSession\nspark = SparkSession.builder.getOrCreate()\nspark.conf.set("spark.executor.memory", "8g")\n',
    );
    const d = await client.waitFor(() => client!.latest('file:///w/b.py'), 'diagnostics');
    assert.deepEqual(
      d.diagnostics.map((x: any) => x.code),
      ['PSA501'],
    );
  });

  it('requests before initialize fail with ServerNotInitialized', async () => {
    client = new LspClient();
    const early = await errorOf(client.connection.sendRequest('pysparkArchitect/pipelineGraph', {}));
    assert.equal(early.code, SERVER_NOT_INITIALIZED);
    await client.initialize();
    const graph: any = await client.connection.sendRequest('pysparkArchitect/pipelineGraph', {});
    assert.deepEqual(graph.nodes, []);
  });

  it('pysparkArchitect/pipelineGraph with null params answers the (empty) workspace graph; malformed params an InvalidParams error', async () => {
    client = new LspClient();
    await client.initialize();
    const graph: any = await client.connection.sendRequest('pysparkArchitect/pipelineGraph', null);
    assert.deepEqual(graph, { architecture: 'unknown', layers: [], nodes: [], edges: [] });
    for (const bad of [{ uris: 'file:///x.py' }, { uris: [1, 2] }, [1]]) {
      const e = await errorOf(client.connection.sendRequest('pysparkArchitect/pipelineGraph', bad));
      assert.equal(e.code, INVALID_PARAMS, JSON.stringify(bad));
    }
    assert.ok(!client.logs.some((l) => /failed|TypeError/.test(l)), client.logs.join('\n'));
  });

  it('a Content-Length: abc header is logged and skipped; the messages after it are answered', async () => {
    const s = rawServer();
    try {
      s.proc.stdin.write(s.frame({ jsonrpc: '2.0', id: 1, method: 'initialize', params: { processId: null, rootUri: null, capabilities: {} } }));
      assert.ok((await s.response(1))?.result?.capabilities);
      s.proc.stdin.write('Content-Length: abc\r\n\r\n{"jsonrpc":"2.0","id":2,"method":"shutdown"}');
      // In the same chunk and in later ones.
      s.proc.stdin.write(s.frame({ jsonrpc: '2.0', id: 3, method: 'pysparkArchitect/pipelineGraph', params: {} }));
      assert.deepEqual((await s.response(3))?.result?.nodes, []);
      s.proc.stdin.write(
        'Content-Length: 5\r\nbogus header\r\n\r\n{}' + s.frame({ jsonrpc: '2.0', id: 4, method: 'pysparkArchitect/pipelineGraph', params: {} }),
      );
      assert.deepEqual((await s.response(4))?.result?.nodes, []);
      // Answered in order: had the malformed message run, its answer would be here by now.
      assert.equal(s.responses.has(2), false, 'the malformed message itself is not run');
      assert.ok(
        s.logs.some((l) => /ignored a malformed message header \("Content-Length: abc"\)/.test(l)),
        s.logs.join('\n'),
      );
    } finally {
      s.proc.kill();
    }
  });
});
