import * as assert from 'node:assert/strict';
import { callParts, literalString, stringParts, unwrapParens } from '../../server/src/parsing/syntax';
import { dropCopy, syntaxTreeOf, type SyntaxNode } from '../../server/src/parsing/syntaxTree';
import { SparkFunctions, STRING_COLUMN_FUNCS } from '../../server/src/spark/functions';
import type { ImportInfo } from '../../server/src/model/types';
import { loadParser, samplesAndFixtures } from './helpers';

// The copy's id readers (for code that only classifies a subtree's nodes) and the readers built on
// them give the answers the node objects give, on every node of the samples and rule fixtures.

const IMPORTS: ImportInfo = {
  functionsAliases: new Set(['F']),
  functionNames: new Set(['col', 'sha2', 'lit', 'regexp_replace', 'concat_ws']),
  functionsStar: false,
  sqlNames: new Set(),
  usesPySpark: true,
  statements: [],
};

/** `isMasking` as it was written over node objects (depth first through `namedChildren`): the reference. */
function isMaskingByNodes(fns: SparkFunctions, node: SyntaxNode): boolean {
  const n = unwrapParens(node);
  if (n.type === 'string' || n.type === 'none' || n.type === 'integer') return true;
  const stack = [n];
  for (let steps = 0; stack.length && steps < 500; steps++) {
    const cur = stack.pop()!;
    if (cur.type === 'call') {
      const name = fns.nameOf(cur);
      const parts = callParts(cur);
      if (parts?.name === 'otherwise' && parts.args[0] && fns.columnRef(parts.args[0]) !== undefined) return false;
      if (name && ['regexp_replace', 'translate', 'overlay'].includes(name)) {
        const replacement = parts?.args[parts.name === 'overlay' ? 1 : 2] ?? parts?.args[1];
        const text = replacement ? (literalString(replacement) ?? literalString(callParts(unwrapParens(replacement))?.args[0])) : undefined;
        if (text !== undefined && /[*#xX•]|redact|mask|hidden|\*\*\*/i.test(text)) return true;
      } else if (name && ['sha2', 'sha1', 'sha', 'md5', 'hash', 'xxhash64', 'crc32', 'mask', 'aes_encrypt'].includes(name)) return true;
      if (name === 'lit' && cur === n) return true;
      if (parts?.name && /mask|redact|anonymi[sz]|pseudonymi[sz]|hash|encrypt|tokeni[sz]e|obfuscat/i.test(parts.name)) return true;
    }
    for (const c of cur.namedChildren) if (c) stack.push(c);
  }
  return false;
}

/** `firstColumnRead` as it was written over node objects (breadth first through `namedChildren`): the reference. */
function firstColumnReadByNodes(fns: SparkFunctions, node: SyntaxNode): string | undefined {
  const stack = [node];
  for (let steps = 0; stack.length && steps < 500; steps++) {
    const n = stack.shift()!;
    const ref = fns.columnRef(n);
    if (ref !== undefined) return ref;
    if (n.type === 'call') {
      const parts = callParts(n);
      const name = fns.nameOf(n);
      if (name && parts && parts.args[0] && literalString(parts.args[0]) !== undefined && STRING_COLUMN_FUNCS.has(name)) return literalString(parts.args[0]);
    }
    for (const c of n.namedChildren) if (c) stack.push(c);
  }
  return undefined;
}

/** Calls `check` with each sample's and fixture's syntax copy, the tree let go after it. */
async function eachCopy(files: [string, string][], check: (name: string, copy: ReturnType<typeof syntaxTreeOf>) => void): Promise<void> {
  const parser = await loadParser();
  for (const [name, text] of files) {
    const tree = parser.parse(text);
    try {
      check(name, syntaxTreeOf(tree, text));
    } finally {
      dropCopy(tree);
      tree.delete();
    }
  }
}

describe("the copy's id readers", () => {
  const files = samplesAndFixtures();

  it('type, named children, first child and next sibling by id equal the node objects, on every node of the samples and fixtures', async () => {
    let checked = 0;
    await eachCopy(files, (name, copy) => {
      for (let id = 0; id < copy.size; id++) {
        const node = copy.nodeAt(id);
        assert.equal(copy.typeAt(id), node.type, `${name} #${id}`);
        const ids: number[] = [];
        copy.pushNamedChildIds(id, ids);
        assert.deepEqual(
          ids,
          node.namedChildren.map((c) => c.id),
          `${name} #${id} named children`,
        );
        assert.equal(copy.firstChildId(id), node.firstChild?.id ?? -1, `${name} #${id} first child`);
        assert.equal(copy.nextSiblingId(id), node.nextSibling?.id ?? -1, `${name} #${id} next sibling`);
        assert.deepEqual(
          node.children.map((c) => c.id),
          Array.from({ length: node.childCount }, (_, i) => node.child(i)!.id),
        );
        checked++;
      }
    });
    assert.ok(checked > 10_000, `${checked} nodes checked`);
  });

  it("a string's literal is its pieces joined, and undefined exactly when it has an interpolation", async () => {
    let plain = 0;
    let interpolated = 0;
    await eachCopy(files, (name, copy) => {
      for (const s of copy.nodesOfType('string')) {
        // Asked in both orders on fresh copies would be the same: the literal is read without the pieces.
        const literal = literalString(s);
        const parts = stringParts(s);
        if (parts.every((p) => typeof p === 'string')) {
          assert.equal(literal, parts.join(''), `${name} ${s.text}`);
          plain++;
        } else {
          assert.equal(literal, undefined, `${name} ${s.text}`);
          interpolated++;
        }
      }
    });
    assert.ok(plain > 1000 && interpolated > 20, `${plain} plain, ${interpolated} interpolated strings`);
  });

  it('isMasking and firstColumnRead over ids answer as the node walks did, on every named node of the samples and fixtures', async () => {
    const fns = new SparkFunctions(IMPORTS, () => false);
    let masking = 0;
    let reads = 0;
    let checked = 0;
    await eachCopy(files, (name, copy) => {
      for (let id = 0; id < copy.size; id++) {
        const node = copy.nodeAt(id);
        if (!node.isNamed || node.type === 'module' || node.type === 'block') continue;
        const expected = isMaskingByNodes(fns, node);
        assert.equal(fns.isMasking(node), expected, `${name} ${node.type} ${node.text.slice(0, 80)}`);
        if (expected) masking++;
        const read = firstColumnReadByNodes(fns, node);
        assert.equal(fns.firstColumnRead(node), read, `${name} ${node.type} ${node.text.slice(0, 80)}`);
        if (read !== undefined) reads++;
        checked++;
      }
    });
    assert.ok(checked > 10_000 && masking > 100 && reads > 100, `${checked} nodes, ${masking} masking, ${reads} with a column read`);
  });
});
