import * as assert from 'node:assert/strict';
import { LspClient } from './lspClient';

/**
 * Findings on the literal being typed wait until the user leaves it or pauses (TypingHold).
 * The pause is set long (initializationOptions.typingPauseMs) so that edits sent back to back are
 * well inside it even on a busy machine; nothing here asserts how long anything takes.
 */
describe('language server: nothing flashes up on a half-typed literal', function () {
  this.timeout(30_000);
  let client: LspClient;
  let refreshes = 0;

  const uri = 'file:///work/stream.py';
  const lines = [
    'from pyspark.sql import SparkSession',
    'spark = SparkSession.builder.getOrCreate()',
    'events = spark.readStream.format("kafka").option("subscribe", "clicks").load()',
    'events.writeStream.format("delta").option("checkpointLocation", "").start("s3://lake/clicks")',
    '',
  ];
  const line = 3;
  const quote = lines[line].indexOf('""') + 1;

  async function start(capabilities: Record<string, unknown>): Promise<void> {
    client = new LspClient();
    refreshes = 0;
    client.connection.onRequest('workspace/diagnostic/refresh', () => {
      refreshes++;
      return null;
    });
    await client.connection.sendRequest('initialize', { processId: process.pid, rootUri: null, capabilities, initializationOptions: { typingPauseMs: 4000 } });
    await client.connection.sendNotification('initialized', {});
    await client.open(uri, lines.join('\n'));
  }

  const pull = async (): Promise<string[]> =>
    ((await client.connection.sendRequest('textDocument/diagnostic', { textDocument: { uri } })) as any).items.map((d: any) => d.code);

  /** Types `value` one character at a time between the auto-closed quotes, pulling after each keystroke. */
  async function typeInQuotes(value: string, firstVersion: number): Promise<string[][]> {
    const seen: string[][] = [];
    for (let i = 0; i < value.length; i++) {
      const at = { line, character: quote + i };
      await client.connection.sendNotification('textDocument/didChange', {
        textDocument: { uri, version: firstVersion + i },
        contentChanges: [{ range: { start: at, end: at }, text: value[i] }],
      });
      seen.push(await pull());
    }
    return seen;
  }

  afterEach(async () => {
    await client?.stop();
  });

  const pullCaps = { workspace: { configuration: true, diagnostics: { refreshSupport: true } }, textDocument: { diagnostic: {} } };

  it('typing "s3://lake/chk" never shows PSA204 for the "s" or "s3" on the way', async () => {
    await start(pullCaps);
    assert.deepEqual(await pull(), []);
    const seen = await typeInQuotes('s3://lake/chk', 2);
    assert.deepEqual(
      seen.filter((codes) => codes.length),
      [],
      'no finding at any keystroke',
    );
  });

  it('typing "/tmp/chk" holds PSA204 back while typing, and shows it after the pause (a diagnostics refresh)', async () => {
    await start(pullCaps);
    const seen = await typeInQuotes('/tmp/chk', 2);
    assert.deepEqual(
      seen.filter((codes) => codes.length),
      [],
      'no finding at any keystroke',
    );
    // The pause: the server asks the client to pull again; the finding is there.
    await waitUntil(() => refreshes > 0, 'a workspace/diagnostic/refresh request after the pause');
    assert.deepEqual(await pull(), ['PSA204']);
  });

  it('shows the finding at once when the next edit is elsewhere (the user left the literal)', async () => {
    await start(pullCaps);
    await typeInQuotes('/tmp/chk', 2);
    const end = { line: 4, character: 0 };
    await client.connection.sendNotification('textDocument/didChange', {
      textDocument: { uri, version: 20 },
      contentChanges: [{ range: { start: end, end }, text: 'print("started")\n' }],
    });
    assert.deepEqual(await pull(), ['PSA204']);
  });

  it('does not hold back a finding that covers more than the literal (a whole call)', async () => {
    await start(pullCaps);
    const confLine = 4;
    const at = { line: confLine, character: 0 };
    await client.connection.sendNotification('textDocument/didChange', {
      textDocument: { uri, version: 2 },
      contentChanges: [{ range: { start: at, end: at }, text: 'spark.conf.set("spark.executor.memory", "8")\n' }],
    });
    assert.deepEqual(await pull(), ['PSA501'], 'the statement is complete: a static conf set at runtime');
    // Typing inside the value: PSA501 covers the whole call, so it stays on screen.
    const inValue = { line: confLine, character: 'spark.conf.set("spark.executor.memory", "8'.length };
    await client.connection.sendNotification('textDocument/didChange', {
      textDocument: { uri, version: 3 },
      contentChanges: [{ range: { start: inValue, end: inValue }, text: 'g' }],
    });
    assert.deepEqual(await pull(), ['PSA501']);
  });

  it('push clients: the held-back finding is published after the pause', async () => {
    await start({ workspace: { configuration: true }, textDocument: { publishDiagnostics: {} } });
    await client.waitFor(() => client.latest(uri), 'diagnostics on open');
    for (let i = 0; i < '/tmp/chk'.length; i++) {
      const at = { line, character: quote + i };
      await client.connection.sendNotification('textDocument/didChange', {
        textDocument: { uri, version: 2 + i },
        contentChanges: [{ range: { start: at, end: at }, text: '/tmp/chk'[i] }],
      });
    }
    const last = 1 + '/tmp/chk'.length;
    const shown = await client.waitFor(() => client.diagnostics.get(uri)?.find((p) => p.diagnostics.length), 'PSA204 published after the pause');
    assert.equal(shown.version, last, 'only the finished value, never a version on the way');
    assert.deepEqual(
      shown.diagnostics.map((d: any) => d.code),
      ['PSA204'],
    );
    // Every earlier publication of the typed versions was empty.
    const list = client.diagnostics.get(uri)!;
    assert.deepEqual(
      list.slice(0, list.indexOf(shown)).flatMap((p) => p.diagnostics),
      [],
    );
  });
});

async function waitUntil(ok: () => boolean, what: string, ms = 15_000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!ok()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}
