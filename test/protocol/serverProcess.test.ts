import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import { SERVER_MALLOC_TUNABLES, serverEnvAdditions } from '../../shared/serverProcess';
import { LspClient } from './lspClient';

describe('the server process settings (shared/serverProcess.ts)', function () {
  this.timeout(30_000);

  it('adds the malloc tunables when the environment names none, and leaves a set value alone (an empty one too)', () => {
    assert.deepEqual(serverEnvAdditions({ PATH: '/usr/bin' }), { GLIBC_TUNABLES: SERVER_MALLOC_TUNABLES });
    assert.deepEqual(serverEnvAdditions({ GLIBC_TUNABLES: 'glibc.malloc.arena_max=2' }), {});
    assert.deepEqual(serverEnvAdditions({ GLIBC_TUNABLES: '' }), {});
  });

  it('names tunables glibc knows, each once, with whole-number values', () => {
    const pairs = SERVER_MALLOC_TUNABLES.split(':').map((p) => p.split('='));
    assert.deepEqual(
      pairs.map(([k]) => k),
      ['glibc.malloc.mmap_threshold', 'glibc.malloc.trim_threshold'],
    );
    for (const [, v] of pairs) assert.match(v, /^[1-9][0-9]*$/);
  });

  // The protocol tests and the benches start the server through LspClient: it must run with what the
  // VS Code client gives it, or what they measure is not what ships.
  (process.platform === 'linux' ? it : it.skip)('the server the tests and benches start has them in its environment', async () => {
    const saved = process.env.GLIBC_TUNABLES;
    delete process.env.GLIBC_TUNABLES;
    const c = new LspClient();
    try {
      await c.initialize();
      // glibc, parsing the tunables at start, writes a NUL over each ':' of the value in the process's
      // own copy (what /proc shows), so the entries are joined back with ':' before looking.
      const environ = fs.readFileSync(`/proc/${c.proc.pid}/environ`, 'utf8').split('\0').join(':');
      assert.ok(environ.includes(`GLIBC_TUNABLES=${SERVER_MALLOC_TUNABLES}:`), /GLIBC_TUNABLES=[^:]*/.exec(environ)?.[0] ?? 'none');
    } finally {
      await c.stop();
      if (saved !== undefined) process.env.GLIBC_TUNABLES = saved;
    }
  });
});
