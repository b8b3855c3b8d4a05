import * as assert from 'node:assert/strict';
import fc from 'fast-check';
import { ColumnMap, SMALL_COLUMN_MAP } from '../../server/src/model/columnMap';
import type { ColumnInfo } from '../../server/src/model/types';
import type { Node } from '../../server/src/parsing/pythonParser';

// A frame's columns were a `Map` copied per change; they are now a persistent map (issue 18,
// problem 5). Readers list columns in the map's order (a select("*"), PSA704's union by position, the
// hover), so the order must be a `Map`'s exactly, and a frame's columns must not change when a frame
// derived from it changes its own.

const column = (name: string, tag: number): ColumnInfo => ({ name, node: { tag } as unknown as Node, masked: tag % 2 === 0 });
// More names than SMALL_COLUMN_MAP, so a sequence crosses from the copied Map to the tree and back.
const NAMES = ['id', 'email', 'amount', 'ts', ...Array.from({ length: SMALL_COLUMN_MAP + 8 }, (_, i) => `c${i}`)];

type Op = { k: 'set'; name: string; tag: number } | { k: 'delete'; name: string } | { k: 'batch'; ops: Op[] };
const single: fc.Arbitrary<Op> = fc.oneof(
  fc.record({ k: fc.constant('set' as const), name: fc.constantFrom(...NAMES), tag: fc.nat(1000) }),
  fc.record({ k: fc.constant('delete' as const), name: fc.constantFrom(...NAMES) }),
);
const op: fc.Arbitrary<Op> = fc.oneof(single, single, fc.record({ k: fc.constant('batch' as const), ops: fc.array(single, { maxLength: SMALL_COLUMN_MAP }) }));

function applyToMap(m: Map<string, ColumnInfo>, o: Op): Map<string, ColumnInfo> {
  const next = new Map(m);
  const one = (x: Op) => {
    if (x.k === 'set') next.set(x.name, column(x.name, x.tag));
    else if (x.k === 'delete') next.delete(x.name);
    else x.ops.forEach(one);
  };
  one(o);
  return next;
}

function applyToColumns(m: ColumnMap, o: Op): ColumnMap {
  if (o.k === 'set') return m.with(o.name, column(o.name, o.tag));
  return m.edit((e) => {
    const one = (x: Op) => {
      if (x.k === 'set') e.set(x.name, column(x.name, x.tag));
      else if (x.k === 'delete') e.delete(x.name);
      else x.ops.forEach(one);
    };
    one(o);
  });
}

const listed = (m: Iterable<[string, ColumnInfo]>) => [...m].map(([k, c]) => `${k}:${(c.node as unknown as { tag: number }).tag}`);

describe("ColumnMap: a persistent map with a Map's order", () => {
  it('lists, finds and counts as a Map given the same changes, and every earlier version stays as it was', () => {
    fc.assert(
      fc.property(fc.array(op, { maxLength: 80 }), (ops) => {
        let plain = new Map<string, ColumnInfo>();
        let columns = ColumnMap.EMPTY;
        const versions: [Map<string, ColumnInfo>, ColumnMap][] = [[plain, columns]];
        for (const o of ops) {
          plain = applyToMap(plain, o);
          columns = applyToColumns(columns, o);
          versions.push([plain, columns]);
        }
        for (const [p, c] of versions) {
          assert.deepEqual(listed(c), listed(p));
          assert.deepEqual([...c.keys()], [...p.keys()]);
          assert.deepEqual([...c.values()], [...p.values()]);
          assert.deepEqual(listed(c.entries()), listed(p.entries()));
          assert.equal(c.size, p.size);
          for (const n of NAMES) {
            assert.equal(c.has(n), p.has(n));
            assert.deepEqual(c.get(n), p.get(n));
          }
        }
      }),
      { seed: 1607, numRuns: 200 },
    );
  });

  it('keeps a renamed column last and a replaced one in place, as withColumnRenamed and withColumn did', () => {
    const base = ColumnMap.of([
      ['id', column('id', 1)],
      ['email', column('email', 2)],
      ['amount', column('amount', 3)],
    ]);
    const replaced = base.with('email', column('email', 4));
    assert.deepEqual([...replaced.keys()], ['id', 'email', 'amount']);
    const renamed = base.edit((m) => {
      const c = m.get('email')!;
      m.delete('email');
      m.set('contact', { ...c, name: 'contact' });
    });
    assert.deepEqual([...renamed.keys()], ['id', 'amount', 'contact']);
    assert.deepEqual([...base.keys()], ['id', 'email', 'amount']);
    assert.equal(
      base.edit(() => undefined),
      base,
      'an edit that changes nothing gives the same map',
    );
  });

  it('keeps its order across the small and the large form, one column at a time and in one edit', () => {
    const names = Array.from({ length: SMALL_COLUMN_MAP * 3 }, (_, i) => `c${i}`);
    let grown = ColumnMap.EMPTY;
    for (const n of names) grown = grown.with(n, column(n, 1));
    assert.deepEqual([...grown.keys()], names);
    const atOnce = ColumnMap.of(names.map((n) => [n, column(n, 1)]));
    assert.deepEqual([...atOnce.keys()], names);
    // Drop all but the last few (a select of a handful after a wide frame), then grow again.
    const kept = names.slice(-4);
    const shrunk = grown.edit((m) => names.slice(0, -4).forEach((n) => m.delete(n)));
    assert.deepEqual([...shrunk.keys()], kept);
    const again = shrunk.with('c0', column('c0', 2)).with(kept[0], column(kept[0], 3));
    assert.deepEqual([...again.keys()], [...kept, 'c0']);
    assert.equal(again.get(kept[0])?.masked, false);
    assert.deepEqual([...grown.keys()], names, 'the wide version is unchanged');
  });
});
