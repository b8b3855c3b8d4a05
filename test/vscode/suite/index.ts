/**
 * Mocha runner for the extension-host tests, in the shape `@vscode/test-electron` (desktop VS Code)
 * and code-server's `extensionTestsPath` payload both call: `run()` resolves when every test passed.
 * mocha 11 (not 12, which is ESM-only and breaks `new Mocha()` here).
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import Mocha from 'mocha';

export async function run(): Promise<void> {
  const mocha = new Mocha({
    ui: 'bdd',
    reporter: 'spec',
    // In code-server the output only reaches the browser console: no ANSI colours.
    color: process.env.PSA_TEST_COLOR === '1',
    timeout: 90_000,
    slow: 5_000,
  });
  const grep = process.env.PSA_TEST_GREP;
  if (grep) mocha.grep(grep);
  for (const file of fs
    .readdirSync(__dirname)
    .filter((f) => f.endsWith('.test.js'))
    .sort()) {
    mocha.addFile(path.join(__dirname, file));
  }
  await new Promise<void>((resolve, reject) => {
    try {
      mocha.run((failures) => (failures > 0 ? reject(new Error(`${failures} extension-host test(s) failed`)) : resolve()));
    } catch (err) {
      reject(err);
    }
  });
}
