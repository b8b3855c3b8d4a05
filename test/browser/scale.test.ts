/**
 * The preview on generated projects of 10, 60 and 300 datasets (medallion and lambda pipelines
 * mixed), in a panel beside the editor (480 px) and a wide one (1400 px): text readable at first
 * open, the current file framed, every node in the lane of its own pipeline's architecture.
 */
import assert from 'node:assert/strict';
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import type { Browser, Page } from 'playwright-core';
import type { PipelineGraph } from '../../shared/protocol';
import { ROOT } from '../unit/graphTestHelpers';
import { expectedLayer, generatedProject, projectGraph, type GeneratedFile } from './generatedProject';
import { launchChromium, openPreview, startServer, viewportTransform, type OpenedPreview, type PreviewServer } from './harness';

const MIN_TEXT_PX = 11;

async function sendScoped(page: Page, graph: PipelineGraph, title: string, scope?: string): Promise<void> {
  await page.evaluate(({ graph, title, scope }) => window.postMessage({ type: 'graph', graph, title, scope }, '*'), { graph, title, scope });
  // A file's view of a larger graph draws its neighbourhood and stubs for the rest, not every node.
  await page.waitForFunction((t) => document.getElementById('title')!.textContent === t && document.querySelectorAll('#viewport .node').length > 0, title);
}

interface Rect {
  left: number;
  right: number;
  top: number;
  bottom: number;
}

