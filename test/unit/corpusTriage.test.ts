import * as assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';

// scripts/corpus/triage.mjs is plain ESM (the corpus scripts run without a compile step), so it is
// loaded from the source tree rather than from out/.
interface Row {
  [column: string]: string | number | undefined;
}
interface Tally {
  code: string;
  findings: number;
  tp: number;
  fp: number;
  debatable: number;
  untriaged: number;
  precision: number | null;
  strict: number | null;
}
interface Joined {
  labelled: { finding: Row; triage?: Row; moved: boolean }[];
  untriaged: Row[];
  lostTruePositives: Row[];
  gone: Row[];
}
interface TriageModule {
  FINDING_COLUMNS: string[];
  TRIAGE_COLUMNS: string[];
  escapeCell(v: string): string;
  unescapeCell(v: string): string;
  formatTsv(columns: string[], rows: Row[]): string;
  parseTsv(text: string, required?: string[]): Row[];
  triageProblems(triage: Row[]): string[];
  joinTriage(findings: Row[], triage: Row[]): Joined;
  precisionTable(joined: Joined): { rules: Tally[]; overall: Tally };
  formatPrecisionMarkdown(table: { rules: Tally[]; overall: Tally }): string;
  triageTemplate(findings: Row[]): string;
  diffFindings(before: Row[], after: Row[]): { added: Row[]; removed: Row[]; rules: { code: string; added: number; removed: number }[] };
}

const MODULE = pathToFileURL(path.resolve(__dirname, '../../../scripts/corpus/triage.mjs')).href;
let t: TriageModule;

const finding = (over: Row): Row => ({
  repo: 'acme/etl',
  path: 'jobs/daily.py',
  line: 10,
  col: 5,
  code: 'PSA101',
  message: 'count() only feeds logging',
  text: 'n = orders.count()',
  ...over,
});
const triaged = (over: Row): Row => ({
  repo: 'acme/etl',
  path: 'jobs/daily.py',
  line: '10',
  code: 'PSA101',
  label: 'TP',
  reason: 'job log line',
  text: 'n = orders.count()',
  ...over,
});

/** Findings and triage as they come back from the files, where every cell is text. */
function throughFiles(findings: Row[], triage: Row[]): { findings: Row[]; triage: Row[] } {
  return {
    findings: t.parseTsv(t.formatTsv(t.FINDING_COLUMNS, findings), t.FINDING_COLUMNS),
    triage: t.parseTsv(t.formatTsv(t.TRIAGE_COLUMNS, triage), t.TRIAGE_COLUMNS),
  };
}

