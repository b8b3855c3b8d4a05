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
  const raw: RawGraph = { datasets: new Map(), steps: new Map() };
  const contexts = new Map<string, FileContext>();
  for (const f of fragments) {
    contexts.set(f.uri, f.context);
    for (const [id, s] of f.raw.steps) raw.steps.set(id, s);
    for (const [key, d] of f.raw.datasets) {
      const into = raw.datasets.get(key);
      if (!into) raw.datasets.set(key, { ref: d.ref, reads: [...d.reads], writes: [...d.writes] });
      else {
        into.reads.push(...d.reads);
        into.writes.push(...d.writes);
        if (!into.ref.format && d.ref.format) into.ref = { ...into.ref, format: d.ref.format };
      }
    }
  }
  return toPipelineGraph(raw, contexts);
}

export { buildFileGraph } from './pipelineGraph';
export { inferLayers } from './layers';
