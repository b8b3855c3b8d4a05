import { ColumnMap } from './columnMap';
import type { Node } from '../parsing/pythonParser';
import { SyntaxNode, type SyntaxTree } from '../parsing/syntaxTree';
import { rootOf, type TreeOrCopy } from '../parsing/treeOrCopy';
import { callParts, isExtra, literalString, stringParts, unwrapParens, type CallParts } from '../parsing/syntax';
import { sparkAttribute, sparkConstructorCall, sparkMethodCall } from '../spark/calls';
import { SparkFunctions } from '../spark/functions';
import { batchFrame, isBatchFrameParameter } from '../spark/streaming';
import { recordImport } from '../spark/imports';
import { usesGlue } from '../spark/glue';
import { isSessionFactoryName, isSessionGlobal, isSessionParameterName, sessionReference, sparkSessionClassCall, usesNotebookSession } from '../spark/session';
import { JournalRecorder, type FunctionJournal } from './functionJournal';
import { journalNumbers, placement, statementPlaces, type Renumbering } from './journalRelocation';
import { journalIds, mapMemoKey, shiftedJournal, Translation, type CopyCounts } from './journalShift';
import type { StatementJournal } from './statementJournal';
import { perStatement } from './statementMemo';
import type { Interpreter } from './interpreter';
import type { DataFrameModel, Frame, FrameRef, ImportInfo, SourceInfo } from './types';
import { Scope, UNKNOWN, type Value } from './values';
import { tempFolderCall } from './tempFolder';
import { isPastedText } from './pastedText';

/**
 * The Python interpreter that builds a file's DataFrame model: it walks statements and
 * expressions, keeps scopes, binds assignments, follows calls into module functions and loops,
 * and hands every attribute or call on a Spark value to the handlers of server/src/spark/.
 */

/** Recursion depth past which an expression is treated as unknown (the tree may be 50k deep). */
const MAX_DEPTH = 300;
/** Interpreter steps per file; past it the model is marked truncated and the rest is skipped. */
const MAX_STEPS = 3_000_000;
/** How deep calls into module functions are followed. */
const MAX_CALL_DEPTH = 6;
/** Alternative frames kept per name: enough to say a name stands for several, not to list every call. */
const MAX_FRAMES_PER_REF = 8;
/** Most tuples of a literal list a `for` loop is walked for, one pass each (see `tupleRows`). */
const MAX_UNROLLED_TUPLES = 12;
/** The keyword arguments of a call that names none (shared: read-only). */
const NO_KEYWORD_VALUES: ReadonlyMap<string, Value> = new Map();
/** A frame name's other frames when it has none (shared: read-only). */
const NO_FRAMES: readonly Frame[] = [];

export interface ModelOptions {
  /**
   * The file is a notebook (Jupyter, Databricks or Fabric): the platform has imported PySpark and made
   * `spark` and `sqlContext` before the first cell runs.
   */
  notebook?: boolean;
  /**
   * No later model of the document resumes from this one: no checkpoint is taken and no top-level
   * statement or pending function analysis is journaled (work a fresh run of the CLI would only throw
   * away). The model is the same: journals only record what the run does.
   */
  standalone?: boolean;
  /**
   * The first frame id of each top-level statement and each pending module function analysis is the
   * next id after a multiple of this (`FRAME_ID_BLOCK`; tests give 1, the dense numbering, to have
   * every edit that adds or removes a frame move the ids after it).
   */
  frameIdBlock?: number;
}

/**
 * Frame ids are given in blocks (issue 18): each top-level statement and each pending module function
 * analysis starts its frames at the first id after a multiple of this. An edit that adds or removes a
 * few frames in one function (typing a statement into its body) then leaves the first id of every
 * later one where it was, unless its frames cross the end of its block, and the functions and
 * statements after it replay as journaled instead of copied with their ids moved (`journalShift.ts`),
 * which after a burst of typing was half the model's step at 20k lines. Exact: the interpreter and
 * the rules use a frame id only as a name (memo keys, maps and sets keyed by it, the lineage walk's
 * marks), never its distance to another, and a fresh run numbers the same way; the ids left between
 * blocks are never given. 32: a function typed into crosses its block's end once per 32 frames
 * added, and the ids stay small (the lineage walk marks them in an array).
 */
export const FRAME_ID_BLOCK = 32;

interface FunctionContext {
  returns: Value[];
}

/** A write to the module scope, to undo: the name and what it held before (`had` false: nothing). */
type VarWrite = [name: string, before: Value | undefined, had: boolean];

/** The module scope's variables, recording every write (the map is carried from one model of a document to the next). */
class LoggedVars extends Map<string, Value> {
  readonly log: VarWrite[] = [];
  /** The model state whose run last wrote here: only that one may undo the log. */
  writer: ResumeState | undefined;
  /** While a pending function's analysis or a top-level statement is journaled: the first value read of each module name (see FunctionJournal). */
  reads: Map<string, Value | undefined> | undefined;
  /**
   * While a top-level statement is journaled: the writes it made, in order (a value, or undefined for
   * a delete). A name it wrote before reading it reads its own write, so that read is not recorded.
   */
  writes: [name: string, value: Value | undefined][] | undefined;
  private written: Set<string> | undefined;

  override get(name: string): Value | undefined {
    const v = super.get(name);
    if (this.reads && !this.reads.has(name) && !this.written?.has(name)) this.reads.set(name, v);
    return v;
  }

  override set(name: string, v: Value): this {
    // The Map constructor does not call set without entries, so `log` exists on every call.
    this.log.push([name, super.get(name), super.has(name)]);
    if (this.writes) this.wrote(name, v);
    return super.set(name, v);
  }

  override delete(name: string): boolean {
    if (super.has(name)) this.log.push([name, super.get(name), true]);
    if (this.writes) this.wrote(name, undefined);
    return super.delete(name);
  }

  private wrote(name: string, v: Value | undefined): void {
    this.writes!.push([name, v]);
    (this.written ??= new Set()).add(name);
  }

  /** Starts recording a statement's reads and writes (`reads`, `writes`); `stop` ends it. */
  record(reads: Map<string, Value | undefined>, writes: [string, Value | undefined][]): void {
    this.reads = reads;
    this.writes = writes;
    this.written = undefined;
  }

  stop(): void {
    this.reads = undefined;
    this.writes = undefined;
    this.written = undefined;
  }

  /** Back to how it was after `length` writes. */
  undoTo(length: number): void {
    while (this.log.length > length) {
      const [name, before, had] = this.log.pop()!;
      if (had) super.set(name, before!);
      else super.delete(name);
    }
  }
}

/**
 * The interpreter's state before one top-level statement, as sizes: everything it adds is
 * appended (model lists, maps in insertion order, memo, the scope's write log), so the state
 * before statement k is the first entries of each. `statement` is undefined for the checkpoint
 * after the last statement (before the functions nobody called are analysed).
 */
interface Checkpoint {
  statement: Node | undefined;
  /**
   * Where the statement started then, and its id: a later syntax copy that clones the statement
   * (moved by an edit before it) takes the same node object over at its new place, and a statement
   * is resumed only where it was (frame names are keyed by offset).
   */
  start: number;
  id: number;
  steps: number;
  nextId: number;
  /** Per entry of `MODEL_LISTS`, its length or size. */
  sizes: number[];
  callMemo: number;
  analysed: number;
  varLog: number;
  refLog: number;
  /** How many module function values had been made (`ModelBuilder.defined`). */
  defined: number;
  /**
   * The journal the run replayed or recorded for the statement (none: it ran unjournaled): a journal in
   * this run's numbering, which the next model may read through its translation (`Translation`).
   */
  journal?: StatementJournal;
}

/** The checkpoint's statement is `statement`, at the place and id it had then (not moved there by a later copy's adoption). */
function samePlace(at: Checkpoint, statement: Node): boolean {
  return at.statement === statement && at.start === statement.startIndex && at.id === statement.id;
}

