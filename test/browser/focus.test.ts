/**
 * Reading a real project in the preview: focus on the current file with stubs for the rest,
 * search, lineage highlight, pipeline frames that collapse to one node, long chains wrapped inside their lane.
 * Generated projects through the real analysis, in Chromium, under the page's CSP.
 */
import assert from 'node:assert/strict';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import type { Browser, Page } from 'playwright-core';
import type { PipelineGraph } from '../../shared/protocol';
import { ROOT } from '../unit/graphTestHelpers';
import { chainProject, generatedProject, medallionProject, projectGraph, type GeneratedFile } from './generatedProject';
import { HOSTILE, launchChromium, openPreview, startServer, type OpenedPreview, type PreviewServer } from './harness';

const MIN_TEXT_PX = 11;
const uriOf = (f: GeneratedFile) => pathToFileURL(path.resolve(ROOT, f.name)).href;

async function send(page: Page, graph: PipelineGraph, title: string, scope?: string): Promise<void> {
  await page.evaluate(({ graph, title, scope }) => window.postMessage({ type: 'graph', graph, title, scope }, '*'), { graph, title, scope });
  await page.waitForFunction(() => document.querySelectorAll('#viewport .node').length > 0 && !document.getElementById('graph')!.hasAttribute('aria-busy'));
}

interface Rect {
  left: number;
  right: number;
  top: number;
  bottom: number;
}
function counts(keys: number[]): number[] {
  const m = new Map<number, number>();
  for (const k of keys) m.set(k, (m.get(k) ?? 0) + 1);
  return [...m.values()];
}

const inside = (b: Rect, outer: Rect) =>
  b.left >= outer.left - 0.5 && b.right <= outer.right + 0.5 && b.top >= outer.top - 0.5 && b.bottom <= outer.bottom + 0.5;

