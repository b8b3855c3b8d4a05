// How long the server waits after an edit before analysing, and what an analysis that an edit
// overtakes costs (issue 18, "typing waits"). No timing: the clock and the steps are driven by hand.
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { DocumentDiagnosticReportKind, LSPErrorCodes, ResponseError, type CancellationToken, type Diagnostic } from 'vscode-languageserver';
import { defaultSettings } from '../../shared/settings';
import { analyze, analyzeInSteps } from '../../server/src/analysis';
import { AnalysisWait } from '../../server/src/lsp/analysisWait';
import { PullDiagnostics, type PullClock, type PullSource } from '../../server/src/lsp/pullDiagnostics';
import { PythonParser } from '../../server/src/parsing/pythonParser';

const kappa = fs.readFileSync(path.resolve(__dirname, '../../../samples/kappa_architecture.py'), 'utf8');
const NONE: CancellationToken = { isCancellationRequested: false, onCancellationRequested: () => ({ dispose() {} }) };

describe('AnalysisWait: the wait after an edit is what an analysis of the document costs, at most debounceMs', () => {
  const adaptive = { debounce: 'adaptive' as const, debounceMs: 150 };
  const fixed = { debounce: 'fixed' as const, debounceMs: 150 };

  it('waits debounceMs for a document never analysed, then its measured cost', () => {
    const wait = new AnalysisWait();
    assert.equal(wait.waitMs('a', adaptive), 150);
    wait.noteCost('a', 12, 'resumed');
    assert.equal(wait.waitMs('a', adaptive), 12, 'a cheap document is analysed almost at once');
    assert.equal(wait.waitMs('b', adaptive), 150, 'costs are per document');
  });

  it('never waits longer than debounceMs, and always debounceMs when fixed', () => {
    const wait = new AnalysisWait();
    wait.noteCost('big', 900, 'scratch');
    assert.equal(wait.waitMs('big', adaptive), 150);
    assert.equal(wait.waitMs('big', { ...adaptive, debounceMs: 2000 }), 900);
    wait.noteCost('small', 3, 'resumed');
    assert.equal(wait.waitMs('small', fixed), 150);
    assert.equal(wait.waitMs('small', { ...adaptive, debounceMs: 0 }), 0);
  });

  it('follows the cost of resumed analyses as it changes, halving the weight of older ones', () => {
    const wait = new AnalysisWait();
    wait.noteCost('a', 100, 'resumed');
    wait.noteCost('a', 20, 'resumed');
    assert.equal(wait.cost('a'), 60);
    wait.noteCost('a', 20, 'resumed');
    assert.equal(wait.cost('a'), 40);
  });

  it('an analysis from scratch is the estimate only until a resumed one is measured, and never mixed with them', () => {
    const wait = new AnalysisWait();
    wait.noteCost('a', 400, 'scratch'); // the first analysis: the whole file
    assert.equal(wait.waitMs('a', adaptive), 150);
    assert.equal(wait.cost('a'), 400, 'before any edit, the only cost known');
    wait.noteCost('a', 60, 'resumed'); // after an edit: resumed after the unchanged statements
    assert.equal(wait.cost('a'), 60, 'not (400 + 60) / 2: the next analysis resumes too');
    assert.equal(wait.waitMs('a', adaptive), 60);
    wait.noteCost('a', 500, 'scratch'); // the settings changed: judged again from scratch
    assert.equal(wait.cost('a'), 60, 'an analysis from scratch says nothing of what the next resumed one costs');
    wait.noteCost('a', 80, 'resumed');
    assert.equal(wait.cost('a'), 70);
    // Before the change, the wait after that first edit would have been (400 + 60) / 2 = 230 (capped 150), twice the cost.
  });

  it('forgets a closed document', () => {
    const wait = new AnalysisWait();
    wait.noteCost('a', 5, 'scratch');
    wait.forget('a');
    assert.deepEqual([...wait.uris()], []);
    assert.equal(wait.waitMs('a', adaptive), 150);
  });

  it('is in the one settings schema, adaptive by default', () => {
    assert.equal(defaultSettings().debounce, 'adaptive');
    assert.equal(defaultSettings().debounceMs, 150);
  });
});

/** A clock moved by hand: `sleep` records what was asked and moves time on. */
class HandClock implements PullClock {
  t = 1000;
  slept: number[] = [];
  /** Run during the turn after the wait (an edit read then overtakes the pull). */
  duringTurn?: () => void;
  now = () => this.t;
  sleep = async (ms: number) => {
    this.slept.push(ms);
    this.t += ms;
  };
  turn = async () => {
    this.duringTurn?.();
  };
}

