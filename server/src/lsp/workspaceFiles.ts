import * as fs from 'node:fs';
import * as path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import type { Settings } from '../../../shared/settings';
import { analyze } from '../analysis';
import { collectPythonFiles } from '../cli/files';
import { fileFragment, type FileFragment } from '../graph';
import type { PythonParser } from '../parsing/pythonParser';

/** Most files a workspace graph reads from disk; past it the graph is partial (and says so in the log). */
const MAX_FILES = 5000;

/** Workspace folders (URIs or paths) as paths that exist. */
function existingRoots(folders: string[]): string[] {
  return folders.map((f) => (f.startsWith('file:') ? fileURLToPath(f) : f)).filter((f) => fs.existsSync(f));
}

/**
 * Graph fragments of workspace files that are not open in the editor, read from disk and cached
 * by modification time and size, so a live preview does not re-parse the workspace per keystroke.
 */
export class WorkspaceFiles {
  private readonly cache = new Map<string, { mtimeMs: number; size: number; fragment: FileFragment }>();

  constructor(
    private readonly parser: PythonParser,
    private readonly log: (message: string) => void,
  ) {}

  fragments(folders: string[], skipUris: Set<string>, settings: Settings): FileFragment[] {
    const roots = existingRoots(folders);
    const { files, truncated } = collectPythonFiles(roots, MAX_FILES);
    if (truncated) this.log(`workspace graph: over ${MAX_FILES} Python files, only the first ${MAX_FILES} are read`);
    const out: FileFragment[] = [];
    const live = new Set<string>();
    for (const file of files.slice(0, MAX_FILES)) {
      const uri = pathToFileURL(path.resolve(file)).href;
      live.add(uri);
      if (skipUris.has(uri)) continue;
      const fragment = this.fragmentFor(file, uri, settings);
      if (fragment) out.push(fragment);
    }
    for (const uri of this.cache.keys()) if (!live.has(uri)) this.cache.delete(uri);
    return out;
  }

  /**
   * Like `fragments`, for a background scan: gives the event loop back between files so edits and
   * requests are served meanwhile, and does nothing (undefined) past `maxFiles` files.
   */
  async fragmentsInBackground(folders: string[], settings: Settings, maxFiles: number): Promise<FileFragment[] | undefined> {
    const roots = existingRoots(folders);
    const { files, truncated } = collectPythonFiles(roots, maxFiles);
    if (truncated || files.length > maxFiles) {
      this.log(`workspace scan: over ${maxFiles} Python files; cross-file rules see open files only until the workspace preview reads them`);
      return undefined;
    }
    const out: FileFragment[] = [];
    for (const file of files) {
      await new Promise<void>((resolve) => setImmediate(resolve));
      const fragment = this.fragmentFor(file, pathToFileURL(path.resolve(file)).href, settings);
      if (fragment) out.push(fragment);
    }
    return out;
  }

  /** The fragment of one file on disk (a `file:` URI), read again only if it changed; undefined if unreadable. */
  fragmentOf(uri: string, settings: Settings): FileFragment | undefined {
    if (!uri.startsWith('file:')) return undefined;
    return this.fragmentFor(fileURLToPath(uri), uri, settings);
  }

  private fragmentFor(file: string, uri: string, settings: Settings): FileFragment | undefined {
    let st: fs.Stats;
    try {
      st = fs.statSync(file);
    } catch {
      return undefined;
    }
    const hit = this.cache.get(uri);
    if (hit && hit.mtimeMs === st.mtimeMs && hit.size === st.size) return hit.fragment;
    if (st.size > settings.maxFileSizeKb * 1024) return undefined;
    let text: string;
    try {
      const buf = fs.readFileSync(file);
      if (buf.includes(0)) return undefined;
      text = buf.toString('utf8');
    } catch (e) {
      this.log(`workspace graph: cannot read ${file}: ${(e as Error).message}`);
      return undefined;
    }
    const tree = this.parser.parse(text);
    try {
      const r = analyze(tree, text, { settings, path: file });
      const fragment = fileFragment({ filename: path.relative(process.cwd(), file) || file, uri, model: r.model, lines: r.lines, findings: r.findings });
      this.cache.set(uri, { mtimeMs: st.mtimeMs, size: st.size, fragment });
      return fragment;
    } finally {
      tree.delete();
    }
  }
}
