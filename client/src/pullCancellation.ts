/**
 * vscode-languageclient 9 (`DiagnosticRequestor.pullAsync`) shows whatever a document pull returns,
 * and turns the answer to a pull it cancelled itself (the user typed again, so it pulls anew) into an
 * empty full report: every squiggle of the document blinked off on each keystroke while the server
 * waited or analysed, until the next pull was answered. A `vscode.CancellationError` thrown instead
 * makes it keep what is shown, and the result id it holds, and pull again (its "reschedule" path).
 * Kept free of `vscode` so that it can be tested outside an extension host.
 */
export async function keepShownIfCancelled<T>(
  token: { readonly isCancellationRequested: boolean },
  pull: () => T | undefined | null | PromiseLike<T | undefined | null>,
  cancelled: () => Error,
): Promise<T | undefined | null> {
  const report = await pull();
  // The library answers a cancelled pull with an empty report, not an error: only the token tells.
  if (token.isCancellationRequested) throw cancelled();
  return report;
}
