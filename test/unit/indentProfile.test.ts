// The indentation guard of open documents, kept edit by edit (issue 18: a keystroke must not re-read
// the whole file): after any edits, the widths are exactly those a fresh scan of the text measures,
// and the bound is never below the true depth, so the guard refuses the same texts.
import * as assert from 'node:assert/strict';
import fc from 'fast-check';
import { DocumentStore, mapOffset } from '../../server/src/lsp/documentStore';
import { IndentProfile, indentLevels, MAX_INDENT_LEVELS, PythonParser, scannerIndentWidths } from '../../server/src/parsing/pythonParser';
import { mixedIndentFile } from './parserFixtures';

/** Pieces the scanner treats specially: indentation, line ends of every kind, comments, backslash joins, strings. */
const PIECES = ['    ', '  ', ' ', '\t', '\n', '\n', '\r\n', '\r', '\f', 'x = 1', 'if a:', '# note', '\\', '\\\n', '\\\r\n', '"""', 'df.select("a")', '\n    ', '\n\t\t', '\n        '];
const piece = fc.constantFrom(...PIECES);
const text = fc.array(piece, { maxLength: 60 }).map((p) => p.join(''));
const edit = fc.record({ at: fc.nat(), remove: fc.nat({ max: 12 }), insert: fc.array(piece, { maxLength: 4 }).map((p) => p.join('')) });

const lfPiece = fc.constantFrom(...PIECES.filter((p) => !p.includes('\r')));
const lfText = fc.array(lfPiece, { maxLength: 60 }).map((p) => p.join(''));
const lfEdit = fc.record({ at: fc.nat(), remove: fc.nat({ max: 12 }), insert: fc.array(lfPiece, { maxLength: 4 }).map((p) => p.join('')) });

function apply(profile: IndentProfile, before: string, e: { at: number; remove: number; insert: string }): string {
  const start = Math.min(e.at, before.length);
  const end = Math.min(start + e.remove, before.length);
  const after = before.slice(0, start) + e.insert + before.slice(end);
  profile.edit(start, end, e.insert, after);
  return after;
}

describe('IndentProfile: the parser guard kept up to date edit by edit', () => {
  it('after random edits, the widths are those of a fresh scan and the bound is at least the true depth', () => {
    fc.assert(
      fc.property(text, fc.array(edit, { minLength: 1, maxLength: 25 }), (initial, edits) => {
        const profile = new IndentProfile(initial);
        let current = initial;
        for (const e of edits) {
          current = apply(profile, current, e);
          assert.deepEqual(profile.lineWidths(), [...scannerIndentWidths(current)], JSON.stringify(current));
          assert.ok(profile.bound(Infinity) >= indentLevels(current));
        }
      }),
      { numRuns: 400 },
    );
  });

  it('is exact once a file has more distinct widths than the limit', () => {
    const deep = mixedIndentFile(MAX_INDENT_LEVELS + 20);
    const profile = new IndentProfile(deep);
    assert.equal(profile.bound(MAX_INDENT_LEVELS), indentLevels(deep, MAX_INDENT_LEVELS));
    assert.ok(profile.bound(MAX_INDENT_LEVELS) > MAX_INDENT_LEVELS);
  });

  it('an open document typed past the limit is refused as too deep, and parsed again once it is shallow', async () => {
    const parser = await PythonParser.create();
    const store = new DocumentStore(parser, () => false);
    const deep = mixedIndentFile(520);
    const half = deep.split('\n').slice(0, 200).join('\n') + '\n';
    const uri = 'file:///deep.py';
    const opened = store.open(uri, 'python', 1, half);
    assert.ok(opened.tree, '200 levels are parsed');
    const lines = half.split('\n').length - 1;
    const rest = deep.slice(half.length);
    const changed = store.change(uri, 2, [{ range: { start: { line: lines, character: 0 }, end: { line: lines, character: 0 } }, text: rest }])!;
    assert.equal(changed.tree, undefined);
    assert.equal(changed.notParsed?.kind, 'too-deep');
    const back = store.change(uri, 3, [{ range: { start: { line: lines, character: 0 }, end: { line: lines + rest.split('\n').length - 1, character: 0 } }, text: '' }])!;
    assert.equal(back.document.getText(), half);
    assert.ok(back.tree, 'parsed again after the deep part was deleted');
    store.dispose();
  });
});

describe('DocumentStore edit log: positions of an earlier version through the edits since', () => {
  it('maps every character no edit touched to where it is now, and back; touched ones map to nothing', async () => {
    const parser = await PythonParser.create();
    fc.assert(
      // LSP positions cannot point between \r and \n: these texts end lines with \n only.
      fc.property(lfText, fc.array(fc.array(lfEdit, { minLength: 1, maxLength: 3 }), { minLength: 1, maxLength: 8 }), (initial, batches) => {
        const store = new DocumentStore(parser, () => false);
        const uri = 'file:///mapped.py';
        store.open(uri, 'python', 1, initial);
        // Where each original character is now (-1: replaced or deleted by some edit).
        let origin = [...initial].map((_, i) => i);
        let version = 1;
        try {
          for (const batch of batches) {
            for (const e of batch) {
              const doc = store.get(uri)!.document;
              const current = doc.getText();
              const start = Math.min(e.at, current.length);
              const end = Math.min(start + e.remove, current.length);
              store.change(uri, ++version, [{ range: { start: doc.positionAt(start), end: doc.positionAt(end) }, text: e.insert }]);
              origin = origin.map((o) => (o < 0 || o < start ? o : o < end || (o === start && end > start) ? -1 : o + e.insert.length - (end - start)));
            }
          }
          const stored = store.get(uri)!;
          const now = stored.document.getText();
          origin.forEach((o, i) => {
            if (o < 0) return;
            assert.equal(now[o], initial[i]);
            assert.equal(mapOffset(stored, 1, i, true), o);
            assert.equal(mapOffset(stored, 1, o, false), i);
          });
        } finally {
          store.dispose();
        }
      }),
      { numRuns: 300 },
    );
  });
});
