/**
 * Lane colours in Light, Dark and both High Contrast themes, read from Chromium's computed styles:
 * every lane border keeps 3:1 against the editor background (titles 4.5:1, they are text), every
 * pair of lanes stays apart for normal, protan, deutan and tritan vision, and each lane also has
 * its own dash pattern and its name written out, so colour is never the only cue.
 */
import assert from 'node:assert/strict';
import type { Browser } from 'playwright-core';
import type { PipelineGraph } from '../../shared/protocol';
import { generatedProject, projectGraph } from './generatedProject';
import { launchChromium, openPreview, sendGraph, startServer, type PreviewServer, type ThemeKind } from './harness';

type Rgb = [number, number, number];

function parseRgb(css: string): Rgb {
  const m = /rgba?\(\s*([\d.]+)[,\s]+([\d.]+)[,\s]+([\d.]+)/.exec(css);
  if (!m) throw new Error(`not an rgb() colour: ${css}`);
  return [Number(m[1]), Number(m[2]), Number(m[3])];
}

const linear = (c: number) => {
  const s = c / 255;
  return s <= 0.04045 ? s / 12.92 : ((s + 0.055) / 1.055) ** 2.4;
};

/** WCAG 2 relative luminance and contrast ratio. */
function luminance(rgb: Rgb): number {
  const [r, g, b] = rgb.map(linear);
  return 0.2126 * r + 0.7152 * g + 0.0722 * b;
}

export function contrast(a: Rgb, b: Rgb): number {
  const [hi, lo] = [luminance(a), luminance(b)].sort((x, y) => y - x);
  return (hi + 0.05) / (lo + 0.05);
}

// Machado, Oliveira & Fernandes (2009) full-severity dichromacy matrices, on linear RGB.
const VISION: Record<string, number[][] | null> = {
  normal: null,
  protan: [
    [0.152286, 1.052583, -0.204868],
    [0.114503, 0.786281, 0.099216],
    [-0.003882, -0.048116, 1.051998],
  ],
  deutan: [
    [0.367322, 0.860646, -0.227968],
    [0.280085, 0.672501, 0.047413],
    [-0.01182, 0.04294, 0.968881],
  ],
  tritan: [
    [1.255528, -0.076749, -0.178779],
    [-0.078411, 0.930809, 0.147602],
    [0.004733, 0.691367, 0.3039],
  ],
};

/** CIELAB (D65) of a colour as seen with `vision`. */
function lab(rgb: Rgb, vision: number[][] | null): [number, number, number] {
  let v = rgb.map(linear);
  if (vision) v = vision.map((row) => Math.min(1, Math.max(0, row[0] * v[0] + row[1] * v[1] + row[2] * v[2])));
  const [r, g, b] = v;
  const x = (0.4124 * r + 0.3576 * g + 0.1805 * b) / 0.95047;
  const y = 0.2126 * r + 0.7152 * g + 0.0722 * b;
  const z = (0.0193 * r + 0.1192 * g + 0.9505 * b) / 1.08883;
  const f = (t: number) => (t > 0.008856 ? Math.cbrt(t) : 7.787 * t + 16 / 116);
  return [116 * f(y) - 16, 500 * (f(x) - f(y)), 200 * (f(y) - f(z))];
}

const deltaE = (a: number[], b: number[]) => Math.hypot(a[0] - b[0], a[1] - b[1], a[2] - b[2]);

/** Colours this far apart (CIE76) are told apart at a glance, lanes being large areas side by side. */
const MIN_DELTA_E = 15;

describe('lane colours per theme (Chromium computed styles)', function () {
  this.timeout(120000);
  let browser: Browser;
  let server: PreviewServer;
  let graph: PipelineGraph;

  before(async () => {
    browser = await launchChromium();
    server = await startServer();
    // Medallion and lambda pipelines: six lanes on screen at once.
    graph = await projectGraph(generatedProject(60));
  });
  after(async () => {
    await browser?.close();
    await server?.close();
  });

  it('the colour maths agree with known values', () => {
    assert.equal(Math.round(contrast([0, 0, 0], [255, 255, 255]) * 10) / 10, 21);
    assert.equal(Math.round(contrast([118, 118, 118], [255, 255, 255]) * 100) / 100, 4.54);
    // Red and green, far apart for normal vision, come close for a deuteranope.
    assert.ok(deltaE(lab([213, 94, 0], null), lab([0, 158, 115], null)) > 50);
    assert.ok(deltaE(lab([200, 60, 60], VISION.deutan), lab([110, 110, 30], VISION.deutan)) < deltaE(lab([200, 60, 60], null), lab([110, 110, 30], null)));
  });

  for (const theme of ['light', 'dark', 'hc', 'hc-light'] as ThemeKind[]) {
    it(`${theme}: lane borders >= 3:1, titles >= 4.5:1, lanes pairwise distinguishable for colour-blind users, dashes and names as second cue`, async () => {
      const { context, page, problems } = await openPreview(browser, server, { theme, width: 1400, height: 900 });
      try {
        await sendGraph(page, graph, 'Workspace');
        const bands = await page.$$eval('#viewport .lane', (els) =>
          els.map((el) => {
            const stripe = getComputedStyle(el.querySelector('.lane__stripe')!);
            return {
              name: el.getAttribute('data-lane') ?? '',
              stroke: stripe.stroke,
              dashes: stripe.strokeDasharray,
              title: el.querySelector('.lane__title')!.textContent,
              titleFill: getComputedStyle(el.querySelector('.lane__title')!).fill,
            };
          }),
        );
        const background = parseRgb(await page.evaluate(() => getComputedStyle(document.body).backgroundColor));
        // Each pipeline's frame has its own bands: a lane looks the same in every frame.
        const lanes = bands.filter((l, i) => bands.findIndex((m) => m.name === l.name) === i);
        for (const b of bands) {
          const first = lanes.find((l) => l.name === b.name)!;
          assert.deepEqual([b.stroke, b.dashes], [first.stroke, first.dashes], `${b.name} looks the same in every pipeline`);
        }
        assert.deepEqual(lanes.map((l) => l.name).sort(), ['batch', 'bronze', 'gold', 'serving', 'silver', 'speed']);
        for (const l of lanes) {
          const c = contrast(parseRgb(l.stroke), background);
          assert.ok(c >= 3, `${theme} ${l.name} border ${l.stroke} on ${background}: ${c.toFixed(2)}:1`);
          const t = contrast(parseRgb(l.titleFill), background);
          assert.ok(t >= 4.5, `${theme} ${l.name} title ${l.titleFill}: ${t.toFixed(2)}:1`);
          assert.equal(l.title, l.name, 'the lane says its name');
        }
        for (const [vision, matrix] of Object.entries(VISION)) {
          for (let i = 0; i < lanes.length; i++) {
            for (let j = i + 1; j < lanes.length; j++) {
              const d = deltaE(lab(parseRgb(lanes[i].stroke), matrix), lab(parseRgb(lanes[j].stroke), matrix));
              assert.ok(
                d >= MIN_DELTA_E,
                `${theme}, ${vision} vision: ${lanes[i].name} ${lanes[i].stroke} vs ${lanes[j].name} ${lanes[j].stroke}: ΔE ${d.toFixed(1)}`,
              );
            }
          }
        }
        assert.equal(new Set(lanes.map((l) => l.dashes)).size, lanes.length, `each lane has its own dash pattern: ${lanes.map((l) => l.dashes).join(' | ')}`);
        // Nodes say their lane in words too.
        const metas = await page.$$eval('#viewport .node__meta', (els) => els.map((e) => e.textContent ?? ''));
        assert.ok(
          metas.every((m) => /^(bronze|silver|gold|batch|speed|serving) · /.test(m)),
          'every node names its lane',
        );
        assert.deepEqual(problems, []);
      } finally {
        await context.close();
      }
    });
  }
});
