import * as assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { defaultSettings, type Settings } from '../../shared/settings';
import { analyze, type AnalysisOptions, type AnalysisResult } from '../../server/src/analysis';
import { applyEdits, type Finding } from '../../server/src/findings';
import { countSyntaxErrors, PythonParser } from '../../server/src/parsing/pythonParser';

export interface Analysed extends AnalysisResult {
  text: string;
  /** Findings of one code. */
  of(code: string): Finding[];
  /** 1-based line of a finding's start. */
  lineOf(f: Finding): number;
  /** Source text a finding's range covers. */
  textOf(f: Finding): string;
}

let parser: PythonParser | undefined;

export async function loadParser(): Promise<PythonParser> {
  parser ??= await PythonParser.load();
  return parser;
}

/** Strips the common indentation of a template literal, so fixtures read naturally in tests. */
export function py(strings: TemplateStringsArray, ...values: unknown[]): string {
  const raw = strings.reduce((acc, s, i) => acc + s + (i < values.length ? String(values[i]) : ''), '');
  const lines = raw.replace(/^\n/, '').split('\n');
  const indents = lines.filter((l) => l.trim()).map((l) => /^ */.exec(l)![0].length);
  const min = indents.length ? Math.min(...indents) : 0;
  return lines
    .map((l) => l.slice(min))
    .join('\n')
    .replace(/[ \t]+$/, '');
}

export async function check(text: string, settings: Partial<Settings> = {}, options: Omit<AnalysisOptions, 'settings'> = {}): Promise<Analysed> {
  const p = await loadParser();
  const tree = p.parse(text);
  try {
    // Rule tests judge every rule, the strict (opt-in) ones included, unless a test says otherwise.
    const result = analyze(tree, text, { ...options, settings: { ...defaultSettings(), 'rules.strict': true, ...settings } });
    return {
      ...result,
      text,
      of: (code) => result.findings.filter((f) => f.code === code),
      lineOf: (f) => result.lines.positionAt(f.start).line + 1,
      textOf: (f) => text.slice(f.start, f.end),
    };
  } finally {
    tree.delete();
  }
}

export async function syntaxErrors(text: string): Promise<number> {
  const p = await loadParser();
  const tree = p.parse(text);
  try {
    return countSyntaxErrors(tree.rootNode);
  } finally {
    tree.delete();
  }
}

/**
 * Applies fix `index` of `finding`, re-parses and re-analyses: asserts no new syntax errors and
 * that the finding is gone (no finding of that code starts on the same line). Returns the new text.
 */
export async function applyFix(result: Analysed, finding: Finding, titleMatch?: RegExp): Promise<{ text: string; after: Analysed }> {
  const fix = titleMatch ? finding.fixes.find((f) => titleMatch.test(f.title)) : finding.fixes[0];
  assert.ok(fix, `no fix${titleMatch ? ` matching ${titleMatch}` : ''} on ${finding.code}; fixes: ${finding.fixes.map((f) => f.title).join(' | ')}`);
  const text = applyEdits(result.text, fix.edits);
  const before = await syntaxErrors(result.text);
  const errors = await syntaxErrors(text);
  assert.ok(errors <= before, `fix "${fix.title}" introduced syntax errors:\n${text}`);
  const after = await check(text);
  const count = (r: Analysed) => r.of(finding.code).length;
  assert.ok(count(after) < count(result), `fix "${fix.title}" did not remove ${finding.code}:\n${text}`);
  return { text, after };
}

/** The `.py` samples and rule fixtures as [repo-relative path, text], sorted: realistic files for properties over every file. */
export function samplesAndFixtures(): [string, string][] {
  const root = join(__dirname, '..', '..', '..');
  return ['samples', 'test/fixtures/rules'].flatMap((d) =>
    readdirSync(join(root, d))
      .filter((f) => f.endsWith('.py'))
      .sort()
      .map((f): [string, string] => [`${d}/${f}`, readFileSync(join(root, d, f), 'utf8')]),
  );
}
