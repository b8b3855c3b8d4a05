import * as assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Node as TreeSitterNode } from 'web-tree-sitter';
import { carryCopy, SyntaxTree, syntaxRoot, syntaxTreeOf, type SyntaxNode } from '../../server/src/parsing/syntaxTree';
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
      const next = text.slice(0, start) + inserted + text.slice(start + removed);
      const point = (i: number) => ({ row: text.slice(0, i).split('\n').length - 1, column: i - text.lastIndexOf('\n', i - 1) - 1 });
      const newEndText = next.slice(0, start + inserted.length);
      tree.edit({
        startIndex: start,
        oldEndIndex: start + removed,
        newEndIndex: start + inserted.length,
        startPosition: point(start),
        oldEndPosition: point(start + removed),
        newEndPosition: { row: newEndText.split('\n').length - 1, column: start + inserted.length - newEndText.lastIndexOf('\n') - 1 },
      } as Parameters<typeof tree.edit>[0]);
      const nextTree = parser.parse(next, tree);
      carryCopy(tree, nextTree);
      tree.delete();
      tree = nextTree;
      text = next;
      const incremental = syntaxTreeOf(tree, text);
      const fresh = new SyntaxTree(tree, text);
      assert.deepEqual(shape(incremental), shape(fresh), `after inserting ${JSON.stringify(inserted)} at ${start}`);
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
