/**
 * The architecture preview page in a real browser, under the panel's Content Security Policy.
 * Needs `npm run build` (npm test runs it) and Chromium at /usr/bin/chromium.
 */
import assert from 'node:assert/strict';
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import type { PipelineGraph } from '../../shared/protocol';
import { EMPTY_STATE_TEXT, previewHtml } from '../../webview/src/html';
import {
  finding,
  HOSTILE,
  launchChromium,
  medallionGraph,
  node,
  openPreview,
  posted,
  sendGraph,
  startServer,
  viewportTransform,
  waitForPosted,
  type OpenedPreview,
  type PreviewServer,
} from './harness';

interface Box {
  left: number;
  right: number;
  top: number;
  bottom: number;
}

async function boxOf(page: Page, selector: string): Promise<Box> {
  return page.$eval(selector, (el) => {
    const r = el.getBoundingClientRect();
    return { left: r.left, right: r.right, top: r.top, bottom: r.bottom };
  });
}

function nodeSelector(id: string): string {
  return `#viewport [data-node-id="${id}"]`;
}

describe('architecture preview page (Chromium)', function () {
  this.timeout(30000);
  let browser: Browser;
  let server: PreviewServer;
  let opened: OpenedPreview[] = [];

  before(async () => {
    browser = await launchChromium();
    server = await startServer();
  });

  after(async () => {
    await browser?.close();
    await server?.close();
  });

  async function open(opts: Parameters<typeof openPreview>[2] = {}): Promise<Page> {
    const o = await openPreview(browser, server, opts);
    opened.push(o);
    return o.page;
  }

  /** Closes the pages a test opened; with `check`, fails on what they reported. */
  async function closePages(check: boolean): Promise<void> {
    const pages = opened;
    opened = [];
    const reports: { violations: string[]; problems: string[] }[] = [];
    for (const o of pages) {
      const violations = await o.page.evaluate(() => window.__cspViolations).catch(() => []);
      await o.context.close();
      reports.push({ violations, problems: o.problems });
    }
    if (!check) return;
    for (const r of reports) {
      assert.deepEqual(r.violations, [], 'CSP violations');
      assert.deepEqual(r.problems, [], 'console errors, page errors or dialogs');
    }
  }

  /**
   * Every test runs the page under the real CSP: a blocked resource, a console error or a
   * dialog (a hostile label executing) fails the test that caused it.
   */
  function clean(body: () => Promise<void>): () => Promise<void> {
    return async () => {
      await body();
      await closePages(true);
    };
  }

  afterEach(() => closePages(false));

  it(
    'draws the lanes in layer order and every node inside its own lane band',
    clean(async () => {
      const page = await open();
      const graph = medallionGraph();
      await sendGraph(page, graph);

      const lanes = await page.$$eval('#viewport .lane', (els) =>
        els.map((el) => {
          const r = el.querySelector('.lane__band')!.getBoundingClientRect();
          return {
            name: el.getAttribute('data-lane'),
            title: el.querySelector('.lane__title')!.textContent,
            left: r.left,
            right: r.right,
            top: r.top,
            bottom: r.bottom,
          };
        }),
      );
      // The layerless Kafka topic only feeds bronze, so its band comes first.
      assert.deepEqual(
        lanes.map((l) => l.name),
        ['', 'bronze', 'silver', 'gold'],
      );
      assert.deepEqual(
        lanes.map((l) => l.title),
        ['unlayered', 'bronze', 'silver', 'gold'],
      );
      for (let i = 1; i < lanes.length; i++) {
        assert.ok(lanes[i - 1].right <= lanes[i].left + 0.5, `band ${lanes[i - 1].name} overlaps ${lanes[i].name}`);
        assert.ok(lanes[i].right - lanes[i].left > 100, `band ${lanes[i].name} has a width`);
      }
      for (const n of graph.nodes) {
        const band = lanes.find((l) => l.name === (n.layer ?? ''))!;
        const box = await boxOf(page, `${nodeSelector(n.id)} .node__box`);
        assert.ok(
          box.left >= band.left && box.right <= band.right && box.top >= band.top && box.bottom <= band.bottom,
          `${n.id} (${JSON.stringify(box)}) lies outside its ${band.name || 'unlayered'} band (${JSON.stringify(band)})`,
        );
      }
    }),
  );

  it(
    'draws every edge as a path between its two nodes',
    clean(async () => {
      const page = await open();
      const graph = medallionGraph();
      await sendGraph(page, graph);
      const edges = await page.$$eval('#viewport .edge', (els) =>
        els.map((el) => ({
          from: el.getAttribute('data-from'),
          to: el.getAttribute('data-to'),
          length: (el.querySelector('path') as SVGPathElement).getTotalLength(),
        })),
      );
      assert.deepEqual(edges.map((e) => `${e.from}->${e.to}`).sort(), graph.edges.map((e) => `${e.from}->${e.to}`).sort());
      for (const e of edges) assert.ok(e.length > 10, `edge ${e.from}->${e.to} has length ${e.length}`);
    }),
  );

  it(
    'styles nodes by kind and shows findings as badges with severity and codes',
    clean(async () => {
      const page = await open();
      await sendGraph(page, medallionGraph());
      const cls = (id: string) => page.getAttribute(nodeSelector(id), 'class');
      assert.match((await cls('topic:events'))!, /node--source/);
      assert.match((await cls('topic:events'))!, /node--streaming/);
      assert.match((await cls('gold.daily'))!, /node--sink/);
      assert.match((await cls('silver.events'))!, /node--intermediate/);
      assert.match((await cls('clean'))!, /node--step/);
      const dash = await page.$eval(`${nodeSelector('topic:events')} .node__box`, (el) => getComputedStyle(el).strokeDasharray);
      assert.notEqual(dash, 'none', 'streaming nodes have a dashed border');

      const badge = await page.$eval(`${nodeSelector('gold.daily')} .badge`, (el) => ({
        cls: el.getAttribute('class'),
        count: el.querySelector('.badge__count')!.textContent,
        title: el.querySelector('title')!.textContent,
      }));
      assert.equal(badge.cls, 'badge badge--error');
      assert.equal(badge.count, '2');
      assert.match(badge.title!, /PSA301, PSA401/);
      assert.equal(await page.$(`${nodeSelector('silver.events')} .badge`), null, 'no badge without findings');
    }),
  );

  it(
    'posts reveal with the node uri and range when a node is clicked',
    clean(async () => {
      const page = await open();
      const graph = medallionGraph();
      await sendGraph(page, graph);
      // The first view is at 100% and may leave this node off-panel; focusing pans it into view.
      await page.focus(nodeSelector('silver.events'));
      await page.click(nodeSelector('silver.events'));
      const reveal = await waitForPosted(page, 'reveal');
      const target = graph.nodes.find((n) => n.id === 'silver.events')!;
      assert.deepEqual(reveal, { type: 'reveal', uri: target.uri, range: target.range });
    }),
  );

  it(
    'is keyboard accessible: Tab reaches nodes, Enter and Space reveal, arrows move',
    clean(async () => {
      const page = await open();
      const graph = medallionGraph();
      await sendGraph(page, graph);
      const focusedId = () => page.evaluate(() => document.activeElement?.getAttribute('data-node-id') ?? null);

      await page.focus(nodeSelector('bronze.events'));
      await page.keyboard.press('Enter');
      const first = await waitForPosted(page, 'reveal');
      assert.equal(first.range.start.line, graph.nodes.find((n) => n.id === 'bronze.events')!.range.start.line);

      await page.keyboard.press('ArrowRight');
      const right = await focusedId();
      assert.ok(right !== null && right !== 'bronze.events', 'ArrowRight moves to another node');
      assert.ok(['clean', 'silver.events', 'silver.users'].includes(right!), `ArrowRight went to ${right}`);
      await page.keyboard.press(' ');
      await page.waitForFunction(() => window.__posted.filter((m) => m.type === 'reveal').length === 2);
      const reveals = (await posted(page)).filter((m) => m.type === 'reveal');
      assert.deepEqual(reveals[1], {
        type: 'reveal',
        uri: graph.nodes.find((n) => n.id === right)!.uri,
        range: graph.nodes.find((n) => n.id === right)!.range,
      });

      await page.keyboard.press('Tab');
      const afterTab = await focusedId();
      assert.ok(afterTab !== null && afterTab !== right, 'Tab moves to the next node');
      const details = await page.$eval('#details', (el) => ({ hidden: (el as HTMLElement).hidden, text: el.textContent }));
      assert.equal(details.hidden, false, 'a focused node shows its details');
      assert.ok(details.text!.includes(graph.nodes.find((n) => n.id === afterTab)!.label));
    }),
  );

  it(
    'shows format, location, mode, columns, streaming and finding messages on hover',
    clean(async () => {
      const page = await open();
      await sendGraph(page, medallionGraph());
      await page.hover(nodeSelector('bronze.events'));
      await page.waitForSelector('#details:not([hidden])');
      const text = (await page.textContent('#details'))!;
      for (const expected of [
        'bronze.events',
        'delta',
        '/mnt/lake/bronze/events',
        'append',
        'event_id, user_id, email, ts',
        'Streaming',
        'yes',
        'PSA204',
        'Checkpoint location under /tmp',
        'pipeline.py:',
      ]) {
        assert.ok(text.includes(expected), `details lack "${expected}": ${text}`);
      }
      await page.mouse.move(2, 200);
      await page.waitForSelector('#details', { state: 'hidden' });
    }),
  );

  it(
    'renders hostile labels, paths, columns and messages as literal text',
    clean(async () => {
      const page = await open();
      const graph: PipelineGraph = {
        architecture: 'unknown',
        layers: [],
        nodes: [
          node('a', null, {
            label: HOSTILE,
            location: `<script>alert(2)</script>`,
            format: '<b>x</b>',
            mode: '"><svg onload=alert(3)>',
            columns: [HOSTILE],
            filename: '<i>f</i>.py',
            role: 'source',
          }),
          node('b', null, { label: 'ok', role: 'sink', findings: [finding('<u>PSA</u>', 'warning', HOSTILE)] }),
        ],
        edges: [{ from: 'a', to: 'b' }],
      };
      await sendGraph(page, graph, HOSTILE);
      await page.hover(nodeSelector('b'));
      await page.waitForSelector('#details:not([hidden])');
      const findingText = (await page.textContent('#details'))!;
      assert.ok(findingText.includes(`<u>PSA</u>${HOSTILE}`), `finding shown literally: ${findingText}`);
      assert.match((await page.textContent(`${nodeSelector('b')} .badge title`))!, /<u>PSA<\/u>/);
      await page.hover(nodeSelector('a'));
      await page.waitForFunction(() => document.getElementById('details')!.textContent!.includes('<i>f</i>.py'));
      const result = await page.evaluate(() => ({
        imgs: document.querySelectorAll('img').length,
        scripts: document.querySelectorAll('script').length,
        injectedSvg: document.querySelectorAll('svg svg, [onload], [onerror], b, i, u').length,
        label: document.querySelector('[data-node-id="a"] .node__label')!.textContent,
        title: document.getElementById('title')!.textContent,
        details: document.getElementById('details')!.textContent,
      }));
      assert.equal(result.imgs, 0, 'no img element was created');
      assert.equal(result.scripts, 1, 'only the page script');
      assert.equal(result.injectedSvg, 0, 'no markup from data was parsed');
      assert.equal(result.label, HOSTILE);
      assert.equal(result.title, HOSTILE);
      for (const literal of [HOSTILE, '<script>alert(2)</script>', '<b>x</b>', '"><svg onload=alert(3)>', '<i>f</i>.py']) {
        assert.ok(result.details.includes(literal), `details show ${literal} literally`);
      }
    }),
  );

  it(
    'shows the empty state for a graph without reads or writes',
    clean(async () => {
      const page = await open();
      await sendGraph(page, medallionGraph());
      await sendGraph(page, { architecture: 'unknown', layers: [], nodes: [], edges: [] });
      assert.equal(await page.isVisible('#empty'), true);
      assert.match((await page.textContent('#empty'))!, new RegExp(EMPTY_STATE_TEXT));
      assert.equal(await page.$$eval('#viewport *', (els) => els.length), 0);
    }),
  );

  it(
    'opens a long chain at a readable size from its start; Fit then shows all of it',
    clean(async () => {
      const page = await open({ width: 640, height: 420 });
      const chain: PipelineGraph = { architecture: 'medallion', layers: ['bronze', 'silver', 'gold'], nodes: [], edges: [] };
      const layers = ['bronze', 'bronze', 'bronze', 'bronze', 'silver', 'silver', 'silver', 'silver', 'gold', 'gold', 'gold', 'gold'];
      layers.forEach((layer, i) => {
        chain.nodes.push(node(`n${i}`, layer, i % 2 ? { kind: 'step', label: `step_${i}`, role: undefined } : { label: `${layer}.table_${i}` }));
        if (i > 0) chain.edges.push({ from: `n${i - 1}`, to: `n${i}` });
      });
      await sendGraph(page, chain);
      const scaleOf = async () => Number(/scale\(([\d.]+)/.exec((await viewportTransform(page)) ?? '')?.[1]);
      const stage = await boxOf(page, '#graph');
      const inside = (b: Box) => b.left >= stage.left && b.right <= stage.right && b.top >= stage.top && b.bottom <= stage.bottom;
      assert.ok((await scaleOf()) >= 0.7, `first view scale ${await scaleOf()}`);
      assert.ok(inside(await boxOf(page, nodeSelector('n0'))), 'the first node is in view');
      assert.ok(!inside(await boxOf(page, nodeSelector('n11'))), 'the chain overflows to the right, to be panned');
      await page.click('#fit');
      assert.ok((await scaleOf()) < 0.7, 'Fit shrinks to show everything');
      for (let i = 0; i < 12; i++) assert.ok(inside(await boxOf(page, nodeSelector(`n${i}`))), `n${i} in view after Fit`);
    }),
  );

  it(
    'keeps zoom and pan when a new graph arrives, refits only on request',
    clean(async () => {
      const page = await open();
      await sendGraph(page, medallionGraph());
      const fitted = await viewportTransform(page);
      assert.ok(fitted, 'the first graph is fitted');

      await page.click('#zoom-in');
      await page.click('#zoom-in');
      const stage = await boxOf(page, '#graph');
      // Drag from an empty spot near the bottom left of the stage.
      await page.mouse.move(stage.left + 8, stage.bottom - 8);
      await page.mouse.down();
      await page.mouse.move(stage.left + 60, stage.bottom - 40, { steps: 4 });
      await page.mouse.up();
      await page.mouse.wheel(0, -200);
      assert.notEqual(await viewportTransform(page), fitted, 'zoom and drag changed the view');
      assert.equal((await posted(page)).filter((m) => m.type === 'reveal').length, 0, 'a drag is not a click');
      // Focusing may pan a node into view; the update must then keep both the view and the focus.
      await page.focus(nodeSelector('silver.users'));
      const adjusted = await viewportTransform(page);

      const next = medallionGraph();
      next.nodes.push(node('gold.extra', 'gold', { label: 'gold.extra', role: 'sink' }));
      next.edges.push({ from: 'aggregate', to: 'gold.extra' });
      await sendGraph(page, next);
      assert.equal(await viewportTransform(page), adjusted, 'the update kept the view');
      assert.equal(await page.evaluate(() => document.activeElement?.getAttribute('data-node-id')), 'silver.users', 'and the focused node');

      await page.keyboard.press('0');
      assert.notEqual(await viewportTransform(page), adjusted, '0 fits again');
      const beforeMinus = await viewportTransform(page);
      await page.keyboard.press('-');
      assert.notEqual(await viewportTransform(page), beforeMinus, '- zooms out');
    }),
  );

  it(
    'pans and zooms by a transform on the graph layer, never by laying the SVG out again',
    clean(async () => {
      const page = await open();
      await sendGraph(page, medallionGraph());
      const before = await viewportTransform(page);
      const target = nodeSelector('bronze.events');
      const start = await boxOf(page, target);
      const gesture = () => page.evaluate(() => document.getElementById('layer')!.classList.contains('is-gesture'));
      // Pan and zoom change no attribute inside the SVG (which would lay out and repaint every node).
      await page.evaluate(() => {
        (window as unknown as { __svgMutations: number }).__svgMutations = 0;
        new MutationObserver((records) => {
          (window as unknown as { __svgMutations: number }).__svgMutations += records.filter((r) => r.attributeName !== 'data-view').length;
        }).observe(document.getElementById('graph')!, { attributes: true, subtree: true, childList: true });
      });

      // Beside the node, not over it: hovering a node opens its card.
      await page.mouse.move(start.left - 6, start.top + 10);
      await page.mouse.wheel(0, -100);
      await page.mouse.wheel(0, -100);
      const zoomed = await boxOf(page, target);
      assert.notEqual(await viewportTransform(page), before, 'the wheel zooms');
      assert.ok(zoomed.right - zoomed.left > start.right - start.left, 'the node is drawn larger');
      assert.ok(Math.abs(zoomed.left - start.left) < (start.left - (start.left - 6)) * 2, 'about the point under the pointer');
      // Once the wheel is still, the layer is no longer composited (text is drawn sharp) and the view is saved.
      await page.waitForFunction(() => !document.getElementById('layer')!.classList.contains('is-gesture'));
      const zoomedView = await viewportTransform(page);
      await page.waitForFunction((t) => {
        const v = (window.__state as { view?: { x: number; y: number; scale: number } } | null)?.view;
        return !!v && `translate(${v.x} ${v.y}) scale(${v.scale})` === t;
      }, zoomedView);

      // A drag: the layer follows the pointer.
      const stage = await boxOf(page, '#stage');
      await page.mouse.move(stage.left + 8, stage.bottom - 8);
      await page.mouse.down();
      await page.mouse.move(stage.left + 68, stage.bottom - 48, { steps: 4 });
      assert.ok(await gesture(), 'composited during the drag');
      await page.mouse.up();
      assert.ok(!(await gesture()), 'and not after it');
      const dragged = await boxOf(page, target);
      assert.ok(Math.abs(dragged.left - zoomed.left - 60) < 1 && Math.abs(dragged.top - zoomed.top + 40) < 1, 'moved with the pointer');
      assert.equal(await page.evaluate(() => (window as unknown as { __svgMutations: number }).__svgMutations), 0, 'nothing in the SVG changed');
      // Zoomed out below the panel's size, the graph still takes the wheel and drags around it.
      for (let i = 0; i < 12; i++) await page.click('#zoom-out');
      const small = await boxOf(page, '#graph');
      assert.ok(small.bottom < stage.bottom - 20, 'the svg box shrank with the zoom');
      const t = await viewportTransform(page);
      await page.mouse.move(stage.right - 10, stage.bottom - 10);
      await page.mouse.wheel(0, 100);
      assert.notEqual(await viewportTransform(page), t, 'the wheel works outside the svg box');
    }),
  );

  it(
    'restores the last graph, zoom and pan from the webview state after a reload',
    clean(async () => {
      const page = await open();
      await sendGraph(page, medallionGraph(), 'restored.py');
      await page.click('#zoom-out');
      const transform = await viewportTransform(page);
      await page.waitForFunction((t) => {
        const s = window.__state as { view?: { x: number; y: number; scale: number } } | null;
        return !!s?.view && `translate(${s.view.x} ${s.view.y}) scale(${s.view.scale})` === t;
      }, transform);
      const state = await page.evaluate(() => window.__state);

      const reloaded = await open({ state });
      await reloaded.waitForSelector(nodeSelector('gold.daily'));
      assert.equal(await viewportTransform(reloaded), transform);
      assert.equal(await reloaded.textContent('#title'), 'restored.py');
    }),
  );

  it(
    'exports SVG and PNG on request and from the toolbar',
    clean(async () => {
      const page = await open();
      await sendGraph(page, medallionGraph());
      await page.evaluate(() => window.postMessage({ type: 'export', format: 'svg' }, '*'));
      const svg = await waitForPosted(page, 'exported');
      assert.equal(svg.format, 'svg');
      assert.ok(svg.data.startsWith('<svg'), svg.data.slice(0, 40));
      assert.ok(svg.data.includes('gold.daily_metrics'));
      assert.ok(!svg.data.includes('var(--vscode'), 'theme colours are resolved in the file');
      assert.ok(!/transform="translate\([^"]*scale/.test(svg.data), 'exported at 100% without the pan and zoom');

      await page.evaluate(() => {
        window.__posted = [];
        window.postMessage({ type: 'export', format: 'png' }, '*');
      });
      const png = await waitForPosted(page, 'exported');
      assert.equal(png.format, 'png');
      assert.ok(png.data.startsWith('data:image/png;base64,'), png.data.slice(0, 40));
      const bytes = Buffer.from(png.data.slice('data:image/png;base64,'.length), 'base64');
      assert.equal(bytes.subarray(1, 4).toString('latin1'), 'PNG');
      assert.ok(bytes.readUInt32BE(16) > 400 && bytes.readUInt32BE(20) > 100, 'PNG has the size of the graph');

      await page.evaluate(() => {
        window.__posted = [];
      });
      await page.click('#export-svg');
      assert.equal((await waitForPosted(page, 'exported')).format, 'svg');
    }),
  );

  it('writes a CSP without unsafe-inline or unsafe-eval and puts the nonce on its only script', () => {
    const html = previewHtml({
      cspSource: 'https://x.vscode-cdn.net',
      nonce: 'abc123',
      scriptUri: 'https://x/webview.js',
      styleUri: 'https://x/preview.css',
      title: HOSTILE,
    });
    const csp = /<meta http-equiv="Content-Security-Policy" content="([^"]*)">/.exec(html);
    assert.ok(csp, 'CSP meta present');
    assert.match(csp[1], /default-src 'none'/);
    assert.match(csp[1], /script-src 'nonce-abc123'/);
    assert.match(csp[1], /style-src https:\/\/x\.vscode-cdn\.net(;|$)/);
    assert.doesNotMatch(html, /unsafe-inline|unsafe-eval/);
    const scripts = html.match(/<script\b[^>]*>/g) ?? [];
    assert.deepEqual(scripts, ['<script nonce="abc123" src="https://x/webview.js">']);
    assert.doesNotMatch(html, /\sstyle=/, 'no style attributes');
    assert.ok(!html.includes(HOSTILE) && html.includes('&lt;img src=x onerror=alert(1)&gt;'), 'title escaped');
  });

  it(
    'runs under that CSP with no violation, and the detector does catch one',
    clean(async () => {
      const page = await open();
      await sendGraph(page, medallionGraph());
      await page.focus(nodeSelector('gold.daily'));
      await page.hover(nodeSelector('gold.daily'));
      await page.evaluate(() => window.postMessage({ type: 'export', format: 'png' }, '*'));
      await waitForPosted(page, 'exported');
      assert.deepEqual(await page.evaluate(() => window.__cspViolations), []);

      // Control: a style attribute from markup is blocked by this CSP, and the listener sees it.
      const control = await openPreview(browser, server);
      try {
        await control.page.evaluate(() => {
          document.body.insertAdjacentHTML('beforeend', '<div style="color: red"></div>');
        });
        await control.page.waitForFunction(() => window.__cspViolations.some((v) => v.startsWith('style-src')));
      } finally {
        await control.context.close();
      }
    }),
  );

  it(
    'follows the theme variables (screenshots for the README)',
    clean(async () => {
      const outDir = path.resolve(__dirname, '../../../docs/images');
      mkdirSync(outDir, { recursive: true });
      const backgrounds: string[] = [];
      for (const theme of ['dark', 'light'] as const) {
        const page = await open({ theme, width: 1200, height: 560 });
        await sendGraph(page, medallionGraph(), 'medallion_architecture.py');
        await page.hover(nodeSelector('bronze.events'));
        await page.waitForSelector('#details:not([hidden])');
        backgrounds.push(await page.evaluate(() => getComputedStyle(document.body).backgroundColor));
        const colour = await page.$eval(`${nodeSelector('gold.daily')} .node__box`, (el) => getComputedStyle(el).stroke);
        assert.equal(colour, theme === 'dark' ? 'rgb(137, 209, 133)' : 'rgb(56, 138, 52)', 'sink border uses --vscode-charts-green');
        const png = await page.screenshot({ type: 'png' });
        // The README's screenshots are rewritten on request only: a test run leaves the tree clean.
        if (process.env.UPDATE_SCREENSHOTS) writeFileSync(path.join(outDir, `preview-${theme}.png`), png);
        assert.ok(png.length < 200_000, `screenshot stays small (${png.length} bytes)`);
      }
      assert.deepEqual(backgrounds, ['rgb(31, 31, 31)', 'rgb(255, 255, 255)']);
    }),
  );
});
