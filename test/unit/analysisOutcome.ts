import { ColumnMap } from '../../server/src/model/columnMap';
import * as assert from 'node:assert/strict';
import fc from 'fast-check';
import { fileFragment } from '../../server/src/graph';
import { DocumentStore } from '../../server/src/lsp/documentStore';
import { defaultSettings } from '../../shared/settings';
import { analyze, type AnalysisOptions, type AnalysisResult } from '../../server/src/analysis';
import { mergeEdits, type EditedRange } from '../../server/src/context/textWords';
import type { PythonParser, Tree } from '../../server/src/parsing/pythonParser';
import type { DataFrameModel, Frame } from '../../server/src/model/types';
import { interpreterState } from '../../server/src/model/buildModel';

// What an incremental analysis must give exactly as a fresh one does (incrementalAnalysis.test.ts,
// functionReuse.test.ts): findings with fixes, the graph fragment, and the model as plain data; and
// the property both check, over random edits made through the document store.

/** The model as plain data: frames by id with their lineage and the nodes they point at, and every other part. */
export function modelShape(model: DataFrameModel | undefined): unknown {
  if (!model) return undefined;
  const at = (n: { startIndex: number; endIndex: number; type: string } | undefined | null) => (n ? `${n.type}@${n.startIndex}-${n.endIndex}` : '-');
  // A frame held anywhere must be the model's frame of its id: a replay that kept an older object of the
  // same id (the same number, other content, e.g. a source path typed into) would otherwise look equal.
  const byId = new Map(model.frames.map((f) => [f.id, f]));
  const frame = (f: Frame) => (byId.get(f.id) === f ? f.id : `${f.id}, not the model's frame of that id`);
  const plain = (v: unknown, depth = 0): unknown => {
    if (depth > 4 || v === null || v === undefined || typeof v !== 'object') return v;
    if ('startIndex' in v && 'type' in v) return at(v as never);
    if ('id' in v && 'op' in v && 'parents' in v) return `frame ${frame(v as Frame)}`;
    if (Array.isArray(v)) return v.map((x) => plain(x, depth + 1));
    if (v instanceof Map || v instanceof ColumnMap) return [...v].map(([k, x]) => [k, plain(x, depth + 1)]);
    if (v instanceof Set) return [...v];
    return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, plain(x, depth + 1)]));
  };
  return {
    frames: model.frames.map((f) => ({
      ...(plain({ ...f, parents: undefined, columns: undefined }) as object),
      parents: f.parents.map(frame),
      columns: plain(f.columns),
    })),
    actions: plain(model.actions),
    sinks: plain(model.sinks),
    transforms: plain(model.transforms),
    discarded: plain(model.discarded),
    aggregations: plain(model.aggregations),
    confSets: plain(model.confSets),
    builders: plain(model.builders),
    imports: plain(model.imports),
    definitions: plain(model.definitions),
    frameRefs: plain(model.frameRefs),
    localCalls: plain(model.localCalls),
    tempViews: plain(model.tempViews),
    truncated: model.truncated,
  };
}

export function outcome(name: string, result: AnalysisResult): unknown {
  const { raw } = fileFragment({ filename: name, uri: `file:///${name}`, model: result.model, lines: result.lines, findings: result.findings });
  // The interpreter's memo and analysed set too: a replay that left a wrong key there (a frame's old
  // id, say) could pass unseen until another call with that key, in a later version.
  const interpreter = result.model ? interpreterState(result.model) : undefined;
  return { findings: result.findings, skipped: result.skipped, graph: raw, model: modelShape(result.model), interpreter };
}

/** A property step's extra model: none, one built first and kept as the next base, or one built and lost. */
export type ExtraModel = 'none' | 'kept' | 'lost';

/**
 * One step of the incremental-analysis properties: after an edit, maybe build an extra model first
 * (kept as the base of the next analysis, as the server keeps the last model built, or thrown away),
 * then analyse incrementally from the base and freshly from a new parse of the same text.
 */
