// An edit does not parse: the document store applies it to the last tree (`Tree.edit`) and parses,
// incrementally, when the tree is first read (issue 18, typing code). While a person types, the
// server reads the tree only when an analysis starts, so a burst of keystrokes costs one parse.
// What is read must not depend on how many edits came between two reads.
import * as assert from 'node:assert/strict';
import fc from 'fast-check';
import { analyze } from '../../server/src/analysis';
import { fileFragment } from '../../server/src/graph';
import { DocumentStore, QUIET_PARSE_MS } from '../../server/src/lsp/documentStore';
import type { DataFrameModel } from '../../server/src/model/types';
import { parserInputReads, type PythonParser } from '../../server/src/parsing/pythonParser';
import { loadParser, samplesAndFixtures } from './helpers';

const corpus = samplesAndFixtures();

/** Code a person types, a character at a time: most prefixes of it have a syntax error (open brackets and strings, `x =`). */
const TYPED = [
  'df_1 = df.filter(F.col("amount") > 101)',
  'rows = spark.read.parquet("s3://bucket/events").collect()',
  'def load(path):\n    return spark.read.format("delta").load(path)',
  'for c in cols:\n    df = df.withColumn(c, F.lit(None))',
  'q = df.writeStream.option("checkpointLocation", "/tmp/cp").start()',
  "# a comment, then code\nx = {'a': [1, 2",
];

/** One step of typing: `count` characters of a snippet typed at the caret, or `count` characters deleted before it. */
interface Step {
  kind: 'type' | 'delete';
  count: number;
  /** Read the tree (and analyse) after this step. */
  read: boolean;
}

const steps = fc.array(
  fc.record({ kind: fc.constantFrom<Step['kind']>('type', 'type', 'type', 'delete'), count: fc.integer({ min: 1, max: 12 }), read: fc.boolean() }),
  { minLength: 1, maxLength: 12 },
);

/** Findings with fixes and context, and the graph fragment: what the editor shows. */
function outcome(name: string, tree: Parameters<typeof analyze>[0], text: string, previousModel?: DataFrameModel) {
  const result = analyze(tree, text, { path: name, previousModel });
  const { raw } = fileFragment({ filename: name, uri: `file:///${name}`, model: result.model, lines: result.lines, findings: result.findings });
  return { result, shown: { findings: result.findings, skipped: result.skipped, graph: raw } };
}

