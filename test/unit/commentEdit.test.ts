// Typing inside a comment nothing reads (issue 18): the server takes the last analysis over, its
// findings and graph fragment moved to the new text, instead of analysing again. Whatever comment
// edits are made (words the engine reads, `noqa`, Databricks markers, line breaks, `#` inside
// strings, comments inside call chains and imports, words of the code), every result must be the
// one the full analysis gives. Two servers in this process get the same edits: one keeps its
// analyses (and may take them over), the other forgets its analysis before each one (always the
// full path).
import { ColumnMap } from '../../server/src/model/columnMap';
import * as assert from 'node:assert/strict';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import fc from 'fast-check';
import { startInProcessServer, type InProcessServer } from './inProcessServer';
import type { CachedAnalysis } from '../../server/src/lsp/analysisCache';
import { changeBetween, commentOnlyChange } from '../../server/src/lsp/commentEdit';
import { syntaxRoot } from '../../server/src/parsing/syntaxTree';
import type { PythonParser } from '../../server/src/parsing/pythonParser';
import { loadParser, samplesAndFixtures } from './helpers';
import { analyze } from '../../server/src/analysis';
import type { Finding } from '../../server/src/findings';
import { LineIndex } from '../../server/src/lineIndex';
import { defaultSettings } from '../../shared/settings';

const ROOT = join(__dirname, '..', '..', '..');

type Server = InProcessServer;

/** A push-mode server in this process, strict rules on. */
function start(parser: PythonParser): Promise<Server> {
  return startInProcessServer(parser, { 'rules.strict': true });
}

/** What a client and the workspace see of an analysis: diagnostics, findings with fixes, the graph fragment. */
function seen(entry: CachedAnalysis | undefined): unknown {
  if (!entry) return undefined;
  const plain = (v: unknown): unknown =>
    v instanceof Map || v instanceof ColumnMap
      ? [...v].map(([k, x]) => [k, plain(x)])
      : v instanceof Set
        ? [...v]
        : Array.isArray(v)
          ? v.map(plain)
          : v && typeof v === 'object'
            ? Object.fromEntries(Object.entries(v).map(([k, x]) => [k, plain(x)]))
            : v;
  return {
    version: entry.version,
    diagnostics: entry.diagnostics,
    findings: entry.result.findings,
    skipped: entry.result.skipped,
    text: entry.result.lines.text,
    graph: plain(entry.fragment?.raw),
    context: entry.fragment && { text: entry.fragment.context.lines.text, findings: entry.fragment.context.findings },
  };
}

/** Text typed into a comment: plain words, words the engine reads, directives, line breaks, quotes, brackets. */
const TYPED = [
  'x',
  'qz',
  'qz',
  'zq',
  ' zqj',
  ' ',
  'plain words here',
  'Zorblat',
  'Zorblat',
  'noqa',
  ' noqa: PSA101',
  'NOQA',
  'MAGIC',
  'COMMAND ----------',
  'Databricks notebook source',
  'spark',
  'rocksdb',
  'this will fail',
  'on purpose',
  'import faker',
  'job',
  'col_value',
  'df',
  '\n',
  '\r\n',
  '#',
  '"',
  "'",
  '(',
  ')',
  '=',
  ':',
  '.',
  ',',
  '!',
  '\t',
];

/** One edit at a `#` of the text (a comment's, or one inside a string): typed after it, or part of what follows deleted. */
interface CommentEdit {
  /** Which `#` (a fraction of their number); `mine`: among those of the comments this test added (`qq` words only). */
  which: number;
  mine: boolean;
  /** Where after it, as a fraction of the rest of its line. */
  at: number;
  /** Characters deleted there, as a fraction of the rest of the line after `at`. */
  remove: number;
  /** Text typed (from TYPED, or a word of the file, alone or in a phrase the whole-text regexes read: ` as <word>`, ` for <word> in`). */
  typed: string | { wordOfFile: number; phrase: string };
  /** Analyse after this edit (otherwise the next analysis sees several edits at once). */
  analyse: boolean;
}

