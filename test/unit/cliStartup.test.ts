import * as assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

const ROOT = path.resolve(__dirname, '../../..');

/**
 * Runs a CLI entry with a preload that prints, at exit, every module file this process loaded
 * (`require.cache`): what the CLI compiled to answer.
 */
function loadedModules(entry: string, args: string[]): { code: number | null; stdout: string; loaded: string[] } {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'psa-startup-'));
  try {
    const preload = path.join(dir, 'loaded.cjs');
    fs.writeFileSync(preload, `process.on('exit', () => process.stderr.write('\\nLOADED ' + JSON.stringify(Object.keys(require.cache)) + '\\n'));\n`);
    const r = spawnSync(process.execPath, ['-r', preload, entry, ...args], { cwd: ROOT, encoding: 'utf8' });
    const line = r.stderr.split('\n').find((l) => l.startsWith('LOADED '));
    assert.ok(line, r.stderr);
    const loaded = (JSON.parse(line.slice('LOADED '.length)) as string[]).filter((f) => f !== preload);
    return { code: r.status, stdout: r.stdout, loaded };
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

describe('CLI startup loads the engine only when a file needs it', function () {
  this.timeout(60_000);
  let tmp: string;
  before(() => {
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'psa-startup-files-'));
    fs.writeFileSync(path.join(tmp, 'empty.py'), '');
    fs.writeFileSync(path.join(tmp, 'plain.py'), 'def add(a, b):\n    return a + b\n');
    fs.copyFileSync(path.join(ROOT, 'samples/customer_export.py'), path.join(tmp, 'job.py'));
  });
  after(() => fs.rmSync(tmp, { recursive: true, force: true }));

  it('the bundle: check on files with nothing of Spark in them never loads dist/cliEngine.js', () => {
    const r = loadedModules(path.join(ROOT, 'dist/cli.js'), ['check', path.join(tmp, 'empty.py'), path.join(tmp, 'plain.py')]);
    assert.equal(r.code, 0);
    assert.match(r.stdout, /All clear: 2 files checked\./);
    assert.deepEqual(
      r.loaded.map((f) => path.relative(ROOT, f)),
      [path.join('dist', 'cli.js')],
    );
  });

  it('the bundle: a PySpark file loads the engine (the check above can fail)', () => {
    const r = loadedModules(path.join(ROOT, 'dist/cli.js'), ['check', path.join(tmp, 'job.py')]);
    assert.equal(r.code, 1);
    assert.ok(r.loaded.includes(path.join(ROOT, 'dist/cliEngine.js')), r.loaded.join('\n'));
  });

  it('the modules: an empty file loads no rule, no Spark knowledge, no language server', () => {
    const r = loadedModules(path.join(ROOT, 'out/server/src/cli/main.js'), ['check', path.join(tmp, 'empty.py')]);
    assert.equal(r.code, 0);
    const ours = r.loaded.map((f) => path.relative(path.join(ROOT, 'out'), f)).filter((f) => !f.startsWith('..'));
    assert.ok(ours.includes(path.join('server', 'src', 'cli', 'main.js')), ours.join('\n'));
    const heavy = ours.filter((f) => /^server[/\\]src[/\\](rules|spark|model|lsp|graph|notebook|context)[/\\]|analysis\.js$|cliEngine\.js$/.test(f));
    assert.deepEqual(heavy, []);
    assert.ok(!r.loaded.some((f) => f.includes(`${path.sep}node_modules${path.sep}re2js${path.sep}`)), 're2js is loaded on first use only');
  });
});
