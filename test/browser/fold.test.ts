/**
 * Folding a lane's many alike parallel chains into one group node (webview/src/fold.ts), in Node:
 * which chains fold and which never do, the group's name, the edges it takes over, and graphs
 * with nothing to fold coming back untouched (so their layouts are the ones they always were).
 */
import assert from 'node:assert/strict';
import type { GraphNode, PipelineGraph } from '../../shared/protocol';
import { foldId, foldParallelChains, namePattern, FOLD_MIN_CHAINS } from '../../webview/src/fold';
import { chainProject, generatedProject, medallionProject, mkNode as mk, projectGraph, wideRankProject } from './generatedProject';

/** `n` feeds, each landing/feed_i -> ingest_i -> bronze/feed_i, all read by one silver step. */
function feeds(n: number, tweak: (i: number, node: GraphNode) => GraphNode = (_, x) => x): PipelineGraph {
  const nodes: GraphNode[] = [];
  const edges: { from: string; to: string }[] = [];
  for (let i = 0; i < n; i++) {
    nodes.push(tweak(i, mk(`land${i}`, 'bronze', { label: `landing/feed_${i}`, role: 'source', format: 'json' })));
    nodes.push(tweak(i, mk(`ingest${i}`, 'bronze', { label: `ingest_${i}`, kind: 'step' })));
    nodes.push(tweak(i, mk(`bronze${i}`, 'bronze', { label: `bronze/feed_${i}`, role: 'intermediate', format: 'delta' })));
    edges.push({ from: `land${i}`, to: `ingest${i}` }, { from: `ingest${i}`, to: `bronze${i}` }, { from: `bronze${i}`, to: 'conform' });
  }
  nodes.push(mk('conform', 'silver', { kind: 'step' }), mk('silver', 'silver', { role: 'sink', format: 'delta' }));
  edges.push({ from: 'conform', to: 'silver' });
  return { architecture: 'medallion', layers: ['bronze', 'silver', 'gold'], nodes, edges };
}

const none = { keep: new Set<string>(), unfolded: new Set<string>() };
const notSynthetic = () => false;

