import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { LspClient } from './lspClient';

/**
 * Typing inside a comment nothing reads (the server takes its last analysis over, see
 * server/src/lsp/commentEdit.ts) shows what a server that opened the typed text fresh shows, in pull
 * and in push mode, also after a code edit that follows. Nothing here asserts how long anything takes.
 */
describe('language server: typing inside a comment', function () {
  this.timeout(120_000);
  const kappa = fs.readFileSync(path.resolve(__dirname, '../../../samples/kappa_architecture.py'), 'utf8');
  const lines = kappa.split('\n');
  // A comment line above the first function, and one after the statement before it.
  const above = lines.findIndex((l) => l.startsWith('def '));
  lines.splice(above, 0, '# qqa');
  const trailing = above - 2;
  lines[trailing] += '  # qqb';
  const text = lines.join('\n');
  const uri = 'file:///work/kappa_commented.py';
  const clients: LspClient[] = [];

  afterEach(async () => {
    for (const c of clients.splice(0)) await c.stop();
  });

  const pullCaps = { workspace: { configuration: true, diagnostics: { refreshSupport: true } }, textDocument: { diagnostic: {} } };
  const pushCaps = { workspace: { configuration: true }, textDocument: { publishDiagnostics: { relatedInformation: true } } };

  async function started(capabilities: Record<string, unknown>, opened: string): Promise<LspClient> {
    const c = new LspClient({ debounceMs: 0 });
    clients.push(c);
    await c.initialize(capabilities);
    await c.open(uri, opened);
    return c;
  }

  const pull = async (c: LspClient): Promise<unknown[]> =>
    ((await c.connection.sendRequest('textDocument/diagnostic', { textDocument: { uri } })) as any).items;

  /** Each keystroke of `typed` at `line`, `column` on: the edits and the text after them. */
  function keystrokes(before: string, line: number, column: number, typed: string): { changes: unknown[]; after: string } {
    const ls = before.split('\n');
    const changes = [...typed].map((ch, i) => ({ range: { start: { line, character: column + i }, end: { line, character: column + i } }, text: ch }));
    ls[line] = ls[line].slice(0, column) + typed + ls[line].slice(column);
    return { changes, after: ls.join('\n') };
  }

  it('pull: diagnostics after each keystroke in a comment, and after a code edit next, are those of a fresh server', async () => {
    const c = await started(pullCaps, text);
    const first = await pull(c);
    assert.ok(first.length > 0, 'the sample has findings');
    let version = 1;
    let now = text;
    for (const [line, typed] of [
      [above, ' zzq words'],
      [trailing, ' more zzw'],
    ] as const) {
      const { changes, after } = keystrokes(now, line, now.split('\n')[line].length, typed);
      for (const change of changes) {
        await c.connection.sendNotification('textDocument/didChange', { textDocument: { uri, version: ++version }, contentChanges: [change] });
        await pull(c);
      }
      now = after;
      const fresh = await started(pullCaps, now);
      assert.deepEqual(await pull(c), await pull(fresh), `after typing "${typed}"`);
    }
    // A code edit next: the analysis resumes from the copy and model the comment edits left.
    const code = {
      range: { start: { line: above, character: 0 }, end: { line: above, character: 0 } },
      text: 'extra = spark.read.parquet("s3://lake/extra")\nextra.count()\n',
    };
    await c.connection.sendNotification('textDocument/didChange', { textDocument: { uri, version: ++version }, contentChanges: [code] });
    const ls = now.split('\n');
    ls.splice(above, 0, 'extra = spark.read.parquet("s3://lake/extra")', 'extra.count()');
    const fresh = await started(pullCaps, ls.join('\n'));
    assert.deepEqual(await pull(c), await pull(fresh), 'after a code edit that follows');
  });

  it('push: the diagnostics published for the last keystroke in a comment are those of a fresh server', async () => {
    const c = await started(pushCaps, text);
    await c.waitFor(() => c.diagnostics.get(uri)?.some((p) => p.version === 1), 'the first diagnostics');
    const { changes, after } = keystrokes(text, above, text.split('\n')[above].length, ' zzq words');
    let version = 1;
    for (const change of changes)
      await c.connection.sendNotification('textDocument/didChange', { textDocument: { uri, version: ++version }, contentChanges: [change] });
    const last = await c.waitFor(() => c.diagnostics.get(uri)?.find((p) => p.version === version), `diagnostics of version ${version}`, 60_000);
    const fresh = await started(pushCaps, after);
    const expected = await fresh.waitFor(() => fresh.diagnostics.get(uri)?.find((p) => p.version === 1), 'the fresh server diagnostics', 60_000);
    assert.deepEqual(last.diagnostics, expected.diagnostics);
  });
});