async function drawn(page: Page) {
  return page.evaluate(() => {
    const r = (el: Element) => {
      const b = el.getBoundingClientRect();
      return { left: b.left, right: b.right, top: b.top, bottom: b.bottom };
    };
    const scale = Number(/scale\(([\d.]+)/.exec(document.getElementById('viewport')!.getAttribute('data-view') ?? '')?.[1]);
    return {
      stage: r(document.getElementById('graph')!),
      nodes: Array.from(document.querySelectorAll('#viewport .node')).map((el) => ({
        id: el.getAttribute('data-node-id')!,
        label: el.querySelector('.node__label')!.textContent!,
        meta: el.querySelector('.node__meta')!.textContent!,
        classes: el.getAttribute('class')!,
        ...r(el.querySelector('.node__box')!),
      })),
      lanes: Array.from(document.querySelectorAll('#viewport .lane')).map((el) => ({
        name: el.getAttribute('data-lane')!,
        ...r(el.querySelector('.lane__band')!),
      })),
      minTextPx: Math.min(
        ...Array.from(document.querySelectorAll('#viewport .node__label, #viewport .node__meta, #viewport .lane__title')).map(
          (el) => parseFloat(getComputedStyle(el).fontSize) * scale,
        ),
      ),
      focused: document.activeElement?.getAttribute('data-node-id') ?? null,
    };
  });
}

describe('architecture preview: focus, search, lineage, collapse, wrapping (Chromium)', function () {
  this.timeout(120000);
  let browser: Browser;
  let server: PreviewServer;
  const opened: OpenedPreview[] = [];
  let chainFiles: GeneratedFile[];
  let chain: PipelineGraph;
  let workspace: PipelineGraph;

  before(async () => {
    browser = await launchChromium();
    server = await startServer();
    chainFiles = chainProject(20, true);
    chain = await projectGraph(chainFiles);
    workspace = await projectGraph(generatedProject(60));
  });
  after(async () => {
    await browser?.close();
    await server?.close();
  });
  afterEach(async () => {
    for (const o of opened.splice(0)) {
      assert.deepEqual(o.problems, [], 'no console errors, page errors or dialogs');
      assert.deepEqual(await o.page.evaluate(() => window.__cspViolations), [], 'no CSP violation');
      await o.context.close();
    }
  });

  async function open(width: number, opts: { state?: unknown } = {}): Promise<OpenedPreview> {
    const o = await openPreview(browser, server, { width, height: 960, state: opts.state });
    opened.push(o);
    return o;
  }

  it('shows the current file and N hops up and down stream; the rest folds into stubs that expand on click', async () => {
    const file = chainFiles[10];
    const o = await open(1400);
    await send(o.page, chain, 'chain_10.py', uriOf(file));
    const first = await drawn(o.page);
    const real = first.nodes.filter((n) => !n.classes.includes('node--stub'));
    // refine_10 and its two datasets, plus two hops each way: refine_9 and its input, refine_11 and its output.
    assert.deepEqual(
      real.map((n) => n.label).sort(),
      ['refine_10', 'refine_11', 'refine_9', 'silver/events_10', 'silver/events_11', 'silver/events_12', 'silver/events_9'].sort(),
    );
    const stubs = first.nodes.filter((n) => n.classes.includes('node--stub'));
    // Upstream: refine_0..8 and bronze + silver/events_1..8 (18); downstream: refine_12..19, events_13..19, gold (16).
    assert.deepEqual(stubs.map((n) => n.label).sort(), ['+16 downstream', '+18 upstream']);
    assert.match((await o.page.textContent('#summary')) ?? '', /34 hidden/);

    // One hop: fewer nodes, bigger stubs; the choice is kept in the webview state.
    await o.page.selectOption('#hops', '1');
    await o.page.waitForFunction(() => Array.from(document.querySelectorAll('#viewport .node__label')).some((el) => el.textContent === '+19 upstream'));
    const oneHop = await drawn(o.page);
    assert.equal(oneHop.nodes.filter((n) => !n.classes.includes('node--stub')).length, 5);
    await o.page.waitForFunction(() => (window.__state as { hops?: number } | null)?.hops === 1);

    // Clicking the upstream stub draws what it stood for.
    await o.page.click('.node--stub.node--upstream');
    await o.page.waitForFunction(() => !Array.from(document.querySelectorAll('#viewport .node__label')).some((el) => /upstream$/.test(el.textContent ?? '')));
    const expanded = await drawn(o.page);
    assert.ok(
      expanded.nodes.some((n) => n.label === 'bronze/events'),
      'the start of the chain is drawn',
    );
    assert.ok(expanded.nodes.some((n) => n.label === 'refine_0'));
    assert.equal(
      expanded.nodes
        .filter((n) => n.classes.includes('node--stub'))
        .map((n) => n.label)
        .join(),
      '+17 downstream',
    );
    // The stub was not a reveal of code.
    assert.ok(!(await o.page.evaluate(() => window.__posted)).some((m) => m.type === 'reveal'));
  });

  it('hops come back from the webview state after a reload', async () => {
    const o = await open(1400, { state: { hops: 3 } });
    assert.equal(await o.page.inputValue('#hops'), '3');
    await send(o.page, chain, 'chain_10.py', uriOf(chainFiles[10]));
    const s = await drawn(o.page);
    assert.equal(s.nodes.filter((n) => !n.classes.includes('node--stub')).length, 9);
  });

  it('search jumps to a hidden dataset by name with the keyboard, draws it, selects and focuses it', async () => {
    const o = await open(480);
    await send(o.page, chain, 'chain_10.py', uriOf(chainFiles[10]));
    assert.ok(!(await drawn(o.page)).nodes.some((n) => n.label === 'silver/events_3'));
    const options = await o.page.$$eval('#search-names option', (els) => els.map((e) => (e as HTMLOptionElement).value));
    assert.ok(options.includes('silver/events_3') && options.includes('refine_0'), 'every name is suggested');

    await o.page.focus('#search');
    await o.page.keyboard.type('events_3');
    await o.page.keyboard.press('Enter');
    await o.page.waitForFunction(() => document.activeElement?.getAttribute('data-node-id') !== null && document.activeElement?.classList.contains('node'));
    const s = await drawn(o.page);
    const target = s.nodes.find((n) => n.id === s.focused)!;
    assert.equal(target.label, 'silver/events_3');
    assert.ok(target.classes.includes('is-selected'));
    assert.ok(inside(target, s.stage), 'the found node is in view');
    // Its neighbourhood comes with it: the steps writing and reading it.
    assert.ok(s.nodes.some((n) => n.label === 'refine_2') && s.nodes.some((n) => n.label === 'refine_3'));

    // A name that matches nothing says so and changes nothing.
    await o.page.focus('#search');
    await o.page.fill('#search', 'no_such_table');
    await o.page.keyboard.press('Enter');
    assert.equal(await o.page.getAttribute('#search', 'aria-invalid'), 'true');
    // Escape clears the field, then the selection.
    await o.page.keyboard.press('Escape');
    assert.equal(await o.page.inputValue('#search'), '');
    assert.ok(await o.page.$('#graph.has-selection'));
    await o.page.keyboard.press('Escape');
    assert.equal(await o.page.$('#graph.has-selection'), null);
  });

  it('selecting a node highlights all its ancestors and descendants and dims the rest; Escape clears', async () => {
    const o = await open(1400);
    await send(o.page, workspace, 'Workspace');
    const target = workspace.nodes.find((n) => n.label === 'silver/table_4')!;
    // Focus first: it brings the node into view, as tabbing to it would, then click it.
    await o.page.focus(`[data-node-id="${target.id}"]`);
    await o.page.click(`[data-node-id="${target.id}"]`);
    await o.page.waitForSelector('#graph.has-selection');
    // Expected lineage, computed here from the edges.
    const up = new Map<string, string[]>();
    const down = new Map<string, string[]>();
    for (const e of workspace.edges) {
      (up.get(e.to) ?? up.set(e.to, []).get(e.to)!).push(e.from);
      (down.get(e.from) ?? down.set(e.from, []).get(e.from)!).push(e.to);
    }
    const walk = (next: Map<string, string[]>) => {
      const seen = new Set<string>();
      const stack = [target.id];
      while (stack.length) {
        for (const n of next.get(stack.pop()!) ?? []) {
          if (seen.has(n)) continue;
          seen.add(n);
          stack.push(n);
        }
      }
      return seen;
    };
    const expected = new Set([target.id, ...walk(up), ...walk(down)]);
    assert.ok(expected.size >= 6, 'a lineage with ancestors and descendants');
    const state = await o.page.$$eval('#viewport .node', (els) =>
      els.map((el) => ({ id: el.getAttribute('data-node-id')!, lit: el.classList.contains('is-lineage'), opacity: getComputedStyle(el).opacity })),
    );
    for (const n of state) {
      assert.equal(n.lit, expected.has(n.id), `${n.id} highlighted iff in the lineage`);
      assert.equal(n.opacity, expected.has(n.id) ? '1' : '0.25', `${n.id} dimmed iff outside the lineage`);
    }
    const litEdges = await o.page.$$eval('#viewport .edge.is-lineage', (els) =>
      els.map((el) => `${el.getAttribute('data-from')}>${el.getAttribute('data-to')}`),
    );
    assert.deepEqual(
      litEdges.sort(),
      workspace.edges
        .filter((e) => expected.has(e.from) && expected.has(e.to))
        .map((e) => `${e.from}>${e.to}`)
        .sort(),
    );
    await o.page.keyboard.press('Escape');
    assert.equal(await o.page.$('#graph.has-selection'), null);
    assert.equal(await o.page.$$eval('#viewport .node.is-lineage', (els) => els.length), 0);
  });

  it('draws each pipeline in a frame with its name and architecture; the frame collapses it to a summary node and expands it again', async () => {
    const o = await open(1400);
    await send(o.page, workspace, 'Workspace');
    const frames = await o.page.$$eval('#viewport .frame__header', (els) =>
      els.map((el) => ({
        toggle: el.getAttribute('data-frame-toggle'),
        label: el.getAttribute('aria-label') ?? '',
        name: el.querySelector('.frame__name')!.textContent ?? '',
        arch: el.querySelector('.frame__arch')?.textContent ?? '',
        expanded: el.getAttribute('aria-expanded'),
      })),
    );
    assert.equal(frames.length, (workspace.pipelines ?? []).length, 'one frame per pipeline');
    for (const p of workspace.pipelines ?? []) {
      const f = frames.find((x) => x.toggle === p.name);
      assert.ok(f, `${p.name} has a frame`);
      assert.equal(f.arch, ` · ${p.architecture}`, `${p.name}'s frame says ${p.architecture}`);
      assert.ok(f.name === p.name || (f.name.endsWith('…') && p.name.startsWith(f.name.slice(0, -1))), `${p.name} named on its frame (${f.name})`);
      assert.match(f.label, new RegExp(`${p.architecture} pipeline: collapse it$`));
      assert.equal(f.expanded, 'true');
    }

    const lambda = (workspace.pipelines ?? []).find((p) => p.architecture === 'lambda')!;
    const members = workspace.nodes.filter((n) => n.pipeline === lambda.id).map((n) => n.id);
    const before = (await drawn(o.page)).nodes.length;
    const header = `#viewport .frame__header[data-frame-toggle="${lambda.name}"]`;
    // Focus brings the frame's header into view (it may be in a lower row), then a click collapses it.
    await o.page.focus(header);
    await o.page.click(header);
    await o.page.waitForSelector('#viewport .node--pipeline');
    const collapsed = await drawn(o.page);
    assert.equal(collapsed.nodes.length, before - members.length + 1);
    assert.ok(!collapsed.nodes.some((n) => members.includes(n.id)), "the pipeline's nodes are gone");
    const summary = collapsed.nodes.find((n) => n.classes.includes('node--pipeline'))!;
    assert.equal(summary.label, lambda.name);
    assert.match(summary.meta, /^lambda pipeline · \d+ datasets · \d+ steps$/);
    assert.equal(await o.page.getAttribute(header, 'aria-expanded'), 'false');
    assert.equal(await o.page.evaluate(() => document.activeElement?.getAttribute('data-frame-toggle')), lambda.name, 'the toggle keeps the focus');
    await o.page.waitForFunction((name) => ((window.__state as { collapsed?: string[] } | null)?.collapsed ?? []).includes(name), lambda.name);
    // The collapsed frame still holds its summary node, and no frame overlaps another.
    const boxes = await o.page.$$eval('#viewport .frame__box', (els) =>
      els.map((el) => {
        const b = el.getBoundingClientRect();
        return { left: b.left, right: b.right, top: b.top, bottom: b.bottom };
      }),
    );
    for (let i = 0; i < boxes.length; i++)
      for (let j = i + 1; j < boxes.length; j++) {
        const [a, b] = [boxes[i], boxes[j]];
        assert.ok(a.right <= b.left || b.right <= a.left || a.bottom <= b.top || b.bottom <= a.top, `frames ${i} and ${j} overlap`);
      }

    // Keyboard: the summary node is a button; Enter expands the pipeline again.
    await o.page.focus('#viewport .node--pipeline');
    await o.page.keyboard.press('Enter');
    await o.page.waitForFunction(() => !document.querySelector('#viewport .node--pipeline'));
    assert.equal((await drawn(o.page)).nodes.length, before);
    assert.equal(await o.page.getAttribute(header, 'aria-expanded'), 'true');
    // And the frame's header from the keyboard: Enter collapses, Space expands.
    await o.page.focus(header);
    await o.page.keyboard.press('Enter');
    await o.page.waitForSelector('#viewport .node--pipeline');
    await o.page.keyboard.press(' ');
    await o.page.waitForFunction(() => !document.querySelector('#viewport .node--pipeline'));
    assert.equal(await o.page.getAttribute(header, 'aria-expanded'), 'true');
  });

  it('escapes hostile names in search suggestions, stubs and pipeline frames', async () => {
    const hostile = await projectGraph([
      { ...chainFiles[0], name: 'etl/x.py' },
      { ...chainFiles[1], name: 'etl/y.py' },
    ]);
    for (const n of hostile.nodes) n.label = `${HOSTILE}${n.label}`;
    for (const p of hostile.pipelines ?? []) p.name = `${HOSTILE}"'${p.name}`;
    const o = await open(1400);
    await send(o.page, hostile, 'x', pathToFileURL(path.resolve(ROOT, 'etl/x.py')).href);
    assert.equal(await o.page.$$eval('img', (els) => els.length), 0);
    const options = await o.page.$$eval('#search-names option', (els) => els.map((e) => (e as HTMLOptionElement).value));
    assert.ok(options.every((v) => v.startsWith(HOSTILE)));
    const names = await o.page.$$eval('#viewport .frame__header', (els) =>
      els.map((e) => [e.getAttribute('data-frame-toggle'), e.querySelector('.frame__name')!.textContent, e.querySelector('title')!.textContent]),
    );
    assert.ok(
      names.length > 0 && names.every(([toggle, name, title]) => toggle!.startsWith(`${HOSTILE}"'`) && name!.startsWith('<img') && title!.startsWith('<img')),
    );
    await o.page.focus('#viewport .frame__header');
    await o.page.click('#viewport .frame__header');
    await o.page.waitForSelector('#viewport .node--pipeline');
    assert.ok((await o.page.textContent('#viewport .node--pipeline .node__label'))!.startsWith('<img'));
    await o.page.focus('#search');
    await o.page.keyboard.type(HOSTILE);
    await o.page.keyboard.press('Enter');
    assert.equal(await o.page.$$eval('img', (els) => els.length), 0);
  });

  it('escapes hostile names and formats in a group of folded chains, and in the chains it opens', async () => {
    const graph = await projectGraph(medallionProject(12));
    for (const n of graph.nodes) {
      n.label = `${HOSTILE}${n.label}`;
      if (n.kind === 'dataset') n.format = `${HOSTILE}"'`;
    }
    const o = await open(480);
    await send(o.page, graph, 'Workspace');
    const groups = await o.page.$$eval('#viewport .node--fold', (els) =>
      els.map((e) => [e.querySelector('.node__label')!.textContent!, e.getAttribute('aria-label')!, e.getAttribute('data-node-id')!]),
    );
    // Twelve bronze chains and eight silver ones fold; four gold ones do not.
    assert.equal(groups.length, 2);
    for (const [label, name, id] of groups) {
      // Shortened to fit the panel: its start is the literal text of the name.
      assert.match(label, /^(12|8) × <img src=x/);
      assert.ok(name.includes(HOSTILE) && id.includes(`${HOSTILE}"'`), name);
    }
    assert.equal(await o.page.$$eval('img', (els) => els.length), 0);
    await o.page.click('#viewport .node--fold');
    await o.page.waitForFunction(() => document.querySelectorAll('#viewport .node--fold').length === 1);
    const first = graph.nodes.find((n) => n.label === `${HOSTILE}landing/feed_0`)!;
    const shown = await o.page.getAttribute(`#viewport .node[data-node-id="${first.id}"]`, 'aria-label');
    assert.ok(shown!.startsWith(HOSTILE), shown!);
    assert.equal(await o.page.$$eval('img', (els) => els.length), 0);
  });

  for (const width of [480, 640, 1400]) {
    it(`wraps a lane's chain of 20 steps at ${width} px: not one endless row, text >= 11 px, nodes in view across`, async () => {
      const files = chainProject(20);
      const graph = await projectGraph(files);
      const o = await open(width);
      await send(o.page, graph, 'chain.py', uriOf(files[0]));
      const s = await drawn(o.page);
      assert.equal(s.nodes.length, graph.nodes.length, 'one file: everything is drawn');
      assert.ok(s.minTextPx >= MIN_TEXT_PX, `smallest text ${s.minTextPx.toFixed(1)} px`);
      const silver = s.lanes.find((l) => l.name === 'silver')!;
      const inSilver = s.nodes.filter((n) => inside(n, silver));
      assert.ok(inSilver.length >= 38, `${inSilver.length} nodes in the silver lane`);
      const stageWidth = s.stage.right - s.stage.left;
      const wrapped = (await o.page.$$('#viewport .edge--wrapped')).length;
      // Rows of nodes side by side (same top) and columns (same left) in the silver lane.
      const perRow = Math.max(...counts(inSilver.map((n) => Math.round(n.top))));
      // A column: three or more nodes one above the other.
      const columns = counts(inSilver.map((n) => Math.round((n.left + n.right) / 2))).filter((c) => c >= 3).length;
      if (width < 800) {
        // Stacked lanes, the flow going down: the chain is a column, folded into as many columns
        // as fit the panel's width (one at 480 px, where two would not fit).
        assert.ok(perRow <= (width < 600 ? 1 : 3), `${perRow} nodes side by side`);
        if (width >= 600) assert.ok(wrapped >= 1 && columns >= 2, `${columns} columns, ${wrapped} wrap edges`);
        else assert.equal(wrapped, 0);
        for (const n of s.nodes) assert.ok(n.left >= s.stage.left - 0.5 && n.right <= s.stage.right + 0.5, `${n.label} within the panel's width`);
      } else {
        // Side by side lanes: the chain folds into rows no wider than the panel.
        const rows = new Set(inSilver.map((n) => Math.round(n.top)));
        assert.ok(rows.size >= 3, `${rows.size} rows`);
        assert.ok(perRow < 20, `${perRow} nodes in a row`);
        assert.ok(silver.right - silver.left <= stageWidth, `silver lane ${Math.round(silver.right - silver.left)} px wide in a ${stageWidth} px panel`);
        assert.ok(wrapped >= 2, `${wrapped} wrap edges`);
      }
      // The chain's first node opens in view.
      const start = s.nodes.find((n) => n.label === 'bronze/events')!;
      assert.ok(inside(start, s.stage), 'the start of the chain is in view');
    });
  }
});
