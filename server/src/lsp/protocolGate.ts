import {
  ErrorCodes,
  Message,
  type DataCallback,
  type Disposable,
  type MessageReader,
  type MessageWriter,
  type RequestMessage,
} from 'vscode-languageserver/node';

/**
 * Enforces the LSP lifecycle for every request, whatever handler would answer it (LSP 3.17,
 * "Server lifecycle"): before `initialize` requests fail with ServerNotInitialized and
 * notifications other than `exit` are dropped; `initialize` is accepted once; after `shutdown`
 * every request but `exit` fails with InvalidRequest. vscode-languageserver leaves all of this to
 * the handlers.
 */
export class ProtocolGate implements MessageReader {
  private state: 'new' | 'initialized' | 'shutdown' = 'new';

  constructor(
    private readonly inner: MessageReader,
    private readonly writer: MessageWriter,
  ) {}

  get shutdownReceived(): boolean {
    return this.state === 'shutdown';
  }

  get onError() {
    return this.inner.onError;
  }

  get onClose() {
    return this.inner.onClose;
  }

  get onPartialMessage() {
    return this.inner.onPartialMessage;
  }

  listen(callback: DataCallback): Disposable {
    return this.inner.listen((message) => {
      if (Message.isRequest(message)) {
        const refusal = this.refuse(message);
        if (refusal) {
          void this.writer.write({ jsonrpc: '2.0', id: message.id, error: refusal } as Message).catch(() => undefined);
          return;
        }
      } else if (Message.isNotification(message) && this.state === 'new' && message.method !== 'exit') return;
      callback(message);
    });
  }

  dispose(): void {
    this.inner.dispose();
  }

  private refuse(request: RequestMessage): { code: number; message: string } | undefined {
    if (request.method === 'initialize') {
      if (this.state !== 'new') return { code: ErrorCodes.InvalidRequest, message: 'initialize may only be sent once' };
      this.state = 'initialized';
      return undefined;
    }
    if (this.state === 'new') return { code: ErrorCodes.ServerNotInitialized, message: `${request.method} before initialize` };
    if (this.state === 'shutdown') return { code: ErrorCodes.InvalidRequest, message: `${request.method} after shutdown` };
    if (request.method === 'shutdown') this.state = 'shutdown';
    return undefined;
  }
}
