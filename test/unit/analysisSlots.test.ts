import * as assert from 'node:assert/strict';
import { AnalysisSlots } from '../../server/src/lsp/analysisSlots';

describe('AnalysisSlots: one analysis at a time, in the order requested', () => {
  it('holds back every request past the slot and hands the slot to the oldest waiter', async () => {
    const slots = new AnalysisSlots(1);
    const order: string[] = [];
    const first = await slots.acquire();
    const waiters = ['a', 'b', 'c'].map((name) =>
      slots.acquire().then((release) => {
        order.push(name);
        return release;
      }),
    );
    await new Promise((r) => setImmediate(r));
    assert.deepEqual(order, [], 'nobody runs while the slot is taken');
    assert.equal(slots.queued, 3);
    first();
    first(); // a second call is ignored: it must not free a slot it no longer holds
    const a = await waiters[0];
    assert.deepEqual(order, ['a']);
    a();
    const b = await waiters[1];
    b();
    const c = await waiters[2];
    c();
    assert.deepEqual(order, ['a', 'b', 'c']);
    assert.equal(slots.peak, 1);
    assert.equal(slots.queued, 0);
    // Free again: the next request runs at once.
    const again = await slots.acquire();
    again();
  });

  it('runs up to `size` at once', async () => {
    const slots = new AnalysisSlots(2);
    const r1 = await slots.acquire();
    const r2 = await slots.acquire();
    let third = false;
    const p = slots.acquire().then((r) => {
      third = true;
      return r;
    });
    await new Promise((r) => setImmediate(r));
    assert.equal(third, false);
    r1();
    (await p)();
    r2();
    assert.equal(slots.peak, 2);
  });
});
