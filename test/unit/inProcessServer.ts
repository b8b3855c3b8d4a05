// The language server in this process over a pair of in-memory streams, for tests that look at what
// it keeps or compare two servers on the same edits (no child process, no timing).
import { PassThrough } from 'node:stream';
import { createMessageConnection, StreamMessageReader, StreamMessageWriter, type MessageConnection } from 'vscode-jsonrpc/node';
import { createConnection, ProposedFeatures } from 'vscode-languageserver/node';
import { PySparkArchitectServer } from '../../server/src/lsp/server';
import type { PythonParser } from '../../server/src/parsing/pythonParser';

export interface InProcessServer {
  server: PySparkArchitectServer;
  client: MessageConnection;
  dispose(): void;
}

/**
 * A push-mode server (no configuration requests: `settings` come with `initialize`), initialized.
 * `listen` registers the client's notification handlers before it starts listening, so nothing
 * the server sends during the handshake is missed.
 */
export async function startInProcessServer(
  parser: PythonParser,
  settings: Record<string, unknown>,
  listen?: (client: MessageConnection) => void,
): Promise<InProcessServer> {
  const toServer = new PassThrough();
  const toClient = new PassThrough();
  const connection = createConnection(ProposedFeatures.all, new StreamMessageReader(toServer), new StreamMessageWriter(toClient));
  let server: PySparkArchitectServer | undefined;
  connection.onInitialize((params) => {
    server = new PySparkArchitectServer(connection, parser);
    server.register();
    return server.initialize(params);
  });
  connection.listen();
  const client = createMessageConnection(new StreamMessageReader(toClient), new StreamMessageWriter(toServer));
  listen?.(client);
  client.listen();
  await client.sendRequest('initialize', { processId: null, rootUri: null, capabilities: {}, initializationOptions: { settings } });
  await client.sendNotification('initialized', {});
  return {
    server: server!,
    client,
    dispose() {
      client.dispose();
      connection.dispose();
      server?.dispose();
    },
  };
}
