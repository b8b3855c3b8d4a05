// A document whose tree and model the server let go to save memory (more documents were used
// since) answers exactly as one that never let them go: diagnostics, hovers, code actions, and
// again after an edit (issue 18, server memory).
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { MODELS_KEPT } from '../../server/src/lsp/analysisCache';
import { TREES_KEPT } from '../../server/src/lsp/documentStore';
import { LspClient } from './lspClient';

const SAMPLES = path.resolve(__dirname, '../../../samples');
const samples = fs
  .readdirSync(SAMPLES)
  .filter((f) => f.endsWith('.py'))
  .sort()
  .map((f) => fs.readFileSync(path.join(SAMPLES, f), 'utf8'));
const TARGET = fs.readFileSync(path.join(SAMPLES, 'kappa_architecture.py'), 'utf8');
const uri = 'file:///work/jobs/kappa.py';

async function waitVersion(c: LspClient, u: string, version: number): Promise<any[]> {
  const d = await c.waitFor(() => (c.latest(u)?.version === version ? c.latest(u) : undefined), `diagnostics of ${u} v${version}`, 240_000);
  return d.diagnostics;
}

/** Hovers at the start of every word of every line, and the quick fixes of every diagnostic. */
async function answers(c: LspClient, text: string, diagnostics: any[]): Promise<unknown[]> {
  const out: unknown[] = [];
  const lines = text.split('\n');
  for (let line = 0; line < lines.length; line++) {
    for (const m of lines[line].matchAll(/[A-Za-z_]\w*/g)) {
      out.push(await c.connection.sendRequest('textDocument/hover', { textDocument: { uri }, position: { line, character: m.index! } }));
    }
  }
  for (const d of diagnostics) {
    out.push(await c.connection.sendRequest('textDocument/codeAction', { textDocument: { uri }, range: d.range, context: { diagnostics: [d] } }));
  }
  return out;
}

describe('memory: documents that let their tree and model go answer as the others', function () {
  this.timeout(900_000);
  const clients: LspClient[] = [];
  after(async () => {
    for (const c of clients) await c.stop();
  });

  it('diagnostics, hovers and code actions are the same before and after an edit, with more documents used since than the server keeps', async () => {
    const fillers = Math.max(TREES_KEPT, MODELS_KEPT) + 4;
    const crowded = new LspClient({ debounceMs: 0 });
    const alone = new LspClient({ debounceMs: 0 });
    clients.push(crowded, alone);
    await crowded.initialize();
    await alone.initialize();
    await crowded.open(uri, TARGET);
    await alone.open(uri, TARGET);
    const fillerUris = Array.from({ length: fillers }, (_, i) => `file:///work/other/f${i}.py`);
    // Opened after the target, so that the target is the least recently used document.
    for (let i = 0; i < fillers; i++) await crowded.open(fillerUris[i], samples[i % samples.length]);
    for (const f of fillerUris) await waitVersion(crowded, f, 1);
    const before = await waitVersion(alone, uri, 1);
    assert.ok(before.length > 0, 'the target has findings to fix');
    assert.deepEqual(await waitVersion(crowded, uri, 1), before);
    assert.deepEqual(await answers(crowded, TARGET, before), await answers(alone, TARGET, before));

    // Use every other document again (hovers read their trees), then edit the target.
    for (const f of fillerUris) await crowded.connection.sendRequest('textDocument/hover', { textDocument: { uri: f }, position: { line: 0, character: 0 } });
    const line = TARGET.split('\n').findIndex((l) => l.startsWith('def ')) + 1;
    const change = {
      range: { start: { line, character: 0 }, end: { line, character: 0 } },
      text: '    extra = spark.read.table("sales.extra")\n    extra.count()\n',
    };
    for (const c of [crowded, alone])
      await c.connection.sendNotification('textDocument/didChange', { textDocument: { uri, version: 2 }, contentChanges: [change] });
    const after = await waitVersion(alone, uri, 2);
    assert.deepEqual(await waitVersion(crowded, uri, 2), after);
    const edited = TARGET.split('\n');
    edited.splice(line, 0, ...change.text.split('\n').slice(0, 2));
    assert.deepEqual(await answers(crowded, edited.join('\n'), after), await answers(alone, edited.join('\n'), after));
  });
});
