// Property / fuzz tests: random and mutated Python through the whole engine (model, every rule,
// every quick fix). Fixed seeds keep CI deterministic; a failure prints the seed and the shrunk
// input. Runtime budget: well under a minute.
import * as assert from 'node:assert/strict';
import fc from 'fast-check';
import { analyze } from '../../server/src/analysis';
import { DocumentStore } from '../../server/src/lsp/documentStore';
import { buildModel } from '../../server/src/model/buildModel';
import { countSyntaxErrors, indentLevels, MAX_INDENT_LEVELS, ParseFailure, type PythonParser } from '../../server/src/parsing/pythonParser';
import { SyntaxTree, syntaxTreeOf, type SyntaxNode } from '../../server/src/parsing/syntaxTree';
import { checkText, MUTATION_TOKENS, mutate, ruleFixtureTexts, sampleFiles, type Mutation } from './fuzzHelpers';
import { loadParser } from './helpers';

const SPARK_PREFIX = 'from pyspark.sql import SparkSession\nfrom pyspark.sql import functions as F\nspark = SparkSession.builder.getOrCreate()\n';

describe('fuzz: the engine never throws, hangs, leaves the text or breaks the syntax', function () {
  this.timeout(60_000);
  let parser: PythonParser;
  let seeds: string[];
  before(async () => {
    parser = await loadParser();
    seeds = [...sampleFiles().map((s) => s.text), ...ruleFixtureTexts()];
    assert.ok(seeds.length > 50, `expected the samples and rule fixtures as seeds, got ${seeds.length}`);
  });

  it('every seed (samples and rule fixtures) passes as is', () => {
    let fixes = 0;
    for (const s of seeds) fixes += checkText(parser, s).fixes;
    assert.ok(fixes > 50, `the seeds should exercise many quick fixes, got ${fixes}`);
  });

  // Regression (found by the mutation property, seed 7): a lone CR inside a call ends the line for
  // the editor but not for tree-sitter's comment token, so an appended `# noqa` swallowed `)))`.
  it('regression: no noqa suppression that comments out the rest of a CR-only line', () => {
    checkText(parser, 'from pyspark.sql import functions as F\nspark.sql(sql).withColumn("q", F.lit(hash("SELECT 1"\r)))\n');
  });

  // Regression (found by the mutation property, seed 2002, once the seeds changed): a lone CR inside the
  // last import line made "add import os" land in the middle of that statement for tree-sitter.
  it('regression: no import inserted into a line that holds a lone CR', () => {
    checkText(
      parser,
      'from pyspark.sql import SparkS\r  ession\n\nspark = SparkSession.builder.getOrCreate()\nprops = {"user": "etl", "password": "Pr0d-s3cret!", "driver": "org.postgresql.Driver"}\norders = spark.r:ead.jdbc("jdbc:postgresql://db:5432/shop", "public.orders", properties=props)\n',
    );
  });

  it('truncated files (cut at any offset)', () => {
    fc.assert(
      fc.property(fc.nat(), fc.nat(), (i, cut) => {
        const s = seeds[i % seeds.length];
        checkText(parser, s.slice(0, cut % (s.length + 1)));
      }),
      { seed: 1001, numRuns: 150 },
    );
  });

  const mutation: fc.Arbitrary<Mutation> = fc.oneof(
    fc.record({ kind: fc.constant('insert' as const), at: fc.nat(), token: fc.constantFrom(...MUTATION_TOKENS) }),
    fc.record({ kind: fc.constant('delete' as const), at: fc.nat(), length: fc.integer({ min: 1, max: 6 }) }),
    fc.record({ kind: fc.constant('tabs' as const), line: fc.nat() }),
  );

  it('random insertions/deletions of brackets, quotes, colons, backslashes, tabs', () => {
    fc.assert(
      fc.property(fc.nat(), fc.array(mutation, { minLength: 1, maxLength: 8 }), (i, ms) => {
        checkText(parser, mutate(seeds[i % seeds.length], ms));
      }),
      { seed: 2002, numRuns: 250 },
    );
  });

  it("the copy's raw wasm walk reads what web-tree-sitter's TreeCursor reads, on mutated and junk text", () => {
    const units = fc.array(fc.integer({ min: 0, max: 0xffff }), { maxLength: 120 }).map((cs) => String.fromCharCode(...cs));
    fc.assert(
      fc.property(fc.nat(), fc.array(mutation, { minLength: 1, maxLength: 8 }), units, (i, ms, junk) => {
        const mutated = mutate(seeds[i % seeds.length], ms);
        for (const text of [mutated, mutated.slice(0, mutated.length >> 1) + junk + mutated.slice(mutated.length >> 1)]) {
          let tree;
          try {
            tree = parser.parse(text);
          } catch (e) {
            if (e instanceof ParseFailure && e.kind === 'too-deep') continue;
            throw e;
          }
          try {
            assert.deepEqual(new SyntaxTree(tree, text).facts(), new SyntaxTree(tree, text, undefined, true).facts());
          } finally {
            tree.delete();
          }
        }
      }),
      { seed: 2525, numRuns: 150 },
    );
  });

  it('random UTF-16 code units (NUL, lone surrogates, control characters) spliced into PySpark', () => {
    const units = fc.array(fc.integer({ min: 0, max: 0xffff }), { maxLength: 200 }).map((cs) => String.fromCharCode(...cs));
    fc.assert(
      fc.property(fc.nat(), fc.nat(), units, (i, at, junk) => {
        const s = seeds[i % seeds.length];
        const k = at % (s.length + 1);
        checkText(parser, s.slice(0, k) + junk + s.slice(k));
        checkText(parser, SPARK_PREFIX + junk);
      }),
      { seed: 3003, numRuns: 120 },
    );
  });

  it('random bytes decoded as UTF-8 (invalid sequences) and as Latin-1 (non-UTF-8 text)', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 400 }), (bytes) => {
        const b = Buffer.from(bytes);
        checkText(parser, SPARK_PREFIX + b.toString('utf8'));
        checkText(parser, SPARK_PREFIX + b.toString('latin1'));
      }),
      { seed: 4004, numRuns: 120 },
    );
  });

  it('a sample re-encoded as Latin-1 / UTF-16 and read back as UTF-8', () => {
    for (const s of seeds.slice(0, 5)) {
      const accented = s.replace(/"([a-z_]+)"/g, '"$1_é€"');
      checkText(parser, Buffer.from(accented, 'latin1').toString('utf8'));
      checkText(parser, Buffer.from(accented, 'utf16le').toString('utf8'));
      checkText(parser, '\ufeff' + accented.replace(/\n/g, '\r\n'));
    }
  });

  it('random printable Python-ish token soup', () => {
    const tokens = fc.constantFrom(
      'df',
      'spark',
      '.',
      '(',
      ')',
      '[',
      ']',
      ':',
      '\n',
      '    ',
      '"x"',
      "'y'",
      'F.col',
      'withColumn',
      'groupBy',
      'agg',
      'write',
      'writeStream',
      'readStream',
      'option',
      'save',
      'count()',
      'for',
      'in',
      'if',
      'def',
      'lambda',
      'return',
      '=',
      ',',
      '\\',
      '#',
      '# noqa',
      'udf',
      '@',
      'coalesce(1)',
      'f"{',
      '}"',
      '"""',
      'import',
      'from',
      'as',
      'hash',
      'collect()',
      'partitionBy',
      '1',
      '0',
      '*',
      '**',
      'None',
      'True',
      'class',
      'with',
      'try:',
      'except',
    );
    fc.assert(
      fc.property(fc.array(tokens, { maxLength: 300 }), (ts) => {
        checkText(parser, SPARK_PREFIX + ts.join(' '));
        checkText(parser, SPARK_PREFIX + ts.join(''));
      }),
      { seed: 5005, numRuns: 150 },
    );
  });

  // -------------------------------------------------------------- pathological sizes and shapes

  const spark = (body: string) => `${SPARK_PREFIX}df = spark.read.parquet("s3://x/")\n${body}\n`;

  it('a 1 MB single line (a chain, and a string literal)', () => {
    const chain = 'df = df' + '.withColumn("a", F.lit(1))'.repeat(Math.ceil(1_000_000 / 26)) + '.coalesce(1).write.parquet("s3://y/")';
    checkText(parser, spark(chain));
    checkText(parser, spark(`x = "${'a'.repeat(1_000_000)}"; df.write.option("password", x).save("s3://y/")`));
  });

  it('50k nested parentheses, lists and calls; 5k nested if blocks', () => {
    const n = 50_000;
    checkText(parser, spark(`y = ${'('.repeat(n)}df.count()${')'.repeat(n)}`));
    checkText(parser, spark(`y = ${'['.repeat(n)}df${']'.repeat(n)}`));
    checkText(parser, spark(`y = ${'f('.repeat(n)}df.collect()${')'.repeat(n)}`));
    checkText(parser, spark(`y = df${'.select(F.col("a"))'.repeat(5_000)}.count()`));
    checkText(parser, spark(`${'('.repeat(n)}`)); // unclosed
    const ifs: string[] = [];
    for (let i = 0; i < 5_000; i++) ifs.push(`${' '.repeat(i)}if df.count() > ${i}:`);
    ifs.push(`${' '.repeat(5_000)}df.coalesce(1).write.parquet("s3://y/")`);
    checkText(parser, spark(ifs.join('\n')));
  });

  // Regression: 511 nested blocks ending in a string made tree-sitter-python's scanner write past its
  // 1024-byte state buffer; wasm memory was corrupted and every later parse in the process failed
  // with "memory access out of bounds" (one bad file killed the server's analysis of all files).
  it('regression: 600 nested if blocks do not corrupt the parser for later files', () => {
    const deep = (levels: number, step: number) => {
      const out = ['import os'];
      for (let i = 0; i < levels; i++) out.push(`${' '.repeat(i * step)}if x:`);
      out.push(`${' '.repeat(levels * step)}df.coalesce(1).write.parquet("s3://y/")`);
      return out.join('\n') + '\n';
    };
    for (const [levels, step] of [
      [511, 2],
      [600, 1],
      [1000, 1],
    ]) {
      const text = deep(levels, step);
      assert.ok(indentLevels(text) > MAX_INDENT_LEVELS);
      assert.throws(
        () => parser.parse(SPARK_PREFIX + text),
        (e: unknown) => e instanceof ParseFailure && e.kind === 'too-deep',
      );
      const after = parser.parse('x = (1,\n')!;
      assert.equal(countSyntaxErrors(after.rootNode), 1, 'the parser still works after the deep file');
      after.delete();
    }
    // Just under the limit is parsed normally.
    const ok = parser.parse(deep(MAX_INDENT_LEVELS - 1, 1));
    assert.ok(ok.rootNode.namedChildCount > 1);
    ok.delete();
    // Through the document store: a document becoming too deep and back is reparsed from scratch.
    const store = new DocumentStore(parser, () => false);
    const uri = 'file:///deep.py';
    const shallow = 'import os\nif x:\n    y = 1\n';
    store.open(uri, 'python', 1, shallow);
    store.change(uri, 2, [{ range: { start: { line: 3, character: 0 }, end: { line: 3, character: 0 } }, text: deep(600, 1) }]);
    assert.equal(store.get(uri)!.tree, undefined);
    assert.equal(store.get(uri)!.notParsed?.kind, 'too-deep');
    store.change(uri, 3, [{ range: { start: { line: 3, character: 0 }, end: { line: 3 + 602, character: 0 } }, text: 'z = 2\n' }]);
    assert.equal(store.get(uri)!.document.getText(), shallow + 'z = 2\n');
    assert.equal(store.get(uri)!.tree!.rootNode.namedChildCount, 3);
    assert.equal(store.get(uri)!.tree!.rootNode.hasError, false);
    store.dispose();
  });

  // An unchanged statement's text can parse differently in the edited tree (with a MISSING node
  // after an unbalanced "(" above it): the copy must not take the previous copy's statement for it.
  it('regression: a statement with the same text is not reused where the new tree gives it an error', () => {
    // The shrunk counterexample of the property below, on the PSA501_2 rule fixture.
    const text = ruleFixtureTexts().find((t) => t.includes('test/snapshots/rules/PSA501_2.snap'))!;
    const store = new DocumentStore(parser, () => false);
    const uri = 'file:///unbalanced.py';
    store.open(uri, 'python', 1, text);
    try {
      let version = 1;
      for (const inserted of ['def f():\n    pass\n', '(']) {
        const doc = store.get(uri)!;
        syntaxTreeOf(doc.tree!, doc.document.getText());
        store.change(uri, ++version, [{ range: { start: doc.document.positionAt(0), end: doc.document.positionAt(1) }, text: inserted }]);
        const after = store.get(uri)!;
        const edited = after.document.getText();
        assert.deepEqual(syntaxTreeOf(after.tree!, edited).facts(), new SyntaxTree(after.tree!, edited).facts());
      }
    } finally {
      store.dispose();
    }
  });

  it('incremental copies equal fresh copies through random editor edits (DocumentStore)', () => {
    const shape = (t: SyntaxTree) => {
      const out: string[] = [];
      const stack: SyntaxNode[] = [t.root];
      while (stack.length) {
        const n = stack.pop()!;
        // Nodes taken over from the previous copy must belong to this one, their children pointing back at them.
        const owned = n.owner === t && n.children.every((c) => c.parent === n) ? '' : ' NOT OWNED';
        out.push(`${n.id}/${n.subtreeEnd} ${n.type} ${n.startIndex}-${n.endIndex} ${n.flags} [${n.childFields.join(',')}] ${n.parent?.id ?? '-'}${owned}`);
        for (let i = n.children.length - 1; i >= 0; i--) stack.push(n.children[i]);
      }
      return out;
    };
    fc.assert(
      fc.property(
        fc.nat(),
        fc.array(fc.tuple(fc.double({ min: 0, max: 1, noNaN: true }), fc.nat(6), fc.constantFrom(...MUTATION_TOKENS, 'x = 1\n', 'def f():\n    pass\n', '')), {
          minLength: 1,
          maxLength: 6,
        }),
        (i, edits) => {
          const store = new DocumentStore(parser, () => false);
          const uri = 'file:///edited.py';
          store.open(uri, 'python', 1, seeds[i % seeds.length]);
          try {
            let version = 1;
            for (const [where, removed, inserted] of edits) {
              const doc = store.get(uri)!;
              syntaxTreeOf(doc.tree!, doc.document.getText());
              const text = doc.document.getText();
              const start = Math.floor(where * text.length);
              const end = Math.min(text.length, start + removed);
              store.change(uri, ++version, [{ range: { start: doc.document.positionAt(start), end: doc.document.positionAt(end) }, text: inserted }]);
              const after = store.get(uri)!;
              const text2 = after.document.getText();
              assert.deepEqual(shape(syntaxTreeOf(after.tree!, text2)), shape(new SyntaxTree(after.tree!, text2)));
            }
          } finally {
            store.dispose();
          }
        },
      ),
      { seed: 4242, numRuns: 120 },
    );
  });

  it('incremental copies equal fresh copies when a version moves, swaps or duplicates lines (several changes in one version)', () => {
    // One editor version with several changes (a line moved up or down, two lines swapped, a line
    // duplicated below, an edit at each end): statements after the first change are then not where
    // one offset delta moves them, and the copy looks them up by type and text (`takeReusable`),
    // which picks the first untaken statement of that text, also among statements of equal length.
    const shape = (t: SyntaxTree) =>
      [...Array(t.size).keys()].map((id) => {
        const n = t.nodeAt(id);
        const owned = n.owner === t && n.children.every((c) => c.parent === n) ? '' : ' NOT OWNED';
        return `${n.id}/${n.subtreeEnd} ${n.type} ${n.startIndex}-${n.endIndex} ${n.flags} [${n.childFields.join(',')}] ${n.parent?.id ?? '-'}${owned}`;
      });
    const lineRange = (lines: string[], at: number) => ({
      start: { line: at, character: 0 },
      end: at + 1 < lines.length ? { line: at + 1, character: 0 } : { line: at, character: lines[at].length },
    });
    fc.assert(
      fc.property(
        fc.nat(),
        fc.array(
          fc.tuple(
            fc.constantFrom('move', 'swap', 'duplicate', 'ends'),
            fc.double({ min: 0, max: 1, noNaN: true }),
            fc.double({ min: 0, max: 1, noNaN: true }),
          ),
          {
            minLength: 1,
            maxLength: 5,
          },
        ),
        (i, edits) => {
          const store = new DocumentStore(parser, () => false);
          const uri = 'file:///moved.py';
          store.open(uri, 'python', 1, seeds[i % seeds.length]);
          try {
            let version = 1;
            for (const [kind, a, b] of edits) {
              const doc = store.get(uri)!;
              const text = doc.document.getText();
              const before = syntaxTreeOf(doc.tree!, text);
              // Node objects made before the edit, so that adoption has objects to move.
              void before.root.descendantsOfType('identifier');
              const lines = text.split('\n');
              if (lines.length < 3) return;
              const x = Math.floor(a * (lines.length - 1));
              const y = Math.floor(b * (lines.length - 1));
              const lo = Math.min(x, y);
              const hi = Math.max(x, y);
              if (lo === hi && kind !== 'duplicate' && kind !== 'ends') continue;
              const line = (k: number) => ({ line: k, character: 0 });
              // Changes are applied in order, each in the text the previous one left.
              let changes: { range: { start: { line: number; character: number }; end: { line: number; character: number } }; text: string }[];
              if (kind === 'move')
                // The line at `hi` cut and inserted above `lo` (the later change first, so `lo` stays put).
                changes = [
                  { range: { start: line(hi), end: line(hi + 1) }, text: '' },
                  { range: { start: line(lo), end: line(lo) }, text: `${lines[hi]}\n` },
                ];
              else if (kind === 'swap')
                changes = [
                  { range: lineRange(lines, hi), text: `${lines[lo]}\n` },
                  { range: lineRange(lines, lo), text: `${lines[hi]}\n` },
                ];
              else if (kind === 'duplicate') changes = [{ range: { start: line(hi + 1), end: line(hi + 1) }, text: `${lines[lo]}\n` }];
              else
                changes = [
                  { range: { start: line(lines.length - 1), end: line(lines.length - 1) }, text: '\nz = 1\n' },
                  { range: { start: line(0), end: line(0) }, text: 'import os\n' },
                ];
              store.change(uri, ++version, changes);
              const after = store.get(uri)!;
              const text2 = after.document.getText();
              const copy = syntaxTreeOf(after.tree!, text2);
              assert.deepEqual(shape(copy), shape(new SyntaxTree(after.tree!, text2)), `${kind} ${lo} ${hi}`);
            }
          } finally {
            store.dispose();
          }
        },
      ),
      { seed: 4243, numRuns: 80 },
    );
  });

  it('the model survives deep nesting (recursion guard) and says it stopped', () => {
    const n = 50_000;
    for (const text of [
      spark(`y = ${'('.repeat(n)}df${')'.repeat(n)}`),
      spark(`y = ${'g('.repeat(n)}df${')'.repeat(n)}`),
      spark(`y = ${'['.repeat(n)}df${']'.repeat(n)}`),
    ]) {
      const tree = parser.parse(text);
      try {
        const { model } = buildModel(tree, text);
        assert.equal(model.truncated, true, 'a 50k-deep expression should hit the depth guard');
      } finally {
        tree.delete();
      }
    }
  });

  // Behaviour, not speed (speed is in `npm run bench`): the server and the CLI skip files over
  // maxFileSizeKb (2 MB by default); a 10 MB file is only parsed, a 2 MB one analysed in full.
  // The full 10 MB analysis takes about a minute on a 2-core machine: FUZZ_10MB=1 runs it too.
  it('a 10 MB file parses whole; a 2 MB one (the default size limit) is analysed', function () {
    // A hang guard only, generous for a busy shared machine.
    this.timeout(300_000);
    const unit = seeds.slice(0, 5).join('\n\n');
    const big = unit.repeat(Math.ceil(10_000_000 / unit.length));
    assert.ok(big.length >= 10_000_000);
    const tree = parser.parse(big);
    try {
      assert.equal(tree.rootNode.endIndex, big.length, 'the whole 10 MB text is in the tree');
    } finally {
      tree.delete();
    }
    const stats = checkText(parser, unit.repeat(Math.ceil(2_000_000 / unit.length)), { fixes: false });
    assert.ok(stats.findings > 0, 'the 2 MB text is analysed, not skipped');
    if (process.env.FUZZ_10MB) {
      this.timeout(600_000);
      checkText(parser, big, { fixes: false });
    }
  });

  it('analysis of non-PySpark junk is skipped cheaply', () => {
    const tree = parser.parse('\0'.repeat(100_000));
    try {
      assert.equal(analyze(tree, '\0'.repeat(100_000)).skipped, 'not-pyspark');
    } finally {
      tree.delete();
    }
  });
});
