import * as fs from 'node:fs';
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';

/** Engine-level results, independent of LSP: offsets are UTF-16 indexes into the document text. */
export type Severity = 'error' | 'warning' | 'information' | 'hint';

export interface TextEditSpec {
  start: number;
  end: number;
  newText: string;
  /**
   * Ranges of `newText` (offsets into it) holding a value the user must choose (a placeholder path,
   * a delay): editors that take snippet edits turn them into tab stops.
   */
  placeholders?: { start: number; end: number }[];
}

/**
 * What applying a fix does to the program, as Ruff classifies fixes:
 * - `safe`: the program computes the same results; only cost or robustness changes. Bulk fixing
 *   (fix-all, on save, `check --fix`) applies only these.
 * - `unsafe`: behaviour or output may change (a schema, a file count, an error that now runs), or a
 *   value is a guess. Offered one at a time, labelled; `--unsafe-fixes` applies them.
 * - `display-only`: the fix needs a value only the user has (a checkpoint path, a watermark delay,
 *   a secret's name). Offered one at a time with its placeholder, never applied in bulk.
 */
export type Applicability = 'safe' | 'unsafe' | 'display-only';

export const APPLICABILITIES: readonly Applicability[] = ['safe', 'unsafe', 'display-only'];

interface FixBase {
  title: string;
  edits: TextEditSpec[];
  /** Among a finding's safe fixes, the one an editor marks as preferred. */
  preferred?: boolean;
}

export type Fix = FixBase &
  (
    | { applicability: 'safe' }
    /** `reason`: what the fix changes or what it needs, a short phrase ("changes the output schema"). */
    | { applicability: 'unsafe' | 'display-only'; reason: string }
  );

/** The fix's title as an editor lists it: unsafe and display-only fixes say so. */
export function fixLabel(fix: Pick<FixBase, 'title'> & ({ applicability: 'safe' } | { applicability: 'unsafe' | 'display-only'; reason: string })): string {
  if (fix.applicability === 'unsafe') return `${fix.title} (unsafe: ${fix.reason})`;
  if (fix.applicability === 'display-only') return `${fix.title} (needs your value: ${fix.reason})`;
  return fix.title;
}

export interface RelatedLocation {
  start: number;
  end: number;
  message: string;
}

/** The kind of code a finding sits in (see `context/codeContext.ts`) and why the code was taken for it. */
export interface FindingContext {
  kind: 'job' | 'notebook' | 'exploration' | 'test' | 'generator' | 'pipeline';
  why: string;
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
  /** Where the finding fired, as the context model judged it: shown in hovers and `--format json`. */
  context?: FindingContext;
  /** What in this code made the rule speak, when the rule knows ("the write at line 40 computes it again"). */
  why?: string;
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

/** Each code's page, once: the folder never changes once found, and every diagnostic of every analysis asks. */
const docsUrls = new Map<string, string>();

export function docsUrl(code: string): string {
  let url = docsUrls.get(code);
  if (url === undefined) {
    url = pathToFileURL(path.join(rulesDocsDir(), `${code}.md`)).href;
    docsUrls.set(code, url);
  }
  return url;
}

/** Applies non-overlapping edits to `text` (any order). */
export function applyEdits(text: string, edits: readonly TextEditSpec[]): string {
  const sorted = [...edits].sort((a, b) => b.start - a.start || b.end - a.end);
  let out = text;
  for (const e of sorted) out = out.slice(0, e.start) + e.newText + out.slice(e.end);
  return out;
}
