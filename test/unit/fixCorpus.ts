import * as fs from 'node:fs';
import * as path from 'node:path';
import { defaultSettings } from '../../shared/settings';
import { analyze, type AnalysisResult } from '../../server/src/analysis';
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
  return lines.map((l) => l.slice(min)).join('\n').replace(/[ \t]+$/, '');
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
  for (const file of fs.readdirSync(dir).filter((f) => /^PSA\d+.*\.test\.ts$/.test(f)).sort()) {
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
    const result = analyze(tree, text, { settings: defaultSettings() });
    return { result, errors: countSyntaxErrors(tree.rootNode), sinks: sinkSignature(result.model) };
  } finally {
    tree.delete();
  }
}