/** What a model keeps so that the next model of the same document can resume after the statements they share. */
interface ResumeState {
  checkpoints: Checkpoint[];
  scope: Scope;
  vars: LoggedVars;
  /** Frame names given one more frame (`others`) after they were first noted: start offset and the count before. */
  refLog: [start: number, othersBefore: number][];
  callMemo: Map<string, Value>;
  analysed: Set<number>;
  /** The model's inputs besides its statements: every import's text, whether it is a notebook, and its session. */
  inputs: string;
  /** The copy the root belonged to when the model was built (a later copy takes the root over). */
  root: { owner: SyntaxTree };
  /** The module's pending function analyses of this run, by `def` node (see FunctionJournal). */
  journals: Map<Node, FunctionJournal>;
  /** The function values the module scope was given, in order (see `functionValue`). */
  defined: [def: Node, value: Value][];
  /**
   * The top-level statements' last journals, by statement node (see StatementJournal): shared by the
   * models that resume one another (a journal says what a run of its statement does given its reads,
   * whichever model recorded it), weak so that a statement no copy holds any more lets its go.
   */
  statementJournals: WeakMap<Node, StatementJournal>;
}

/**
 * The model's parts that grow during a run, by name. Anything else in the model is either
 * recomputed (`imports`, `root`) or a flag (`truncated`: a truncated model is never resumed).
 * A part added to the model that is neither an array nor a Map turns resuming off (see `listsOf`).
 */
const RECOMPUTED = new Set(['imports', 'root', 'truncated']);

const resumable = new WeakMap<DataFrameModel, ResumeState>();

class ModelBuilder implements Interpreter {
  readonly model: DataFrameModel;
  readonly functions: SparkFunctions;
  private nextId = 1;
  private depth = 0;
  private steps = 0;
  private loopDepth = 0;
  private readonly loops: Node[] = [];
  private callDepth = 0;
  scope: Scope;
  private fnContext: FunctionContext | undefined;
  /** See `viewsFrom`. */
  private views = 0;
  /** While a top-level statement is journaled: how many temp views were registered before it. */
  private statementViews: number | undefined;
  /** Whether the statement being journaled read one of those (it is then not journaled). */
  private viewsRead = false;
  /** Functions defined but not yet analysed, per defining scope. */
  private analysed = new Set<number>();
  private callMemo = new Map<string, Value>();
  private readonly onStack = new Set<number>();
  private vars = new LoggedVars();
  /** The module is pasted text with code in it (see pastedText.ts): frame names do not flow past its ERROR statements. */
  private pastedText = false;
  private refLog: [number, number][] = [];
  private checkpoints: Checkpoint[] = [];
  /** Model parts checkpointed by size; undefined when the model has a part that cannot be (no resuming). */
  private lists: string[] | undefined;
  /** How many top-level statements were taken from the previous model rather than run. */
  resumedStatements = 0;
  /** How many of the module's pending function analyses were replayed from the previous model's journals. */
  reusedFunctions = 0;
  /** Of those, how many had their statement or one they read moved since the analysis ran (numbers mapped; see `placement`). */
  relocatedFunctions = 0;
  /** Of those, how many were renumbered in another statement than their own too (a helper or UDF they called had moved). */
  relocatedAcrossFunctions = 0;
  /** Of those, how many started at another first free frame id than when journaled (their frames copied with the ids moved). */
  shiftedFunctions = 0;
  /** The module scope of this run (the previous model's, when resumed). */
  private moduleScope: Scope;
  /** The function values the module scope was given, in order, and those the resumed run gave from its checkpoint on, by def. */
  private defined: [Node, Value][] = [];
  private previousDefined: Map<Node, Value> | undefined;
  /** How many top-level statements after the resumed ones were replayed from a journal rather than run (see StatementJournal). */
  replayedStatements = 0;
  /** Of those, how many had their statement or one they read moved since they ran (numbers mapped). */
  relocatedStatements = 0;
  /** Of those, how many started at another first free frame id than when journaled (their frames copied with the ids moved). */
  shiftedStatements = 0;
  /** Of the functions replayed, how many held their reads only with the objects and ids this build copied before them (`Translation`). */
  translatedFunctions = 0;
  /** Top-level statements replayed so. */
  translatedStatements = 0;
  /** Pending function analyses and top-level statements (after the resumed ones, defs apart) that ran rather than replayed. */
  ranFunctions = 0;
  ranStatements = 0;
  /** Objects of journals' additions the shifted and translated replays walked, and copied (`journalShift.ts`). */
  readonly copies: CopyCounts = { walked: 0, copied: 0 };
  /** The top-level statements' journals (see ResumeState). */
  private statementJournals = new WeakMap<Node, StatementJournal>();
  /**
   * The journals the previous model replayed or recorded for the statements from the first one this
   * run takes on, by statement: those are in its numbering. A journal `statementJournals` holds for a
   * statement that is not this one (a model built from the same previous one and then lost recorded it,
   * in its own numbering) is read without the translation, as before it. Today none is: a model that
   * resumes from the previous one takes over its module scope (`vars.writer`), so a build from it after
   * a lost one starts afresh; this keeps the translation right should that change.
   */
  private previousStatementJournals: Map<Node, StatementJournal> | undefined;
  /** What this build's replays copied (see `Translation`): one per build. */
  private readonly translation = new Translation();
  private readonly idBlock: number;
  /** The module's pending function analyses of this run, and those of the model it resumed from. */
  private journals = new Map<Node, FunctionJournal>();
  private previousJournals: Map<Node, FunctionJournal> | undefined;
  /** Set while one of them runs. */
  private recorder: JournalRecorder | undefined;

  constructor(
    root: Node,
    private readonly options: ModelOptions = {},
  ) {
    this.idBlock = options.frameIdBlock ?? FRAME_ID_BLOCK;
    const imports: ImportInfo = {
      functionsAliases: new Set(),
      functionNames: new Set(),
      functionsStar: false,
      sqlNames: new Set(),
      usesPySpark: false,
      statements: [],
    };
    this.model = {
      frames: [],
      actions: [],
      sinks: [],
      transforms: [],
      discarded: [],
      aggregations: [],
      confSets: [],
      builders: [],
      imports,
      definitions: new Map(),
      frameRefs: new Map(),
      localCalls: [],
      tempViews: [],
      root,
      truncated: false,
    };
    this.scope = this.moduleScope = new Scope(root, undefined, this.vars);
    this.functions = new SparkFunctions(imports, (name) => {
      const v = this.scope.lookup(name);
      return v !== undefined && v.k !== 'unknown';
    });
  }

  get notebook(): boolean {
    return !!this.options.notebook;
  }

  /** See Interpreter. A read below the start of a statement being journaled is noted (the statement is then not journaled). */
  get viewsFrom(): number {
    if (this.statementViews !== undefined && this.views < this.statementViews) this.viewsRead = true;
    return this.views;
  }

  run(previous?: DataFrameModel): ResumeState {
    const root = this.model.root;
    const importTexts = this.collectImports(root);
    // A notebook that uses the platform's session runs with PySpark imported; a pandas-only notebook
    // (which may still mention `delta` or `.read`) is not treated as Spark code.
    const notebookSession = !!this.options.notebook && usesNotebookSession(root.text);
    if (notebookSession) this.model.imports.usesPySpark = true;
    // `usesGlue` reads the whole text (an `import awsglue` line anywhere, a docstring's too): an input like the imports.
    const statements = root.namedChildren;
    this.pastedText = isPastedText(statements);
    const inputs = `${this.notebook}\0${notebookSession}\0${usesGlue(this.model)}\0${this.pastedText}\0${importTexts.join('\0')}`;
    this.lists = this.options.standalone ? undefined : listsOf(this.model);
    const state: ResumeState = {
      checkpoints: this.checkpoints,
      scope: this.scope,
      vars: this.vars,
      refLog: this.refLog,
      callMemo: this.callMemo,
      analysed: this.analysed,
      inputs,
      root: { owner: (root as SyntaxNode).owner },
      journals: this.journals,
      defined: this.defined,
      statementJournals: this.statementJournals,
    };
    let i = previous ? this.resume(previous, statements, inputs) : 0;
    state.checkpoints = this.checkpoints;
    state.scope = this.scope;
    state.vars = this.vars;
    state.refLog = this.refLog;
    state.callMemo = this.callMemo;
    state.analysed = this.analysed;
    state.defined = this.defined;
    state.statementJournals = this.statementJournals;
    this.moduleScope = this.scope;
    this.vars.writer = state;
    // The module's statements, as `block` runs them, with a checkpoint before each.
    for (; i < statements.length; i++) {
      this.checkpoint(statements[i]);
      if (!this.tick()) break;
      const journal = this.topLevel(statements[i]);
      if (journal) this.checkpoints[this.checkpoints.length - 1].journal = journal;
    }
    if (i === statements.length) this.checkpoint(undefined);
    this.analyseModulePending();
    return state;
  }

