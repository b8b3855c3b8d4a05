// Long runs of comment lines are handed to the parser as blank lines (server/src/parsing/commentRuns.ts):
// tree-sitter-python's scanner re-reads the rest of a run at every comment line after a statement,
// quadratic in the run. The work is counted as the chunks of text the parser reads (no timing), and
// the tree must stay the tree of the text as written, less the blanked comments.
import * as assert from 'node:assert/strict';
import * as path from 'node:path';
import fc from 'fast-check';
import { Language, Parser, type Node as TreeSitterNode } from 'web-tree-sitter';
import { blankLongCommentRuns, commentRuns, KEEP_LINES } from '../../server/src/parsing/commentRuns';
import { parserInputReads, PythonParser } from '../../server/src/parsing/pythonParser';

const ROOT = path.resolve(__dirname, '../../..');

/** Every node but comments, with its extent, in preorder. */
function shape(root: TreeSitterNode): string[] {
  const out: string[] = [];
  const walk = (n: TreeSitterNode): void => {
    if (n.type === 'comment') return;
    out.push(`${n.type}@${n.startIndex}-${n.endIndex}`);
    for (const c of n.children) if (c) walk(c);
  };
  walk(root);
  return out;
}

const commentTexts = (root: TreeSitterNode): string[] => root.descendantsOfType('comment').map((c) => c!.text);

