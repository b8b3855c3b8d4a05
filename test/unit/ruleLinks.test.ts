import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import { fileURLToPath } from 'node:url';
import { ruleLinkFor, ruleOfLink } from '../../client/src/ruleLink';
import { docsUrl } from '../../server/src/findings';
import { RULES } from '../../server/src/rules';

describe('rule links', () => {
  it('every rule links to its page as shipped beside the code, a file: URI that opens offline', () => {
    for (const r of RULES) {
      const href = docsUrl(r.code);
      assert.match(href, /^file:\/\//);
      assert.match(fs.readFileSync(fileURLToPath(href), 'utf8'), new RegExp(`^# ${r.code}: ${r.name}`), href);
    }
  });

  it('VS Code: a rule page link becomes a link to the extension URI handler, which reads the code back', () => {
    const link = ruleLinkFor(docsUrl('PSA201'), 'vscode', 'pyspark-architect.pyspark-architect');
    assert.equal(link, 'vscode://pyspark-architect.pyspark-architect/rule/PSA201');
    assert.equal(ruleOfLink(new URL(link!).pathname), 'PSA201');
    assert.equal(ruleLinkFor('file:///c%3A/ext/docs/rules/PSA702.md', 'code-oss', 'x.y'), 'code-oss://x.y/rule/PSA702');
  });

  it('leaves other links alone and reads no other path', () => {
    assert.equal(ruleLinkFor('https://docs.astral.sh/ruff/rules/E501.md', 'vscode', 'x.y'), undefined);
    assert.equal(ruleLinkFor('file:///home/me/docs/rules/notes.md', 'vscode', 'x.y'), undefined);
    assert.equal(ruleOfLink('/rule/PSA201/../../etc'), undefined);
    assert.equal(ruleOfLink('/other/PSA201'), undefined);
  });
});
