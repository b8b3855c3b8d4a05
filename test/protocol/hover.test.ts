import * as assert from 'node:assert/strict';
import { LspClient } from './lspClient';

const SOURCE = [
  'from pyspark.sql import SparkSession',
  'spark = SparkSession.builder.config("spark.sql.shuffle.partitions", "64").getOrCreate()',
  'events = spark.readStream.format("kafka").option("subscribe", "orders").load()',
  'late = events.withWatermark("timestamp", "10 minutes")',
  'late.writeStream.format("delta").option("checkpointLocation", "s3://b/cp").toTable("bronze.orders")',
  'spark.conf.set("spark.sql.ad", "true")',
  '',
].join('\n');

describe('hover and conf-key completion over stdio', function () {
  this.timeout(30_000);
  let client: LspClient;

  afterEach(async () => {
    await client?.stop();
  });

  it('advertises hover, answers conf-key and frame hovers, and completes conf keys', async () => {
    client = new LspClient();
    const init = await client.initialize();
    assert.equal(init.capabilities.hoverProvider, true);
    const uri = 'file:///work/hover.py';
    await client.open(uri, SOURCE);

    const onKey: any = await client.connection.sendRequest('textDocument/hover', { textDocument: { uri }, position: { line: 1, character: 50 } });
    assert.equal(onKey.contents.kind, 'markdown');
    assert.match(onKey.contents.value, /spark\.sql\.shuffle\.partitions/);
    assert.match(onKey.contents.value, /Default: `200`/);
    assert.deepEqual(onKey.range, { start: { line: 1, character: 36 }, end: { line: 1, character: 66 } });

    const onFrame: any = await client.connection.sendRequest('textDocument/hover', { textDocument: { uri }, position: { line: 4, character: 2 } });
    assert.match(onFrame.contents.value, /\*\*`late`\*\*: streaming DataFrame/);
    assert.match(onFrame.contents.value, /Watermark: on `timestamp`/);
    assert.match(onFrame.contents.value, /table `bronze\.orders`/);

    const nothing = await client.connection.sendRequest('textDocument/hover', { textDocument: { uri }, position: { line: 0, character: 2 } });
    assert.equal(nothing, null);

    const answer: any = await client.connection.sendRequest('textDocument/completion', { textDocument: { uri }, position: { line: 5, character: 27 } });
    // Long lists come back capped, as an incomplete list the editor asks for again as the user types.
    const items: any[] = Array.isArray(answer) ? answer : answer.items;
    if (!Array.isArray(answer)) assert.equal(answer.isIncomplete, true);
    assert.ok(items.length <= 200);
    const adaptive = items.find((i) => i.label === 'spark.sql.adaptive.enabled');
    assert.ok(adaptive, `${items.length} items`);
    assert.equal(adaptive.detail, 'default true · runtime SQL config');
    assert.deepEqual(adaptive.textEdit.range, { start: { line: 5, character: 16 }, end: { line: 5, character: 28 } });
  });
});
