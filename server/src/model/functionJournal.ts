import type { Node } from '../parsing/pythonParser';
import type { StatementPlace } from './journalRelocation';
import type { Frame, FrameRef } from './types';
import type { Scope, Value } from './values';

/**
 * What one analysis of a module function with unknown parameters (the functions nobody called,
 * analysed after the module's last statement) read from the interpreter's state outside its own
 * work, and what it added to it. The next model of the document replays the additions instead of
 * running the function again when every read gives the same answer there (`sameReads`): the
 * interpreter is deterministic, so the same reads make the same run, hence the same frames (the
 * same objects, with the same ids when the first free id is the same), model entries, memo entries
 * and frame names, in the same order. What the run reads, and where it is recorded
 * (model/buildModel.ts):
 * - module names, through `Scope.lookup` and `SparkFunctions` (the module scope's `LoggedVars.get`);
 * - the call memo (`callFunction`), the set of analysed functions (`callFunction`, `analysePending`),
 *   the frame names (`noteFrameRef`), the frames' definitions (`bind`): the first read of each key
 *   the analysis had not written itself;
 * - the first free frame id and the step count (`tick`): room for its steps; at another first id the
 *   run is the same with the ids of its own frames moved, which the replay then copies
 *   (`journalShift.ts`);
 * - its closure, the `def` node, the imports, the notebook flag: the same objects and inputs (a
 *   journal is only offered by a model the run resumed from, which required the same inputs).
 * The call depth, the stack, the loops and the expression depth are empty or zero when the module's
 * pending loop calls a function, in every run. The handlers of server/src/spark/ read nothing else
 * of the model than its imports and only add entries (frames are changed only as they are made).
 */
export interface FunctionJournal {
  def: Node;
  /**
   * The top-level statements its numbers (ids and offsets, below) lie in, where they were when the
   * analysis ran: its own statement first, then those of the helpers and UDFs it reached. A later
   * syntax copy that clones a statement adopts the same nodes at their new place: the journal is
   * replayed there with its numbers mapped (`journalRelocation.ts`); it is never rewritten.
   */
  places: StatementPlace[];
  closure: Scope;
  /** The first free frame id at the start, the ids it took, and the steps it took. */
  nextId: number;
  ids: number;
  steps: number;
  names: Map<string, Value | undefined>;
  memo: Map<string, Value | undefined>;
  analysed: Map<number, boolean>;
  /** Each frame name read: absent, or its frame and other frames then. */
  refs: Map<number, { frame: Frame; others: Frame[] } | undefined>;
  /** Whether the frame had a definition, by frame id. */
  definitions: Map<number, boolean>;
  /** What it appended to each array part of the model, by part name (only the parts it appended to). */
  added: Map<string, unknown[]>;
  memoWrites: [string, Value][];
  analysedWrites: number[];
  definitionWrites: [number, { name: string; statement: Node }][];
  /** Frame names it made, as they were when it ended (later analyses may give them more frames). */
  newRefs: FrameRef[];
  /** Frames it gave names that existed before it. */
  refPushes: [start: number, frame: Frame][];
  /** Its entries of the builder's `others` log. */
  refLog: [start: number, othersBefore: number][];
}

/** A journal being filled while the analysis runs. */
export class JournalRecorder {
  readonly names = new Map<string, Value | undefined>();
  readonly memo = new Map<string, Value | undefined>();
  readonly memoWritten = new Set<string>();
  readonly analysed = new Map<number, boolean>();
  readonly analysedWritten = new Set<number>();
  readonly refs = new Map<number, { frame: Frame; others: Frame[] } | undefined>();
  readonly newRefStarts: number[] = [];
  readonly refPushes: [number, Frame][] = [];
  readonly definitions = new Map<number, boolean>();
  readonly definitionWrites: [number, { name: string; statement: Node }][] = [];

  memoRead(key: string, v: Value | undefined): void {
    if (!this.memoWritten.has(key) && !this.memo.has(key)) this.memo.set(key, v);
  }

  analysedRead(id: number, has: boolean): void {
    if (!this.analysedWritten.has(id) && !this.analysed.has(id)) this.analysed.set(id, has);
  }

  refRead(start: number, ref: FrameRef | undefined): void {
    if (!this.refs.has(start)) this.refs.set(start, ref ? { frame: ref.frame, others: ref.others ? ref.others.slice() : [] } : undefined);
  }

  /** `others` of the name at `start` grew: a name made by this analysis is kept whole at its end, another one gets the push. */
  refPush(start: number, frame: Frame): void {
    if (this.refs.get(start) !== undefined) this.refPushes.push([start, frame]);
  }

  definitionRead(id: number, has: boolean): void {
    if (!this.definitions.has(id)) this.definitions.set(id, has);
  }
}

/** Two lists of frames hold the same objects in the same order. */
export function sameFrames(a: readonly Frame[], b: readonly Frame[]): boolean {
  return a.length === b.length && a.every((f, i) => f === b[i]);
}