function analyseBothWays(
  parser: PythonParser,
  tree: Tree,
  text: string,
  options: AnalysisOptions,
  base: DataFrameModel | undefined,
  extra: ExtraModel,
  edited: EditedRange | undefined,
): { incremental: AnalysisResult; fresh: AnalysisResult } {
  if (extra !== 'none') {
    const built = analyze(tree, text, { ...options, previousModel: base, edited }).model;
    // A kept model is of this very text: nothing was edited since (its answers are taken whole).
    if (extra === 'kept' && built) {
      base = built;
      edited = { start: 0, oldEnd: 0, newEnd: 0 };
    }
  }
  const incremental = analyze(tree, text, { ...options, previousModel: base, edited });
  const freshTree = parser.parse(text);
  try {
    return { incremental, fresh: analyze(freshTree, text, options) };
  } finally {
    freshTree.delete();
  }
}

/** One replacement in a text, by offsets into the text before the edit. */
export interface TextChange {
  start: number;
  end: number;
  text: string;
}

/** How a property draws its edit sequences: which edits, how an edit becomes changes, how often an extra model is built, how many edits. */
export interface EditSequences<E> {
  edits: fc.Arbitrary<E>;
  /** The changes one edit makes, each read on the text before the edit (the later one first); none skips the edit. */
  toChanges: (text: string, e: E) => TextChange[];
  extras: readonly ExtraModel[];
  maxEdits: number;
}

/**
 * One file edited step by step through the document store (so the tree is the incremental parse and
 * the syntax copy is carried over): after each step the analysis resuming the previous model (strict
 * rules on) must equal a fresh parse and analysis of the same text. A step gives its changes, read on
 * the text before it (none skips the step), and whether an extra model is built first; a `burst` step's
 * changes are keystrokes, each a version, each read on the text the ones before it left. `each` sees
 * every incremental analysis compared; `model`: the model's options (`frameIdBlock`).
 */
export function stepsEqualFresh(
  parser: PythonParser,
  name: string,
  original: string,
  steps: readonly { changes: (text: string) => TextChange[]; extra: ExtraModel; burst?: boolean }[],
  each: (incremental: AnalysisResult) => void,
  model: Pick<AnalysisOptions, 'frameIdBlock'> = {},
): void {
  const settings = { ...defaultSettings(), 'rules.strict': true };
  const store = new DocumentStore(parser, () => false);
  const uri = `file:///${name}`;
  const options: AnalysisOptions = { settings, path: name, ...model };
  store.open(uri, 'python', 1, original);
  let previousModel: DataFrameModel | undefined;
  try {
    let version = 1;
    // The version the previous model is of: the edits since are merged into the range given with it, as the server does.
    let modelVersion = 1;
    const first = store.get(uri)!;
    if (first.tree) previousModel = analyze(first.tree, original, options).model;
    for (const step of steps) {
      const lines = store.get(uri)!.document;
      const changes = step.changes(lines.getText());
      if (changes.length === 0) continue;
      if (step.burst) {
        // A burst of keystrokes: each change a version of its own (read on the text the changes before it
        // left), parsed as the server parses each version it is sent, and one analysis after the last,
        // resuming from the model of the burst's start (as the server's analysis after a burst does).
        for (const c of changes) {
          const doc = store.get(uri)!.document;
          store.change(uri, ++version, [{ range: { start: doc.positionAt(c.start), end: doc.positionAt(c.end) }, text: c.text }]);
          void store.get(uri)!.tree;
        }
      } else {
        const ranges = changes.map((c) => ({ range: { start: lines.positionAt(c.start), end: lines.positionAt(c.end) }, text: c.text }));
        store.change(uri, ++version, ranges);
      }
      const after = store.get(uri)!;
      const now = after.document.getText();
      if (!after.tree) continue;
      const edited = modelVersion >= after.editsSince ? mergeEdits(after.edits.filter((e) => e.version > modelVersion)) : undefined;
      const { incremental, fresh } = analyseBothWays(parser, after.tree, now, options, previousModel, step.extra, edited);
      each(incremental);
      assert.deepEqual(outcome(name, incremental), outcome(name, fresh), `${name} after ${JSON.stringify(changes)}`);
      if (incremental.model) {
        previousModel = incremental.model;
        modelVersion = version;
      }
    }
  } finally {
    store.dispose();
  }
}

/**
 * After each edit of each random sequence, `stepsEqualFresh` of that sequence on one of `files`. `each`
 * sees every incremental analysis compared, for the callers' counts of how many resumed or replayed something.
 */
