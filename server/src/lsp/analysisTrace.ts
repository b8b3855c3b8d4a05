import { PerformanceObserver, constants } from 'node:perf_hooks';

/**
 * Where one analysis in the server spends its time, step by step (`pysparkArchitect.trace.server:
 * verbose` only; nothing of this runs otherwise): wall and process CPU per step (the steps of
 * `analyzeInSteps`, then what the server does with the result before answering), the pauses
 * between steps, and the garbage collections that started during the analysis, each placed in the
 * step it interrupted. Written to the log as `trace <file>@<version> <json>` once the answer is
 * out (the bench reads it: `bench.mjs --only=typing`).
 *
 * Process CPU (`process.cpuUsage`) counts V8's helper threads too (concurrent marking, parallel
 * scavenges): a step whose CPU exceeds its wall had help; one whose wall exceeds its CPU waited
 * (the machine busy elsewhere, or a page fault).
 */
export class AnalysisTrace {
  private readonly t0 = performance.now();
  private mark = this.t0;
  private cpuMark = cpuNow();
  private pauseFrom = 0;
  private readonly steps: { name: string; from: number; to: number; cpu: number }[] = [];
  private readonly pauses = { n: 0, ms: 0, max: 0 };
  private readonly facts: Record<string, unknown> = {};
  /** When the analysis ended (`performance.now()`): the fragment built after the answer notes its start from it. */
  analysisEnd: number | undefined;
  /** False while the fragment left for after the answer is not built (the trace line waits for it), true once built. */
  fragmentBuilt: boolean | undefined;

  constructor() {
    observeCollections();
  }

  /** The step `name` ended now (it began at the last mark: the start, the end of a pause or of the step before). */
  step(name: string): void {
    const now = performance.now();
    const cpu = cpuNow();
    this.steps.push({ name, from: this.mark, to: now, cpu: cpu - this.cpuMark });
    this.mark = now;
    this.cpuMark = cpu;
  }

  pausing(): void {
    this.pauseFrom = performance.now();
  }

  resumed(): void {
    const now = performance.now();
    const ms = now - this.pauseFrom;
    this.pauses.n++;
    this.pauses.ms += ms;
    this.pauses.max = Math.max(this.pauses.max, ms);
    this.mark = now;
    this.cpuMark = cpuNow();
  }

  /** Facts about the run (what the copy and the model reused, the version it resumed from). */
  note(key: string, value: unknown): void {
    this.facts[key] = value;
  }

  /**
   * The trace as one JSON object, the collections placed in their steps. Called a moment after the
   * analysis ends: the observer is told of collections asynchronously.
   */
  summary(end: number): Record<string, unknown> {
    const steps: Record<string, [number, number]> = {};
    for (const s of this.steps) {
      const [wall, cpu] = steps[s.name] ?? [0, 0];
      steps[s.name] = [round(wall + s.to - s.from), round(cpu + s.cpu)];
    }
    const gc: { kind: string; ms: number; in: string }[] = [];
    for (const c of collections) {
      if (c.start < this.t0 || c.start >= end) continue;
      const step = this.steps.find((s) => c.start >= s.from && c.start < s.to);
      gc.push({ kind: c.kind, ms: round(c.ms), in: step?.name ?? 'pause' });
    }
    return {
      wallMs: round(end - this.t0),
      startedAt: round(performance.timeOrigin + this.t0),
      endedAt: round(performance.timeOrigin + end),
      steps,
      pauses: { n: this.pauses.n, ms: round(this.pauses.ms), max: round(this.pauses.max) },
      gc,
      ...this.facts,
    };
  }
}

function cpuNow(): number {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1000;
}

function round(ms: number): number {
  return Math.round(ms * 100) / 100;
}

/** Garbage collections seen since the first trace (the latest few thousand), on the `performance.now()` clock. */
const collections: { start: number; ms: number; kind: string }[] = [];
let observer: PerformanceObserver | undefined;

const GC_KINDS: Record<number, string> = {
  [constants.NODE_PERFORMANCE_GC_MINOR]: 'scavenge',
  [constants.NODE_PERFORMANCE_GC_MAJOR]: 'mark-compact',
  [constants.NODE_PERFORMANCE_GC_INCREMENTAL]: 'incremental marking',
  [constants.NODE_PERFORMANCE_GC_WEAKCB]: 'weak callbacks',
};

/** Starts listening for collections, once, when a first trace is asked for (never when tracing is off). */
function observeCollections(): void {
  if (observer) return;
  observer = new PerformanceObserver((list) => {
    for (const e of list.getEntries()) {
      const kind = (e as { detail?: { kind?: number } }).detail?.kind ?? 0;
      collections.push({ start: e.startTime, ms: e.duration, kind: GC_KINDS[kind] ?? `kind ${kind}` });
    }
    if (collections.length > 5000) collections.splice(0, collections.length - 5000);
  });
  observer.observe({ entryTypes: ['gc'] });
}