  private checkpoint(statement: Node | undefined): void {
    if (!this.lists) return;
    const model = this.model as unknown as Record<string, unknown>;
    this.checkpoints.push({
      statement,
      start: statement ? statement.startIndex : -1,
      id: statement ? statement.id : -1,
      steps: this.steps,
      nextId: this.nextId,
      sizes: this.lists.map((k) => sizeOf(model[k])),
      callMemo: this.callMemo.size,
      analysed: this.analysed.size,
      varLog: this.vars.log.length,
      refLog: this.refLog.length,
      defined: this.defined.length,
    });
  }

  /**
   * Takes the state of `previous` (a model of an earlier version of the same document) before the
   * first top-level statement that is not the same node as one of its own, when nothing else the
   * run reads changed; returns that statement's index (0: start afresh). The statements before it
   * are the same objects (the syntax copy took them over), and running them again would give the
   * same frames, names and memo entries in the same order: the interpreter never reads past the
   * statement it runs (a call runs a function defined before), and never changes what an earlier
   * statement made (frames, values and model entries are made once; the module scope and the
   * `others` of frame names, the only things written again, are logged and undone).
   */
  private resume(previous: DataFrameModel, statements: readonly Node[], inputs: string): number {
    const prev = resumable.get(previous);
    if (!prev || previous.truncated || !this.lists || prev.inputs !== inputs || prev.vars.writer !== prev) return 0;
    const lists = listsOf(previous);
    if (!lists || lists.join() !== this.lists.join()) return 0;
    let k = 0;
    while (k < statements.length && k < prev.checkpoints.length && samePlace(prev.checkpoints[k], statements[k])) k++;
    const at = prev.checkpoints[k];
    if (k === 0 || !at || previous.root !== this.model.root) return 0;
    // The module scope as it was before statement k (the same Scope: functions of the prefix close over it).
    prev.vars.undoTo(at.varLog);
    prev.vars.writer = undefined;
    this.vars = prev.vars;
    this.scope = prev.scope;
    this.steps = at.steps;
    this.nextId = at.nextId;
    this.callMemo = new Map(first(prev.callMemo, at.callMemo));
    this.analysed = new Set(first(prev.analysed, at.analysed));
    this.refLog = prev.refLog.slice(0, at.refLog);
    this.defined = prev.defined.slice(0, at.defined);
    this.previousDefined = new Map(prev.defined.slice(at.defined));
    this.checkpoints = prev.checkpoints.slice(0, k);
    const from = previous as unknown as Record<string, unknown>;
    const to = this.model as unknown as Record<string, unknown>;
    lists.forEach((key, i) => {
      const part = from[key];
      const size = at.sizes[i];
      to[key] = Array.isArray(part) ? part.slice(0, size) : new Map(first(part as Map<unknown, unknown>, size));
    });
    // Frame names are the previous model's objects, shared (never written, see `withFrame`): the ones
    // given more frames after statement k are replaced by new ones holding the frames they had then.
    const refs = this.model.frameRefs;
    for (let j = prev.refLog.length - 1; j >= at.refLog; j--) {
      const [start, before] = prev.refLog[j];
      const ref = refs.get(start);
      if (ref) refs.set(start, withOthers(ref, before));
    }
    this.resumedStatements = k;
    this.previousJournals = prev.journals;
    this.statementJournals = prev.statementJournals;
    this.previousStatementJournals = new Map();
    for (let i = k; i < prev.checkpoints.length; i++) {
      const c = prev.checkpoints[i];
      if (c.statement && c.journal) this.previousStatementJournals.set(c.statement, c.journal);
    }
    return k;
  }

  /**
   * A top-level statement: replayed from its last journal when every read gives the same answer now
   * (see StatementJournal), else run, journaled for the next model. Returns the journal replayed or
   * recorded (none when the statement is not journaled).
   */
  private topLevel(statement: Node): StatementJournal | undefined {
    this.startIdBlock();
    // In pasted text an unparsable stretch ends one example: no frame name flows past it into the next
    // (see pastedText.ts). Not journaled: which names it forgets depends on every name bound before.
    if (this.pastedText && statement.type === 'ERROR') {
      this.statement(statement);
      for (const [name, v] of [...this.vars]) if (v.k === 'frame') this.vars.delete(name);
      return;
    }
    // A def only binds its name (its body runs in the pending loop), to the previous model's value for
    // the same def node (`functionValue`): running it again costs less than a journal and gives the same.
    if (!this.lists || isFunctionDefinition(statement)) {
      this.statement(statement);
      return undefined;
    }
    const kept = this.statementJournals.get(statement);
    // Where its statements are now (see `journalRelocation.ts`): null when none moved.
    const at = kept && placement(kept, this.model.root);
    // Only a journal in the previous model's numbering reads through this build's copies.
    const t = kept && this.previousStatementJournals?.get(statement) === kept ? this.translation : undefined;
    const reads = kept && at !== undefined ? this.sameReads(kept, at, t) : undefined;
    // At another first free frame id, or reading what a replay before it copied: its additions copied (`journalShift.ts`).
    const j = reads && this.atNextId(kept!, t, reads === 'translated');
    if (j) {
      this.replay(j, at!);
      for (const [name, v] of j.varWrites) {
        if (v === undefined) this.vars.delete(name);
        else this.vars.set(name, v);
      }
      for (const entry of j.defined) this.defined.push(entry);
      if (j !== kept) this.statementJournals.set(statement, j);
      if (j.nextId !== kept!.nextId) this.shiftedStatements++;
      if (reads === 'translated') this.translatedStatements++;
      this.replayedStatements++;
      if (at) this.relocatedStatements++;
      return j;
    }
    this.ranStatements++;
    const journal = this.journaledStatement(statement);
    if (journal) this.statementJournals.set(statement, journal);
    else this.statementJournals.delete(statement);
    return journal;
  }

  /** Runs a top-level statement, recording what it reads and adds; undefined when it cannot be replayed. */
  private journaledStatement(statement: Node): StatementJournal | undefined {
    const start = this.journalStart();
    const writes: [string, Value | undefined][] = [];
    const defined = this.defined.length;
    const recorder = new JournalRecorder();
    this.recorder = recorder;
    this.vars.record(recorder.names, writes);
    this.statementViews = this.model.tempViews.length;
    this.viewsRead = false;
    try {
      this.statement(statement);
    } finally {
      this.recorder = undefined;
      this.vars.stop();
      this.statementViews = undefined;
    }
    if (this.viewsRead) return undefined;
    const journal = this.journalOf(statement, this.scope, recorder, start);
    return journal && { ...journal, varWrites: writes, defined: this.defined.slice(defined) };
  }

  // ---------------------------------------------------------------- statements

  private tick(): boolean {
    if (++this.steps > MAX_STEPS) {
      this.model.truncated = true;
      return false;
    }
    return true;
  }

  private block(node: Node): void {
    for (const stmt of node.namedChildren) {
      if (!stmt || !this.tick()) return;
      this.statement(stmt);
    }
  }

  private statement(node: Node): void {
    if (this.depth > MAX_DEPTH) {
      this.model.truncated = true;
      return;
    }
    this.depth++;
    try {
      this.statementInner(node);
    } finally {
      this.depth--;
    }
  }

