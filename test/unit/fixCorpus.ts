import * as fs from 'node:fs';
import * as path from 'node:path';
import { defaultSettings } from '../../shared/settings';
import { analyze, type AnalysisResult } from '../../server/src/analysis';
import { applyEdits, type TextEditSpec } from '../../server/src/findings';
import { countSyntaxErrors } from '../../server/src/parsing/pythonParser';
import { loadParser } from './helpers';
import { sinkSignature } from './sinkSignature';

const ROOT = path.resolve(__dirname, '../../..');

export interface CorpusFile {
  name: string;
  text: string;
}

/** Strips common indentation as the tests' `py` tag does. */
function dedent(raw: string): string {
  const lines = raw.replace(/^\n/, '').split('\n');
  const indents = lines.filter((l) => l.trim()).map((l) => /^ */.exec(l)![0].length);
  const min = indents.length ? Math.min(...indents) : 0;
  return lines
    .map((l) => l.slice(min))
    .join('\n')
    .replace(/[ \t]+$/, '');
}

function pythonFilesUnder(dir: string): string[] {
  if (!fs.existsSync(dir)) return [];
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const p = path.join(dir, e.name);
    return e.isDirectory() ? pythonFilesUnder(p) : e.name.endsWith('.py') ? [p] : [];
  });
}

/** Real-shaped files: the samples and the test fixtures (rule fixtures included when present). */
export function realFiles(): CorpusFile[] {
  return [...pythonFilesUnder(path.join(ROOT, 'samples')), ...pythonFilesUnder(path.join(ROOT, 'test', 'fixtures'))]
    .sort()
    .map((p) => ({ name: path.relative(ROOT, p), text: fs.readFileSync(p, 'utf8') }));
}

/** The Python sources of the per-rule tests (`py\`...\`` literals without interpolation). */
export function ruleTestSources(): CorpusFile[] {
  const dir = path.join(ROOT, 'test', 'unit');
  const out: CorpusFile[] = [];
  for (const file of fs
    .readdirSync(dir)
    .filter((f) => /^PSA\d+.*\.test\.ts$/.test(f))
    .sort()) {
    const src = fs.readFileSync(path.join(dir, file), 'utf8');
    let i = 0;
    for (const m of src.matchAll(/\bpy`((?:[^`\\]|\\[\s\S])*)`/g)) {
      i++;
      if (m[1].includes('${')) continue;
      // Template-literal escapes as the test sees them (`\\` in the test is `\` in Python).
      const body = m[1].replace(/\\([`\\$])/g, '$1');
      out.push({ name: `${file}#${i}`, text: dedent(body) });
    }
  }
  return out;
}

export interface Analysed {
  result: AnalysisResult;
  errors: number;
  /** See sinkSignature: what the file writes, computed while the tree is alive. */
  sinks: string[];
}

export async function analyseFile(text: string): Promise<Analysed> {
  const parser = await loadParser();
  const tree = parser.parse(text);
  try {
    // Every rule's fixes, the strict (opt-in) rules' included.
    const result = analyze(tree, text, { settings: { ...defaultSettings(), 'rules.strict': true } });
    return { result, errors: countSyntaxErrors(tree.rootNode), sinks: sinkSignature(result.model) };
  } finally {
    tree.delete();
  }
}

/**
 * The edits of a fix that replace one whole expression (or token) with another, and whether each
 * replacement is still one node after the fix: `1 + bool(x)` -> `1 + len(...) > 0` is not (the new
 * text regrouped with its neighbours, changing what it computes).
 */
export async function replacementsRegroup(text: string, edits: readonly TextEditSpec[]): Promise<string[]> {
  const parser = await loadParser();
  const sorted = [...edits].sort((a, b) => a.start - b.start);
  const before = parser.parse(text);
  const wholeNodes: { start: number; end: number }[] = [];
  try {
    let shift = 0;
    for (const e of sorted) {
      const n = before.rootNode.descendantForIndex(e.start, e.end);
      const exact = e.end > e.start && e.newText.length > 0 && n && n.startIndex === e.start && n.endIndex === e.end;
      if (exact) wholeNodes.push({ start: e.start + shift, end: e.start + shift + e.newText.length });
      shift += e.newText.length - (e.end - e.start);
    }
  } finally {
    before.delete();
  }
  const fixed = applyEdits(text, edits);
  const after = parser.parse(fixed);
  try {
    return wholeNodes
      .filter((r) => {
        const n = after.rootNode.descendantForIndex(r.start, r.end);
        return !n || n.startIndex !== r.start || n.endIndex !== r.end;
      })
      .map((r) => fixed.slice(r.start, r.end));
  } finally {
    after.delete();
  }
}
