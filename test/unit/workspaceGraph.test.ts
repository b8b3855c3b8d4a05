import * as assert from 'node:assert/strict';
import type { Connection } from 'vscode-languageserver';
import { defaultSettings } from '../../shared/settings';
import type { RawGraph } from '../../server/src/graph/pipelineGraph';
import type { DocumentStore } from '../../server/src/lsp/documentStore';
import { WorkspaceGraph } from '../../server/src/lsp/workspaceGraph';
import type { PythonParser } from '../../server/src/parsing/pythonParser';

/** A graph with one dataset (what the rejudging looks at) and no steps. */
function graphOf(location: string): RawGraph {
  return { datasets: new Map([[location, { ref: { key: location } as any, reads: [], writes: [] }]]), steps: new Map() };
}

describe('workspace graph: which open documents are judged again', () => {
  const connection = { console: { info() {}, error() {} } } as unknown as Connection;
  const documents = { uris: () => ['file:///a.py', 'file:///b.py', 'file:///c.py'], get: () => ({}) } as unknown as DocumentStore;

  function graphWith() {
    const rejudged: string[][] = [];
    let resolveRejudged!: () => void;
    const rejudgedOnce = new Promise<void>((r) => (resolveRejudged = r));
    const graph = new WorkspaceGraph(
      {} as PythonParser,
      connection,
      documents,
      async () => defaultSettings(),
      (uris) => {
        rejudged.push(uris.sort());
        resolveRejudged();
      },
    );
    return { graph, rejudged, rejudgedOnce };
  }

  it('judges an analysis again when a file sharing its datasets changed while it ran (it read the graph before)', async () => {
    const { graph, rejudged, rejudgedOnce } = graphWith();
    graph.noteGraphChange('file:///b.py', graphOf('s3://lake/raw/'));
    // c.py's first analysis reads the graph, then a.py (sharing c's dataset) changes, then c.py's result arrives.
    const { generation } = graph.read();
    graph.noteGraphChange('file:///a.py', graphOf('s3://lake/curated/'));
    graph.noteGraphChange('file:///c.py', graphOf('s3://lake/curated/'), generation);
    await rejudgedOnce;
    graph.dispose();
    // c.py for its outdated result; a.py because c.py's datasets are new to the graph. Not b.py.
    assert.deepEqual(rejudged, [['file:///a.py', 'file:///c.py']]);
  });

  it('keeps an analysis whose datasets no change touched, and judges neighbours sharing a dataset again', async () => {
    const { graph, rejudged, rejudgedOnce } = graphWith();
    graph.noteGraphChange('file:///b.py', graphOf('s3://lake/raw/'));
    const { generation } = graph.read();
    graph.noteGraphChange('file:///c.py', graphOf('s3://other/'));
    // a.py read the graph before c.py changed, but shares nothing with it: its result stands;
    // it shares b.py's dataset, so b.py is judged again (a.py's datasets are new), a.py is not.
    graph.noteGraphChange('file:///a.py', graphOf('s3://lake/raw/'), generation);
    await rejudgedOnce;
    graph.dispose();
    assert.deepEqual(rejudged, [['file:///b.py']]);
  });

  it('an analysis that read the graph after the last change is not judged again', async () => {
    const { graph, rejudged } = graphWith();
    graph.noteGraphChange('file:///b.py', graphOf('s3://lake/raw/'));
    const { generation } = graph.read();
    graph.noteGraphChange('file:///b.py', graphOf('s3://lake/raw/'), generation);
    await new Promise((r) => setTimeout(r, 1000));
    graph.dispose();
    assert.deepEqual(rejudged, []);
  });

  it('keeps every open document in the known files while its neighbours are judged again', () => {
    // Judging b.py and c.py again drops both analyses; each must still see the other's datasets.
    const { graph } = graphWith();
    graph.noteGraphChange('file:///b.py', graphOf('s3://lake/raw/'));
    graph.noteGraphChange('file:///c.py', graphOf('s3://lake/views/'));
    graph.dispose();
    assert.deepEqual([...(graph.knownFiles()?.datasets.keys() ?? [])].sort(), ['s3://lake/raw/', 's3://lake/views/']);
    graph.closed('file:///c.py');
    graph.dispose();
    assert.deepEqual([...(graph.knownFiles()?.datasets.keys() ?? [])], ['s3://lake/raw/']);
  });
});

