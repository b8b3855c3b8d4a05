import type { Node } from '../parsing/pythonParser';
import type { FunctionJournal } from './functionJournal';
import type { Value } from './values';

/**
 * What one run of a top-level statement read and added (model/buildModel.ts), so that the next model
 * of the document replays it instead of running the statement again when every read gives the same
 * answer there. The reads and additions are a function journal's (`FunctionJournal`, with `def` the
 * statement and `closure` the module scope): module names, memo entries, analysed functions, frame
 * names and definitions, the first free frame id and the steps; plus what only a statement does, its
 * writes to the module scope and the module function values it made.
 *
 * Why a replay equals the run: before a top-level statement the interpreter's call depth, stack,
 * loops, function context and expression depth are empty or zero, its scope is the module scope and
 * `viewsFrom` is 0, in every run; the imports, the notebook flag and the session are the run's
 * inputs (a journal is only offered by a model the run resumed from, which required the same
 * inputs); the statement's own nodes are the same objects (the syntax copy took them over or adopted
 * them: the same text), and its numbers (ids and offsets) are mapped by the move of the statements
 * they lie in (`journalRelocation.ts`). What else a statement reads is what a function analysis
 * reads, recorded the same way, but for one more: the temp views registered before it
 * (`model.tempViews` from `viewsFrom`, read by a table read of a view): a statement that read one is
 * not journaled. A name the statement wrote before reading it reads its own write, which the same
 * run makes again, so such a read is not recorded.
 */
export interface StatementJournal extends FunctionJournal {
  /** Its writes to the module scope, in order: the value set, or undefined for a delete. */
  varWrites: [name: string, value: Value | undefined][];
  /** The module function values it made (`ModelBuilder.defined`), in order. */
  defined: [def: Node, value: Value][];
}
