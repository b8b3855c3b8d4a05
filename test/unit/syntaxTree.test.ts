import * as assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Node as TreeSitterNode } from 'web-tree-sitter';
import { carryCopy, SyntaxTree, syntaxRoot, syntaxTreeOf, typeMask, type SyntaxNode } from '../../server/src/parsing/syntaxTree';
import { walkerOf } from '../../server/src/parsing/treeWalker';
import { loadParser } from './helpers';

// The engine reads a JS copy of each tree (syntaxTree.ts). It must answer exactly what
// web-tree-sitter answers for the calls the engine makes, on real code and on broken code.

const root = join(__dirname, '..', '..', '..');
const corpus: [string, string][] = [
  ...readdirSync(join(root, 'samples'))
    .filter((f) => f.endsWith('.py'))
    .map((f): [string, string] => [f, readFileSync(join(root, 'samples', f), 'utf8')]),
  ...readdirSync(join(root, 'test', 'fixtures', 'seed'))
    .filter((f) => f.endsWith('.py'))
    .map((f): [string, string] => [f, readFileSync(join(root, 'test', 'fixtures', 'seed', f), 'utf8')]),
  ['half-typed', 'df = spark.read.format("delta").load(\nfor x in :\n  df.withColumn("é😀", F.col(x) ==\n'],
  ['missing tokens', 'def f(a:\n    return (a + \nq = {"a": [1, 2\n'],
  ['empty', ''],
  ['crlf', 'x = 1\r\ny = F.col("a")\r\n'],
  ['lone cr', 'x = 1\ry = F.col("a")\rz = 2\n'],
];

type Tree = NonNullable<ReturnType<Awaited<ReturnType<typeof loadParser>>['parse']>>;

/** `text` with `removed` characters at `at` replaced by `inserted`: the tree edited, parsed again, its copy carried over (the old tree deleted). */
function editCarried(
  parser: Awaited<ReturnType<typeof loadParser>>,
  tree: Tree,
  text: string,
  at: number,
  removed: number,
  inserted: string,
): { tree: Tree; text: string } {
  const next = text.slice(0, at) + inserted + text.slice(at + removed);
  const point = (t: string, i: number) => ({ row: t.slice(0, i).split('\n').length - 1, column: i - t.lastIndexOf('\n', i - 1) - 1 });
  tree.edit({
    startIndex: at,
    oldEndIndex: at + removed,
    newEndIndex: at + inserted.length,
    startPosition: point(text, at),
    oldEndPosition: point(text, at + removed),
    newEndPosition: point(next, at + inserted.length),
  } as Parameters<typeof tree.edit>[0]);
  const nextTree = parser.parse(next, tree) as Tree;
  carryCopy(tree, nextTree);
  tree.delete();
  return { tree: nextTree, text: next };
}

/** Preorder walk of a web-tree-sitter tree, visiting every node (named or not). */
function* allNodes(node: TreeSitterNode): Generator<TreeSitterNode> {
  const stack: TreeSitterNode[] = [node];
  while (stack.length) {
    const n = stack.pop()!;
    yield n;
    for (let i = n.childCount - 1; i >= 0; i--) stack.push(n.child(i)!);
  }
}

function* allCopies(node: SyntaxNode): Generator<SyntaxNode> {
  const stack: SyntaxNode[] = [node];
  while (stack.length) {
    const n = stack.pop()!;
    yield n;
    for (let i = n.children.length - 1; i >= 0; i--) stack.push(n.children[i]);
  }
}

const FIELDS = [
  'name',
  'function',
  'arguments',
  'object',
  'attribute',
  'left',
  'right',
  'body',
  'condition',
  'value',
  'key',
  'operator',
  'parameters',
  'alternative',
  'argument',
  'module_name',
  'return_type',
];

