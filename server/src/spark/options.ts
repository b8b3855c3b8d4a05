import type { Node } from '../parsing/pythonParser';
import type { Value } from '../model/values';

/** Reader and writer methods named after their format: `spark.read.parquet(...)`, `df.write.csv(...)`. */
export const FORMAT_METHODS = new Set(['parquet', 'json', 'csv', 'orc', 'text', 'jdbc', 'delta', 'xml', 'avro', 'textFile']);

/** An option's value as Spark receives it (a string), when the model knows it. */
export function optionValue(v: Value | undefined): string | undefined {
  if (!v) return undefined;
  if (v.k === 'string') return v.value;
  if (v.k === 'number') return String(v.value);
  return undefined;
}

/** Where a string value was written, when it was one literal or `+` expression. */
export function originOf(v: Value | undefined): Node | undefined {
  return v?.k === 'string' ? v.node : undefined;
}
