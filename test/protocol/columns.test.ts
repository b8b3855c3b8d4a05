import * as assert from 'node:assert/strict';
import { LspClient } from './lspClient';

const SOURCE = [
  'from pyspark.sql import SparkSession, functions as F',
  'spark = SparkSession.builder.getOrCreate()',
  'orders = spark.createDataFrame([], "order_id STRING, customer_id STRING, amount DOUBLE")',
  'big = orders.filter(F.col("") > 100)',
  'report = orders.select("order_id", "ammount")',
  '',
].join('\n');

describe('column names over stdio: completion and schema hover', function () {
  this.timeout(30_000);
  let client: LspClient;

  afterEach(async () => {
    await client?.stop();
  });

  it('completes the frame\'s columns in F.col(""), and shows its schema on hover', async () => {
    client = new LspClient();
    await client.initialize();
    const uri = 'file:///work/columns.py';
    await client.open(uri, SOURCE);

    const answer: any = await client.connection.sendRequest('textDocument/completion', { textDocument: { uri }, position: { line: 3, character: 27 } });
    const items: any[] = Array.isArray(answer) ? answer : answer.items;
    assert.deepEqual(items.map((i) => i.label), ['order_id', 'customer_id', 'amount']);
    assert.equal(items[2].detail, 'column: double');
    assert.deepEqual(items[2].textEdit.range, { start: { line: 3, character: 27 }, end: { line: 3, character: 27 } });

    const hover: any = await client.connection.sendRequest('textDocument/hover', { textDocument: { uri }, position: { line: 3, character: 8 } });
    assert.match(hover.contents.value, /Schema \(3 columns, exactly these\): `order_id` string, `customer_id` string, `amount` double/);
  });
});