describe('syntax tree copy', () => {
  for (const [name, text] of corpus) {
    it(`matches web-tree-sitter node for node: ${name}`, async () => {
      const tree = (await loadParser()).parse(text);
      try {
        const copy = syntaxRoot(tree, text);
        const real = [...allNodes(tree.rootNode)];
        const mine = [...allCopies(copy)];
        assert.equal(mine.length, real.length);
        for (let i = 0; i < real.length; i++) {
          const r = real[i];
          const m = mine[i];
          const where = `${name} node ${i} (${r.type} at ${r.startIndex})`;
          assert.deepEqual(
            [m.type, m.startIndex, m.endIndex, m.isNamed, m.isMissing, m.hasError, m.isError, m.text, m.childCount, m.namedChildCount],
            [r.type, r.startIndex, r.endIndex, r.isNamed, r.isMissing, r.hasError, r.isError, r.text, r.childCount, r.namedChildCount],
            where,
          );
          assert.deepEqual(m.startPosition, r.startPosition, where);
          assert.deepEqual(m.endPosition, r.endPosition, where);
          assert.equal(m.parent?.startIndex, r.parent?.startIndex, where);
          assert.equal(m.nextNamedSibling?.type, r.nextNamedSibling?.type ?? undefined, where);
          // Navigation reads the arrays without making the nodes in between: each must land where wasm
          // does. Siblings are the neighbours in the parent's children (wasm skips a zero-width
          // MISSING token after a node, so broken trees are compared with the children list).
          const siblings = m.parent?.children ?? [];
          const k = siblings.indexOf(m);
          const namedBefore = siblings.slice(0, Math.max(k, 0)).filter((c) => c.isNamed);
          for (const [what, mn, rn] of [
            ['nextSibling', m.nextSibling, tree.rootNode.hasError ? siblings[k + 1] : r.nextSibling],
            ['previousSibling', m.previousSibling, tree.rootNode.hasError ? siblings[k - 1] : r.previousSibling],
            ['previousNamedSibling', m.previousNamedSibling, tree.rootNode.hasError ? namedBefore[namedBefore.length - 1] : r.previousNamedSibling],
            ['firstChild', m.firstChild, r.firstChild],
            ['lastChild', m.lastChild, r.lastChild],
            ['child(1)', m.child(1), r.child(1)],
          ] as const) {
            assert.deepEqual([mn?.type, mn?.startIndex, mn?.endIndex], [rn?.type, rn?.startIndex, rn?.endIndex], `${where}.${what}`);
          }
          for (const field of FIELDS) {
            const rc = r.childForFieldName(field);
            const mc = m.childForFieldName(field);
            assert.deepEqual([mc?.type, mc?.startIndex], [rc?.type, rc?.startIndex], `${where}.${field}`);
          }
        }
        // Point and range lookups at every offset (and one past the end), as hovers and completion do.
        for (let at = 0; at <= text.length; at += text.length > 4000 ? 7 : 1) {
          const r = tree.rootNode.descendantForIndex(at, at)!;
          const m = copy.descendantForIndex(at, at);
          assert.deepEqual([m.type, m.startIndex, m.endIndex], [r.type, r.startIndex, r.endIndex], `${name} at ${at}`);
          const r2 = tree.rootNode.descendantForIndex(at, Math.min(at + 1, text.length))!;
          const m2 = copy.descendantForIndex(at, Math.min(at + 1, text.length));
          assert.deepEqual([m2.type, m2.startIndex], [r2.type, r2.startIndex], `${name} at ${at}..${at + 1}`);
        }
        const byRange = new Map<string, SyntaxNode>();
        for (const m of mine) if (!byRange.has(`${m.type}:${m.startIndex}:${m.endIndex}`)) byRange.set(`${m.type}:${m.startIndex}:${m.endIndex}`, m);
        const scopes = [tree.rootNode, ...tree.rootNode.namedChildren.slice(0, 8), ...tree.rootNode.descendantsOfType('call').slice(0, 8)];
        for (const types of [['call'], ['string', 'identifier'], ['comment'], ['assignment', 'augmented_assignment']]) {
          for (const scope of scopes) {
            const mineScope = byRange.get(`${scope!.type}:${scope!.startIndex}:${scope!.endIndex}`)!;
            assert.deepEqual(
              mineScope.descendantsOfType(types).map((n) => `${n.type}@${n.startIndex}`),
              scope!.descendantsOfType(types).map((n) => `${n!.type}@${n!.startIndex}`),
              `${name} ${types} in ${scope!.type}@${scope!.startIndex}`,
            );
          }
        }
      } finally {
        tree.delete();
      }
    });
  }

  it('reuses unchanged statements after incremental edits, and equals a fresh copy node for node', async () => {
    const parser = await loadParser();
    const shape = (t: SyntaxTree) =>
      [...allCopies(t.root)].map(
        (n) =>
          `${n.id}/${n.subtreeEnd} ${n.type} ${n.startIndex}-${n.endIndex} ${n.flags} [${n.childFields.join(',')}] ${n.parent?.id ?? '-'}` +
          (n.owner === t && n.children.every((c) => c.parent === n) ? '' : ' NOT OWNED'),
      );
    let text = corpus.find(([name]) => name === 'medallion_architecture.py')![1];
    let tree = parser.parse(text);
    syntaxTreeOf(tree, text);
    // Edits an editor would send: type in the middle, break a statement, fix it, insert at the top.
    const edits: [number, number, string][] = [
      [text.indexOf('def silver_layer'), 0, 'x'],
      [text.indexOf('def silver_layer'), 1, ''],
      [text.indexOf('.dropDuplicates'), 0, '.filter(F.col("a") =='],
      [text.indexOf('.filter(F.col("a") =='), '.filter(F.col("a") =='.length, ''],
      [0, 0, 'import os\n'],
      [text.length, 0, '\nspark.stop()\n'],
    ];
    let reused = 0;
    let shared = 0;
    for (const [at, removed, inserted] of edits) {
      const start = Math.min(at < 0 ? 0 : at, text.length);
      ({ tree, text } = editCarried(parser, tree, text, start, removed, inserted));
      const incremental = syntaxTreeOf(tree, text);
      const fresh = new SyntaxTree(tree, text);
      assert.deepEqual(shape(incremental), shape(fresh), `after inserting ${JSON.stringify(inserted)} at ${start}`);
      assert.deepEqual(fresh.facts(), new SyntaxTree(tree, text, undefined, true).facts(), `raw walk after inserting ${JSON.stringify(inserted)} at ${start}`);
      for (const type of ['call', 'identifier', 'string', 'ERROR', 'function_definition']) {
        assert.deepEqual(
          incremental.root.descendantsOfType(type).map((n) => n.id),
          fresh.root.descendantsOfType(type).map((n) => n.id),
          type,
        );
      }
      reused += incremental.reusedNodes;
      shared += incremental.sharedNodes;
    }
    tree.delete();
    assert.ok(reused > 0, 'unchanged statements were cloned, not read again');
    assert.ok(shared > 0, 'the unchanged statements before an edit were taken over, not cloned');
  });

  it("reads through the raw wasm calls exactly what web-tree-sitter's TreeCursor reads", async () => {
    const parser = await loadParser();
    for (const [name, text] of corpus) {
      const tree = parser.parse(text);
      try {
        const walker = walkerOf(tree);
        walker.delete();
        assert.ok(walker.raw, `${name}: the parser's runtime registered its exports, so copies use the raw walk`);
        const raw = new SyntaxTree(tree, text);
        const api = new SyntaxTree(tree, text, undefined, true);
        assert.equal(raw.size, tree.rootNode.descendantCount, name);
        assert.deepEqual(raw.facts(), api.facts(), name);
        // The library's own cursor and node calls still work after a raw walk (the handles were given back).
        const cursor = tree.walk();
        assert.equal(cursor.gotoFirstChild(), raw.size > 1, name);
        if (raw.size > 1) assert.equal(cursor.startIndex, raw.nodeAt(1).startIndex, name);
        cursor.delete();
      } finally {
        tree.delete();
      }
    }
  });

  it('makes each node once, whichever way it is reached first, with what wasm reads for it', async () => {
    const parser = await loadParser();
    for (const [name, text] of corpus) {
      const tree = parser.parse(text);
      try {
        const copy = new SyntaxTree(tree, text);
        // Reach nodes out of document order first: the type index, parents, siblings, then children.
        const calls = copy.root.descendantsOfType(['call', 'identifier']);
        const parents = calls.map((c) => c.parent);
        const siblings = calls.map((c) => c.previousNamedSibling);
        const real = [...allNodes(tree.rootNode)];
        const mine = [...allCopies(copy.root)];
        assert.equal(mine.length, real.length, name);
        assert.equal(copy.size, real.length, name);
        mine.forEach((m, i) => {
          assert.equal(m.id, i, `${name}: preorder ids`);
          assert.equal(copy.nodeAt(i), m, `${name}: one object per id`);
          const r = real[i];
          assert.deepEqual(
            [m.type, m.startIndex, m.endIndex, m.isNamed, m.isMissing, m.hasError, m.childCount, m.parent?.id ?? -1],
            [r.type, r.startIndex, r.endIndex, r.isNamed, r.isMissing, r.hasError, r.childCount, m.parent ? mine.indexOf(m.parent) : -1],
            `${name} node ${i}`,
          );
        });
        for (const c of calls) assert.equal(mine[c.id], c, `${name}: an indexed node is the one under its parent`);
        // The ancestor search reads the arrays; walking up through `parent` must find the same node.
        const scopes = typeMask(['function_definition', 'lambda', 'module']);
        for (const m of mine) {
          let n = m.parent;
          let last = m;
          while (n && !['function_definition', 'lambda', 'module'].includes(n.type)) [last, n] = [n, n.parent];
          assert.equal(m.ancestorOfType(scopes, 10_000), n ?? last, `${name}: scope of node ${m.id}`);
        }
        parents.forEach((p, i) => assert.ok(p && p.children.includes(calls[i]), `${name}: parent of ${calls[i].type}`));
        siblings.forEach((s, i) => {
          if (s) assert.equal(s.nextNamedSibling, calls[i], `${name}: sibling of ${calls[i].type}`);
        });
      } finally {
        tree.delete();
      }
    }
  });

  it('an earlier copy and the next one hand out the same objects for the statements they share', async () => {
    const parser = await loadParser();
    const text = corpus.find(([name]) => name === 'medallion_architecture.py')![1];
    const tree = parser.parse(text);
    const first = syntaxTreeOf(tree, text);
    // Something made from the first copy before the edit: the root, its statements, a call in the first.
    const statements = first.root.namedChildren;
    const at = text.indexOf('def silver_layer');
    const early = first.root.descendantsOfType('call')[0];
    assert.ok(early.endIndex < at);
    const later = statements[statements.length - 1];
    const was = { id: later.id, start: later.startIndex, end: later.endIndex };
    const kids = later.namedChildren;
    const next = text.slice(0, at) + '#' + text.slice(at);
    tree.edit({
      startIndex: at,
      oldEndIndex: at,
      newEndIndex: at + 1,
      startPosition: first.pointAt(at),
      oldEndPosition: first.pointAt(at),
      newEndPosition: { row: first.pointAt(at).row, column: first.pointAt(at).column + 1 },
    } as Parameters<typeof tree.edit>[0]);
    const nextTree = parser.parse(next, tree);
    carryCopy(tree, nextTree);
    tree.delete();
    try {
      const second = syntaxTreeOf(nextTree, next);
      assert.ok(second.sharedStatements > 1, 'the statements before the edit are shared');
      assert.equal(second.root, first.root, 'the root is taken over');
      assert.equal(early.owner, second, 'a node made before the edit belongs to the new copy');
      const sharedEnd = second.sharedNodes + 1;
      for (let id = 0; id < sharedEnd; id++) assert.equal(first.nodeAt(id), second.nodeAt(id), `node ${id}`);
      assert.equal(second.root.namedChildren[1], statements[1]);
      // A statement after the edit (cloned: same text, one character and some nodes further on) is
      // adopted: the same object, with the new copy's id and offsets, and what it had made with it.
      assert.equal(later.owner, second);
      assert.ok(second.adoptedNodes > 0);
      assert.equal(second.root.namedChildren.at(-1), later, 'the clone is the same object');
      assert.deepEqual([later.startIndex, later.endIndex], [was.start + 1, was.end + 1]);
      assert.notEqual(later.id, was.id, 'the edit made nodes before it (its ids moved)');
      assert.equal(later.text, next.slice(later.startIndex, later.endIndex));
      assert.equal(later.namedChildren, kids, 'its children array is kept, and its children adopted');
      for (const k of kids) assert.equal(k.owner, second);
      assert.equal(second.nodeAt(later.id), later);
      // The first copy, asked again (a reader of an older model), makes a node of its own facts.
      const again = first.nodeAt(was.id);
      assert.notEqual(again, later);
      assert.deepEqual([again.startIndex, again.endIndex, again.type], [was.start, was.end, later.type]);
      assert.equal(again.text, text.slice(was.start, was.end));
      assert.deepEqual(first.rangeAsIn(later), { start: was.start, end: was.end }, 'where the adopted node was');
      assert.deepEqual(first.rangeAsIn(early), { start: early.startIndex, end: early.endIndex }, 'a prefix node did not move');
      assert.deepEqual(second.rangeAsIn(later), { start: later.startIndex, end: later.endIndex });
    } finally {
      nextTree.delete();
    }
  });

  it('keeps every node object through an edit of a file of many chunks: the prefix at its ids, later statements adopted at theirs', async () => {
    // Node objects are kept in chunks of 4,096 ids: a file of some 50,000 nodes and an edit whose
    // shared prefix ends inside a chunk after several whole ones.
    const parser = await loadParser();
    const lines: string[] = [];
    for (let i = 0; i < 900; i++) lines.push(`df_${i} = spark.read.parquet("/data/${i}").filter(F.col("a") > ${i}).select("a", "b")`);
    const text = lines.join('\n') + '\n';
    // Every node made; then only those of one statement in 97 (chunks with no node made, between).
    for (const every of [1, 97]) {
      const tree = parser.parse(text);
      const first = syntaxTreeOf(tree, text);
      assert.ok(first.size > 8 * 4096, `${first.size} nodes`);
      const statementIds: number[] = [];
      first.root.forEachChild((_type, _start, _end, id) => statementIds.push(id));
      const before = [first.root, ...statementIds.filter((_, i) => i % every === 0).flatMap((id) => [...allCopies(first.nodeAt(id))])];
      if (every === 1) assert.equal(before.length, first.size, 'every node made');
      const facts = before.map((n) => [n.id, n.startIndex, n.endIndex, n.type] as const);
      // Insert a statement before line 523: its statement and the ones after move by `shift` ids.
      const at = text.indexOf('df_523 =');
      const inserted = 'q = 1\n';
      const next = text.slice(0, at) + inserted + text.slice(at);
      const point = first.pointAt(at);
      tree.edit({
        startIndex: at,
        oldEndIndex: at,
        newEndIndex: at + inserted.length,
        startPosition: point,
        oldEndPosition: point,
        newEndPosition: { row: point.row + 1, column: 0 },
      } as Parameters<typeof tree.edit>[0]);
      const nextTree = parser.parse(next, tree);
      carryCopy(tree, nextTree);
      tree.delete();
      try {
        const second = syntaxTreeOf(nextTree, next);
        const sharedEnd = second.sharedNodes + 1;
        assert.ok(sharedEnd > 4 * 4096 && sharedEnd % 4096 !== 0, `the prefix (${sharedEnd} ids) spans whole chunks and ends inside one`);
        const fresh = new SyntaxTree(nextTree, next);
        // df_523 began at the old copy's sharedEnd; it is now the 525th statement, after `q = 1`.
        assert.equal(fresh.root.namedChildren[523].text, 'q = 1');
        const shift = fresh.root.namedChildren[524].id - sharedEnd;
        let adopted = 0;
        before.forEach((node, i) => {
          const [id, start, end, type] = facts[i];
          assert.ok(node.owner === second, `node ${id} belongs to the new copy`);
          if (id < sharedEnd) {
            assert.ok(second.nodeAt(id) === node, `prefix node ${id}`);
            assert.ok(first.nodeAt(id) === node, `the old copy hands out the new copy's prefix node ${id}`);
            // The root is taken over with the new text's range.
            assert.deepEqual([node.id, node.startIndex, node.endIndex], [id, start, id === 0 ? end + inserted.length : end]);
          } else {
            adopted++;
            assert.ok(second.nodeAt(id + shift) === node, `node ${id} adopted at ${id + shift}`);
            assert.deepEqual([node.id, node.startIndex, node.endIndex], [id + shift, start + inserted.length, end + inserted.length]);
            const again = first.nodeAt(id);
            assert.ok(again !== node, `the old copy makes a node of its own for ${id}`);
            assert.deepEqual([again.id, again.startIndex, again.endIndex, again.type], [id, start, end, type]);
          }
        });
        assert.equal(second.adoptedNodes, adopted, 'every node after the edit adopted');
        // Asked for every node, the new copy makes only those it has no object for: the inserted
        // statement's and those never made before the edit.
        const made = second.nodesMade;
        const after = [...allCopies(second.root)];
        assert.equal(after.length, fresh.size);
        assert.equal(second.nodesMade - made, fresh.size - before.length, 'the nodes made before the edit were kept');
        const shape = (nodes: SyntaxNode[]) => nodes.map((n) => `${n.id} ${n.type} ${n.startIndex}-${n.endIndex}`).join('\n');
        assert.ok(shape(after) === shape([...allCopies(fresh.root)]), 'the new copy equals a fresh one node for node');
      } finally {
        nextTree.delete();
      }
    }
  });

  it('writes only the statements an edit touched: the others are read through the earlier copies, which keep their facts', async () => {
    // A copy with a previous one reads its unchanged statements' facts where an earlier copy wrote
    // them (segments, with an id and an offset shift): typing must not write the whole file per
    // keystroke, older copies (an older model's) must read what they read before, and a copy of many
    // segments is flattened into arrays of its own.
    const parser = await loadParser();
    const lines: string[] = [];
    for (let i = 0; i < 300; i++) lines.push(`df_${i} = spark.read.parquet("/data/${i}").filter(F.col("a") > ${i})`);
    let text = lines.join('\n') + '\n';
    let tree = parser.parse(text);
    const first = syntaxTreeOf(tree, text);
    assert.equal(first.segments, 1, 'a copy without a previous one is one segment');
    assert.equal(first.factsWritten, first.size);
    const copies: { copy: SyntaxTree; facts: number[][] }[] = [{ copy: first, facts: first.facts() }];
    const edit = (at: number, removed: number, inserted: string): SyntaxTree => {
      ({ tree, text } = editCarried(parser, tree, text, at, removed, inserted));
      const copy = syntaxTreeOf(tree, text);
      const facts = copy.facts();
      assert.deepEqual(facts, new SyntaxTree(tree, text, undefined, true).facts(), `equal to a fresh copy after ${JSON.stringify(inserted)} at ${at}`);
      copies.push({ copy, facts });
      return copy;
    };
    try {
      // Typing in one statement in the middle (a filter's bound: `150` becomes `1507...`, a new
      // statement each keystroke): the root and that statement are written, the rest is shared.
      const at = text.indexOf('> 150)') + 5;
      for (let k = 0; k < 12; k++) {
        const copy = edit(at + k, 0, String(k % 10));
        const statement = copy.root.namedChildren[150];
        assert.ok(statement.text.startsWith('df_150 ='));
        assert.equal(copy.factsWritten, 1 + statement.subtreeEnd - statement.id, 'the root and the edited statement written, nothing else');
        assert.ok(copy.segments <= 4, `${copy.segments} segments`);
        assert.ok(copy.sharedNodes + copy.reusedNodes + copy.factsWritten === copy.size);
      }
      // An edit in a different statement each time, adding nodes (` + 1` in its filter), so that the
      // statements after it move by id as well as by offset: the segments add up until the copy is flattened.
      let flattened = 0;
      for (let k = 0; k < 12; k++) {
        const line = text.indexOf(`df_${20 * k + 5} =`);
        const copy = edit(text.indexOf(')', text.indexOf('F.col("a") >', line)), 0, ' + 1');
        assert.ok(copy.size > copies[copies.length - 2].copy.size, 'the edit added nodes: later statements moved by id');
        assert.ok(copy.segments <= 16, `${copy.segments} segments`);
        if (copy.flattened) {
          flattened++;
          assert.equal(copy.segments, 1);
          assert.equal(copy.factsWritten, copy.size + 1 + copy.root.namedChildren[20 * k + 5].subtreeEnd - copy.root.namedChildren[20 * k + 5].id);
        }
      }
      assert.ok(flattened >= 1, 'a copy of many segments was flattened');
      // Every copy reads what it read when it was made, though later ones read through its arrays.
      for (const { copy, facts } of copies) assert.deepEqual(copy.facts(), facts);
    } finally {
      tree.delete();
    }
  });

  it('does not take over a statement an edit changed without changing its length or shape', async () => {
    // After a same-length edit (`"/data/2"` to `"/data/x"`) the changed statement sits where it was,
    // as long, of the same type and shape: only its text says it is another statement. Taken over, it
    // would bring its old per-node answers (`partsMemo`) and pass for unchanged in the model's resume.
    const parser = await loadParser();
    const text = ['df_1 = spark.read.parquet("/data/1")', 'df_2 = spark.read.parquet("/data/2")', 'df_3 = spark.read.parquet("/data/3")', ''].join('\n');
    const tree = parser.parse(text);
    const first = syntaxTreeOf(tree, text);
    const [s1, s2, s3] = first.root.namedChildren;
    const at = text.indexOf('2")');
    const next = text.slice(0, at) + 'x' + text.slice(at + 1);
    const point = first.pointAt(at);
    tree.edit({
      startIndex: at,
      oldEndIndex: at + 1,
      newEndIndex: at + 1,
      startPosition: point,
      oldEndPosition: { row: point.row, column: point.column + 1 },
      newEndPosition: { row: point.row, column: point.column + 1 },
    } as Parameters<typeof tree.edit>[0]);
    const nextTree = parser.parse(next, tree);
    carryCopy(tree, nextTree);
    tree.delete();
    try {
      const second = syntaxTreeOf(nextTree, next);
      const [t1, t2, t3] = second.root.namedChildren;
      assert.ok(t1 === s1, 'the statement before the edit is shared');
      assert.ok(t3 === s3, 'the statement after it is adopted');
      assert.ok(t2 !== s2, 'the edited statement is read anew');
      assert.equal(t2.text, 'df_2 = spark.read.parquet("/data/x")');
    } finally {
      nextTree.delete();
    }
  });

  it('reads anew a statement whose first or last character an edit replaced, where the two texts stop or start being alike', async () => {
    // The prefix is taken without comparing a statement's text when the statement ends within the
    // two texts' common beginning, and a later statement when it starts within their common end
    // (`copy`): a statement one character across either boundary has other text at the same place,
    // of the same length and type, and must be read anew. Cloned statements are copied in runs of one
    // offset delta: two changes in one version give two deltas to statements next to each other.
    const parser = await loadParser();
    const cases: [string, [string, string][]][] = [
      // The last character of the first statement (the prefix stops one character before its end).
      ['a = 1\nb = 2\nz = 3\n', [['1', '7']]],
      // The first character of the second statement, after an edit that moves it (the common end starts one character after its start).
      ['a = 1\nb = 2\nz = 3\n', [['1\nb', '12\nc']]],
      // The first character of a statement after a longer one, whose start the edit moves by two.
      ['df = 1\nx_2 = df\nz = 3\n', [['1\nx', '100\ny']]],
      // Two changes: `b` moves by one, `c` right after it by two.
      [
        'a = 1\nb = 2\nc = 3\nd = 4\n',
        [
          ['a = 1', 'a = 11'],
          ['c = 3', '\nc = 3'],
        ],
      ],
    ];
    for (const [text, edits] of cases) {
      const tree = parser.parse(text);
      const first = syntaxTreeOf(tree, text);
      const old = first.root.namedChildren;
      const oldTexts = old.map((n) => n.text);
      let next = text;
      for (const [before, after] of edits) {
        const from = next;
        const at = from.indexOf(before);
        next = from.slice(0, at) + after + from.slice(at + before.length);
        const point = (t: string, i: number) => ({ row: t.slice(0, i).split('\n').length - 1, column: i - t.lastIndexOf('\n', i - 1) - 1 });
        tree.edit({
          startIndex: at,
          oldEndIndex: at + before.length,
          newEndIndex: at + after.length,
          startPosition: point(from, at),
          oldEndPosition: point(from, at + before.length),
          newEndPosition: point(next, at + after.length),
        } as Parameters<typeof tree.edit>[0]);
      }
      const nextTree = parser.parse(next, tree);
      carryCopy(tree, nextTree);
      tree.delete();
      try {
        const second = syntaxTreeOf(nextTree, next);
        const now = second.root.namedChildren;
        const what = JSON.stringify(edits);
        assert.deepEqual(
          now.map((n) => n.text),
          next.split('\n').filter((line) => line),
          what,
        );
        assert.deepEqual(second.facts(), new SyntaxTree(nextTree, next, undefined, true).facts(), what);
        assert.ok(second.sharedNodes + second.reusedNodes > 0, `${what}: something was taken over`);
        // Taken over (the same object, with what was kept on it) exactly when its text is the old one.
        now.forEach((n, i) => assert.equal(old.includes(n), n.text === oldTexts[old.indexOf(n)], `${what}: statement ${i} (${n.text})`));
      } finally {
        nextTree.delete();
      }
    }
  });

  it('takes over statements an edit reordered by their text, among statements of the same length and type', async () => {
    // Lines reordered in one version: the statements are not where one offset delta moves them, so
    // each is looked up by its text (`takeReusable`, which lists the previous copy's statements by
    // length, and indexes a length shared by more than 16 of them by text). Every statement here has
    // the same length and type: only the text tells them apart, and a repeated text goes to the first
    // statement of that text not yet taken.
    const parser = await loadParser();
    const many = Array.from({ length: 24 }, (_, k) => `v${String(k).padStart(2, '0')} = 1`);
    const cases: [string[], string[], number[]][] = [
      // Five statements, compared one by one.
      [
        ['a = 1', 'b = 2', 'c = 3', 'a = 1', 'd = 4'],
        ['b = 2', 'a = 1', 'c = 3', 'd = 4', 'a = 1'],
        [1, 0, 2, 4, 3],
      ],
      // Twenty-six of one length, reversed, one text twice: indexed by text.
      [[...many, 'v03 = 1', 'v07 = 1'], [...many].reverse().concat(['v07 = 1', 'v03 = 1']), [...many.keys()].reverse().concat([25, 24])],
    ];
    for (const [before, after, expected] of cases) {
      const text = `${before.join('\n')}\n`;
      const next = `${after.join('\n')}\n`;
      const tree = parser.parse(text);
      const first = syntaxTreeOf(tree, text);
      const old = first.root.namedChildren;
      const rows = before.length;
      // The whole text replaced by the reordered one: one edit of the stretch the two differ in.
      tree.edit({
        startIndex: 0,
        oldEndIndex: text.length,
        newEndIndex: next.length,
        startPosition: { row: 0, column: 0 },
        oldEndPosition: { row: rows, column: 0 },
        newEndPosition: { row: rows, column: 0 },
      } as Parameters<typeof tree.edit>[0]);
      const nextTree = parser.parse(next, tree);
      carryCopy(tree, nextTree);
      tree.delete();
      try {
        const second = syntaxTreeOf(nextTree, next);
        assert.deepEqual(second.facts(), new SyntaxTree(nextTree, next, undefined, true).facts());
        const now = second.root.namedChildren;
        assert.deepEqual(
          now.map((n) => n.text),
          after,
        );
        // Each statement is the previous object of the same text; a repeated text takes the first one first.
        assert.deepEqual(
          now.map((n) => old.indexOf(n)),
          expected,
        );
        assert.equal(second.reusedNodes, second.size - 1, 'every statement cloned');
      } finally {
        nextTree.delete();
      }
    }
  });

  it('is made once per tree and text, and remade for another text', async () => {
    const parser = await loadParser();
    const text = 'df = spark.read.parquet("/x")\n';
    const tree = parser.parse(text);
    try {
      assert.equal(syntaxTreeOf(tree, text), syntaxTreeOf(tree, text));
      assert.notEqual(syntaxTreeOf(tree, text), syntaxTreeOf(tree, text + ' '));
    } finally {
      tree.delete();
    }
  });

  it('copies a 50,000-deep expression without recursion', async () => {
    const text = `y = ${'('.repeat(50_000)}df${')'.repeat(50_000)}\n`;
    const tree = (await loadParser()).parse(text);
    try {
      const copy = syntaxRoot(tree, text);
      assert.equal(
        copy
          .descendantsOfType('identifier')
          .map((n) => n.text)
          .join(','),
        'y,df',
      );
    } finally {
      tree.delete();
    }
  });
});
