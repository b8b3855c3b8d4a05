import { defaultSettings } from '../../shared/settings';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { structuredPatch } from 'diff';
import { fileFragment, mergeRawGraphs } from '../../server/src/graph';
import { analyze, type AnalysisOptions } from '../../server/src/analysis';
import { applyEdits, type Finding } from '../../server/src/findings';
import { LineIndex } from '../../server/src/lineIndex';
import { splitMessage } from '../../server/src/messages';
import { countSyntaxErrors, type PythonParser } from '../../server/src/parsing/pythonParser';
import { ROOT } from './fuzzHelpers';

export const FIXTURE_DIR = path.join(ROOT, 'test/fixtures/rules');
export const SNAPSHOT_DIR = path.join(ROOT, 'test/snapshots/rules');

/**
 * One fixture of `test/fixtures/rules/`: `PSA301.py` (findings expected), `PSA301_ok.py` (none of
 * its rule), `PSA301_2.py` (more cases that would interact if they shared a file), or a folder
 * `PSA601_project/` whose files are analysed together, each with the others as its workspace.
 */
export interface RuleFixture {
  /** File or folder name without `.py`: also the snapshot's name. */
  name: string;
  code: string;
  ok: boolean;
  /** Files relative to the fixture folder, with their text (one for a single-file fixture). */
  files: { name: string; text: string }[];
}

const FIXTURE_NAME = /^(PSA\d{3})((?:_[a-z0-9]+)*)(\.py)?$/;

export function ruleFixtures(): RuleFixture[] {
  const out: RuleFixture[] = [];
  for (const entry of fs.readdirSync(FIXTURE_DIR, { withFileTypes: true })) {
    const m = FIXTURE_NAME.exec(entry.name);
    if (!m || entry.isDirectory() === !!m[3])
      throw new Error(`test/fixtures/rules/${entry.name}: not <CODE>[_ok][_variant].py or a <CODE>[_ok]_project folder`);
    const dir = path.join(FIXTURE_DIR, entry.name);
    const files = entry.isDirectory()
      ? fs
          .readdirSync(dir)
          .filter((f) => f.endsWith('.py'))
          .sort()
          .map((f) => ({ name: f, text: fs.readFileSync(path.join(dir, f), 'utf8') }))
      : [{ name: entry.name, text: fs.readFileSync(dir, 'utf8') }];
    out.push({ name: entry.name.replace(/\.py$/, ''), code: m[1], ok: m[2].split('_').includes('ok'), files });
  }
  return out.sort((a, b) => a.name.localeCompare(b.name));
}

/** Fixtures judge every rule, the strict (opt-in) ones included. */
const ALL_RULES: AnalysisOptions = { settings: { ...defaultSettings(), 'rules.strict': true } };

export interface FixtureFile {
  name: string;
  text: string;
  lines: LineIndex;
  /** Every finding of the file (all codes). */
  findings: Finding[];
  options: AnalysisOptions;
}

function analyseText(
  parser: PythonParser,
  text: string,
  options: AnalysisOptions,
): { findings: Finding[]; lines: LineIndex; raw?: ReturnType<typeof fileFragment>['raw'] } {
  const tree = parser.parse(text);
  try {
    return analyze(tree, text, options);
  } finally {
    tree.delete();
  }
}

/** Analyses a fixture the way the CLI does: a folder's files each see the others' pipeline graph. */
export function analyseFixture(parser: PythonParser, fixture: RuleFixture): FixtureFile[] {
  if (fixture.files.length === 1) {
    const [{ name, text }] = fixture.files;
    const r = analyseText(parser, text, ALL_RULES);
    return [{ name, text, lines: r.lines, findings: r.findings, options: ALL_RULES }];
  }
  const fragments = fixture.files.map(({ name, text }) => {
    const tree = parser.parse(text);
    try {
      const r = analyze(tree, text, ALL_RULES);
      return fileFragment({ filename: name, uri: `file:///fixture/${name}`, model: r.model, lines: r.lines, findings: r.findings });
    } finally {
      tree.delete();
    }
  });
  return fixture.files.map(({ name, text }, i) => {
    const options: AnalysisOptions = { ...ALL_RULES, workspace: mergeRawGraphs(fragments.filter((_, j) => j !== i).map((f) => f.raw)) };
    const r = analyseText(parser, text, options);
    return { name, text, lines: r.lines, findings: r.findings, options };
  });
}

function at(lines: LineIndex, offset: number): string {
  const p = lines.positionAt(offset);
  return `${p.line + 1}:${p.character + 1}`;
}

/** A fix as a unified diff with one line of context, without the file header (the snapshot names the file). */
export function fixDiff(name: string, before: string, after: string): string {
  const patch = structuredPatch(name, name, before, after, '', '', { context: 1 });
  return patch.hunks.map((h) => [`@@ -${h.oldStart},${h.oldLines} +${h.newStart},${h.newLines} @@`, ...h.lines].join('\n')).join('\n');
}

/** The plain-text snapshot of one fixture: its rule's findings with ranges, messages, related locations and fixes. */
export function renderSnapshot(fixture: RuleFixture, files: FixtureFile[]): string {
  const out: string[] = [];
  for (const file of files) {
    const own = file.findings.filter((f) => f.code === fixture.code);
    out.push(`== ${file.name}: ${own.length} ${fixture.code} finding${own.length === 1 ? '' : 's'}`);
    for (const f of own) {
      out.push('');
      out.push(`${fixture.code} ${at(file.lines, f.start)}-${at(file.lines, f.end)} ${f.severity}: ${JSON.stringify(file.text.slice(f.start, f.end))}`);
      // As editors show it: the headline (the Problems panel's line), then the why and the fix.
      const { headline, detail } = splitMessage(f.message);
      out.push(`  ${headline}`);
      if (detail) out.push(`    ${detail}`);
      for (const r of f.related) out.push(`  related ${at(file.lines, r.start)}-${at(file.lines, r.end)}: ${r.message}`);
      f.fixes.forEach((fix, i) => {
        const kind = fix.applicability === 'safe' ? `safe${fix.preferred ? ', preferred' : ''}` : `${fix.applicability}: ${fix.reason}`;
        out.push(`  fix ${i + 1} (${kind}): ${fix.title}`);
        out.push(
          ...fixDiff(file.name, file.text, applyEdits(file.text, fix.edits))
            .split('\n')
            .map((l) => `    ${l}`.trimEnd()),
        );
      });
    }
    out.push('');
  }
  return out.join('\n');
}

/**
 * Applies every fix of `code`'s findings in `file`: the result must parse as well as the original
 * and have fewer findings of that code. Returns one message per broken fix.
 */
export function checkFixes(parser: PythonParser, code: string, file: FixtureFile): string[] {
  const problems: string[] = [];
  const tree = parser.parse(file.text);
  const baseErrors = countSyntaxErrors(tree.rootNode);
  tree.delete();
  const count = file.findings.filter((f) => f.code === code).length;
  for (const f of file.findings.filter((x) => x.code === code)) {
    for (const fix of f.fixes) {
      const text = applyEdits(file.text, fix.edits);
      const t = parser.parse(text);
      try {
        const errors = countSyntaxErrors(t.rootNode);
        if (errors > baseErrors) problems.push(`${file.name}: fix "${fix.title}" adds syntax errors`);
        const after = analyze(t, text, file.options).findings.filter((x) => x.code === code).length;
        if (after >= count) problems.push(`${file.name}: fix "${fix.title}" leaves the ${code} finding at offset ${f.start} (${after} of ${count} remain)`);
      } finally {
        t.delete();
      }
    }
  }
  return problems;
}
