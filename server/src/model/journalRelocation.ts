import type { FunctionJournal } from './functionJournal';

/**
 * A function journal moved with its statement. When an edit before a function's statement leaves the
 * statement's text unchanged, the syntax copy clones it and adopts the previous copy's node objects
 * at the clone's place (`SyntaxTree`): the same `def` object, its ids moved by `shift` and its
 * offsets by `delta`. The journal's additions hold nodes (the same objects, now at their new place)
 * and frames (the same ids when the first free frame id is the same, which the replay requires), so
 * they need nothing; what holds ids and offsets as numbers is renumbered here: memo keys (the called
 * def's id leads the key, the arguments are frame ids and values), analysed def ids, frame-name
 * offsets, and the def's and statement's own place.
 *
 * Which numbers move: those inside the journal's own statement. A replayed analysis reads other code
 * only through module values it reads by name, which the replay requires to be the same objects as
 * when it was journaled; a statement that ran again since makes new values, so those values come
 * from statements never run again since, that is from the prefix the model resumed (whose nodes have
 * their ids and offsets still). A number outside the statement and past that prefix breaks the
 * argument: the journal is then not relocated, and the function runs.
 */
export interface Relocation {
  /** How far the statement's ids and offsets moved. */
  shift: number;
  delta: number;
  /** The first id and offset past the statements the model resumed (unmoved, the same objects). */
  prefixIdEnd: number;
  prefixOffsetEnd: number;
}

/** `j` renumbered for its statement's new place; undefined when a number lies outside both its statement and the prefix. */
export function relocated(j: FunctionJournal, r: Relocation): FunctionJournal | undefined {
  const id = (x: number): number => {
    if (x >= j.statementId && x < j.statementIdEnd) return x + r.shift;
    if (x < r.prefixIdEnd && x < j.statementId) return x;
    throw OUTSIDE;
  };
  const offset = (x: number): number => {
    if (x >= j.statementStart && x < j.statementEnd) return x + r.delta;
    if (x < r.prefixOffsetEnd && x < j.statementStart) return x;
    throw OUTSIDE;
  };
  const key = (k: string): string => {
    const colon = k.indexOf(':');
    return `${id(Number(k.slice(0, colon)))}${k.slice(colon)}`;
  };
  try {
    return {
      ...j,
      defId: j.defId + r.shift,
      defStart: j.defStart + r.delta,
      statementId: j.statementId + r.shift,
      statementIdEnd: j.statementIdEnd + r.shift,
      statementStart: j.statementStart + r.delta,
      statementEnd: j.statementEnd + r.delta,
      memo: new Map([...j.memo].map(([k, v]) => [key(k), v])),
      analysed: new Map([...j.analysed].map(([x, has]) => [id(x), has])),
      refs: new Map([...j.refs].map(([x, was]) => [offset(x), was])),
      memoWrites: j.memoWrites.map(([k, v]) => [key(k), v]),
      analysedWrites: j.analysedWrites.map(id),
      newRefs: j.newRefs.map((ref) => ({ ...ref, start: offset(ref.start), end: offset(ref.end - 1) + 1 })),
      refPushes: j.refPushes.map(([x, frame]) => [offset(x), frame]),
      refLog: j.refLog.map(([x, before]) => [offset(x), before]),
    };
  } catch (e) {
    if (e === OUTSIDE) return undefined;
    throw e;
  }
}

const OUTSIDE = new Error('a journal number outside its statement and the resumed prefix');
