import {
  DocumentDiagnosticReportKind,
  LSPErrorCodes,
  ResponseError,
  type CancellationToken,
  type Diagnostic,
  type DiagnosticServerCancellationData,
  type DocumentDiagnosticReport,
} from 'vscode-languageserver';
import { nextTurns } from './messageTurns';
import { SentReports } from './resultIds';

export interface PullSource {
  /** The open document's version, undefined once it is closed. */
  version(uri: string): number | undefined;
  /** Diagnostics already computed for exactly this version. */
  cached(uri: string, version: number): Diagnostic[] | undefined;
  /** Analyses the current version (undefined: it changed or closed meanwhile). */
  analyse(uri: string): Promise<{ version: number; diagnostics: Diagnostic[] } | undefined>;
  /** How long after the last edit to wait before analysing (`AnalysisWait`). */
  waitMs(uri: string): Promise<number>;
}

/** Time as the pulls see it: the real one in the server, a hand-driven one in tests. */
export interface PullClock {
  now(): number;
  /** Resolves after `ms`, or at once when `token` is cancelled. */
  sleep(ms: number, token: CancellationToken): Promise<void>;
  /** Resolves once messages already received (edits among them) have been handled. */
  turn(): Promise<void>;
}

const REAL_CLOCK: PullClock = { now: Date.now, sleep, turn: nextTurns };

/**
 * `textDocument/diagnostic` answers. A pull is never answered with an empty report it did not
 * compute: when the request was cancelled or the document changed before its analysis, the answer
 * is ServerCancelled with `retriggerRequest`, so the client keeps what it shows and asks again
 * (an empty full report would blank the squiggles while the user types). Pulls wait after the
 * last edit (`AnalysisWait`: as long as an analysis of the document costs, at most `debounceMs`),
 * so a burst of typing faster than that costs one analysis, and a pull cancelled meanwhile costs
 * nothing.
 *
 * Every full report carries a `resultId`; a pull whose `previousResultId` names a report of the
 * document with exactly the diagnostics about to be sent is answered `unchanged` (`SentReports`),
 * so the client keeps what it holds and nothing is serialised. A client that sends no ids gets full
 * reports, as before.
 */
export class PullDiagnostics {
  private readonly lastChange = new Map<string, number>();
  readonly sent = new SentReports();

  constructor(
    private readonly source: PullSource,
    private readonly clock: PullClock = REAL_CLOCK,
  ) {}

  noteChange(uri: string): void {
    this.lastChange.set(uri, this.clock.now());
  }

  forget(uri: string): void {
    this.lastChange.delete(uri);
    this.sent.forget(uri);
  }

  async report(uri: string, token: CancellationToken, previousResultId?: string): Promise<DocumentDiagnosticReport> {
    const version = this.source.version(uri);
    // A closed (or never opened) document has nothing to show: an empty report is the truth (no id: nothing to keep).
    if (version === undefined) return { kind: DocumentDiagnosticReportKind.Full, items: [] };
    const hit = this.source.cached(uri, version);
    if (hit) return this.answer(uri, hit, previousResultId);
    const quietUntil = (this.lastChange.get(uri) ?? 0) + (await this.source.waitMs(uri));
    if (quietUntil > this.clock.now()) await this.clock.sleep(quietUntil - this.clock.now(), token);
    // Edits already received but not yet read come first: a pull they overtake costs nothing.
    await this.clock.turn();
    if (token.isCancellationRequested || this.source.version(uri) !== version) throw cancelled();
    const analysed = await this.source.analyse(uri);
    // A result for the version still open is worth sending even if the client stopped waiting.
    if (!analysed || analysed.version !== this.source.version(uri)) throw cancelled();
    return this.answer(uri, analysed.diagnostics, previousResultId);
  }

  /** `unchanged` when the client holds exactly these diagnostics under `previousResultId`, else a full report with a new id. */
  private answer(uri: string, items: Diagnostic[], previousResultId: string | undefined): DocumentDiagnosticReport {
    const same = this.sent.unchanged(uri, previousResultId, items);
    if (same !== undefined) return { kind: DocumentDiagnosticReportKind.Unchanged, resultId: same };
    return { kind: DocumentDiagnosticReportKind.Full, resultId: this.sent.record(uri, items), items };
  }
}

function cancelled(): ResponseError<DiagnosticServerCancellationData> {
  return new ResponseError<DiagnosticServerCancellationData>(LSPErrorCodes.ServerCancelled, 'the document changed or the request was cancelled; pull again', {
    retriggerRequest: true,
  });
}

function sleep(ms: number, token: CancellationToken): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(done, ms);
    const listener = token.onCancellationRequested(done);
    function done() {
      clearTimeout(timer);
      listener.dispose();
      resolve();
    }
  });
}
