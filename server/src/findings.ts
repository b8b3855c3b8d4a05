import * as fs from 'node:fs';
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';

/** Engine-level results, independent of LSP: offsets are UTF-16 indexes into the document text. */
export type Severity = 'error' | 'warning' | 'information' | 'hint';

export interface TextEditSpec {
  start: number;
  end: number;
  newText: string;
}

export interface Fix {
  title: string;
  edits: TextEditSpec[];
  /** The fix an editor may apply with "fix all" / on save. */
  preferred?: boolean;
}

export interface RelatedLocation {
  start: number;
  end: number;
  message: string;
}

export interface Finding {
  code: string;
  name: string;
  message: string;
  severity: Severity;
  start: number;
  end: number;
  related: RelatedLocation[];
  fixes: Fix[];
}

/** Report order: by position, then code. */
export function compareFindings(a: Finding, b: Finding): number {
  return a.start - b.start || a.code.localeCompare(b.code);
}

/**
 * The rule pages ship with the code (docs/rules/ in the .vsix and the npm package, beside dist/);
 * no website publishes them, so links point at the installed copy: a `file:` URI that opens
 * offline in any editor. The VS Code client turns it into a link to its markdown preview.
 */
let docsDir: string | undefined;

export function rulesDocsDir(): string {
  if (docsDir === undefined) {
    // dist/server.js and dist/cli.js sit one level under the package; compiled tests deeper.
    let dir = __dirname;
    for (let i = 0; i < 6 && !fs.existsSync(path.join(dir, 'docs', 'rules', 'README.md')); i++) dir = path.dirname(dir);
    docsDir = path.join(dir, 'docs', 'rules');
  }
  return docsDir;
}

export function docsUrl(code: string): string {
  return pathToFileURL(path.join(rulesDocsDir(), `${code}.md`)).href;
}

/** Applies non-overlapping edits to `text` (any order). */
export function applyEdits(text: string, edits: readonly TextEditSpec[]): string {
  const sorted = [...edits].sort((a, b) => b.start - a.start || b.end - a.end);
  let out = text;
  for (const e of sorted) out = out.slice(0, e.start) + e.newText + out.slice(e.end);
  return out;
}