describe('corpus triage join and precision', () => {
  before(async () => {
    t = (await import(MODULE)) as TriageModule;
  });

  it('round-trips cells with tabs, line breaks and backslashes through the TSV', () => {
    const text = 'print(f"a\\tb")\tx\ny\r\\n';
    assert.equal(t.unescapeCell(t.escapeCell(text)), text);
    const rows = t.parseTsv(t.formatTsv(['a', 'b'], [{ a: text, b: 'plain' }]));
    assert.equal(rows.length, 1);
    assert.equal(rows[0].a, text);
    assert.equal(rows[0].b, 'plain');
  });

  it('skips blank and # comment lines and rejects a file without the required columns', () => {
    const rows = t.parseTsv('# triage of the corpus\nrepo\tpath\n\nacme/etl\tjobs/a.py\n# note\n', ['repo', 'path']);
    assert.deepEqual(
      rows.map((r) => r.path),
      ['jobs/a.py'],
    );
    assert.throws(() => t.parseTsv('repo\tpath\nacme/etl\tjobs/a.py\n', ['repo', 'path', 'code']), /missing column\(s\) code/);
  });

  it('labels findings at their key; two findings of one rule on one line share the row', () => {
    const { findings, triage } = throughFiles(
      [finding({}), finding({ col: 30 }), finding({ line: 20, code: 'PSA301', text: 'df.coalesce(1).write.csv(out)' })],
      [triaged({}), triaged({ line: '20', code: 'PSA301', label: 'FP', text: 'df.coalesce(1).write.csv(out)' })],
    );
    const joined = t.joinTriage(findings, triage);
    assert.deepEqual(
      joined.labelled.map((l) => l.triage?.label),
      ['TP', 'TP', 'FP'],
    );
    assert.equal(joined.untriaged.length, 0);
    assert.equal(joined.lostTruePositives.length, 0);
  });

  it('does not label a finding of another rule or another file at the same line', () => {
    const { findings, triage } = throughFiles([finding({ code: 'PSA103' }), finding({ path: 'jobs/weekly.py' })], [triaged({})]);
    const joined = t.joinTriage(findings, triage);
    assert.equal(joined.untriaged.length, 2);
    assert.equal(joined.lostTruePositives.length, 1);
  });

  it('finds a row again by its source text when the line moved, taking the nearest unused row', () => {
    const { findings, triage } = throughFiles(
      [finding({ line: 14, text: '  n = orders.count()  ' })],
      [triaged({ line: '3', label: 'FP', reason: 'far away' }), triaged({ line: '12', label: 'TP', reason: 'nearest' })],
    );
    const joined = t.joinTriage(findings, triage);
    assert.equal(joined.labelled[0].triage?.reason, 'nearest');
    assert.equal(joined.labelled[0].moved, true);
    assert.equal(joined.gone.length, 1, 'the far FP row is reported as gone, not lost');
    assert.equal(joined.lostTruePositives.length, 0);
  });

  it('does not give a row matched at its key to a moved finding with the same text', () => {
    const { findings, triage } = throughFiles([finding({ line: 10 }), finding({ line: 40 })], [triaged({ line: '10' })]);
    const joined = t.joinTriage(findings, triage);
    assert.equal(joined.labelled[0].triage?.label, 'TP');
    assert.equal(joined.labelled[1].triage, undefined);
    assert.equal(joined.untriaged.length, 1);
  });

  it('reports triaged true positives that are no longer found as lost recall', () => {
    const { findings, triage } = throughFiles([], [triaged({}), triaged({ line: '30', label: 'FP' }), triaged({ line: '31', label: 'debatable' })]);
    const joined = t.joinTriage(findings, triage);
    assert.equal(joined.lostTruePositives.length, 1);
    assert.equal(joined.lostTruePositives[0].line, '10');
    assert.equal(joined.gone.length, 2);
  });

  it('computes precision per rule and overall, debatable out of precision and counted false in strict', () => {
    const rows: Row[] = [];
    const labels: Row[] = [];
    const add = (code: string, line: number, label?: string) => {
      rows.push(finding({ code, line, text: `x${line}` }));
      if (label) labels.push(triaged({ code, line: String(line), label, text: `x${line}` }));
    };
    [1, 2, 3].forEach((l) => add('PSA101', l, 'TP'));
    add('PSA101', 4, 'FP');
    add('PSA101', 5, 'debatable');
    add('PSA101', 6);
    add('PSA208', 7, 'debatable');
    const { findings, triage } = throughFiles(rows, labels);
    const table = t.precisionTable(t.joinTriage(findings, triage));
    const psa101 = table.rules.find((r) => r.code === 'PSA101')!;
    assert.deepEqual({ ...psa101 }, { code: 'PSA101', findings: 6, tp: 3, fp: 1, debatable: 1, untriaged: 1, precision: 0.75, strict: 0.6 });
    const psa208 = table.rules.find((r) => r.code === 'PSA208')!;
    assert.equal(psa208.precision, null, 'no TP or FP: precision is undefined, not 0 or 1');
    assert.equal(psa208.strict, 0);
    assert.equal(table.overall.findings, 7);
    assert.equal(table.overall.precision, 0.75);
    assert.equal(table.overall.strict, 0.5);
    const md = t.formatPrecisionMarkdown(table);
    assert.match(md, /\| PSA101 \| 6 \| 3 \| 1 \| 1 \| 1 \| 0\.75 \| 0\.60 \|/);
    assert.match(md, /\| PSA208 \| 1 \| 0 \| 0 \| 1 \| 0 \| - \| 0\.00 \|/);
  });

  it('flags unknown labels, bad lines and duplicate keys, and leaves those rows out of the join', () => {
    const { triage } = throughFiles(
      [],
      [triaged({}), triaged({ reason: 'again' }), triaged({ line: '11', label: 'tp', text: 'seen = events.count()' }), triaged({ line: 'x' })],
    );
    const problems = t.triageProblems(triage);
    assert.equal(problems.length, 3);
    assert.match(problems.join('\n'), /row 3: same repo, path, line and code as row 2/);
    assert.match(problems.join('\n'), /label "tp"/);
    assert.match(problems.join('\n'), /line "x"/);
    const joined = t.joinTriage(t.parseTsv(t.formatTsv(t.FINDING_COLUMNS, [finding({ line: 11, text: 'seen = events.count()' })])), triage);
    assert.equal(joined.untriaged.length, 1, 'a row with an unknown label does not label a finding');
  });

  it('names the file of each row when triage rows are pooled from several files', () => {
    const a = t.parseTsv(t.formatTsv(t.TRIAGE_COLUMNS, [triaged({})])).map((r) => ({ ...r, file: 'psa101.tsv' }));
    const b = t.parseTsv(t.formatTsv(t.TRIAGE_COLUMNS, [triaged({ label: 'FP' })])).map((r) => ({ ...r, file: 'mixed.tsv' }));
    assert.deepEqual(t.triageProblems([...a, ...b]), ['mixed.tsv:2: same repo, path, line and code as psa101.tsv:2']);
  });

  it('tells which findings a new run added and removed, per rule', () => {
    const before = [finding({}), finding({ col: 30 }), finding({ line: 20, code: 'PSA301' })];
    const after = [finding({}), finding({ line: 20, code: 'PSA301' }), finding({ line: 20, code: 'PSA103' }), finding({ line: 21, code: 'PSA301' })];
    const { findings: b } = throughFiles(before, []);
    const { findings: a } = throughFiles(after, []);
    const diff = t.diffFindings(b, a);
    assert.deepEqual(diff.rules, [
      { code: 'PSA101', added: 0, removed: 1 },
      { code: 'PSA103', added: 1, removed: 0 },
      { code: 'PSA301', added: 1, removed: 0 },
    ]);
    assert.equal(diff.removed[0].col, '30');
    assert.deepEqual(t.diffFindings(a, a).rules, []);
  });

  it('writes untriaged findings as triage rows that parse back with an empty label', () => {
    const rows = t.parseTsv(t.triageTemplate([finding({ text: '  total =\tdf.count()  ' })]), t.TRIAGE_COLUMNS);
    assert.equal(rows.length, 1);
    assert.equal(rows[0].label, '');
    assert.equal(rows[0].text, 'total = df.count()');
    assert.equal(rows[0].line, '10');
  });

  describe('precision.mjs on a run of the default rules', () => {
    const script = path.resolve(__dirname, '../../../scripts/corpus/precision.mjs');
    let dir: string;
    beforeEach(() => {
      dir = fs.mkdtempSync(path.join(os.tmpdir(), 'psa-precision-'));
      // One finding still reported; two true positives no longer in the table, one of a strict rule.
      fs.writeFileSync(path.join(dir, 'findings.tsv'), t.formatTsv(t.FINDING_COLUMNS, [finding({})]));
      fs.writeFileSync(
        path.join(dir, 'triage.tsv'),
        t.formatTsv(t.TRIAGE_COLUMNS, [
          triaged({}),
          triaged({ line: '20', code: 'PSA102', text: 'joined.write.parquet(out)' }),
          triaged({ line: '30', code: 'PSA103', text: 'rows = joined.collect()' }),
        ]),
      );
    });
    afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));
    const precision = () =>
      spawnSync(process.execPath, [script, '--findings', path.join(dir, 'findings.tsv'), '--triage', path.join(dir, 'triage.tsv')], {
        encoding: 'utf8',
      });
    const runJson = (summary: object) => fs.writeFileSync(path.join(dir, 'run.json'), JSON.stringify(summary));

    it("lists a strict rule's true positive apart when the run did not run strict rules", () => {
      runJson({ strict: false, strictRules: ['PSA103'] });
      const r = precision();
      assert.equal(r.status, 1, r.stderr);
      assert.match(r.stdout, /LOST TRUE POSITIVES 1 /);
      assert.match(r.stdout, /jobs\/daily\.py:20 PSA102/);
      assert.doesNotMatch(r.stdout, /:30 PSA103/);
      assert.match(r.stdout, /1 triaged true positive\(s\) of strict rules not listed/);
    });

    it('counts every true positive no longer reported as lost on a strict run', () => {
      runJson({ strict: true, strictRules: ['PSA103'] });
      const r = precision();
      assert.equal(r.status, 1);
      assert.match(r.stdout, /LOST TRUE POSITIVES 2 /);
      assert.match(r.stdout, /:30 PSA103/);
    });

    it("exits 0 when only strict rules' true positives are missing from a default run", () => {
      runJson({ strict: false, strictRules: ['PSA102', 'PSA103'] });
      const r = precision();
      assert.equal(r.status, 0, r.stdout);
      assert.match(r.stdout, /LOST TRUE POSITIVES 0\n/);
    });

    it('stops with its usage on an option it does not know, and prints it on --help', () => {
      const bad = spawnSync(process.execPath, [script, '--finding', path.join(dir, 'findings.tsv')], { encoding: 'utf8' });
      assert.equal(bad.status, 2);
      assert.match(bad.stderr, /unknown or incomplete argument --finding\n.*usage:/s);
      const help = spawnSync(process.execPath, [script, '--help'], { encoding: 'utf8' });
      assert.equal(help.status, 0);
      assert.match(help.stdout, /^usage: node scripts\/corpus\/precision\.mjs/);
    });
  });
});
