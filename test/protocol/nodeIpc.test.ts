// The server over node-ipc, as VS Code starts it (TransportKind.ipc): its writer settles a message
// once `process.send` has written it (IpcMessageWriter), which the work after an answer waits for.
// Answers larger than the channel's buffer arrive whole and in order, and the workspace graph
// still follows an edit.
import * as assert from 'node:assert/strict';
import { fork, type ChildProcess } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { createMessageConnection, IPCMessageReader, IPCMessageWriter, type MessageConnection } from 'vscode-jsonrpc/node';
import { serverEnvAdditions } from '../../shared/serverProcess';
import { SERVER } from './lspClient';

const kappa = fs.readFileSync(path.resolve(__dirname, '../../../samples/kappa_architecture.py'), 'utf8');

/** `n` copies of the kappa sample's pipeline, each its own function (two findings each: PSA201, PSA204). */
function pipelines(n: number): string {
  return Array.from({ length: n }, (_, i) => kappa.replace(/kappa_architecture_pipeline/g, `kappa_${i}`)).join('\n');
}

describe('the server over node-ipc (as VS Code starts it)', function () {
  this.timeout(60_000);
  let child: ChildProcess | undefined;
  let connection: MessageConnection | undefined;
  afterEach(() => {
    connection?.dispose();
    child?.kill();
    child = undefined;
    connection = undefined;
  });

  it('answers pulls larger than the channel whole, in order, and follows edits', async () => {
    child = fork(SERVER, ['--node-ipc'], { env: { ...process.env, ...serverEnvAdditions(process.env) }, silent: true });
    connection = createMessageConnection(new IPCMessageReader(child), new IPCMessageWriter(child));
    const refreshed: unknown[] = [];
    connection.onRequest('workspace/configuration', (p: { items: unknown[] }) => p.items.map(() => ({})));
    connection.onRequest('client/registerCapability', () => null);
    connection.onRequest('workspace/diagnostic/refresh', () => void refreshed.push(1));
    connection.listen();
    await connection.sendRequest('initialize', {
      processId: process.pid,
      rootUri: null,
      capabilities: { workspace: { configuration: true, diagnostics: { refreshSupport: true } }, textDocument: { diagnostic: {} } },
    });
    await connection.sendNotification('initialized', {});
    const uri = 'file:///w/jobs.py';
    const text = pipelines(200);
    await connection.sendNotification('textDocument/didOpen', { textDocument: { uri, languageId: 'python', version: 1, text } });
    const pull = () => connection!.sendRequest('textDocument/diagnostic', { textDocument: { uri } }) as Promise<{ kind: string; items: { code: string }[] }>;
    const first = await pull();
    assert.equal(first.kind, 'full');
    assert.ok(JSON.stringify(first).length > 256 * 1024, `larger than the channel's buffer (${JSON.stringify(first).length} bytes)`);
    const count = (r: { items: { code: string }[] }, code: string) => r.items.filter((d) => d.code === code).length;
    assert.equal(count(first, 'PSA201'), 200, 'one per copy');
    // An edit, then two pulls asked at once: both answered, whole.
    await connection.sendNotification('textDocument/didChange', {
      textDocument: { uri, version: 2 },
      contentChanges: [{ text: pipelines(201) }],
    });
    const [second, third] = await Promise.all([pull(), pull()]);
    assert.equal(count(second, 'PSA201'), 201);
    assert.deepEqual(third.items, second.items);
    // The workspace graph follows the edit (the preview answers from the document's fragment).
    const graph = (await connection.sendRequest('pysparkArchitect/pipelineGraph', { uris: [uri] })) as { nodes: { label: string }[] };
    assert.ok(
      graph.nodes.some((n) => n.label.includes('kappa_200')),
      'the function added by the edit is a step',
    );
    await connection.sendRequest('shutdown');
  });
});
