/** Names the preview shows and suggests, from the URI of the document it follows. */

/** The file or notebook name a scope URI ends in, decoded: titles never show a raw URI. */
export function scopeName(uri: string | undefined): string {
  if (!uri) return 'Workspace';
  const last =
    uri
      .replace(/[?#].*$/, '')
      .split('/')
      .pop() ?? '';
  try {
    return decodeURIComponent(last) || 'Workspace';
  } catch {
    return last || 'Workspace';
  }
}

/** `orders.py` -> `orders-architecture.svg`; the workspace view -> `workspace-architecture.svg`. */
export function exportFileName(uri: string | undefined, format: 'svg' | 'png'): string {
  const base = uri ? scopeName(uri).replace(/\.(py|ipynb)$/i, '') : 'workspace';
  return `${base.replace(/[\\/:*?"<>|]+/g, '_') || 'workspace'}-architecture.${format}`;
}
