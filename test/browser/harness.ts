/**
 * Runs the built preview page (dist/webview.js + dist/preview.css) in Debian's Chromium, served
 * over loopback with the CSP from previewHtml, with a recording stand-in for acquireVsCodeApi.
 */
import { existsSync, readFileSync } from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import type { GraphFinding, GraphNode, PipelineGraph, WebviewToHost } from '../../shared/protocol';
import { previewHtml } from '../../webview/src/html';

export const CHROMIUM_PATH = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const ROOT = path.resolve(__dirname, '../../..');
const DIST = path.join(ROOT, 'dist');

export async function launchChromium(): Promise<Browser> {
  if (!existsSync(CHROMIUM_PATH)) {
    throw new Error(`Browser tests need Chromium at ${CHROMIUM_PATH} (install it with: apt-get install -y chromium, or set CHROMIUM_PATH).`);
  }
  for (const file of ['webview.js', 'preview.css']) {
    if (!existsSync(path.join(DIST, file))) throw new Error(`dist/${file} is missing: run npm run build first.`);
  }
  return chromium.launch({
    executablePath: CHROMIUM_PATH,
    headless: true,
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
}

export type ThemeKind = 'dark' | 'light' | 'hc' | 'hc-light';

/** The classes VS Code puts on a webview's body for each kind of theme. */
export const THEME_BODY_CLASS: Record<ThemeKind, string> = {
  dark: 'vscode-dark',
  light: 'vscode-light',
  hc: 'vscode-high-contrast',
  'hc-light': 'vscode-high-contrast vscode-high-contrast-light',
};

// Stand-ins for the variables VS Code puts on the page; the values follow Dark Modern / Light
// Modern and the Dark / Light High Contrast themes.
const THEMES: Record<ThemeKind, Record<string, string>> = {
  dark: {
    'font-family': '"DejaVu Sans", "Liberation Sans", sans-serif',
    'font-size': '13px',
    foreground: '#cccccc',
    'editor-background': '#1f1f1f',
    descriptionForeground: '#9d9d9d',
    focusBorder: '#0078d4',
    'panel-border': '#2b2b2b',
    'editorWidget-background': '#202020',
    'list-hoverBackground': '#2a2d2e',
    'charts-foreground': '#cccccc',
    'charts-lines': '#cccccc80',
    'charts-red': '#f14c4c',
    'charts-blue': '#3794ff',
    'charts-yellow': '#cca700',
    'charts-orange': '#d18616',
    'charts-green': '#89d185',
    'charts-purple': '#b180d7',
    'editorError-foreground': '#f14c4c',
    'editorWarning-foreground': '#cca700',
    'editorInfo-foreground': '#3794ff',
    'editorHoverWidget-background': '#202020',
    'editorHoverWidget-foreground': '#cccccc',
    'editorHoverWidget-border': '#454545',
    'widget-shadow': '#0000005c',
    'button-secondaryForeground': '#cccccc',
    'button-secondaryBackground': '#313131',
    'button-secondaryHoverBackground': '#3c3c3c',
  },
  light: {
    'font-family': '"DejaVu Sans", "Liberation Sans", sans-serif',
    'font-size': '13px',
    foreground: '#3b3b3b',
    'editor-background': '#ffffff',
    descriptionForeground: '#3b3b3b',
    focusBorder: '#005fb8',
    'panel-border': '#e5e5e5',
    'editorWidget-background': '#f8f8f8',
    'list-hoverBackground': '#f2f2f2',
    'charts-foreground': '#616161',
    'charts-lines': '#61616180',
    'charts-red': '#e51400',
    'charts-blue': '#1a85ff',
    'charts-yellow': '#bf8803',
    'charts-orange': '#d18616',
    'charts-green': '#388a34',
    'charts-purple': '#652d90',
    'editorError-foreground': '#e51400',
    'editorWarning-foreground': '#bf8803',
    'editorInfo-foreground': '#1a85ff',
    'editorHoverWidget-background': '#f8f8f8',
    'editorHoverWidget-foreground': '#3b3b3b',
    'editorHoverWidget-border': '#c8c8c8',
    'widget-shadow': '#00000029',
    'button-secondaryForeground': '#3b3b3b',
    'button-secondaryBackground': '#e5e5e5',
    'button-secondaryHoverBackground': '#cccccc',
  },
  hc: {
    'font-family': '"DejaVu Sans", "Liberation Sans", sans-serif',
    'font-size': '13px',
    foreground: '#ffffff',
    'editor-background': '#000000',
    descriptionForeground: '#ffffff',
    focusBorder: '#f38518',
    contrastBorder: '#6fc3df',
    'panel-border': '#6fc3df',
    'editorWidget-background': '#0c141f',
    'list-hoverBackground': '#000000',
    'charts-foreground': '#ffffff',
    'charts-lines': '#ffffff80',
    'charts-red': '#f48771',
    'charts-blue': '#3794ff',
    'charts-yellow': '#cca700',
    'charts-orange': '#d18616',
    'charts-green': '#89d185',
    'charts-purple': '#b180d7',
    'editorError-foreground': '#f48771',
    'editorWarning-foreground': '#cca700',
    'editorInfo-foreground': '#3794ff',
    'editorHoverWidget-background': '#0c141f',
    'editorHoverWidget-foreground': '#ffffff',
    'editorHoverWidget-border': '#6fc3df',
    'widget-shadow': '#00000000',
    'button-secondaryForeground': '#ffffff',
    'button-secondaryBackground': '#000000',
    'button-secondaryHoverBackground': '#000000',
  },
  'hc-light': {
    'font-family': '"DejaVu Sans", "Liberation Sans", sans-serif',
    'font-size': '13px',
    foreground: '#292929',
    'editor-background': '#ffffff',
    descriptionForeground: '#292929',
    focusBorder: '#006bbd',
    contrastBorder: '#0f4a85',
    'panel-border': '#0f4a85',
    'editorWidget-background': '#ffffff',
    'list-hoverBackground': '#ffffff',
    'charts-foreground': '#292929',
    'charts-lines': '#29292980',
    'charts-red': '#b5200d',
    'charts-blue': '#0f4a85',
    'charts-yellow': '#895503',
    'charts-orange': '#8f4c00',
    'charts-green': '#374e06',
    'charts-purple': '#652d90',
    'editorError-foreground': '#b5200d',
    'editorWarning-foreground': '#895503',
    'editorInfo-foreground': '#0f4a85',
    'editorHoverWidget-background': '#ffffff',
    'editorHoverWidget-foreground': '#292929',
    'editorHoverWidget-border': '#0f4a85',
    'widget-shadow': '#00000000',
    'button-secondaryForeground': '#292929',
    'button-secondaryBackground': '#ffffff',
    'button-secondaryHoverBackground': '#ffffff',
  },
};

function themeCss(theme: ThemeKind): string {
  const vars = Object.entries(THEMES[theme])
    .map(([k, v]) => `  --vscode-${k}: ${v};`)
    .join('\n');
  return `:root {\n${vars}\n}\n`;
}

export const TEST_NONCE = 'dGVzdC1ub25jZS0xMjM0';

export interface PreviewServer {
  origin: string;
  close(): Promise<void>;
}

/** Serves the page exactly as previewHtml writes it, plus a theme sheet as VS Code would add. */
export async function startServer(): Promise<PreviewServer> {
  const server = http.createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    const origin = `http://${req.headers.host}`;
    const send = (status: number, type: string, body: string | Buffer) => {
      res.writeHead(status, { 'Content-Type': type, 'Cache-Control': 'no-store' });
      res.end(body);
    };
    if (url.pathname === '/preview') {
      const asked = url.searchParams.get('theme') as ThemeKind | null;
      const theme: ThemeKind = asked && asked in THEMES ? asked : 'dark';
      const html = previewHtml({
        cspSource: origin,
        nonce: TEST_NONCE,
        scriptUri: `${origin}/dist/webview.js`,
        styleUri: `${origin}/dist/preview.css`,
        title: url.searchParams.get('title') ?? 'orders.py',
      })
        .replace('</head>', `<link rel="stylesheet" href="${origin}/theme/${theme}.css">\n</head>`)
        .replace('<body>', `<body class="${THEME_BODY_CLASS[theme]}">`);
      send(200, 'text/html; charset=utf-8', html);
    } else if (/^\/theme\/[a-z-]+\.css$/.test(url.pathname) && path.basename(url.pathname, '.css') in THEMES) {
      send(200, 'text/css', themeCss(path.basename(url.pathname, '.css') as ThemeKind));
    } else if (url.pathname === '/dist/webview.js' || url.pathname === '/dist/preview.css') {
      const file = path.join(DIST, path.basename(url.pathname));
      send(200, file.endsWith('.js') ? 'text/javascript' : 'text/css', readFileSync(file));
    } else if (url.pathname === '/favicon.ico') {
      // Browsers ask for it on their own; a webview never does, so it is not a page error.
      send(204, 'image/x-icon', '');
    } else {
      send(404, 'text/plain', 'not found');
    }
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    origin: `http://127.0.0.1:${port}`,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

declare global {
  interface Window {
    __posted: WebviewToHost[];
    __state: unknown;
    __cspViolations: string[];
  }
}

export interface OpenedPreview {
  context: BrowserContext;
  page: Page;
  /** Console errors, uncaught page errors and dialogs (alert from injected markup would land here). */
  problems: string[];
}

export async function openPreview(
  browser: Browser,
  server: PreviewServer,
  opts: { theme?: ThemeKind; state?: unknown; width?: number; height?: number } = {},
): Promise<OpenedPreview> {
  const context = await browser.newContext({ viewport: { width: opts.width ?? 1000, height: opts.height ?? 560 }, deviceScaleFactor: 1 });
  const page = await context.newPage();
  const problems: string[] = [];
  page.on('console', (m) => {
    if (m.type() === 'error') problems.push(`console: ${m.text()}`);
  });
  page.on('pageerror', (e) => problems.push(`pageerror: ${e.message}`));
  page.on('dialog', (d) => {
    problems.push(`dialog: ${d.message()}`);
    void d.dismiss();
  });
  // Runs before any page script, like the API VS Code injects into a webview.
  await page.addInitScript((initialState: unknown) => {
    window.__posted = [];
    window.__state = initialState;
    window.__cspViolations = [];
    document.addEventListener('securitypolicyviolation', (e) => {
      window.__cspViolations.push(`${e.violatedDirective} ${e.blockedURI}`);
    });
    let acquired = false;
    (window as unknown as { acquireVsCodeApi: () => unknown }).acquireVsCodeApi = () => {
      if (acquired) throw new Error('acquireVsCodeApi called twice');
      acquired = true;
      return {
        postMessage: (m: WebviewToHost) => window.__posted.push(JSON.parse(JSON.stringify(m))),
        getState: () => window.__state,
        setState: (s: unknown) => {
          window.__state = JSON.parse(JSON.stringify(s));
          return s;
        },
      };
    };
  }, opts.state ?? null);
  await page.goto(`${server.origin}/preview?theme=${opts.theme ?? 'dark'}`);
  await page.waitForFunction(() => window.__posted.some((m) => m.type === 'ready'));
  return { context, page, problems };
}

export async function sendGraph(page: Page, graph: PipelineGraph, title = 'orders.py'): Promise<void> {
  await page.evaluate(({ graph, title }) => window.postMessage({ type: 'graph', graph, title }, '*'), { graph, title });
  const expected = graph.nodes.length;
  await page.waitForFunction(
    (n) => document.querySelectorAll('#viewport .node').length === n && (n > 0 || !document.getElementById('empty')!.hidden),
    expected,
  );
}

/**
 * Posts a graph with the file it is scoped to (undefined: the workspace) and waits until it is drawn.
 * A file's view of a larger graph draws its neighbourhood and stubs for the rest, not every node;
 * frames past the first screen are drawn in later tasks: the page says when it is done.
 */
export async function sendScoped(page: Page, graph: PipelineGraph, title: string, scope?: string): Promise<void> {
  await page.evaluate(({ graph, title, scope }) => window.postMessage({ type: 'graph', graph, title, scope }, '*'), { graph, title, scope });
  await page.waitForFunction(
    (t) =>
      document.getElementById('title')!.textContent === t &&
      document.querySelectorAll('#viewport .node').length > 0 &&
      !document.getElementById('graph')!.hasAttribute('aria-busy'),
    title,
  );
}

export async function posted(page: Page): Promise<WebviewToHost[]> {
  return page.evaluate(() => window.__posted);
}

export async function waitForPosted<T extends WebviewToHost['type']>(page: Page, type: T): Promise<Extract<WebviewToHost, { type: T }>> {
  const handle = await page.waitForFunction((t) => window.__posted.find((m) => m.type === t), type, { timeout: 10000 });
  return (await handle.jsonValue()) as Extract<WebviewToHost, { type: T }>;
}

export async function viewportTransform(page: Page): Promise<string | null> {
  return page.getAttribute('#viewport', 'data-view');
}

// ---- Graph fixtures -------------------------------------------------------------------------

let line = 0;
export function node(id: string, layer: string | null, extra: Partial<GraphNode> = {}): GraphNode {
  line += 3;
  return {
    id,
    kind: 'dataset',
    label: id,
    layer,
    streaming: false,
    role: 'intermediate',
    filename: 'pipeline.py',
    uri: 'file:///work/pipeline.py',
    range: { start: { line, character: 4 }, end: { line, character: 30 } },
    findings: [],
    ...extra,
  };
}

export function finding(code: string, severity: GraphFinding['severity'], message: string): GraphFinding {
  return { code, severity, message };
}

/** A medallion pipeline: a Kafka topic without a layer feeding bronze, silver and gold. */
export function medallionGraph(): PipelineGraph {
  line = 0; // the same lines every call, so screenshots only change when the page does
  return {
    architecture: 'medallion',
    layers: ['bronze', 'silver', 'gold'],
    nodes: [
      node('topic:events', null, { label: 'events', format: 'kafka', location: 'events', role: 'source', streaming: true }),
      node('ingest', 'bronze', { kind: 'step', label: 'ingest_events', role: undefined, streaming: true }),
      node('bronze.events', 'bronze', {
        label: 'bronze.events',
        format: 'delta',
        location: '/mnt/lake/bronze/events',
        mode: 'append',
        streaming: true,
        columns: ['event_id', 'user_id', 'email', 'ts'],
        findings: [finding('PSA204', 'warning', 'Checkpoint location under /tmp is lost on cluster restart')],
      }),
      node('clean', 'silver', { kind: 'step', label: 'clean_events', role: undefined }),
      node('silver.events', 'silver', {
        label: 'silver.events',
        format: 'delta',
        location: '/mnt/lake/silver/events',
        mode: 'overwrite',
        columns: ['event_id', 'user_id', 'ts'],
      }),
      node('silver.users', 'silver', { label: 'silver.users', format: 'parquet', location: '/mnt/lake/silver/users', role: 'source' }),
      node('aggregate', 'gold', {
        kind: 'step',
        label: 'daily_rollup',
        role: undefined,
        findings: [finding('PSA201', 'error', 'Streaming aggregation without a watermark grows state forever')],
      }),
      node('gold.daily', 'gold', {
        label: 'gold.daily_metrics',
        format: 'delta',
        location: '/mnt/lake/gold/daily_metrics',
        role: 'sink',
        mode: 'overwrite',
        findings: [
          finding('PSA301', 'warning', 'coalesce(1) before write funnels all data through one task'),
          finding('PSA401', 'error', 'Column email reaches a sink unmasked'),
        ],
      }),
    ],
    edges: [
      { from: 'topic:events', to: 'ingest' },
      { from: 'ingest', to: 'bronze.events' },
      { from: 'bronze.events', to: 'clean' },
      { from: 'clean', to: 'silver.events' },
      { from: 'silver.events', to: 'aggregate' },
      { from: 'silver.users', to: 'aggregate' },
      { from: 'aggregate', to: 'gold.daily' },
    ],
  };
}

export const HOSTILE = '<img src=x onerror=alert(1)>';
