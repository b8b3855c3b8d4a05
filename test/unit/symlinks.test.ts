// Folder walks never follow a symbolic link out of the folder (issue 18): the CLI's folder runs,
// the editor's workspace scan and the workspace preview all use collectPythonFiles.
import * as assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { collectPythonFiles } from '../../server/src/project/files';
import { linkedTree } from './linkedTree';
import { pathToFileURL } from 'node:url';
import { defaultSettings } from '../../shared/settings';
import { WorkspaceFiles } from '../../server/src/project/workspaceFiles';
import { loadParser } from './helpers';

const CLI = path.resolve(__dirname, '../../../dist/cli.js');
describe('symbolic links out of a walked folder', () => {
  let t: ReturnType<typeof linkedTree>;
  beforeEach(() => (t = linkedTree()));
  afterEach(() => fs.rmSync(t.base, { recursive: true, force: true }));

  it('collectPythonFiles follows links inside the folder and skips, with a reason, links out of it', () => {
    const r = collectPythonFiles([t.repo]);
    assert.deepEqual(
      r.files.map((f) => path.relative(t.repo, f)),
      [path.join('jobs', 'job.py')],
    );
    assert.deepEqual(r.skipped.map((s) => path.relative(t.repo, s.path)).sort(), ['elsewhere', 'linked_secret.py']);
    assert.match(r.skipped[0].message, new RegExp(`^symbolic link to ${t.outside}.*, outside ${t.repo}$`));
    assert.deepEqual(r.errors, []);
  });

  it('a link given directly is read: the user named it', () => {
    const r = collectPythonFiles([path.join(t.repo, 'elsewhere'), path.join(t.repo, 'linked_secret.py')]);
    assert.deepEqual(
      r.files.map((f) => path.basename(f)),
      ['secret.py'],
    );
  });

  it('a watched-file change for a link out of the workspace reads nothing', async () => {
    const files = new WorkspaceFiles(await loadParser(), () => undefined);
    const uri = (p: string) => pathToFileURL(path.join(t.repo, p)).href;
    assert.equal(files.fragmentOf(uri('linked_secret.py'), defaultSettings(), [pathToFileURL(t.repo).href]), undefined);
    assert.equal(files.fragmentOf(uri('elsewhere/secret.py'), defaultSettings(), [pathToFileURL(t.repo).href]), undefined);
    const job = files.fragmentOf(uri('jobs_alias/job.py'), defaultSettings(), [pathToFileURL(t.repo).href]);
    assert.ok(job && [...job.raw.datasets.keys()].some((k) => k.includes('s3://out/y')), 'a link inside the folder is read');
  });

  it('the CLI checks the folder without the outside file and says what it skipped', () => {
    // PSA301 is strict (opt-in): named, it reports the coalesce(1) of every file the walk reads.
    const r = spawnSync(process.execPath, [CLI, 'check', '--select', 'PSA301', '--format', 'json', 'repo'], { cwd: t.base, encoding: 'utf8' });
    const files = new Set((JSON.parse(r.stdout) as { filename: string }[]).map((f) => f.filename));
    assert.deepEqual([...files], [path.join('repo', 'jobs', 'job.py')]);
    assert.match(r.stderr, /repo\/elsewhere: skipped: symbolic link to .*outside, outside .*repo/);
    assert.match(r.stderr, /repo\/linked_secret\.py: skipped: symbolic link to .*secret\.py, outside .*repo/);
  });
});
