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

export const DOCS_BASE_URL = 'https://github.com/pyspark-architect/pyspark-architect/blob/main/docs/rules/';

export function docsUrl(code: string): string {
  return `${DOCS_BASE_URL}${code}.md`;
}

/** Applies non-overlapping edits to `text` (any order). */
export function applyEdits(text: string, edits: readonly TextEditSpec[]): string {
  const sorted = [...edits].sort((a, b) => b.start - a.start || b.end - a.end);
  let out = text;
  for (const e of sorted) out = out.slice(0, e.start) + e.newText + out.slice(e.end);
  return out;
}