describe('preview: alike parallel chains folded into a group', () => {
  it('names a position of the chains by what every name there starts and ends with', () => {
    assert.equal(namePattern(['landing/feed_0', 'landing/feed_1', 'landing/feed_17']), 'landing/feed_*');
    assert.equal(namePattern(['raw_orders.csv', 'raw_customers.csv']), 'raw_*.csv');
    assert.equal(namePattern(['conform', 'conform']), 'conform');
    assert.equal(namePattern(['orders', 'payments']), 'orders, …');
  });

  it('folds a lane of many alike chains into one node taking over their edges, once each', () => {
    const graph = feeds(12);
    const { graph: out, folds } = foldParallelChains(graph, none, notSynthetic);
    assert.equal(folds.size, 1);
    const [[id, fold]] = [...folds];
    assert.deepEqual(
      { chains: fold.chains, length: fold.length, patterns: fold.patterns, hidden: fold.hidden.length, anchor: fold.anchor },
      { chains: 12, length: 3, patterns: ['landing/feed_*', 'ingest_*', 'bronze/feed_*'], hidden: 36, anchor: 'land0' },
    );
    const node = out.nodes.find((n) => n.id === id)!;
    assert.equal(node.label, '12 × landing/feed_* → bronze/feed_*');
    assert.equal(node.layer, 'bronze');
    // In the first chain's place: the group comes first in its lane, as its first member did.
    assert.deepEqual(
      out.nodes.map((n) => n.id),
      [id, 'conform', 'silver'],
    );
    assert.deepEqual(out.edges, [
      { from: id, to: 'conform' },
      { from: 'conform', to: 'silver' },
    ]);
  });

  it("never folds the chain of a node the view is about (the current file's, a search result): it stays beside the group", () => {
    const { graph: out, folds } = foldParallelChains(feeds(12), { keep: new Set(['ingest5']), unfolded: new Set() }, notSynthetic);
    const [fold] = folds.values();
    assert.equal(fold.chains, 11);
    assert.ok(!fold.hidden.includes('land5') && !fold.hidden.includes('bronze5'));
    for (const id of ['land5', 'ingest5', 'bronze5'])
      assert.ok(
        out.nodes.some((n) => n.id === id),
        `${id} drawn`,
      );
    assert.ok(out.edges.some((e) => e.from === 'bronze5' && e.to === 'conform'));
  });

  it('opens a group the user expanded, and leaves stubs and summaries out of any group', () => {
    const graph = feeds(12);
    const [fold] = foldParallelChains(graph, none, notSynthetic).folds.values();
    assert.equal(foldParallelChains(graph, { keep: new Set(), unfolded: new Set([fold.key]) }, notSynthetic).graph, graph);
    // A stub hangs from every chain's first node: no chain is a pure chain of the graph's own nodes.
    const withStubs: PipelineGraph = {
      ...graph,
      nodes: [...graph.nodes, ...Array.from({ length: 12 }, (_, i) => mk(`stub${i}`, 'bronze', { kind: 'step' }))],
      edges: [...graph.edges, ...Array.from({ length: 12 }, (_, i) => ({ from: `stub${i}`, to: `land${i}` }))],
    };
    assert.equal(foldParallelChains(withStubs, none, (id) => id.startsWith('stub')).folds.size, 0);
  });

  it('folds only many chains of one shape: fewer, other kinds, formats or lanes, branches and small sets stay drawn', () => {
    assert.equal(foldParallelChains(feeds(FOLD_MIN_CHAINS - 1), none, notSynthetic).folds.size, 0, 'too few chains');
    // Half the feeds in CSV: two groups of six, neither large enough.
    assert.equal(
      foldParallelChains(
        feeds(12, (i, n) => (n.role === 'source' && i % 2 ? { ...n, format: 'csv' } : n)),
        none,
        notSynthetic,
      ).folds.size,
      0,
    );
    assert.equal(
      foldParallelChains(
        feeds(12, (i, n) => (n.role === 'source' && i % 2 ? { ...n, streaming: true } : n)),
        none,
        notSynthetic,
      ).folds.size,
      0,
    );
    // A chain that branches (an ingest writing two tables) is no path.
    const branching = feeds(12);
    for (let i = 0; i < 12; i++) {
      branching.nodes.push(mk(`quarantine${i}`, 'bronze', { role: 'sink' }));
      branching.edges.push({ from: `ingest${i}`, to: `quarantine${i}` });
    }
    assert.equal(foldParallelChains(branching, none, notSynthetic).folds.size, 0);
    // Eleven CSV sources read by one step (a real loader): eleven nodes, drawn as they are.
    const sources: PipelineGraph = {
      architecture: 'medallion',
      layers: ['bronze'],
      nodes: [...Array.from({ length: 11 }, (_, k) => mk(`csv${k}`, null, { role: 'source', format: 'csv' })), mk('load', 'bronze', { kind: 'step' })],
      edges: Array.from({ length: 11 }, (_, k) => ({ from: `csv${k}`, to: 'load' })),
    };
    assert.equal(foldParallelChains(sources, none, notSynthetic).folds.size, 0);
    // Twenty of them fold.
    const many: PipelineGraph = {
      ...sources,
      nodes: [
        ...Array.from({ length: 20 }, (_, k) => mk(`csv${k}`, null, { label: `exports/extract_${k}.csv`, role: 'source', format: 'csv' })),
        mk('load', 'bronze', { kind: 'step' }),
      ],
      edges: Array.from({ length: 20 }, (_, k) => ({ from: `csv${k}`, to: 'load' })),
    };
    const folded = foldParallelChains(many, none, notSynthetic);
    assert.equal(folded.graph.nodes.find((n) => n.id.startsWith(foldId('')))?.label, '20 × exports/extract_*.csv');
  });

  it('folds the connected medallion lane by lane, and leaves the other generated projects untouched', async () => {
    const medallion = await projectGraph(medallionProject(100));
    const { graph, folds } = foldParallelChains(medallion, none, notSynthetic);
    assert.deepEqual(
      graph.nodes.map((n) => n.label),
      ['100 × landing/feed_* → bronze/feed_*', '67 × conform_* → silver/entity_*', '34 × report_* → gold/report_*'],
    );
    assert.equal(graph.edges.length, 2);
    assert.equal(
      [...folds.values()].reduce((s, f) => s + f.hidden.length, 0),
      medallion.nodes.length,
    );
    for (const files of [generatedProject(300, { stepPerDataset: true }), generatedProject(60), chainProject(300), chainProject(30, true), wideRankProject()]) {
      const g = await projectGraph(files);
      assert.equal(foldParallelChains(g, none, notSynthetic).graph, g, 'nothing folded: the same graph');
    }
  });
});
