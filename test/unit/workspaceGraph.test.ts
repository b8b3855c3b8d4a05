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

describe('workspace graph: a graph change nothing else reads (the document alone)', () => {
  const connection = { console: { info() {}, error() {} } } as unknown as Connection;
  const keys = (graph: WorkspaceGraph) => [...(graph.knownFiles()?.datasets.keys() ?? [])].sort();
  const turns = async (n: number) => {
    for (let i = 0; i < n; i++) await new Promise((r) => setImmediate(r));
  };

  function graphOpen(uris: string[]) {
    const documents = { uris: () => uris, get: () => ({}) } as unknown as DocumentStore;
    return new WorkspaceGraph(
      {} as PythonParser,
      connection,
      documents,
      async () => defaultSettings(),
      () => undefined,
    );
  }

  function later(location: string) {
    const built = { n: 0, dropped: 0 };
    return {
      built,
      raw: () => {
        built.n++;
        return graphOf(location);
      },
      dropped: () => built.dropped++,
    };
  }

  it('is not built after the answer; a reader of the graph gets it, built once', async () => {
    const graph = graphOpen(['file:///c.py']);
    const c = later('s3://lake/views/');
    assert.equal(graph.noteGraphChangeLater('file:///c.py', c.raw, undefined, c.dropped), false, 'not scheduled');
    await turns(50);
    assert.equal(c.built.n, 0);
    assert.equal(graph.changesPending, 1);
    assert.deepEqual(keys(graph), ['s3://lake/views/']);
    assert.equal(c.built.n, 1);
    assert.equal(c.built.dropped, 0);
    graph.dispose();
  });

  it("is dropped at the document's next edit when still unread: the graph keeps the change before it", () => {
    const graph = graphOpen(['file:///c.py']);
    graph.noteGraphChange('file:///c.py', graphOf('s3://lake/old/'));
    const { generation } = graph.read();
    const c = later('s3://lake/new/');
    graph.noteGraphChangeLater('file:///c.py', c.raw, generation, c.dropped);
    assert.equal(graph.unreadBeforeEdit('file:///c.py'), true);
    graph.dropPending('file:///c.py');
    assert.equal(graph.changesPending, 0);
    assert.deepEqual(c.built, { n: 0, dropped: 1 });
    assert.deepEqual(keys(graph), ['s3://lake/old/']);
    // Nothing pending: nothing to drop (the server settles, which does nothing).
    assert.equal(graph.unreadBeforeEdit('file:///c.py'), false);
    graph.dispose();
  });

  it('is built after the answer, as before, when another open document has datasets, is not analysed yet, or a notebook is open', async () => {
    // b.py open, not analysed yet: its first analysis may read c.py's datasets.
    let graph = graphOpen(['file:///b.py', 'file:///c.py']);
    let c = later('s3://lake/views/');
    assert.equal(graph.noteGraphChangeLater('file:///c.py', c.raw), true);
    assert.equal(graph.unreadBeforeEdit('file:///c.py'), false);
    for (let i = 0; i < 100 && !c.built.n; i++) await turns(1);
    assert.equal(c.built.n, 1);
    // b.py analysed with a dataset: a neighbour to judge again.
    graph.noteGraphChange('file:///b.py', graphOf('s3://lake/raw/'));
    c = later('s3://lake/raw/');
    assert.equal(graph.noteGraphChangeLater('file:///c.py', c.raw), true);
    graph.dispose();
    // b.py analysed without datasets: nothing of c.py reaches it; an open notebook reads every file's.
    graph = graphOpen(['file:///b.py', 'file:///c.py']);
    graph.noteGraphChange('file:///b.py', { datasets: new Map(), steps: new Map() });
    assert.equal(graph.noteGraphChangeLater('file:///c.py', later('s3://lake/views/').raw), false);
    graph.settle();
    let notebooks = 1;
    graph.otherReaders = () => notebooks;
    const n = later('s3://lake/views/');
    assert.equal(graph.noteGraphChangeLater('file:///c.py', n.raw), true);
    for (let i = 0; i < 100 && !n.built.n; i++) await turns(1);
    await turns(2);
    notebooks = 0;
    assert.equal(graph.noteGraphChangeLater('file:///c.py', later('s3://lake/curated/').raw), false);
    notebooks = 1;
    assert.equal(graph.unreadBeforeEdit('file:///c.py'), false, 'a notebook opened since: built before the edit');
    graph.dispose();
  });

  it('is not dropped when another file changed the graph since its analysis read it (the document may be judged again)', () => {
    const graph = graphOpen(['file:///c.py']);
    const { generation } = graph.read();
    // A file on disk (not open) changed meanwhile.
    graph.noteGraphChange('file:///disk.py', graphOf('s3://lake/views/'));
    graph.noteGraphChangeLater('file:///c.py', later('s3://lake/views/').raw, generation);
    assert.equal(graph.unreadBeforeEdit('file:///c.py'), false);
    // Read before the change: droppable.
    graph.settle();
    graph.noteGraphChangeLater('file:///c.py', later('s3://lake/views/').raw, graph.read().generation);
    assert.equal(graph.unreadBeforeEdit('file:///c.py'), true);
    graph.dispose();
  });

  it('a graph that can no longer be built (its syntax taken over by a newer copy) notes nothing', () => {
    const graph = graphOpen(['file:///c.py']);
    graph.noteGraphChange('file:///c.py', graphOf('s3://lake/old/'));
    graph.noteGraphChangeLater('file:///c.py', () => undefined);
    assert.deepEqual(keys(graph), ['s3://lake/old/']);
    graph.dispose();
  });
});