  private statementInner(node: Node): void {
    switch (node.type) {
      case 'expression_statement':
        for (const c of node.namedChildren) {
          if (!c) continue;
          const v = this.expr(c, node);
          // Only a call or an attribute: an assignment's value is kept by its target.
          const shape = unwrapParens(c).type;
          if ((v.k === 'frame' || v.k === 'writer') && (shape === 'call' || shape === 'attribute')) {
            this.model.discarded.push({
              statement: node,
              expression: c,
              ...(v.k === 'frame'
                ? { frame: v.frame }
                : { writer: { streaming: v.streaming, v2: v.v2Table !== undefined, format: v.format, writerNode: v.writerNode } }),
              scope: this.scope.node,
            });
          }
        }
        return;
      case 'function_definition':
        this.defineFunction(node);
        return;
      case 'decorated_definition': {
        const def = node.childForFieldName('definition');
        if (def) this.statement(def);
        return;
      }
      case 'class_definition': {
        const body = node.childForFieldName('body');
        if (!body) return;
        const outer = this.scope;
        this.scope = new Scope(node, outer);
        try {
          this.block(body);
          this.analysePending(this.scope);
        } finally {
          this.scope = outer;
        }
        return;
      }
      case 'return_statement': {
        const value = node.namedChildren[0];
        const v = value ? this.expr(value) : UNKNOWN;
        this.fnContext?.returns.push(v);
        return;
      }
      case 'for_statement': {
        const right = node.childForFieldName('right');
        const items = right ? this.expr(right) : UNKNOWN;
        const left = node.childForFieldName('left');
        const body = node.childForFieldName('body');
        const rows = tupleRows(items);
        if (left && rows) {
          // `for df, mode in [(orders, "append"), (totals, "complete")]`: the body runs once per
          // tuple with the loop variables bound to its elements, so each frame reaches the write
          // with its own mode; one pass with unknown variables lost both.
          for (const row of rows) {
            this.bind(left, row);
            this.loop(body);
          }
        } else {
          if (left) this.bind(left, UNKNOWN);
          this.loop(body);
        }
        const alt = node.childForFieldName('alternative');
        if (alt) this.generic(alt);
        return;
      }
      case 'while_statement': {
        const cond = node.childForFieldName('condition');
        if (cond) this.expr(cond);
        this.loop(node.childForFieldName('body'));
        const alt = node.childForFieldName('alternative');
        if (alt) this.generic(alt);
        return;
      }
      case 'import_statement':
      case 'import_from_statement':
      case 'future_import_statement':
        return;
      case 'block':
        this.block(node);
        return;
      default:
        this.generic(node);
    }
  }

  private loop(body: Node | null): void {
    if (!body || !body.parent) return;
    this.loopDepth++;
    this.loops.push(body.parent);
    try {
      this.block(body);
    } finally {
      this.loopDepth--;
      this.loops.pop();
    }
  }

  currentLoop(): Node | undefined {
    return this.loopDepth > 0 ? this.loops[this.loops.length - 1] : undefined;
  }

  inLoop(): boolean {
    return this.loopDepth > 0;
  }

  /** Any other compound statement: evaluate its expressions, walk its blocks. */
  private generic(node: Node): void {
    for (const c of node.namedChildren) {
      if (!c) continue;
      if (c.type === 'block') this.block(c);
      else if (isExtra(c)) continue;
      else if (isStatementLike(c)) this.statement(c);
      else if (c.type === 'as_pattern') {
        const v = c.namedChildren[0] ? this.expr(c.namedChildren[0]) : UNKNOWN;
        const target = c.childForFieldName('alias');
        if (target) this.bind(target, v);
      } else this.expr(c);
    }
  }

  private defineFunction(node: Node): void {
    const name = node.childForFieldName('name');
    if (!name) return;
    this.scope.vars.set(name.text, this.functionValue(node));
  }

  /**
   * The value of a function defined here. In the module scope, the previous model's value for the
   * same def node is given again when its statement runs again (a statement after an edit, whose
   * node objects the syntax copy adopted: the same code, moved): it holds only the def and the module
   * scope, both the same objects, and values are never changed. So a journaled analysis that called
   * the function reads the same object and can be replayed (`sameReads`), its numbers renumbered by
   * that statement's move (`journalRelocation.ts`), where a new object would make it run again.
   */
  private functionValue(def: Node): Value {
    if (this.scope !== this.moduleScope) return { k: 'function', def, closure: this.scope };
    const kept = this.previousDefined?.get(def);
    const v: Value = kept?.k === 'function' && kept.closure === this.scope ? kept : { k: 'function', def, closure: this.scope };
    this.defined.push([def, v]);
    return v;
  }

  /** Functions never called from analysed code are analysed once with unknown parameters. */
  private analysePending(scope: Scope): void {
    for (const v of scope.vars.values()) {
      if (v.k === 'function' && !this.isAnalysed(v.def.id)) this.callFunction(v.def, v.closure, [], new Map(), true);
    }
  }

  private isAnalysed(id: number): boolean {
    const has = this.analysed.has(id);
    this.recorder?.analysedRead(id, has);
    return has;
  }

  /**
   * `analysePending` for the module, after its last statement, where most of a model is made: a
   * function whose analysis the previous model journaled is replayed when every read of it gives
   * the same answer now (see FunctionJournal); the others run, journaled for the next model.
   */
  private analyseModulePending(): void {
    for (const v of this.scope.vars.values()) {
      if (v.k !== 'function' || this.analysed.has(v.def.id)) continue;
      this.startIdBlock();
      if (v.closure !== this.scope || !this.lists) {
        this.callFunction(v.def, v.closure, [], new Map(), true);
        continue;
      }
      const kept = this.previousJournals?.get(v.def);
      // Where its statements are now (see `journalRelocation.ts`): null when none moved.
      const at = kept && placement(kept, this.model.root);
      // The previous model's journals are in its numbering: they read through this build's copies (`Translation`).
      const reads = kept && at !== undefined ? this.sameReads(kept, at, this.translation) : undefined;
      // At another first free frame id (an edit before it made more or fewer frames), or reading what a
      // replay before it copied: its additions copied, the frames' ids moved (`journalShift.ts`).
      const j = reads && this.atNextId(kept!, this.translation, reads === 'translated');
      if (j) {
        this.replay(j, at!);
        this.journals.set(v.def, j);
        this.reusedFunctions++;
        if (j.nextId !== kept!.nextId) this.shiftedFunctions++;
        if (reads === 'translated') this.translatedFunctions++;
        if (at) this.relocatedFunctions++;
        if (at?.across) this.relocatedAcrossFunctions++;
        continue;
      }
      this.ranFunctions++;
      const journal = this.journaled(v.def, v.closure);
      if (journal) this.journals.set(v.def, journal);
    }
  }

  /** The next frame id moved to the start of the next block (`FRAME_ID_BLOCK`): before each top-level statement and pending module function. */
  private startIdBlock(): void {
    const b = this.idBlock;
    if (b > 1) this.nextId = Math.ceil((this.nextId - 1) / b) * b + 1;
  }

  /** Runs the pending analysis of a module function, recording what it reads and adds; undefined when it cannot be replayed. */
  private journaled(def: Node, closure: Scope): FunctionJournal | undefined {
    const start = this.journalStart();
    const varLog = this.vars.log.length;
    const recorder = new JournalRecorder();
    this.recorder = recorder;
    this.vars.reads = recorder.names;
    try {
      this.callFunction(def, closure, [], new Map(), true);
    } finally {
      this.recorder = undefined;
      this.vars.reads = undefined;
    }
    // A write to the module scope is not replayed (it does not happen today).
    if (this.vars.log.length !== varLog) return undefined;
    return this.journalOf(def, closure, recorder, start);
  }

  /** The interpreter's state a journal starts from (sizes, as a checkpoint's). */
  private journalStart(): { sizes: number[]; nextId: number; steps: number; refLog: number } {
    const model = this.model as unknown as Record<string, unknown>;
    return { sizes: this.lists!.map((k) => sizeOf(model[k])), nextId: this.nextId, steps: this.steps, refLog: this.refLog.length };
  }

