import { buildFileGraph, withNeighbours } from '../../graph';
import { inferPipelineLayers, type WorkspaceLayering } from '../../graph/pipelines';
import type { RawGraph } from '../../graph/pipelineGraph';
import type { DataFrameModel } from '../../model/types';

// The architecture rules (PSA601, PSA602) judge the same layered graph of the file and its
// neighbours, each connected pipeline by its own architecture (as the preview draws it): a lambda
// job beside a medallion ETL does not make the ETL's steps lambda layers, nor the other way round.

interface ArchitectureView {
  /** This file's steps and datasets. */
  own: RawGraph;
  /** `own` joined with the other files' steps on the same datasets: what layering and producers are judged on. */
  graph: RawGraph;
  layering: WorkspaceLayering;
}

const graphs = new WeakMap<DataFrameModel, ArchitectureView>();

/**
 * The file's pipeline graph, joined with its neighbours in other files when the workspace is known,
 * and its layers: built once per analysis and shared by the architecture rules. Findings are only
 * ever placed on this file's own steps.
 */
export function fileGraph(model: DataFrameModel, workspace?: RawGraph, excludeUri?: string): ArchitectureView {
  let g = graphs.get(model);
  if (!g) {
    const own = buildFileGraph(model, { filename: '', uri: '' });
    const graph = withNeighbours(own, workspace, excludeUri);
    g = { own, graph, layering: inferPipelineLayers(graph) };
    graphs.set(model, g);
  }
  return g;
}
