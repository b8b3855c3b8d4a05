import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';
import { LspClient } from './lspClient';

const NB = 'file:///work/clicks.ipynb';
const cellUri = (i: number) => `vscode-notebook-cell:/work/clicks.ipynb#cell${i}`;

/** The session, the stream read and the aggregation in three different cells, as people write notebooks. */
const CELLS = [
  'from pyspark.sql import SparkSession, functions as F\nspark = SparkSession.builder.appName("clicks").getOrCreate()',
  'clicks = spark.readStream.format("kafka").option("kafka.bootstrap.servers", "b:9092").option("subscribe", "clicks").load()',
  '%%sql\nSELECT count(*) FROM bronze.clicks',
  'per_page = clicks.groupBy("page").count()\nper_page.writeStream.format("delta").option("checkpointLocation", "/mnt/chk/pages").trigger(once=True).toTable("gold.pages")',
];

async function openNotebook(client: LspClient, cells: string[], version = 1): Promise<void> {
  await client.connection.sendNotification('notebookDocument/didOpen', {
    notebookDocument: {
      uri: NB,
      notebookType: 'jupyter-notebook',
      version,
      cells: cells.map((_, i) => ({ kind: 2, document: cellUri(i) })),
    },
    cellTextDocuments: cells.map((text, i) => ({ uri: cellUri(i), languageId: i === 2 ? 'sql' : 'python', version: 1, text })),
  });
}

/** Diagnostics of a cell once they name `code` (or once they are empty, for `code` undefined). */
function waitCell(client: LspClient, i: number, test: (codes: string[]) => boolean, what: string) {
  return client.waitFor(() => {
    const d = client.latest(cellUri(i));
    return d && test(d.diagnostics.map((x: { code: string }) => x.code)) ? d : undefined;
  }, what);
}

