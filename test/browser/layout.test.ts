/**
 * Lane-aware layout invariants on many generated graphs (Node only, no browser): bands in
 * layer order never overlap, every node lies inside its band, every valid edge is routed.
 */
import assert from 'node:assert/strict';
import type { GraphNode, PipelineGraph } from '../../shared/protocol';
import { layoutView, layoutViewStream, pipelineGroups } from '../../webview/src/frames';
import { fitName, laneOrder, layoutGraph, stackedWidthAtLeast, type GraphLayout } from '../../webview/src/layout';
import { chainProject, generatedProject, medallionProject, mkNode, projectGraph, wideRankProject } from './generatedProject';

const measure = (text: string) => text.length * 7;

function mulberry32(seed: number): () => number {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function randomGraph(seed: number): PipelineGraph {
  const rnd = mulberry32(seed);
  const pick = <T>(items: T[]): T => items[Math.floor(rnd() * items.length)];
  const layers = ['bronze', 'silver', 'gold', 'platinum'].slice(0, Math.floor(rnd() * 5));
  const layerChoices: (string | null)[] = [...layers, null, 'undeclared'];
  const nodes: GraphNode[] = [];
  const count = 1 + Math.floor(rnd() * 24);
  for (let i = 0; i < count; i++) {
    nodes.push(
      mkNode(`n${i}`, pick(layerChoices), {
        kind: rnd() < 0.3 ? 'step' : 'dataset',
        label: 'x'.repeat(1 + Math.floor(rnd() * 60)),
        findings: rnd() < 0.2 ? [{ code: 'PSA101', message: 'm', severity: 'warning' }] : [],
      }),
    );
  }
  const edges = [];
  const edgeCount = Math.floor(rnd() * count * 2);
  for (let i = 0; i < edgeCount; i++) {
    // Mostly real nodes, sometimes a dangling id; self loops, duplicates and cycles included.
    edges.push({ from: rnd() < 0.05 ? 'ghost' : pick(nodes).id, to: pick(nodes).id });
  }
  return { architecture: 'medallion', layers, nodes, edges };
}

function assertBandsHold(graph: PipelineGraph, layout: GraphLayout, what: string): void {
  const { names } = laneOrder(graph);
  assert.deepEqual(
    layout.lanes.map((l) => l.name),
    names,
    `${what}: lane order`,
  );
  const declared = graph.layers.filter((l, i) => graph.layers.indexOf(l) === i);
  assert.deepEqual(
    layout.lanes
      .map((l) => l.name)
      .filter((n) => n !== null)
      .slice(0, declared.length),
    declared,
    `${what}: declared layers first, in order`,
  );
  for (let i = 1; i < layout.lanes.length; i++) {
    const a = layout.lanes[i - 1];
    const b = layout.lanes[i];
    assert.ok(a.x + a.width <= b.x + 1e-6, `${what}: band ${i - 1} overlaps band ${i}`);
    assert.ok(b.width > 0, `${what}: band ${i} is empty`);
  }
  for (const box of layout.nodes) {
    const lane = layout.lanes[box.laneIndex];
    const expected = names.indexOf(box.node.layer);
    assert.equal(box.laneIndex, expected === -1 ? names.indexOf(null) : expected, `${what}: ${box.node.id} lane`);
    assert.ok(box.x >= lane.x && box.x + box.width <= lane.x + lane.width, `${what}: ${box.node.id} leaves its band horizontally`);
    assert.ok(box.y >= lane.y && box.y + box.height <= lane.y + lane.height, `${what}: ${box.node.id} leaves its band vertically`);
  }
  const ids = new Set(graph.nodes.map((n) => n.id));
  const valid = new Set(graph.edges.filter((e) => e.from !== e.to && ids.has(e.from) && ids.has(e.to)).map((e) => `${e.from}>${e.to}`));
  assert.deepEqual(new Set(layout.edges.map((e) => `${e.edge.from}>${e.edge.to}`)), valid, `${what}: routed edges`);
  const boxes = new Map(layout.nodes.map((b) => [b.node.id, b]));
  for (const route of layout.edges) {
    assert.ok(route.points.length >= 2 && route.points.every((p) => Number.isFinite(p.x) && Number.isFinite(p.y)), `${what}: edge points`);
    const near = (id: string, p: { x: number; y: number }) => {
      const b = boxes.get(id)!;
      return p.x >= b.x - 1 && p.x <= b.x + b.width + 1 && p.y >= b.y - 1 && p.y <= b.y + b.height + 1;
    };
    assert.ok(near(route.edge.from, route.points[0]), `${what}: ${route.edge.from}>${route.edge.to} starts at its source`);
    assert.ok(near(route.edge.to, route.points[route.points.length - 1]), `${what}: ${route.edge.from}>${route.edge.to} ends at its target`);
  }
}

describe('preview layout', () => {
  it('keeps lanes ordered, separate and holding their nodes on 120 generated graphs', function () {
    this.timeout(30000);
    for (let seed = 1; seed <= 120; seed++) {
      const graph = randomGraph(seed);
      assertBandsHold(graph, layoutGraph(graph, measure), `seed ${seed}`);
    }
  });

  it('puts forward edges left to right and marks edges against lane order as backward', () => {
    const graph: PipelineGraph = {
      architecture: 'medallion',
      layers: ['bronze', 'silver', 'gold'],
      nodes: [mkNode('b', 'bronze'), mkNode('s', 'silver'), mkNode('g', 'gold')],
      edges: [
        { from: 'b', to: 's' },
        { from: 's', to: 'g' },
        { from: 'g', to: 'b' },
      ],
    };
    const layout = layoutGraph(graph, measure);
    const byEdge = new Map(layout.edges.map((e) => [`${e.edge.from}>${e.edge.to}`, e]));
    assert.equal(byEdge.get('b>s')!.backward, false);
    assert.equal(byEdge.get('g>b')!.backward, true);
    const forward = byEdge.get('b>s')!.points;
    assert.ok(forward[0].x < forward[forward.length - 1].x);
    const back = byEdge.get('g>b')!.points;
    assert.ok(back[0].x > back[back.length - 1].x, 'a backward edge still runs from its source to its target');
  });

  it('places the unlayered band where fewer edges run backwards', () => {
    const feeding: PipelineGraph = {
      architecture: 'medallion',
      layers: ['bronze', 'silver'],
      nodes: [mkNode('topic', null), mkNode('b', 'bronze'), mkNode('s', 'silver')],
      edges: [
        { from: 'topic', to: 'b' },
        { from: 'b', to: 's' },
      ],
    };
    assert.deepEqual(laneOrder(feeding).names, [null, 'bronze', 'silver']);
    const consuming: PipelineGraph = {
      ...feeding,
      edges: [
        { from: 'b', to: 's' },
        { from: 's', to: 'topic' },
      ],
    };
    assert.deepEqual(laneOrder(consuming).names, ['bronze', 'silver', null]);
    const noUnlayered: PipelineGraph = { ...feeding, nodes: feeding.nodes.slice(1), edges: [] };
    assert.deepEqual(laneOrder(noUnlayered).names, ['bronze', 'silver']);
  });

  it('keeps a band for a declared layer without nodes and shortens labels that are too long', () => {
    const graph: PipelineGraph = {
      architecture: 'lambda',
      layers: ['batch', 'speed', 'serving'],
      nodes: [mkNode('a', 'batch', { label: 'a'.repeat(200) }), mkNode('c', 'serving')],
      edges: [{ from: 'a', to: 'c' }],
    };
    const layout = layoutGraph(graph, measure);
    assert.deepEqual(
      layout.lanes.map((l) => [l.name, l.nodeCount]),
      [
        ['batch', 1],
        ['speed', 0],
        ['serving', 1],
      ],
    );
    assert.ok(layout.lanes[1].width >= 100);
    const a = layout.nodes.find((n) => n.node.id === 'a')!;
    assert.ok(a.label.endsWith('…') && measure(a.label) <= a.width, 'label fits its node');
    assert.equal(a.node.label.length, 200, 'the node keeps its full label for the details card');
  });

  /** Several independent pipelines, each a few chains joined at the end, some nodes without a pipeline. */
  function manyPipelines(seed: number): PipelineGraph {
    const rnd = mulberry32(seed);
    const nodes: GraphNode[] = [];
    const edges: { from: string; to: string }[] = [];
    const pipelines = [];
    const count = 2 + Math.floor(rnd() * 14);
    for (let p = 0; p < count; p++) {
      const lambda = rnd() < 0.3;
      const layers = lambda ? ['batch', 'speed', 'serving'] : ['bronze', 'silver', 'gold'];
      pipelines.push({ id: `p${p}`, name: `job_${p}.py${rnd() < 0.3 ? ' + 2 more' : ''}`, architecture: lambda ? 'lambda' : 'medallion', layers } as const);
      const chains = 1 + Math.floor(rnd() * 3);
      for (let c = 0; c < chains; c++) {
        let prev: string | null = null;
        for (const [i, layer] of layers.entries()) {
          const id = `p${p}c${c}n${i}`;
          nodes.push(mkNode(id, layer, { pipeline: `p${p}`, label: `${layer}/table_${p}_${c}`, kind: i % 2 ? 'step' : 'dataset' }));
          if (prev) edges.push({ from: prev, to: id });
          prev = id;
        }
        if (c > 0) edges.push({ from: `p${p}c${c - 1}n1`, to: `p${p}c${c}n2` });
      }
    }
    // A stray node from an older server: no pipeline, its own frame.
    if (rnd() < 0.5) nodes.push(mkNode('loose', null, { label: 'loose' }));
    return { architecture: 'medallion', layers: ['bronze', 'silver', 'gold', 'batch', 'speed', 'serving'], nodes, edges, pipelines: [...pipelines] };
  }

  it('frames each pipeline: frames packed into the panel width, never overlapping, holding their lanes, nodes and edges', () => {
    for (let seed = 1; seed <= 40; seed++) {
      const graph = manyPipelines(seed);
      for (const [width, narrow] of [
        [432, true],
        [1352, false],
      ] as const) {
        const what = `seed ${seed} at ${width}`;
        const layout = layoutView(graph, measure, { panel: { width, height: 900 }, narrow });
        const frames = layout.frames ?? [];
        assert.equal(frames.length, pipelineGroups(graph).length, `${what}: one frame per pipeline`);
        assert.deepEqual(
          frames.filter((f) => f.pipeline).map((f) => f.pipeline!.id),
          (graph.pipelines ?? []).map((p) => p.id),
          `${what}: frames in the server's order`,
        );
        for (let i = 0; i < frames.length; i++) {
          const a = frames[i];
          for (let j = i + 1; j < frames.length; j++) {
            const b = frames[j];
            assert.ok(a.x + a.width <= b.x || b.x + b.width <= a.x || a.y + a.height <= b.y || b.y + b.height <= a.y, `${what}: frames ${i} and ${j} overlap`);
          }
          const rowMates = frames.filter((f) => f !== a && f.y === a.y);
          if (rowMates.length > 0)
            assert.ok(Math.max(a.x + a.width, ...rowMates.map((f) => f.x + f.width)) <= width, `${what}: row of frame ${i} is wider than the panel`);
        }
        const within = (r: { x: number; y: number; width: number; height: number }, f: { x: number; y: number; width: number; height: number }) =>
          r.x >= f.x - 1e-6 && r.y >= f.y - 1e-6 && r.x + r.width <= f.x + f.width + 1e-6 && r.y + r.height <= f.y + f.height + 1e-6;
        for (const lane of layout.lanes) assert.ok(within(lane, frames[lane.frame!]), `${what}: lane ${lane.name} inside frame ${lane.frame}`);
        for (const box of layout.nodes) {
          const f = frames[box.frame!];
          assert.ok(within(box, f), `${what}: ${box.node.id} inside its frame`);
          assert.equal(f.pipeline?.id, box.node.pipeline, `${what}: ${box.node.id} in its pipeline's frame`);
          const lane = layout.lanes.find((l) => l.frame === box.frame && l.name === box.node.layer)!;
          assert.ok(within(box, lane), `${what}: ${box.node.id} inside its ${box.node.layer} band`);
        }
        assert.equal(layout.edges.length, graph.edges.length, `${what}: every edge routed`);
        const frameOf = new Map(layout.nodes.map((b) => [b.node.id, frames[b.frame!]]));
        for (const e of layout.edges)
          for (const p of e.points) assert.ok(within({ ...p, width: 0, height: 0 }, frameOf.get(e.edge.from)!), `${what}: edge inside its frame`);
        // Beside the editor a pipeline's parallel chains are stacked along the flow: every frame fits across.
        if (narrow) for (const f of frames) assert.ok(f.width <= width, `${what}: frame ${f.pipeline?.name} is ${f.width} px wide`);
        if (narrow)
          assert.ok(
            layout.lanes.every((l, i, all) => i === 0 || all[i - 1].frame !== l.frame || all[i - 1].y + all[i - 1].height <= l.y + 1e-6),
            `${what}: stacked lanes`,
          );
      }
    }
  });

  it('lays out the view a frame at a time: each frame in its final place, and the whole as layoutView', () => {
    let partial = 0;
    for (let seed = 1; seed <= 20; seed++) {
      const graph = manyPipelines(seed);
      for (const [panel, narrow] of [
        [{ width: 432, height: 900 }, true],
        [{ width: 1352, height: 900 }, false],
        [undefined, false],
      ] as const) {
        const what = `seed ${seed} at ${panel?.width ?? 'no panel'}`;
        const whole = layoutView(graph, measure, { panel, narrow });
        const stream = layoutViewStream(graph, measure, { panel, narrow });
        const seen: string[] = [];
        // What each step holds stays as it is: later frames are packed after it, never move it.
        for (;;) {
          const l = stream.layout;
          seen.push(JSON.stringify([l.frames, l.lanes, l.nodes, l.edges]));
          if (!stream.next()) break;
        }
        assert.ok(stream.done, `${what}: done`);
        assert.deepEqual(stream.layout, whole, `${what}: the same layout as at once`);
        if (seen.length > 2) partial++;
        seen.forEach((_, i) => {
          const [frames, lanes, nodes, edges] = JSON.parse(seen[i]) as [unknown[], unknown[], unknown[], unknown[]];
          const final = stream.layout;
          assert.deepEqual(
            JSON.parse(
              JSON.stringify([
                final.frames!.slice(0, frames.length),
                final.lanes.slice(0, lanes.length),
                final.nodes.slice(0, nodes.length),
                final.edges.slice(0, edges.length),
              ]),
            ),
            [frames, lanes, nodes, edges],
            `${what}: step ${i} unchanged at the end`,
          );
        });
      }
    }
    assert.ok(partial >= 20, `${partial} views laid out in several steps`);
  });

  it('skips only work that cannot change the drawing: the same layouts as running every candidate and dagre in full', async function () {
    this.timeout(240000);
    const graphs: [string, PipelineGraph][] = [
      ['chain of 40 steps', await projectGraph(chainProject(40))],
      ['chain of 30 files', await projectGraph(chainProject(30, true))],
      ['medallion of 20 feeds', await projectGraph(medallionProject(20))],
      ['a wide rank', await projectGraph(wideRankProject())],
      ['60 mixed datasets', await projectGraph(generatedProject(60, { stepPerDataset: true }))],
    ];
    for (let seed = 1; seed <= 10; seed++) graphs.push([`pipelines seed ${seed}`, manyPipelines(seed)]);
    for (let seed = 1; seed <= 40; seed++) graphs.push([`random seed ${seed}`, randomGraph(seed)]);
    // The shortcuts do apply here: a chain stacked beside the editor has one node per rank, and
    // the medallion's feeds make a rank wider than the panel that stacked chains avoid.
    const medallion = graphs[2][1];
    assert.ok(stackedWidthAtLeast(medallion, measure, { direction: 'TB' }) > 432, 'the medallion has a rank wider than the panel');
    const chain = layoutGraph(graphs[0][1], measure, { direction: 'TB' });
    assert.equal(new Set(chain.nodes.map((b) => b.y)).size, chain.nodes.length, 'the chain has one node per rank');
    for (const [what, graph] of graphs) {
      for (const [panel, narrow] of [
        [{ width: 432, height: 900 }, true],
        [{ width: 720, height: 600 }, true],
        [{ width: 1352, height: 900 }, false],
        [undefined, false],
      ] as const) {
        const quick = layoutView(graph, measure, { panel, narrow });
        const full = layoutView(graph, measure, { panel, narrow, exact: true });
        assert.deepEqual(quick, full, `${what} at ${panel?.width ?? 'no panel'}`);
      }
    }
  });

  it('shortens dotted and slashed names in the middle, keeping their identifying end; other names at the end', () => {
    const m = (t: string) => t.length * 7;
    const cases: [string, number, string][] = [
      ['catalog.schema.orders_daily', 120, 'cata…orders_daily'],
      ['s3://lake/silver/events_1', 120, 's3://lak…events_1'],
      ['data/clickstream.csv', 126, 'da…clickstream.csv'],
      ['{catalog}.{wh_db}_{scale_factor}.bronzeaccount', 150, '{catalo…bronzeaccount'],
      ['warehouse.public.a_very_long_table_name_indeed', 100, '…e_name_indeed'],
      ['etl_job.py (top level)', 100, 'etl_job.py (t…'],
      ['x'.repeat(40), 100, `${'x'.repeat(13)}…`],
      ['short.name', 100, 'short.name'],
    ];
    for (const [text, width, expected] of cases) {
      const fitted = fitName(text, width, 'label', m);
      assert.equal(fitted, expected, text);
      assert.ok(m(fitted) <= width, `${fitted} fits ${width} px`);
    }
  });

  it('merges pipelines an edge joins, and groups nodes without a pipeline by connection', () => {
    const graph: PipelineGraph = {
      architecture: 'medallion',
      layers: ['bronze'],
      nodes: [mkNode('a', 'bronze', { pipeline: 'p1' }), mkNode('b', 'bronze', { pipeline: 'p2' }), mkNode('c', null), mkNode('d', null), mkNode('e', null)],
      edges: [
        { from: 'a', to: 'b' },
        { from: 'c', to: 'd' },
      ],
      pipelines: [
        { id: 'p2', name: 'two.py', architecture: 'medallion', layers: ['bronze'] },
        { id: 'p1', name: 'one.py', architecture: 'medallion', layers: ['bronze'] },
      ],
    };
    const groups = pipelineGroups(graph);
    assert.deepEqual(
      groups.map((g) => [g.pipeline?.name ?? null, g.nodes.map((n) => n.id)]),
      [
        ['two.py', ['a', 'b']],
        [null, ['c', 'd']],
        [null, ['e']],
      ],
    );
    // One unnamed pipeline is drawn without a frame, as before pipelines were named.
    const single = layoutView({ ...graph, nodes: graph.nodes.slice(2, 4), edges: [graph.edges[1]], pipelines: [] }, measure, { narrow: false });
    assert.equal(single.frames, undefined);
  });
});
