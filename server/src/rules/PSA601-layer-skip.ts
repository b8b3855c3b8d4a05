import { buildFileGraph, inferLayers, withNeighbours } from '../graph';
import { medallionLayerOf, type Layering } from '../graph/layers';
import type { RawGraph } from '../graph/pipelineGraph';
import type { DataFrameModel } from '../model/types';
import type { Rule, RuleContext } from './rule';

interface ArchitectureView {
  /** This file's steps and datasets. */
  own: RawGraph;
  /** `own` joined with the other files' steps on the same datasets: what layering and producers are judged on. */
  graph: RawGraph;
  layering: Layering;
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
    g = { own, graph, layering: inferLayers(graph) };
    graphs.set(model, g);
  }
  return g;
}

export const layerSkip: Rule = {
  code: 'PSA601',
  name: 'layer-skip',
  summary: 'A gold dataset built straight from a bronze read (skipping silver), or a serving step reading raw data.',
  defaultSeverity: 'warning',
  check(ctx: RuleContext) {
    const { own, graph, layering } = fileGraph(ctx.model, ctx.workspace, ctx.workspaceExclude);
    for (const step of own.steps.values()) {
      // In a lambda pipeline "serving" and "views" are lambda words, not medallion gold.
      const writesGold = layering.architecture !== 'lambda' && [...step.writes].some((k) => medallionLayerOf(graph.datasets.get(k)?.ref.location) === 'gold');
      const servingStep = layering.architecture === 'lambda' && layering.layerOf.get(step.id) === 'serving';
      if (!writesGold && !servingStep) continue;
      const readsSilver = [...step.reads].some((k) => medallionLayerOf(graph.datasets.get(k)?.ref.location) === 'silver');
      for (const key of step.reads) {
        const d = graph.datasets.get(key)!;
        const raw = medallionLayerOf(d.ref.location) === 'bronze';
        const producedHere = d.writes.length > 0;
        for (const read of d.reads.filter((r) => r.stepId === step.id)) {
          if (writesGold && raw && !readsSilver) {
            ctx.report({
              start: read.start,
              end: read.end,
              message:
                `Layer skip: this gold step reads bronze/raw data ("${d.ref.location}") directly, skipping silver. Gold tables then ` +
                're-implement cleansing and deduplication (or skip it), so metrics disagree with the silver data everyone else uses. ' +
                'Read the cleaned silver dataset instead.',
            });
          } else if (servingStep && (raw || d.ref.kind === 'topic') && !producedHere) {
            ctx.report({
              start: read.start,
              end: read.end,
              message:
                `Layer skip: the serving layer reads raw data ("${d.ref.location}") directly instead of the batch and speed views. ` +
                'Serving queries then scan unprocessed history on every request. Read the precomputed views.',
            });
          }
        }
      }
    }
  },
};
