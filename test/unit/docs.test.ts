import * as assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { RULES } from '../../server/src/rules';
import { check } from './helpers';

const ROOT = path.resolve(__dirname, '../../..');

describe('rule documentation', () => {
  it('every rule has a docs page with the sections users need', () => {
    for (const rule of RULES) {
      const file = path.join(ROOT, 'docs/rules', `${rule.code}.md`);
      assert.ok(fs.existsSync(file), `missing ${file}`);
      const text = fs.readFileSync(file, 'utf8');
      assert.match(text, new RegExp(`^# ${rule.code}: ${rule.name}\\n`), `${rule.code}: title`);
      for (const section of [/^## What it flags/m, /^## Why it hurts in production/m, /^## Example/m, /^## Quick fix/m, /^## When it is fine to suppress/m]) {
        assert.match(text, section, `${rule.code}: ${section}`);
      }
    }
  });

  it('every page argues its fixes under "Fix safety", naming each applicability the rule declares', () => {
    for (const rule of RULES) {
      const text = fs.readFileSync(path.join(ROOT, 'docs/rules', `${rule.code}.md`), 'utf8');
      const m = /^## Fix safety\n([\s\S]*?)(?=^## )/m.exec(text);
      assert.ok(m, `${rule.code}: no Fix safety section`);
      const section = m[1];
      if (!rule.fixes.length) assert.match(section, /No fix is offered/, rule.code);
      for (const a of rule.fixes) assert.match(section, new RegExp(`\\b${a}\\b`, 'i'), `${rule.code}: Fix safety does not argue its ${a} fixes`);
      for (const a of ['safe', 'unsafe', 'display-only'].filter((x) => !rule.fixes.includes(x as never))) {
        assert.doesNotMatch(section, new RegExp(`\\*\\*[^*]*: ${a}\\.?\\*\\*`), `${rule.code}: Fix safety names a ${a} fix the rule does not declare`);
      }
    }
  });

  it('the table of equivalent rules in other linters has one row per rule, in code order, marked strict where the rule is', () => {
    const text = fs.readFileSync(path.join(ROOT, 'docs/rules/README.md'), 'utf8');
    const section = text.slice(text.indexOf('## Equivalent rules in other PySpark linters'));
    const rows = [...section.matchAll(/^\| (PSA\d{3}) ([a-z-]+)( \(strict\))? \|/gm)];
    assert.deepEqual(
      rows.map((m) => m[1]),
      RULES.map((r) => r.code),
    );
    for (const [, code, name, strict] of rows) {
      const rule = RULES.find((r) => r.code === code)!;
      assert.equal(name, rule.name, code);
      assert.equal(!!strict, !!rule.strict, `${code}: (strict) marker`);
    }
  });

  it('the rules.strict setting lists exactly the strict rules (schema and README)', () => {
    const strict = RULES.filter((r) => r.strict).map((r) => r.code);
    const listed = (text: string) => [...new Set(text.match(/PSA\d{3}/g) ?? [])];
    const readme = fs
      .readFileSync(path.join(ROOT, 'README.md'), 'utf8')
      .split('\n')
      .find((l) => l.startsWith('| `pysparkArchitect.rules.strict`'))!;
    assert.deepEqual(listed(readme), strict);
    const schema = JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8')).contributes.configuration.properties['pysparkArchitect.rules.strict'];
    assert.deepEqual(listed(schema.markdownDescription), strict);
  });

  it('a strict rule says so at the top of its page, and a rule that runs by default does not', () => {
    for (const rule of RULES) {
      const text = fs.readFileSync(path.join(ROOT, 'docs/rules', `${rule.code}.md`), 'utf8');
      const intro = text.slice(0, text.indexOf('\n## '));
      const saysStrict = /^\*\*Strict \(opt-in\)(\*\*:|\.\*\*) /m.test(intro);
      assert.equal(saysStrict, !!rule.strict, `${rule.code}: ${rule.strict ? 'no' : 'a'} "Strict (opt-in)" line before "## What it flags"`);
    }
  });

  it('rule codes are unique and stable-looking', () => {
    const codes = RULES.map((r) => r.code);
    assert.equal(new Set(codes).size, codes.length);
    for (const c of codes) assert.match(c, /^PSA[1-9]\d\d$/);
  });

  it('the rule tables in README.md and docs/rules/README.md match the rules', () => {
    const r = spawnSync(process.execPath, [path.join(ROOT, 'scripts/sync-rule-tables.mjs'), '--check'], { cwd: ROOT, encoding: 'utf8' });
    assert.equal(r.status, 0, r.stderr);
  });
});

/** The python blocks of a docs page's "Example" section, each labelled by the last "Before"/"After" paragraph above it. */
export function docExamples(markdown: string): { kind: 'before' | 'after'; code: string; line: number }[] {
  const lines = markdown.split('\n');
  const out: { kind: 'before' | 'after'; code: string; line: number }[] = [];
  let inExample = false;
  let kind: 'before' | 'after' | undefined;
  for (let i = 0; i < lines.length; i++) {
    const l = lines[i];
    if (/^## /.test(l)) inExample = /^## Example/.test(l);
    if (!inExample) continue;
    if (/^Before\b/.test(l)) kind = 'before';
    else if (/^After\b/.test(l)) kind = 'after';
    else if (/^```python/.test(l)) {
      const end = lines.indexOf('```', i + 1);
      assert.ok(end > i && kind, `unterminated or unlabelled python block at line ${i + 1}`);
      out.push({ kind, code: lines.slice(i + 1, end).join('\n') + '\n', line: i + 1 });
      i = end;
    }
  }
  return out;
}

describe('rule documentation examples', () => {
  for (const rule of RULES) {
    it(`${rule.code}: the "Before" example reports it, the "After" examples do not`, async () => {
      const file = path.join(ROOT, 'docs/rules', `${rule.code}.md`);
      const examples = docExamples(fs.readFileSync(file, 'utf8'));
      assert.ok(
        examples.some((e) => e.kind === 'before'),
        'no Before example',
      );
      assert.ok(
        examples.some((e) => e.kind === 'after'),
        'no After example',
      );
      for (const e of examples) {
        const found = (await check(e.code)).of(rule.code);
        if (e.kind === 'before') assert.ok(found.length > 0, `docs/rules/${rule.code}.md:${e.line}: the Before example does not report ${rule.code}`);
        else
          assert.deepEqual(
            found.map((f) => f.message),
            [],
            `docs/rules/${rule.code}.md:${e.line}: the After example reports ${rule.code}`,
          );
      }
    });
  }
});
