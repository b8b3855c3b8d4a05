import type { PipelineGraph } from '../../../shared/protocol';
import type { Finding } from '../findings';
import type { LineIndex } from '../lineIndex';
import type { DataFrameModel } from '../model/types';
import { buildFileGraph, type RawGraph } from './pipelineGraph';
import { toPipelineGraph, type FileContext } from './toProtocol';

export interface AnalysedFile {
  filename: string;
  uri: string;
  model?: DataFrameModel;
  lines: LineIndex;
  findings: Finding[];
}

/** What one file contributes to a graph: plain data, valid after the file's tree is freed. */
export interface FileFragment {
  uri: string;
  raw: RawGraph;
  context: FileContext;
}

/** Build while the file's syntax tree is alive (the model points into it). */
export function fileFragment(file: AnalysedFile): FileFragment {
  const raw: RawGraph = { datasets: new Map(), steps: new Map() };
  if (file.model) buildFileGraph(file.model, { filename: file.filename, uri: file.uri }, raw);
  return { uri: file.uri, raw, context: { lines: file.lines, findings: file.findings } };
}

/** One graph over many files: a dataset written in one file and read in another is one node. */
export function mergeFragments(fragments: Iterable<FileFragment>): PipelineGraph {
  const list = [...fragments];
  const contexts = new Map<string, FileContext>(list.map((f) => [f.uri, f.context]));
  return toPipelineGraph(mergeRawGraphs(list.map((f) => f.raw)), contexts);
}

/** Joins raw graphs (of different files) into a new one; the inputs are not changed. */
export function mergeRawGraphs(graphs: Iterable<RawGraph>): RawGraph {
  const raw: RawGraph = { datasets: new Map(), steps: new Map() };
  for (const g of graphs) {
    for (const [id, s] of g.steps) raw.steps.set(id, s);
    for (const [key, d] of g.datasets) {
      const into = raw.datasets.get(key);
      if (!into) raw.datasets.set(key, { ref: d.ref, reads: [...d.reads], writes: [...d.writes] });
      else {
        into.reads.push(...d.reads);
        into.writes.push(...d.writes);
        if (!into.ref.format && d.ref.format) into.ref = { ...into.ref, format: d.ref.format };
      }
    }
  }
  return raw;
}

/**
 * A file's graph joined with what other files do to the same datasets: `own`, plus every step of
 * `others` that reads or writes one of own's datasets, plus the datasets those steps touch
 * (occurrences limited to the steps kept). Unrelated files stay out, so they cannot change how
 * this file's pipeline is layered.
 */
export function withNeighbours(own: RawGraph, others: RawGraph | undefined, excludeUri?: string): RawGraph {
  if (!others || others.steps.size === 0) return own;
  const keys = new Set(own.datasets.keys());
  // `others` may still hold an older version of this very file (`excludeUri`): it is not a neighbour.
  const neighbours = [...others.steps.values()].filter((s) => s.uri !== excludeUri && [...s.reads, ...s.writes].some((k) => keys.has(k)));
  if (!neighbours.length) return own;
  const steps = new Set([...own.steps.keys(), ...neighbours.map((s) => s.id)]);
  const touched = new Set([...keys, ...neighbours.flatMap((s) => [...s.reads, ...s.writes])]);
  const part: RawGraph = { datasets: new Map(), steps: new Map(neighbours.map((s) => [s.id, s])) };
  for (const key of touched) {
    const d = others.datasets.get(key);
    if (!d) continue;
    part.datasets.set(key, { ref: d.ref, reads: d.reads.filter((r) => steps.has(r.stepId)), writes: d.writes.filter((w) => steps.has(w.stepId)) });
  }
  return mergeRawGraphs([own, part]);
}

export { buildFileGraph } from './pipelineGraph';
export { inferLayers } from './layers';