  /** The journal of a run from `start` that `recorder` recorded; undefined when it cannot be replayed. */
  private journalOf(
    def: Node,
    closure: Scope,
    recorder: JournalRecorder,
    { sizes, nextId, steps, refLog }: { sizes: number[]; nextId: number; steps: number; refLog: number },
  ): FunctionJournal | undefined {
    const model = this.model as unknown as Record<string, unknown>;
    const lists = this.lists!;
    // A run cut short is not replayed.
    if (this.model.truncated) return undefined;
    const added = new Map<string, unknown[]>();
    for (let i = 0; i < lists.length; i++) {
      const part = model[lists[i]];
      // Only the parts it added to (most statements add to few): `replay` appends each entry's items.
      if (Array.isArray(part)) {
        if (part.length > sizes[i]) added.set(lists[i], part.slice(sizes[i]));
      }
      // The two Maps are journaled entry by entry; a Map part added later is not.
      else if (lists[i] !== 'definitions' && lists[i] !== 'frameRefs' && sizeOf(part) !== sizes[i]) return undefined;
    }
    const refs = this.model.frameRefs;
    const journal: Omit<FunctionJournal, 'places'> = {
      def,
      closure,
      nextId,
      ids: this.nextId - nextId,
      steps: this.steps - steps,
      names: recorder.names,
      memo: recorder.memo,
      analysed: recorder.analysed,
      refs: recorder.refs,
      definitions: recorder.definitions,
      added,
      memoWrites: [...recorder.memoWritten].map((k) => [k, this.callMemo.get(k)!]),
      analysedWrites: [...recorder.analysedWritten],
      definitionWrites: recorder.definitionWrites,
      // As they are now: a frame given later replaces the model's object, never writes to it (`withFrame`).
      newRefs: recorder.newRefStarts.map((start) => refs.get(start)!),
      refPushes: recorder.refPushes,
      refLog: this.refLog.slice(refLog),
    };
    const { ids, offsets } = journalNumbers(journal);
    const places = statementPlaces(this.model.root, ids, offsets);
    return places && { ...journal, places };
  }

  /**
   * Every read of the journaled analysis gives the same answer in this run's state (its numbers mapped
   * by `r` when its statements moved; at another first free frame id, the ids of the frames it made
   * moved by the difference, see `journalShift.ts`): 'same', or 'translated' when some read holds only
   * with `t`'s copies and moved ids in place of what it read (a journal in `t`'s numbering: see
   * `Translation`); undefined when a read differs.
   */
  private sameReads(j: FunctionJournal, r: Renumbering | null, t: Translation | undefined): 'same' | 'translated' | undefined {
    if (j.closure !== this.scope || this.steps + j.steps > MAX_STEPS) return undefined;
    // A translation holding nothing yet (no replay of this build copied) answers every read as it is:
    // left out, so that the reads below are plain comparisons (this runs for every pending analysis on
    // every keystroke).
    if (t && t.objects.size === 0 && t.ids.size === 0) t = undefined;
    let translated = false;
    const read = <T>(x: T): T => {
      const now = t!.object(x);
      if (now !== x) translated = true;
      return now;
    };
    // Ids as they are when neither the run's own frames nor any frame it read moved.
    const ids = j.nextId === this.nextId && (!t || t.ids.size === 0) ? undefined : journalIds(j, this.nextId, t);
    const vars = this.vars;
    for (const [name, v] of j.names) if (Map.prototype.get.call(vars, name) !== (t ? read(v) : v)) return undefined;
    for (const [recorded, v] of j.memo) {
      const key = ids ? mapMemoKey(recorded, ids) : recorded;
      if (key === undefined || this.callMemo.get(r ? r.key(key) : key) !== (t ? read(v) : v)) return undefined;
      if (key !== recorded) translated = true;
    }
    for (const [id, has] of j.analysed) if (this.analysed.has(r ? r.id(id) : id) !== has) return undefined;
    const refs = this.model.frameRefs;
    for (const [start, was] of j.refs) {
      const ref = refs.get(r ? r.offset(start) : start);
      if (was === undefined) {
        if (ref !== undefined) return undefined;
        continue;
      }
      if (!ref || ref.frame !== (t ? read(was.frame) : was.frame)) return undefined;
      const others = ref.others ?? NO_FRAMES;
      if (others.length !== was.others.length) return undefined;
      for (let i = 0; i < others.length; i++) if (others[i] !== (t ? read(was.others[i]) : was.others[i])) return undefined;
    }
    for (const [id, has] of j.definitions) {
      const now = ids ? ids(id) : id;
      if (this.model.definitions.has(now) !== has) return undefined;
      if (now !== id) translated = true;
    }
    return translated ? 'translated' : 'same';
  }

  /**
   * The journal as a run from this run's first free frame id, in this run's state, would have recorded
   * it: itself, a copy with its frames' ids moved and (`translated`) `t`'s copies in place of what it
   * read, or undefined when it cannot be copied.
   */
  private atNextId<J extends FunctionJournal>(j: J, t: Translation | undefined, translated: boolean): J | undefined {
    return j.nextId === this.nextId && !translated ? j : shiftedJournal(j, this.nextId, this.moduleScope, t, translated, this.copies);
  }

  /** What the journaled analysis added, added again (the same objects; frame names too, moved ones copied to their place now). */
  private replay(j: FunctionJournal, r: Renumbering | null): void {
    const model = this.model as unknown as Record<string, unknown>;
    for (const [key, items] of j.added) {
      const part = model[key] as unknown[];
      for (const item of items) part.push(item);
    }
    for (const [id, entry] of j.definitionWrites) this.model.definitions.set(id, entry);
    const refs = this.model.frameRefs;
    for (const ref of j.newRefs) {
      // The journal's own object when its name did not move (shared: never written, see `withFrame`); else a copy at the name's place now.
      if (!r) {
        refs.set(ref.start, ref);
        continue;
      }
      const copy = copyRef(ref);
      copy.start = r.offset(ref.start);
      copy.end = r.offset(ref.end - 1) + 1;
      refs.set(copy.start, copy);
    }
    for (const [recorded, frame] of j.refPushes) {
      const start = r ? r.offset(recorded) : recorded;
      refs.set(start, withFrame(refs.get(start)!, frame));
    }
    for (const entry of j.refLog) this.refLog.push(r ? [r.offset(entry[0]), entry[1]] : entry);
    for (const [key, v] of j.memoWrites) this.callMemo.set(r ? r.key(key) : key, v);
    for (const id of j.analysedWrites) this.analysed.add(r ? r.id(id) : id);
    this.nextId += j.ids;
    this.steps += j.steps;
  }

  // ---------------------------------------------------------------- binding

  bind(target: Node, v: Value, statement?: Node): void {
    const t = unwrapParens(target);
    if (t.type === 'identifier') {
      this.scope.vars.set(t.text, v);
      if (v.k === 'frame') this.noteFrameRef(t, v.frame);
      if (v.k === 'frame' && statement) {
        const has = this.model.definitions.has(v.frame.id);
        this.recorder?.definitionRead(v.frame.id, has);
        if (!has) {
          const entry = { name: t.text, statement };
          this.model.definitions.set(v.frame.id, entry);
          this.recorder?.definitionWrites.push([v.frame.id, entry]);
        }
      }
      return;
    }
    if (t.type === 'pattern_list' || t.type === 'tuple_pattern' || t.type === 'tuple' || t.type === 'list_pattern' || t.type === 'list') {
      const items = t.namedChildren.filter((c): c is Node => !!c && !isExtra(c));
      const values = v.k === 'list' && v.items.length === items.length ? v.items : undefined;
      items.forEach((c, i) => this.bind(c, values ? values[i] : UNKNOWN));
    }
  }

  /** A name that stands for `frame` here; a function analysed for several calls may give it several frames. */
  private noteFrameRef(name: Node, frame: Frame): void {
    const ref = this.model.frameRefs.get(name.startIndex);
    this.recorder?.refRead(name.startIndex, ref);
    if (!ref) {
      this.model.frameRefs.set(name.startIndex, { start: name.startIndex, end: name.endIndex, frame });
      this.recorder?.newRefStarts.push(name.startIndex);
    } else if (ref.frame !== frame && !ref.others?.includes(frame) && (ref.others?.length ?? 0) < MAX_FRAMES_PER_REF) {
      this.refLog.push([name.startIndex, ref.others?.length ?? 0]);
      this.model.frameRefs.set(name.startIndex, withFrame(ref, frame));
      this.recorder?.refPush(name.startIndex, frame);
    }
  }

