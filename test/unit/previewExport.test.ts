import * as assert from 'node:assert/strict';
import { saveExport, type ExportHost } from '../../client/src/preview/exportSave';

/** VS Code's side of a save, recorded: the dialog answers `choose`, the write fails when `failWrite`. */
function fakeHost(choose: string | undefined, failWrite = false) {
  const calls: { dialog: unknown[]; written: [string, Buffer][]; info: string[]; errors: string[] } = { dialog: [], written: [], info: [], errors: [] };
  const host: ExportHost<string> = {
    showSaveDialog: async (options) => {
      calls.dialog.push(options);
      return choose;
    },
    writeFile: async (target, bytes) => {
      if (failWrite) throw new Error('EACCES: permission denied');
      calls.written.push([target, Buffer.from(bytes)]);
    },
    showInformationMessage: (m) => calls.info.push(m),
    showErrorMessage: (m) => calls.errors.push(m),
    asRelativePath: (target) => target.replace('/work/project/', ''),
  };
  return { host, calls };
}

describe('preview export: save dialog, write, confirmation', () => {
  it('suggests the file name, writes the SVG where the user chose and confirms where it went', async () => {
    const { host, calls } = fakeHost('/work/project/etl/orders-architecture.svg');
    const saved = await saveExport(host, 'svg', '<svg xmlns="http://www.w3.org/2000/svg"/>', '/work/project/etl/orders-architecture.svg');
    assert.equal(saved, '/work/project/etl/orders-architecture.svg');
    assert.deepEqual(calls.dialog, [{ defaultUri: '/work/project/etl/orders-architecture.svg', filters: { SVG: ['svg'] }, saveLabel: 'Export SVG' }]);
    assert.deepEqual(
      calls.written.map(([t, b]) => [t, b.toString('utf8')]),
      [['/work/project/etl/orders-architecture.svg', '<svg xmlns="http://www.w3.org/2000/svg"/>']],
    );
    assert.deepEqual(calls.info, ['Architecture SVG saved to etl/orders-architecture.svg']);
    assert.deepEqual(calls.errors, []);
  });

  it('decodes a PNG data URL to its bytes before writing, then confirms', async () => {
    const png = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
    const { host, calls } = fakeHost('/work/project/workspace-architecture.png');
    await saveExport(host, 'png', `data:image/png;base64,${png.toString('base64')}`, undefined);
    assert.deepEqual(calls.written[0][1], png);
    assert.deepEqual(calls.info, ['Architecture PNG saved to workspace-architecture.png']);
  });

  it('writes nothing and confirms nothing when the dialog is cancelled', async () => {
    const { host, calls } = fakeHost(undefined);
    assert.equal(await saveExport(host, 'svg', '<svg/>', undefined), undefined);
    assert.deepEqual([calls.written, calls.info, calls.errors], [[], [], []]);
  });

  it('says the export failed, and does not claim it was saved, when the write fails', async () => {
    const { host, calls } = fakeHost('/work/project/x-architecture.svg', true);
    assert.equal(await saveExport(host, 'svg', '<svg/>', undefined), undefined);
    assert.deepEqual(calls.info, []);
    assert.deepEqual(calls.errors, ['Architecture export failed: EACCES: permission denied']);
  });

  it('drops what the page may not ask: another format, data that is not a string (no dialog opens)', async () => {
    for (const [format, data] of [
      ['html', '<svg/>'],
      ['svg', { length: 3 }],
      [undefined, '<svg/>'],
    ]) {
      const { host, calls } = fakeHost('/work/project/x.svg');
      assert.equal(await saveExport(host, format, data, undefined), undefined);
      assert.deepEqual([calls.dialog, calls.written, calls.info], [[], [], []], JSON.stringify([format, data]));
    }
  });
});
