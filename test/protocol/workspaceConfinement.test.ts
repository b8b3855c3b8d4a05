// The editor's workspace scan and the workspace preview stay inside the workspace folders (issue 18).
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import { pathToFileURL } from 'node:url';
import { linkedTree } from '../unit/linkedTree';
import { LspClient } from './lspClient';

describe('language server and symbolic links out of the workspace', function () {
  this.timeout(30_000);
  let client: LspClient;
  let t: ReturnType<typeof linkedTree>;
  beforeEach(() => (t = linkedTree()));
  afterEach(async () => {
    await client?.stop();
    fs.rmSync(t.base, { recursive: true, force: true });
  });

  it('the startup scan and the workspace preview read no file through a link out of the folder', async () => {
    client = new LspClient({}, {});
    await client.initialize(undefined, pathToFileURL(t.repo).href);
    await client.waitFor(() => client.logs.some((l) => /2 symbolic link\(s\) lead out of the workspace folders/.test(l)), 'the scan to skip the links');
    const graph: any = await client.connection.sendRequest('pysparkArchitect/pipelineGraph', {});
    const locations = graph.nodes.map((n: any) => n.location).filter(Boolean);
    assert.ok(
      locations.some((l: string) => l.includes('s3://out/y')),
      `the job inside is read: ${locations}`,
    );
    assert.ok(!locations.some((l: string) => l.includes('secret')), `nothing from outside: ${locations}`);
    assert.ok(graph.nodes.every((n: any) => !n.filename.includes('secret')));
  });
});
