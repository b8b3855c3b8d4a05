import * as assert from 'node:assert/strict';
import { APPLICABILITIES, applyEdits, type Fix } from '../../server/src/findings';
import { fixAll } from '../../server/src/fixes/fixAll';
import { RULES, fixApplicabilities } from '../../server/src/rules';
import { analyseFile, realFiles, replacementsRegroup, ruleTestSources, type CorpusFile } from './fixCorpus';
import { loadParser } from './helpers';

/**
 * Every fix every rule produces on the rules' test sources and the real-shaped files: declared,
 * as its rule declares, applied it parses and removes its finding, and a safe fix leaves what the
 * pipeline writes unchanged (see sinkSignature).
 */
describe('fix safety (every fix of every rule)', function () {
  this.timeout(120_000);
  let corpus: CorpusFile[];
  before(() => {
    corpus = [...ruleTestSources(), ...realFiles()];
  });

  it('the corpus holds a fix of every applicability every rule declares', async () => {
    const seen = new Map<string, Set<string>>();
    for (const file of corpus) {
      const { result } = await analyseFile(file.text);
      for (const f of result.findings) for (const x of f.fixes) (seen.get(f.code) ?? seen.set(f.code, new Set()).get(f.code)!).add(x.applicability);
    }
    const all = new Set([...seen.values()].flatMap((s) => [...s]));
    assert.deepEqual([...all].sort(), [...APPLICABILITIES].sort());
    for (const r of RULES) assert.equal(r.fix === 'none', r.fixes.length === 0, `${r.code}: fix ${r.fix} but fixes [${r.fixes.join(', ')}]`);
    // Every applicability a rule declares appears on the corpus, so the checks below see it.
    for (const [code, declared] of fixApplicabilities()) {
      for (const a of declared) assert.ok(seen.get(code)?.has(a), `${code} declares ${a} fixes but none appear in the test sources`);
    }
  });

  it('each fix: declared as its rule says, parses, keeps its replacements whole, removes its finding, and safe ones keep every sink', async () => {
    const declared = fixApplicabilities();
    const problems: string[] = [];
    let checked = 0;
    for (const file of corpus) {
      const before = await analyseFile(file.text);
      for (const f of before.result.findings) {
        for (const fix of f.fixes as Fix[]) {
          checked++;
          const where = `${file.name} ${f.code} "${fix.title}"`;
          if (!APPLICABILITIES.includes(fix.applicability)) problems.push(`${where}: applicability ${String(fix.applicability)}`);
          if (!declared.get(f.code)?.includes(fix.applicability)) problems.push(`${where}: ${fix.applicability} is not declared by ${f.code}`);
          if (fix.applicability !== 'safe' && !fix.reason) problems.push(`${where}: no reason`);
          if (fix.applicability !== 'safe' && fix.preferred) problems.push(`${where}: preferred but ${fix.applicability}`);
          const text = applyEdits(file.text, fix.edits);
          const after = await analyseFile(text);
          if (after.errors > before.errors) {
            problems.push(`${where}: adds syntax errors`);
            continue;
          }
          // The finding is gone: one fewer of its code and message (a fix may surface another, such
          // as a UDF left without callers).
          for (const r of await replacementsRegroup(file.text, fix.edits))
            problems.push(`${where}: the replacement ${JSON.stringify(r)} regroups with its neighbours`);
          const count = (r: typeof before) => r.result.findings.filter((x) => x.code === f.code && x.message === f.message).length;
          if (count(after) >= count(before)) problems.push(`${where}: the finding stays`);
          if (fix.applicability === 'safe' && after.sinks.join('\n') !== before.sinks.join('\n')) {
            problems.push(`${where}: a safe fix changes what is written\n--- before\n${before.sinks.join('\n')}\n--- after\n${after.sinks.join('\n')}`);
          }
        }
      }
    }
    assert.ok(checked > 100, `only ${checked} fixes in the corpus`);
    assert.deepEqual(problems, []);
  });

  it('fix-all (safe only) over the real-shaped files changes no sink and applies no unsafe fix', async () => {
    const parser = await loadParser();
    let applied = 0;
    for (const file of realFiles()) {
      const before = await analyseFile(file.text);
      const fixed = fixAll(parser, file.text);
      applied += fixed.applied.length;
      assert.ok(
        fixed.applied.every((a) => a.applicability === 'safe'),
        `${file.name}: ${fixed.applied.map((a) => `${a.code} ${a.applicability}`)}`,
      );
      const after = await analyseFile(fixed.text);
      assert.equal(after.errors, before.errors, file.name);
      assert.deepEqual(after.sinks, before.sinks, `${file.name}: fix-all changed what is written`);
    }
    assert.ok(applied > 0, 'fix-all applied nothing: the check above saw no fix');
  });
});
