// esbuild resolves this require when it bundles the page (see layout.ts); the page has no Node types.
declare function require(id: '@dagrejs/dagre'): unknown;
