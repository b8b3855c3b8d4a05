import type { Finding } from '../findings';
import type { RawGraph, StepNode, DatasetNode, DatasetOccurrence } from '../graph/pipelineGraph';
import type { Node, Tree } from '../parsing/pythonParser';
import { mayHaveLongRun } from '../parsing/commentRuns';
import { isPlatformNotebookSource } from '../notebook/fabric';
import { looksLikePySpark } from '../sparkHint';

/**
 * Typing inside a comment that nothing reads: the one edit after which an analysis cannot differ from
 * the previous one but for offsets. The guard below is the inventory of everything in the engine
 * and the server that reads the text of a comment, made on 2026-12-06 (grep for `comment` node
 * types, regexes over the whole text and over node text, `ctx.text`):
 *
 * - `# noqa` (noqa.ts: every `noqa` in a comment, any case; noqaFix);
 * - Databricks sources: the `# Databricks notebook source` first line, `# COMMAND ----------` and
 *   `# MAGIC` lines (notebook/databricks.ts, codeContext's cells, PSA113, `%run` includes);
 * - Fabric sources: the `# Fabric notebook source` first line and the `# CELL ****...` block markers
 *   (notebook/fabric.ts, codeContext's cells);
 * - long comment runs blanked for the parser (parsing/commentRuns.ts: whether a run is blanked
 *   depends on its lines' lengths, so typing in one can change the tree);
 * - PSA703's "fails on purpose" comments above or after a statement (error, fail, wrong way, ...);
 * - regexes over the whole text, which match in comments as anywhere else: the PySpark hint
 *   (sparkHint.ts), the notebook session (`spark`, `sqlContext`), code context (Faker, Glue's
 *   `job.init`/`job.commit`, DLT imports, Jupyter `# In[ ]:` exports, exploration's SQL writes,
 *   cloud paths, job parameters, `GlueContext(`, `master("local")`), PSA216 (`rocksdb`,
 *   `.config(conf=`), PSA709 (`import pyspark.ml`), PSA113 (session builders, `MERGE INTO`,
 *   `INSERT INTO`), and the ones built from a name in the code: `boundInFile` (an assignment,
 *   import, `as`, parameter or `for` target of that name: PSA214/215/218/307, shadowed builtins),
 *   PSA307's `name = ...` lines, PSA701's fresh name (`<name>_value2`, a name not in the text);
 * - node text that holds the comment: a comment inside an expression, a call chain, an import's
 *   parentheses or a compound statement's header is part of the text rules read (imports, call
 *   chains, SQL and f-strings, fixes that rewrite a chain); a comment that is a statement of a
 *   block or of the module is not, except through its enclosing definition's text.
 *
 * So an edit qualifies only when, before and after it, the changed range lies inside one `comment`
 * node (after its `#`) that is a child of the module or of a block, no line break is added or
 * removed, the file is not a Databricks or Fabric source, has no comment run long enough to be blanked, and
 * looks like PySpark either way; and when the old and the new comment hold nothing but letters,
 * digits, spaces and `.,!?`, none of their words contains a word those regexes look for
 * (`READ_WORDS`), and none of their words occurs anywhere else in the file (any name a regex is
 * built from is a word of the code). The findings reused must not quote a word of the comment
 * either (a fix copying an enclosing definition's text would). Anything else takes the full path.
 */

/** One replacement that turns the previous text into the current one. */
export interface TextChange {
  /** Where the texts start to differ. */
  start: number;
  /** End of the replaced part in the previous text. */
  oldEnd: number;
  /** End of the new part in the current text. */
  newEnd: number;
}

/** The smallest single replacement between two texts: common prefix and suffix left out. */
export function changeBetween(before: string, after: string): TextChange {
  const max = Math.min(before.length, after.length);
  let start = 0;
  while (start < max && before.charCodeAt(start) === after.charCodeAt(start)) start++;
  let tail = 0;
  while (tail < max - start && before.charCodeAt(before.length - 1 - tail) === after.charCodeAt(after.length - 1 - tail)) tail++;
  return { start, oldEnd: before.length - tail, newEnd: after.length - tail };
}

/**
 * Substrings (lower case) of the words the engine's regexes over the whole text or over comments
 * look for. A comment word containing one is read, or might be: the full path runs.
 */
