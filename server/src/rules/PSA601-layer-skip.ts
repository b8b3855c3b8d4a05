import { buildFileGraph, inferLayers } from '../graph';
import { medallionLayerOf, type Layering } from '../graph/layers';
import type { RawGraph } from '../graph/pipelineGraph';
import type { DataFrameModel } from '../model/types';
import type { Rule, RuleContext } from './rule';

const graphs = new WeakMap<DataFrameModel, { graph: RawGraph; layering: Layering }>();

/** The file's own pipeline graph and its layers, built once per model and shared by the architecture rules. */
export function fileGraph(model: DataFrameModel): { graph: RawGraph; layering: Layering } {
  let g = graphs.get(model);
  if (!g) {
    const graph = buildFileGraph(model, { filename: '', uri: '' });
    g = { graph, layering: inferLayers(graph) };
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
    const { graph, layering } = fileGraph(ctx.model);
    for (const step of graph.steps.values()) {
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
