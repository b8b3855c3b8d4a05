// Draws a pipeline graph (the CLI's `graph --format json` output) in the real preview webview, in
// Chromium, and writes a screenshot per panel width: how a real project looks at first open,
// without VS Code.
//
//   node scripts/preview/render-graph.mjs GRAPH.json [--widths=480,1400] [--height=960]
//     [--scope=FILE_URI] [--title=TEXT] [--theme=dark|light] [--out=PREFIX]
//
// Writes PREFIX-<width>.png (default: next to GRAPH.json) and prints, per width, what a reader
// sees without touching the zoom: the scale, the smallest text, the nodes and frame names in view,
// and the labels the layout shortened. Needs `npm run build` and `npx tsc -p test/tsconfig.json`.
// Screenshots of third-party code stay outside the repository.
import { readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';

const require = createRequire(import.meta.url);
const root = path.resolve(path.dirname(new URL(import.meta.url).pathname), '../..');
const { launchChromium, openPreview, startServer } = require(path.join(root, 'out/test/browser/harness.js'));

const args = process.argv.slice(2);
const opt = (name, fallback) => {
  const a = args.find((x) => x.startsWith(`--${name}=`));
  return a ? a.slice(name.length + 3) : fallback;
};
const file = args.find((a) => !a.startsWith('--'));
if (!file) {
  console.error('usage: render-graph.mjs GRAPH.json [--widths=480,1400] [--scope=URI] [--title=T] [--out=PREFIX]');
  process.exit(2);
}
const graph = JSON.parse(readFileSync(file, 'utf8'));
const widths = opt('widths', '480,1400').split(',').map(Number);
const height = Number(opt('height', '960'));
const scope = opt('scope', undefined);
const title = opt('title', scope ? path.basename(new URL(scope).pathname) : 'Workspace');
const prefix = opt('out', file.replace(/\.json$/, ''));

/** What is on screen, as a reader without the zoom sees it. */
export async function readability(page) {
  return page.evaluate(() => {
    const stage = document.getElementById('graph').getBoundingClientRect();
    const scale = Number(/scale\(([\d.]+)/.exec(document.getElementById('viewport').getAttribute('data-view') ?? '')?.[1] ?? 1);
    const inView = (el) => {
      const b = el.getBoundingClientRect();
      return b.right > stage.left && b.left < stage.right && b.bottom > stage.top && b.top < stage.bottom;
    };
    const fully = (el) => {
      const b = el.getBoundingClientRect();
      return b.left >= stage.left && b.right <= stage.right && b.top >= stage.top && b.bottom <= stage.bottom;
    };
    const texts = Array.from(document.querySelectorAll('#viewport text')).filter(inView);
    const nodes = Array.from(document.querySelectorAll('#viewport .node'));
    const labels = nodes.map((n) => ({ full: n.getAttribute('aria-label') ?? '', shown: n.querySelector('.node__label')?.textContent ?? '' }));
    return {
      scale,
      minTextPx: Math.min(...texts.map((t) => parseFloat(getComputedStyle(t).fontSize) * scale)),
      nodes: nodes.length,
      nodesInView: nodes.filter((n) => fully(n.querySelector('.node__box'))).length,
      frames: document.querySelectorAll('#viewport .frame').length,
      frameNamesInView: Array.from(document.querySelectorAll('#viewport .frame__title'))
        .filter(fully)
        .map((t) => t.textContent),
      shortened: labels.filter((l) => l.shown.includes('…')).map((l) => `${l.shown} (${l.full.split(',')[0]})`),
      lanes: Array.from(document.querySelectorAll('#viewport .lane'))
        .filter(inView)
        .map((l) => l.getAttribute('data-lane') ?? ''),
      summary: document.getElementById('summary').textContent,
    };
  });
}

const browser = await launchChromium();
const server = await startServer();
try {
  for (const width of widths) {
    const o = await openPreview(browser, server, { width, height, theme: opt('theme', 'dark') });
    await o.page.evaluate(({ graph, title, scope }) => window.postMessage({ type: 'graph', graph, title, scope }, '*'), { graph, title, scope });
    await o.page.waitForFunction(
      (t) => document.getElementById('title').textContent === t && !document.getElementById('graph').hasAttribute('aria-busy'),
      title,
    );
    await o.page.evaluate(() => new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r))));
    const out = `${prefix}-${width}.png`;
    writeFileSync(out, await o.page.screenshot({ type: 'png' }));
    console.log(`${width} px -> ${out}`);
    console.log(JSON.stringify(await readability(o.page), null, 1));
    if (o.problems.length) console.log('problems:', o.problems);
    await o.context.close();
  }
} finally {
  await browser.close();
  await server.close();
}
