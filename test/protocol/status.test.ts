import * as assert from 'node:assert/strict';
import { FileStatusNotification, type FileStatus } from '../../shared/protocol';
import { VERSION } from '../../shared/version';
import { LspClient } from './lspClient';

const spark = 'from pyspark.sql import SparkSession\nspark = SparkSession.builder.getOrCreate()\nspark.conf.set("spark.executor.memory", "8g")\n';

describe('language server: what it tells the user (output and status item)', function () {
  this.timeout(30_000);
  let client: LspClient;

  afterEach(async () => {
    await client?.stop();
  });

  async function start(settings: unknown, initializationOptions: unknown): Promise<FileStatus[]> {
    client = new LspClient(settings);
    const statuses: FileStatus[] = [];
    client.connection.onNotification(FileStatusNotification, (s: FileStatus) => {
      statuses.push(s);
    });
    await client.connection.sendRequest('initialize', {
      processId: process.pid,
      rootUri: null,
      capabilities: { workspace: { configuration: true } },
      initializationOptions,
    });
    await client.connection.sendNotification('initialized', {});
    return statuses;
  }

  it('logs its version, the settings in use, and (trace on) each analysis; sends file status to clients that ask', async () => {
    const statuses = await start({ trace: { server: 'messages' } }, { fileStatus: true });
    await client.open('file:///work/conf.py', spark);
    await client.open('file:///work/notes.py', 'print("hello")\n');
    await client.waitFor(() => statuses.length >= 2 || undefined, 'two file statuses');
    const conf = statuses.find((s) => s.uri.endsWith('conf.py'))!;
    assert.equal(conf.skipped, undefined);
    assert.equal(conf.findings, 1);
    assert.equal(conf.version, 1);
    assert.equal(statuses.find((s) => s.uri.endsWith('notes.py'))!.skipped, 'nothing in it looks like PySpark');
    const log = () => client.logs.join('\n');
    await client.waitFor(() => /conf\.py v1: 1 finding \(/.test(log()) || undefined, 'a debug line for the analysis');
    assert.match(log(), new RegExp(`PySpark Architect ${VERSION.replace(/\./g, '\\.')} \\(Node v`));
    assert.match(log(), /settings \(file:\/\/\/work\/conf\.py\): \{"enable":true/);
    assert.match(log(), /notes\.py v1: skipped: nothing in it looks like PySpark/);
  });

  it('says why a file is skipped when the extension is disabled for it, and logs no analyses with trace off', async () => {
    const statuses = await start({ enable: false }, { fileStatus: true });
    await client.open('file:///work/conf.py', spark);
    const [s] = await client.waitFor(() => (statuses.length ? statuses : undefined), 'a file status');
    assert.equal(s.skipped, 'disabled (pysparkArchitect.enable)');
    assert.doesNotMatch(client.logs.join('\n'), /conf\.py v1:/);
  });

  it('sends no file status to a client that did not ask (other editors)', async () => {
    const statuses = await start({}, {});
    await client.open('file:///work/conf.py', spark);
    await client.waitFor(() => client.latest('file:///work/conf.py'), 'diagnostics');
    assert.deepEqual(statuses, []);
  });
});
