import { dropCopy } from '../parsing/syntaxTree';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import type { Settings } from '../../../shared/settings';
import { analyze } from '../analysis';
import { contextPath } from './contextPath';
import { fileFragment, type FileFragment } from '../graph';
import { ParseFailure, type PythonParser, type Tree } from '../parsing/pythonParser';
import { collectPythonFiles } from './files';
import { readSourceFile } from './readSource';

/** Most files a workspace graph reads from disk; past it the graph is partial (and says so in the log). */
const MAX_FILES = 5000;

/** Workspace folders (URIs or paths) as paths that exist. */
function existingRoots(folders: string[]): string[] {
  return folders.map((f) => (f.startsWith('file:') ? fileURLToPath(f) : f)).filter((f) => fs.existsSync(f));
}

/**
 * The editor's view of the workspace on disk (the CLI reads the files it is given instead):
 * graph fragments of workspace files that are not open in the editor, read from disk and cached
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
    const { files, truncated, skipped } = collectPythonFiles(roots, MAX_FILES);
    this.noteSkipped(skipped);
    if (truncated) this.log(`workspace graph: over ${MAX_FILES} Python files, only the first ${MAX_FILES} are read`);
    const out: FileFragment[] = [];
    const live = new Set<string>();
    for (const file of files.slice(0, MAX_FILES)) {
      const uri = pathToFileURL(path.resolve(file)).href;
      live.add(uri);
      if (skipUris.has(uri)) continue;
      const fragment = this.fragmentFor(file, uri, settings, roots);
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
    const { files, truncated, skipped } = collectPythonFiles(roots, maxFiles);
    this.noteSkipped(skipped);
    if (truncated || files.length > maxFiles) {
      this.log(`workspace scan: over ${maxFiles} Python files; cross-file rules see open files only until the workspace preview reads them`);
      return undefined;
    }
    const out: FileFragment[] = [];
    for (const file of files) {
      await new Promise<void>((resolve) => setImmediate(resolve));
      await this.parser.ready();
      const fragment = this.fragmentFor(file, pathToFileURL(path.resolve(file)).href, settings, roots);
      if (fragment) out.push(fragment);
    }
    return out;
  }

  /**
   * The fragment of one file on disk (a `file:` URI), read again only if it changed; undefined if
   * unreadable or if it is (or links to) a file outside the workspace folders.
   */
  fragmentOf(uri: string, settings: Settings, folders: string[]): FileFragment | undefined {
    if (!uri.startsWith('file:')) return undefined;
    const file = fileURLToPath(uri);
    let real: string;
    try {
      real = fs.realpathSync(file);
    } catch {
      return undefined;
    }
    const roots = existingRoots(folders);
    const inside = roots.some((root) => {
      const r = fs.realpathSync(root);
      return real === r || real.startsWith(r.endsWith(path.sep) ? r : r + path.sep);
    });
    return inside ? this.fragmentFor(file, uri, settings, roots) : undefined;
  }

  private noteSkipped(skipped: { path: string; message: string }[]): void {
    if (skipped.length)
      this.log(
        `workspace scan: ${skipped.length} symbolic link(s) lead out of the workspace folders and are not followed (first: ${skipped[0].path}: ${skipped[0].message})`,
      );
  }

  private fragmentFor(file: string, uri: string, settings: Settings, roots: readonly string[]): FileFragment | undefined {
    let st: fs.Stats;
    try {
      st = fs.statSync(file);
    } catch {
      return undefined;
    }
    const hit = this.cache.get(uri);
    if (hit && hit.mtimeMs === st.mtimeMs && hit.size === st.size) return hit.fragment;
    const read = readSourceFile(file, settings.maxFileSizeKb * 1024, st);
    if (read.kind === 'error') this.log(`workspace graph: cannot read ${file}: ${read.message}`);
    if (read.kind !== 'text') return undefined;
    const text = read.text;
    let tree: Tree | undefined;
    try {
      tree = this.parser.parse(text);
      const r = analyze(tree, text, {
        settings,
        standalone: true,
        path: contextPath(
          path.resolve(file),
          roots.map((r) => path.resolve(r)),
        ),
      });
      const fragment = fileFragment({ filename: path.relative(process.cwd(), file) || file, uri, model: r.model, lines: r.lines, findings: r.findings });
      this.cache.set(uri, { mtimeMs: st.mtimeMs, size: st.size, fragment });
      return fragment;
    } catch (e) {
      if (!(e instanceof ParseFailure)) throw e;
      this.log(`workspace graph: ${file} not read: ${e.message}`);
      return undefined;
    } finally {
      if (tree) dropCopy(tree);
      this.parser.release(tree);
    }
  }
}
