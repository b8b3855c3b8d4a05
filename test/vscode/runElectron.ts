/**
 * `npm run test:vscode`: the extension-host suite in a desktop VS Code through @vscode/test-electron.
 *
 *   VSCODE_EXECUTABLE=/path/to/code npm run test:vscode      # a local VS Code (no download)
 *   VSCODE_TEST_VERSION=stable npm run test:vscode           # let test-electron download one
 *
 * Without either, it stops with exit code 2 and says so (this CI machine has no desktop VS Code and
 * cannot download one: there the same suite runs inside code-server, see scripts/e2e/run.mjs).
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

const root = path.resolve(__dirname, '../../..');

async function main(): Promise<number> {
  const executable = process.env.VSCODE_EXECUTABLE;
  const version = process.env.VSCODE_TEST_VERSION;
  if (!executable && !version) {
    console.error(
      'test:vscode needs a desktop VS Code: set VSCODE_EXECUTABLE to its executable (for example\n' +
        '  /usr/share/code/code, "C:\\Program Files\\Microsoft VS Code\\Code.exe",\n' +
        '  "/Applications/Visual Studio Code.app/Contents/MacOS/Electron"),\n' +
        'or VSCODE_TEST_VERSION=stable (or a version such as 1.82.0) to let @vscode/test-electron download one.\n' +
        'Without a desktop VS Code, run the same suite in code-server: npm run test:e2e -- --only=exthost',
    );
    return 2;
  }
  if (executable && !fs.existsSync(executable)) {
    console.error(`VSCODE_EXECUTABLE=${executable}: no such file`);
    return 2;
  }
  let testElectron: typeof import('@vscode/test-electron');
  try {
    testElectron = require('@vscode/test-electron') as typeof import('@vscode/test-electron');
  } catch {
    console.error('@vscode/test-electron is not installed: npm install --save-dev @vscode/test-electron');
    return 2;
  }

  // A throw-away workspace with the samples (the tests edit documents, never save, but still) and
  // a fresh profile, so the user's settings and extensions play no part.
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'psa-vscode-test-'));
  const workspace = path.join(tmp, 'workspace');
  fs.cpSync(path.join(root, 'samples'), workspace, { recursive: true });
  const userData = path.join(tmp, 'user-data');
  fs.mkdirSync(path.join(userData, 'User'), { recursive: true });
  fs.writeFileSync(
    path.join(userData, 'User', 'settings.json'),
    JSON.stringify({
      'security.workspace.trust.enabled': false,
      'workbench.startupEditor': 'none',
      'extensions.autoUpdate': false,
      // PSA301 is strict (opt-in); the suite's canonical finding is the medallion sample's coalesce(1).
      'pysparkArchitect.rules.severity': { PSA301: 'warning' },
    }),
  );
  try {
    await testElectron.runTests({
      ...(executable ? { vscodeExecutablePath: executable } : { version }),
      extensionDevelopmentPath: root,
      extensionTestsPath: path.join(__dirname, 'suite', 'index.js'),
      extensionTestsEnv: { PSA_SAMPLES_DIR: workspace, PSA_TEST_COLOR: '1' },
      launchArgs: [
        workspace,
        '--user-data-dir',
        userData,
        '--extensions-dir',
        path.join(tmp, 'extensions'),
        '--disable-extensions', // other installed extensions; the one under development still loads
        '--disable-workspace-trust',
        '--skip-welcome',
        '--skip-release-notes',
      ],
    });
    return 0;
  } catch (err) {
    console.error(`extension-host tests failed: ${err instanceof Error ? err.message : String(err)}`);
    return 1;
  } finally {
    fs.rmSync(tmp, { recursive: true, force: true });
  }
}

main().then(
  (code) => process.exit(code),
  (err) => {
    console.error(err);
    process.exit(1);
  },
);
