// Pull diagnostics while typing (issues 14 and 18): a pull overtaken by an edit or cancelled is
// answered with ServerCancelled and retriggerRequest, never with an empty report that would blank
// the squiggles of a document that still has findings.
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { CancellationTokenSource } from 'vscode-jsonrpc/node';
import { LspClient } from './lspClient';

const kappa = fs.readFileSync(path.resolve(__dirname, '../../../samples/kappa_architecture.py'), 'utf8');
const SERVER_CANCELLED = -32802;
const PULL = { workspace: { configuration: true }, textDocument: { diagnostic: {} } };

describe('pull diagnostics while typing', function () {
  this.timeout(30_000);
  let client: LspClient;
  afterEach(async () => {
    await client?.stop();
  });

  const uri = 'file:///w/kappa.py';
  const lines = kappa.split('\n').length;
  const type = (version: number, text: string) =>
    client.connection.sendNotification('textDocument/didChange', {
      textDocument: { uri, version },
      contentChanges: [{ range: { start: { line: lines - 1, character: 0 }, end: { line: lines - 1, character: 0 } }, text }],
    });
  const pull = (token?: CancellationTokenSource) =>
    (token
      ? client.connection.sendRequest('textDocument/diagnostic', { textDocument: { uri } }, token.token)
      : client.connection.sendRequest('textDocument/diagnostic', { textDocument: { uri } })
    ).then(
      (r: any) => ({ items: r.items as any[] }),
      (e: any) => ({ error: e as { code: number; data?: { retriggerRequest?: boolean } } }),
    );

  it('edits during pulls: every answer is the findings or ServerCancelled with retrigger, never an empty report', async () => {
    client = new LspClient({ debounceMs: 200 });
    await client.initialize(PULL);
    await client.open(uri, kappa);
    const first = await pull();
    assert.deepEqual(('items' in first ? first.items : []).map((d) => d.code).sort(), ['PSA201', 'PSA204']);
    const answers: Promise<Awaited<ReturnType<typeof pull>>>[] = [];
    // Type a comment a character at a time, pulling after each keystroke as VS Code does.
    let version = 1;
    for (const ch of '# typing a comment') {
      await type(++version, ch);
      answers.push(pull());
    }
    const settled = await Promise.all(answers);
    let reports = 0;
    let cancelled = 0;
    for (const a of settled) {
      if ('error' in a) {
        assert.equal(a.error.code, SERVER_CANCELLED);
        assert.equal(a.error.data?.retriggerRequest, true);
        cancelled++;
      } else {
        assert.deepEqual(a.items.map((d) => d.code).sort(), ['PSA201', 'PSA204'], 'a report, when sent, has the findings');
        reports++;
      }
    }
    assert.ok(cancelled > 0, 'pulls overtaken by the next keystroke were cancelled');
    assert.ok(reports > 0, 'the last pull got a report');
  });

  it('a pull the client cancels is answered with ServerCancelled, and the next pull gets the findings', async () => {
    client = new LspClient({ debounceMs: 500 });
    await client.initialize(PULL);
    await client.open(uri, kappa);
    await type(2, '#');
    const source = new CancellationTokenSource();
    const pending = pull(source);
    source.cancel();
    const answer = await pending;
    assert.ok('error' in answer, 'not a report');
    const next = await pull();
    assert.deepEqual(('items' in next ? next.items : []).map((d) => d.code).sort(), ['PSA201', 'PSA204']);
  });

  it('pulls wait for debounceMs after the last edit (debounce fixed): a burst of edits is analysed once', async () => {
    client = new LspClient({ debounceMs: 1000, debounce: 'fixed' });
    await client.initialize(PULL);
    await client.open(uri, kappa);
    await pull();
    const pulls = [];
    for (let v = 2; v < 8; v++) {
      await type(v, '#');
      pulls.push(pull());
    }
    const settled = await Promise.all(pulls);
    // Only the pull for the last version waited its debounce through; the others were overtaken.
    assert.equal(settled.filter((a) => 'items' in a).length, 1);
    assert.ok('items' in settled[settled.length - 1]);
  });
});
