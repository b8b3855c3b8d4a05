// The language server driven in this process over a pair of in-memory streams, so that a test can
// look at what it keeps and step its analyses by hand (issue 18: an overtaken analysis stops and
// publishes nothing; closed documents leave nothing behind). No timing assertions.
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { PythonParser } from '../../server/src/parsing/pythonParser';
import { startInProcessServer, type InProcessServer } from './inProcessServer';

const kappa = fs.readFileSync(path.resolve(__dirname, '../../../samples/kappa_architecture.py'), 'utf8');

interface Harness extends InProcessServer {
  published: { uri: string; version?: number; count: number }[];
  logs: string[];
}

/** A push-mode client (no configuration requests: settings come with `initialize`), with the trace on. */
async function start(parser: PythonParser): Promise<Harness> {
  const published: Harness['published'] = [];
  const logs: string[] = [];
  const started = await startInProcessServer(parser, { 'trace.server': 'messages' }, (client) => {
    client.onNotification('textDocument/publishDiagnostics', (p: { uri: string; version?: number; diagnostics: unknown[] }) =>
      published.push({ uri: p.uri, version: p.version, count: p.diagnostics.length }),
    );
    client.onNotification('window/logMessage', (p: { message: string }) => logs.push(p.message));
  });
  return { ...started, published, logs };
}

async function until(what: string, check: () => boolean): Promise<void> {
  for (let i = 0; i < 20_000 && !check(); i++) await new Promise((r) => setImmediate(r));
  assert.ok(check(), what);
}

describe('the language server in process: overtaken analyses and closed documents', function () {
  this.timeout(120_000);
  let parser: PythonParser;
  let h: Harness | undefined;
  before(async () => {
    parser = await PythonParser.load();
  });
  afterEach(() => {
    h?.dispose();
    h = undefined;
  });

  it('an analysis overtaken by an edit after its first step stops there: no model, nothing kept, nothing published', async () => {
    h = await start(parser);
    const uri = 'file:///w/kappa.py';
    const { server } = h;
    server.documents.open(uri, 'python', 1, kappa);
    const stored = server.documents.get(uri)!;
    const running = server.analyses.analyse(uri, stored);
    // Microtasks run first: the analysis takes its slot and makes the syntax copy (its first
    // step) before this immediate; then it waits two turns (nextTurns) before its next step.
    await new Promise((r) => setImmediate(r));
    assert.equal(server.analyses.slots.queued, 0);
    server.documents.change(uri, 2, [{ range: { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } }, text: '# \n' }]);
    assert.equal(await running, undefined, 'no result for the outdated version');
    assert.equal(server.analyses.modelsHeld, 0, 'the model step never ran');
    assert.equal(server.analyses.get(uri), undefined, 'nothing cached for it');
    // The log travels over the stream: wait for it.
    await until('the stop is logged with the work it threw away', () => h!.logs.some((l) => /kappa\.py v1: stopped, outdated \([\d.]+ ms\)/.test(l)));
    assert.equal(server.analyses.wait.cost(uri), undefined, 'a stopped run says nothing about what an analysis costs');
    // The current version is analysed, and that is what is published.
    const now = await server.analyses.analyse(uri, server.documents.get(uri)!);
    assert.equal(now?.version, 2);
    assert.ok(now.diagnostics.length > 0);
    assert.ok(server.analyses.wait.cost(uri)! >= 0);
    assert.ok(!h.published.some((p) => p.version === 1 && p.uri === uri));
  });

  it('closing documents leaves nothing of them in the analysis cache, however many came and went', async () => {
    h = await start(parser);
    const { server, client } = h;
    for (let i = 0; i < 24; i++) {
      const uri = `file:///w/f${i}.py`;
      await client.sendNotification('textDocument/didOpen', { textDocument: { uri, languageId: 'python', version: 1, text: kappa } });
      await until(`diagnostics of ${uri}`, () => h!.published.some((p) => p.uri === uri && p.version === 1));
      await client.sendNotification('textDocument/didChange', {
        textDocument: { uri, version: 2 },
        contentChanges: [{ range: { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } }, text: '#\n' }],
      });
      await until(`diagnostics of ${uri} v2`, () => h!.published.some((p) => p.uri === uri && p.version === 2));
      if (i >= 3) await client.sendNotification('textDocument/didClose', { textDocument: { uri } });
    }
    await until('the closes are read', () => server.documents.uris().length === 3);
    assert.equal(server.analyses.documentsKept, 3, 'only the three documents still open');
    assert.ok(server.analyses.modelsHeld <= 3);
  });

  it("the pipeline graph of an open document answers with it even when its analysis was outdated under way by a neighbour's change", async () => {
    h = await start(parser);
    const uri = 'file:///w/kappa.py';
    const { server, client } = h;
    server.documents.open(uri, 'python', 1, kappa);
    const graph = client.sendRequest('pysparkArchitect/pipelineGraph', { uris: [uri] }) as Promise<{ nodes: { location?: string }[] }>;
    // The request's analysis takes its slot; then what it reads besides the text changes (a file beside
    // it read from disk, settings): the run stops at its next step without a result.
    await until('the analysis has its slot', () => server.analyses.slots.peak >= 1);
    server.analyses.delete(uri);
    const answer = await graph;
    assert.ok(
      answer.nodes.some((n) => n.location === 'kafka:all-events'),
      `the document's datasets are in the graph: ${answer.nodes.map((n) => n.location).join(', ')}`,
    );
    await until('the stop is logged', () => h!.logs.some((l) => /kappa\.py v1: stopped, outdated/.test(l)));
  });

  it("code actions answer for the document as typed even when its analysis was outdated under way by a neighbour's change", async () => {
    h = await start(parser);
    const uri = 'file:///w/kappa.py';
    const { server, client } = h;
    server.documents.open(uri, 'python', 1, kappa);
    const first = await server.analyses.analyse(uri, server.documents.get(uri)!);
    const finding = first!.result.findings[0];
    const from = first!.result.lines.positionAt(finding.start);
    const to = first!.result.lines.positionAt(finding.end);
    server.analyses.delete(uri);
    server.analyses.slots.peak = 0;
    // As Neovim sends them back: no source, the PSA code is enough.
    const diagnostic = { range: { start: from, end: to }, message: finding.message, code: finding.code };
    const asked = client.sendRequest('textDocument/codeAction', {
      textDocument: { uri },
      range: { start: from, end: to },
      context: { diagnostics: [diagnostic] },
    }) as Promise<{ title: string }[]>;
    await until('the analysis has its slot', () => server.analyses.slots.peak >= 1);
    server.analyses.delete(uri);
    const actions = await asked;
    assert.ok(
      actions.some((a) => a.title.includes(finding.code)),
      `the finding's actions are offered: ${actions.map((a) => a.title).join(' | ')}`,
    );
  });
});

