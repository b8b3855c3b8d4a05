// Over the protocol (issue 18): a document that breaks tree-sitter is reported as not analysed, and
// the server keeps analysing every other document, open or in the workspace scan.
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';
import { mixedIndentFile } from '../unit/parserFixtures';
import { LspClient } from './lspClient';

const GOOD =
  'from pyspark.sql import SparkSession\nspark = SparkSession.builder.getOrCreate()\ndf = spark.read.parquet("s3://b/x").where("amount > 0")\nif df.count() > 0:\n    df.coalesce(1).write.parquet("s3://b/y")\n';
// PSA301 is strict (opt-in): a severity turns it on, so good.py keeps a finding after the edit too.
const PSA301_ON = { rules: { severity: { PSA301: 'warning' } } };
const PULL = { workspace: { configuration: true }, textDocument: { diagnostic: {} } };

describe('language server with a document that breaks tree-sitter', function () {
  this.timeout(30_000);
  let client: LspClient;
  afterEach(async () => {
    await client?.stop();
  });

  // As a client does (LSP 3.17): a pull answered ServerCancelled with `retriggerRequest` is sent again.
  // A parser restart judges every open document again, so a pull under way then may be cancelled.
  const pull = async (uri: string): Promise<any[]> => {
    for (let attempt = 0; ; attempt++) {
      try {
        return ((await client.connection.sendRequest('textDocument/diagnostic', { textDocument: { uri } })) as any).items;
      } catch (e: any) {
        if (e?.code !== -32802 || !e?.data?.retriggerRequest || attempt >= 5) throw e;
      }
    }
  };
  const codes = (items: any[]) => items.map((d) => d.code).sort();

  for (const [name, env, reason] of [
    ['refused by the indentation guard', {}, /did not analyse this file: blocks nest more than 380 levels deep/],
    [
      'breaking an unguarded parser',
      { PYSPARK_ARCHITECT_TEST_UNGUARDED: '1' },
      /did not analyse this file: the parser failed on this file \(memory access out of bounds\) and was restarted/,
    ],
  ] as const) {
    it(`pull: the bad document says why it is not analysed; the others keep their findings (${name})`, async () => {
      client = new LspClient(PSA301_ON, env);
      await client.initialize(PULL);
      await client.open('file:///w/good.py', GOOD);
      assert.deepEqual(codes(await pull('file:///w/good.py')), ['PSA104', 'PSA301']);
      await client.open('file:///w/bad.py', mixedIndentFile());
      const bad = await pull('file:///w/bad.py');
      assert.equal(bad.length, 1);
      assert.match(bad[0].message, reason);
      assert.equal(bad[0].severity, 2);
      // Documents opened before and after, and edits to them, are analysed as before.
      await client.open('file:///w/good2.py', GOOD);
      assert.deepEqual(codes(await pull('file:///w/good2.py')), ['PSA104', 'PSA301']);
      await client.connection.sendNotification('textDocument/didChange', {
        textDocument: { uri: 'file:///w/good.py', version: 2 },
        contentChanges: [{ range: { start: { line: 3, character: 0 }, end: { line: 4, character: 0 } }, text: '' }],
      });
      assert.deepEqual(codes(await pull('file:///w/good.py')), ['PSA301']);
      const hover: any = await client.connection.sendRequest('textDocument/hover', {
        textDocument: { uri: 'file:///w/good2.py' },
        position: { line: 2, character: 1 },
      });
      assert.ok(hover, 'hover still works');
    });
  }

  it('push: a bad file in the workspace scan breaks the parser; open documents are still reported', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'psa-ws-bad-'));
    try {
      fs.writeFileSync(path.join(dir, 'bad.py'), mixedIndentFile());
      client = new LspClient(PSA301_ON, { PYSPARK_ARCHITECT_TEST_UNGUARDED: '1' });
      await client.initialize(undefined, pathToFileURL(dir).href);
      const uri = pathToFileURL(path.join(dir, 'good.py')).href;
      // Wait for the scan to have met bad.py (the server logs it), then open a document.
      await client.waitFor(() => client.logs.some((l) => /bad\.py not read: the parser failed/.test(l)), 'the scan to fail on bad.py');
      await client.open(uri, GOOD);
      const d = await client.waitFor(() => client.latest(uri), 'diagnostics for good.py');
      assert.deepEqual(codes(d.diagnostics), ['PSA104', 'PSA301']);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
