import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { LspClient } from './lspClient';

const SAMPLES = path.resolve(__dirname, '../../../samples');
const kappa = fs.readFileSync(path.join(SAMPLES, 'kappa_architecture.py'), 'utf8');

/** PSA301 is strict (opt-in): a severity in the settings turns it on, as a team with large outputs would. */
const PSA301_ON = { rules: { severity: { PSA301: 'warning' } } };
/** The architecture rules are strict too (no measured precision on real code): a team using layers turns them on. */
const LAYER_RULES_ON = { rules: { severity: { PSA601: 'warning', PSA602: 'warning' } } };
describe('language server over stdio', function () {
  this.timeout(30_000);
  let client: LspClient;

  afterEach(async () => {
    await client?.stop();
  });

  it('initializes with incremental sync and quick fixes', async () => {
    client = new LspClient();
    const init = await client.initialize();
    assert.equal(init.capabilities.textDocumentSync.change, 2);
    assert.deepEqual(init.capabilities.codeActionProvider.codeActionKinds, ['quickfix', 'source.fixAll.pysparkArchitect']);
    assert.equal(init.serverInfo.name, 'PySpark Architect');
    assert.equal(init.capabilities.diagnosticProvider, undefined, 'push-only client gets pushed diagnostics');
  });

  it('publishes diagnostics on open with code, docs link and related information', async () => {
    client = new LspClient();
    await client.initialize();
    const uri = 'file:///work/kappa.py';
    await client.open(uri, kappa);
    const d = await client.waitFor(() => client.latest(uri), 'diagnostics');
    const codes = d.diagnostics.map((x) => x.code).sort();
    assert.deepEqual(codes, ['PSA201', 'PSA204']);
    const psa201 = d.diagnostics.find((x) => x.code === 'PSA201');
    assert.equal(psa201.source, 'pyspark-architect');
    assert.match(psa201.codeDescription.href, /^file:\/\/.*\/docs\/rules\/PSA201\.md$/);
    // The link opens offline: it is the page that ships beside the server.
    assert.match(fs.readFileSync(fileURLToPath(psa201.codeDescription.href), 'utf8'), /^# PSA201: /);
    assert.equal(psa201.severity, 2);
    // A short first line (what the Problems panel shows), then the why and the fix.
    const [headline, ...detail] = psa201.message.split('\n');
    assert.equal(headline, 'Streaming aggregation without a watermark.');
    assert.match(detail.join('\n'), /withWatermark/);
    assert.ok(psa201.relatedInformation.length > 0);
    assert.equal(psa201.range.start.line, 40);
  });

  it('offers quick fixes that resolve the diagnostic, and re-analyses after incremental edits', async () => {
    client = new LspClient();
    await client.initialize();
    const uri = 'file:///work/kappa.py';
    await client.open(uri, kappa);
    const d = await client.waitFor(() => client.latest(uri), 'diagnostics');
    const psa201 = d.diagnostics.find((x) => x.code === 'PSA201');
    const actions: any[] = await client.connection.sendRequest('textDocument/codeAction', {
      textDocument: { uri },
      range: psa201.range,
      context: { diagnostics: [psa201] },
    });
    const fix = actions.find((a) => /withWatermark/.test(a.title));
    assert.ok(fix, actions.map((a) => a.title).join(', '));
    assert.equal(fix.kind, 'quickfix');
    const edits = fix.edit.changes[uri];
    // Apply the fix as incremental didChange events, the way an editor does.
    await client.connection.sendNotification('textDocument/didChange', {
      textDocument: { uri, version: 2 },
      contentChanges: edits.map((e: any) => ({ range: e.range, text: e.newText })),
    });
    const after = await client.waitFor(() => (client.latest(uri)?.version === 2 ? client.latest(uri) : undefined), 'diagnostics for version 2');
    assert.deepEqual(
      after.diagnostics.map((x) => x.code),
      ['PSA204'],
    );
    // Typing a character-by-character edit that breaks and restores the file.
    await client.connection.sendNotification('textDocument/didChange', {
      textDocument: { uri, version: 3 },
      contentChanges: [{ range: { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } }, text: '(' }],
    });
    await client.connection.sendNotification('textDocument/didChange', {
      textDocument: { uri, version: 4 },
      contentChanges: [{ range: { start: { line: 0, character: 0 }, end: { line: 0, character: 1 } }, text: '' }],
    });
    const restored = await client.waitFor(() => (client.latest(uri)?.version === 4 ? client.latest(uri) : undefined), 'diagnostics for version 4');
    assert.deepEqual(
      restored.diagnostics.map((x) => x.code),
      ['PSA204'],
    );
  });

  it('serves pull diagnostics to clients that support them', async () => {
    client = new LspClient();
    const init = await client.initialize({ workspace: { configuration: true }, textDocument: { diagnostic: {} } });
    assert.ok(init.capabilities.diagnosticProvider);
    const uri = 'file:///work/kappa.py';
    await client.open(uri, kappa);
    const report: any = await client.connection.sendRequest('textDocument/diagnostic', { textDocument: { uri } });
    assert.equal(report.kind, 'full');
    assert.deepEqual(report.items.map((x: any) => x.code).sort(), ['PSA201', 'PSA204']);
    assert.equal(client.diagnostics.size, 0, 'nothing pushed when the client pulls');
  });

  it('asks pull clients that support it to pull again when a related file changes, and no others', async () => {
    const fixture = (name: string) => fs.readFileSync(path.resolve(__dirname, '../../../test/fixtures/lambda-split', name), 'utf8');
    const refreshes: number[] = [];
    client = new LspClient(LAYER_RULES_ON);
    client.connection.onRequest('workspace/diagnostic/refresh', () => {
      refreshes.push(Date.now());
      return null;
    });
    await client.initialize({ workspace: { configuration: true, diagnostics: { refreshSupport: true } }, textDocument: { diagnostic: {} } });
    const pull = async (uri: string) =>
      ((await client.connection.sendRequest('textDocument/diagnostic', { textDocument: { uri } })) as any).items.map((d: any) => d.code);
    const [b, s, v] = ['batch', 'speed', 'serving'].map((n) => `file:///repo/pull/${n}.py`);
    await client.open(v, fixture('serving.py'));
    assert.deepEqual(await pull(v), []);
    await client.open(b, fixture('batch.py'));
    await client.open(s, fixture('speed.py'));
    await pull(b);
    await pull(s);
    // The request is not a notification the client's waitFor hears: poll for it (at most 5 s).
    for (let i = 0; i < 100 && !refreshes.length; i++) await new Promise((r) => setTimeout(r, 50));
    assert.ok(refreshes.length > 0, 'a workspace/diagnostic/refresh request');
    assert.deepEqual(await pull(v), ['PSA601']);
    // A client without refresh support is never sent the request (it would fail and must not crash us).
    const other = new LspClient();
    let asked = 0;
    other.connection.onRequest('workspace/diagnostic/refresh', () => {
      asked++;
      return null;
    });
    await other.initialize({ workspace: { configuration: true }, textDocument: { diagnostic: {} } });
    await other.open(v, fixture('serving.py'));
    await other.open(b, fixture('batch.py'));
    await other.connection.sendRequest('textDocument/diagnostic', { textDocument: { uri: b } });
    await new Promise((r) => setTimeout(r, 1200));
    assert.equal(asked, 0);
    assert.equal(await other.stop(), 0);
  });

  it('pull mode: an edit that takes a document out of the pipeline re-judges its neighbours, and the preview shows the edit at once', async () => {
    // The document's graph is noted after its pull is answered (noteGraphChangeLater): neither may miss it.
    const fixture = (name: string) => fs.readFileSync(path.resolve(__dirname, '../../../test/fixtures/lambda-split', name), 'utf8');
    let refreshes = 0;
    client = new LspClient(LAYER_RULES_ON);
    client.connection.onRequest('workspace/diagnostic/refresh', () => {
      refreshes++;
      return null;
    });
    await client.initialize({ workspace: { configuration: true, diagnostics: { refreshSupport: true } }, textDocument: { diagnostic: {} } });
    const pull = async (uri: string) =>
      ((await client.connection.sendRequest('textDocument/diagnostic', { textDocument: { uri } })) as any).items.map((d: any) => d.code);
    const refreshed = async (after: number) => {
      for (let i = 0; i < 100 && refreshes <= after; i++) await new Promise((r) => setTimeout(r, 50));
      assert.ok(refreshes > after, 'a workspace/diagnostic/refresh request');
    };
    const [b, s, v] = ['batch', 'speed', 'serving'].map((n) => `file:///repo/edit/${n}.py`);
    await client.open(v, fixture('serving.py'));
    await client.open(b, fixture('batch.py'));
    await client.open(s, fixture('speed.py'));
    await pull(v);
    await pull(b);
    await pull(s);
    await refreshed(0);
    assert.deepEqual(await pull(v), ['PSA601']);
    const before = refreshes;
    // batch.py no longer reads or writes anything: serving.py is no lambda's serving layer any more.
    const emptied = 'def batch_layer(spark):\n    pass\n';
    await client.connection.sendNotification('textDocument/didChange', {
      textDocument: { uri: b, version: 2 },
      contentChanges: [{ range: { start: { line: 1, character: 4 }, end: { line: 2, character: 0 } }, text: 'pass\n' }],
    });
    assert.deepEqual(await pull(b), []);
    const preview: any = await client.connection.sendRequest('pysparkArchitect/pipelineGraph', { uris: [b] });
    assert.deepEqual(preview.nodes, [], `the preview of ${emptied.trim()} has nothing`);
    await refreshed(before);
    assert.deepEqual(await pull(v), []);
  });

  it('honours settings: disabled rules and severity overrides, and reports invalid settings', async () => {
    client = new LspClient({ rules: { disabled: ['PSA204'], severity: { PSA201: 'error' } }, maxFileSizeKb: 'big' });
    await client.initialize();
    const uri = 'file:///work/kappa.py';
    await client.open(uri, kappa);
    const d = await client.waitFor(() => client.latest(uri), 'diagnostics');
    assert.deepEqual(
      d.diagnostics.map((x) => [x.code, x.severity]),
      [['PSA201', 1]],
    );
    await client.waitFor(() => client.logs.some((l) => /maxFileSizeKb: expected a number/.test(l)) || undefined, 'settings warning');
  });

  it('skips files over the size limit with one message, and survives garbage', async () => {
    client = new LspClient({ maxFileSizeKb: 1 });
    await client.initialize();
    const big = 'file:///work/big.py';
    await client.open(big, kappa);
    await client.waitFor(() => client.messages.find((m) => /over the 1 KB limit/.test(m)), 'size message');
    const d = await client.waitFor(() => client.latest(big), 'diagnostics');
    assert.deepEqual(d.diagnostics, []);
    assert.equal(client.messages.length, 1);
  });

  it('survives binary garbage and 50k-deep nesting', async () => {
    client = new LspClient();
    await client.initialize();
    const junk = 'file:///work/junk.py';
    await client.open(junk, '\u0000\u0001spark((((([[[\n\tdef :\n' + 'x = ' + '('.repeat(50_000) + 'spark.read.parquet("a")' + ')'.repeat(50_000) + '\n');
    const j = await client.waitFor(() => client.latest(junk), 'diagnostics for junk', 20_000);
    assert.deepEqual(j.diagnostics, []);
    const ok = 'file:///work/ok.py';
    await client.open(ok, kappa);
    const d = await client.waitFor(() => client.latest(ok), 'diagnostics after garbage');
    assert.equal(d.diagnostics.length, 2);
  });

  it('offers a noqa suppression that silences the finding', async () => {
    client = new LspClient();
    await client.initialize();
    const uri = 'file:///work/conf.py';
    const text = 'from pyspark.sql import SparkSession\nspark = SparkSession.builder.getOrCreate()\nspark.conf.set("spark.executor.memory", "8g")\n';
    await client.open(uri, text);
    const d = await client.waitFor(() => client.latest(uri), 'diagnostics');
    const [diag] = d.diagnostics;
    assert.equal(diag.code, 'PSA501');
    const actions: any[] = await client.connection.sendRequest('textDocument/codeAction', {
      textDocument: { uri },
      range: diag.range,
      context: { diagnostics: [diag] },
    });
    const noqa = actions.find((a) => /noqa/.test(a.title));
    assert.ok(noqa);
    await client.connection.sendNotification('textDocument/didChange', {
      textDocument: { uri, version: 2 },
      contentChanges: noqa.edit.changes[uri].map((e: any) => ({ range: e.range, text: e.newText })),
    });
    const after = await client.waitFor(() => (client.latest(uri)?.version === 2 ? client.latest(uri) : undefined), 'diagnostics v2');
    assert.deepEqual(after.diagnostics, []);
  });

  it('offers the noqa suppression on a multi-line chain, and puts it after the closing bracket', async () => {
    client = new LspClient(PSA301_ON);
    await client.initialize();
    const uri = 'file:///work/chain.py';
    const text = [
      'from pyspark.sql import SparkSession',
      'spark = SparkSession.builder.getOrCreate()',
      'orders = spark.read.parquet("s3://lake/orders")',
      '(',
      '    orders.where("amount > 0")',
      '    .coalesce(1)',
      '    .write.mode("overwrite")',
      '    .parquet("s3://lake/orders_clean")',
      ')',
      '',
    ].join('\n');
    await client.open(uri, text);
    const d = await client.waitFor(() => client.latest(uri), 'diagnostics');
    const [diag] = d.diagnostics;
    assert.equal(diag.code, 'PSA301');
    // Asked from the cursor on `.coalesce(1)`, a line in the middle of the statement.
    const cursor = { line: 5, character: 6 };
    const actions: any[] = await client.connection.sendRequest('textDocument/codeAction', {
      textDocument: { uri },
      range: { start: cursor, end: cursor },
      context: { diagnostics: [diag] },
    });
    const noqa = actions.find((a) => /noqa/.test(a.title));
    assert.ok(noqa, `a Suppress action among ${actions.map((a) => a.title).join(', ')}`);
    const edits = noqa.edit.changes[uri];
    assert.deepEqual(
      edits.map((e: any) => [e.range.start, e.newText]),
      [[{ line: 8, character: 1 }, '  # noqa: PSA301']],
    );
    await client.connection.sendNotification('textDocument/didChange', {
      textDocument: { uri, version: 2 },
      contentChanges: edits.map((e: any) => ({ range: e.range, text: e.newText })),
    });
    const after = await client.waitFor(() => (client.latest(uri)?.version === 2 ? client.latest(uri) : undefined), 'diagnostics v2');
    assert.deepEqual(after.diagnostics, []);
  });

  it('clears diagnostics on close and shuts down cleanly', async () => {
    client = new LspClient();
    await client.initialize();
    const uri = 'file:///work/kappa.py';
    await client.open(uri, kappa);
    await client.waitFor(() => client.latest(uri), 'diagnostics');
    await client.connection.sendNotification('textDocument/didClose', { textDocument: { uri } });
    await client.waitFor(() => (client.latest(uri)?.diagnostics.length === 0 ? true : undefined), 'cleared diagnostics');
    assert.equal(await client.stop(), 0);
  });

  it('answers pysparkArchitect/pipelineGraph for a document as typed and for the whole workspace', async () => {
    client = new LspClient();
    await client.initialize(undefined, pathToFileURL(SAMPLES).href);
    const uri = pathToFileURL(path.join(SAMPLES, 'kappa_architecture.py')).href;
    await client.open(uri, kappa);
    const one: any = await client.connection.sendRequest('pysparkArchitect/pipelineGraph', { uris: [uri] });
    assert.equal(one.architecture, 'kappa');
    assert.deepEqual(one.layers, ['source', 'stream', 'lake', 'serving']);
    assert.ok(one.nodes.every((n: any) => n.uri === uri));
    // Unsaved edits count: rename the topic in the open document only.
    await client.connection.sendNotification('textDocument/didChange', {
      textDocument: { uri, version: 2 },
      contentChanges: [{ text: kappa.replace('"all-events"', '"orders-v2"') }],
    });
    const edited: any = await client.connection.sendRequest('pysparkArchitect/pipelineGraph', { uris: [uri] });
    assert.ok(edited.nodes.some((n: any) => n.location === 'kafka:orders-v2'));
    const all: any = await client.connection.sendRequest('pysparkArchitect/pipelineGraph', {});
    const files = new Set(all.nodes.map((n: any) => path.basename(n.filename)));
    for (const f of ['medallion_architecture.py', 'lambda_architecture.py', 'kappa_architecture.py']) assert.ok(files.has(f), f);
    assert.ok(
      all.nodes.some((n: any) => n.location === 'kafka:orders-v2'),
      'open document wins over the file on disk',
    );
    assert.ok(!all.nodes.some((n: any) => n.location === 'kafka:all-events'));
  });

  describe('architecture across files', () => {
    // A lambda split over three files: only together are they a lambda, with serving.py reading raw data.
    const fixture = (name: string) => fs.readFileSync(path.resolve(__dirname, '../../../test/fixtures/lambda-split', name), 'utf8');
    const [batch, speed, serving] = ['batch.py', 'speed.py', 'serving.py'].map(fixture);
    const codes = (uri: string) => (client.latest(uri)?.diagnostics ?? []).map((d) => `${d.range.start.line}:${d.code}`).join(',');

    it('re-judges open documents when another open document joins or leaves their pipeline', async () => {
      client = new LspClient(LAYER_RULES_ON);
      await client.initialize();
      const [b, s, v] = ['batch', 'speed', 'serving'].map((n) => `file:///repo/lambda/${n}.py`);
      await client.open(v, serving);
      await client.waitFor(() => client.latest(v), 'serving diagnostics');
      assert.equal(codes(v), '', 'alone, serving.py is not known to be a lambda serving layer');
      await client.open(b, batch);
      await client.open(s, speed);
      await client.waitFor(() => codes(v) === '3:PSA601', 'PSA601 on serving.py once batch and speed are open');
      assert.equal(codes(b), '');
      await client.connection.sendNotification('textDocument/didClose', { textDocument: { uri: b } });
      await client.waitFor(() => codes(v) === '', 'serving.py cleared once the batch layer is gone');
    });

    it('sees workspace files that are not open (a scan at startup, then file watcher events)', async () => {
      const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'psa-ws-'));
      try {
        fs.writeFileSync(path.join(dir, 'batch.py'), batch);
        fs.writeFileSync(path.join(dir, 'speed.py'), speed);
        fs.writeFileSync(path.join(dir, 'serving.py'), serving);
        client = new LspClient(LAYER_RULES_ON);
        await client.initialize(undefined, pathToFileURL(dir).href);
        const v = pathToFileURL(path.join(dir, 'serving.py')).href;
        await client.open(v, serving);
        await client.waitFor(() => codes(v) === '3:PSA601', 'PSA601 on serving.py from files on disk');
        // A file deleted and restored on disk (the editor's file watcher reports it) is seen again.
        const batchUri = pathToFileURL(path.join(dir, 'batch.py')).href;
        fs.rmSync(path.join(dir, 'batch.py'));
        await client.connection.sendNotification('workspace/didChangeWatchedFiles', { changes: [{ uri: batchUri, type: 3 }] });
        await client.waitFor(() => codes(v) === '', 'serving.py cleared once batch.py is deleted');
        fs.writeFileSync(path.join(dir, 'batch.py'), batch);
        await client.connection.sendNotification('workspace/didChangeWatchedFiles', { changes: [{ uri: batchUri, type: 1 }] });
        await client.waitFor(() => codes(v) === '3:PSA601', 'PSA601 back once batch.py is restored');
      } finally {
        fs.rmSync(dir, { recursive: true, force: true });
      }
    });
  });

  it('a strict rule (PSA301) is off by default and on once the settings give it a severity', async () => {
    const uri = 'file:///work/mixed.py';
    client = new LspClient();
    await client.initialize();
    await client.open(uri, mixed);
    const off = await client.waitFor(() => client.latest(uri), 'diagnostics');
    assert.deepEqual(off.diagnostics.map((d) => d.code).sort(), ['PSA102', 'PSA201']);
    await client.stop();
    client = new LspClient({ rules: { severity: { PSA301: 'error' } } });
    await client.initialize();
    await client.open(uri, mixed);
    const on = await client.waitFor(() => client.latest(uri), 'diagnostics');
    // PSA201 is an error here by itself: append mode with no watermark, a query Spark refuses to start.
    assert.deepEqual(on.diagnostics.map((d) => `${d.code}:${d.severity}`).sort(), ['PSA102:2', 'PSA201:1', 'PSA301:1']);
  });

  /** Safe (cache), unsafe (coalesce(1) removal) and display-only (watermark delay) fixes in one job. */
  const mixed = [
    'from pyspark.sql import SparkSession',
    'from pyspark.sql import functions as F',
    '',
    'spark = SparkSession.builder.getOrCreate()',
    'orders = spark.read.parquet("s3://lake/orders/")',
    'paid = orders.dropDuplicates(["order_id"]).filter(F.col("status") == "paid")',
    'paid.groupBy("country").count().write.mode("overwrite").parquet("s3://lake/paid_by_country/")',
    'paid.write.mode("overwrite").parquet("s3://lake/paid/")',
    'orders.coalesce(1).write.mode("overwrite").csv("s3://exports/orders_csv/")',
    '',
    'clicks = spark.readStream.format("kafka").option("subscribe", "clicks").option("kafka.bootstrap.servers", "b:9092").load()',
    'per_minute = clicks.groupBy(F.window("timestamp", "1 minute")).count()',
    'per_minute.writeStream.outputMode("append").option("checkpointLocation", "s3://lake/_checkpoints/clicks").format("delta").start("s3://lake/clicks/")',
    '',
  ].join('\n');

  it('source.fixAll.pysparkArchitect (fix all, on save) applies the safe fixes only', async () => {
    client = new LspClient(PSA301_ON);
    const init = await client.initialize();
    assert.ok(init.capabilities.codeActionProvider.codeActionKinds.includes('source.fixAll.pysparkArchitect'));
    const uri = 'file:///work/mixed.py';
    await client.open(uri, mixed);
    const before = await client.waitFor(() => client.latest(uri), 'diagnostics');
    assert.deepEqual(before.diagnostics.map((d) => d.code).sort(), ['PSA102', 'PSA201', 'PSA301']);
    const actions: any[] = await client.connection.sendRequest('textDocument/codeAction', {
      textDocument: { uri },
      range: { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } },
      context: { diagnostics: [], only: ['source.fixAll'] },
    });
    assert.equal(actions.length, 1);
    assert.equal(actions[0].kind, 'source.fixAll.pysparkArchitect');
    const [edit] = actions[0].edit.changes[uri];
    assert.match(edit.newText, /^paid = paid\.cache\(\)$/m);
    assert.match(edit.newText, /orders\.coalesce\(1\)\.write/, 'the unsafe removal is not applied');
    assert.doesNotMatch(edit.newText, /withWatermark/, 'the display-only watermark is not applied');
    await client.connection.sendNotification('textDocument/didChange', {
      textDocument: { uri, version: 2 },
      contentChanges: [{ range: edit.range, text: edit.newText }],
    });
    const after = await client.waitFor(() => (client.latest(uri)?.version === 2 ? client.latest(uri) : undefined), 'diagnostics v2');
    assert.deepEqual(after.diagnostics.map((d) => d.code).sort(), ['PSA201', 'PSA301']);
  });

  it('quick fixes: every kind one click away, unsafe ones labelled and never preferred', async () => {
    client = new LspClient(PSA301_ON);
    await client.initialize();
    const uri = 'file:///work/mixed.py';
    await client.open(uri, mixed);
    const d = await client.waitFor(() => client.latest(uri), 'diagnostics');
    const actionsFor = async (code: string): Promise<any[]> => {
      const diag = d.diagnostics.find((x) => x.code === code);
      return client.connection.sendRequest('textDocument/codeAction', { textDocument: { uri }, range: diag.range, context: { diagnostics: [diag] } });
    };
    const cache = (await actionsFor('PSA102')).find((a) => /Cache/.test(a.title));
    assert.equal(cache.isPreferred, true);
    const single = await actionsFor('PSA301');
    const remove = single.find((a) => /^Remove coalesce\(1\)/.test(a.title));
    assert.equal(remove.title, 'Remove coalesce(1) (unsafe: writes one file per partition instead of one file)');
    assert.ok(!remove.isPreferred);
    assert.ok(single.some((a) => /^Replace with repartition\(64\).*\(needs your value: /.test(a.title)));
    const watermark = (await actionsFor('PSA201')).find((a) => /withWatermark/.test(a.title));
    assert.match(watermark.title, /\(needs your value: choose how late data may arrive\)$/);
    assert.ok(!watermark.isPreferred);
  });

  it('a fix with placeholders is a snippet edit for clients that take them, plain text plus its snippet otherwise', async () => {
    client = new LspClient();
    await client.initialize({ workspace: { workspaceEdit: { documentChanges: true, snippetEditSupport: true } } });
    const uri = 'file:///work/mixed.py';
    await client.open(uri, mixed);
    const d = await client.waitFor(() => client.latest(uri), 'diagnostics');
    const diag = d.diagnostics.find((x) => x.code === 'PSA201');
    const request = { textDocument: { uri }, range: diag.range, context: { diagnostics: [diag] } };
    const snippetAction = (await client.connection.sendRequest<any[]>('textDocument/codeAction', request)).find((a) => /withWatermark/.test(a.title));
    const [change] = snippetAction.edit.documentChanges;
    assert.deepEqual(change.textDocument, { uri, version: 1 });
    assert.deepEqual(
      change.edits.map((e: any) => e.snippet),
      [{ kind: 'snippet', value: '.withWatermark("timestamp", "${1:10 minutes}")' }],
    );
    await client.stop();

    client = new LspClient();
    await client.initialize();
    await client.open(uri, mixed);
    const d2 = await client.waitFor(() => client.latest(uri), 'diagnostics');
    const diag2 = d2.diagnostics.find((x) => x.code === 'PSA201');
    const plain = (
      await client.connection.sendRequest<any[]>('textDocument/codeAction', { ...request, range: diag2.range, context: { diagnostics: [diag2] } })
    ).find((a) => /withWatermark/.test(a.title));
    assert.deepEqual(
      plain.edit.changes[uri].map((e: any) => e.newText),
      ['.withWatermark("timestamp", "10 minutes")'],
    );
    assert.deepEqual(
      plain.data.pysparkArchitectSnippets.edits.map((e: any) => e.snippet.value),
      ['.withWatermark("timestamp", "${1:10 minutes}")'],
    );
  });

  it('reads [tool.pyspark-architect] from the pyproject.toml above the file; untrusted workspaces drop its patterns', async () => {
    const fs = await import('node:fs');
    const os = await import('node:os');
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'psa-lsp-proj-'));
    try {
      fs.writeFileSync(path.join(dir, 'pyproject.toml'), '[tool.pyspark-architect]\nignore = ["PSA204"]\npii-patterns = ["member_no"]\n');
      const uri = pathToFileURL(path.join(dir, 'job.py')).href;
      const text = kappa + '\nmembers = spark.createDataFrame([], "member_no STRING")\nmembers.write.parquet("s3://lake/members")\n';
      for (const trusted of [true, false]) {
        client = new LspClient();
        await client.connection.sendRequest('initialize', {
          processId: process.pid,
          rootUri: null,
          capabilities: { workspace: { configuration: true } },
          initializationOptions: { trusted },
        });
        await client.connection.sendNotification('initialized', {});
        await client.open(uri, text);
        const d = await client.waitFor(() => client.latest(uri), 'diagnostics');
        assert.deepEqual(d.diagnostics.map((x: any) => x.code).sort(), trusted ? ['PSA201', 'PSA401'] : ['PSA201']);
        await client.stop();
      }
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it('survives rapid edits and closing mid-analysis; publishes only the last version', async () => {
    client = new LspClient();
    await client.initialize();
    const uri = 'file:///work/rapid.py';
    await client.open(uri, kappa);
    for (let v = 2; v <= 60; v++) {
      await client.connection.sendNotification('textDocument/didChange', {
        textDocument: { uri, version: v },
        contentChanges: [{ range: { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } }, text: v % 2 ? '#' : '\n' }],
      });
    }
    const last = await client.waitFor(() => (client.latest(uri)?.version === 60 ? client.latest(uri) : undefined), 'diagnostics for the last version');
    assert.deepEqual(last.diagnostics.map((d: any) => d.code).sort(), ['PSA201', 'PSA204']);
    assert.ok(
      client.diagnostics.get(uri)!.every((d) => d.version === undefined || d.version === 1 || d.version === 60),
      'stale versions are never published',
    );
    const other = 'file:///work/closing.py';
    await client.open(other, kappa);
    await client.connection.sendNotification('textDocument/didClose', { textDocument: { uri: other } });
    const actions = await client.connection.sendRequest('textDocument/codeAction', {
      textDocument: { uri: other },
      range: { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } },
      context: { diagnostics: [] },
    });
    assert.deepEqual(actions, []);
    const graph: any = await client.connection.sendRequest('pysparkArchitect/pipelineGraph', { uris: [uri] });
    assert.equal(graph.architecture, 'kappa', 'still answering after all that');
  });

  it('keeps models only for recent documents, and still hovers an older one (analysing it again)', async () => {
    client = new LspClient();
    await client.initialize();
    const uris = Array.from({ length: 20 }, (_, i) => `file:///work/many/job${i}.py`);
    for (const uri of uris) await client.open(uri, kappa);
    await client.waitFor(() => (uris.every((u) => client.latest(u)) ? true : undefined), 'diagnostics for every document', 30_000);
    const line = kappa.split('\n').findIndex((l) => l.includes('system_metrics = system_events'));
    const hover: any = await client.connection.sendRequest('textDocument/hover', { textDocument: { uri: uris[0] }, position: { line, character: 6 } });
    assert.ok(hover, 'hover on the first (evicted) document');
    assert.match(JSON.stringify(hover.contents), /streaming/i);
  });
});