describe('the language server in process: the graph change after an answer waits for the answer to be written', function () {
  this.timeout(120_000);
  let parser: PythonParser;
  before(async () => {
    parser = await PythonParser.load();
  });

  it('builds the fragment only once the diagnostics are out, and the graph follows the edit', async () => {
    const published: { uri: string; version?: number }[] = [];
    const h = await startInProcessServer(
      parser,
      {},
      (client) => client.onNotification('textDocument/publishDiagnostics', (p: { uri: string; version?: number }) => published.push(p)),
      true,
    );
    try {
      const { server, client, output } = h;
      const uri = 'file:///w/kappa.py';
      const datasets = () => [...(server.graph.knownFiles()?.datasets.keys() ?? [])].filter((k) => k.includes('user-analytics')).sort();
      await client.sendNotification('textDocument/didOpen', { textDocument: { uri, languageId: 'python', version: 1, text: kappa } });
      await until('diagnostics of v1', () => published.some((p) => p.version === 1));
      await until('the graph noted', () => server.graph.changesPending === 0);
      assert.deepEqual(datasets(), ['path:s3://data-lake/user-analytics']);
      // The client stops reading: the next diagnostics cannot be written.
      output!.held = true;
      const line = kappa.split('\n').findIndex((l) => l.includes('.start("s3://data-lake/user-analytics/")'));
      const at = kappa.split('\n')[line].indexOf('user-analytics');
      await client.sendNotification('textDocument/didChange', {
        textDocument: { uri, version: 2 },
        contentChanges: [{ range: { start: { line, character: at }, end: { line, character: at + 'user-analytics'.length } }, text: 'user-analytics-v2' }],
      });
      await until('v2 analysed', () => server.analyses.get(uri)?.version === 2);
      await until('its diagnostics held', () => output!.heldWrites > 0);
      for (let i = 0; i < 200; i++) await new Promise((r) => setImmediate(r));
      assert.equal(server.graph.changesPending, 1, 'the fragment waits while the diagnostics are not written');
      assert.ok(!published.some((p) => p.version === 2));
      output!.release();
      await until('diagnostics of v2', () => published.some((p) => p.version === 2));
      await until('the graph noted after them', () => server.graph.changesPending === 0);
      assert.deepEqual(datasets(), ['path:s3://data-lake/user-analytics-v2']);
    } finally {
      h.dispose();
    }
  });
});

describe('the language server in process: the verbose trace', function () {
  this.timeout(120_000);

  it("is written after the graph fragment built after the answer, with the fragment's wall, CPU and start", async () => {
    const parser = await PythonParser.load();
    const logs: string[] = [];
    const h = await startInProcessServer(parser, { 'trace.server': 'verbose' }, (client) =>
      client.onNotification('window/logMessage', (p: { message: string }) => logs.push(p.message)),
    );
    try {
      const uri = 'file:///w/kappa.py';
      await h.client.sendNotification('textDocument/didOpen', { textDocument: { uri, languageId: 'python', version: 1, text: kappa } });
      await until('the trace of v1', () => logs.some((l) => l.startsWith('trace ') && l.includes('kappa.py@1 ')));
      const line = logs.find((l) => l.startsWith('trace ') && l.includes('kappa.py@1 '))!;
      const trace = JSON.parse(line.slice(line.indexOf('{'))) as Record<string, number>;
      for (const key of ['graphFragmentAfterAnswerMs', 'graphFragmentAfterAnswerCpuMs', 'graphFragmentStartedAfterEndMs'])
        assert.ok(typeof trace[key] === 'number' && trace[key] >= 0, `${key}: ${trace[key]}`);
    } finally {
      h.dispose();
    }
  });
});