/** What is on screen: the stage, each lane band, each node's box, and each text's rendered size. */
async function snapshot(page: Page) {
  return page.evaluate(() => {
    const r = (el: Element) => {
      const b = el.getBoundingClientRect();
      return { left: b.left, right: b.right, top: b.top, bottom: b.bottom };
    };
    const scale = Number(/scale\(([\d.]+)/.exec(document.getElementById('viewport')!.getAttribute('transform') ?? '')?.[1]);
    const textPx = Array.from(document.querySelectorAll('#viewport .node__label, #viewport .node__meta, #viewport .lane__title')).map(
      (el) => parseFloat(getComputedStyle(el).fontSize) * scale,
    );
    return {
      stage: r(document.getElementById('graph')!),
      lanes: Array.from(document.querySelectorAll('#viewport .lane')).map((el) => ({
        name: el.getAttribute('data-lane') ?? '',
        ...r(el.querySelector('.lane__band')!),
      })),
      nodes: Array.from(document.querySelectorAll('#viewport .node')).map((el) => ({
        id: el.getAttribute('data-node-id')!,
        ...r(el.querySelector('.node__box')!),
      })),
      minTextPx: Math.min(...textPx),
      summary: document.getElementById('summary')!.textContent ?? '',
    };
  });
}

const inside = (b: Rect, outer: Rect) =>
  b.left >= outer.left - 0.5 && b.right <= outer.right + 0.5 && b.top >= outer.top - 0.5 && b.bottom <= outer.bottom + 0.5;

describe('architecture preview at scale (Chromium, generated projects)', function () {
  this.timeout(120000);
  let browser: Browser;
  let server: PreviewServer;
  const projects = new Map<number, { files: GeneratedFile[]; graph: PipelineGraph }>();
  const opened: OpenedPreview[] = [];

  before(async () => {
    browser = await launchChromium();
    server = await startServer();
    for (const size of [10, 60, 300]) {
      const files = generatedProject(size);
      projects.set(size, { files, graph: await projectGraph(files) });
    }
  });
  after(async () => {
    await browser?.close();
    await server?.close();
  });
  afterEach(async () => {
    for (const o of opened.splice(0)) await o.context.close();
  });

  async function open(width: number, theme: 'dark' | 'light' = 'dark'): Promise<OpenedPreview> {
    // About the height an editor group has on a 1080p screen.
    const o = await openPreview(browser, server, { width, height: 960, theme });
    opened.push(o);
    return o;
  }

  for (const size of [10, 60, 300]) {
    for (const width of [480, 1400]) {
      it(`workspace of ${size} datasets at ${width} px: readable, lanes ${width < 800 ? 'stacked, flow down' : 'side by side'}, every node in its pipeline's lane`, async () => {
        const { graph } = projects.get(size)!;
        const datasets = graph.nodes.filter((n) => n.kind === 'dataset').length;
        assert.ok(datasets >= size && datasets < size + 4, `${datasets} datasets generated`);
        for (const n of graph.nodes) assert.equal(n.layer, expectedLayer(n.label), `${n.label} inferred layer`);

        const o = await open(width);
        await sendScoped(o.page, graph, 'Workspace');
        const s = await snapshot(o.page);
        assert.ok(s.minTextPx >= MIN_TEXT_PX, `smallest text ${s.minTextPx.toFixed(1)} px`);
        const lanes = new Map(s.lanes.map((l) => [l.name, l]));
        assert.deepEqual(
          [...lanes.keys()].sort(),
          (size >= 60 ? ['batch', 'bronze', 'gold', 'serving', 'silver', 'speed'] : ['bronze', 'gold', 'silver']).sort(),
        );
        const order = s.lanes;
        // A wide panel puts lanes side by side, unless stacking them shows the whole graph at 100%.
        const stacked = width < 800 || (order[0].bottom <= order[1].top + 0.5 && s.nodes.every((n) => inside(n, s.stage)));
        if (width >= 800) assert.equal(stacked, size === 10, 'only the small graph is stacked in a wide panel');
        for (let i = 1; i < order.length; i++) {
          if (stacked) assert.ok(order[i - 1].bottom <= order[i].top + 0.5, `${order[i - 1].name} above ${order[i].name}`);
          else assert.ok(order[i - 1].right <= order[i].left + 0.5, `${order[i - 1].name} left of ${order[i].name}`);
        }
        const layerOf = new Map(graph.nodes.map((n) => [n.id, n.layer!]));
        for (const n of s.nodes) assert.ok(inside(n, lanes.get(layerOf.get(n.id)!)!), `${n.id} inside its ${layerOf.get(n.id)} band`);
        // Opened at the start of the flow: its first node is on screen, not a blank corner.
        const first = s.nodes.reduce((a, b) => (b.left + b.top < a.left + a.top ? b : a));
        assert.ok(inside(first, s.stage), `the first node ${first.id} is in view`);
        const topLane = s.lanes[0];
        assert.ok(topLane.top >= s.stage.top - 0.5 && topLane.left >= s.stage.left - 0.5, "the first lane's corner and title are in view");
        if (size >= 60) {
          assert.match(s.summary, /medallion/);
          assert.match(s.summary, /lambda/);
        }
        if (size === 60) {
          const dir = path.join(ROOT, 'docs/images');
          mkdirSync(dir, { recursive: true });
          writeFileSync(path.join(dir, `preview-workspace-${width}.png`), await o.page.screenshot({ type: 'png' }));
        }
      });

      it(`a file of the ${size}-dataset project at ${width} px opens framed on that file, readable`, async () => {
        const { files } = projects.get(size)!;
        const file = files[Math.floor(files.length / 2)];
        const graph = await projectGraph([file]);
        const uri = pathToFileURL(path.resolve(ROOT, file.name)).href;
        const o = await open(width, 'light');
        await sendScoped(o.page, graph, path.basename(file.name), uri);
        const s = await snapshot(o.page);
        assert.ok(s.minTextPx >= MIN_TEXT_PX, `smallest text ${s.minTextPx.toFixed(1)} px`);
        for (const n of s.nodes) assert.ok(inside(n, s.stage), `${n.id} in view`);
        if (size === 60) writeFileSync(path.join(ROOT, 'docs/images', `preview-file-${width}.png`), await o.page.screenshot({ type: 'png' }));
      });
    }
  }

  it('frames the current file inside a larger graph, and never carries zoom and pan to the next file', async () => {
    const { graph, files } = projects.get(60)!;
    const uriOf = (f: GeneratedFile) => pathToFileURL(path.resolve(ROOT, f.name)).href;
    const a = files[4];
    const b = files[9];
    const o = await open(1400);
    await sendScoped(o.page, graph, 'a', uriOf(a));
    const first = await snapshot(o.page);
    const mine = first.nodes.filter((n) => graph.nodes.find((g) => g.id === n.id)?.uri === uriOf(a));
    assert.ok(mine.length > 0 && mine.some((n) => inside(n, first.stage)), 'the current file is on screen');
    await o.page.click('#zoom-out');
    await o.page.click('#zoom-out');
    const zoomedA = await viewportTransform(o.page);

    await sendScoped(o.page, graph, 'b', uriOf(b));
    const atB = await viewportTransform(o.page);
    assert.notEqual(atB, zoomedA, "b does not open at a's zoom");
    assert.match(atB ?? '', /scale\(1\)/, 'b opens at 100%');
    const s = await snapshot(o.page);
    assert.ok(
      s.nodes.some((n) => graph.nodes.find((g) => g.id === n.id)?.uri === uriOf(b) && inside(n, s.stage)),
      'b is framed',
    );

    await sendScoped(o.page, graph, 'a', uriOf(a));
    assert.equal(await viewportTransform(o.page), zoomedA, 'coming back to a restores its view');
  });
});
