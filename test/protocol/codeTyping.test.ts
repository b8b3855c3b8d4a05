import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { LspClient } from './lspClient';

/**
 * Typing code (most versions between keystrokes have a syntax error; each edit is parsed
 * incrementally from the last tree) shows what a server that opened the typed text fresh shows:
 * bursts sent back to back with no pull between them, a hover in the middle of a burst, and pauses.
 * Nothing here asserts how long anything takes.
 */
describe('language server: typing code', function () {
  this.timeout(120_000);
  const kappa = fs.readFileSync(path.resolve(__dirname, '../../../samples/kappa_architecture.py'), 'utf8');
  const lines = kappa.split('\n');
  const body = lines.findIndex((l) => l.startsWith('def ')) + 1;
  const indent = /^\s*/.exec(lines[body])![0];
  const uri = 'file:///work/kappa_typed.py';
  const clients: LspClient[] = [];

  afterEach(async () => {
    for (const c of clients.splice(0)) await c.stop();
  });

  const pullCaps = { workspace: { configuration: true, diagnostics: { refreshSupport: true } }, textDocument: { diagnostic: {} } };

  async function started(opened: string): Promise<LspClient> {
    const c = new LspClient({ debounceMs: 0 });
    clients.push(c);
    await c.initialize(pullCaps);
    await c.open(uri, opened);
    return c;
  }

  const pull = async (c: LspClient): Promise<unknown[]> =>
    ((await c.connection.sendRequest('textDocument/diagnostic', { textDocument: { uri } })) as any).items;

  it('pull: after bursts of code keystrokes (syntax errors between them), a hover among them, and pauses, the diagnostics are those of a fresh server', async () => {
    // Statements typed at the top of the first function's body, Enter and the indentation included:
    // a frame counted and collected, so the findings change as the text does.
    const typed = `rows = spark.read.parquet("s3://lake/rows")\n${indent}rows.count()\n${indent}data = rows.collect()\n${indent}`;
    const c = await started(lines.join('\n'));
    assert.ok((await pull(c)).length > 0, 'the sample has findings');
    let version = 1;
    let line = body;
    let column = indent.length;
    const now = lines.slice();
    now.splice(body, 0, indent);
    await c.connection.sendNotification('textDocument/didChange', {
      textDocument: { uri, version: ++version },
      contentChanges: [{ range: { start: { line: body, character: 0 }, end: { line: body, character: 0 } }, text: `${indent}\n` }],
    });
    // Bursts of 7 keystrokes with nothing in between, then a pull (a pause); a hover inside every other burst.
    const chars = [...typed];
    for (let i = 0; i < chars.length; i += 7) {
      for (const [k, ch] of chars.slice(i, i + 7).entries()) {
        const at = { line, character: column };
        await c.connection.sendNotification('textDocument/didChange', {
          textDocument: { uri, version: ++version },
          contentChanges: [{ range: { start: at, end: at }, text: ch }],
        });
        if (ch === '\n') {
          now.splice(line + 1, 0, now[line].slice(column));
          now[line] = now[line].slice(0, column);
          line++;
          column = 0;
        } else {
          now[line] = now[line].slice(0, column) + ch + now[line].slice(column);
          column++;
        }
        // A hover reads the tree mid-burst (parsing the edits so far); the burst goes on after it.
        if (k === 3 && (i / 7) % 2 === 0)
          await c.connection.sendRequest('textDocument/hover', { textDocument: { uri }, position: { line: body + 2, character: 4 } });
      }
      // Compared after every third burst and the last (each comparison starts a server); the others are pulled, as a client would.
      if ((i / 7) % 3 !== 2 && i + 7 < chars.length) {
        await pull(c);
        continue;
      }
      const fresh = await started(now.join('\n'));
      assert.deepEqual(await pull(c), await pull(fresh), `after typing ${JSON.stringify(typed.slice(0, i + 7))}`);
      await fresh.stop();
      clients.splice(clients.indexOf(fresh), 1);
    }
    assert.ok(now.join('\n').includes('data = rows.collect()'), 'the text typed is the text compared');
  });
});
