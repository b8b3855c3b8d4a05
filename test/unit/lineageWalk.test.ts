import * as assert from 'node:assert/strict';
import { buildModel } from '../../server/src/model/buildModel';
import { filterLineage, findInLineage, lineage } from '../../server/src/model/lineage';
import type { Frame } from '../../server/src/model/types';
import { loadParser, samplesAndFixtures } from './helpers';

// The lineage walks reuse their scratch (a stamp array and a queue, taken from a spare list) instead
// of a Set and an array per walk (issue 18: the rules' largest allocation source after a keystroke).
// Whatever walks run inside or beside another, each must give what the walk with its own Set gives.

/** The walk as it was: a Set of seen ids and a queue of its own. */
function* lineageBySet(frame: Frame, prune?: (f: Frame) => boolean, limit = 100_000): Generator<Frame> {
  const seen = new Set<number>();
  const queue = [frame];
  for (let i = 0; i < queue.length && seen.size < limit; i++) {
    const f = queue[i];
    if (seen.has(f.id)) continue;
    seen.add(f.id);
    if (i > 0 && prune?.(f)) continue;
    yield f;
    queue.push(...f.parents);
  }
}

const ids = (frames: Iterable<Frame>) => [...frames].map((f) => f.id);

describe('lineage walks with reused scratch (model/lineage)', () => {
  it('give the frames the walk with its own set gives, alone, nested, interleaved and abandoned, over every sample and fixture', async () => {
    const parser = await loadParser();
    let frames = 0;
    let nested = 0;
    let longest = 0;
    for (const [name, text] of samplesAndFixtures()) {
      const tree = parser.parse(text);
      try {
        const { model } = buildModel(tree, text);
        for (const frame of model.frames) {
          frames++;
          const want = ids(lineageBySet(frame));
          longest = Math.max(longest, want.length);
          assert.deepEqual(ids(lineage(frame)), want, `${name}: lineage of frame ${frame.id}`);
          // Pruned at every other frame, and cut short by a limit.
          const prune = (f: Frame) => f.id % 2 === 0;
          assert.deepEqual(ids(lineage(frame, prune)), ids(lineageBySet(frame, prune)), `${name}: pruned lineage of ${frame.id}`);
          assert.deepEqual(ids(lineage(frame, undefined, 2)), ids(lineageBySet(frame, undefined, 2)), `${name}: limited lineage of ${frame.id}`);
          // A predicate that walks lineages itself (the walks inside take other scratch).
          const inner = (f: Frame) => {
            nested++;
            assert.deepEqual(ids(lineage(f)), ids(lineageBySet(f)), `${name}: the lineage of ${f.id} inside another walk`);
            return ids(lineageBySet(f)).length % 3 === 0;
          };
          const wantFiltered = ids([...lineageBySet(frame)].filter((f) => ids(lineageBySet(f)).length % 3 === 0));
          assert.deepEqual(ids(filterLineage(frame, inner)), wantFiltered, `${name}: filtered lineage of ${frame.id}`);
          assert.deepEqual(ids(filterLineage(frame, () => true, 3)), ids(lineageBySet(frame, undefined, 3)), `${name}: limited filter of ${frame.id}`);
          const last = want[want.length - 1];
          assert.equal(findInLineage(frame, (f) => f.id === last)?.id, last, `${name}: the last frame of ${frame.id}'s lineage found`);
          const rootWhenPruned = [...lineageBySet(frame, prune)].find((f) => f.parents.length === 0);
          assert.equal(
            findInLineage(frame, (f) => f.parents.length === 0, prune),
            rootWhenPruned,
            `${name}: a root found in the pruned lineage of ${frame.id}`,
          );
          // Two walks interleaved, one abandoned half way (its scratch is not handed back) and one closed early.
          const a = lineage(frame);
          const b = lineage(frame);
          const got: number[] = [];
          for (let k = 0; k < want.length; k++) {
            got.push(a.next().value.id);
            if (k === 0) b.next();
          }
          assert.deepEqual(got, want, `${name}: lineage of ${frame.id} beside another walk`);
          for (const f of lineage(frame)) if (f) break;
          assert.deepEqual(ids(lineage(frame)), want, `${name}: lineage of ${frame.id} after walks left unfinished`);
        }
      } finally {
        tree.delete();
      }
    }
    assert.ok(frames > 1000, `${frames} frames`);
    assert.ok(nested > 1000, `${nested} walks inside another`);
    assert.ok(longest >= 5, `the longest lineage has ${longest} frames`);
  });

  it('mark ids past the first mark array and ids that are no small integers, and stay right past many walks', () => {
    const frame = (id: number, parents: Frame[] = []) => ({ id, parents }) as unknown as Frame;
    const roots = [frame(5_000_000), frame(-1), frame(0.5), frame(NaN), frame(70_000), frame(3)];
    const shared = frame(7, roots);
    const top = frame(1, [shared, frame(2, [shared, roots[1]]), frame(9_999, [roots[4], roots[4]])]);
    const want = ids(lineageBySet(top));
    assert.equal(new Set(want.map(String)).size, want.length, 'each frame once');
    for (let round = 0; round < 3_000; round++) assert.deepEqual(ids(lineage(top)), want, `round ${round}`);
    assert.deepEqual(
      ids(filterLineage(top, (f) => Number.isInteger(f.id))),
      want.filter((id) => Number.isInteger(id)),
    );
  });
});
