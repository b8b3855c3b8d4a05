import * as assert from 'node:assert/strict';
import { exportFileName, scopeName } from '../../client/src/preview/names';

describe('preview titles and export names', () => {
  it('titles a file or notebook by its decoded name, never its URI', () => {
    assert.equal(scopeName('file:///home/me/etl/orders%20daily.py'), 'orders daily.py');
    assert.equal(scopeName('file:///home/me/nb/Ingest.ipynb'), 'Ingest.ipynb');
    assert.equal(scopeName('vscode-notebook-cell:/home/me/nb/Ingest.ipynb#W3sZmlsZQ%3D%3D'), 'Ingest.ipynb');
    assert.equal(scopeName(undefined), 'Workspace');
    assert.equal(scopeName('file:///x/bad%E0%A4%A.py'), 'bad%E0%A4%A.py', 'a malformed escape is shown as is, not thrown');
  });

  it('suggests <file>-architecture.svg|png', () => {
    assert.equal(exportFileName('file:///etl/orders.py', 'svg'), 'orders-architecture.svg');
    assert.equal(exportFileName('file:///nb/Ingest.ipynb', 'png'), 'Ingest-architecture.png');
    assert.equal(exportFileName(undefined, 'png'), 'workspace-architecture.png');
    assert.equal(exportFileName('untitled:Untitled-1', 'svg'), 'untitled_Untitled-1-architecture.svg', 'characters no file system takes are replaced');
  });
});