describe('language server: notebook documents (LSP 3.17)', function () {
  this.timeout(30_000);
  let client: LspClient;
  afterEach(async () => {
    await client?.stop();
  });

  it('declares notebook sync for Jupyter and any notebook with Python cells', async () => {
    client = new LspClient();
    const init = await client.initialize();
    const selectors = init.capabilities.notebookDocumentSync.notebookSelector;
    assert.ok(selectors.some((s: any) => s.notebook?.notebookType === 'jupyter-notebook' && s.cells[0].language === 'python'));
    assert.ok(selectors.some((s: any) => s.notebook === '*'));
  });

  it('analyses the cells as one program and pushes PSA201 to the aggregation cell, even to a pull client', async () => {
    client = new LspClient();
    // A client that pulls text-document diagnostics: VS Code never pulls for cells, so cells are pushed.
    await client.initialize({
      workspace: { configuration: true, diagnostics: { refreshSupport: true } },
      textDocument: { diagnostic: {}, publishDiagnostics: { relatedInformation: true } },
    });
    await openNotebook(client, CELLS);
    const d = await waitCell(client, 3, (c) => c.includes('PSA201'), 'PSA201 in cell 3');
    const psa201 = d.diagnostics.find((x: any) => x.code === 'PSA201');
    assert.deepEqual(psa201.range.start, { line: 0, character: 18 });
    assert.ok(
      psa201.relatedInformation.some((r: any) => r.location.uri === cellUri(1)),
      'the stream is read in cell 1',
    );
    assert.deepEqual(d.diagnostics.map((x: any) => x.code).sort(), ['PSA201', 'PSA207']);
    for (const i of [0, 1]) assert.deepEqual((await waitCell(client, i, () => true, `cell ${i}`)).diagnostics, []);
    assert.equal(client.latest(cellUri(2)), undefined, 'the SQL cell is not Python: nothing is sent for it');
  });

  it('an edit to a cell updates its diagnostics; closing the notebook clears every cell', async () => {
    client = new LspClient();
    await client.initialize();
    await openNotebook(client, CELLS);
    await waitCell(client, 3, (c) => c.includes('PSA201'), 'PSA201');
    // The stream is read in cell 1: making it a batch read there changes what cell 3 is told.
    await client.connection.sendNotification('notebookDocument/didChange', {
      notebookDocument: { uri: NB, version: 2 },
      change: {
        cells: {
          textContent: [
            {
              document: { uri: cellUri(1), version: 2 },
              changes: [{ range: { start: { line: 0, character: 15 }, end: { line: 0, character: 25 } }, text: 'read' }],
            },
          ],
        },
      },
    });
    const after = await waitCell(client, 3, (c) => !c.includes('PSA201'), 'PSA201 gone after the edit');
    assert.ok(!after.diagnostics.some((x: any) => x.code === 'PSA201'));
    await client.connection.sendNotification('notebookDocument/didClose', {
      notebookDocument: { uri: NB },
      cellTextDocuments: CELLS.map((_, i) => ({ uri: cellUri(i) })),
    });
    await waitCell(client, 3, (c) => c.length === 0, 'cleared on close');
    assert.deepEqual(client.latest(cellUri(1))?.diagnostics, []);
  });

  it('quick fixes, noqa, fix-all, hover and completion work inside a cell', async () => {
    client = new LspClient();
    await client.initialize();
    await openNotebook(client, CELLS);
    const d = await waitCell(client, 3, (c) => c.includes('PSA207'), 'PSA207');
    const psa207 = d.diagnostics.find((x: any) => x.code === 'PSA207');
    const actions: any[] = await client.connection.sendRequest('textDocument/codeAction', {
      textDocument: { uri: cellUri(3) },
      range: psa207.range,
      context: { diagnostics: [psa207] },
    });
    const fix = actions.find((a) => /availableNow/.test(a.title));
    assert.ok(fix, actions.map((a) => a.title).join(' | '));
    // Unsafe (several batches instead of one): labelled, never preferred.
    assert.match(fix.title, /\(unsafe: /);
    assert.ok(!fix.isPreferred);
    const [edit] = fix.edit.changes[cellUri(3)];
    assert.equal(edit.range.start.line, 1);
    assert.equal(edit.newText, 'availableNow=True');
    assert.ok(actions.some((a) => /noqa/.test(a.title) && a.edit.changes[cellUri(3)][0].newText === '  # noqa: PSA207'));

    const all: any[] = await client.connection.sendRequest('textDocument/codeAction', {
      textDocument: { uri: cellUri(3) },
      range: psa207.range,
      context: { diagnostics: [], only: ['source.fixAll'] },
    });
    // Fix-all applies safe fixes only: this notebook has none (its cell mapping is tested in notebook.test.ts).
    assert.deepEqual(all, []);

    const hover: any = await client.connection.sendRequest('textDocument/hover', { textDocument: { uri: cellUri(3) }, position: { line: 0, character: 13 } });
    assert.ok(hover, 'hover on `clicks` in cell 3');
    assert.match(hover.contents.value, /stream/i);
    assert.deepEqual(hover.range.start, { line: 0, character: 11 });

    const items: any = await client.connection.sendRequest('textDocument/completion', {
      textDocument: { uri: cellUri(1) },
      position: { line: 0, character: 35 },
    });
    const list = Array.isArray(items) ? items : items.items;
    assert.ok(
      list.some((i: any) => i.label === 'kafka'),
      'formats are completed in a cell',
    );
    assert.equal(list[0].textEdit.range.start.line, 0);
  });

  it('the preview graph of a notebook is the whole notebook, keyed by its URI', async () => {
    client = new LspClient();
    await client.initialize();
    await openNotebook(client, CELLS);
    await waitCell(client, 3, (c) => c.includes('PSA201'), 'analysed');
    const graph: any = await client.connection.sendRequest('pysparkArchitect/pipelineGraph', { uris: [cellUri(3)] });
    assert.ok(
      graph.nodes.some((n: any) => /gold\.pages/.test(n.label ?? n.id)),
      JSON.stringify(graph.nodes.map((n: any) => n.label ?? n.id)),
    );
    assert.ok(
      graph.nodes.some((n: any) => /clicks/.test(n.label ?? n.id)),
      'the Kafka source of cell 1 is in the same graph',
    );
  });

  it('a Databricks source opened as a text document follows %run ./config from disk', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'psa-lsp-run-'));
    try {
      fs.writeFileSync(
        path.join(dir, 'config.py'),
        '# Databricks notebook source\ndef read_clicks():\n    return spark.readStream.format("kafka").option("subscribe", "clicks").load()\n',
      );
      const main =
        '# Databricks notebook source\n# MAGIC %run ./config\n\n# COMMAND ----------\n\nclicks = read_clicks()\nclicks.groupBy("page").count().writeStream.format("delta").option("checkpointLocation", "/mnt/chk/p").toTable("gold.p")\n';
      const uri = pathToFileURL(path.join(dir, 'main.py')).href;
      client = new LspClient();
      await client.initialize();
      await client.open(uri, main);
      const d = await client.waitFor(() => client.latest(uri), 'diagnostics');
      assert.deepEqual(
        d.diagnostics.map((x: any) => [x.code, x.range.start.line, x.range.start.character]),
        [['PSA201', 6, 7]],
      );
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it("a notebook that %runs ./config on disk sees its functions; findings stay in the notebook's cells", async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'psa-lsp-nbrun-'));
    try {
      fs.writeFileSync(
        path.join(dir, 'config.py'),
        '# Databricks notebook source\ndef read_clicks():\n    return spark.readStream.format("kafka").option("subscribe", "clicks").load()\n\nrows = spark.read.parquet("/mnt/all").collect()\n',
      );
      const nbUri = pathToFileURL(path.join(dir, 'main.ipynb')).href;
      const cell = (i: number) => `vscode-notebook-cell:${path.join(dir, 'main.ipynb')}#c${i}`;
      const cells = [
        '%run ./config',
        'clicks = read_clicks()\nclicks.groupBy("page").count().writeStream.format("delta").option("checkpointLocation", "/mnt/chk/p").toTable("gold.p")',
      ];
      client = new LspClient();
      await client.initialize();
      await client.connection.sendNotification('notebookDocument/didOpen', {
        notebookDocument: { uri: nbUri, notebookType: 'jupyter-notebook', version: 1, cells: cells.map((_, i) => ({ kind: 2, document: cell(i) })) },
        cellTextDocuments: cells.map((text, i) => ({ uri: cell(i), languageId: 'python', version: 1, text })),
      });
      const d = await client.waitFor(() => {
        const got = client.latest(cell(1));
        return got?.diagnostics.length ? got : undefined;
      }, 'PSA201 in cell 1');
      assert.deepEqual(
        d.diagnostics.map((x: any) => x.code),
        ['PSA201'],
      );
      assert.deepEqual(client.latest(cell(0))?.diagnostics, [], 'the PSA103 of config.py is not reported here');
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
