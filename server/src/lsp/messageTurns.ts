/**
 * Two turns of the event loop. vscode-jsonrpc handles one received message per `setImmediate`, and
 * a message read while this code ran is queued behind an immediate scheduled before it: a single
 * turn would look at the document before that edit is applied.
 */
export function nextTurns(): Promise<void> {
  return new Promise((resolve) => setImmediate(() => setImmediate(resolve)));
}
