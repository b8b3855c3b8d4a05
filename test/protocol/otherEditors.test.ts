import * as assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';
import { createMessageConnection, StreamMessageReader, StreamMessageWriter } from 'vscode-jsonrpc/node';

const ROOT = path.resolve(__dirname, '../../..');
const CLI = path.join(ROOT, 'dist/cli.js');
const JOB = 'from pyspark.sql import SparkSession\nspark = SparkSession.builder.getOrCreate()\nspark.conf.set("spark.executor.memory", "8g")\n';

describe('the server from the npm package, for other editors', function () {
  this.timeout(40_000);
  let tmp: string;
  before(() => {
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'psa-editors-'));
    fs.writeFileSync(path.join(tmp, 'job.py'), JOB);
  });
  after(() => fs.rmSync(tmp, { recursive: true, force: true }));

  for (const args of [['server', '--stdio'], ['server']]) {
    it(`pyspark-architect ${args.join(' ')} answers an LSP client over stdio`, async () => {
      const proc = spawn(process.execPath, [CLI, ...args], { stdio: ['pipe', 'pipe', 'pipe'] });
      const connection = createMessageConnection(new StreamMessageReader(proc.stdout!), new StreamMessageWriter(proc.stdin!));
      const published = new Promise<any>((resolve) =>
        connection.onNotification('textDocument/publishDiagnostics', (p: any) => p.diagnostics.length && resolve(p)),
      );
      connection.listen();
      try {
        const init: any = await connection.sendRequest('initialize', { processId: process.pid, rootUri: null, capabilities: {} });
        assert.equal(init.serverInfo.name, 'PySpark Architect');
        await connection.sendNotification('initialized', {});
        const uri = pathToFileURL(path.join(tmp, 'job.py')).href;
        await connection.sendNotification('textDocument/didOpen', { textDocument: { uri, languageId: 'python', version: 1, text: JOB } });
        const p = await published;
        assert.deepEqual(
          p.diagnostics.map((d: any) => [d.code, d.range.start.line]),
          [['PSA501', 2]],
        );
        await connection.sendRequest('shutdown');
        await connection.sendNotification('exit');
        const code = await new Promise((resolve) => (proc.exitCode !== null ? resolve(proc.exitCode) : proc.on('exit', resolve)));
        assert.equal(code, 0);
      } finally {
        connection.dispose();
        proc.kill();
      }
    });
  }

  describe('Neovim as the LSP client (headless)', () => {
    const nvim = spawnSync('nvim', ['--version'], { encoding: 'utf8' });
    const version = nvim.status === 0 ? /NVIM v(\d+\.\d+)/.exec(nvim.stdout)?.[1] : undefined;

    it('shows the diagnostics and offers the code actions', function () {
      if (!version) {
        // Only here may this be skipped: CI installs neovim (.ci/run); a developer machine may not have it.
        console.log('      (skipped: no `nvim` on PATH; apt-get install -y neovim to run it)');
        this.skip();
      }
      const result = path.join(tmp, 'nvim-result.json');
      const r = spawnSync('nvim', ['--headless', '--clean', '-c', `luafile ${path.join(ROOT, 'test/protocol/nvim/client.lua')}`], {
        env: {
          ...process.env,
          PSA_CLI: CLI,
          PSA_FILE: path.join(tmp, 'job.py'),
          PSA_RESULT: result,
          XDG_STATE_HOME: tmp,
          XDG_DATA_HOME: tmp,
          XDG_CACHE_HOME: tmp,
        },
        encoding: 'utf8',
        timeout: 35_000,
        // A headless nvim under heavy load once ignored SIGTERM and hung the suite: fail instead.
        killSignal: 'SIGKILL',
      });
      assert.ok(fs.existsSync(result), `nvim ${version} wrote no result (status ${r.status}): ${r.stderr}${r.stdout}`);
      const out = JSON.parse(fs.readFileSync(result, 'utf8'));
      assert.equal(out.error ?? null, null);
      assert.deepEqual(
        out.diagnostics.map((d: any) => [d.code, d.line, d.source]),
        [['PSA501', 2, 'pyspark-architect']],
      );
      assert.ok(out.actions.includes('Suppress PSA501 with # noqa'), `actions: ${JSON.stringify(out.actions)}`);
      assert.ok(
        out.actions.some((a: string) => /builder/i.test(a)),
        `the move-to-builder fix among ${JSON.stringify(out.actions)}`,
      );
    });
  });
});
