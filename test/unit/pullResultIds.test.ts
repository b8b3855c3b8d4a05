// Result ids and `unchanged` reports in pull mode (LSP 3.17 DocumentDiagnosticReport, issue 18):
// unchanged only when the diagnostics the client holds under the id it names are exactly those
// about to be sent; ids per document, never given twice; a client without ids gets full reports.
import * as assert from 'node:assert/strict';
import {
  DocumentDiagnosticReportKind,
  DiagnosticSeverity,
  DiagnosticTag,
  type CancellationToken,
  type Diagnostic,
  type DocumentDiagnosticReport,
} from 'vscode-languageserver';
import { PullDiagnostics, type PullClock, type PullSource } from '../../server/src/lsp/pullDiagnostics';
import { SentReports, sameJson } from '../../server/src/lsp/resultIds';

const NONE: CancellationToken = { isCancellationRequested: false, onCancellationRequested: () => ({ dispose() {} }) };
const NO_WAIT: PullClock = { now: () => 0, sleep: async () => undefined, turn: async () => undefined };

function diagnostic(over: Partial<Diagnostic> = {}): Diagnostic {
  return {
    range: { start: { line: 3, character: 4 }, end: { line: 3, character: 20 } },
    severity: DiagnosticSeverity.Warning,
    code: 'PSA201',
    codeDescription: { href: 'https://example.invalid/PSA201' },
    source: 'pyspark-architect',
    message: 'collect() on an unbounded DataFrame',
    ...over,
  };
}

/** Open documents whose diagnostics a test sets; each pull analyses (no cache), so every answer is computed afresh. */
function documents() {
  const docs = new Map<string, { version: number; diagnostics: Diagnostic[] }>();
  const source: PullSource = {
    version: (uri) => docs.get(uri)?.version,
    cached: () => undefined,
    // Fresh objects each time, as a new analysis gives: equality must be by value, not identity.
    analyse: async (uri) => {
      const d = docs.get(uri);
      return d && { version: d.version, diagnostics: structuredClone(d.diagnostics) };
    },
    waitMs: async () => 0,
  };
  return { docs, pulls: new PullDiagnostics(source, NO_WAIT) };
}

function idOf(r: DocumentDiagnosticReport): string {
  assert.ok(r.resultId, 'every report for an open document has a result id');
  return r.resultId;
}

