// The CLI lets the parser's runtime go after a very large file (its wasm memory never shrinks) and
// analyses that file from the JS copy of its tree, taken before the tree was freed.
import * as assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { analyze } from '../../server/src/analysis';
import { PythonParser } from '../../server/src/parsing/pythonParser';
import { dropCopy, syntaxTreeOf } from '../../server/src/parsing/syntaxTree';
import { defaultSettings } from '../../shared/settings';

const ROOT = path.resolve(__dirname, '../../..');
const STRICT = { settings: { ...defaultSettings(), 'rules.strict': true } };

describe('the analysis from a syntax copy, the parser runtime renewed', function () {
  this.timeout(120_000);

  it('analysing the copy of a freed tree gives what analysing the tree gives (samples and rule fixtures)', async () => {
    const parser = await PythonParser.create();
    const files = [
      ...fs.readdirSync(path.join(ROOT, 'samples')).map((f) => path.join(ROOT, 'samples', f)),
      // One fixture in three: the whole set takes minutes on a busy machine.
      ...fs
        .readdirSync(path.join(ROOT, 'test/fixtures/rules'))
        .filter((_, i) => i % 3 === 0)
        .map((f) => path.join(ROOT, 'test/fixtures/rules', f)),
    ].filter((f) => f.endsWith('.py'));
    let findings = 0;
    for (const file of files) {
      const text = fs.readFileSync(file, 'utf8');
      const options = { ...STRICT, path: file };
      const tree = parser.parse(text);
      const fromTree = analyze(tree, text, options);
      dropCopy(tree);
      parser.release(tree);
      await parser.ready();
      const again = parser.parse(text);
      const copy = syntaxTreeOf(again, text);
      dropCopy(again);
      parser.release(again);
      // Nothing of the runtime is read from here on: a fresh one parses the next file.
      parser.renew();
      const fromCopy = analyze(copy, text, options);
      assert.deepEqual(fromCopy.findings, fromTree.findings, file);
      findings += fromCopy.findings.length;
      await parser.ready();
    }
    assert.ok(findings > 50, `${findings} findings compared`);
    assert.equal(parser.restarts, 0, 'a renewal is not a failure');
  });

  it('a copy is of one text', async () => {
    const parser = await PythonParser.create();
    const tree = parser.parse('import pyspark\nx = 1\n');
    const copy = syntaxTreeOf(tree, 'import pyspark\nx = 1\n');
    parser.release(tree);
    assert.throws(() => analyze(copy, 'import pyspark\nx = 2\n'), /another text/);
  });

  it('check: the files after one of over a million characters are analysed by a fresh runtime, as they are alone', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'psa-renew-'));
    try {
      const job = fs.readFileSync(path.join(ROOT, 'samples/customer_export.py'), 'utf8');
      // Over a million characters that cost the parser and the model little: one string.
      const big = `${job}\nNOTES = """\n${'a long text kept in the job, one string to the parser\n'.repeat(20_000)}"""\n`;
      assert.ok(big.length > 1_000_000);
      fs.writeFileSync(path.join(dir, 'a_big.py'), big);
      fs.writeFileSync(path.join(dir, 'b_customer_export.py'), job);
      const cli = (...paths: string[]) =>
        spawnSync(process.execPath, [path.join(ROOT, 'dist/cli.js'), 'check', '--jobs', '1', '--max-file-size', '4096', ...paths], { encoding: 'utf8' });
      const both = cli(dir);
      const alone = cli(path.join(dir, 'b_customer_export.py'));
      assert.doesNotMatch(both.stderr, /error|not analysed|restarting/);
      assert.match(both.stdout, /a_big\.py:\d+:\d+: PSA/);
      const small = (out: string) => out.split('\n').filter((l) => l.includes('b_customer_export.py'));
      assert.ok(small(alone.stdout).length > 0);
      assert.deepEqual(small(both.stdout), small(alone.stdout));
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
