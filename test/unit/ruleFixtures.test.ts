import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { RULES, FAMILIES } from '../../server/src/rules';
import { ROOT } from './fuzzHelpers';
import { loadParser } from './helpers';
import { analyseFixture, checkFixes, renderSnapshot, ruleFixtures, SNAPSHOT_DIR } from './ruleFixtures';

// Ruff-style fixtures: test/fixtures/rules/<CODE>*.py, each compared with test/snapshots/rules/<name>.snap.
// `UPDATE_SNAPSHOTS=1 npm test` rewrites the snapshots; outside CI a missing one is written, in CI it fails.
const update = !!process.env.UPDATE_SNAPSHOTS;
const ci = !!process.env.CI;
const fixtures = ruleFixtures();

describe('rule fixtures and snapshots', () => {
  for (const fixture of fixtures) {
    it(`${fixture.name}${fixture.ok ? ': no ' + fixture.code + ' finding' : ' matches its snapshot'}, and every fix applies cleanly`, async () => {
      const parser = await loadParser();
      const files = analyseFixture(parser, fixture);
      const own = files.flatMap((f) => f.findings.filter((x) => x.code === fixture.code));
      if (fixture.ok) {
        assert.deepEqual(
          own.map((f) => `${f.start}: ${f.message}`),
          [],
          `${fixture.name} must have no ${fixture.code} finding`,
        );
        return;
      }
      assert.ok(own.length > 0, `${fixture.name} has no ${fixture.code} finding`);
      assert.deepEqual(
        files.flatMap((f) => checkFixes(parser, fixture.code, f)),
        [],
      );
      const actual = renderSnapshot(fixture, files);
      const file = path.join(SNAPSHOT_DIR, `${fixture.name}.snap`);
      if (update || (!ci && !fs.existsSync(file))) {
        fs.mkdirSync(SNAPSHOT_DIR, { recursive: true });
        fs.writeFileSync(file, actual);
        return;
      }
      assert.ok(fs.existsSync(file), `missing snapshot ${path.relative(ROOT, file)}: run UPDATE_SNAPSHOTS=1 npm test and review it`);
      assert.equal(
        actual,
        fs.readFileSync(file, 'utf8'),
        `${fixture.name} differs from its snapshot (UPDATE_SNAPSHOTS=1 npm test rewrites it; review the diff)`,
      );
    });
  }

  it('every snapshot belongs to a fixture', () => {
    const names = new Set(fixtures.filter((f) => !f.ok).map((f) => f.name));
    const stale = fs.existsSync(SNAPSHOT_DIR) ? fs.readdirSync(SNAPSHOT_DIR).filter((f) => !names.has(f.replace(/\.snap$/, ''))) : [];
    assert.deepEqual(stale, []);
  });
});

describe('rule registry', () => {
  it('every rule has a fixture with findings, an _ok fixture and a docs page', () => {
    for (const rule of RULES) {
      const mine = fixtures.filter((f) => f.code === rule.code);
      assert.ok(
        mine.some((f) => !f.ok),
        `${rule.code}: no test/fixtures/rules/${rule.code}.py`,
      );
      assert.ok(
        mine.some((f) => f.ok),
        `${rule.code}: no test/fixtures/rules/${rule.code}_ok.py`,
      );
      assert.ok(fs.existsSync(path.join(ROOT, 'docs/rules', `${rule.code}.md`)), `${rule.code}: no docs/rules/${rule.code}.md`);
    }
    for (const f of fixtures)
      assert.ok(
        RULES.some((r) => r.code === f.code),
        `${f.name}: no rule ${f.code}`,
      );
  });

  it('each rule lives in its family folder, named for its code and name, and its code is in the family range', () => {
    for (const rule of RULES) {
      assert.equal(rule.code[3], FAMILIES[rule.family].digit, `${rule.code} is not a ${rule.family} code`);
      const file = path.join(ROOT, 'server/src/rules', rule.family, `${rule.code}-${rule.name}.ts`);
      assert.ok(fs.existsSync(file), `${rule.code}: expected ${path.relative(ROOT, file)}`);
      assert.match(rule.since, /^\d+\.\d+\.\d+$/);
    }
  });

  it('no rule file imports another rule file (shared code goes to rules/helpers/)', () => {
    const dir = path.join(ROOT, 'server/src/rules');
    for (const family of Object.keys(FAMILIES)) {
      for (const f of fs.readdirSync(path.join(dir, family))) {
        const src = fs.readFileSync(path.join(dir, family, f), 'utf8');
        const imports = [...src.matchAll(/from '([^']+)'/g)].map((m) => m[1]).filter((s) => /(^|\/)PSA\d{3}/.test(s));
        assert.deepEqual(imports, [], `${family}/${f} imports a rule`);
      }
    }
  });

  it('fix availability and scope match what the fixtures show', async () => {
    const parser = await loadParser();
    for (const rule of RULES) {
      const findings = fixtures
        .filter((f) => f.code === rule.code && !f.ok)
        .flatMap((f) => analyseFixture(parser, f).flatMap((file) => file.findings.filter((x) => x.code === rule.code)));
      const withFix = findings.filter((f) => f.fixes.length > 0).length;
      if (rule.fix === 'none') assert.equal(withFix, 0, `${rule.code} is registered without fixes but offers one`);
      if (rule.fix === 'always') assert.equal(withFix, findings.length, `${rule.code} is registered with a fix on every finding`);
      if (rule.fix === 'sometimes') assert.ok(withFix > 0, `${rule.code}: no fixture shows its fix`);
      const projectFixture = fixtures.some((f) => f.code === rule.code && f.files.length > 1);
      assert.equal(
        projectFixture,
        rule.scope === 'project',
        `${rule.code}: a project-scope rule needs a <code>_project fixture folder, and only those have one`,
      );
    }
  });
});
