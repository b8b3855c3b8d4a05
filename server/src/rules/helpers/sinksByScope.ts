import type { DataFrameModel, SinkInfo } from '../../model/types';
import type { Node } from '../../parsing/pythonParser';
import { addTo } from './scopeIndex';

const byScope = new WeakMap<DataFrameModel, Map<number, SinkInfo[]>>();
const NO_SINKS: readonly SinkInfo[] = [];

/**
 * The model's sinks whose scope is `scope` (the same node as `sameNode` tells it, by id), in the
 * model's order: grouped once per model. Filtering every sink of the file per action or per read
 * made PSA101 grow with its counts times the file's writes (issue 18). A model's sinks are all made
 * before any rule runs, so the groups are fixed with the model.
 */
export function sinksInScope(model: DataFrameModel, scope: Node): readonly SinkInfo[] {
  let groups = byScope.get(model);
  if (!groups) {
    groups = new Map();
    for (const s of model.sinks) if (s.scope) addTo(groups, s.scope.id, s);
    byScope.set(model, groups);
  }
  return groups.get(scope.id) ?? NO_SINKS;
}
