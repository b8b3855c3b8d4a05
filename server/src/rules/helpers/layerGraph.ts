import { buildFileGraph, withNeighbours } from '../../graph';
import { inferPipelineLayers, type WorkspaceLayering } from '../../graph/pipelines';
import type { RawGraph } from '../../graph/pipelineGraph';
import type { DataFrameModel } from '../../model/types';
import type { Rule, RuleContext } from '../rule';

// The architecture rules (PSA601, PSA602) judge the same layered graph of the file and its
// neighbours, each connected pipeline by its own architecture (as the preview draws it): a lambda
// job beside a medallion ETL does not make the ETL's steps lambda layers, nor the other way round.

export interface ArchitectureView {
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
    g = architectureView(ownGraph(model), workspace, excludeUri);
    graphs.set(model, g);
  }
  return g;
}

/** The file's own steps and datasets as the architecture rules see them (no file name: findings are placed by offset). */
export function ownGraph(model: DataFrameModel): RawGraph {
  return buildFileGraph(model, { filename: '', uri: '' });
}

export function architectureView(own: RawGraph, workspace?: RawGraph, excludeUri?: string): ArchitectureView {
  const graph = withNeighbours(own, workspace, excludeUri);
  return { own, graph, layering: inferPipelineLayers(graph) };
}

/**
 * A project-scope rule that reads nothing of the file but its own graph (`ArchitectureView.own`)
 * and reports only at the offsets of its steps' reads and writes: the CLI's cross-file pass judges
 * a file again from facts kept from its first analysis (`project/projectFacts.ts`), without parsing
 * and modelling it a second time.
 */
export interface GraphRule extends Rule {
  checkGraph(view: ArchitectureView, report: RuleContext['report']): void;
}

export function isGraphRule(rule: Rule): rule is GraphRule {
  return typeof (rule as Partial<GraphRule>).checkGraph === 'function';
}
