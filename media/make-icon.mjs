// Renders media/icon.svg to media/icon.png (128×128, transparent corners) with Debian chromium.
// Run: node media/make-icon.mjs   (needs playwright-core and /usr/bin/chromium; the PNG is committed)
import { chromium } from 'playwright-core';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';

const here = path.dirname(new URL(import.meta.url).pathname);
const svg = readFileSync(path.join(here, 'icon.svg'), 'utf8');
const profile = mkdtempSync(path.join(os.tmpdir(), 'psa-icon-'));
const context = await chromium.launchPersistentContext(profile, {
  executablePath: process.env.CHROMIUM_PATH || '/usr/bin/chromium',
  headless: true,
  args: ['--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  viewport: { width: 128, height: 128 },
  deviceScaleFactor: 1,
});
try {
  const page = context.pages()[0] ?? (await context.newPage());
  await page.setContent(`<html><body style="margin:0;background:transparent">${svg}</body></html>`);
  await page.locator('svg').screenshot({ path: path.join(here, 'icon.png'), omitBackground: true });
} finally {
  await context.close();
  rmSync(profile, { recursive: true, force: true });
}
console.log('wrote', path.join(here, 'icon.png'));
