// Writes the rule tables of README.md and docs/rules/README.md from the rules themselves
// (compiled to out/ by `tsc -p test/tsconfig.json`). `--check` exits 1 when a table is stale.
import { readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
const require = createRequire(import.meta.url);
const { RULES } = require('../out/server/src/rules/index.js');

const START = '<!-- rules:start -->';
const END = '<!-- rules:end -->';
const cell = (s) => s.replace(/\|/g, '\\|');

export function ruleTable(linkPrefix) {
  // Fixes: what applying them does (see docs/rules/README.md): safe ones are applied in bulk.
  const fixes = (r) => (r.fixes.length ? r.fixes.join(', ') : '-');
  const rows = RULES.map((r) => `| [${r.code}](${linkPrefix}${r.code}.md) | ${r.name} | ${r.defaultSeverity} | ${fixes(r)} | ${cell(r.summary)} |`);
  return ['| Code | Name | Default severity | Fixes | What it flags |', '| --- | --- | --- | --- | --- |', ...rows].join('\n');
}

const targets = [
  ['README.md', 'docs/rules/'],
  ['docs/rules/README.md', ''],
];
let stale = false;
for (const [file, prefix] of targets) {
  const text = readFileSync(file, 'utf8');
  const a = text.indexOf(START);
  const b = text.indexOf(END);
  if (a < 0 || b < a) throw new Error(`${file}: missing ${START} ... ${END}`);
  const next = text.slice(0, a + START.length) + '\n' + ruleTable(prefix) + '\n' + text.slice(b);
  if (next !== text) {
    stale = true;
    if (!process.argv.includes('--check')) writeFileSync(file, next);
  }
}
if (stale && process.argv.includes('--check')) {
  console.error('Rule tables are stale: run `npx tsc -p test/tsconfig.json && node scripts/sync-rule-tables.mjs`.');
  process.exit(1);
}
