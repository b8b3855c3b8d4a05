import type { Node } from '../parsing/pythonParser';
import type { SparkFunctions } from '../spark/functions';
import type { DataFrameModel, Frame, SourceInfo } from './types';
import type { Scope, Value } from './values';

/**
 * What the Spark handlers (server/src/spark/) see of the Python interpreter that walks a file
 * (model/buildModel.ts): its state at the current statement, and the primitives that evaluate
 * expressions, bind names, call module functions and add frames to the model.
 */
export interface Interpreter {
  readonly model: DataFrameModel;
  readonly functions: SparkFunctions;
  /** The scope the current statement runs in. */
  readonly scope: Scope;
  /**
   * The first entry of `model.tempViews` known to be registered before the current statement runs:
   * 0 in the module and in the calls it follows (evaluation order is execution order there); in a
   * function analysed with no caller, where its analysis started (the module's registrations and
   * other such functions' may run before or after it).
   */
  readonly viewsFrom: number;
  /** The innermost loop the current statement runs in, undefined outside loops. */
  currentLoop(): Node | undefined;
  inLoop(): boolean;
  expr(node: Node, statement?: Node): Value;
  bind(target: Node, v: Value, statement?: Node): void;
  /** Runs a module function for a call (`site`, when there is one) with these arguments; calls with the same arguments share one analysis. */
  callFunction(def: Node, closure: Scope, pos: Value[], kw: ReadonlyMap<string, Value>, pending: boolean, site?: Node): Value;
  /** A new frame read from a source. */
  source(node: Node, op: string, source: SourceInfo): Frame;
  /** A new frame computed from `parent` (and `extraParents`), inheriting what `changes` does not say. */
  derive(parent: Frame, node: Node, op: string, changes: Partial<Frame>, extraParents?: Frame[]): Frame;
}