  // ---------------------------------------------------------------- expressions

  expr(node: Node, statement?: Node): Value {
    if (this.depth > MAX_DEPTH || !this.tick()) {
      this.model.truncated = true;
      return UNKNOWN;
    }
    this.depth++;
    try {
      return this.exprInner(node, statement);
    } finally {
      this.depth--;
    }
  }

  private exprInner(node: Node, statement?: Node): Value {
    switch (node.type) {
      case 'identifier': {
        const v = this.scope.lookup(node.text);
        if (v?.k === 'frame') this.noteFrameRef(node, v.frame);
        // `spark = start_session(cfg)` from a helper the interpreter cannot follow is still the session.
        if (v && !(v.k === 'unknown' && isSessionGlobal(node.text, this.notebook))) return v;
        if (isSessionGlobal(node.text, this.notebook)) return { k: 'session' };
        return UNKNOWN;
      }
      case 'parenthesized_expression': {
        const inner = node.namedChildren.find((c) => c && !isExtra(c));
        return inner ? this.expr(inner, statement) : UNKNOWN;
      }
      case 'assignment': {
        const right = node.childForFieldName('right');
        const left = node.childForFieldName('left');
        const v = right ? this.expr(right, statement) : UNKNOWN;
        if (left) this.bind(left, v, statement);
        return v;
      }
      case 'augmented_assignment': {
        const right = node.childForFieldName('right');
        if (right) this.expr(right);
        const left = node.childForFieldName('left');
        if (left && left.type === 'identifier') {
          const prev = this.scope.lookup(left.text);
          const r = right ? this.constant(right) : undefined;
          if (prev?.k === 'string' && r !== undefined)
            this.scope.vars.set(left.text, { k: 'string', value: prev.value + r.value, exact: prev.exact && r.exact });
          else this.scope.vars.set(left.text, UNKNOWN);
        }
        return UNKNOWN;
      }
      case 'string':
      case 'concatenated_string':
        return this.stringValue(node);
      case 'integer': {
        const n = Number(node.text.replace(/_/g, ''));
        return Number.isFinite(n) ? { k: 'number', value: n } : UNKNOWN;
      }
      case 'list':
      case 'tuple':
        return { k: 'list', items: node.namedChildren.filter((c): c is Node => !!c && !isExtra(c)).map((c) => this.expr(c)) };
      case 'binary_operator': {
        const l = node.childForFieldName('left');
        const r = node.childForFieldName('right');
        const op = node.childForFieldName('operator')?.text;
        const lv = l ? this.expr(l) : UNKNOWN;
        const rv = r ? this.expr(r) : UNKNOWN;
        if (op === '+' && lv.k === 'string' && rv.k === 'string') return { k: 'string', value: lv.value + rv.value, exact: lv.exact && rv.exact, node };
        if (op === '+' && lv.k === 'list' && rv.k === 'list') return { k: 'list', items: [...lv.items, ...rv.items] };
        return UNKNOWN;
      }
      case 'call':
        return this.call(node);
      case 'attribute':
        return this.attribute(node);
      case 'lambda':
        return UNKNOWN;
      default:
        for (const c of node.namedChildren) if (c && !isExtra(c)) this.expr(c);
        return UNKNOWN;
    }
  }

  private constant(node: Node): { value: string; exact: boolean } | undefined {
    const v = this.expr(node);
    return v.k === 'string' ? v : undefined;
  }

  private stringValue(node: Node): Value {
    if (node.type === 'concatenated_string') {
      let value = '';
      let exact = true;
      for (const part of node.namedChildren) {
        if (!part || isExtra(part)) continue;
        const v = this.stringValue(part);
        if (v.k !== 'string') return UNKNOWN;
        value += v.value;
        exact &&= v.exact;
      }
      return { k: 'string', value, exact, node };
    }
    // A string without interpolations: its value is kept on the node, its pieces need not be read (exact, joined as below).
    const literal = node.type === 'string' ? literalString(node) : undefined;
    if (literal !== undefined) return { k: 'string', value: literal, exact: true, node };
    let value = '';
    let exact = true;
    for (const p of stringParts(node)) {
      if (typeof p === 'string') {
        value += p;
        continue;
      }
      // An f-string interpolation: resolve module constants, keep `{name}` otherwise.
      const inner = p.namedChildren.find((c) => c && c.type !== 'format_specifier' && c.type !== 'type_conversion');
      const v = inner ? this.expr(inner) : UNKNOWN;
      if (v.k === 'string') {
        value += v.value;
        exact &&= v.exact;
      } else if (v.k === 'number') value += String(v.value);
      else {
        value += `{${inner?.text ?? ''}}`;
        exact = false;
      }
    }
    return { k: 'string', value, exact, node };
  }

  private attribute(node: Node): Value {
    const objNode = node.childForFieldName('object');
    const attr = node.childForFieldName('attribute')?.text;
    if (!objNode || !attr) return UNKNOWN;
    const session = sessionReference(this, objNode, attr);
    if (session) return session;
    return sparkAttribute(node, objNode, this.expr(objNode), attr);
  }

  // ---------------------------------------------------------------- calls

  private args(parts: CallParts): { pos: Value[]; kw: ReadonlyMap<string, Value> } {
    // Shared when the call names no argument (most calls): nothing writes to `kw` once made.
    const kw = parts.keywords.size ? new Map<string, Value>() : NO_KEYWORD_VALUES;
    // `sum(r.amount for r in df.collect())`: the generator is the one argument, and its iterable runs.
    if (parts.argumentList?.type === 'generator_expression') {
      this.expr(parts.argumentList);
      return { pos: [UNKNOWN], kw };
    }
    // Indexed loops, and no Map iterator for the shared empty keyword map: the iterators' result
    // objects were one of the model's largest allocation sites (every call of every analysis).
    const args = parts.args;
    const n = args.length;
    let pos: Value[];
    if (n <= 3 && !args.some(isSplat)) {
      // Up to three arguments without a splat (most calls): the values as a literal, made at its size
      // (the first push onto [] reserves 16 slots), evaluated in the same order.
      pos =
        n === 0
          ? []
          : n === 1
            ? [this.expr(args[0])]
            : n === 2
              ? [this.expr(args[0]), this.expr(args[1])]
              : [this.expr(args[0]), this.expr(args[1]), this.expr(args[2])];
    } else {
      pos = [];
      for (let i = 0; i < n; i++) {
        const a = args[i];
        if (isSplat(a)) {
          const inner = a.namedChildren[0];
          const v = inner ? this.expr(inner) : UNKNOWN;
          if (a.type === 'list_splat' && v.k === 'list') pos.push(...v.items);
          else pos.push(UNKNOWN);
        } else pos.push(this.expr(a));
      }
    }
    if (parts.keywords.size) for (const [k, v] of parts.keywords) (kw as Map<string, Value>).set(k, this.expr(v));
    return { pos, kw };
  }

  private call(node: Node): Value {
    const parts = callParts(node);
    if (!parts) {
      for (const c of node.namedChildren) if (c) this.expr(c);
      return UNKNOWN;
    }
    if (!parts.object) {
      const { pos, kw } = this.args(parts);
      return this.plainCall(parts, pos, kw);
    }
    // Method call: the receiver first (it may be a chain), then the arguments.
    const obj = parts.object.type === 'identifier' && parts.object.text === 'SparkSession' ? sparkSessionClassCall(parts.name) : this.expr(parts.object);
    const { pos, kw } = this.args(parts);
    return tempFolderCall(parts, pos) ?? sparkMethodCall(this, node, parts, obj, parts.name!, pos, kw);
  }

