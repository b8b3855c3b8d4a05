/**
 * The preview on generated projects of 10, 60 and 300 datasets (many independent medallion and
 * lambda pipelines), in a panel beside the editor (480 px) and a wide one (1400 px): one frame per
 * pipeline, frames packed to the panel's width and never overlapping, text readable at first open,
 * the current file (or the first pipeline) in view, every node in the lane of its own pipeline.
 */
import assert from 'node:assert/strict';
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import type { Browser, Page } from 'playwright-core';
import type { PipelineGraph } from '../../shared/protocol';
import { ROOT } from '../unit/graphTestHelpers';
import { chainProject, expectedLayer, generatedProject, medallionProject, projectGraph, wideRankProject, type GeneratedFile } from './generatedProject';
import { launchChromium, openPreview, sendScoped, startServer, viewportTransform, waitForPosted, type OpenedPreview, type PreviewServer } from './harness';

const MIN_TEXT_PX = 11;

interface Rect {
  left: number;
  right: number;
  top: number;
  bottom: number;
}

/** What is on screen: the stage, each frame, each lane band, each node's box, and each text's rendered size. */
async function snapshot(page: Page) {
  return page.evaluate(() => {
    const r = (el: Element) => {
      const b = el.getBoundingClientRect();
      return { left: b.left, right: b.right, top: b.top, bottom: b.bottom };
    };
    const scale = Number(/scale\(([\d.]+)/.exec(document.getElementById('viewport')!.getAttribute('data-view') ?? '')?.[1]);
    const textPx = Array.from(
      document.querySelectorAll('#viewport .node__label, #viewport .node__meta, #viewport .lane__title, #viewport .frame__name, #viewport .frame__arch'),
    ).map((el) => parseFloat(getComputedStyle(el).fontSize) * scale);
    return {
      // The panel the graph is seen through: the svg itself moves with the pan.
      stage: r(document.getElementById('stage')!),
      frames: Array.from(document.querySelectorAll('#viewport .frame')).map((el) => ({
        index: el.getAttribute('data-frame')!,
        pipeline: el.querySelector('.frame__header')!.getAttribute('data-frame-toggle') ?? '',
        header: r(el.querySelector('.frame__title')!),
        ...r(el.querySelector('.frame__box')!),
      })),
      lanes: Array.from(document.querySelectorAll('#viewport .lane')).map((el) => ({
        name: el.getAttribute('data-lane') ?? '',
        frame: el.getAttribute('data-frame'),
        ...r(el.querySelector('.lane__band')!),
      })),
      nodes: Array.from(document.querySelectorAll('#viewport .node')).map((el) => ({
        id: el.getAttribute('data-node-id')!,
        frame: el.getAttribute('data-frame'),
        ...r(el.querySelector('.node__box')!),
      })),
      labels: Array.from(document.querySelectorAll('#viewport .node')).map(
        (el) => [el.getAttribute('data-node-id')!, el.querySelector('.node__label')!.textContent ?? ''] as [string, string],
      ),
      minTextPx: Math.min(...textPx),
      summary: document.getElementById('summary')!.textContent ?? '',
    };
  });
}
type Snapshot = Awaited<ReturnType<typeof snapshot>>;

const inside = (b: Rect, outer: Rect) =>
  b.left >= outer.left - 0.5 && b.right <= outer.right + 0.5 && b.top >= outer.top - 0.5 && b.bottom <= outer.bottom + 0.5;
const apart = (a: Rect, b: Rect) => a.right <= b.left + 0.5 || b.right <= a.left + 0.5 || a.bottom <= b.top + 0.5 || b.bottom <= a.top + 0.5;

const LANES: Record<string, string[]> = { medallion: ['bronze', 'silver', 'gold'], lambda: ['batch', 'speed', 'serving'] };

/**
 * Every pipeline in its own frame; frames never overlap; every node inside its frame and inside the
 * band of its layer in that frame; each frame's bands are its own architecture's, in order, stacked
 * (flow down) or side by side (flow right).
 */
function assertFramedLanes(graph: PipelineGraph, s: Snapshot, stackedExpected: boolean | null): void {
  const pipelines = new Map((graph.pipelines ?? []).map((p) => [p.name, p]));
  const byNode = new Map(graph.nodes.map((n) => [n.id, n]));
  for (let i = 0; i < s.frames.length; i++)
    for (let j = i + 1; j < s.frames.length; j++) assert.ok(apart(s.frames[i], s.frames[j]), `frames ${i} and ${j} overlap`);
  for (const f of s.frames) {
    const p = pipelines.get(f.pipeline);
    assert.ok(p, `frame ${f.index} names a pipeline of the graph (${f.pipeline})`);
    assert.ok(inside(f.header, f), `frame ${f.index}'s name is inside it`);
    const bands = s.lanes.filter((l) => l.frame === f.index);
    assert.deepEqual(
      bands.map((b) => b.name),
      LANES[p.architecture],
      `${p.name} (${p.architecture}) has its own lanes, in order`,
    );
    for (const b of bands) assert.ok(inside(b, f), `${p.name}: the ${b.name} band is inside its frame`);
    const stacked = bands.every((b, i) => i === 0 || bands[i - 1].bottom <= b.top + 0.5);
    const sideBySide = bands.every((b, i) => i === 0 || bands[i - 1].right <= b.left + 0.5);
    assert.ok(stacked || sideBySide, `${p.name}: bands stacked or side by side, never overlapping`);
    if (stackedExpected !== null) assert.equal(stacked, stackedExpected, `${p.name}: lanes ${stackedExpected ? 'stacked' : 'side by side'}`);
  }
  for (const n of s.nodes) {
    const g = byNode.get(n.id);
    if (!g) continue; // a stub or a summary node
    const f = s.frames.find((x) => x.index === n.frame);
    assert.ok(f, `${g.label} is in a frame`);
    assert.equal(pipelines.get(f.pipeline)?.id, g.pipeline, `${g.label} is in its own pipeline's frame`);
    assert.equal(g.layer, expectedLayer(g.label), `${g.label} inferred layer`);
    const band = s.lanes.find((l) => l.frame === n.frame && l.name === g.layer);
    assert.ok(band && inside(n, band), `${g.label} inside the ${g.layer} band of its frame`);
  }
}

/** The group node of a lane's folded chains (its id starts with focus.ts's synthetic prefix, then `fold:`). */
const FOLD_SELECTOR = '#viewport .node--fold';

/** Posts `graph` as the workspace, opens the bronze lane's group with the keyboard; the number of nodes then drawn. */
async function openBronzeGroup(page: Page, graph: PipelineGraph): Promise<number> {
  await sendScoped(page, graph, 'Workspace');
  const bronze = page.locator(`${FOLD_SELECTOR}[aria-label^="100 alike"]`);
  await bronze.focus();
  await page.keyboard.press('Enter');
  await page.waitForFunction(
    () => !document.querySelector('#viewport .node--fold[aria-label^="100 alike"]') && !document.getElementById('graph')!.hasAttribute('aria-busy'),
  );
  return page.locator('#viewport .node').count();
}

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
      it(`workspace of ${size} datasets at ${width} px: one frame per pipeline packed into the panel's width, readable, every node in its pipeline's lane`, async () => {
        const { graph } = projects.get(size)!;
        const datasets = graph.nodes.filter((n) => n.kind === 'dataset').length;
        assert.ok(datasets >= size && datasets < size + 4, `${datasets} datasets generated`);
        const pipelines = graph.pipelines ?? [];
        const archs = new Set(pipelines.map((p) => p.architecture));
        if (size >= 60) assert.deepEqual([...archs].sort(), ['lambda', 'medallion'], 'many pipelines, medallion and lambda');
        assert.ok(pipelines.length >= Math.floor(size / 8), `${pipelines.length} independent pipelines`);

        const o = await open(width);
        await sendScoped(o.page, graph, 'Workspace');
        const s = await snapshot(o.page);
        assert.ok(s.minTextPx >= MIN_TEXT_PX, `smallest text ${s.minTextPx.toFixed(1)} px`);
        assert.equal(s.frames.length, pipelines.length, 'one frame per pipeline');
        assert.equal(s.nodes.length, graph.nodes.length, 'the workspace draws every node');
        // Beside the editor every pipeline's lanes are stacked; in a wide panel these pipelines are
        // too long for side by side lanes, so they are stacked too and packed several to a row.
        assertFramedLanes(graph, s, true);

        // Packed to the panel's width: nothing but a pipeline wider than the panel by itself
        // reaches past it, so the view never needs a sideways pan to find another pipeline.
        const room = s.stage.right - s.stage.left;
        const wider = s.frames.filter((f) => f.right - f.left > room);
        // Beside the editor even a pipeline of parallel chains fits across: its chains are stacked.
        if (width < 800) assert.deepEqual(wider, [], 'no pipeline is wider than the panel');
        for (const f of s.frames) {
          const rowMates = s.frames.filter((g) => g !== f && g.top < f.bottom && f.top < g.bottom);
          if (rowMates.length > 0) assert.ok(f.right - f.left <= room, `frame ${f.index} shares a row although wider than the panel`);
        }
        if (wider.length === 0)
          for (const f of s.frames) assert.ok(f.left >= s.stage.left - 0.5 && f.right <= s.stage.right + 0.5, `frame ${f.index} is within the panel's width`);
        if (width >= 800 && pipelines.length > 1)
          assert.ok(
            s.frames.some((f) => f !== s.frames[0] && Math.abs(f.top - s.frames[0].top) < 1),
            'a wide panel puts several pipelines in a row',
          );

        // Opened on the first pipeline: its name and its first node are on screen.
        assert.ok(inside(s.frames[0].header, s.stage), "the first pipeline's name is in view");
        const firstFrameNodes = s.nodes.filter((n) => n.frame === s.frames[0].index);
        const first = firstFrameNodes.reduce((a, b) => (b.left + b.top < a.left + a.top ? b : a));
        assert.ok(inside(first, s.stage), `the first node ${first.id} is in view`);
        // Not a corner of a graph: the whole first pipeline when it fits the panel, else a screenful of it.
        const f0 = s.frames[0];
        const fitsStage = f0.right - f0.left <= s.stage.right - s.stage.left && f0.bottom - f0.top <= s.stage.bottom - s.stage.top;
        if (fitsStage) for (const n of firstFrameNodes) assert.ok(inside(n, s.stage), `${n.id} of the first pipeline is in view`);
        const inView = s.nodes.filter((n) => inside(n, s.stage)).length;
        assert.ok(inView >= Math.min(6, s.nodes.length), `${inView} nodes in view`);
        if (size >= 60) {
          assert.match(s.summary, /medallion/);
          assert.match(s.summary, /lambda/);
        }
        // The README's screenshots are rewritten on request only: a test run leaves the tree clean.
        if (process.env.UPDATE_SCREENSHOTS) {
          const dir = path.join(ROOT, 'docs/images');
          mkdirSync(dir, { recursive: true });
          writeFileSync(path.join(dir, `preview-workspace-${size}-${width}.png`), await o.page.screenshot({ type: 'png' }));
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
        assert.equal(s.frames.length, 1, 'one file, one pipeline');
        assert.ok(inside(s.frames[0].header, s.stage), "the pipeline's name is in view");
        assertFramedLanes(graph, s, width < 800 ? true : null);
        if (size === 60 && process.env.UPDATE_SCREENSHOTS)
          writeFileSync(path.join(ROOT, 'docs/images', `preview-file-${width}.png`), await o.page.screenshot({ type: 'png' }));
      });
    }
  }

  it('draws the first screen of the 300-dataset workspace at once and the rest of it in later tasks', async () => {
    const { graph } = projects.get(300)!;
    const o = await open(480);
    // Read in the same task as the preview's own message handler, right after it.
    const first = await o.page.evaluate(
      (graph) =>
        new Promise<{ nodes: number; frames: number; busy: string | null }>((resolve) => {
          window.addEventListener(
            'message',
            () =>
              resolve({
                nodes: document.querySelectorAll('#viewport .node').length,
                frames: document.querySelectorAll('#viewport .frame').length,
                busy: document.getElementById('graph')!.getAttribute('aria-busy'),
              }),
            { once: true },
          );
          window.postMessage({ type: 'graph', graph, title: 'Workspace' }, '*');
        }),
      graph,
    );
    const frames = (graph.pipelines ?? []).length;
    assert.equal(first.busy, 'true', 'the page says it is still drawing');
    assert.ok(first.frames >= 1 && first.frames < frames / 4, `${first.frames} of ${frames} frames drawn at first`);
    await o.page.waitForFunction(() => !document.getElementById('graph')!.hasAttribute('aria-busy'));
    const s = await snapshot(o.page);
    assert.equal(s.frames.length, frames, 'then every frame');
    assert.equal(s.nodes.length, graph.nodes.length, 'and every node');
    assertFramedLanes(graph, s, true);
    assert.ok(inside(s.frames[0].header, s.stage), "the first pipeline's name is in view");
  });

  /** Nothing cut across the panel, text readable, every node in its own lane's band, shortened names keeping their ends. */
  function assertReadableAcross(graph: PipelineGraph, s: Snapshot): void {
    assert.ok(s.minTextPx >= MIN_TEXT_PX, `smallest text ${s.minTextPx.toFixed(1)} px`);
    assert.equal(s.nodes.length, graph.nodes.length, 'every node drawn');
    for (const n of s.nodes) assert.ok(n.left >= s.stage.left - 0.5 && n.right <= s.stage.right + 0.5, `${n.id} is not cut at the panel's sides`);
    for (const f of s.frames) assert.ok(f.right - f.left <= s.stage.right - s.stage.left, 'the frame fits across');
    const byId = new Map(graph.nodes.map((n) => [n.id, n]));
    const labels = new Map(s.labels);
    for (const n of s.nodes) {
      const g = byId.get(n.id)!;
      const band = s.lanes.find((l) => l.frame === n.frame && l.name === (g.layer ?? ''));
      assert.ok(band && inside(n, band), `${g.label} inside the ${g.layer ?? 'unlayered'} band`);
      const shown = labels.get(n.id)!;
      if (shown !== g.label) {
        const [head, tail] = shown.split('…');
        assert.ok(g.label.startsWith(head) && g.label.endsWith(tail), `${shown} is ${g.label} shortened`);
        if (/^\S*[./]\S*$/.test(g.label)) assert.ok(tail.length > 0, `${shown} keeps the end of ${g.label}`);
      }
    }
  }

  for (const [name, files, expandBronze] of [
    ['a chain of 301 datasets', () => chainProject(300), false],
    // Its bronze group opened: 300 bronze nodes beside the silver and gold groups.
    ['a connected medallion of 300 datasets (fan-in, fan-out) with its bronze chains shown', () => medallionProject(100), true],
  ] as const) {
    for (const width of [480, 1400]) {
      it(`${name} at ${width} px: the first screen's nodes drawn at once, the others later, every node in layout (tab) order`, async () => {
        const graph = await projectGraph(files());
        const o = await open(width);
        // The page draws what the folding leaves: with bronze's group open, 300 bronze nodes and the
        // silver and gold groups. The same graph posted again keeps the group open.
        const drawnAtEnd = expandBronze ? await openBronzeGroup(o.page, graph) : graph.nodes.length;
        const first = await o.page.evaluate(
          (graph) =>
            new Promise<{ ids: string[]; busy: string | null; view: string }>((resolve) => {
              window.addEventListener(
                'message',
                () =>
                  resolve({
                    ids: Array.from(document.querySelectorAll('#viewport .node')).map((el) => el.getAttribute('data-node-id')!),
                    busy: document.getElementById('graph')!.getAttribute('aria-busy'),
                    view: document.getElementById('viewport')!.getAttribute('data-view') ?? '',
                  }),
                { once: true },
              );
              window.postMessage({ type: 'graph', graph, title: 'Workspace' }, '*');
            }),
          graph,
        );
        assert.equal(first.busy, 'true', 'the page says it is still drawing');
        assert.ok(first.ids.length > 0 && first.ids.length < drawnAtEnd / 2, `${first.ids.length} of ${drawnAtEnd} nodes drawn at first`);
        await o.page.waitForFunction(() => !document.getElementById('graph')!.hasAttribute('aria-busy'));
        const s = await snapshot(o.page);
        assert.equal(s.nodes.length, drawnAtEnd, 'then every node');
        assert.equal(await o.page.getAttribute('#viewport', 'data-view'), first.view, 'the view did not move');
        const stage = s.stage;
        const visibleAtEnd = s.nodes
          .filter((b) => b.right > stage.left && b.left < stage.right && b.bottom > stage.top && b.top < stage.bottom)
          .map((b) => b.id);
        assert.ok(visibleAtEnd.length > 0, 'nodes in view');
        // The first screen was whole: every node in view was drawn at once.
        assert.deepEqual(
          visibleAtEnd.filter((id) => !first.ids.includes(id)),
          [],
          'no node in view was left for later',
        );
        assert.ok(s.minTextPx >= MIN_TEXT_PX, `text ${s.minTextPx} px`);
        // Document order is the layout's: lane by lane, then along the flow (the order Tab follows).
        const order = await o.page.evaluate(() => Array.from(document.querySelectorAll('#viewport .node')).map((el) => el.getAttribute('data-node-id')!));
        const byId = new Map(s.nodes.map((b) => [b.id, b]));
        const lane = (id: string) => s.lanes.findIndex((l) => inside(byId.get(id)!, l));
        for (let i = 1; i < order.length; i++) {
          const [a, b] = [byId.get(order[i - 1])!, byId.get(order[i])!];
          const [la, lb] = [lane(order[i - 1]), lane(order[i])];
          assert.ok(la <= lb, `${order[i - 1]} before ${order[i]}: lane order`);
          if (la === lb && width < 800)
            assert.ok(a.top < b.top + 0.5 || (Math.abs(a.top - b.top) < 0.5 && a.left <= b.left), `${order[i - 1]} before ${order[i]}: top to bottom`);
          if (la === lb && width >= 800)
            assert.ok(a.left < b.left + 0.5 || (Math.abs(a.left - b.left) < 0.5 && a.top <= b.top), `${order[i - 1]} before ${order[i]}: left to right`);
        }
      });
    }
  }

  for (const width of [480, 1400]) {
    it(`a connected medallion of 300 datasets at ${width} px: each lane's hundred alike chains folded into one group, bronze, silver and gold in the first screen; a group opens with Enter, search and click-to-code reach its members`, async () => {
      const graph = await projectGraph(medallionProject(100));
      const o = await open(width);
      await sendScoped(o.page, graph, 'Workspace');
      const s = await snapshot(o.page);
      const groups = await o.page.$$eval(FOLD_SELECTOR, (els) =>
        els.map((el) => ({
          id: el.getAttribute('data-node-id')!,
          name: el.getAttribute('aria-label')!,
          label: el.querySelector('.node__label')!.textContent!,
        })),
      );
      // One group per lane: 100 feeds landed in bronze (3 nodes each), 67 silver joins, 34 gold aggregates (2 each).
      assert.deepEqual(
        groups.map((g) => g.label),
        ['100 × landing/feed_* → bronze/feed_*', '67 × conform_* → silver/entity_*', '34 × report_* → gold/report_*'],
      );
      assert.match(groups[0].name, /^100 alike chains of 3 nodes folded into one, like landing\/feed_\* → ingest_\* → bronze\/feed_\*: show them$/);
      // The three lanes, each with its node wholly on the first screen, at 100%: no zoom to read them.
      for (const lane of ['bronze', 'silver', 'gold']) {
        const band = s.lanes.find((l) => l.name === lane)!;
        const inBand = s.nodes.filter((n) => inside(n, band));
        assert.equal(inBand.length, 1, `one node in ${lane}`);
        assert.ok(inside(inBand[0], s.stage), `the ${lane} group is in view`);
      }
      assert.ok(s.minTextPx >= MIN_TEXT_PX, `smallest text ${s.minTextPx.toFixed(1)} px`);
      assert.match((await o.page.getAttribute('#viewport', 'data-view')) ?? '', /scale\(1\)/, 'opened at 100%');
      assert.ok(inside(s.frames[0].header, s.stage), "the pipeline's name is in view");
      assert.match(s.summary, /502 in folded groups/);
      if (process.env.UPDATE_SCREENSHOTS)
        writeFileSync(path.join(ROOT, 'docs/images', `preview-medallion-300-${width}.png`), await o.page.screenshot({ type: 'png' }));

      // Enter on the bronze group: its 300 nodes drawn, focus on the first chain's first node, the others still folded.
      const drawn = await openBronzeGroup(o.page, graph);
      assert.equal(drawn, 302, 'the bronze chains and the two other groups');
      const focused = await o.page.evaluate(() => document.activeElement?.getAttribute('data-node-id'));
      assert.equal(graph.nodes.find((n) => n.id === focused)?.label, 'landing/feed_0', 'focus on the first chain');
      assert.equal(await o.page.locator(FOLD_SELECTOR).count(), 2);
      // A member is a node like any other: a click opens its code.
      const member = graph.nodes.find((n) => n.label === 'bronze/feed_7')!;
      const memberEl = o.page.locator(`#viewport .node[data-node-id="${member.id}"]`);
      // Focus brings it into view (the keyboard's way there), then the pointer clicks it.
      await memberEl.focus();
      await memberEl.click();
      const reveal = await waitForPosted(o.page, 'reveal');
      assert.deepEqual(reveal, { type: 'reveal', uri: member.uri, range: member.range });

      // Search finds a member of a folded group: drawn as itself, selected and focused, the group holding the rest.
      const other = await open(width);
      await sendScoped(other.page, graph, 'Workspace');
      await other.page.fill('#search', 'silver/entity_41');
      await other.page.press('#search', 'Enter');
      const target = graph.nodes.find((n) => n.label === 'silver/entity_41')!;
      await other.page.waitForFunction((id) => document.activeElement?.getAttribute('data-node-id') === id, target.id);
      const labels = await other.page.$$eval(FOLD_SELECTOR, (els) => els.map((el) => el.querySelector('.node__label')!.textContent!));
      assert.ok(labels.includes('66 × conform_* → silver/entity_*'), labels.join(' | '));
      const after = await snapshot(other.page);
      const box = after.nodes.find((n) => n.id === target.id)!;
      assert.ok(inside(box, after.stage), 'the found node is in view');
      // Click on a group opens it too.
      await other.page.locator(`${FOLD_SELECTOR}[aria-label^="34 alike"]`).click();
      await other.page.waitForFunction(() => !document.querySelector('#viewport .node--fold[aria-label^="34 alike"]'));
      assert.equal(await other.page.locator('#viewport .node').filter({ hasText: 'gold/report_33' }).count(), 1, 'the gold chains drawn');
    });
  }

  for (const width of [480, 1400]) {
    it(`an opened group folds again from its lane's header, by keyboard and by click, at ${width} px`, async () => {
      const graph = await projectGraph(medallionProject(100));
      const o = await open(width);
      assert.equal(await openBronzeGroup(o.page, graph), 302);
      // One control, in the bronze band's header, over no node, a button keyboard users reach with Tab.
      const control = o.page.locator('#viewport .lane__fold');
      assert.equal(await control.count(), 1);
      assert.match(
        (await control.getAttribute('aria-label')) ?? '',
        /^Fold the 100 alike chains \(landing\/feed_\* → ingest_\* → bronze\/feed_\*\) into one group again$/,
      );
      assert.equal(await control.getAttribute('role'), 'button');
      assert.equal(await control.getAttribute('tabindex'), '0');
      const s = await snapshot(o.page);
      const at = await control.evaluate((el) => {
        const b = el.getBoundingClientRect();
        return { left: b.left, right: b.right, top: b.top, bottom: b.bottom, lane: el.closest('.lane')?.getAttribute('data-lane') };
      });
      assert.equal(at.lane, 'bronze');
      const band = s.lanes.find((l) => l.name === 'bronze')!;
      assert.ok(inside(at, band), 'inside the bronze band');
      for (const n of s.nodes) assert.ok(apart(at, n), `clear of ${n.id}`);
      const textPx = await control.locator('text').evaluate((el) => parseFloat(getComputedStyle(el).fontSize));
      assert.ok(textPx >= MIN_TEXT_PX, `control text ${textPx} px`);

      // Enter folds them again; focus lands on the group.
      await control.focus();
      await o.page.keyboard.press('Enter');
      await o.page.waitForFunction(
        () => !!document.querySelector('#viewport .node--fold[aria-label^="100 alike"]') && !document.getElementById('graph')!.hasAttribute('aria-busy'),
      );
      assert.equal(await o.page.locator('#viewport .node').count(), 3, 'the three groups again');
      assert.equal(await o.page.locator('#viewport .lane__fold').count(), 0, 'nothing left to fold');
      const focused = await o.page.evaluate(() => document.activeElement?.getAttribute('aria-label') ?? '');
      assert.match(focused, /^100 alike chains/, 'focus on the group');

      // Open and fold again with the pointer.
      await o.page.locator(`${FOLD_SELECTOR}[aria-label^="100 alike"]`).click();
      await o.page.waitForFunction(() => !!document.querySelector('#viewport .lane__fold') && !document.getElementById('graph')!.hasAttribute('aria-busy'));
      // Focus brings it into view (the keyboard's way there), then the pointer clicks it.
      await o.page.locator('#viewport .lane__fold').focus();
      await o.page.locator('#viewport .lane__fold').click();
      await o.page.waitForFunction(() => !!document.querySelector('#viewport .node--fold[aria-label^="100 alike"]'));
      assert.equal(await o.page.locator('#viewport .node').count(), 3);
    });
  }

  it('beside the editor, a rank of eleven sources feeding a step and its table is split into rows of its band: nothing cut, text >= 11 px, all in view', async () => {
    // Left to right the three ranks are no narrower than stacked: before, the frame ran 700 px past a 480 px panel.
    const reads = Array.from({ length: 11 }, (_, k) => `    df${k} = spark.read.option("header", "true").csv("/mnt/exports/Batch1/extract_${k}.csv")\n`).join(
      '',
    );
    const union = Array.from({ length: 10 }, (_, k) => `.unionByName(df${k + 1})`).join('');
    const text = `from pyspark.sql import SparkSession\nspark = SparkSession.builder.getOrCreate()\n\ndef load_extracts():\n${reads}    df0${union}.write.format("delta").mode("append").saveAsTable("finance.bronze.daily_extracts")\n`;
    const graph = await projectGraph([{ name: 'jobs/load_extracts.py', text, architecture: 'medallion' }]);
    assert.equal(graph.nodes.filter((n) => n.kind === 'dataset').length, 12, 'eleven sources and a table');
    const o = await open(480);
    await sendScoped(o.page, graph, 'load_extracts.py');
    const s = await snapshot(o.page);
    assertReadableAcross(graph, s);
    for (const n of s.nodes) assert.ok(inside(n, s.stage), `${n.id} in view`);
  });

  it("beside the editor, a real project's shape (six sources in one band, Kafka topics landed in bronze and silver) is split into rows, nothing cut", async () => {
    const graph = await projectGraph(wideRankProject());
    const unlayeredSources = graph.nodes.filter((n) => n.layer === null && n.role === 'source').length;
    assert.equal(unlayeredSources, 6, 'six sources in the unlayered band');
    assert.deepEqual(
      ['bronze', 'silver'].map((l) => graph.nodes.filter((n) => n.layer === l && n.kind === 'dataset').length),
      [3, 3],
      'three bronze and three silver tables',
    );
    const o = await open(480);
    await sendScoped(o.page, graph, 'Workspace');
    const s = await snapshot(o.page);
    assertReadableAcross(graph, s);
    // Taller than the panel: the flow goes down, and the first screen is full of whole nodes.
    const inView = s.nodes.filter((n) => inside(n, s.stage)).length;
    assert.ok(inView >= 10, `${inView} of ${s.nodes.length} nodes wholly in view`);
    assert.ok(inside(s.frames[0].header, s.stage), "the pipeline's name is in view");
    if (process.env.UPDATE_SCREENSHOTS) writeFileSync(path.join(ROOT, 'docs/images', 'preview-wide-rank-480.png'), await o.page.screenshot({ type: 'png' }));
  });

  it('beside the editor, a pipeline with a rank of many nodes (a step reading eleven exports) fits the panel across', async () => {
    // Seen in a real project (a TPC-DI loader): stacked, the eleven sources sat side by side in a
    // frame 1,000 px wide in a 480 px panel.
    const reads = Array.from(
      { length: 11 },
      (_, k) => `    df${k} = spark.read.option("header", "true").csv("/mnt/exports/Batch1/extract_${k}_of_the_nightly_batch.csv")\n`,
    ).join('');
    const union = Array.from({ length: 10 }, (_, k) => `.unionByName(df${k + 1})`).join('');
    // The step hands its union back (two ranks, as in that project): left to right fits. With a
    // third rank (a sink) it does not, and the rank is split into rows (the test before this one).
    const text = `from pyspark.sql import SparkSession\nspark = SparkSession.builder.getOrCreate()\n\ndef read_nightly_extracts():\n${reads}    return df0${union}\n`;
    const graph = await projectGraph([{ name: 'jobs/read_extracts.py', text, architecture: 'medallion' }]);
    assert.equal(graph.nodes.filter((n) => n.kind === 'dataset').length, 11, 'eleven sources');
    const o = await open(480);
    await sendScoped(o.page, graph, 'Workspace');
    const s = await snapshot(o.page);
    assert.ok(s.minTextPx >= MIN_TEXT_PX, `smallest text ${s.minTextPx.toFixed(1)} px`);
    for (const f of s.frames) assert.ok(f.left >= s.stage.left - 0.5 && f.right <= s.stage.right + 0.5, `frame ${f.index} within the panel's width`);
    for (const n of s.nodes) assert.ok(n.left >= s.stage.left - 0.5 && n.right <= s.stage.right + 0.5, `${n.id} within the panel's width`);
  });

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