describe('PullDiagnostics: when a pull analyses, and what it answers', () => {
  const item: Diagnostic = { range: { start: { line: 0, character: 0 }, end: { line: 0, character: 1 } }, message: 'm' };
  function source(over: Partial<PullSource> & { wait?: number } = {}) {
    const doc = { version: 1, analyses: 0 };
    const src: PullSource = {
      version: () => doc.version,
      cached: () => undefined,
      analyse: async () => {
        doc.analyses++;
        return { version: doc.version, diagnostics: [item] };
      },
      waitMs: async () => over.wait ?? 150,
      ...over,
    };
    return { doc, src };
  }

  it('waits what the policy says after the last edit, and not at all when it says 0', async () => {
    const clock = new HandClock();
    const { src } = source({ wait: 40 });
    const pulls = new PullDiagnostics(src, clock);
    pulls.noteChange('u');
    clock.t += 10; // the pull arrives 10 ms after the edit
    const report = await pulls.report('u', NONE);
    assert.deepEqual(clock.slept, [30]);
    assert.equal(report.kind, DocumentDiagnosticReportKind.Full);

    const cheap = new PullDiagnostics(source({ wait: 0 }).src, clock);
    clock.slept = [];
    cheap.noteChange('u');
    await cheap.report('u', NONE);
    assert.deepEqual(clock.slept, [], 'a document whose analysis costs nothing is analysed at once');
  });

  it('an edit read during the turn before the analysis cancels the pull without analysing', async () => {
    const clock = new HandClock();
    const { doc, src } = source({ wait: 0 });
    const pulls = new PullDiagnostics(src, clock);
    clock.duringTurn = () => doc.version++;
    await assert.rejects(pulls.report('u', NONE), (e: unknown) => e instanceof ResponseError && e.code === LSPErrorCodes.ServerCancelled);
    assert.equal(doc.analyses, 0);
  });

  it('an analysis the next edit overtakes is answered ServerCancelled with retrigger, never with its outdated findings', async () => {
    const clock = new HandClock();
    const doc = { version: 1 };
    const pulls = new PullDiagnostics(
      {
        version: () => doc.version,
        cached: () => undefined,
        analyse: async () => {
          const version = doc.version;
          doc.version++; // the user typed while it ran
          return { version, diagnostics: [item] };
        },
        waitMs: async () => 0,
      },
      clock,
    );
    await assert.rejects(
      pulls.report('u', NONE),
      (e: unknown) =>
        e instanceof ResponseError && e.code === LSPErrorCodes.ServerCancelled && (e.data as { retriggerRequest?: boolean }).retriggerRequest === true,
    );
  });
});

describe('analyzeInSteps: an overtaken analysis stops at its next step', function () {
  this.timeout(60_000);
  let parser: PythonParser;
  before(async () => {
    parser = await PythonParser.load();
  });

  /** Runs the analysis of `kappa`, going stale at pause `staleAt` (1 = right after the first step). */
  async function runUntilStale(staleAt: number) {
    const tree = parser.parse(kappa);
    let pauses = 0;
    let models = 0;
    try {
      const result = await analyzeInSteps(tree, kappa, { onModel: () => models++ }, { pause: async () => void pauses++, stale: () => pauses >= staleAt });
      return { result, pauses, models };
    } finally {
      tree.delete();
    }
  }

  it('stopped after the syntax copy, it builds no model and gives no result', async () => {
    const { result, pauses, models } = await runUntilStale(1);
    assert.equal(result, undefined);
    assert.equal(pauses, 1);
    assert.equal(models, 0, 'the model step never ran');
  });

  it('stopped after the model, it runs no rule', async () => {
    const { result, pauses, models } = await runUntilStale(2);
    assert.equal(result, undefined);
    assert.equal(pauses, 2, 'no step after the model ran (a rule runs only after a third pause)');
    assert.equal(models, 1);
  });

  it('never stale, it gives what analyze gives', async () => {
    const { result } = await runUntilStale(Infinity);
    const tree = parser.parse(kappa);
    try {
      const whole = analyze(tree, kappa, {});
      assert.ok(result);
      assert.deepEqual(
        result.findings.map((f) => [f.code, f.start, f.end, f.message]),
        whole.findings.map((f) => [f.code, f.start, f.end, f.message]),
      );
      assert.ok(whole.findings.length > 0);
    } finally {
      tree.delete();
    }
  });
});
