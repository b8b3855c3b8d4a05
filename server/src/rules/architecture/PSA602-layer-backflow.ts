import { MEDALLION_LAYERS, medallionLayerOf, namesMedallionWord } from '../../graph/layers';
import type { DatasetNode, RawGraph } from '../../graph/pipelineGraph';
import { fileGraph, type GraphRule } from '../helpers/layerGraph';
import type { RuleContext } from '../rule';

export const layerBackflow: GraphRule = {
  code: 'PSA602',
  name: 'layer-backflow',
  summary: "A later layer writing into an earlier layer's location (gold or silver code writing to bronze, serving writing batch views).",
  defaultSeverity: 'warning',
  check(ctx: RuleContext) {
    layerBackflow.checkGraph(fileGraph(ctx.model, ctx.workspace, ctx.workspaceExclude), ctx.report);
  },
  checkGraph({ own, graph, layering }, report) {
    const rank = (location: string | undefined) => MEDALLION_LAYERS.indexOf(medallionLayerOf(location) ?? '');
    for (const step of own.steps.values()) {
      const rankOf = (keys: Iterable<string>) => Math.max(-1, ...[...keys].map((k) => rank(graph.datasets.get(k)?.ref.location)));
      const servingStep = layering.architectureOf.get(step.id) === 'lambda' && layering.layerOf.get(step.id) === 'serving';
      for (const key of step.writes) {
        const d = graph.datasets.get(key)!;
        const outRank = rank(d.ref.location);
        // A speed step's batch write (a script that runs its stream, then a batch load of its own) is not a speed-layer
        // view: only a streaming write produces one.
        const otherWriters = d.writes
          .filter((w) => w.stepId !== step.id)
          .map((w) => ({ layer: layering.layerOf.get(w.stepId), streaming: w.streaming }))
          .filter((w) => w.layer !== 'speed' || w.streaming)
          .map((w) => w.layer);
        for (const write of d.writes.filter((w) => w.stepId === step.id)) {
          // Judged by what feeds this write (a notebook's top level may write bronze, then read it into silver).
          const inputRank = rankOf(write.inputs ?? step.reads);
          if (outRank >= 0 && inputRank > outRank && !folderOfItsOwn(d, graph, MEDALLION_LAYERS[outRank])) {
            report({
              start: write.start,
              end: write.end,
              message:
                `Layer backflow: this step reads ${MEDALLION_LAYERS[inputRank]} data and writes into the ${MEDALLION_LAYERS[outRank]} ` +
                `location "${d.ref.location}". Earlier layers must only hold data derived from their sources; writing back creates ` +
                'cycles, breaks reprocessing from bronze and mixes business logic into raw data. Write to a location of the same or a later layer.',
            });
          } else if (servingStep && d.ref.kind !== 'store' && otherWriters.some((l) => l === 'batch' || l === 'speed')) {
            // A store known only by its format (`jdbc:` with no table the model can read, `redis:`) stands for
            // every such target of the workspace: two writes to it need not touch the same data.
            report({
              start: write.start,
              end: write.end,
              message:
                `Layer backflow: the serving layer writes into "${d.ref.location}", which the ${otherWriters.find((l) => l === 'batch' || l === 'speed')} layer produces. ` +
                'Serving must only read views; the next batch or speed run overwrites (or is corrupted by) what serving wrote.',
            });
          }
        }
      }
    }
  },
};

/**
 * `raw`, `landing`, `clean`, `mart`... stand for a layer in a project that has no folder called by the
 * layer's own word. Where the pipeline names that layer outright (`/data/bronze/...`) and nothing reads
 * this location, a write there is an export or a drop zone of its own (a Power BI folder called `raw`),
 * not data flowing back into the layer the pipeline reads from.
 */
function folderOfItsOwn(d: DatasetNode, graph: RawGraph, layer: string): boolean {
  if (namesMedallionWord(d.ref.location, layer) || d.reads.length > 0) return false;
  for (const other of graph.datasets.values()) if (other !== d && namesMedallionWord(other.ref.location, layer)) return true;
  return false;
}