describe('workspace graph: a graph change left for after the answer (noteGraphChangeLater)', () => {
  const connection = { console: { info() {}, error() {} } } as unknown as Connection;
  const documents = { uris: () => ['file:///a.py', 'file:///b.py', 'file:///c.py'], get: () => ({}) } as unknown as DocumentStore;
  const keys = (graph: WorkspaceGraph) => [...(graph.knownFiles()?.datasets.keys() ?? [])].sort();

  function graphWith() {
    const rejudged: string[][] = [];
    const graph = new WorkspaceGraph(
      {} as PythonParser,
      connection,
      documents,
      async () => defaultSettings(),
      (uris) => rejudged.push(uris.sort()),
    );
    return { graph, rejudged };
  }

  /** A graph built on demand, counting how often it was built. */
  function later(location: string) {
    const built = { n: 0 };
    return {
      built,
      raw: () => {
        built.n++;
        return graphOf(location);
      },
    };
  }

  it('builds it once, when the graph is first read', () => {
    const { graph } = graphWith();
    graph.noteGraphChange('file:///b.py', graphOf('s3://lake/raw/'));
    const c = later('s3://lake/views/');
    graph.noteGraphChangeLater('file:///c.py', c.raw);
    assert.equal(c.built.n, 0, 'not built before anything needs it');
    const { generation } = graph.read();
    assert.equal(c.built.n, 1);
    assert.deepEqual(keys(graph), ['s3://lake/raw/', 's3://lake/views/']);
    // Noted before the read: the generation read is after it.
    assert.equal(graph.othersChangedSince(generation, 'file:///a.py'), false);
    assert.equal(c.built.n, 1);
    graph.dispose();
  });

  it('keeps the order of the changes: a later change of the same document wins, a close removes it', () => {
    const { graph } = graphWith();
    graph.noteGraphChangeLater('file:///c.py', later('s3://lake/old/').raw);
    graph.noteGraphChange('file:///c.py', graphOf('s3://lake/new/'));
    assert.deepEqual(keys(graph), ['s3://lake/new/']);
    graph.noteGraphChangeLater('file:///c.py', later('s3://lake/newer/').raw);
    graph.closed('file:///c.py');
    assert.deepEqual(keys(graph), []);
    graph.dispose();
  });

  it('judges the analysis again when a neighbour changed after it read the graph, as when noted at once', async () => {
    const { graph, rejudged } = graphWith();
    graph.noteGraphChange('file:///b.py', graphOf('s3://lake/raw/'));
    const { generation } = graph.read();
    graph.noteGraphChange('file:///a.py', graphOf('s3://lake/curated/'));
    graph.noteGraphChangeLater('file:///c.py', later('s3://lake/curated/').raw, generation);
    graph.settle();
    for (let i = 0; i < 100 && !rejudged.length; i++) await new Promise((r) => setTimeout(r, 20));
    graph.dispose();
    assert.deepEqual(rejudged, [['file:///a.py', 'file:///c.py']]);
  });

  it("a graph that fails to build is the failing document's alone", () => {
    const { graph } = graphWith();
    graph.noteGraphChangeLater('file:///b.py', () => {
      throw new Error('broken fragment');
    });
    graph.noteGraphChangeLater('file:///c.py', later('s3://lake/views/').raw);
    assert.deepEqual(keys(graph), ['s3://lake/views/']);
    graph.dispose();
  });

  it('is built a moment later when nothing reads the graph', async () => {
    const { graph } = graphWith();
    const c = later('s3://lake/views/');
    graph.noteGraphChangeLater('file:///c.py', c.raw);
    for (let i = 0; i < 100 && !c.built.n; i++) await new Promise((r) => setTimeout(r, 20));
    assert.equal(c.built.n, 1);
    graph.dispose();
  });
});
