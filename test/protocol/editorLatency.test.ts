// Hovers never wait behind an analysis (issue 18): they read the last model through the edits made
// since, and an analysis gives way between its steps. Checked by the order of answers, not by time.
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { LspClient } from './lspClient';

const kappa = fs.readFileSync(path.resolve(__dirname, '../../../samples/kappa_architecture.py'), 'utf8');
const PULL = { workspace: { configuration: true, diagnostics: { refreshSupport: true } }, textDocument: { diagnostic: {} } };

/** A large file: the kappa sample's pipeline function, then 60 more pipelines like it. */
function largeFile(): string {
  const body = kappa.slice(kappa.indexOf('def kappa_architecture_pipeline'));
  const copies = Array.from({ length: 60 }, (_, i) => body.replace('def kappa_architecture_pipeline', `def pipeline_${i}`));
  return `${kappa}\n\n${copies.join('\n\n')}`;
}

describe('editor latency: hovers do not wait for analyses', function () {
  this.timeout(120_000);
  let client: LspClient;
  afterEach(async () => {
    await client?.stop();
  });

  const uri = 'file:///w/large.py';
  const text = largeFile();
  const lines = text.split('\n');
  const end = { line: lines.length - 1, character: 0 };
  const pull = () => client.connection.sendRequest('textDocument/diagnostic', { textDocument: { uri } }) as Promise<{ items: any[] }>;
  const hover = (line: number, character: number) =>
    client.connection.sendRequest('textDocument/hover', { textDocument: { uri }, position: { line, character } }) as Promise<any>;

  it('a hover sent right after an edit is answered before the pull that analyses the edit, from the last model', async () => {
    client = new LspClient({ debounceMs: 0 });
    await client.initialize(PULL);
    await client.open(uri, text);
    const first = await pull();
    assert.ok(first.items.length > 60, `findings of the first analysis: ${first.items.length}`);
    // Line 26: `    processed_stream = stream_df \`, in the first pipeline.
    assert.match(lines[26], /^ {4}processed_stream = stream_df/);
    const answered: string[] = [];
    await client.connection.sendNotification('textDocument/didChange', {
      textDocument: { uri, version: 2 },
      contentChanges: [{ range: { start: end, end }, text: '#' }],
    });
    const pulled = pull().then((r) => (answered.push('diagnostics'), r));
    const hovered = hover(26, 24).then((r) => (answered.push('hover'), r));
    const [report, onFrame] = await Promise.all([pulled, hovered]);
    assert.deepEqual(answered, ['hover', 'diagnostics']);
    assert.match(onFrame.contents.value, /\*\*`stream_df`\*\*: streaming DataFrame/);
    assert.deepEqual(onFrame.range, { start: { line: 26, character: 23 }, end: { line: 26, character: 32 } });
    assert.equal(report.items.length, first.items.length);
  });

  it('a hover after lines were added above reads the last model at the moved position, and says nothing inside new text', async () => {
    client = new LspClient({ debounceMs: 0 });
    await client.initialize(PULL);
    await client.open(uri, text);
    await pull();
    const top = { line: 5, character: 0 };
    // Three lines of new code above everything: the model is of version 1, the text of version 2.
    const added = 'late_df = spark.read.parquet("s3://lake/late")\nlate_df.show()\n\n';
    await client.connection.sendNotification('textDocument/didChange', {
      textDocument: { uri, version: 2 },
      contentChanges: [{ range: { start: top, end: top }, text: added }],
    });
    const moved = await hover(26 + 3, 24);
    assert.match(moved.contents.value, /\*\*`stream_df`\*\*: streaming DataFrame/);
    assert.deepEqual(moved.range, { start: { line: 29, character: 23 }, end: { line: 29, character: 32 } });
    // Line numbers inside the hover are those of the text as it is now.
    assert.match(moved.contents.value, /line 24\b/);
    const inNewText = await hover(5, 2);
    assert.equal(inNewText, null);
    // Once analysed, the new code is known too.
    await pull();
    const fresh = await hover(5, 2);
    assert.match(fresh.contents.value, /\*\*`late_df`\*\*: batch DataFrame/);
  });

  it('a hover reading the last model after a newer syntax copy adopted its nodes names the lines of the text as it is now', async () => {
    client = new LspClient({ debounceMs: 0 });
    await client.initialize(PULL);
    await client.open(uri, text);
    await pull();
    const before = await hover(26, 24);
    const named = [...before.contents.value.matchAll(/line (\d+)/g)].map((m: RegExpMatchArray) => Number(m[1]));
    assert.ok(named.length > 1, before.contents.value);
    const top = { line: 5, character: 0 };
    const added = 'late_df = spark.read.parquet("s3://lake/late")\nlate_df.show()\n\n';
    await client.connection.sendNotification('textDocument/didChange', {
      textDocument: { uri, version: 2 },
      contentChanges: [{ range: { start: top, end: top }, text: added }],
    });
    // A completion reads the new version's syntax copy: made now, from the last one, it adopts the
    // node objects of every statement after the edit (the model of version 1 holds them), moved by
    // the three lines. The hover still reads that model, before any analysis of version 2.
    await client.connection.sendRequest('textDocument/completion', { textDocument: { uri }, position: { line: 40, character: 0 } });
    const moved = await hover(26 + 3, 24);
    assert.match(moved.contents.value, /\*\*`stream_df`\*\*: streaming DataFrame/);
    assert.deepEqual(moved.range, { start: { line: 29, character: 23 }, end: { line: 29, character: 32 } });
    // Every line the hover names moved by the three added lines, not by six (an adopted node's new
    // offset read as one of version 1 and moved again).
    assert.deepEqual(
      [...moved.contents.value.matchAll(/line (\d+)/g)].map((m: RegExpMatchArray) => Number(m[1])),
      named.map((n) => (n > 5 ? n + 3 : n)),
    );
  });
});
