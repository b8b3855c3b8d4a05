import type { Diagnostic } from 'vscode-languageserver';

/**
 * The diagnostic reports sent to a pull client, by result id (LSP 3.17: a full report carries a
 * `resultId`, the client sends it back as `previousResultId`, and a report `unchanged` tells it to
 * keep what it holds). An id names one report of one document: ids come from one counter for the
 * server's life, so an id is never given twice, neither to another document nor after a reopen.
 *
 * `unchanged` is answered only when the diagnostics about to be sent are exactly those sent under
 * the id the client names (compared as sent: ranges, codes, messages, severities, tags, data,
 * related information), never on a version or a cache entry: whatever changed them (an edit, the
 * settings, a neighbour's cross-file judgement, a held-back finding let through) makes them differ,
 * and what changed nothing the client would see gives the same report.
 *
 * A few reports are kept per document, not only the last: the client holds the id of the last
 * report it accepted, which need not be the last one sent (vscode-languageclient drops the answer
 * of a request it cancelled, and holds the id before it).
 */
export class SentReports {
  private readonly byUri = new Map<string, Map<string, readonly Diagnostic[]>>();
  private lastId = 0;

  constructor(private readonly keep = 4) {}

  /** `previous` when it names a report of `uri` whose diagnostics are exactly `items`, else undefined. */
  unchanged(uri: string, previous: string | undefined, items: readonly Diagnostic[]): string | undefined {
    if (previous === undefined) return undefined;
    const sent = this.byUri.get(uri);
    const before = sent?.get(previous);
    if (!sent || !before || !sameJson(before, items)) return undefined;
    // Most recently used last: the client holds it now.
    sent.delete(previous);
    sent.set(previous, before);
    return previous;
  }

  /** Records a full report of `uri` about to be sent, and gives its id. */
  record(uri: string, items: readonly Diagnostic[]): string {
    const id = String(++this.lastId);
    let sent = this.byUri.get(uri);
    if (!sent) this.byUri.set(uri, (sent = new Map()));
    sent.set(id, items);
    if (sent.size > this.keep) sent.delete(sent.keys().next().value as string);
    return id;
  }

  /** The document closed: its ids are never answered `unchanged` again. */
  forget(uri: string): void {
    this.byUri.delete(uri);
  }

  /** Documents with reports kept (tests: closed documents leave nothing behind). */
  uris(): IterableIterator<string> {
    return this.byUri.keys();
  }
}

/**
 * Equal as JSON would send them: the same values, an object's keys whose value is undefined left
 * out (JSON.stringify drops them). Objects met twice are compared once, by identity first: a report
 * served again from the same analysis holds the same diagnostic objects.
 */
export function sameJson(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) return false;
  if (Array.isArray(a) || Array.isArray(b)) {
    if (!Array.isArray(a) || !Array.isArray(b) || a.length !== b.length) return false;
    for (let i = 0; i < a.length; i++) if (!sameJson(a[i], b[i])) return false;
    return true;
  }
  const x = a as Record<string, unknown>;
  const y = b as Record<string, unknown>;
  let defined = 0;
  for (const k in x) {
    if (x[k] === undefined) continue;
    defined++;
    if (!Object.prototype.hasOwnProperty.call(y, k) || !sameJson(x[k], y[k])) return false;
  }
  for (const k in y) if (y[k] !== undefined) defined--;
  return defined === 0;
}
