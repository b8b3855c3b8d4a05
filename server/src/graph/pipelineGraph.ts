import type { Frame, DataFrameModel, SourceInfo } from '../model/types';
import type { Node } from '../parsing/pythonParser';
import { filterLineage, lineage } from '../model/lineage';
import { sinkDataset, sourceDataset, type DatasetRef } from './datasets';

/** Where in which file something happens (offsets into that file's text). */
export interface Site {
  file: string;
  uri: string;
  start: number;
  end: number;
}

export interface DatasetOccurrence extends Site {
  stepId: string;
  streaming: boolean;
  /** Plain facts of the read or write (no syntax nodes: fragments outlive their tree). */
  isWrite: boolean;
  format?: string;
  mode?: string;
  columns?: string[];
  /** The whole statement, for attaching findings. */
  statementStart: number;
  statementEnd: number;
  /** For a write: the datasets in its lineage (what it is computed from). */
  inputs?: string[];
  /** For a write: where those reads are (start offsets of the read expressions), in this file. */
  inputReads?: number[];
  /**
   * For a write: datasets this file writes from a frame upstream of this one (`silver.write...;
   * gold = silver.groupBy(...)`): the output is derived from what went into them.
   */
  writtenUpstream?: string[];
}

export interface DatasetNode {
  ref: DatasetRef;
  reads: DatasetOccurrence[];
  writes: DatasetOccurrence[];
}

export interface StepNode extends Site {
  id: string;
  label: string;
  /** Function (or class) name; undefined for a module's top-level code. */
  functionName?: string;
  reads: Set<string>;
  writes: Set<string>;
  streaming: boolean;
  /** Reads batch data. */
  batch: boolean;
  /** The whole function (or the file, for top-level code), for attaching findings. */
  spanStart: number;
  spanEnd: number;
}

/** The inferred pipeline, before layers: datasets and steps joined by reads and writes. */
export interface RawGraph {
  datasets: Map<string, DatasetNode>;
  steps: Map<string, StepNode>;
}

export interface FileInfo {
  filename: string;
  uri: string;
}

function statementOf(node: Node): Node {
  let n: Node = node;
  for (let i = 0; i < 10_000; i++) {
    const p = n.parent;
    if (!p || p.type === 'block' || p.type === 'module') return n;
    n = p;
  }
  return n;
}

function scopeName(scope: Node): string | undefined {
  if (scope.type === 'module') return undefined;
  return scope.childForFieldName('name')?.text;
}

function columnsOf(frame: Frame): string[] | undefined {
  return frame.columns.size ? [...frame.columns.keys()] : undefined;
}

/** Every source frame upstream of `frame` (itself included). */
export function sourcesOf(frame: Frame): Frame[] {
  return filterLineage(frame, (f) => !!f.source);
}

/**
 * Steps are the functions (or top-level code) that read and write datasets. A write's inputs are
 * the sources in its lineage, wherever they were read; a read that feeds no write still makes its
 * function a reader (a serving query returning a frame, say).
 */
