import * as fs from 'node:fs';
import * as path from 'node:path';

const SKIP_DIRS = new Set([
  '.git',
  '.ipynb_checkpoints',
  'node_modules',
  '__pycache__',
  '.venv',
  'venv',
  '.tox',
  '.mypy_cache',
  '.ruff_cache',
  'dist',
  'build',
  '.eggs',
]);

export interface FileList {
  files: string[];
  errors: { path: string; message: string }[];
  /** Symbolic links not followed because they lead out of the folder being walked. */
  skipped: { path: string; message: string }[];
  /** The walk stopped at `maxFiles` (more files may exist). */
  truncated?: boolean;
}

/** True when `real` is `root` or inside it (both real paths). */
function within(root: string, real: string): boolean {
  return real === root || real.startsWith(root.endsWith(path.sep) ? root : root + path.sep);
}

/**
 * Expands files and folders into `.py` files (and `.ipynb` notebooks with `notebooks`); folders are
 * walked once each (symlink loops are cut).
 * With `maxFiles`, the walk stops once it has found more than that many: a background scan of a
 * huge tree must not block the server while it lists files it will not read.
 *
 * Inside a folder, symbolic links (to files or folders) are followed only while they stay inside
 * that folder: a repository must not make the linter, or the editor's workspace scan, read files
 * elsewhere on the machine through a link. A path given directly is read wherever it points: the
 * user named it.
 */
export function collectPythonFiles(inputs: string[], maxFiles = Infinity, options: { notebooks?: boolean } = {}): FileList {
  const files: string[] = [];
  const errors: FileList['errors'] = [];
  const skipped: FileList['skipped'] = [];
  const seenDirs = new Set<string>();
  const seenFiles = new Set<string>();
  const addFile = (p: string) => {
    let real: string;
    try {
      real = fs.realpathSync(p);
    } catch {
      real = p;
    }
    if (!seenFiles.has(real)) {
      seenFiles.add(real);
      files.push(p);
    }
  };
  let truncated = false;
  const walk = (dir: string, depth: number, root: string) => {
    if (files.length > maxFiles) {
      truncated = true;
      return;
    }
    let real: string;
    try {
      real = fs.realpathSync(dir);
    } catch (e) {
      errors.push({ path: dir, message: (e as Error).message });
      return;
    }
    if (seenDirs.has(real) || depth > 64) return;
    seenDirs.add(real);
    let entries: fs.Dirent[];
    try {
      entries = fs.readdirSync(dir, { withFileTypes: true });
    } catch (e) {
      errors.push({ path: dir, message: (e as Error).message });
      return;
    }
    entries.sort((a, b) => a.name.localeCompare(b.name));
    for (const e of entries) {
      const p = path.join(dir, e.name);
      let isDir = e.isDirectory();
      let isFile = e.isFile();
      if (e.isSymbolicLink()) {
        let target: string;
        try {
          target = fs.realpathSync(p);
          const st = fs.statSync(target);
          isDir = st.isDirectory();
          isFile = st.isFile();
        } catch (err) {
          errors.push({ path: p, message: (err as Error).message });
          continue;
        }
        if ((isDir || e.name.endsWith('.py')) && !within(root, target)) {
          skipped.push({ path: p, message: `symbolic link to ${target}, outside ${root}` });
          continue;
        }
      }
      if (isDir && !SKIP_DIRS.has(e.name)) walk(p, depth + 1, root);
      else if (isFile && (e.name.endsWith('.py') || (options.notebooks && e.name.endsWith('.ipynb')))) addFile(p);
    }
  };
  for (const input of inputs) {
    let st: fs.Stats;
    try {
      st = fs.statSync(input);
    } catch (e) {
      errors.push({ path: input, message: (e as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file or directory' : (e as Error).message });
      continue;
    }
    if (st.isDirectory()) {
      let root: string;
      try {
        root = fs.realpathSync(input);
      } catch (e) {
        errors.push({ path: input, message: (e as Error).message });
        continue;
      }
      walk(input, 0, root);
    } else addFile(input);
  }
  return { files, errors, skipped, ...(truncated || files.length > maxFiles ? { truncated: true } : {}) };
}
