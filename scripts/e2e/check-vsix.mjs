#!/usr/bin/env node
// Checks the packaged extension: size under the limit, no node_modules, the bundles and both wasm
// files present, and every file the manifest points at (main, icon, snippets, walkthrough media)
// inside the archive. Usage: node scripts/e2e/check-vsix.mjs [path/to.vsix]   (exit 1 on failure)
import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { inflateRawSync } from 'node:zlib';

const MAX_BYTES = 2 * 1024 * 1024;
const root = path.resolve(path.dirname(new URL(import.meta.url).pathname), '../..');

/** Entries of a zip archive from its central directory: name, sizes, and a reader for the data. */
export function readZip(buf) {
  let eocd = -1;
  for (let i = buf.length - 22; i >= Math.max(0, buf.length - 22 - 0xffff); i--) {
    if (buf.readUInt32LE(i) === 0x06054b50) {
      eocd = i;
      break;
    }
  }
  if (eocd < 0) throw new Error('not a zip archive (no end of central directory)');
  const count = buf.readUInt16LE(eocd + 10);
  let at = buf.readUInt32LE(eocd + 16);
  const entries = [];
  for (let n = 0; n < count; n++) {
    if (buf.readUInt32LE(at) !== 0x02014b50) throw new Error('corrupt central directory');
    const method = buf.readUInt16LE(at + 10);
    const compressedSize = buf.readUInt32LE(at + 20);
    const size = buf.readUInt32LE(at + 24);
    const nameLen = buf.readUInt16LE(at + 28);
    const extraLen = buf.readUInt16LE(at + 30);
    const commentLen = buf.readUInt16LE(at + 32);
    const localOffset = buf.readUInt32LE(at + 42);
    const name = buf.toString('utf8', at + 46, at + 46 + nameLen);
    entries.push({
      name,
      size,
      compressedSize,
      read() {
        const dataAt = localOffset + 30 + buf.readUInt16LE(localOffset + 26) + buf.readUInt16LE(localOffset + 28);
        const raw = buf.subarray(dataAt, dataAt + compressedSize);
        return method === 0 ? Buffer.from(raw) : inflateRawSync(raw);
      },
    });
    at += 46 + nameLen + extraLen + commentLen;
  }
  return entries;
}

export function checkVsix(file) {
  const problems = [];
  const bytes = statSync(file).size;
  if (bytes >= MAX_BYTES) problems.push(`${(bytes / 1048576).toFixed(2)} MB: over the 2 MB limit`);
  const entries = readZip(readFileSync(file));
  const names = new Set(entries.map((e) => e.name));
  for (const e of entries) {
    if (/(^|\/)node_modules\//.test(e.name)) problems.push(`contains ${e.name}`);
    if (e.name.endsWith('.map')) problems.push(`contains a source map: ${e.name}`);
    if (/^extension\/(client|server|shared|webview|test|samples|scripts|out|\.e2e|\.ci)\//.test(e.name))
      problems.push(`contains a source/test file: ${e.name}`);
  }
  const manifestEntry = entries.find((e) => e.name === 'extension/package.json');
  if (!manifestEntry) return { bytes, entries, problems: [...problems, 'no extension/package.json'] };
  const manifest = JSON.parse(manifestEntry.read().toString('utf8'));
  const rel = (p) => 'extension/' + path.posix.normalize(p.replace(/^\.\//, ''));
  const required = [
    'extension/dist/extension.js',
    'extension/dist/server.js',
    // The CLI (package.json "bin") and the engine it loads on first need.
    'extension/dist/cli.js',
    'extension/dist/cliEngine.js',
    'extension/dist/web-tree-sitter.wasm',
    'extension/dist/tree-sitter-python.wasm',
    'extension/dist/web-tree-sitter.cjs',
    'extension/readme.md',
    'extension/changelog.md',
    'extension/LICENSE.txt',
  ];
  const main = manifest.main.endsWith('.js') ? manifest.main : manifest.main + '.js';
  required.push(rel(main));
  if (manifest.icon) required.push(rel(manifest.icon));
  for (const s of manifest.contributes?.snippets ?? []) required.push(rel(s.path));
  for (const g of manifest.contributes?.grammars ?? []) required.push(rel(g.path));
  for (const w of manifest.contributes?.walkthroughs ?? []) {
    for (const step of w.steps ?? []) {
      for (const key of ['markdown', 'svg']) if (step.media?.[key]) required.push(rel(step.media[key]));
      const image = step.media?.image;
      if (typeof image === 'string') required.push(rel(image));
      else if (image) for (const v of Object.values(image)) required.push(rel(v));
    }
  }
  // Diagnostics link each code to its page beside the server (server/src/findings.ts docsUrl).
  for (const f of readdirSync(path.join(root, 'docs/rules'))) if (f.endsWith('.md')) required.push(`extension/docs/rules/${f}`);
  for (const r of new Set(required)) if (!names.has(r)) problems.push(`missing ${r}`);
  return { bytes, entries, problems };
}

if (process.argv[1] && path.resolve(process.argv[1]) === path.resolve(new URL(import.meta.url).pathname)) {
  const file = path.resolve(process.argv[2] ?? path.join(root, 'dist-vsix/pyspark-architect.vsix'));
  const { bytes, entries, problems } = checkVsix(file);
  console.log(`${path.relative(process.cwd(), file)}: ${(bytes / 1024).toFixed(0)} KB, ${entries.length} entries`);
  if (problems.length) {
    for (const p of problems) console.error(`  FAIL ${p}`);
    process.exit(1);
  }
  console.log('  ok: under 2 MB, no node_modules or source maps, bundles + both wasm files + every manifest-referenced file present');
}
