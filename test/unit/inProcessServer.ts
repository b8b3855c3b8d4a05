// The language server in this process over a pair of in-memory streams, for tests that look at what
// it keeps or compare two servers on the same edits (no child process, no timing).
import { PassThrough, Writable } from 'node:stream';
import { createMessageConnection, StreamMessageReader, StreamMessageWriter, type MessageConnection } from 'vscode-jsonrpc/node';
import { createConnection, ProposedFeatures } from 'vscode-languageserver/node';
import { PySparkArchitectServer } from '../../server/src/lsp/server';
import { WrittenOutput } from '../../server/src/lsp/writtenOutput';
import type { PythonParser } from '../../server/src/parsing/pythonParser';

export interface InProcessServer {
  server: PySparkArchitectServer;
  client: MessageConnection;
  dispose(): void;
}

/**
 * The server's side of the stream to the client, as a pipe whose reader may stall: while `held`, the
 * server's writes are taken only by `release()` (their callbacks, which tell the server a message is
 * written, wait with them).
 */
export class HeldOutput extends Writable {
  held = false;
  private readonly waiting: (() => void)[] = [];

  constructor(private readonly into: PassThrough) {
    super();
  }

  override _write(chunk: Buffer, _encoding: BufferEncoding, callback: (error?: Error | null) => void): void {
    const take = () => {
      this.into.write(chunk);
      callback();
    };
    if (this.held) this.waiting.push(take);
    else take();
  }

  /** Writes held so far and not yet taken. */
  get heldWrites(): number {
    return this.waiting.length;
  }

  /** Stops holding, and lets through every write held. */
  release(): void {
    this.held = false;
    for (const take of this.waiting.splice(0)) take();
  }
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
  /** Writes through a `HeldOutput`, which the server is told of as `startServer` tells it of stdout (`WrittenOutput`). */
  withHeldOutput = false,
): Promise<InProcessServer & { output?: HeldOutput }> {
  const toServer = new PassThrough();
  const toClient = new PassThrough();
  const output = withHeldOutput ? new HeldOutput(toClient) : undefined;
  const writer = output ? new WrittenOutput(new StreamMessageWriter(output)) : undefined;
  const connection = createConnection(ProposedFeatures.all, new StreamMessageReader(toServer), writer ?? new StreamMessageWriter(toClient));
  let server: PySparkArchitectServer | undefined;
  connection.onInitialize((params) => {
    server = new PySparkArchitectServer(connection, parser, writer);
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
    output,
    dispose() {
      client.dispose();
      connection.dispose();
      server?.dispose();
    },
  };
}