  /** A call by name: a module function, a Spark constructor, or a builtin that hands its argument on. */
  private plainCall(parts: CallParts, pos: Value[], kw: ReadonlyMap<string, Value>): Value {
    const name = parts.name;
    if (!name) {
      this.expr(parts.callee);
      return UNKNOWN;
    }
    const local = this.scope.lookup(name);
    if (local?.k === 'function') return this.callFunction(local.def, local.closure, pos, kw, false, parts.callee.parent ?? undefined);
    const spark = sparkConstructorCall(name, parts, pos);
    if (spark) return spark;
    if (isSessionFactoryName(name)) return { k: 'session' };
    if (name === 'str' || name === 'os.path.join') return pos[0]?.k === 'string' ? pos[0] : UNKNOWN;
    return UNKNOWN;
  }

  callFunction(def: Node, closure: Scope, pos: Value[], kw: ReadonlyMap<string, Value>, pending: boolean, site?: Node): Value {
    const key = `${def.id}:${pos.map(valueKey).join(',')}:${[...kw].map(([k, v]) => `${k}=${valueKey(v)}`).join(',')}`;
    const memo = this.callMemo.get(key);
    this.recorder?.memoRead(key, memo);
    if (memo) {
      if (site && memo.k === 'frame') this.model.localCalls.push({ site, def, result: memo.frame });
      return memo;
    }
    if (this.onStack.has(def.id) || this.callDepth >= MAX_CALL_DEPTH) return UNKNOWN;
    if (!pending && pos.every((v) => v.k === 'unknown') && kw.size === 0 && this.isAnalysed(def.id)) return UNKNOWN;
    this.analysed.add(def.id);
    this.recorder?.analysedWritten.add(def.id);
    const body = def.childForFieldName('body');
    const params = def.childForFieldName('parameters');
    const outerScope = this.scope;
    const outerCtx = this.fnContext;
    const outerLoop = this.loopDepth;
    const outerViews = this.views;
    // Nobody calls it here: views registered before now may as well be registered after its run.
    if (pending) this.views = this.model.tempViews.length;
    const scope = new Scope(def, closure);
    this.bindParameters(scope, params, pos, kw);
    this.scope = scope;
    this.fnContext = { returns: [] };
    this.loopDepth = 0;
    this.onStack.add(def.id);
    this.callDepth++;
    this.callMemo.set(key, UNKNOWN);
    this.recorder?.memoWritten.add(key);
    let result: Value = UNKNOWN;
    try {
      if (body) {
        this.block(body);
        this.analysePending(scope);
      }
      const returns = this.fnContext.returns;
      if (returns.length > 0) {
        const frames = returns.filter((r) => r.k === 'frame');
        result = frames.length === returns.length ? frames[frames.length - 1] : returns.length === 1 ? returns[0] : UNKNOWN;
      }
    } finally {
      this.callDepth--;
      this.onStack.delete(def.id);
      this.scope = outerScope;
      this.fnContext = outerCtx;
      this.loopDepth = outerLoop;
      this.views = outerViews;
    }
    this.callMemo.set(key, result);
    if (site && result.k === 'frame') this.model.localCalls.push({ site, def, result: result.frame });
    return result;
  }

  private bindParameters(scope: Scope, params: Node | null, pos: Value[], kw: ReadonlyMap<string, Value>): void {
    if (!params) return;
    let i = 0;
    for (const p of params.namedChildren) {
      if (!p) continue;
      let nameNode: Node | null = null;
      let defaultNode: Node | null = null;
      if (p.type === 'identifier') nameNode = p;
      else if (p.type === 'typed_parameter') nameNode = p.namedChildren.find((c) => c?.type === 'identifier') ?? null;
      else if (p.type === 'default_parameter' || p.type === 'typed_default_parameter') {
        nameNode = p.childForFieldName('name');
        defaultNode = p.childForFieldName('value');
      } else continue;
      if (!nameNode) continue;
      const name = nameNode.text;
      let v = kw.get(name) ?? pos[i];
      if (!v && defaultNode) {
        const saved = this.scope;
        this.scope = scope.parent ?? scope;
        v = this.expr(defaultNode);
        this.scope = saved;
      }
      if (!v || v.k === 'unknown') v = this.parameterByConvention(name, p, scope.node);
      scope.vars.set(name, v);
      i++;
    }
  }

