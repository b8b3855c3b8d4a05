/**
 * The preview as a new user first sees it in VS Code: opened beside the editor on one of the
 * samples, in a 1400 x 860 px window with the side bar hidden. code-server (scripts/e2e/run.mjs)
 * gives the webview 676 px across and the graph's stage 676 x 697 px below the toolbar. Every open
 * must start with all of the current file's nodes in view at 100% (no zoom to read them).
 */
import assert from 'node:assert/strict';
import type { Browser, Page } from 'playwright-core';
import { graphOfFiles } from '../unit/graphTestHelpers';
import { launchChromium, openPreview, sendScoped, startServer, type OpenedPreview, type PreviewServer } from './harness';

const MIN_TEXT_PX = 11;
/** The webview beside the editor in code-server's 1400 x 860 px window, and the stage it leaves below the toolbar. */
const WEBVIEW = { width: 676, height: 767 };
const STAGE_HEIGHT = 697;

/** The stage, each node's and lane band's box on screen, and the smallest rendered text. */
async function onScreen(page: Page) {
  return page.evaluate(() => {
    const r = (el: Element) => {
      const b = el.getBoundingClientRect();
      return { left: b.left, right: b.right, top: b.top, bottom: b.bottom };
    };
    const scale = Number(/scale\(([\d.]+)/.exec(document.getElementById('viewport')!.getAttribute('data-view') ?? '')?.[1]);
    const textPx = Array.from(document.querySelectorAll('#viewport .node__label, #viewport .node__meta, #viewport .lane__title, #viewport .frame__name')).map(
      (el) => parseFloat(getComputedStyle(el).fontSize) * scale,
    );
    return {
      stage: r(document.getElementById('stage')!),
      nodes: Array.from(document.querySelectorAll('#viewport .node')).map((el) => ({
        label: el.querySelector('.node__label')!.textContent ?? '',
        ...r(el.querySelector('.node__box')!),
      })),
      lanes: Array.from(document.querySelectorAll('#viewport .lane')).map((el) => ({
        name: el.getAttribute('data-lane') ?? '',
        ...r(el.querySelector('.lane__band')!),
      })),
      minTextPx: Math.min(...textPx),
    };
  });
}

type Box = { left: number; right: number; top: number; bottom: number };
const inside = (b: Box, outer: Box) => b.left >= outer.left - 0.5 && b.right <= outer.right + 0.5 && b.top >= outer.top - 0.5 && b.bottom <= outer.bottom + 0.5;

describe('architecture preview beside the editor in VS Code (Chromium, the samples)', function () {
  this.timeout(120000);
  let browser: Browser;
  let server: PreviewServer;
  const opened: OpenedPreview[] = [];

  before(async () => {
    browser = await launchChromium();
    server = await startServer();
  });
  after(async () => {
    await browser?.close();
    await server?.close();
  });
  afterEach(async () => {
    for (const o of opened.splice(0)) await o.context.close();
  });

  // The medallion sample's gold step and table were below the panel's edge in code-server: seven
  // nodes, each taking 116 px of height with every rank as far apart as two lanes.
  for (const sample of ['medallion_architecture.py', 'lambda_architecture.py', 'kappa_architecture.py']) {
    it(`${sample} beside the editor (webview 676 x 767 px): every node in view at first open, text >= ${MIN_TEXT_PX} px, lanes stacked in order`, async () => {
      const graph = await graphOfFiles(`samples/${sample}`);
      const scope = graph.nodes[0].uri;
      const o = await openPreview(browser, server, { width: WEBVIEW.width, height: WEBVIEW.height, theme: 'light' });
      opened.push(o);
      const stage = await o.page.evaluate(() => document.getElementById('stage')!.getBoundingClientRect().height);
      assert.ok(Math.abs(stage - STAGE_HEIGHT) <= 8, `the stage is ${stage} px tall, as in code-server`);
      await sendScoped(o.page, graph, sample, scope);
      const s = await onScreen(o.page);
      assert.ok(s.minTextPx >= MIN_TEXT_PX, `smallest text ${s.minTextPx.toFixed(1)} px`);
      assert.equal(s.nodes.length, graph.nodes.length, 'every node drawn');
      const out = s.nodes
        .filter((n) => !inside(n, s.stage))
        .map((n) => `${n.label} (${Math.round(n.top)}-${Math.round(n.bottom)} of ${Math.round(s.stage.bottom)})`);
      assert.deepEqual(out, [], 'every node of the pipeline inside the panel');
      // Stacked top to bottom (the panel is narrow), each band below the previous one.
      for (let i = 1; i < s.lanes.length; i++) assert.ok(s.lanes[i - 1].bottom <= s.lanes[i].top + 0.5, `${s.lanes[i - 1].name} above ${s.lanes[i].name}`);
      assert.deepEqual(o.problems, []);
    });
  }
});