export const READ_WORDS: readonly string[] = [
  // noqa, Databricks cells, directives of other tools
  'noqa',
  'databricks',
  'notebook',
  'source',
  'magic',
  'command',
  'type',
  'fmt',
  'pragma',
  'pylint',
  'isort',
  'architect',
  // the PySpark hint and the notebook session
  'spark',
  'sqlcontext',
  'context',
  'session',
  'stream',
  'read',
  'write',
  'dataframe',
  'delta',
  // code context and exploration
  'faker',
  'glue',
  'job',
  'init',
  'commit',
  'dlt',
  'pipeline',
  'lakeflow',
  'import',
  'from',
  'merge',
  'insert',
  'into',
  'overwrite',
  'create',
  'replace',
  'table',
  'argv',
  'argparse',
  'resolvedoptions',
  'widgets',
  'dbutils',
  'click',
  'typer',
  'option',
  'local',
  'master',
  'builder',
  'test',
  'sql',
  'select',
  // PSA216, PSA709
  'rocksdb',
  'config',
  'conf',
  'setall',
  'ml',
  // PSA703: a statement under a comment saying it fails on purpose
  'error',
  'exception',
  'fail',
  'break',
  'work',
  'wrong',
  'incorrect',
  'purpose',
  'intentional',
  'deliberate',
];

/** What a comment may hold to be typed in without an analysis: words, spaces and plain punctuation. */
const PLAIN = /^[A-Za-z0-9 \t.,!?]*$/;
const WORD = /[A-Za-z0-9]+/g;

/** What the check needs of the previous analysis's syntax (the copy's module as that analysis built it). */
export interface CommentEditInputs {
  before: string;
  after: string;
  /** The module node of the previous version (its copy, as its model saw it). */
  beforeRoot: Node;
  /** The current version's tree. */
  afterTree: Tree;
}

/** The change, and the comment's words (lower case, before and after), when it is confined to a comment nothing reads (see above); undefined otherwise. */
export function commentOnlyChange({ before, after, beforeRoot, afterTree }: CommentEditInputs): { change: TextChange; words: string[] } | undefined {
  if (before === after) return undefined;
  const change = changeBetween(before, after);
  const removed = before.slice(change.start, change.oldEnd);
  const added = after.slice(change.start, change.newEnd);
  // No line break (nor anything a tokenizer might take for one) goes or comes.
  if (!PLAIN.test(removed) || !PLAIN.test(added)) return undefined;
  if (isPlatformNotebookSource(before) || isPlatformNotebookSource(after) || !looksLikePySpark(before) || !looksLikePySpark(after)) return undefined;
  // Line starts are the same in both texts (no line break changed), so this is the same answer for both.
  if (mayHaveLongRun(after)) return undefined;
  // The character before the change is the comment's (its `#` at least): the node there, whose range must hold the change.
  const old = beforeRoot.descendantForIndex(change.start - 1, change.start - 1);
  if (!isStatementComment(old) || change.start <= old.startIndex || change.oldEnd > old.endIndex) return undefined;
  const delta = change.newEnd - change.oldEnd;
  const now = afterTree.rootNode.descendantForIndex(change.start - 1, change.start - 1);
  if (!isStatementComment(now) || now.startIndex !== old.startIndex || now.endIndex !== old.endIndex + delta) return undefined;
  if (now.parent!.type !== old.parent!.type || now.parent!.startIndex !== old.parent!.startIndex) return undefined;
  const oldComment = before.slice(old.startIndex + 1, old.endIndex);
  const newComment = after.slice(now.startIndex + 1, now.endIndex);
  if (!PLAIN.test(oldComment) || !PLAIN.test(newComment)) return undefined;
  const words = new Set([...(oldComment.match(WORD) ?? []), ...(newComment.match(WORD) ?? [])].map((w) => w.toLowerCase()));
  for (const w of words) if (READ_WORDS.some((r) => w.includes(r))) return undefined;
  // The rest of the file, the same before and after: no word of the comment may be a word there.
  const rest = before.slice(0, old.startIndex) + '\n' + before.slice(old.endIndex);
  for (const w of words) if (new RegExp(`\\b${w}\\b`, 'i').test(rest)) return undefined;
  return { change, words: [...words] };
}

/** What the check reads of a node, the same for the JS copy's nodes and the wasm tree's. */
interface Spanned {
  type: string;
  startIndex: number;
  endIndex: number;
  parent: Spanned | null;
  children: (Spanned | null)[];
}