  /** An unbound parameter: `spark` (or annotated SparkSession) is the session; `df: DataFrame` an opaque frame. */
  private parameterByConvention(name: string, param: Node, def: Node): Value {
    const annotation = param.childForFieldName('type')?.text.replace(/^["']|["']$/g, '') ?? '';
    if (isSessionParameterName(name) || /(^|\.)SparkSession$/.test(annotation)) return { k: 'session' };
    // `def upsert(batch_df, epoch_id)`: a foreachBatch function whose caller the model does not see.
    if (isBatchFrameParameter(def, param)) return { k: 'frame', frame: batchFrame(this, param, def) };
    if (/(^|\.)DataFrame$/.test(annotation) && !/pandas|pd\./.test(annotation)) {
      const frame: Frame = {
        id: this.nextId++,
        node: param,
        op: 'parameter',
        parents: [],
        streaming: undefined,
        columns: ColumnMap.EMPTY,
        columnsComplete: false,
        bounded: false,
        scope: this.scope.node,
      };
      this.model.frames.push(frame);
      return { k: 'frame', frame };
    }
    return UNKNOWN;
  }

  source(node: Node, op: string, source: SourceInfo): Frame {
    const frame: Frame = {
      id: this.nextId++,
      node,
      op,
      parents: [],
      streaming: source.streaming,
      source,
      columns: ColumnMap.EMPTY,
      columnsComplete: false,
      bounded: false,
      scope: this.scope.node,
    };
    this.model.frames.push(frame);
    return frame;
  }

  derive(parent: Frame, node: Node, op: string, changes: Partial<Frame>, extraParents: Frame[] = []): Frame {
    const frame: Frame = {
      id: this.nextId++,
      node,
      op,
      parents: [parent, ...extraParents],
      streaming: extraParents.reduce<boolean | undefined>((s, p) => s || p.streaming, parent.streaming),
      watermark: parent.watermark,
      cached: parent.cached,
      columns: parent.columns,
      columnsComplete: parent.columnsComplete,
      singlePartition: parent.singlePartition,
      bounded: parent.bounded,
      scope: this.scope.node,
      ...changes,
    };
    this.model.frames.push(frame);
    return frame;
  }

  // ---------------------------------------------------------------- imports

  /** Reads every import of the file into the model; returns their texts, in order. */
  private collectImports(root: Node): string[] {
    const imports = this.model.imports;
    const texts: string[] = [];
    for (const c of root.namedChildren) {
      if (!c) continue;
      if (isImport(c)) {
        imports.statements.push(c);
        texts.push(`true:${c.text}`);
        recordImport(c, imports);
      } else if (IMPORT_HOLDERS.has(c.type)) {
        // The imports inside a top-level statement are kept on it: after an edit only the statements it made again are searched.
        for (const inner of perStatement(importsInside, c, nestedImports)) {
          texts.push(`false:${inner.text}`);
          recordImport(inner, imports);
        }
      }
    }
    return texts;
  }
}

const isImport = (c: Node): boolean => c.type === 'import_statement' || c.type === 'import_from_statement' || c.type === 'future_import_statement';
/** The statements whose bodies may hold imports the model reads (as a function's or a branch's). */
const IMPORT_HOLDERS = new Set(['block', 'function_definition', 'if_statement', 'try_statement', 'decorated_definition', 'class_definition']);
const importsInside = new WeakMap<Node, Node[]>();

/** The imports inside a top-level statement, in document order, through the statements `IMPORT_HOLDERS` names, 50 deep at most. */
function nestedImports(statement: Node): Node[] {
  const found: Node[] = [];
  const visit = (node: Node, depth: number): void => {
    if (depth > 50) return;
    for (const c of node.namedChildren) {
      if (!c) continue;
      if (isImport(c)) found.push(c);
      else if (IMPORT_HOLDERS.has(c.type)) visit(c, depth + 1);
    }
  };
  visit(statement, 1);
  return found;
}

/** The model's parts that grow, or undefined when one of them is neither an array nor a Map. */
function listsOf(model: DataFrameModel): string[] | undefined {
  const out: string[] = [];
  for (const [key, part] of Object.entries(model)) {
    if (RECOMPUTED.has(key)) continue;
    if (!Array.isArray(part) && !(part instanceof Map)) return undefined;
    out.push(key);
  }
  return out;
}

function sizeOf(part: unknown): number {
  return Array.isArray(part) ? part.length : (part as Map<unknown, unknown>).size;
}

/** The first `n` entries (Maps and Sets iterate in insertion order). */
function* first<T>(items: Iterable<T>, n: number): Generator<T> {
  if (n <= 0) return;
  let i = 0;
  for (const item of items) {
    yield item;
    if (++i >= n) return;
  }
}

function copyRef(ref: FrameRef): FrameRef {
  const copy: FrameRef = { ...ref };
  if (ref.others) copy.others = ref.others.slice();
  return copy;
}

/**
 * `ref` given one more frame, as a new object that takes its place in the model (`set` on a present
 * key keeps the Map's order). A frame name is never written once it is in a model: the model a build
 * resumed from shares the names of its prefix, the journals replayed share theirs (`newRefs`), and a
 * hover may still read an older model, so none of them may see a frame given later. Before, every
 * name was copied on every resume and replay so that it could be written (6,070 per code keystroke in
 * the middle of the bench's 20k lines); now the ones given a frame (about one per pending analysis) and
 * the moved ones of relocated replays are new objects (4,187).
 */
function withFrame(ref: FrameRef, frame: Frame): FrameRef {
  return { ...ref, others: ref.others ? [...ref.others, frame] : [frame] };
}

/** `ref` with only its first `n` other frames, as a new object (see `withFrame`). */
function withOthers(ref: FrameRef, n: number): FrameRef {
  const copy: FrameRef = { ...ref };
  if (n === 0) delete copy.others;
  else copy.others = ref.others!.slice(0, n);
  return copy;
}

const isSplat = (a: Node): boolean => a.type === 'list_splat' || a.type === 'dictionary_splat';

/** A `def`, decorated or not (decorators are not evaluated: see `statementInner`). */
function isFunctionDefinition(node: Node): boolean {
  return node.type === 'function_definition' || (node.type === 'decorated_definition' && node.childForFieldName('definition')?.type === 'function_definition');
}

function isStatementLike(node: Node): boolean {
  return node.type.endsWith('_statement') || node.type.endsWith('_definition') || node.type.endsWith('_clause') || node.type === 'decorated_definition';
}

function valueKey(v: Value): string {
  switch (v.k) {
    case 'frame':
      return `f${v.frame.id}`;
    case 'string':
      return `s${v.value.length}:${v.value}`;
    default:
      return v.k;
  }
}

export interface BuiltModel {
  model: DataFrameModel;
  functions: SparkFunctions;
  /** Top-level statements taken from `previous` rather than run again (0: built afresh). */
  resumedStatements: number;
  /** Analyses of functions nobody called replayed from `previous` rather than run again. */
  reusedFunctions: number;
  /** Of those, the ones whose statement or a statement they read had moved since the analysis ran (numbers mapped). */
  relocatedFunctions: number;
  /** Of those, the ones renumbered also in another statement they read (a helper or UDF moved too). */
  relocatedAcrossFunctions: number;
  /** Top-level statements after the resumed ones replayed from `previous`'s journals rather than run again. */
  replayedStatements: number;
  /** Of those, the ones whose statement or a statement they read had moved since they ran (numbers mapped). */
  relocatedStatements: number;
  /** Function analyses replayed at another first free frame id than journaled (frames copied with their ids moved, `journalShift.ts`). */
  shiftedFunctions: number;
  /** Top-level statements replayed so. */
  shiftedStatements: number;
  /** Replays whose reads held only with objects and ids copied by a replay before them in the same build (`Translation`). */
  translatedFunctions: number;
  translatedStatements: number;
  /** Pending function analyses, and top-level statements after the resumed ones (defs apart), that ran. */
  ranFunctions: number;
  ranStatements: number;
  /** Objects of journals' additions walked by the replays' copies, and of those copied (work per analysis; `journalShift.ts`). */
  walkedObjects: number;
  copiedObjects: number;
}

/**
 * The DataFrame model of the file. `previous`: the last model built for an earlier version of the
 * same document (whose syntax copy the current one was made from): the run resumes from its state
 * before the first top-level statement the edits touched, when nothing else it reads changed.
 * The result is the same as a fresh run's (same frames and ids, same order), which
 * `test/unit/incrementalAnalysis.test.ts` checks over random edits.
 */
export function buildModel(tree: TreeOrCopy, text: string, options: ModelOptions = {}, previous?: DataFrameModel): BuiltModel {
  const builder = new ModelBuilder(rootOf(tree, text), options);
  resumable.set(builder.model, builder.run(previous));
  return {
    model: builder.model,
    functions: builder.functions,
    resumedStatements: builder.resumedStatements,
    reusedFunctions: builder.reusedFunctions,
    relocatedFunctions: builder.relocatedFunctions,
    relocatedAcrossFunctions: builder.relocatedAcrossFunctions,
    replayedStatements: builder.replayedStatements,
    relocatedStatements: builder.relocatedStatements,
    shiftedFunctions: builder.shiftedFunctions,
    shiftedStatements: builder.shiftedStatements,
    translatedFunctions: builder.translatedFunctions,
    translatedStatements: builder.translatedStatements,
    ranFunctions: builder.ranFunctions,
    ranStatements: builder.ranStatements,
    walkedObjects: builder.copies.walked,
    copiedObjects: builder.copies.copied,
  };
}

/**
 * The module node as it was when `model` was built. A later copy of the document takes the root
 * over (its children are then those of the new text); a hover that reads an older model through
 * the edits made since descends from this view instead.
 */
export function rootAsBuilt(model: DataFrameModel): Node {
  const built = resumable.get(model)?.root;
  const root = model.root as SyntaxNode;
  if (!built || root.owner === built.owner) return root;
  // A node not kept by the old copy: it reads that copy's facts (which never change), and the
  // statements the two copies share are the same objects either way.
  return new SyntaxNode(built.owner, 0);
}
/**
 * Where `node` (a node of `model`) started in the text the model was built from. A later syntax
 * copy that cloned the node's statement has adopted the node at its new place (see `SyntaxTree`);
 * a reader of an older model (a hover answered before the next analysis) asks here instead of
 * reading `startIndex`.
 */
export function startAsBuilt(model: DataFrameModel, node: Node): number {
  const built = resumable.get(model)?.root.owner;
  return (built && built.rangeAsIn(node as SyntaxNode)?.start) ?? node.startIndex;
}

/**
 * @internal What the model's run left in the interpreter besides the model, which the next model of
 * the document resumes from: the call memo (each key and its value's kind, or frame id) and the
 * functions analysed, in order. Tests compare them with a fresh run's.
 */
export function interpreterState(model: DataFrameModel): { memo: string[]; analysed: number[] } | undefined {
  const state = resumable.get(model);
  if (!state) return undefined;
  return {
    memo: [...state.callMemo].map(([key, v]) => `${key} -> ${describeValue(v)}`),
    analysed: [...state.analysed],
  };
}

/** A memo value for the tests' comparison: its kind, with the ids of the frames it holds (in a list, a writer, a grouping). */
function describeValue(v: Value): string {
  if (v.k === 'frame') return `f${v.frame.id}`;
  if (v.k === 'list') return `[${v.items.map(describeValue).join(',')}]`;
  return 'frame' in v ? `${v.k}(f${v.frame.id})` : v.k;
}

/**
 * The tuples of a literal list or tuple of tuples that holds DataFrames (`[(orders, "append"),
 * (totals, "complete")]`), when there are few enough to walk the loop body once for each; undefined
 * for any other iterable. Tuples of plain strings or numbers are left to the one pass with unknown
 * loop variables, as before.
 */
function tupleRows(v: Value): Value[] | undefined {
  if (v.k !== 'list' || v.items.length === 0 || v.items.length > MAX_UNROLLED_TUPLES) return undefined;
  if (!v.items.every((row) => row.k === 'list')) return undefined;
  const holdsFrame = v.items.some((row) => row.k === 'list' && row.items.some((x) => x.k === 'frame'));
  return holdsFrame ? v.items : undefined;
}
