/**
 * Saving an exported drawing: the save dialog (suggesting `<file>-architecture.svg|png`), the
 * write, and the message that confirms where it went (or says why it did not). The VS Code calls
 * come in through `ExportHost`, so the whole flow is tested without an editor (previewExport.test.ts).
 */

/** The few VS Code calls a save makes; `U` is vscode.Uri in the extension. */
export interface ExportHost<U> {
  showSaveDialog(options: { defaultUri?: U; filters: Record<string, string[]>; saveLabel: string }): PromiseLike<U | undefined>;
  writeFile(target: U, bytes: Uint8Array): PromiseLike<void>;
  showInformationMessage(message: string): unknown;
  showErrorMessage(message: string): unknown;
  asRelativePath(target: U): string;
}

/**
 * Asks where to save `data` (an SVG document, or a PNG data URL) from the page, writes it there and
 * confirms. Returns where it was saved, or undefined (a bad message, the dialog cancelled, a failed write).
 */
export async function saveExport<U>(host: ExportHost<U>, format: unknown, data: unknown, suggested: U | undefined): Promise<U | undefined> {
  // The page is not trusted: anything but a string of one of the two formats is dropped.
  if (format !== 'svg' && format !== 'png') return undefined;
  if (typeof data !== 'string') return undefined;
  const target = await host.showSaveDialog({
    defaultUri: suggested,
    filters: format === 'svg' ? { SVG: ['svg'] } : { PNG: ['png'] },
    saveLabel: `Export ${format.toUpperCase()}`,
  });
  if (!target) return undefined;
  const bytes = format === 'svg' ? Buffer.from(data, 'utf8') : Buffer.from(data.replace(/^data:image\/png;base64,/, ''), 'base64');
  try {
    await host.writeFile(target, bytes);
  } catch (e) {
    void host.showErrorMessage(`Architecture export failed: ${(e as Error).message}`);
    return undefined;
  }
  void host.showInformationMessage(`Architecture ${format.toUpperCase()} saved to ${host.asRelativePath(target)}`);
  return target;
}