/**
 * A comment that is a statement of the module or of a block, or stands between a definition's
 * header (its `:`) and its body (where tree-sitter puts the comment above a function's first
 * statement): not part of any expression's, import's or header's text.
 */
function isStatementComment<T extends Spanned>(node: T | null | undefined): node is T {
  if (!node || node.type !== 'comment') return false;
  const parent = node.parent;
  if (!parent) return false;
  if (parent.type === 'module' || parent.type === 'block') return true;
  if (parent.type !== 'function_definition' && parent.type !== 'class_definition') return false;
  return parent.children.some((c) => c?.type === ':' && c.endIndex <= node.startIndex);
}

/**
 * Where an offset of the previous text is in the current one; undefined for an offset strictly
 * inside the replaced part (nothing of an analysis points there but the comment itself). An
 * offset at the end of the replaced part moves with the text after it (a comment's end, and the
 * end of the block or definition it closes).
 */
export function shiftOffset(change: TextChange, offset: number): number | undefined {
  if (offset < change.start) return offset;
  if (offset >= change.oldEnd) return offset + change.newEnd - change.oldEnd;
  return undefined;
}

class Unmovable extends Error {}

function moved(change: TextChange, offset: number): number {
  const o = shiftOffset(change, offset);
  if (o === undefined) throw new Unmovable();
  return o;
}

/**
 * The previous findings at their places in the current text; undefined when one points inside the
 * replaced part or quotes a word of the comment (a fix copying the enclosing definition's text).
 */
export function moveFindings(findings: readonly Finding[], change: TextChange, words: readonly string[]): Finding[] | undefined {
  const quotes = (s: string | undefined) => {
    if (!s) return false;
    const lower = s.toLowerCase();
    return words.some((w) => lower.includes(w));
  };
  try {
    return findings.map((f) => {
      if (quotes(f.message) || quotes(f.why) || f.related.some((r) => quotes(r.message))) throw new Unmovable();
      for (const fix of f.fixes) {
        if (quotes(fix.title) || ('reason' in fix && quotes(fix.reason)) || fix.edits.some((e) => quotes(e.newText))) throw new Unmovable();
      }
      return {
        ...f,
        start: moved(change, f.start),
        end: moved(change, f.end),
        related: f.related.map((r) => ({ ...r, start: moved(change, r.start), end: moved(change, r.end) })),
        fixes: f.fixes.map((fix) => ({ ...fix, edits: fix.edits.map((e) => ({ ...e, start: moved(change, e.start), end: moved(change, e.end) })) })),
      };
    });
  } catch (e) {
    if (e instanceof Unmovable) return undefined;
    throw e;
  }
}

/** The previous graph fragment at its places in the current text (step ids hold the function's offset). */
export function moveRawGraph(raw: RawGraph, change: TextChange): RawGraph | undefined {
  const id = (stepId: string) => {
    const at = stepId.lastIndexOf('@');
    return `${stepId.slice(0, at + 1)}${moved(change, Number(stepId.slice(at + 1)))}`;
  };
  const occurrence = (o: DatasetOccurrence): DatasetOccurrence => ({
    ...o,
    start: moved(change, o.start),
    end: moved(change, o.end),
    stepId: id(o.stepId),
    statementStart: moved(change, o.statementStart),
    statementEnd: moved(change, o.statementEnd),
    ...(o.inputReads ? { inputReads: o.inputReads.map((r) => moved(change, r)) } : {}),
  });
  try {
    const steps = new Map<string, StepNode>();
    for (const s of raw.steps.values()) {
      const step: StepNode = {
        ...s,
        id: id(s.id),
        start: moved(change, s.start),
        end: moved(change, s.end),
        spanStart: moved(change, s.spanStart),
        spanEnd: moved(change, s.spanEnd),
        reads: new Set(s.reads),
        writes: new Set(s.writes),
      };
      steps.set(step.id, step);
    }
    const datasets = new Map<string, DatasetNode>();
    for (const [key, d] of raw.datasets) datasets.set(key, { ref: d.ref, reads: d.reads.map(occurrence), writes: d.writes.map(occurrence) });
    return { datasets, steps };
  } catch (e) {
    if (e instanceof Unmovable) return undefined;
    throw e;
  }
}
