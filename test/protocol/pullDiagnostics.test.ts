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

// LSP 3.17 result ids over stdio: the server gives every full report an id, answers `unchanged`
// only when the diagnostics are exactly those the client holds under the id it sends back, and a
// client without ids gets full reports.
describe('pull diagnostics: result ids and unchanged reports over stdio', function () {
  this.timeout(30_000);
  let client: LspClient;
  afterEach(async () => {
    await client?.stop();
  });

  const uri = 'file:///w/kappa_ids.py';
  const pullWith = async (previousResultId?: string): Promise<any> =>
    client.connection.sendRequest('textDocument/diagnostic', { textDocument: { uri }, ...(previousResultId !== undefined ? { previousResultId } : {}) });
  /** Pulls until the current version is answered (ServerCancelled with retrigger: pull again, as VS Code does). */
  const settled = async (previousResultId?: string): Promise<any> => {
    for (let attempt = 0; attempt < 50; attempt++) {
      try {
        return await pullWith(previousResultId);
      } catch (e: any) {
        if (e?.code !== SERVER_CANCELLED) throw e;
      }
    }
    throw new Error('never answered');
  };
  const insert = (version: number, line: number, text: string) =>
    client.connection.sendNotification('textDocument/didChange', {
      textDocument: { uri, version },
      contentChanges: [{ range: { start: { line, character: 0 }, end: { line, character: 0 } }, text }],
    });
  const lines = kappa.split('\n').length;

  it('the same diagnostics pulled with the last id are unchanged; a client without ids gets full reports', async () => {
    client = new LspClient({ debounceMs: 0 });
    await client.initialize(PULL);
    await client.open(uri, kappa);
    const first = await settled();
    assert.equal(first.kind, 'full');
    assert.equal(typeof first.resultId, 'string');
    assert.deepEqual(first.items.map((d: any) => d.code).sort(), ['PSA201', 'PSA204']);
    assert.deepEqual(await settled(first.resultId), { kind: 'unchanged', resultId: first.resultId });
    // A comment added at the end moves no finding: the client keeps what it holds.
    await insert(2, lines - 1, '# a note\n');
    assert.deepEqual(await settled(first.resultId), { kind: 'unchanged', resultId: first.resultId });
    const noId = await settled();
    assert.equal(noId.kind, 'full', 'no previousResultId: a full report');
    assert.deepEqual(noId.items, first.items);
  });

  it('an edit that moves the findings gives a full report with a new id', async () => {
    client = new LspClient({ debounceMs: 0 });
    await client.initialize(PULL);
    await client.open(uri, kappa);
    const first = await settled();
    await insert(2, 0, '# a line above everything\n');
    const moved = await settled(first.resultId);
    assert.equal(moved.kind, 'full');
    assert.notEqual(moved.resultId, first.resultId);
    assert.deepEqual(
      moved.items.map((d: any) => d.range.start.line),
      first.items.map((d: any) => d.range.start.line + 1),
    );
  });

  it('a settings change that alters the diagnostics is never answered unchanged against an older id', async () => {
    const settings: Record<string, unknown> = { debounceMs: 0 };
    client = new LspClient(settings);
    await client.initialize(PULL);
    await client.open(uri, kappa);
    const first = await settled();
    assert.ok(first.items.every((d: any) => d.severity !== 1));
    settings.rules = { severity: { PSA201: 'error' } };
    await client.connection.sendNotification('workspace/didChangeConfiguration', { settings: { pysparkArchitect: settings } });
    const after = await settled(first.resultId);
    assert.equal(after.kind, 'full');
    assert.notEqual(after.resultId, first.resultId);
    assert.deepEqual(
      after.items.filter((d: any) => d.severity === 1).map((d: any) => d.code),
      ['PSA201'],
    );
  });

  it('after a close and reopen, an id from before gets a full report, and ids are not reused', async () => {
    client = new LspClient({ debounceMs: 0 });
    await client.initialize(PULL);
    await client.open(uri, kappa);
    const before = await settled();
    await client.connection.sendNotification('textDocument/didClose', { textDocument: { uri } });
    await client.open(uri, kappa);
    const after = await settled(before.resultId);
    assert.equal(after.kind, 'full');
    assert.notEqual(after.resultId, before.resultId);
    assert.deepEqual(after.items, before.items);
    // Another document's id names nothing of this one.
    const other = 'file:///w/kappa_other.py';
    await client.open(other, kappa);
    const otherReport: any = await client.connection.sendRequest('textDocument/diagnostic', { textDocument: { uri: other }, previousResultId: after.resultId });
    assert.equal(otherReport.kind, 'full');
  });
});

describe('pull diagnostics: result ids across files', function () {
  this.timeout(30_000);
  let client: LspClient;
  afterEach(async () => {
    await client?.stop();
  });

  it("a neighbour's change that alters a document's cross-file findings gives it a full report against the id it held", async () => {
    const fixture = (name: string) => fs.readFileSync(path.resolve(__dirname, '../../../test/fixtures/lambda-split', name), 'utf8');
    let refreshes = 0;
    client = new LspClient({ rules: { severity: { PSA601: 'warning', PSA602: 'warning' } } });
    client.connection.onRequest('workspace/diagnostic/refresh', () => {
      refreshes++;
      return null;
    });
    await client.initialize({ workspace: { configuration: true, diagnostics: { refreshSupport: true } }, textDocument: { diagnostic: {} } });
    const pull = (uri: string, previousResultId?: string): Promise<any> =>
      client.connection.sendRequest('textDocument/diagnostic', { textDocument: { uri }, ...(previousResultId !== undefined ? { previousResultId } : {}) });
    const refreshed = async (after: number) => {
      for (let i = 0; i < 100 && refreshes <= after; i++) await new Promise((r) => setTimeout(r, 50));
      assert.ok(refreshes > after, 'a workspace/diagnostic/refresh request');
    };
    const [b, s, v] = ['batch', 'speed', 'serving'].map((n) => `file:///repo/ids/${n}.py`);
    await client.open(v, fixture('serving.py'));
    await client.open(b, fixture('batch.py'));
    await client.open(s, fixture('speed.py'));
    // Judged alone first: nothing yet, under an id the client keeps.
    const alone = await pull(v);
    assert.deepEqual(alone.items, []);
    await pull(b);
    await pull(s);
    await refreshed(0);
    const judged = await pull(v, alone.resultId);
    assert.equal(judged.kind, 'full', 'its neighbours made it a serving layer: never unchanged against the id from before');
    assert.deepEqual(
      judged.items.map((d: any) => d.code),
      ['PSA601'],
    );
    assert.deepEqual(await pull(v, judged.resultId), { kind: 'unchanged', resultId: judged.resultId });
    const before = refreshes;
    // batch.py no longer reads or writes anything: serving.py is no lambda's serving layer any more.
    await client.connection.sendNotification('textDocument/didChange', {
      textDocument: { uri: b, version: 2 },
      contentChanges: [{ range: { start: { line: 1, character: 4 }, end: { line: 2, character: 0 } }, text: 'pass\n' }],
    });
    await pull(b);
    await refreshed(before);
    // serving.py's text did not change; what is sent for it did.
    const after = await pull(v, judged.resultId);
    assert.equal(after.kind, 'full');
    assert.deepEqual(after.items, []);
    assert.notEqual(after.resultId, judged.resultId);
  });
});
