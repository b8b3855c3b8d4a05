/** File paths as the code context reads them (here, not in context/, so the CLI front bundle can use it without the engine). */

/**
 * The path that folder names are read from: from the workspace folder (or the folder the CLI was
 * given) down, that folder's own name included. What lies above it is the user's own disk layout
 * (a clone under `~/testing/` or `~/labs/`), not the project's: read whole, it made every file a
 * test or teaching material. A path under no root is read whole. Roots and path may be URIs.
 */
export function contextPath(file: string, roots: readonly string[]): string {
  const p = decodePath(file).replace(/\\/g, '/');
  let best = '';
  for (const r of roots) {
    const root = decodePath(r).replace(/\\/g, '/').replace(/\/+$/, '');
    if (root && p.startsWith(root + '/') && root.length > best.length) best = root;
  }
  if (!best) return decodePath(file);
  return best.slice(best.lastIndexOf('/') + 1) + p.slice(best.length);
}

export function decodePath(p: string): string {
  if (!/^[a-z][a-z0-9+.-]*:/i.test(p) || /^[a-z]:[\\/]/i.test(p)) return p;
  try {
    return decodeURIComponent(p.replace(/^[a-z][a-z0-9+.-]*:\/\/[^/]*/i, ''));
  } catch {
    return p;
  }
}