export function everyEditEqualsFresh<E>(
  parser: PythonParser,
  files: readonly [string, string][],
  sequences: EditSequences<E>,
  runs: { seed: number; numRuns: number },
  each: (incremental: AnalysisResult) => void,
  model: Pick<AnalysisOptions, 'frameIdBlock'> = {},
): void {
  fc.assert(
    fc.property(
      fc.nat(files.length - 1),
      fc.array(fc.tuple(sequences.edits, fc.constantFrom(...sequences.extras)), { minLength: 1, maxLength: sequences.maxEdits }),
      (file, edits) => {
        const [name, original] = files[file];
        const steps = edits.map(([e, extra]) => ({ changes: (text: string) => sequences.toChanges(text, e), extra }));
        stepsEqualFresh(parser, name, original, steps, each, model);
      },
    ),
    runs,
  );
}

/** Offsets of the top-level statements' starts. */
export function statementStarts(model: DataFrameModel): number[] {
  return model.root.namedChildren.map((c) => c.startIndex);
}

/** An edit of a sequence: read on the text and the previous model's statement starts; none skips it. */
export type SequenceEdit = (text: string, starts: number[]) => TextChange | undefined;

// The edit shapes the edit-sequence tests share (each adds text of its own for the answers it checks).

/** `text` inserted before the middle top-level statement (files of three statements or more). */
export function insertAtMiddle(text: string): SequenceEdit {
  return (_, s) => (s.length > 2 ? { start: s[Math.floor(s.length / 2)], end: s[Math.floor(s.length / 2)], text } : undefined);
}

/** A space typed at the end of the line of the statement two thirds down: a line typed into. */
export const typeIntoLine: SequenceEdit = (t, s) => {
  if (s.length < 2) return undefined;
  const at = t.indexOf('\n', s[Math.floor((2 * s.length) / 3)]);
  return at < 0 ? undefined : { start: at, end: at, text: ' ' };
};

/** The last top-level statement deleted (files of four statements or more). */
export const deleteLastStatement: SequenceEdit = (t, s) => (s.length > 3 ? { start: s[s.length - 1], end: t.length, text: '' } : undefined);

/** `text` appended at the end of the file. */
export function append(text: string): SequenceEdit {
  return (t) => ({ start: t.length, end: t.length, text });
}

/**
 * The top-level statement around offset `at`, by the text alone (from a line starting with code to
 * the next): what the random edit sequences insert before, duplicate or delete.
 */
export function statementAround(text: string, at: number): { start: number; end: number } {
  const starts = [...text.matchAll(/^(?=[^\s#])/gm)].map((m) => m.index);
  let i = 0;
  while (i + 1 < starts.length && starts[i + 1] <= at) i++;
  return { start: starts[i] ?? 0, end: starts[i + 1] ?? text.length };
}

/** `text` inserted before top-level statement `k` (files with one). */
export function insertBefore(k: number, text: string): SequenceEdit {
  return (_, s) => (s.length > k ? { start: s[k], end: s[k], text } : undefined);
}

/**
 * `original` opened in a document store, then each edit applied in turn and every version analysed
 * from the previous version's model (strict rules on), as the editor does; `visit` sees each
 * incremental model with the one it resumed and the change. Stops when the file is not PySpark (no
 * model). The edit-sequence tests of the carried indexes and the statement answers share it.
 */
export function analyseEditSequence(
  parser: PythonParser,
  name: string,
  original: string,
  edits: readonly SequenceEdit[],
  visit: (model: DataFrameModel, previous: DataFrameModel, change: TextChange) => void,
): void {
  const store = new DocumentStore(parser, () => false);
  const uri = `file:///${name}`;
  const options: AnalysisOptions = { settings: { ...defaultSettings(), 'rules.strict': true }, path: name };
  store.open(uri, 'python', 1, original);
  try {
    let previous = analyze(store.get(uri)!.tree!, original, options).model;
    let version = 1;
    for (const edit of edits) {
      if (!previous) return; // not PySpark: nothing is modelled
      const doc = store.get(uri)!.document;
      const change = edit(doc.getText(), statementStarts(previous));
      if (!change) continue;
      store.change(uri, ++version, [{ range: { start: doc.positionAt(change.start), end: doc.positionAt(change.end) }, text: change.text }]);
      const after = store.get(uri)!;
      const edited = { start: change.start, oldEnd: change.end, newEnd: change.start + change.text.length };
      const { model } = analyze(after.tree!, after.document.getText(), { ...options, previousModel: previous, edited });
      if (!model) return;
      visit(model, previous, change);
      previous = model;
    }
  } finally {
    store.dispose();
  }
}