export function buildFileGraph(model: DataFrameModel, file: FileInfo, into: RawGraph = { datasets: new Map(), steps: new Map() }): RawGraph {
  const stepFor = (scope: Node): StepNode => {
    const name = scopeName(scope);
    const id = `step:${file.uri}#${name ?? '<module>'}@${scope.startIndex}`;
    let step = into.steps.get(id);
    if (!step) {
      step = {
        id,
        label: name ?? `${file.filename.split(/[\\/]/).pop()} (top level)`,
        functionName: name,
        file: file.filename,
        uri: file.uri,
        start: scope.type === 'module' ? 0 : scope.startIndex,
        end: scope.type === 'module' ? 0 : (scope.childForFieldName('name')?.endIndex ?? scope.startIndex),
        reads: new Set(),
        writes: new Set(),
        streaming: false,
        batch: false,
        spanStart: scope.startIndex,
        spanEnd: scope.endIndex,
      };
      into.steps.set(id, step);
    }
    return step;
  };
  const datasetFor = (ref: DatasetRef): DatasetNode => {
    let d = into.datasets.get(ref.key);
    if (!d) {
      d = { ref, reads: [], writes: [] };
      into.datasets.set(ref.key, d);
    }
    if (!d.ref.format && ref.format) d.ref = { ...d.ref, format: ref.format };
    return d;
  };
  // Each source and sink is asked for its dataset once (a source feeding many writes was asked per
  // write, and again per read): the answer depends on it alone, and nothing here changes it.
  const sourceRefs = new Map<SourceInfo, DatasetRef | undefined>();
  const sourceRef = (source: SourceInfo): DatasetRef | undefined => {
    if (sourceRefs.has(source)) return sourceRefs.get(source);
    const ref = sourceDataset(source);
    sourceRefs.set(source, ref);
    return ref;
  };
  const seenReads = new Set<string>();
  const attributed = new Set<number>();
  const addRead = (frame: Frame, step: StepNode) => {
    attributed.add(frame.id);
    const ref = sourceRef(frame.source!);
    if (!ref) return;
    const key = `${ref.key}|${step.id}|${frame.node.startIndex}`;
    if (seenReads.has(key)) return;
    seenReads.add(key);
    const stmt = statementOf(frame.node);
    datasetFor(ref).reads.push({
      file: file.filename,
      uri: file.uri,
      start: frame.node.startIndex,
      end: frame.node.endIndex,
      stepId: step.id,
      streaming: !!frame.source!.streaming,
      isWrite: false,
      format: frame.source!.format,
      columns: columnsOf(frame),
      statementStart: stmt.startIndex,
      statementEnd: stmt.endIndex,
    });
    step.reads.add(ref.key);
    if (frame.source!.streaming) step.streaming = true;
    else step.batch = true;
  };
  /** The datasets each written frame goes to. */
  const writtenTo = new Map<number, string[]>();
  const sinkRefs = model.sinks.map(sinkDataset);
  model.sinks.forEach((sink, i) => {
    const ref = sinkRefs[i];
    if (ref) writtenTo.set(sink.frame.id, [...(writtenTo.get(sink.frame.id) ?? []), ref.key]);
  });
  for (let i = 0; i < model.sinks.length; i++) {
    const sink = model.sinks[i];
    const step = stepFor(sink.scope);
    const ref = sinkRefs[i];
    const inputs = new Set<string>();
    const inputReads = new Set<number>();
    // One walk up the lineage for what `sourcesOf` and the frames written upstream would each walk for.
    const sources: Frame[] = [];
    const upstream: Frame[] = [];
    for (const f of lineage(sink.frame)) {
      if (f.source) sources.push(f);
      if (f.id !== sink.frame.id && writtenTo.has(f.id)) upstream.push(f);
    }
    for (const src of sources) {
      addRead(src, step);
      const input = sourceRef(src.source!);
      if (input) {
        inputs.add(input.key);
        inputReads.add(src.node.startIndex);
      }
    }
    if (!ref) continue;
    const writtenUpstream = new Set<string>();
    for (const f of upstream) for (const key of writtenTo.get(f.id)!) writtenUpstream.add(key);
    const stmt = statementOf(sink.call);
    datasetFor(ref).writes.push({
      file: file.filename,
      uri: file.uri,
      start: sink.writerNode.startIndex,
      end: sink.call.endIndex,
      stepId: step.id,
      streaming: sink.streaming,
      isWrite: true,
      format: sink.format,
      mode: sink.mode ?? sink.outputMode,
      columns: columnsOf(sink.frame),
      statementStart: stmt.startIndex,
      statementEnd: stmt.endIndex,
      inputs: [...inputs],
      inputReads: [...inputReads],
      ...(writtenUpstream.size ? { writtenUpstream: [...writtenUpstream] } : {}),
    });
    step.writes.add(ref.key);
  }
  // Reads that feed no write belong to the function they happen in (a serving query, say).
  for (const frame of model.frames) {
    if (frame.source && !attributed.has(frame.id) && sourceRef(frame.source)) addRead(frame, stepFor(frame.scope));
  }
  for (const [, d] of into.datasets) d.reads.sort((a, b) => a.start - b.start);
  return into;
}
