import * as assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';

const ROOT = path.resolve(__dirname, '../../..');
const pkg = JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8'));

describe('packaging for npm, npx and pre-commit', function () {
  this.timeout(60_000);

  it('npm pack ships the CLI with the server, both wasm files and every rule page, and nothing else of the sources', () => {
    const r = spawnSync('npm', ['pack', '--dry-run', '--json', '--ignore-scripts'], { cwd: ROOT, encoding: 'utf8' });
    assert.equal(r.status, 0, r.stderr);
    const files = new Set<string>(JSON.parse(r.stdout)[0].files.map((f: { path: string }) => f.path));
    const bin = String(pkg.bin['pyspark-architect']).replace(/^\.\//, '');
    for (const f of [bin, 'dist/server.js', 'dist/web-tree-sitter.wasm', 'dist/tree-sitter-python.wasm', 'docs/rules/README.md'])
      assert.ok(files.has(f), `${f} missing from the npm package`);
    for (const page of fs.readdirSync(path.join(ROOT, 'docs/rules'))) assert.ok(files.has(`docs/rules/${page}`), `docs/rules/${page} missing`);
    for (const f of files) assert.doesNotMatch(f, /^(server|client|test|samples|scripts|node_modules|out)\/|\.map$/, `${f} should not be in the npm package`);
    assert.ok(pkg.scripts.prepack, 'npm pack (and git installs, and pre-commit) build dist/ first');
  });

  it('.pre-commit-hooks.yaml runs the package bin on Python files', () => {
    const hooks = fs.readFileSync(path.join(ROOT, '.pre-commit-hooks.yaml'), 'utf8');
    assert.match(hooks, /^- id: pyspark-architect$/m);
    assert.match(hooks, /^ {2}language: node$/m);
    assert.match(hooks, /^ {2}types_or: \[python, jupyter\]$/m);
    const entry = /^ {2}entry: (.+)$/m.exec(hooks)![1].split(' ');
    assert.deepEqual(entry, [Object.keys(pkg.bin)[0], 'check']);
  });

  it('npm ci installs without engine warnings: every dev dependency accepts the Node of engines', () => {
    const node = pkg.engines.node as string;
    assert.equal(node, '>=20');
    const lock = JSON.parse(fs.readFileSync(path.join(ROOT, 'package-lock.json'), 'utf8'));
    const needs22 = Object.entries<any>(lock.packages)
      .filter(([, p]) => /^>=\s*2[1-9]/.test(p.engines?.node ?? ''))
      .map(([n]) => n);
    assert.deepEqual(needs22, []);
  });
});
