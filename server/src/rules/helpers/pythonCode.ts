import { findInLineage } from '../../model/lineage';
import { nodesOfType } from '../../model/syntaxIndex';
import type { DataFrameModel, Frame } from '../../model/types';
import type { Node } from '../../parsing/pythonParser';
import { callParts } from '../../parsing/syntax';

// Steps that run Python on every row or group (UDFs, pandas functions): the expensive part of a
// lineage, which PSA101 will not assume a notebook cell recomputes on purpose.

/** DataFrame / grouped-data methods that hand rows to a Python function. */
const PYTHON_METHODS = new Set(['applyInPandas', 'mapInPandas', 'mapInArrow', 'applyInArrow', 'cogroup', 'flatMapGroupsWithState', 'applyInPandasWithState']);
const UDF_FACTORY = /^(F\.|functions\.|pyspark\.sql\.functions\.)?(udf|pandas_udf|udtf)$/;
const UDF_DECORATOR = /^@\s*(F\.|functions\.|pyspark\.sql\.functions\.)?(udf|pandas_udf)\b/;

const udfNamesByModel = new WeakMap<DataFrameModel, Set<string>>();

/** Names bound to a Python UDF in this file: `f = udf(...)`, `@pandas_udf(...) def f`, `f = spark.udf.register(...)`. */
function udfNames(model: DataFrameModel): Set<string> {
  const known = udfNamesByModel.get(model);
  if (known) return known;
  const names = new Set<string>();
  for (const a of nodesOfType(model, 'assignment')) {
    const left = a?.childForFieldName('left');
    const right = a?.childForFieldName('right');
    if (left?.type !== 'identifier' || right?.type !== 'call') continue;
    const callee = right.childForFieldName('function')?.text.replace(/\s/g, '') ?? '';
    if (UDF_FACTORY.test(callee) || /\.udf\.register$/.test(callee)) names.add(left.text);
  }
  for (const def of nodesOfType(model, 'function_definition')) {
    const d = def?.parent?.type === 'decorated_definition' ? def.parent : undefined;
    if (!d?.namedChildren.some((c) => c?.type === 'decorator' && UDF_DECORATOR.test(c.text))) continue;
    const name = def?.childForFieldName('name')?.text;
    if (name) names.add(name);
  }
  udfNamesByModel.set(model, names);
  return names;
}

function callsUdf(call: Node, udfs: Set<string>): boolean {
  const args = call.childForFieldName('arguments');
  if (!args || udfs.size === 0) return false;
  return args.descendantsOfType('call').some((c) => {
    const parts = c ? callParts(c) : undefined;
    return !!parts && !parts.object && !!parts.name && udfs.has(parts.name);
  });
}

/** The first frame of the lineage whose step runs Python per row or group, if any. */
export function pythonStepInLineage(model: DataFrameModel, frame: Frame): Frame | undefined {
  const udfs = udfNames(model);
  return findInLineage(frame, (f) => {
    if (f.node.type !== 'call') return false;
    const name = callParts(f.node)?.name;
    if (name && PYTHON_METHODS.has(name)) return true;
    return callsUdf(f.node, udfs);
  });
}
