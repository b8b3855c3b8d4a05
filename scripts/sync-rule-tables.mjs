// Writes the rule tables of README.md and docs/rules/README.md from the rule registry
// (server/src/rules/registry.ts, compiled to out/ by `tsc -p test/tsconfig.json`): `npm run gen:docs`.
// `--check` exits 1 when a table is stale (docs.test.ts runs it).
import { readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
const require = createRequire(import.meta.url);
const { FAMILIES, RULES } = require('../out/server/src/rules/index.js');

/** The fix column: `sometimes` rules fix only where they can write the edit (see each rule's page). */
const FIX = { always: 'yes', sometimes: 'some findings', none: '' };

const START = '<!-- rules:start -->';
const END = '<!-- rules:end -->';
const cell = (s) => s.replace(/\|/g, '\\|');

export function ruleTable(linkPrefix) {
  const rows = RULES.map(
    (r) =>
      `| [${r.code}](${linkPrefix}${r.code}.md) | ${r.name}${r.scope === 'project' ? ' (across files)' : ''} | ${FAMILIES[r.family].title} | ${r.defaultSeverity} | ${FIX[r.fix]} | ${r.fixes.join(', ')} | ${cell(r.summary)} |`,
  );
  return [
    '| Code | Name | Family | Default severity | Quick fix | Fix applicability | What it flags |',
    '| --- | --- | --- | --- | --- | --- | --- |',
    ...rows,
  ].join('\n');
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
  console.error('Rule tables are stale: run `npm run gen:docs`.');
  process.exit(1);
}
