/** What the preview draws of a graph: focus, stubs, collapsed pipelines, lineage, search (webview/src/focus.ts). */
import * as assert from 'node:assert/strict';
import type { GraphNode, PipelineGraph } from '../../shared/protocol';
import { lineage, pipelineNodeId, searchNodes, stubId, syntheticMeta, viewGraph, visibleNodes } from '../../webview/src/focus';

function n(id: string, extra: Partial<GraphNode> = {}): GraphNode {
  return {
    id,
    kind: id.startsWith('ds:') ? 'dataset' : 'step',
    label: id.replace(/^ds:/, ''),
    layer: null,
    streaming: false,
    filename: 'a.py',
    uri: 'file:///a.py',
    range: { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } },
    findings: [],
    pipeline: 'p0',
    ...extra,
  };
}

/** ds:a -> s1 -> ds:b -> s2 -> ds:c -> s3 -> ds:d, plus ds:x -> s2 (a side input), and a separate pipeline ds:q -> t1 -> ds:r. */
function chain(): PipelineGraph {
  const nodes = ['ds:a', 's1', 'ds:b', 's2', 'ds:c', 's3', 'ds:d', 'ds:x']
    .map((id) => n(id))
    .concat(['ds:q', 't1', 'ds:r'].map((id) => n(id, { pipeline: 'p1' })));
  const edges = [
    ['ds:a', 's1'],
    ['s1', 'ds:b'],
    ['ds:b', 's2'],
    ['s2', 'ds:c'],
    ['ds:c', 's3'],
    ['s3', 'ds:d'],
    ['ds:x', 's2'],
    ['ds:q', 't1'],
    ['t1', 'ds:r'],
  ].map(([from, to]) => ({ from, to }));
  return {
    architecture: 'medallion',
    layers: [],
    nodes,
    edges,
    pipelines: [
      { id: 'p0', name: 'a.py', architecture: 'medallion', layers: [] },
      { id: 'p1', name: 'q.py', architecture: 'unknown', layers: [] },
    ],
  };
}

const none = new Set<string>();

describe('preview focus (webview/src/focus.ts)', () => {
  it('no seeds: everything is drawn, nothing folded', () => {
    const v = viewGraph(chain(), { seeds: none, hops: 1, revealed: none, collapsed: none });
    assert.equal(v.graph.nodes.length, 11);
    assert.equal(v.synthetic.size, 0);
    assert.equal(v.hiddenCount, 0);
  });

  it('seeds plus N hops each way; hidden neighbours fold into one stub per drawn node and direction', () => {
    const g = chain();
    const v = viewGraph(g, { seeds: new Set(['s2']), hops: 1, revealed: none, collapsed: none });
    assert.deepEqual(
      v.graph.nodes
        .filter((x) => !v.synthetic.has(x.id))
        .map((x) => x.id)
        .sort(),
      ['ds:b', 'ds:c', 'ds:x', 's2'],
    );
    const stubs = [...v.synthetic.keys()].map((id) => `${id} ${v.graph.nodes.find((x) => x.id === id)!.label}`);
    assert.deepEqual(stubs.sort(), [`${stubId('downstream', 'ds:c')} +2 downstream`, `${stubId('upstream', 'ds:b')} +2 upstream`].sort());
    assert.equal(v.hiddenCount, 7, 'the other pipeline is not drawn at all');
    // Stubs hang from the node they fold behind.
    assert.ok(v.graph.edges.some((e) => e.from === stubId('upstream', 'ds:b') && e.to === 'ds:b'));
    assert.ok(v.graph.edges.some((e) => e.from === 'ds:c' && e.to === stubId('downstream', 'ds:c')));
    // Revealing what a stub stood for removes the stub.
    const up = v.synthetic.get(stubId('upstream', 'ds:b'))!;
    assert.ok(up.type === 'stub');
    const more = viewGraph(g, { seeds: new Set(['s2']), hops: 1, revealed: new Set(up.hidden), collapsed: none });
    assert.ok(!more.synthetic.has(stubId('upstream', 'ds:b')));
    assert.ok(more.graph.nodes.some((x) => x.id === 'ds:a'));
  });

  it('more hops draw more', () => {
    assert.equal(visibleNodes(chain(), { seeds: new Set(['s2']), hops: 2, revealed: none }).size, 6);
    assert.equal(visibleNodes(chain(), { seeds: new Set(['s2']), hops: 3, revealed: none }).size, 8);
  });

  it('a collapsed pipeline is one summary node with its counts and architecture, and no edges', () => {
    const v = viewGraph(chain(), { seeds: none, hops: 1, revealed: none, collapsed: new Set(['p0']) });
    const summary = v.synthetic.get(pipelineNodeId('p0'));
    assert.ok(summary && summary.type === 'pipeline');
    assert.equal(syntheticMeta(summary), 'medallion pipeline · 5 datasets · 3 steps');
    assert.deepEqual(v.graph.nodes.map((x) => x.id).sort(), [pipelineNodeId('p0'), 'ds:q', 'ds:r', 't1'].sort());
    assert.equal(v.graph.edges.length, 2);
  });

  it('lineage is every ancestor and descendant, not siblings', () => {
    const { ancestors, descendants } = lineage(chain(), 'ds:c');
    assert.deepEqual([...ancestors].sort(), ['ds:a', 'ds:b', 'ds:x', 's1', 's2']);
    assert.deepEqual([...descendants].sort(), ['ds:d', 's3']);
    const side = lineage(chain(), 'ds:x');
    assert.ok(!side.ancestors.has('ds:a') && !side.descendants.has('ds:b'), 'ds:a and ds:b are siblings of ds:x, not its lineage');
  });

  it('search ranks exact names, then prefixes, then substrings, then locations', () => {
    const g = chain();
    g.nodes.find((x) => x.id === 'ds:d')!.location = 's3://lake/gold/b_report';
    assert.deepEqual(
      searchNodes(g, 'B').map((x) => x.id),
      ['ds:b', 'ds:d'],
    );
    assert.deepEqual(
      searchNodes(g, 's').map((x) => x.id),
      ['s1', 's2', 's3', 'ds:d'],
    );
    assert.deepEqual(searchNodes(g, '  '), []);
  });
});
