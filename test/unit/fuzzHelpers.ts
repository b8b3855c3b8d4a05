import { defaultSettings } from '../../shared/settings';
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { analyze } from '../../server/src/analysis';
import { applyEdits, type Finding, type Fix } from '../../server/src/findings';
import { noqaFix } from '../../server/src/noqa';
import { syntaxRoot } from '../../server/src/parsing/syntaxTree';
import { countSyntaxErrors, ParseFailure, type PythonParser } from '../../server/src/parsing/pythonParser';

/** Repository root, from out/test/unit (compiled) or test/unit (sources). */
export const ROOT = path.resolve(__dirname, fs.existsSync(path.resolve(__dirname, '../../../samples')) ? '../../..' : '../..');

/** The realistic pipelines in samples/. */
export function sampleFiles(): { name: string; text: string }[] {
  const dir = path.join(ROOT, 'samples');
  return fs
    .readdirSync(dir)
    .filter((f) => f.endsWith('.py'))
    .sort()
    .map((f) => ({ name: f, text: fs.readFileSync(path.join(dir, f), 'utf8') }));
}

/**
 * The rule fixtures (test/fixtures/rules/, files of the project folders included): small programs
 * that trigger every rule and most quick fixes, and their negatives, the best seeds for mutation.
 */
export function ruleFixtureTexts(): string[] {
  const walk = (dir: string): string[] =>
    fs
      .readdirSync(dir, { withFileTypes: true })
      .sort((a, b) => a.name.localeCompare(b.name))
      .flatMap((e) => (e.isDirectory() ? walk(path.join(dir, e.name)) : e.name.endsWith('.py') ? [path.join(dir, e.name)] : []));
  return walk(path.join(ROOT, 'test/fixtures/rules')).map((f) => fs.readFileSync(f, 'utf8'));
}

export interface CheckStats {
  findings: number;
  fixes: number;
  ms: number;
}

function assertRange(text: string, start: number, end: number, what: string): void {
  assert.ok(Number.isInteger(start) && Number.isInteger(end), `${what}: non-integer range ${start}-${end}`);
  assert.ok(start >= 0 && start <= end && end <= text.length, `${what}: range ${start}-${end} outside the text (length ${text.length})`);
}

function checkFix(parser: PythonParser, text: string, baseErrors: number, f: Finding, fix: Fix): void {
  const what = `${f.code} fix "${fix.title}"`;
  const sorted = [...fix.edits].sort((a, b) => a.start - b.start);
  for (const e of sorted) assertRange(text, e.start, e.end, what);
  for (let i = 1; i < sorted.length; i++) assert.ok(sorted[i].start >= sorted[i - 1].end, `${what}: overlapping edits`);
  const fixed = applyEdits(text, fix.edits);
  const tree = parser.parse(fixed);
  try {
    const errors = countSyntaxErrors(tree.rootNode);
    // On text that already has syntax errors, tree-sitter's error recovery is not monotonic: a valid
    // edit elsewhere (an added import) can change how the broken part is recovered and the count.
    // There the server's own guard (codeActions drops fixes that raise the count) is the contract;
    // on valid text a fix must keep it valid.
    if (baseErrors === 0) assert.equal(errors, 0, `${what} adds syntax errors to valid code:\n--- before\n${text}\n--- after\n${fixed}`);
  } finally {
    tree.delete();
  }
}

/**
 * The fuzz property: analysing `text` throws nothing (in the engine or in any rule: `analyze`
 * catches rule errors and logs them, which counts as a failure here), every range is inside the
 * text, and no quick fix (nor the noqa suppression) makes valid code invalid.
 */
export function checkText(parser: PythonParser, text: string, { fixes = true } = {}): CheckStats {
  const t0 = performance.now();
  let tree;
  try {
    tree = parser.parse(text);
  } catch (e) {
    // Text nested deeper than tree-sitter-python survives is refused, never parsed (see MAX_INDENT_LEVELS).
    if (e instanceof ParseFailure && e.kind === 'too-deep') return { findings: 0, fixes: 0, ms: performance.now() - t0 };
    throw e;
  }
  const ruleErrors: string[] = [];
  const original = console.error;
  console.error = (...a: unknown[]) => void ruleErrors.push(a.map(String).join(' '));
  let findings: Finding[];
  let baseErrors = 0;
  let lines;
  let root;
  try {
    // Every rule, the strict (opt-in) ones included.
    const result = analyze(tree, text, { settings: { ...defaultSettings(), 'rules.strict': true } });
    findings = result.findings;
    lines = result.lines;
    // A plain-JS copy: it outlives the wasm tree, for the suppression fixes below.
    root = syntaxRoot(tree, text);
    if (fixes && findings.length) baseErrors = countSyntaxErrors(tree.rootNode);
  } finally {
    tree.delete();
    console.error = original;
  }
  const ms = performance.now() - t0;
  assert.deepEqual(ruleErrors, [], `a rule threw on:\n${text.slice(0, 2000)}`);
  let fixCount = 0;
  for (const f of findings) {
    assertRange(text, f.start, f.end, f.code);
    for (const r of f.related) assertRange(text, r.start, r.end, `${f.code} related`);
    if (!fixes) continue;
    for (const fix of [...f.fixes, noqaFix(root, text, f, lines)]) {
      if (!fix) continue;
      checkFix(parser, text, baseErrors, f, fix);
      fixCount++;
    }
  }
  return { findings: findings.length, fixes: fixCount, ms };
}

/** Mutations a user (or a bad paste) makes: stray brackets, quotes, colons, backslashes, cuts. */
export const MUTATION_TOKENS = [
  '(',
  ')',
  '[',
  ']',
  '{',
  '}',
  '"',
  "'",
  '"""',
  "'''",
  ':',
  '\\',
  '\\\n',
  '\n',
  '\t',
  '#',
  ',',
  '.',
  ' ',
  'f"',
  '=',
  '\0',
  '\r',
  '\u2028',
];

export type Mutation = { kind: 'insert'; at: number; token: string } | { kind: 'delete'; at: number; length: number } | { kind: 'tabs'; line: number };

export function mutate(text: string, mutations: Mutation[]): string {
  let out = text;
  for (const m of mutations) {
    const at = out.length ? (m.kind === 'tabs' ? 0 : m.at % (out.length + 1)) : 0;
    if (m.kind === 'insert') out = out.slice(0, at) + m.token + out.slice(at);
    else if (m.kind === 'delete') out = out.slice(0, at) + out.slice(at + m.length);
    else {
      // Mixed tabs/spaces: one line's indentation becomes tabs (or a tab+space mix).
      const lines = out.split('\n');
      const i = m.line % Math.max(1, lines.length);
      lines[i] = lines[i].replace(/^( +)/, (s) => (m.line % 2 ? '\t'.repeat(Math.ceil(s.length / 4)) : '\t' + s.slice(1)));
      out = lines.join('\n');
    }
  }
  return out;
}