describe('document store: edits are parsed when the tree is read', function () {
  this.timeout(300_000);
  let parser: PythonParser;
  before(async () => {
    parser = await loadParser();
  });

  it('reads the tree and analysis a fresh parse gives, however many keystrokes came since the last read', () => {
    let reads = 0;
    let batched = 0;
    fc.assert(
      fc.property(fc.nat(corpus.length - 1), fc.double({ min: 0, max: 1, noNaN: true }), fc.nat(TYPED.length - 1), steps, (file, where, snippet, typing) => {
        const [name, original] = corpus[file];
        const store = new DocumentStore(parser, () => false);
        const uri = `file:///${name}`;
        store.open(uri, 'python', 1, original);
        try {
          // Type at the start of a line (a statement of its own, or inside a block or a call).
          const lines = original.split('\n');
          const line = Math.min(lines.length - 1, Math.floor(where * lines.length));
          const doc = store.get(uri)!;
          let caret = doc.document.offsetAt({ line, character: 0 });
          let typed = 0;
          let unread = 0;
          let version = 1;
          let previousModel = doc.tree ? analyze(doc.tree, original, { path: name }).model : undefined;
          for (const step of typing) {
            const d = store.get(uri)!.document;
            for (let k = 0; k < step.count; k++) {
              // A keystroke as an editor sends it: one character inserted, or one deleted, at the caret.
              if (step.kind === 'type') {
                const c = TYPED[snippet][typed++ % TYPED[snippet].length];
                const at = d.positionAt(caret);
                store.change(uri, ++version, [{ range: { start: at, end: at }, text: c }]);
                caret++;
              } else if (caret > 0) {
                store.change(uri, ++version, [{ range: { start: d.positionAt(caret - 1), end: d.positionAt(caret) }, text: '' }]);
                caret--;
              }
              unread++;
            }
            if (!step.read) continue;
            const now = store.get(uri)!;
            const text = now.document.getText();
            const tree = now.tree;
            const fresh = parser.parse(text);
            try {
              assert.ok(tree, 'parsed');
              assert.equal(tree.rootNode.toString(), fresh.rootNode.toString(), `${name}: the tree after ${unread} unread edits`);
              const incremental = outcome(name, tree, text, previousModel);
              assert.deepEqual(incremental.shown, outcome(name, fresh, text).shown, `${name}: the analysis after ${unread} unread edits`);
              previousModel = incremental.result.model ?? previousModel;
            } finally {
              fresh.delete();
            }
            reads++;
            if (unread > 1) batched++;
            unread = 0;
          }
        } finally {
          store.dispose();
        }
      }),
      { seed: 1821, numRuns: 60 },
    );
    // Worth something only if many reads came after several edits at once.
    assert.ok(batched > reads / 2, `only ${batched} of ${reads} reads came after more than one edit`);
  });

  it('parses nothing while edits come, and once when the tree is read', () => {
    const [name, original] = corpus.find(([n]) => n.endsWith('.py') && !n.includes('PSA'))!;
    // No parse once the edits stop (the next test): only the read parses.
    const store = new DocumentStore(parser, () => false, undefined, 0);
    const uri = `file:///${name}`;
    store.open(uri, 'python', 1, original);
    try {
      const before = parserInputReads();
      let version = 1;
      for (const c of TYPED[0]) {
        const d = store.get(uri)!.document;
        const end = d.positionAt(d.getText().length);
        store.change(uri, ++version, [{ range: { start: end, end }, text: c }]);
      }
      assert.equal(parserInputReads(), before, 'no keystroke parsed');
      assert.ok(store.get(uri)!.tree, 'read: parsed');
      const once = parserInputReads();
      assert.ok(once > before, 'the read parsed');
      assert.ok(store.get(uri)!.tree);
      assert.equal(parserInputReads(), once, 'a second read does not parse again');
      assert.equal(store.treesHeld, 1);
    } finally {
      store.dispose();
    }
    assert.equal(store.treesHeld, 0);
  });

  it('parses the edits once no edit came for a while, and the read then parses nothing', async () => {
    const [name, original] = corpus.find(([n]) => n.endsWith('.py') && !n.includes('PSA'))!;
    const store = new DocumentStore(parser, () => false, undefined, QUIET_PARSE_MS);
    const uri = `file:///${name}`;
    store.open(uri, 'python', 1, original);
    try {
      let version = 1;
      const before = parserInputReads();
      for (const c of TYPED[0]) {
        const d = store.get(uri)!.document;
        const end = d.positionAt(d.getText().length);
        store.change(uri, ++version, [{ range: { start: end, end }, text: c }]);
      }
      assert.equal(parserInputReads(), before, 'no keystroke parsed');
      // A timer set after the store's, for longer, fires after it (no assumption about how long either takes).
      await new Promise((r) => setTimeout(r, QUIET_PARSE_MS + 20));
      const parsed = parserInputReads();
      assert.ok(parsed > before, 'parsed in the quiet after the edits');
      const tree = store.get(uri)!.tree!;
      assert.equal(parserInputReads(), parsed, 'reading it did not parse again');
      const fresh = parser.parse(store.get(uri)!.document.getText());
      try {
        assert.equal(tree.rootNode.toString(), fresh.rootNode.toString());
      } finally {
        fresh.delete();
      }
    } finally {
      store.dispose();
    }
  });

  it('lets an edited, unparsed tree go like a parsed one, and parses such a document afresh when read', () => {
    const [a, b] = corpus.slice(0, 2);
    const store = new DocumentStore(parser, () => false, 1);
    store.open(`file:///${a[0]}`, 'python', 1, a[1]);
    store.change(`file:///${a[0]}`, 2, [{ range: { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } }, text: 'x = (' }]);
    assert.equal(store.treesHeld, 1, 'the edited tree is still held');
    store.open(`file:///${b[0]}`, 'python', 1, b[1]);
    assert.equal(store.treesHeld, 1, 'the edited tree was let go');
    const now = store.get(`file:///${a[0]}`)!;
    const fresh = parser.parse(now.document.getText());
    try {
      assert.equal(now.tree!.rootNode.toString(), fresh.rootNode.toString());
    } finally {
      fresh.delete();
      store.dispose();
    }
  });
});
