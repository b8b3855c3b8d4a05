// One file must never blind the linter for the others (issue 18): text nested deeper than
// tree-sitter-python's scanner survives is refused before parsing, and when the parser fails
// anyway its wasm runtime is thrown away and a fresh one parses the next file.
import * as assert from 'node:assert/strict';
import fc from 'fast-check';
import { analyze } from '../../server/src/analysis';
import { defaultSettings } from '../../shared/settings';
import { DocumentStore } from '../../server/src/lsp/documentStore';
import { indentLevels, MAX_INDENT_LEVELS, ParseFailure, PythonParser } from '../../server/src/parsing/pythonParser';
import { syntaxRoot } from '../../server/src/parsing/syntaxTree';
import { mixedIndentFile } from './parserFixtures';

const GOOD =
  'from pyspark.sql import SparkSession\nspark = SparkSession.builder.getOrCreate()\ndf = spark.read.parquet("s3://b/x").where("amount > 0")\nif df.count() > 0:\n    df.coalesce(1).write.parquet("s3://b/y")\n';

function codesOf(parser: PythonParser, text: string): string[] {
  const tree = parser.parse(text);
  try {
    // PSA301 is strict (opt-in): a severity turns it on, so the good file keeps a finding after an edit too.
    return analyze(tree, text, { settings: { ...defaultSettings(), 'rules.severity': { PSA301: 'warning' } } })
      .findings.map((f) => f.code)
      .sort();
  } finally {
    parser.release(tree);
  }
}

function isFailure(kind: ParseFailure['kind']) {
  return (e: unknown) => e instanceof ParseFailure && e.kind === kind;
}