const fraction = fc.noBias(fc.integer({ min: 0, max: 999 })).map((n) => n / 1000);
const commentEdit: fc.Arbitrary<CommentEdit> = fc.record({
  which: fraction,
  mine: fc.oneof(fc.constant(true), fc.constant(true), fc.constant(false)),
  at: fc.oneof(fraction, fc.constant(0), fc.constant(0.9999)),
  remove: fc.oneof(fc.constant(0), fc.constant(0), fraction),
  typed: fc.oneof(
    fc.constantFrom(...TYPED),
    fc.constantFrom(...TYPED),
    // Read when typed right after the `#`: suppressions and PSA703's "fails on purpose".
    fc.constantFrom(' noqa', 'noqa', ' NOQA ', ' this will fail', ' on purpose'),
    fc.record({ wordOfFile: fraction, phrase: fc.constantFrom('%', ' %', ' as %', ' for % in', ' % value2', ' %_value') }),
  ),
  analyse: fc.boolean(),
});

function asChange(text: string, e: CommentEdit): { start: number; end: number; text: string } | undefined {
  let hashes: number[] = [];
  for (let i = text.indexOf('#'); i >= 0; i = text.indexOf('#', i + 1)) hashes.push(i);
  const mine = hashes.filter((h) => text.startsWith(' qq', h + 1) && (h === 0 || text[h - 1] !== '\\'));
  if (e.mine && mine.length) hashes = mine;
  if (!hashes.length) return undefined;
  const hash = hashes[Math.floor(e.which * hashes.length)];
  let lineEnd = text.indexOf('\n', hash);
  if (lineEnd < 0) lineEnd = text.length;
  if (text[lineEnd - 1] === '\r') lineEnd--;
  const start = hash + 1 + Math.floor(e.at * (lineEnd - hash));
  const end = Math.min(lineEnd, start + Math.floor(e.remove * (lineEnd - start)));
  let typed: string;
  if (typeof e.typed === 'string') typed = e.typed;
  else {
    const words = text.match(/[A-Za-z_]\w*/g) ?? ['x'];
    typed = e.typed.phrase.replace('%', words[Math.floor(e.typed.wordOfFile * words.length)]);
  }
  return { start: Math.min(start, lineEnd), end: Math.max(Math.min(start, lineEnd), end), text: typed };
}

