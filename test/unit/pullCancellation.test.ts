import * as assert from 'node:assert/strict';
import { keepShownIfCancelled } from '../../client/src/pullCancellation';

/** What vscode-languageclient 9's provider resolves a cancelled pull to (handleFailedRequest's default). */
const emptyFull = () => ({ kind: 'full' as const, items: [] as unknown[] });

class Cancelled extends Error {}

describe('a pull cancelled by the next edit keeps the diagnostics shown', () => {
  it('the empty report the library makes of a cancelled pull becomes a cancellation, so nothing is shown for it', async () => {
    const token = { isCancellationRequested: false };
    const answered = keepShownIfCancelled(
      token,
      async () => {
        // The user types while the server waits: the library cancels the pull and resolves it empty.
        token.isCancellationRequested = true;
        return emptyFull();
      },
      () => new Cancelled('cancelled'),
    );
    await assert.rejects(answered, Cancelled);
  });

  it('a pull answered before any edit is returned as it is, full or unchanged', async () => {
    const token = { isCancellationRequested: false };
    const full = { kind: 'full' as const, resultId: '7', items: [{ message: 'PSA201' }] };
    assert.equal(
      await keepShownIfCancelled(
        token,
        async () => full,
        () => new Cancelled(),
      ),
      full,
    );
    const unchanged = { kind: 'unchanged' as const, resultId: '7' };
    assert.equal(
      await keepShownIfCancelled(
        token,
        () => unchanged,
        () => new Cancelled(),
      ),
      unchanged,
    );
    assert.equal(
      await keepShownIfCancelled(
        token,
        () => undefined,
        () => new Cancelled(),
      ),
      undefined,
    );
  });

  it("the server's own errors pass through unchanged", async () => {
    const token = { isCancellationRequested: false };
    const failure = new Error('server failed');
    await assert.rejects(
      keepShownIfCancelled(
        token,
        () => Promise.reject(failure),
        () => new Cancelled(),
      ),
      (e) => e === failure,
    );
  });
});
