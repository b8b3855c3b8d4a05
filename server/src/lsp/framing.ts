import { Transform, type TransformCallback } from 'node:stream';

const HEADER_END = Buffer.from('\r\n\r\n');
const CONTENT_LENGTH = Buffer.from('Content-Length:');
/** A header section longer than this is garbage, not a header still arriving. */
const MAX_HEADER = 8192;

/**
 * Sits between stdin and vscode-jsonrpc's reader and passes through only well-framed messages.
 *
 * vscode-jsonrpc drops a header whose Content-Length is not a number but keeps reading the body as
 * the next header, which swallows the next message's header, and so on: one `Content-Length: abc`
 * silences the server for good. Here a bad header is reported and skipped together with whatever
 * follows it up to the next `Content-Length:` header, so the messages after it are read again.
 */
export class FramingRepair extends Transform {
  private pending: Buffer = Buffer.alloc(0);
  /** Body bytes still to pass through for the current message. */
  private bodyLeft = 0;
  /** After a bad header: bytes are dropped until a `Content-Length:` arrives. */
  private skipping = false;

  constructor(private readonly report: (problem: string) => void) {
    super();
  }

  override _transform(chunk: Buffer, _encoding: BufferEncoding, done: TransformCallback): void {
    this.pending = this.pending.length ? Buffer.concat([this.pending, chunk]) : chunk;
    for (;;) {
      if (this.skipping) {
        const next = this.pending.indexOf(CONTENT_LENGTH);
        if (next < 0) {
          this.pending = this.pending.subarray(Math.max(0, this.pending.length - (CONTENT_LENGTH.length - 1)));
          break;
        }
        this.pending = this.pending.subarray(next);
        this.skipping = false;
      }
      if (this.bodyLeft > 0) {
        if (!this.pending.length) break;
        const n = Math.min(this.bodyLeft, this.pending.length);
        this.push(this.pending.subarray(0, n));
        this.pending = this.pending.subarray(n);
        this.bodyLeft -= n;
        continue;
      }
      const end = this.pending.indexOf(HEADER_END);
      if (end < 0) {
        if (this.pending.length > MAX_HEADER) this.resync(1, 'a header section without an end');
        break;
      }
      const header = this.pending.subarray(0, end).toString('ascii');
      const length = contentLength(header);
      if (length === undefined) {
        this.resync(end + HEADER_END.length, `a malformed message header (${JSON.stringify(header.slice(0, 200))})`);
        continue;
      }
      this.push(this.pending.subarray(0, end + HEADER_END.length));
      this.pending = this.pending.subarray(end + HEADER_END.length);
      this.bodyLeft = length;
      if (length === 0) continue;
    }
    done();
  }

  /** Drops the bad header (`from`: where it ends) and whatever follows, up to the next `Content-Length:`. */
  private resync(from: number, what: string): void {
    this.report(`ignored ${what}; reading on from the next Content-Length header`);
    this.pending = this.pending.subarray(from);
    this.skipping = true;
  }
}

/** The Content-Length of a header section, or undefined when the section is not a valid LSP header. */
function contentLength(header: string): number | undefined {
  let length: number | undefined;
  for (const line of header.split('\r\n')) {
    const colon = line.indexOf(':');
    if (colon <= 0) return undefined;
    const key = line.slice(0, colon).trim().toLowerCase();
    const value = line.slice(colon + 1).trim();
    if (key === 'content-length') {
      if (!/^\d{1,10}$/.test(value)) return undefined;
      length = Number(value);
    }
  }
  return length;
}
