import { AbstractMessageWriter, type Message, type MessageWriter } from 'vscode-languageserver/node';

/**
 * The server's message writer, counting the messages asked for and not yet written, so that work
 * left for after an answer (the graph fragment, `WorkspaceGraph.noteGraphChangeLater`) starts once
 * the answer is out. A message is written when the writer's promise settles: over stdio, when the
 * stream's callback fires, after the last byte went into the pipe. An answer larger than the pipe's
 * buffer (a 20k-line file's, 360 KB against 64 KB) is written a piece at a time as the client reads,
 * and each piece only when the thread is free: work started a fixed number of turns after the answer
 * held its rest back until the work ended.
 */
export class WrittenOutput implements MessageWriter {
  private writing = 0;
  private waiting: (() => void)[] = [];

  constructor(private readonly writer: MessageWriter) {}

  get onError(): MessageWriter['onError'] {
    return this.writer.onError;
  }

  get onClose(): MessageWriter['onClose'] {
    return this.writer.onClose;
  }

  write(msg: Message): Promise<void> {
    this.writing++;
    let written: Promise<void>;
    try {
      written = this.writer.write(msg);
    } catch (e) {
      this.done();
      throw e;
    }
    // A failed write is over too (the connection reports the failure).
    return written.finally(() => this.done());
  }

  /** Runs `fn` once no message is being written: at once when none is, else when the last one asked for is out. */
  whenWritten(fn: () => void): void {
    if (this.writing === 0) fn();
    else this.waiting.push(fn);
  }

  /** Messages asked for and not yet written (tests). */
  get pending(): number {
    return this.writing;
  }

  private done(): void {
    if (--this.writing > 0) return;
    const waiting = this.waiting;
    this.waiting = [];
    for (const fn of waiting) fn();
  }

  end(): void {
    this.writer.end();
  }

  dispose(): void {
    this.waiting = [];
    this.writer.dispose();
  }
}

/**
 * The node-ipc transport's writer (what VS Code starts the server with), whose promise settles once
 * `process.send` has written the message (its callback). vscode-jsonrpc's `IPCMessageWriter` settles
 * its promise at once, with the message perhaps still queued behind a full channel, so a
 * `WrittenOutput` over it could not tell when an answer is out. Errors are reported as that writer
 * reports them (`onError`, with the message and a count of failures in a row).
 */
export class IpcMessageWriter extends AbstractMessageWriter implements MessageWriter {
  private errors = 0;

  constructor(private readonly process: NodeJS.Process) {
    super();
    // As IPCMessageWriter: the process's errors are the writer's (its close listener never fires, so none here).
    process.on('error', (error: Error) => this.fireError(error));
  }

  write(msg: Message): Promise<void> {
    return new Promise((resolve, reject) => {
      try {
        this.process.send!(msg, undefined, undefined, (error: Error | null) => {
          if (error) this.fireError(error, msg, ++this.errors);
          else this.errors = 0;
          resolve();
        });
      } catch (e) {
        this.fireError(e as Error, msg, ++this.errors);
        reject(e as Error);
      }
    });
  }

  end(): void {}
}
