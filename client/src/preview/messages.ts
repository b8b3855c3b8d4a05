import type { GraphRange, WebviewToHost } from '../../../shared/protocol';

function isPosition(p: unknown): p is { line: number; character: number } {
  const o = p as { line?: unknown; character?: unknown } | null;
  return !!o && Number.isInteger(o.line) && Number.isInteger(o.character) && (o.line as number) >= 0 && (o.character as number) >= 0;
}

function isRange(r: unknown): r is GraphRange {
  const o = r as { start?: unknown; end?: unknown } | null;
  return !!o && isPosition(o.start) && isPosition(o.end);
}

/** Webview messages are untrusted input: check the shape before acting on one. */
export function isRevealMessage(m: unknown): m is Extract<WebviewToHost, { type: 'reveal' }> {
  const o = m as { type?: unknown; uri?: unknown; range?: unknown } | null;
  return !!o && o.type === 'reveal' && typeof o.uri === 'string' && o.uri.length < 4096 && /^[a-z][a-z0-9+.-]*:/i.test(o.uri) && isRange(o.range);
}
