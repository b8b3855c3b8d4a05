import type { KindWithReason } from '../context/codeContext';
import type { CodeContext } from '../context/codeContext';
import type { RawGraph } from '../graph/pipelineGraph';
import type { DataFrameModel } from '../model/types';
import type { NoqaIndex } from '../noqa';
import { nodeAtOffset } from '../parsing/nodeAtOffset';
import { ownGraph } from '../rules/helpers/layerGraph';
import { PROJECT_RULE_CODES, RULES } from '../rules/registry';

/**
 * What the project-scope rules read of a file, kept from its first analysis so that the CLI's
 * cross-file pass can judge it again with its neighbours in view without parsing and modelling it a
 * second time: its own steps and datasets, and, at every offset where those rules may report (the
 * reads and writes of its steps), the kind of code there and which of their codes a noqa comment
 * silences. A few KB per file, plain data (it may cross threads).
 */
export interface ProjectFacts {
  own: RawGraph;
  /** `code.at` of the node at each read's and write's start, as a finding there would be judged. */
  at: Map<number, KindWithReason>;
  /** `${code}:${start}:${end}` of the reads and writes where a project rule's finding is silenced. */
  silenced: Set<string>;
}

export function collectProjectFacts(model: DataFrameModel, code: CodeContext, noqa: NoqaIndex): ProjectFacts {
  const own = ownGraph(model);
  const at = new Map<number, KindWithReason>();
  const silenced = new Set<string>();
  for (const d of own.datasets.values()) {
    for (const { start, end } of [...d.reads, ...d.writes]) {
      if (!at.has(start)) at.set(start, code.at(nodeAtOffset(model.root, start)));
      for (const c of PROJECT_RULE_CODES) if (noqa.suppresses(c, start, end)) silenced.add(`${c}:${start}:${end}`);
    }
  }
  return { own, at, silenced };
}

/** Every project-scope rule judges from the graph alone: facts are worth keeping (else the cross-file pass parses again). */
export const PROJECT_RULES_JUDGE_FROM_GRAPH = RULES.every((r) => r.scope !== 'project' || !!r.checkGraph);
