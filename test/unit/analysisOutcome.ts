import { fileFragment } from '../../server/src/graph';
import type { AnalysisResult } from '../../server/src/analysis';
import type { DataFrameModel, Frame } from '../../server/src/model/types';

// What an incremental analysis must give exactly as a fresh one does (incrementalAnalysis.test.ts,
// functionReuse.test.ts): findings with fixes, the graph fragment, and the model as plain data.

/** The model as plain data: frames by id with their lineage and the nodes they point at, and every other part. */
export function modelShape(model: DataFrameModel | undefined): unknown {
  if (!model) return undefined;
  const at = (n: { startIndex: number; endIndex: number; type: string } | undefined | null) => (n ? `${n.type}@${n.startIndex}-${n.endIndex}` : '-');
  const frame = (f: Frame) => f.id;
  const plain = (v: unknown, depth = 0): unknown => {
    if (depth > 4 || v === null || v === undefined || typeof v !== 'object') return v;
    if ('startIndex' in v && 'type' in v) return at(v as never);
    if ('id' in v && 'op' in v && 'parents' in v) return `frame ${frame(v as Frame)}`;
    if (Array.isArray(v)) return v.map((x) => plain(x, depth + 1));
    if (v instanceof Map) return [...v].map(([k, x]) => [k, plain(x, depth + 1)]);
    if (v instanceof Set) return [...v];
    return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, plain(x, depth + 1)]));
  };
  return {
    frames: model.frames.map((f) => ({
      ...(plain({ ...f, parents: undefined, columns: undefined }) as object),
      parents: f.parents.map(frame),
      columns: plain(f.columns),
    })),
    actions: plain(model.actions),
    sinks: plain(model.sinks),
    transforms: plain(model.transforms),
    discarded: plain(model.discarded),
    aggregations: plain(model.aggregations),
    confSets: plain(model.confSets),
    builders: plain(model.builders),
    imports: plain(model.imports),
    definitions: plain(model.definitions),
    frameRefs: plain(model.frameRefs),
    localCalls: plain(model.localCalls),
    truncated: model.truncated,
  };
}

export function outcome(name: string, result: AnalysisResult): unknown {
  const { raw } = fileFragment({ filename: name, uri: `file:///${name}`, model: result.model, lines: result.lines, findings: result.findings });
  return { findings: result.findings, skipped: result.skipped, graph: raw, model: modelShape(result.model) };
}