/** A comment line in the middle of a function body and one inside a call chain, so every file has comments of both kinds. */
function withComments(text: string): string {
  const lines = text.split('\n');
  const body = lines.findIndex((l, i) => i > 0 && /^\s+\S/.test(l) && /:\s*$/.test(lines[i - 1]));
  if (body > 0) lines.splice(body, 0, `${/^\s*/.exec(lines[body])![0]}# qqv`);
  const chain = lines.findIndex((l) => /^\s+\.\w+\(.*\)\s*$/.test(l));
  if (chain > 0) lines[chain] += '  # qqw';
  const statement = lines.findIndex((l) => /^\w+ = .*[^\\(,]$/.test(l));
  if (statement > 0) lines[statement] += '  # qqt';
  lines.splice(Math.floor(lines.length / 2), 0, '# qqm');
  return lines.join('\n');
}

/**
 * A comment `# qqfa` (`qqfb`, `qqfc`) at the end of the lines where the first findings start (where typing `noqa`, or
 * words PSA703 reads, changes them), when the text stays as free of syntax errors as it was.
 */
function onFindingLines(text: string): string {
  const tree = parser.parse(text);
  let findings: Finding[];
  try {
    findings = analyze(tree, text, { settings: { ...defaultSettings(), 'rules.strict': true } }).findings;
  } finally {
    tree.delete();
  }
  const lines = text.split('\n');
  const lineIndex = new LineIndex(text);
  for (const [i, f] of findings.slice(0, 3).entries()) {
    const line = lineIndex.positionAt(f.start).line;
    if (/[\\#]\s*$/.test(lines[line]) || lines[line].includes('qqf')) continue;
    const tried = [...lines];
    // Words of their own: a word found elsewhere in the file is read (or might be), and refused.
    tried[line] += `  # qqf${'abc'[i]}`;
    const next = tried.join('\n');
    const t = parser.parse(next);
    const broken = t.rootNode.hasError;
    t.delete();
    if (!broken) lines.splice(0, lines.length, ...tried);
  }
  return lines.join('\n');
}

let parser: PythonParser;

const GENERATOR = pathToFileURL(join(ROOT, 'scripts', 'bench', 'generate.mjs')).href;

describe('typing inside a comment nothing reads', function () {
  this.timeout(600_000);
  let files: [string, string][];
  let a: Server;
  let b: Server;
  before(async () => {
    parser = await loadParser();
    const gen = (await import(GENERATOR)) as { generatePipeline(lines: number, seed?: number): string };
    files = [...samplesAndFixtures(), ...[1, 2].map((seed): [string, string] => [`generated_pipeline_${seed}.py`, gen.generatePipeline(260, seed)])].map(
      ([name, text]) => [name, onFindingLines(withComments(text))],
    );
    a = await start(parser);
    b = await start(parser);
  });
  after(() => {
    a?.dispose();
    b?.dispose();
  });

  it('gives what the full analysis gives after every random comment edit, and does take analyses over', async () => {
    let compared = 0;
    let takenOver = 0;
    let n = 0;
    await fc.assert(
      fc.asyncProperty(fc.nat(files.length - 1), fc.array(commentEdit, { minLength: 1, maxLength: 6 }), async (file, edits) => {
        const [name, original] = files[file];
        const uri = `file:///comments/${n++}/${name}`;
        for (const s of [a, b]) s.server.documents.open(uri, 'python', 1, original);
        try {
          await a.server.analyses.analyse(uri, a.server.documents.get(uri)!);
          let version = 1;
          for (const e of edits) {
            const doc = a.server.documents.get(uri)!;
            const change = asChange(doc.document.getText(), e);
            if (!change) return;
            version++;
            for (const s of [a, b]) {
              const d = s.server.documents.get(uri)!.document;
              s.server.documents.change(uri, version, [{ range: { start: d.positionAt(change.start), end: d.positionAt(change.end) }, text: change.text }]);
            }
            if (!e.analyse) continue;
            const kept = await a.server.analyses.analyse(uri, a.server.documents.get(uri)!);
            b.server.analyses.delete(uri);
            const full = await b.server.analyses.analyse(uri, b.server.documents.get(uri)!);
            assert.ok(!full?.asBuilt, 'the forgetful server always analyses');
            assert.deepEqual(seen(kept), seen(full), `${name} after ${JSON.stringify(change)}`);
            compared++;
            if (kept?.asBuilt) takenOver++;
          }
        } finally {
          for (const s of [a, b]) {
            s.server.documents.close(uri);
            s.server.analyses.forget(uri);
          }
        }
      }),
      { seed: 606, numRuns: 150 },
    );
    // Worth something only if many results were taken over (and many were not: the guard said no).
    assert.ok(takenOver > compared / 20, `only ${takenOver} of ${compared} results taken over`);
    assert.ok(takenOver < compared, 'every result taken over: the guard never refused');
  });

  it('gives what the full analysis gives on the fixtures of the rules that read the whole text (names bound in the file, fresh names, comments on purpose)', async () => {
    const readers = [...files.filter(([name]) => /PSA(101|113|214|215|216|218|307|701|703|709)/.test(name))];
    let compared = 0;
    let takenOver = 0;
    let n = 0;
    await fc.assert(
      fc.asyncProperty(fc.nat(readers.length - 1), fc.array(commentEdit, { minLength: 1, maxLength: 4 }), async (file, edits) => {
        const [name, original] = readers[file];
        const uri = `file:///readers/${n++}/${name}`;
        for (const s of [a, b]) s.server.documents.open(uri, 'python', 1, original);
        try {
          await a.server.analyses.analyse(uri, a.server.documents.get(uri)!);
          let version = 1;
          for (const e of edits) {
            const change = asChange(a.server.documents.get(uri)!.document.getText(), e);
            if (!change) return;
            version++;
            for (const s of [a, b]) {
              const d = s.server.documents.get(uri)!.document;
              s.server.documents.change(uri, version, [{ range: { start: d.positionAt(change.start), end: d.positionAt(change.end) }, text: change.text }]);
            }
            const kept = await a.server.analyses.analyse(uri, a.server.documents.get(uri)!);
            b.server.analyses.delete(uri);
            const full = await b.server.analyses.analyse(uri, b.server.documents.get(uri)!);
            assert.deepEqual(seen(kept), seen(full), `${name} after ${JSON.stringify(change)}`);
            compared++;
            if (kept?.asBuilt) takenOver++;
            // What a client asks next: the quick fixes of a finding, and a hover (on the model the result was taken from).
            const text = a.server.documents.get(uri)!.document.getText();
            const f = full?.result.findings[Math.floor(e.which * (full?.result.findings.length ?? 0))];
            const lines = full?.result.lines;
            if (f && lines) {
              const params = { textDocument: { uri }, range: { start: lines.positionAt(f.start), end: lines.positionAt(f.end) }, context: { diagnostics: [] } };
              const [x, y] = await Promise.all([a, b].map((s) => s.client.sendRequest('textDocument/codeAction', params)));
              assert.deepEqual(x, y, `code actions, ${name} after ${JSON.stringify(change)}`);
            }
            const word = [...text.matchAll(/\b[A-Za-z_]\w*\b/g)];
            if (word.length && lines) {
              const at = word[Math.floor(e.at * word.length)].index!;
              const params = { textDocument: { uri }, position: lines.positionAt(at + 1) };
              const [x, y] = await Promise.all([a, b].map((s) => s.client.sendRequest('textDocument/hover', params)));
              assert.deepEqual(x, y, `hover, ${name} after ${JSON.stringify(change)}`);
            }
          }
        } finally {
          for (const s of [a, b]) {
            s.server.documents.close(uri);
            s.server.analyses.forget(uri);
          }
        }
      }),
      { seed: 1806, numRuns: 200 },
    );
    assert.ok(takenOver > compared / 20, `only ${takenOver} of ${compared} results taken over`);
  });

  it('refuses what the engine reads: noqa, Databricks markers, words of the code, line breaks, comments inside expressions, # in strings', () => {
    const base =
      'from pyspark.sql import functions as F\n\ndef load(spark):\n    # qqa\n    df = spark.read.parquet("s3://b/x#y")  # qqb\n    return (df\n        .filter(F.col("a") > 1)  # qqc\n    )\n';
    const tree0 = parser.parse(base);
    const root0 = syntaxRoot(tree0, base);
    const check = (after: string) => {
      const tree = parser.parse(after);
      try {
        return commentOnlyChange({ before: base, after, beforeRoot: root0, afterTree: tree }) !== undefined;
      } finally {
        tree.delete();
      }
    };
    try {
      assert.equal(check(base.replace('# qqa', '# qqaz')), true, 'a plain word typed in a block comment');
      assert.equal(check(base.replace('# qqb', '# qqbz more')), true, 'a trailing comment of a statement in a block');
      for (const typed of ['noqa', 'MAGIC', 'COMMAND', 'spark', 'df', 'load', 'fail', 'x=1', 'a:b', 'qq\nz', 'q#z'])
        assert.equal(check(base.replace('# qqa', `# qqa${typed}`).replace('# qqa' + typed, `# qqa ${typed}`)), false, typed);
      assert.equal(check(base.replace('# qqc', '# qqcz')), false, 'a comment inside a call chain (part of the expression text)');
      assert.equal(check(base.replace('x#y', 'x#yz')), false, '# inside a string');
      assert.equal(changeBetween('# ab\n', '# abb\n').start, 4);
    } finally {
      tree0.delete();
    }
  });
});
