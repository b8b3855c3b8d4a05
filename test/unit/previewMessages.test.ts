import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { GETTING_STARTED_SAMPLE } from '../../client/src/gettingStartedSample';
import { isRevealMessage } from '../../client/src/preview/messages';
import { check } from './helpers';

describe('preview panel message validation', () => {
  const range = { start: { line: 3, character: 4 }, end: { line: 3, character: 20 } };

  it('accepts a well-formed reveal', () => {
    assert.ok(isRevealMessage({ type: 'reveal', uri: 'file:///work/jobs/etl.py', range }));
  });

  it('rejects malformed or hostile messages', () => {
    for (const m of [
      null,
      'reveal',
      { type: 'reveal' },
      { type: 'reveal', uri: 42, range },
      { type: 'reveal', uri: 'not a uri', range },
      { type: 'reveal', uri: 'file:///x.py', range: { start: { line: -1, character: 0 }, end: range.end } },
      { type: 'reveal', uri: 'file:///x.py', range: { start: { line: 1.5, character: 0 }, end: range.end } },
      { type: 'reveal', uri: 'file:///x.py', range: { start: range.start } },
      { type: 'reveal', uri: 'file:///' + 'a'.repeat(5000), range },
      { type: 'exported', uri: 'file:///x.py', range },
    ]) {
      assert.equal(isRevealMessage(m), false, JSON.stringify(m)?.slice(0, 80));
    }
  });
});

describe('getting-started sample', () => {
  it('is the code the walkthrough page shows, and it raises the three findings the page promises', async () => {
    const md = fs.readFileSync(path.resolve(__dirname, '../../../docs/walkthrough/open-sample.md'), 'utf8');
    assert.equal(/```python\n([\s\S]*?)```/.exec(md)![1], GETTING_STARTED_SAMPLE);
    // With the settings a new user has: the strict (opt-in) rules stay off.
    const r = await check(GETTING_STARTED_SAMPLE, { 'rules.strict': false });
    assert.deepEqual(r.findings.map((f) => f.code).sort(), ['PSA201', 'PSA204', 'PSA401']);
  });

  it('offers the quick fix the walkthrough names, and applying it clears the finding', async () => {
    const page = fs.readFileSync(path.resolve(__dirname, '../../../docs/walkthrough/apply-fix.md'), 'utf8');
    const title = /choose \*\*(.+?)\*\*/s.exec(page)![1].replace(/\s+/g, ' ');
    const [pii] = (await check(GETTING_STARTED_SAMPLE, { 'rules.strict': false })).of('PSA401');
    const fix = pii.fixes?.find((f) => f.title === title);
    assert.ok(fix, `${title} among ${pii.fixes?.map((f) => f.title).join(' | ')}`);
    const edits = [...fix.edits].sort((a, b) => b.start - a.start);
    const fixed = edits.reduce((text, e) => text.slice(0, e.start) + e.newText + text.slice(e.end), GETTING_STARTED_SAMPLE);
    assert.deepEqual((await check(fixed, { 'rules.strict': false })).of('PSA401'), []);
  });
});