describe('parser isolation', function () {
  this.timeout(30_000);

  describe('indentation measured as tree-sitter-python measures it', () => {
    it('a tab adds 8 columns whatever precedes it, so " \\t" is deeper than "\\t"', () => {
      assert.equal(indentLevels('if a:\n\tif b:\n \tif c:\n  \tx = 1\n'), 3);
      // Tab stops would make all three 8 columns wide: one level.
      assert.equal(indentLevels(mixedIndentFile()), 520);
    });

    it("blank and comment-only lines do not count; a backslash-newline joins two lines' indentation", () => {
      assert.equal(indentLevels('if a:\n    # deep comment\n\n        \n    x = 1\n'), 1);
      // The scanner measures "  \\\n  " as 4 columns; the second line alone is 2.
      assert.equal(indentLevels('if a:\n  \\\n  x = 1\n'), 1);
      assert.equal(indentLevels('if a:\n   \\\n   x\nif b:\n    y\n'), 2);
      // \f and \r reset the count (a form feed before the code: width 0).
      assert.equal(indentLevels('if a:\n    \fx = 1\n'), 0);
    });

    it('a dip to column 0 inside brackets does not hide the levels before and after it', () => {
      // The scanner does not dedent inside brackets, so its stack keeps growing past the dip.
      const lines = [];
      for (let i = 0; i < 200; i++) lines.push(`${' '.repeat(i)}if x:`);
      lines.push(`${' '.repeat(200)}y = (`, '0,', `${' '.repeat(200)})`);
      for (let i = 201; i < 400; i++) lines.push(`${' '.repeat(i)}if x:`);
      lines.push(`${' '.repeat(400)}pass`);
      assert.ok(indentLevels(lines.join('\n')) > MAX_INDENT_LEVELS);
    });

    it('real code is far from the limit', () => {
      const text = 'def f(a,\n      b):\n    if a:\n        return (b +\n                1)\n    return 0\n';
      assert.equal(indentLevels(text.repeat(1000)), 4);
    });
  });

  describe('a parser that fails is replaced', () => {
    it("the issue's file is refused by the guard; the next file is analysed", async () => {
      const parser = await PythonParser.create();
      assert.throws(() => parser.parse(mixedIndentFile()), isFailure('too-deep'));
      assert.deepEqual(codesOf(parser, GOOD), ['PSA104', 'PSA301']);
      assert.equal(parser.restarts, 0);
    });

    it('without the guard the file corrupts wasm memory: that runtime is dropped and a fresh one parses normal files', async () => {
      const parser = await PythonParser.create({ indentGuard: false });
      const before = parser.parse(GOOD);
      assert.throws(() => parser.parse(mixedIndentFile()), isFailure('parser-crashed'));
      assert.equal(parser.restarts, 1);
      // Until the new runtime is up, files are turned away rather than parsed by the broken one.
      assert.throws(() => parser.parse(GOOD), isFailure('parser-restarting'));
      await parser.ready();
      assert.deepEqual(codesOf(parser, GOOD), ['PSA104', 'PSA301']);
      // A tree of the broken runtime is never touched again (its memory is garbage).
      assert.equal(parser.owns(before), false);
      parser.release(before);
      // Several times in a row: each failure gets its own fresh runtime.
      for (let i = 0; i < 2; i++) {
        assert.throws(() => parser.parse(mixedIndentFile()), isFailure('parser-crashed'));
        await parser.ready();
        assert.deepEqual(codesOf(parser, GOOD), ['PSA104', 'PSA301']);
      }
      assert.equal(parser.restarts, 3);
    });

    it('the document store parses documents again after a restart, and never re-parses the file that failed', async () => {
      const parser = await PythonParser.create({ indentGuard: false });
      const store = new DocumentStore(parser, () => false);
      store.open('file:///good.py', 'python', 1, GOOD);
      const bad = store.open('file:///bad.py', 'python', 1, mixedIndentFile());
      assert.equal(bad.tree, undefined);
      assert.equal(bad.notParsed?.kind, 'parser-crashed');
      await parser.ready();
      // good.py's tree belonged to the broken runtime: get() gives a tree of the new one.
      const good = store.get('file:///good.py')!;
      assert.ok(good.tree && parser.owns(good.tree));
      assert.equal(syntaxRoot(good.tree, GOOD).namedChildren.length, 4);
      assert.equal(store.reparse('file:///bad.py')!.tree, undefined, 'the failing text is not parsed again');
      assert.equal(parser.restarts, 1);
      // An edit to good.py reuses nothing of the old tree and parses cleanly.
      store.change('file:///good.py', 2, [{ range: { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } }, text: '# edited\n' }]);
      assert.equal(store.get('file:///good.py')!.tree!.rootNode.hasError, false);
      store.dispose();
    });
  });

  describe('fuzz: with the guard on, no text breaks the parser', () => {
    const indentChar = fc.constantFrom(' ', '\t', ' \t', '\t ', '  ', '\f', '\\\n');
    const tail = fc.constantFrom('s = "abc"', 't = f"{s}"', 'u = f"{f\'{x}\'}"', 'v = """open', 'w = f"{', 'x = (', "y = '", 'z = 1');
    /** Nested blocks with random tab/space indentation, ending in strings and f-strings at depth. */
    const nested = fc
      .record({
        levels: fc.integer({ min: 300, max: 600 }),
        steps: fc.array(fc.array(indentChar, { minLength: 1, maxLength: 2 }), { minLength: 1, maxLength: 6 }),
        tails: fc.array(tail, { minLength: 1, maxLength: 4 }),
      })
      .map(({ levels, steps, tails }) => {
        let indent = '';
        let s = '';
        for (let i = 0; i < levels; i++) {
          s += `${indent}if x:\n`;
          indent += steps[i % steps.length].join('');
        }
        return s + tails.map((t) => `${indent}${t}\n`).join('');
      });

    it('every text either parses or is refused as too deep, and the parser is never restarted', async () => {
      const parser = await PythonParser.create();
      fc.assert(
        fc.property(nested, (text) => {
          try {
            parser.release(parser.parse(text));
          } catch (e) {
            if (!isFailure('too-deep')(e)) throw e;
          }
          parser.release(parser.parse(GOOD));
          return parser.restarts === 0;
        }),
        { seed: 18, numRuns: 20 },
      );
    });

    it('the guard is sound: every text that breaks an unguarded parser is one the guard refuses', async () => {
      const parser = await PythonParser.create({ indentGuard: false });
      let crashes = 0;
      await fc.assert(
        fc.asyncProperty(nested, async (text) => {
          try {
            parser.release(parser.parse(text));
          } catch (e) {
            if (!isFailure('parser-crashed')(e)) throw e;
            crashes++;
            assert.ok(indentLevels(text, MAX_INDENT_LEVELS) > MAX_INDENT_LEVELS, 'a text that broke the parser passed the guard');
            await parser.ready();
          }
        }),
        { seed: 1818, numRuns: 15 },
      );
      assert.ok(crashes > 0, 'the generator must produce texts that break the unguarded parser');
    });
  });
});
