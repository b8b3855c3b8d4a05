import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { contributedProperties, defaultSettings, resolveSettings, SETTINGS_SCHEMA } from '../../shared/settings';
import { RULES } from '../../server/src/rules';

const pkg = JSON.parse(fs.readFileSync(path.resolve(__dirname, '../../../package.json'), 'utf8'));

describe('settings schema', () => {
  it('package.json contributes.configuration matches the schema key for key, with the rule codes of the registry (npm run gen:docs)', () => {
    assert.deepEqual(pkg.contributes.configuration.properties, contributedProperties(RULES));
    const severity = pkg.contributes.configuration.properties['pysparkArchitect.rules.severity'];
    assert.deepEqual(
      severity.propertyNames.enum,
      RULES.map((r) => r.code),
    );
  });

  it('the rules.strict description and the README name exactly the strict rules of the registry', () => {
    const strict = RULES.filter((r) => r.strict).map((r) => r.code);
    const listed = (text: string) => [...new Set(text.match(/PSA\d{3}/g) ?? [])].sort();
    const description = pkg.contributes.configuration.properties['pysparkArchitect.rules.strict'].markdownDescription as string;
    assert.deepEqual(listed(description), [...strict].sort());
    const readmeRow = fs
      .readFileSync(path.resolve(__dirname, '../../../README.md'), 'utf8')
      .split('\n')
      .find((l) => l.startsWith('| `pysparkArchitect.rules.strict`'));
    assert.ok(readmeRow, 'the README settings table has no rules.strict row');
    assert.deepEqual(listed(readmeRow), [...strict].sort());
  });

  it('every schema key has a default that validates', () => {
    for (const key of Object.keys(SETTINGS_SCHEMA)) {
      const { settings, problems } = resolveSettings({ [key]: (defaultSettings() as any)[key] });
      assert.deepEqual(problems, [], key);
      assert.deepEqual((settings as any)[key], (defaultSettings() as any)[key]);
    }
  });

  it('accepts nested and flat forms, rejects bad values with a message and keeps defaults', () => {
    const nested = resolveSettings({ rules: { disabled: ['PSA3'], severity: { PSA201: 'error' } }, pii: { extraPatterns: ['nhs_.*'] } });
    assert.deepEqual(nested.problems, []);
    assert.deepEqual(nested.settings['rules.disabled'], ['PSA3']);
    assert.deepEqual(nested.settings['rules.severity'], { PSA201: 'error' });
    assert.deepEqual(nested.settings['pii.extraPatterns'], ['nhs_.*']);
    const bad = resolveSettings({ enable: 'yes', 'rules.severity': { PSA201: 'fatal' }, maxFileSizeKb: -3 });
    assert.equal(bad.problems.length, 3);
    assert.equal(bad.settings.enable, true);
    assert.deepEqual(bad.settings['rules.severity'], {});
    assert.equal(bad.settings.maxFileSizeKb, 2048);
    assert.equal(resolveSettings('nonsense').problems.length, 1);
    const regex = resolveSettings({ pii: { extraPatterns: ['member_(no'] } });
    assert.match(regex.problems[0], /pii\.extraPatterns: "member_\(no" is not a valid regular expression/);
    assert.deepEqual(regex.settings['pii.extraPatterns'], []);
    // Lookaround and backreferences need a backtracking engine: refused with the reason.
    const backtracking = resolveSettings({ pii: { extraPatterns: ['(a)\\1'] } });
    assert.match(
      backtracking.problems[0],
      /"\(a\)\\1" is not a valid regular expression for the linear-time \(RE2\) engine \(invalid escape sequence: `\\1`; lookaround and backreferences are not supported\)/,
    );
    assert.deepEqual(backtracking.settings['pii.extraPatterns'], []);
  });
});
