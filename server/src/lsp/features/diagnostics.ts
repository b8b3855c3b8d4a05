import type { Diagnostic, TextDocumentContentChangeEvent } from 'vscode-languageserver';
import { syntaxRoot } from '../../parsing/syntaxTree';
import type { CachedAnalysis } from '../analysisCache';
import type { ServerContext } from '../context';
import { PullDiagnostics } from '../pullDiagnostics';
import { DEFAULT_TYPING_PAUSE_MS, TypingHold } from '../typingHold';
import type { Settings } from '../../../../shared/settings';

/**
 * Diagnostics of open documents: pushed after a quiet period (`AnalysisWait`: as long as the
 * document's analyses cost, at most `debounceMs`) to push clients,
 * answered to `textDocument/diagnostic` for pull clients, with the findings on the literal being
 * typed held back until the user leaves it or pauses (TypingHold).
 */
export class DiagnosticsFeature {
  private readonly timers = new Map<string, NodeJS.Timeout>();
  private readonly pulls: PullDiagnostics;
  private readonly typing = new TypingHold(DEFAULT_TYPING_PAUSE_MS, (uri) => (this.ctx.client.pullDiagnostics ? this.refreshPulled() : this.schedule(uri, 0)));

  constructor(private readonly ctx: ServerContext) {
    this.pulls = new PullDiagnostics({
      version: (uri) => ctx.documents.get(uri)?.document.version,
      cached: (uri, version) => {
        const hit = ctx.analyses.get(uri);
        return hit?.version === version ? this.shown(uri, hit) : undefined;
      },
      analyse: async (uri) => {
        const stored = ctx.documents.get(uri);
        const analysed = stored && (await ctx.analyses.analyse(uri, stored));
        return analysed && { version: analysed.version, diagnostics: this.shown(uri, analysed) };
      },
      waitMs: async (uri) => this.waitMs(uri, await ctx.settings.settingsFor(uri)),
    });
  }

  /** `initializationOptions.typingPauseMs`, and what the client can do about held-back findings. */
  initialize(typingPauseMs: unknown): void {
    if (typeof typingPauseMs === 'number' && typingPauseMs >= 0) this.typing.pauseMs = typingPauseMs;
    // A pull client that cannot be asked to pull again would not see held-back findings until its next pull.
    if (this.ctx.client.pullDiagnostics && !this.ctx.client.diagnosticRefresh) this.typing.pauseMs = 0;
  }

  register(): void {
    this.ctx.connection.languages.diagnostics.on((p, token) => this.pulls.report(p.textDocument.uri, token, p.previousResultId));
  }

  opened(uri: string): void {
    this.schedule(uri, 0);
  }

  /** Before the document store applies an edit. */
  changing(uri: string): void {
    this.pulls.noteChange(uri);
  }

  /** After the document store applied an edit. */
  changed(uri: string, changes: readonly TextDocumentContentChangeEvent[]): void {
    this.typing.noteChange(this.ctx.documents.get(uri)?.document, changes);
    this.schedule(uri);
  }

  /** A document closed: nothing more is published for it. */
  closed(uri: string): void {
    clearTimeout(this.timers.get(uri));
    this.timers.delete(uri);
    this.pulls.forget(uri);
    this.typing.forget(uri);
  }

  /** Clears a closed document's diagnostics (push clients; pull clients drop them themselves). */
  cleared(uri: string): void {
    if (!this.ctx.client.pullDiagnostics) void this.ctx.connection.sendDiagnostics({ uri, diagnostics: [] });
  }

  /** Documents whose analyses were dropped: shown again once analysed again. */
  refresh(uris: Iterable<string>): void {
    if (this.ctx.client.pullDiagnostics) this.refreshPulled();
    else for (const uri of uris) this.schedule(uri, 0);
  }

  /**
   * Asks a pull-diagnostics client to pull again. Only clients that say they support the request get
   * it (others answer with an error), and a failed request is ignored rather than logged as an
   * unhandled rejection.
   */
  private refreshPulled(): void {
    if (!this.ctx.client.diagnosticRefresh) return;
    // Typed void, but it sends a request and returns its promise.
    const pending = this.ctx.connection.languages.diagnostics.refresh() as unknown as Promise<void> | undefined;
    void Promise.resolve(pending).catch(() => undefined);
  }

  /** Push mode: analyse after a quiet period; a newer edit cancels the pending run (and stops one under way at its next step). */
  private schedule(uri: string, delay?: number): void {
    if (this.ctx.client.pullDiagnostics) return;
    clearTimeout(this.timers.get(uri));
    void this.ctx.settings.settingsFor(uri).then((s) => {
      clearTimeout(this.timers.get(uri));
      const timer = setTimeout(
        () => {
          this.timers.delete(uri);
          void this.publish(uri);
        },
        delay ?? this.waitMs(uri, s),
      );
      this.timers.set(uri, timer);
    });
  }

  private async publish(uri: string): Promise<void> {
    const stored = this.ctx.documents.get(uri);
    if (!stored) return;
    const version = stored.document.version;
    const cached = await this.ctx.analyses.analyse(uri, stored);
    // The document changed or closed while we worked: a newer run will publish.
    if (!cached || this.ctx.documents.get(uri)?.document.version !== version) return;
    await this.ctx.connection.sendDiagnostics({ uri, version, diagnostics: this.shown(uri, cached) });
  }

  /**
   * How long to wait before analysing: after an edit inside a comment, as long as taking the last
   * analysis over cost (see `takeOverWaitMs`; the analysis then takes it over, or runs in full when
   * the comment turns out to be read); otherwise as long as the document's analyses cost.
   */
  private waitMs(uri: string, settings: Settings): number {
    const stored = this.ctx.documents.get(uri);
    return (stored && this.ctx.analyses.takeOverWaitMs(uri, stored, settings)) ?? this.ctx.analyses.wait.waitMs(uri, settings);
  }

  /** The diagnostics to send now: those on the literal being typed wait (see TypingHold). */
  private shown(uri: string, cached: CachedAnalysis): Diagnostic[] {
    const root = (): ReturnType<typeof syntaxRoot> | undefined => {
      // Taken over after edits inside a comment: the last edit is in a comment, never in a literal
      // (and the syntax copy, which that version skipped, would cost a copy per keystroke).
      if (cached.asBuilt) return undefined;
      const stored = this.ctx.documents.get(uri);
      return stored?.tree && stored.document.version === cached.version ? syntaxRoot(stored.tree, stored.document.getText()) : undefined;
    };
    const findings = cached.result.findings;
    const keep = new Set(this.typing.visible(uri, cached.version, root, findings));
    // Diagnostics past the findings (a "not analysed" notice) are never held back.
    return cached.diagnostics.filter((_, i) => i >= findings.length || keep.has(i));
  }

  dispose(): void {
    for (const t of this.timers.values()) clearTimeout(t);
    this.timers.clear();
    this.typing.dispose();
  }
}
