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

  function graphWith(running: string[]) {
    const rejudged: string[][] = [];
    let resolveRejudged!: () => void;
    const rejudgedOnce = new Promise<void>((r) => (resolveRejudged = r));
    const graph = new WorkspaceGraph(
      {} as PythonParser,
      connection,
      documents,
      () => running.values(),
      async () => defaultSettings(),
      (uris) => {
        rejudged.push(uris.sort());
        resolveRejudged();
      },
    );
    return { graph, rejudged, rejudgedOnce };
  }

  it('judges again an analysis under way when a dataset appears (it may have read the graph before the change)', async () => {
    // b.py shares a dataset with a.py; c.py's first analysis is running, its datasets unknown yet.
    const running: string[] = [];
    const { graph, rejudged, rejudgedOnce } = graphWith(running);
    graph.noteGraphChange('file:///b.py', graphOf('s3://lake/raw/'));
    running.push('file:///c.py');
    graph.noteGraphChange('file:///a.py', graphOf('s3://lake/raw/'));
    await rejudgedOnce;
    graph.dispose();
    assert.deepEqual(rejudged, [['file:///b.py', 'file:///c.py']]);
  });

  it('leaves analysed documents that share no dataset alone, and never judges the changed document again', async () => {
    const running: string[] = [];
    const { graph, rejudged, rejudgedOnce } = graphWith(running);
    graph.noteGraphChange('file:///b.py', graphOf('s3://lake/raw/'));
    graph.noteGraphChange('file:///c.py', graphOf('s3://other/'));
    running.push('file:///a.py');
    graph.noteGraphChange('file:///a.py', graphOf('s3://lake/raw/'));
    await rejudgedOnce;
    graph.dispose();
    assert.deepEqual(rejudged, [['file:///b.py']]);
  });

  it('keeps every open document in the known files while its neighbours are judged again', () => {
    // Judging b.py and c.py again drops both analyses; each must still see the other's datasets.
    const { graph } = graphWith([]);
    graph.noteGraphChange('file:///b.py', graphOf('s3://lake/raw/'));
    graph.noteGraphChange('file:///c.py', graphOf('s3://lake/views/'));
    graph.dispose();
    assert.deepEqual([...(graph.knownFiles()?.datasets.keys() ?? [])].sort(), ['s3://lake/raw/', 's3://lake/views/']);
    graph.closed('file:///c.py');
    graph.dispose();
    assert.deepEqual([...(graph.knownFiles()?.datasets.keys() ?? [])], ['s3://lake/raw/']);
  });
});
