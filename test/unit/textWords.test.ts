import * as assert from 'node:assert/strict';
import fc from 'fast-check';
import type { AnalysisResult } from '../../server/src/analysis';
import { carriedDltImport, CodeContext, DLT_IMPORT, dltImportCounts, FAKER_IMPORT, MANAGED_DECORATOR_LINE } from '../../server/src/context/codeContext';
import { mergeEdits, TextWords, type EditedRange } from '../../server/src/context/textWords';
import { stepsEqualFresh, type TextChange } from './analysisOutcome';
import { loadParser, py } from './helpers';

// The code context's whole-file tests run only on a text holding their words (`dlt`, `pipelines`,
// `dlt.`, `dp.`, `pipelines.`, `faker`), and after an edit whether the text holds a word is carried
// from the previous text's answer through the edited range (issue 18). Every answer must be the
// search's: the first offset of the word, after any edits, merged or not.

const WORDS = ['dlt', 'pipelines', 'dp.', 'dlt.', 'pipelines.', 'faker', 'import dlt', 'd', '\n'];

/** Texts made of the words' pieces, so that edits make, cut and join occurrences. */
const piece = fc.constantFrom(
  'dlt',
  'd',
  'lt',
  '.',
  'dp',
  'p.',
  'pipe',
  'lines',
  'pipelines.',
  'faker',
  'fa',
  'ker',
  ' ',
  '\n',
  'import ',
  'x = 1\n',
  '@dlt.table\n',
);
const textOf = fc.array(piece, { maxLength: 30 }).map((p) => p.join(''));

/** One replacement, by fractions of the text it applies to (so that it always fits). */
const change = fc.record({ at: fc.double({ min: 0, max: 1, noNaN: true }), span: fc.double({ min: 0, max: 0.3, noNaN: true }), text: textOf });

function apply(text: string, c: { at: number; span: number; text: string }): { text: string; edit: EditedRange } {
  const start = Math.floor(c.at * text.length);
  const oldEnd = Math.min(text.length, start + Math.floor(c.span * text.length));
  return { text: text.slice(0, start) + c.text + text.slice(oldEnd), edit: { start, oldEnd, newEnd: start + c.text.length } };
}

/** The changes of one step applied in turn, and the step's words carried from the previous owner's through their merged range. */
function nextWords(text: string, previous: object, changes: { at: number; span: number; text: string }[]) {
  const edits: EditedRange[] = [];
  for (const c of changes) {
    const next = apply(text, c);
    text = next.text;
    edits.push(next.edit);
  }
  const owner = {};
  return { text, owner, words: new TextWords(text, owner, previous, mergeEdits(edits)) };
}

