// Open documents keep their syntax tree (wasm memory, which never shrinks) only while recently
// used; the others parse their text again when read. What a document gives must not depend on
// whether its tree was let go in between (issue 18, server memory).
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { analyze } from '../../server/src/analysis';
import { DocumentStore } from '../../server/src/lsp/documentStore';
import { PythonParser } from '../../server/src/parsing/pythonParser';
import { dropCopy, heldCopiesOf, syntaxTreeOf } from '../../server/src/parsing/syntaxTree';

const SAMPLES = path.resolve(__dirname, '../../../samples');
const texts = fs
  .readdirSync(SAMPLES)
  .filter((f) => f.endsWith('.py'))
  .sort()
  .map((f) => fs.readFileSync(path.join(SAMPLES, f), 'utf8'));

/** Findings with their fixes, as the editor gets them. */
function findingsOf(tree: Parameters<typeof analyze>[0], text: string): unknown {
  return analyze(tree, text, {}).findings.map((f) => ({ code: f.code, start: f.start, end: f.end, message: f.message, fixes: f.fixes }));
}

describe('DocumentStore keeps trees only for the documents used last', function () {
  this.timeout(120_000);
  let parser: PythonParser;
  before(async () => {
    parser = await PythonParser.load();
  });

  it('holds at most `treesKept` trees, and a document whose tree was let go reads the same tree and findings', () => {
    const store = new DocumentStore(parser, () => false, 2);
    const uris = texts.map((_, i) => `file:///mem/s${i}.py`);
    texts.forEach((t, i) => store.open(uris[i], 'python', 1, t));
    assert.ok(texts.length > 3);
    assert.equal(store.treesHeld, 2, 'only the last two opened keep their trees');
    for (let i = 0; i < texts.length; i++) {
      const stored = store.get(uris[i])!;
      const fresh = parser.parse(texts[i]);
      try {
        assert.equal(stored.tree!.rootNode.toString(), fresh.rootNode.toString());
        assert.deepEqual(findingsOf(stored.tree!, texts[i]), findingsOf(fresh, texts[i]));
      } finally {
        dropCopy(fresh);
        parser.release(fresh);
      }
      assert.ok(store.treesHeld <= 2, `${store.treesHeld} trees held after reading ${i}`);
      // The copy of a tree let go is let go with it: the copy cache holds no copy of a freed tree.
      for (let j = 0; j < i - 1; j++) if (texts[j] !== texts[i]) assert.equal(heldCopiesOf(texts[j]), 0, `copy of document ${j} still held`);
    }
    store.dispose();
    assert.equal(store.treesHeld, 0);
  });

  it('an edit to a document whose tree was let go gives what an edit to a kept one gives', () => {
    const kept = new DocumentStore(parser, () => false, 16);
    const evicting = new DocumentStore(parser, () => false, 1);
    const uri = 'file:///mem/edited.py';
    const other = 'file:///mem/other.py';
    for (const store of [kept, evicting]) {
      store.open(uri, 'python', 1, texts[0]);
      syntaxTreeOf(store.get(uri)!.tree!, texts[0]);
      // Opening another document lets the first one's tree go in the evicting store.
      store.open(other, 'python', 1, texts[1]);
    }
    assert.equal(evicting.get(uri)!.held, undefined, 'the first tree was let go');
    assert.ok(kept.get(uri)!.held, 'the first tree was kept');
    const lines = texts[0].split('\n');
    const line = Math.floor(lines.length / 2);
    const edits = [
      { range: { start: { line, character: 0 }, end: { line, character: 0 } }, text: 'orders = spark.read.table("sales.orders")\norders.count()\n' },
      { range: { start: { line: 1, character: 0 }, end: { line: 2, character: 0 } }, text: '' },
    ];
    let version = 1;
    for (const edit of edits) {
      version++;
      const a = kept.change(uri, version, [edit])!;
      const b = evicting.change(uri, version, [edit])!;
      // The other document is read in between: the edited one is let go again before it is read.
      assert.ok(evicting.get(other)!.tree);
      const text = a.document.getText();
      assert.equal(b.document.getText(), text);
      assert.equal(b.tree!.rootNode.toString(), a.tree!.rootNode.toString());
      assert.deepEqual(findingsOf(b.tree!, text), findingsOf(a.tree!, text));
    }
    kept.dispose();
    evicting.dispose();
  });

  it('never lets a pinned tree go, and lets it go once unpinned', () => {
    const store = new DocumentStore(parser, () => false, 1);
    store.open('file:///mem/a.py', 'python', 1, texts[0]);
    const tree = store.get('file:///mem/a.py')!.tree!;
    const unpin = store.pin('file:///mem/a.py');
    store.open('file:///mem/b.py', 'python', 1, texts[1]);
    store.open('file:///mem/c.py', 'python', 1, texts[2]);
    assert.equal(store.get('file:///mem/a.py')!.held, tree, 'pinned: kept, and still readable');
    assert.ok(tree.rootNode.childCount > 0);
    assert.equal(store.treesHeld, 2, 'the pinned tree and the last one');
    unpin();
    assert.equal(store.treesHeld, 1);
    assert.equal(store.get('file:///mem/a.py')!.held, undefined);
    store.close('file:///mem/c.py');
    store.close('file:///mem/b.py');
    assert.equal(store.treesHeld, 0);
    // Read again after all that: parsed from its text.
    assert.equal(store.get('file:///mem/a.py')!.tree!.rootNode.toString(), parser.parse(texts[0]).rootNode.toString());
    store.dispose();
  });
});