describe('long comment runs', function () {
  this.timeout(120_000);
  let parser: PythonParser;
  /** tree-sitter on the text as written (what the engine parsed before). */
  let plain: Parser;
  /** Chunks read by `plain` in its last parse. */
  let plainReads = 0;
  const parsePlain = (text: string) => {
    plainReads = 0;
    return plain.parse((i) => {
      plainReads++;
      return text.slice(i);
    })!;
  };

  before(async () => {
    parser = await PythonParser.create();
    await Parser.init();
    plain = new Parser();
    plain.setLanguage(await Language.load(path.join(ROOT, 'node_modules/tree-sitter-python/tree-sitter-python.wasm')));
  });

  it('parsing a 1,500-line comment run after a statement reads the text a bounded number of times, not once per comment', () => {
    const line = '    # df = df.withColumn("amount", F.col("amount") * 2)  # commented out\n';
    const text = 'def job(df):\n    df = df.filter("x > 0")\n' + line.repeat(1500) + '    return df\n';
    const before = parserInputReads();
    const tree = parser.parse(text);
    const reads = parserInputReads() - before;
    // tree-sitter takes chunks of at most 5,119 characters: reading the text a few times over is
    // some 100 chunks here; rescanning the run at each comment, as the text as written makes it, ~18,000.
    const passes = text.length / 5119;
    assert.ok(reads <= 4 * passes + 64, `${reads} chunks read for ${Math.ceil(passes)} chunks of text`);
    const asWritten = parsePlain(text);
    assert.ok(plainReads > 100 * reads, `the text as written reads ${plainReads} chunks (the count must see the quadratic)`);
    assert.deepEqual(shape(tree.rootNode), shape(asWritten.rootNode));
    assert.equal(commentTexts(tree.rootNode).length, KEEP_LINES + 1);
    tree.delete();
    asWritten.delete();
  });

  it('the work per comment line stays flat from 1,000 to 20,000 comment lines (CRLF, tabs, a dedent at the end)', () => {
    const perLine: number[] = [];
    for (const n of [1000, 20_000]) {
      const text = 'class A:\r\n\tdef f(self):\r\n\t\tx = 1\r\n' + '\t\t# a comment line of some length, as they come\r\n'.repeat(n) + 'y = 2\r\n';
      const before = parserInputReads();
      parser.parse(text).delete();
      perLine.push((parserInputReads() - before) / n);
    }
    assert.ok(perLine[1] <= perLine[0] * 1.25 + 0.01, `chunks per comment line: ${perLine.join(' -> ')}`);
  });

  it('lines that only look like comments (in strings, in brackets, after a backslash) are never blanked', () => {
    const hashes = '# not a comment\n'.repeat(500);
    const texts = [
      `sql = """\n${hashes}"""\n`,
      `sql = '''\n${hashes}'''\n`,
      `q = f"""{x}\n${hashes}"""\n`,
      `r = r"""\\"""\n${hashes}"""\n`,
      `call(\n${hashes})\n`,
    ];
    for (const text of texts) assert.equal(blankLongCommentRuns(text), undefined, text.slice(0, 20));
    // A backslash-joined line is not comment-only; the run starts after it.
    const runs = commentRuns('x = 1 + \\\n# c\n# d\ny = 2\n');
    assert.equal(runs.length, 1);
    assert.equal(runs[0].widths.length, 1);
  });

  it('a tree whose blanked lines are not between statements is not used: the text is parsed as written', () => {
    // Python 3.12 nests any string in an f-string's field: the tokenizer ends the f-string at the
    // nested quotes and takes the # lines for comments; the check on the tree sees them inside it.
    const text = 'x = f"""{\'"""\'}\n' + '# inside the string\n'.repeat(500) + '"""\ny = 1\n';
    assert.ok(blankLongCommentRuns(text), 'the tokenizer takes the lines for comments');
    const tree = parser.parse(text);
    const asWritten = parsePlain(text);
    assert.equal(tree.rootNode.toString(), asWritten.rootNode.toString());
    assert.equal(
      tree.rootNode.descendantForIndex(text.indexOf('# inside') + 2)!.type,
      asWritten.rootNode.descendantForIndex(text.indexOf('# inside') + 2)!.type,
    );
    tree.delete();
    asWritten.delete();
  });

  it('property: nodes and extents are those of the text as written, less blanked comments (random blocks, runs and indentation)', () => {
    const indents = ['', '    ', '        ', '\t', '  '];
    const piece = fc.oneof(
      fc.record({
        kind: fc.constant('run' as const),
        lines: fc.array(fc.tuple(fc.integer({ min: 0, max: 4 }), fc.integer({ min: 0, max: 60 }), fc.boolean()), { minLength: 20, maxLength: 120 }),
      }),
      fc.record({ kind: fc.constantFrom('def' as const, 'if' as const, 'stmt' as const, 'call' as const, 'str' as const, 'dedent' as const) }),
    );
    fc.assert(
      fc.property(fc.array(piece, { minLength: 1, maxLength: 12 }), (pieces) => {
        let depth = 0;
        const out: string[] = [];
        const ind = () => '    '.repeat(depth);
        for (const p of pieces) {
          if (p.kind === 'run') {
            for (const [i, len, blank] of p.lines) out.push(blank ? '' : `${indents[i]}# ${'x'.repeat(len)}`);
          } else if (p.kind === 'def' || p.kind === 'if') {
            out.push(`${ind()}${p.kind === 'def' ? 'def f():' : 'if x:'}`, `${ind()}    a = 1`);
            depth++;
          } else if (p.kind === 'stmt') out.push(`${ind()}b = df.select("c")`);
          else if (p.kind === 'call') out.push(`${ind()}c = call(`, `# in brackets`, `${ind()}    1)`);
          else if (p.kind === 'str') out.push(`${ind()}s = """`, '# in a string', '"""');
          else if (depth > 0) depth--;
        }
        out.push(`${ind()}z = 0`);
        const text = out.join('\n') + '\n';
        const tree = parser.parse(text);
        const asWritten = parsePlain(text);
        try {
          assert.deepEqual(shape(tree.rootNode), shape(asWritten.rootNode));
          const kept = commentTexts(tree.rootNode);
          const all = commentTexts(asWritten.rootNode);
          // The kept comments are the text's, in order.
          let j = 0;
          for (const c of kept) {
            while (j < all.length && all[j] !== c) j++;
            assert.ok(j < all.length, `comment ${c} is not the text's`);
            j++;
          }
        } finally {
          tree.delete();
          asWritten.delete();
        }
      }),
      { numRuns: 150, seed: 18 },
    );
  });
});