describe('context/textWords', () => {
  it('merges edits into the one range outside which the first and last texts agree', () => {
    fc.assert(
      fc.property(textOf, fc.array(change, { minLength: 1, maxLength: 5 }), (original, changes) => {
        let text = original;
        const edits: EditedRange[] = [];
        for (const c of changes) {
          const next = apply(text, c);
          text = next.text;
          edits.push(next.edit);
        }
        const m = mergeEdits(edits)!;
        assert.equal(original.slice(0, m.start), text.slice(0, m.start));
        assert.equal(original.slice(m.oldEnd), text.slice(m.newEnd));
        assert.ok(m.start <= m.oldEnd && m.oldEnd <= original.length && m.start <= m.newEnd && m.newEnd <= text.length, JSON.stringify(m));
      }),
      { seed: 2323, numRuns: 2000 },
    );
  });

  it('answers every word as a search of the text would, after each of a sequence of (merged) edits', () => {
    let asked = 0;
    let carried = 0;
    fc.assert(
      fc.property(
        textOf,
        fc.array(fc.record({ changes: fc.array(change, { minLength: 1, maxLength: 3 }), asks: fc.subarray(WORDS, { minLength: 1 }) }), {
          minLength: 1,
          maxLength: 8,
        }),
        (original, steps) => {
          let text = original;
          let owner = {};
          let words = new TextWords(text, owner);
          for (const w of WORDS) assert.equal(words.firstOf(w), text.indexOf(w));
          for (const step of steps) {
            ({ text, owner, words } = nextWords(text, owner, step.changes));
            // Only some words are asked at each step: the next step finds the others unanswered and searches them whole.
            for (const w of step.asks) {
              asked++;
              if (words.carries(w)) carried++;
              assert.equal(words.firstOf(w), text.indexOf(w), `${JSON.stringify(w)} in ${JSON.stringify(text)}`);
            }
          }
        },
      ),
      { seed: 1823, numRuns: 1500 },
    );
    // Carrying must not silently stop: most words asked were answered at the step before.
    assert.ok(carried > asked / 3, `${carried} of ${asked} carried`);
  });

  it('answers the DLT import as the pattern does, after each of a sequence of (merged) edits, carried through most', () => {
    // Pieces that make, cut and join the four imports, their line starts and the word boundary after them.
    const importPiece = fc.constantFrom(
      'import dlt',
      'import dl',
      't',
      'from dlt import x',
      'from pyspark import pipelines',
      'import pyspark.pipelines',
      'import pyspark',
      '.pipelines',
      'pipelines',
      'dlt',
      'from ',
      'import ',
      ' ',
      '  ',
      '\n',
      '\r\n',
      'x',
      '_',
      'x = 1\n',
      '# import dlt\n',
      '"""pipelines"""\n',
    );
    const importText = fc.array(importPiece, { maxLength: 24 }).map((p) => p.join(''));
    const importChange = fc.record({ at: fc.double({ min: 0, max: 1, noNaN: true }), span: fc.double({ min: 0, max: 0.3, noNaN: true }), text: importText });
    const before = { ...dltImportCounts };
    let asked = 0;
    let matched = 0;
    fc.assert(
      fc.property(
        importText,
        fc.array(fc.record({ changes: fc.array(importChange, { minLength: 1, maxLength: 3 }), ask: fc.boolean() }), { minLength: 1, maxLength: 10 }),
        (original, steps) => {
          let text = original;
          let owner = {};
          let words = new TextWords(text, owner);
          assert.equal(words.importsDlt(), DLT_IMPORT.test(text));
          for (const step of steps) {
            ({ text, owner, words } = nextWords(text, owner, step.changes));
            // Some steps do not ask: the next step finds no answer to carry and searches whole.
            if (!step.ask) continue;
            asked++;
            const answer = words.importsDlt();
            if (answer) matched++;
            assert.equal(answer, DLT_IMPORT.test(text), JSON.stringify(text));
          }
        },
      ),
      { seed: 2424, numRuns: 1500 },
    );
    const kept = dltImportCounts.kept - before.kept;
    const near = dltImportCounts.near - before.near;
    // Carrying must not silently stop: both ways of carrying answer a good share of the questions.
    assert.ok(matched > asked / 5 && matched < (asked * 4) / 5, `${matched} of ${asked} match`);
    assert.ok(kept > asked / 10, `kept ${kept} of ${asked}`);
    assert.ok(near > asked / 5, `near ${near} of ${asked}`);
  });

  it("reads the DLT import near the edit only, and the whole text when the run of the import's letters is too long", () => {
    // A previous match before, after, and across the edit; none before and one made by the edit.
    const text = 'x = 1\nimport dlt\ny = 2\n';
    assert.deepEqual(carriedDltImport(text, [6, 16], { start: 18, oldEnd: 18, newEnd: 18 }), [6, 16]);
    assert.deepEqual(carriedDltImport('z\n' + text, [6, 16], { start: 0, oldEnd: 0, newEnd: 2 }), [8, 18]);
    // The boundary after it edited (`import dltx`): searched again, and the import is gone.
    assert.equal(carriedDltImport('x = 1\nimport dltx\ny = 2\n', [6, 16], { start: 16, oldEnd: 16, newEnd: 17 }), null);
    // The line start before it edited (`1import dlt`): gone.
    assert.equal(carriedDltImport('x = 1import dlt\ny = 2\n', [6, 16], { start: 5, oldEnd: 6, newEnd: 5 }), null);
    // None before: the `t` typed completes it; the run of its letters reaches back to the line start.
    assert.deepEqual(carriedDltImport(text, null, { start: 15, oldEnd: 15, newEnd: 16 }), [6, 16]);
    // None before, and Enter typed in front of the import (`ximport dlt`): the match starts where the edit ends.
    assert.deepEqual(carriedDltImport('x\nimport dlt\n', null, { start: 1, oldEnd: 1, newEnd: 2 }), [2, 12]);
    // Those answers read no more than the edit's neighbourhood; a run of the import's letters past the budget is searched whole.
    const searched = dltImportCounts.searched;
    assert.deepEqual(carriedDltImport(text, null, { start: 0, oldEnd: 0, newEnd: 0 }), null);
    assert.equal(dltImportCounts.searched, searched);
    const letters = 'x\n' + 'import '.repeat(700) + 'dlt\n';
    assert.equal(carriedDltImport(letters, null, { start: letters.length - 1, oldEnd: letters.length - 1, newEnd: letters.length }), null);
    assert.equal(dltImportCounts.searched, searched + 1);
  });

  it('searches the whole text when the range does not fit the two texts', () => {
    const before = {};
    new TextWords('import dlt\n', before).firstOf('dlt');
    const words = new TextWords('x = 1\nimport dlt\n', {}, before, { start: 0, oldEnd: 0, newEnd: 3 });
    assert.equal(words.carries('dlt'), false);
    assert.equal(words.firstOf('dlt'), 13);
  });

  it('gives the code context the answers of a whole-text search while a file becomes a DLT source, a generator and a job again', () => {
    const text = py`
      from pyspark.sql import functions as F
      import dlt as d
      df = spark.readStream.table("raw")
      df.writeStream.format("delta").start("/mnt/out")
      rows = spark.table("t").collect()
    `;
    const edits: [string, string][] = [
      ['import dlt as d', 'import dlt'],
      ['import dlt', 'import dl'],
      ['df = spark', '@dp.table\ndef t():\n    return spark.table("a")\ndf = spark'],
      ['@dp.table', '@dlt.table'],
      ['from pyspark', 'from faker import Faker\nfrom pyspark'],
      ['from faker', 'from fake'],
      ['@dlt.table', '@dp.table'],
      // No `dlt` left: the import is found by its other word.
      ['import dl\n', 'from pyspark import pipelines as dp\n'],
    ];
    let owner = {};
    let current = text;
    let words = new TextWords(current, owner);
    new CodeContext(current, { words, path: 'etl/job.py' });
    const kinds = new Set<string>();
    let carried = 0;
    for (const [from, to] of edits) {
      const start = current.indexOf(from);
      assert.ok(start >= 0, from);
      current = current.slice(0, start) + to + current.slice(start + from.length);
      const previous = owner;
      owner = {};
      words = new TextWords(current, owner, previous, { start, oldEnd: start + from.length, newEnd: start + to.length });
      if (words.carries('dlt')) carried++;
      const withWords = new CodeContext(current, { words, path: 'etl/job.py' });
      const searched = new CodeContext(current, { path: 'etl/job.py' });
      assert.deepEqual(withWords.file, searched.file, current);
      assert.equal(withWords.pipelineSource, searched.pipelineSource, current);
      // And both as the patterns themselves say (the word tests are only a shortcut to them).
      assert.equal(searched.pipelineSource, DLT_IMPORT.test(current) || MANAGED_DECORATOR_LINE.test(current), current);
      if (!FAKER_IMPORT.test(current)) assert.equal(searched.file.why === 'Lakeflow / DLT pipeline source', DLT_IMPORT.test(current), current);
      kinds.add(`${withWords.file.why} ${withWords.pipelineSource}`);
    }
    // The edits move the file between kinds: a DLT source (by import, by decorator), a generator, a job module.
    assert.ok(kinds.size >= 4, [...kinds].join(' | '));
    assert.equal(carried, edits.length);
  });

  it('gives the analysis the findings of a fresh one through the document store while the DLT import is typed and removed', async () => {
    const parser = await loadParser();
    const original = py`
      from pyspark.sql import functions as F
      df = spark.readStream.table("raw")
      df.writeStream.format("delta").start("/mnt/out")
      rows = spark.table("t").collect()
      n = spark.table("t").count()
    `;
    const typed =
      (at: (t: string) => number, text: string) =>
      (t: string): TextChange[] => [{ start: at(t), end: at(t), text }];
    const removed =
      (what: string) =>
      (t: string): TextChange[] =>
        t.includes(what) ? [{ start: t.indexOf(what), end: t.indexOf(what) + what.length, text: '' }] : [];
    const steps = [
      typed(() => 0, 'import d'),
      typed(() => 8, 'lt\n'),
      typed((t) => t.indexOf('rows'), '@dlt.table\ndef t():\n    return spark.table("a")\n'),
      removed('import dlt\n'),
      removed('@dlt.table\n'),
      typed(() => 0, 'from faker import Faker\n'),
      removed('faker'),
    ].map((changes) => ({ changes, extra: 'none' as const }));
    const whys = new Set<string>();
    stepsEqualFresh(parser, 'etl/job.py', original, steps, (r: AnalysisResult) => r.findings.forEach((f) => whys.add(f.context?.why ?? '')));
    assert.ok(whys.size >= 2, [...whys].join(' | '));
  });
});
