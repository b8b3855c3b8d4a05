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
  it('explains a finding under the cursor: why it fired in this code, beside the diagnostic', async () => {
    client = new LspClient();
    await client.initialize();
    const uri = 'file:///work/jobs/load_orders.py';
    const job = [
      'from pyspark.sql import SparkSession',
      'spark = SparkSession.builder.getOrCreate()',
      'orders = spark.read.json("s3://landing/orders/").dropDuplicates(["order_id"])',
      'print(f"orders: {orders.count()}")',
      'orders.write.mode("append").saveAsTable("silver.orders")',
      '',
    ].join('\n');
    await client.open(uri, job);
    const hover: any = await client.connection.sendRequest('textDocument/hover', { textDocument: { uri }, position: { line: 3, character: 26 } });
    assert.equal(hover.contents.kind, 'markdown');
    assert.match(hover.contents.value, /\*\*Why PSA101 \(count-for-monitoring\) fired here\*\*/);
    assert.match(hover.contents.value, /- Code: job module/);
    assert.match(hover.contents.value, /- See line 5: the frame is computed again by this write/);
    assert.deepEqual(hover.range, { start: { line: 3, character: 17 }, end: { line: 3, character: 31 } });
    // Folder names count from the workspace folder down: a clone under ~/testing/ is still a job.
    const clone = new LspClient();
    try {
      await clone.initialize(undefined, 'file:///home/ana/testing/lakehouse');
      const cloned = 'file:///home/ana/testing/lakehouse/jobs/load_orders.py';
      await clone.open(cloned, job);
      const h: any = await clone.connection.sendRequest('textDocument/hover', { textDocument: { uri: cloned }, position: { line: 3, character: 26 } });
      assert.match(h.contents.value, /- Code: job module/);
    } finally {
      await clone.stop();
    }
    // In a notebook source the hover names the notebook context and how to change it.
    const nbUri = 'file:///work/notebooks/explore_orders.py';
    await client.open(
      nbUri,
      `# Databricks notebook source\n${job}jdbc_props = {"user": "etl", "password": "Sup3r_s3cret!"}\nspark.read.jdbc("jdbc:postgresql://db/sales", "orders", properties=jdbc_props)\n`,
    );
    const nb: any = await client.connection.sendRequest('textDocument/hover', { textDocument: { uri: nbUri }, position: { line: 6, character: 45 } });
    assert.match(nb.contents.value, /Why PSA402/);
    assert.match(nb.contents.value, /- Code: notebook \(exploratory; set context\.notebooks to "job"/);
  });
});
