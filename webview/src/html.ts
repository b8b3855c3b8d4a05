/**
 * The preview page's HTML document. Called by the extension host (no DOM here) and by the
 * browser tests, so both run exactly the same markup under exactly the same CSP.
 */
export interface PreviewHtmlOptions {
  /** `webview.cspSource`: the origin the script and stylesheet are served from. */
  cspSource: string;
  /** Fresh random value per page load; only the script carrying it may run. */
  nonce: string;
  /** `webview.asWebviewUri(dist/webview.js)`. */
  scriptUri: string;
  /** `webview.asWebviewUri(dist/preview.css)`. */
  styleUri: string;
  title: string;
}

export const EMPTY_STATE_TEXT = 'No Spark reads or writes found';

/** For text and double-quoted attribute values (the CSP's own single quotes stay readable). */
function escapeHtml(text: string): string {
  return text.replace(/[&<>"]/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;' })[c]!);
}

export function previewCsp(cspSource: string, nonce: string): string {
  return ["default-src 'none'", `img-src ${cspSource} data: blob:`, `style-src ${cspSource}`, `script-src 'nonce-${nonce}'`, `font-src ${cspSource}`].join(
    '; ',
  );
}

export function previewHtml(opts: PreviewHtmlOptions): string {
  const csp = escapeHtml(previewCsp(opts.cspSource, opts.nonce));
  const title = escapeHtml(opts.title);
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="UTF-8">
<meta http-equiv="Content-Security-Policy" content="${csp}">
<meta name="viewport" content="width=device-width, initial-scale=1.0">
<link rel="stylesheet" href="${escapeHtml(opts.styleUri)}">
<title>${title}</title>
</head>
<body>
<header class="toolbar" role="toolbar" aria-label="Architecture preview">
  <h1 id="title" class="toolbar__title">${title}</h1>
  <span id="summary" class="toolbar__summary" aria-live="polite"></span>
  <span class="toolbar__spacer"></span>
  <input id="search" class="toolbar__search" type="search" list="search-names" placeholder="Find dataset or step" aria-label="Find a dataset or step (Enter jumps to it)" autocomplete="off" spellcheck="false">
  <datalist id="search-names"></datalist>
  <label class="toolbar__hops" title="How many hops up and down stream of the current file are drawn; the rest folds into stubs">Hops <select id="hops" aria-label="Hops up and down stream of the current file"></select></label>
  <button id="zoom-out" type="button" title="Zoom out (-)" aria-label="Zoom out">&#x2212;</button>
  <button id="zoom-in" type="button" title="Zoom in (+)" aria-label="Zoom in">+</button>
  <button id="fit" type="button" title="Fit to view (0)">Fit</button>
  <button id="export-svg" type="button" title="Export as SVG">SVG</button>
  <button id="export-png" type="button" title="Export as PNG">PNG</button>
</header>
<main id="stage" class="stage">
  <div id="layer" class="layer">
  <svg id="graph" class="graph" xmlns="http://www.w3.org/2000/svg" role="group" aria-label="Pipeline graph">
    <defs>
      <marker id="psa-arrow" class="arrow" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="7" markerHeight="7" orient="auto-start-reverse">
        <path class="arrow__head" d="M0,0 L10,5 L0,10 z"/>
      </marker>
    </defs>
    <g id="viewport"></g>
  </svg>
  </div>
  <div id="empty" class="empty" role="status">
    <p class="empty__title">Waiting for the analysis&#x2026;</p>
    <p class="empty__hint"></p>
  </div>
  <div id="details" class="details" role="tooltip" hidden></div>
</main>
<script nonce="${escapeHtml(opts.nonce)}" src="${escapeHtml(opts.scriptUri)}"></script>
</body>
</html>
`;
}