describe('pull diagnostics: result ids and unchanged reports', () => {
  it('a full report has an id; the same diagnostics pulled with it are unchanged, under that id', async () => {
    const { docs, pulls } = documents();
    docs.set('a', { version: 1, diagnostics: [diagnostic()] });
    const first = await pulls.report('a', NONE);
    assert.equal(first.kind, DocumentDiagnosticReportKind.Full);
    const again = await pulls.report('a', NONE, idOf(first));
    assert.deepEqual(again, { kind: DocumentDiagnosticReportKind.Unchanged, resultId: first.resultId });
    // A new version whose diagnostics are the same (an edit in a comment): still unchanged.
    docs.set('a', { version: 2, diagnostics: [diagnostic()] });
    assert.equal((await pulls.report('a', NONE, idOf(first))).kind, DocumentDiagnosticReportKind.Unchanged);
  });

  it('any difference in what is sent gives a full report with a new id', async () => {
    const changes: [string, Partial<Diagnostic>][] = [
      ['message', { message: 'collect() on an unbounded DataFrame.' }],
      ['range', { range: { start: { line: 4, character: 4 }, end: { line: 4, character: 20 } } }],
      ['severity', { severity: DiagnosticSeverity.Error }],
      ['code', { code: 'PSA202' }],
      ['tags', { tags: [DiagnosticTag.Unnecessary] }],
      ['data', { data: { fix: 1 } }],
      ['related information', { relatedInformation: [{ location: { uri: 'a', range: diagnostic().range }, message: 'here' }] }],
    ];
    for (const [what, change] of changes) {
      const { docs, pulls } = documents();
      docs.set('a', { version: 1, diagnostics: [diagnostic()] });
      const first = await pulls.report('a', NONE);
      docs.set('a', { version: 2, diagnostics: [diagnostic(change)] });
      const next = await pulls.report('a', NONE, idOf(first));
      assert.equal(next.kind, DocumentDiagnosticReportKind.Full, `a changed ${what} is sent in full`);
      assert.notEqual(next.resultId, first.resultId, what);
      assert.deepEqual(next.kind === DocumentDiagnosticReportKind.Full && next.items, [diagnostic(change)], what);
    }
  });

  it('a finding more or less, or the same ones in another order, is sent in full', async () => {
    const { docs, pulls } = documents();
    const two = [diagnostic(), diagnostic({ code: 'PSA204', message: 'm' })];
    docs.set('a', { version: 1, diagnostics: two });
    const first = await pulls.report('a', NONE);
    docs.set('a', { version: 2, diagnostics: [two[0]] });
    assert.equal((await pulls.report('a', NONE, idOf(first))).kind, DocumentDiagnosticReportKind.Full);
    docs.set('a', { version: 3, diagnostics: [two[1], two[0]] });
    assert.equal((await pulls.report('a', NONE, idOf(first))).kind, DocumentDiagnosticReportKind.Full);
    docs.set('a', { version: 4, diagnostics: [] });
    assert.equal((await pulls.report('a', NONE, idOf(first))).kind, DocumentDiagnosticReportKind.Full, 'no findings left');
  });

  it('compares with the report the client names, not the last one sent', async () => {
    const { docs, pulls } = documents();
    docs.set('a', { version: 1, diagnostics: [diagnostic()] });
    const held = await pulls.report('a', NONE);
    // A report the client never took (it cancelled that request): the diagnostics then differed.
    docs.set('a', { version: 2, diagnostics: [] });
    const dropped = await pulls.report('a', NONE, idOf(held));
    assert.equal(dropped.kind, DocumentDiagnosticReportKind.Full);
    docs.set('a', { version: 3, diagnostics: [diagnostic()] });
    assert.deepEqual(await pulls.report('a', NONE, idOf(held)), { kind: DocumentDiagnosticReportKind.Unchanged, resultId: held.resultId });
    assert.equal((await pulls.report('a', NONE, idOf(dropped))).kind, DocumentDiagnosticReportKind.Full, 'against the empty report: full');
  });

  it('ids are per document: another document’s id, an unknown id or none gives a full report', async () => {
    const { docs, pulls } = documents();
    docs.set('a', { version: 1, diagnostics: [diagnostic()] });
    docs.set('b', { version: 1, diagnostics: [diagnostic()] });
    const a = await pulls.report('a', NONE);
    const b = await pulls.report('b', NONE, idOf(a));
    assert.equal(b.kind, DocumentDiagnosticReportKind.Full, "a's id names nothing of b, even with the same diagnostics");
    assert.notEqual(b.resultId, a.resultId);
    assert.equal((await pulls.report('a', NONE, 'no-such-id')).kind, DocumentDiagnosticReportKind.Full);
    // A client that sends no ids (LSP 3.16 style): full every time.
    for (let i = 0; i < 3; i++) assert.equal((await pulls.report('a', NONE)).kind, DocumentDiagnosticReportKind.Full);
  });

  it('a reopened document gets a full report against an id from before it closed, and ids are never given twice', async () => {
    const { docs, pulls } = documents();
    docs.set('a', { version: 1, diagnostics: [diagnostic()] });
    const before = await pulls.report('a', NONE);
    docs.delete('a');
    pulls.forget('a');
    assert.deepEqual([...pulls.sent.uris()], [], 'a closed document leaves nothing behind');
    docs.set('a', { version: 1, diagnostics: [diagnostic()] });
    const after = await pulls.report('a', NONE, idOf(before));
    assert.equal(after.kind, DocumentDiagnosticReportKind.Full);
    assert.notEqual(after.resultId, before.resultId);
  });

  it('a closed document is answered with an empty full report and no id', async () => {
    const { pulls } = documents();
    assert.deepEqual(await pulls.report('gone', NONE, '1'), { kind: DocumentDiagnosticReportKind.Full, items: [] });
  });

  it('keeps a few reports per document, the one used last kept longest', () => {
    const sent = new SentReports(2);
    const one = sent.record('a', [diagnostic()]);
    const two = sent.record('a', []);
    assert.equal(sent.unchanged('a', one, [diagnostic()]), one, 'used: now the most recent');
    sent.record('a', [diagnostic({ message: 'x' })]);
    assert.equal(sent.unchanged('a', two, []), undefined, 'the least recently used was let go');
    assert.equal(sent.unchanged('a', one, [diagnostic()]), one);
  });
});

describe('sameJson: equal as JSON sends them', () => {
  it('by value, with keys whose value is undefined left out', () => {
    assert.ok(sameJson({ a: 1, b: undefined }, { a: 1 }));
    assert.ok(sameJson({ a: [1, { c: 'x' }] }, { a: [1, { c: 'x' }] }));
    assert.ok(!sameJson({ a: 1 }, { a: 1, b: 2 }));
    assert.ok(!sameJson({ a: 1, b: 2 }, { a: 1 }));
    assert.ok(!sameJson([1, 2], [2, 1]));
    assert.ok(!sameJson([1], { 0: 1 }));
    assert.ok(!sameJson({ a: null }, { a: {} }));
    assert.ok(!sameJson('1', 1));
  });
});
