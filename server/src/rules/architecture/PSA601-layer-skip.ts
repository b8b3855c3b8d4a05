import { medallionLayerOf, namesMedallionWord } from '../../graph/layers';
import type { RuleContext } from '../rule';
import { fileGraph, type GraphRule } from '../helpers/layerGraph';

export const layerSkip: GraphRule = {
  code: 'PSA601',
  name: 'layer-skip',
  summary: 'A gold dataset built straight from a bronze read (skipping silver), or a serving step reading raw data.',
  defaultSeverity: 'warning',
  check(ctx: RuleContext) {
    layerSkip.checkGraph(fileGraph(ctx.model, ctx.workspace, ctx.workspaceExclude), ctx.report);
  },
  checkGraph({ own, graph, layering }, report) {
    const layerOfKey = (key: string) => medallionLayerOf(graph.datasets.get(key)?.ref.location);
    // A lake with two zones (raw -> curated, landing -> serving) has no silver to skip: its
    // "curated" zone is the cleansed one. A skip needs a silver layer somewhere in the pipeline, or
    // both ends named in medallion words (bronze -> gold says the team has the three layers).
    const hasSilver = [...graph.datasets.keys()].some((key) => layerOfKey(key) === 'silver');
    // Other files' steps on this file's datasets are in sight (the CLI over a project, the editor's
    // workspace scan). If none of them reads or writes silver either, bronze -> gold is the project's
    // two-layer design, not a skip: a skip is reported where a silver layer exists to be skipped.
    // Judged from one file alone, silver may be out of sight, and both ends named in medallion words
    // still say the team has the three layers.
    // A neighbour in a `silver/` folder or file counts as a silver layer even when its silver tables
    // are written by SQL the graph does not read (a notebook's CREATE TABLE and MERGE).
    const others = [...graph.steps.values()].filter((s) => !own.steps.has(s.id));
    const silverInSight = others.some((s) => namesMedallionWord(s.uri || s.file, 'silver'));
    const saysMedallion = (read: string, written: string) =>
      hasSilver ||
      ((!others.length || silverInSight) &&
        namesMedallionWord(graph.datasets.get(read)?.ref.location, 'bronze') &&
        namesMedallionWord(graph.datasets.get(written)?.ref.location, 'gold'));
    for (const step of own.steps.values()) {
      // Bronze reads that feed one of this step's gold writes with nothing from silver beside them
      // (per write: a notebook's top level may feed silver from landing and gold from silver).
      // In a lambda pipeline "serving" and "views" are lambda words, not medallion gold.
      const skipped = new Set<string>();
      /** The read expressions feeding those writes, when known (a dataset may also be read for other outputs). */
      let skippedReads: Set<number> | undefined = new Set<number>();
      if (layering.architectureOf.get(step.id) !== 'lambda') {
        for (const key of step.writes) {
          if (layerOfKey(key) !== 'gold') continue;
          for (const write of graph.datasets.get(key)!.writes.filter((w) => w.stepId === step.id)) {
            const inputs = write.inputs ?? [...step.reads];
            // Derived from a frame this step also writes to silver: that silver data is what gold is built from.
            if (inputs.some((k) => layerOfKey(k) === 'silver') || write.writtenUpstream?.some((k) => layerOfKey(k) === 'silver')) continue;
            for (const k of inputs) if (layerOfKey(k) === 'bronze' && saysMedallion(k, key)) skipped.add(k);
            if (write.inputReads && skippedReads) for (const at of write.inputReads) skippedReads.add(at);
            else skippedReads = undefined;
          }
        }
      }
      const servingStep = layering.architectureOf.get(step.id) === 'lambda' && layering.layerOf.get(step.id) === 'serving';
      if (!skipped.size && !servingStep) continue;
      for (const key of step.reads) {
        const d = graph.datasets.get(key)!;
        const raw = layerOfKey(key) === 'bronze';
        const producedHere = d.writes.length > 0;
        for (const read of d.reads.filter((r) => r.stepId === step.id)) {
          if (skipped.has(key) && (!skippedReads || skippedReads.has(read.start))) {
            report({
              start: read.start,
              end: read.end,
              message:
                `Layer skip: this gold step reads bronze/raw data ("${d.ref.location}") directly, skipping silver. Gold tables then ` +
                're-implement cleansing and deduplication (or skip it), so metrics disagree with the silver data everyone else uses. ' +
                'Read the cleaned silver dataset instead.',
            });
          } else if (servingStep && (raw || d.ref.kind === 'topic') && !producedHere) {
            report({
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
