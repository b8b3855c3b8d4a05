import * as assert from 'node:assert/strict';
import { nodeAtOffset } from '../../server/src/parsing/nodeAtOffset';
import type { Node } from '../../server/src/parsing/pythonParser';
import { syntaxRoot } from '../../server/src/parsing/syntaxTree';
import { analyseEditSequence, append, deleteLastStatement, insertAtMiddle, typeIntoLine } from './analysisOutcome';
import { loadParser, py, samplesAndFixtures } from './helpers';

// The analysis finds the node at a finding's offset (to know the code kind there) by a bisection over
// the top-level statements instead of the copy's walk along them: it must be the very node object the
// walk gives, at every offset, in a fresh copy and in the copies made after edits (whose statements
// are partly adopted from the previous copy).

const files = samplesAndFixtures();

/** Blank lines, comments, a decorator, a statement ending where the next begins (`;`), and trailing space. */
const SHAPES = py`
  import dlt  # comment

  from pyspark.sql import functions as F; x = 1;y=2


  @dlt.table
  def t():
      return spark.table("a")  # inside
  # between
  df = spark.read.parquet("/tmp/a")
  df.count()
`.concat('   \n\n');

/** What the counts below are of: where the walk stops (the root, a top-level statement, deeper). */
interface Tally {
  root: number;
  deeper: number;
  /** Offsets where a non-empty top-level child ends exactly (the walk passes it for the next). */
  boundaries: number;
}

/** Every top-level child's edges (and one character either side), and every `stride`th offset: each compared by identity. */
function checkAll(root: Node, length: number, stride: number, tally: Tally, where: string): void {
  const offsets = new Set<number>();
  for (let o = 0; o <= length; o += stride) offsets.add(o);
  for (const c of root.children)
    for (const o of [c.startIndex - 1, c.startIndex, c.startIndex + 1, c.endIndex - 1, c.endIndex, c.endIndex + 1]) if (o >= 0 && o <= length) offsets.add(o);
  const ends = new Set(root.children.filter((c) => c.endIndex > c.startIndex).map((c) => c.endIndex));
  for (const o of offsets) {
    const want = root.descendantForIndex(o, o);
    const got = nodeAtOffset(root, o);
    assert.ok(got === want, `${where}: offset ${o}: ${got.type} ${got.startIndex}-${got.endIndex}, want ${want.type} ${want.startIndex}-${want.endIndex}`);
    if (want === root) tally.root++;
    else if (want.parent !== root) tally.deeper++;
    if (ends.has(o)) tally.boundaries++;
  }
}

describe('parsing/nodeAtOffset', () => {
  it('is the walk from the root at every offset of statements, comments, blank lines and a `;` boundary', async () => {
    const tree = (await loadParser()).parse(SHAPES);
    try {
      const tally: Tally = { root: 0, deeper: 0, boundaries: 0 };
      checkAll(syntaxRoot(tree, SHAPES), SHAPES.length, 1, tally, 'shapes');
      // Both ways out of the bisection are taken: offsets in blank space (the root) and inside statements.
      assert.ok(tally.root >= 5 && tally.deeper >= 100 && tally.boundaries >= 5, JSON.stringify(tally));
    } finally {
      tree.delete();
    }
  });

  it('is the walk from the root in every sample and fixture, fresh and after each of four edits', async () => {
    const parser = await loadParser();
    const tally: Tally = { root: 0, deeper: 0, boundaries: 0 };
    let copies = 0;
    for (const [name, text] of files) {
      const tree = parser.parse(text);
      try {
        checkAll(syntaxRoot(tree, text), text.length, 3, tally, name);
        copies++;
      } finally {
        tree.delete();
      }
      const edits = [insertAtMiddle('x = spark.read.parquet("/tmp/a")\n'), typeIntoLine, deleteLastStatement, append('\n\nrows = df.collect()\n')];
      analyseEditSequence(parser, name, text, edits, (model, _previous, change) => {
        checkAll(model.root, model.root.endIndex + 2, 5, tally, `${name} after ${JSON.stringify(change)}`);
        copies++;
      });
    }
    assert.ok(copies > 2 * files.length, `only ${copies} copies compared`);
    assert.ok(tally.root > 1000 && tally.deeper > 100_000 && tally.boundaries > 1000, JSON.stringify(tally));
  });
});
