import type { Node } from '../parsing/pythonParser';
import type { AggregationInfo, ConfSetInfo, Frame } from './types';

/** What the interpreter knows an expression evaluates to. */
export type Value =
  | { k: 'unknown' }
  | { k: 'frame'; frame: Frame }
  | { k: 'session' }
  | { k: 'conf' }
  | { k: 'builder'; configs: ConfSetInfo[] }
  | { k: 'sparkConf' }
  | ReaderValue
  | WriterValue
  | {
      k: 'grouped';
      frame: Frame;
      call: Node;
      methodNode: Node;
      receiver: Node;
      keys: string[] | undefined;
      windowColumn?: string;
      windowNode?: Node;
      pending?: AggregationInfo;
    }
  | { k: 'na'; frame: Frame }
  /** `node`: the literal (or `+` expression) the string was written as, wherever it is used now. */
  | { k: 'string'; value: string; exact: boolean; node?: Node }
  | { k: 'number'; value: number }
  | { k: 'list'; items: Value[] }
  | { k: 'function'; def: Node; closure: Scope }
  /** `types`: the Spark SQL type of the columns whose type is written out (see sqlTypeName). */
  /** `partial`: built from fields the model cannot list (`StructType(fields)`), so `columns` may miss some. */
  | { k: 'schema'; columns: string[]; types?: Map<string, string>; partial?: boolean }
  | { k: 'field'; name: string; type?: string }
  | { k: 'action'; method: string };

export interface ReaderValue {
  k: 'reader';
  streaming: boolean;
  format?: string;
  options: Map<string, string | undefined>;
  schemaColumns?: string[];
  schemaTypes?: Map<string, string>;
  /** `.schema(...)` was called on the reader. */
  schemaGiven?: boolean;
  /** What `.schema(...)` was given. */
  schemaValue?: Value;
  /** `options(**opts)` / `options(opts)`: keys the model cannot see. */
  optionsUnknown?: boolean;
}

/** A writer option: its value, the argument that set it, and the literal the value was written as (maybe elsewhere). */
export interface OptionSetting {
  value?: string;
  node: Node;
  origin?: Node;
}

export interface WriterValue {
  k: 'writer';
  frame: Frame;
  streaming: boolean;
  writerNode: Node;
  receiver: Node;
  format?: string;
  mode?: string;
  outputMode?: string;
  /** `outputMode(...)` was given a value the model cannot read (`outputMode(args.mode)`). */
  outputModeUnknown?: boolean;
  options: Map<string, OptionSetting>;
  partitionBy: { name?: string; node: Node }[];
  foreachBatch: boolean;
  trigger?: Node;
  optionsUnknown?: boolean;
  formatUnknown?: boolean;
  /** DataFrameWriterV2 (`df.writeTo("table")`): the target table. */
  v2Table?: string;
}

export const UNKNOWN: Value = Object.freeze({ k: 'unknown' }) as Value;

export class Scope {
  constructor(
    readonly node: Node,
    readonly parent?: Scope,
    /** The module scope's map records its writes, so that a later model can resume after its first statements (`buildModel`). */
    readonly vars: Map<string, Value> = new Map(),
  ) {}

  lookup(name: string): Value | undefined {
    for (let s: Scope | undefined = this; s; s = s.parent) {
      const v = s.vars.get(name);
      if (v) return v;
    }
    return undefined;
  }
}

export function stringOf(v: Value | undefined): string | undefined {
  return v && v.k === 'string' ? v.value : undefined;
}

export function exactStringOf(v: Value | undefined): string | undefined {
  return v && v.k === 'string' && v.exact ? v.value : undefined;
}

/** Strings of a value that is a string or a list of strings (column lists). */
export function stringsOf(v: Value | undefined): string[] | undefined {
  if (!v) return undefined;
  if (v.k === 'string') return v.exact ? [v.value] : undefined;
  if (v.k === 'list') {
    const out: string[] = [];
    for (const item of v.items) {
      if (item.k !== 'string' || !item.exact) return undefined;
      out.push(item.value);
    }
    return out;
  }
  return undefined;
}
