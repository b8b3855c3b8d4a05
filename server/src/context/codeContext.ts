import type { FindingContext } from '../findings';
import { perNode } from '../model/statementMemo';
import type { DataFrameModel } from '../model/types';
import { colabCellStarts, isColabExport } from '../notebook/colab';
import { isDatabricksSource } from '../notebook/databricks';
import { fabricCellStarts, isFabricSource, isPlatformNotebookSource } from '../notebook/fabric';
import { isJupyterExport, jupyterExportCellStarts } from '../notebook/jupyterExport';
import { isPercentFormat, percentFormatCellStarts } from '../notebook/percentFormat';
import type { Node } from '../parsing/pythonParser';
import { isExtra } from '../parsing/syntax';
import { decodePath } from '../project/contextPath';
import { explorationSignals, teachingMaterial } from './exploration';

/**
 * What kind of code a finding sits in. Rules that judge cost or data handling ask this before they
 * speak: `print(df.count())` is monitoring in a nightly job and the whole point of a teaching
 * notebook's cell; `coalesce(1)` on ten rows of Faker data is a demo, not a 2 TB write.
 *
 * - job: a module that runs unattended (the default; every rule applies).
 * - notebook: a Databricks, Fabric or Colab source notebook or a Jupyter notebook (or its export),
 *   exploratory unless the team says its notebooks are production jobs (`context.notebooks: "job"`).
 * - exploration: a `.py` script that is a notebook in all but name (a book's listing, a tutorial
 *   step: prints its frames, reads and writes local files; see exploration.ts); the same setting
 *   makes these jobs.
 * - test: test files and folders, `test_*` functions, pytest fixtures and `Test*` classes.
 * - generator: synthetic-data generators (Faker, files named for generating or faking data).
 * - pipeline: a function whose table Lakeflow / DLT manages (`@dlt.table`, `@dp.materialized_view`, ...):
 *   the pipeline owns checkpoints, schema locations and the write.
 */
export type CodeKind = FindingContext['kind'];

export interface KindWithReason {
  kind: CodeKind;
  /** Shown with findings: why the code was taken for this kind. */
  why: string;
}

export interface ContextOptions {
  /** File path or URI of the analysed text, when known. */
  path?: string;
  /** `context.notebooks`: "job" makes notebooks and exploratory scripts count as production jobs. */
  notebooksAreJobs?: boolean;
  /** The file's DataFrame model: what tells an exploratory script from a job (what it prints, reads and writes). */
  model?: DataFrameModel;
  /** The text is a notebook whatever its content says (a .ipynb read by the CLI, notebook cells in an editor). */
  notebook?: boolean;
  /** Where each cell starts, for a notebook made one program (Databricks sources mark theirs in the text). */
  cellStarts?: readonly number[];
  /**
   * Whether the text holds a literal word, when something answers it faster than a search of the
   * whole text (`TextWords`, carried across edits); the same answer as `text.includes(word)`.
   */
  words?: { has(word: string): boolean; importsDlt?(): boolean };
}

const TEST_DIR = /(^|[\\/])(tests?|testing|__tests__|spec|specs|\w+_tests?)[\\/]/i;
// Test-support modules kept beside the code they test (`src/common/pytest_utils.py`, `test_helpers.py`,
// `spark_testutils.py`; not `latest_utils.py`): they build expected frames and compare them, as tests do.
const TEST_FILE = /(^|[\\/])(test_[^\\/]*|[^\\/]*_tests?|conftest|pytest_[^\\/]*|([^\\/]*[_-])?test_?(utils?|helpers?|support))\.(py|ipynb)$/i;
const GENERATOR_FILE = /(^|[\\/_-])(generat\w*|datagen|data_gen|fake\w*|faker|synthetic\w*|mock_?data|dummy_?data|seed_?data)[^\\/]*\.(py|ipynb)$/i;
/** Course and demo set-up: Databricks academy `Includes/Classroom-Setup-*`, dbdemos `_resources/` loaders. */
const SETUP_PATH =
  /(^|[\\/])(includes|_resources|_setup|setup|data_generation|data-generation|datagen|generators?)[\\/]|(^|[\\/])[^\\/]*(classroom-setup|-setup|_setup|setup-|setup_|load-data|load_data|data-generation|data_generation)[^\\/]*\.(py|ipynb)$/i;
/** `import faker` / `from faker import ...` at a line's start. @internal Exported for the tests (the prefilter against the pattern). */
export const FAKER_IMPORT = /^\s*(from\s+faker\b|import\s+faker\b)/m;
const DATABRICKS_CELL = /\n# COMMAND -+[ \t]*\r?(?=\n|$)/g;
/** An import of Lakeflow / DLT at a line's start. @internal Exported for the tests. */
export const DLT_IMPORT = /^\s*(import\s+dlt\b|from\s+dlt\s+import\b|from\s+pyspark\s+import\s+pipelines\b|import\s+pyspark\.pipelines\b)/m;

/** Decorators under which Lakeflow / DLT (`dlt.` or `dp.` / `pipelines.`) manages a dataset's reads and writes. */
const MANAGED_DECORATOR =
  /^@\s*(dlt|dp|sdp|pipelines)\.(table|view|materialized_view|streaming_table|temporary_view|append_flow|create_auto_cdc_flow|expect\w*)\b/;
/**
 * A dataset decorator at the start of a line anywhere in the file: the file is a pipeline source even
 * where its `import dlt` is missing (the DLT course's troubleshooting lesson leaves it out on purpose;
 * such a file runs nowhere but in a pipeline). @internal Exported for the tests.
 */
export const MANAGED_DECORATOR_LINE = new RegExp(MANAGED_DECORATOR.source.replace(/^\^/, '^[ \\t]*'), 'm');
/*
 * The line-anchored patterns above try every line of the file, after every keystroke; each match holds
 * a literal word, and a search for that word is much faster. So each pattern runs only on a text that
 * holds its word (same answer: a text without the word has no match).
 */

/** Every match of FAKER_IMPORT holds `faker`. @internal Exported for the tests. */
export function mayImportFaker(text: string): boolean {
  return holdsFakerWord((word) => text.includes(word));
}

function holdsFakerWord(has: (word: string) => boolean): boolean {
  return has('faker');
}

/**
 * DLT_IMPORT's test, read around the words every match holds (`dlt` or `pipelines`): the pattern
 * tries every line of the file, and a file whose docstring says "pipelines" made it read the whole
 * text after every keystroke (1.5 ms at 20k lines, twice per analysis). @internal Exported for the tests.
 *
 * Why the same answer: a match is a line start, whitespace, then one of the four imports; every
 * character of it up to its word is whitespace, a dot or a letter of `import`, `from`, `dlt`,
 * `pyspark`, `pipelines` (`IMPORT_CHARS`). So the match's line start lies in the run of such
 * characters that ends at one of the word's occurrences; the pattern without its anchor, tried
 * (sticky) at each line start of that run, finds it, and it finds nothing at a line start that
 * DLT_IMPORT would not. Where the runs get long (a text made of those letters), DLT_IMPORT itself runs.
 */
export function importsDlt(text: string): boolean {
  return dltImportIn(text) !== null;
}

/** Where a DLT_IMPORT match lies: its line start and its end (the `\b` after it reads the character at `end`). */
export type DltImportMatch = readonly [start: number, end: number];

/** A match of DLT_IMPORT in `text` (found as `importsDlt` says), or null for none. @internal Exported for the tests. */
export function dltImportIn(text: string): DltImportMatch | null {
  dltImportCounts.searched++;
  let budget = DLT_SCAN_BUDGET;
  for (const word of DLT_WORDS) {
    for (let w = text.indexOf(word); w >= 0; w = text.indexOf(word, w + 1)) {
      let b = w;
      while (b > 0 && IMPORT_CHARS.test(text[b - 1])) b--;
      budget -= w - b + 1;
      if (budget < 0) return wholeTextDltImport(text);
      const found = dltImportAtLineStarts(text, b, w);
      if (found) return found;
    }
  }
  return null;
}

/** DLT_IMPORT run on the whole text (the match of a multiline `^` starts at its line start). */
function wholeTextDltImport(text: string): DltImportMatch | null {
  const m = DLT_IMPORT.exec(text);
  return m ? [m.index, m.index + m[0].length] : null;
}

/** The first match of DLT_IMPORT at a line start `c` with `from <= c <= to`, or null. */
function dltImportAtLineStarts(text: string, from: number, to: number): DltImportMatch | null {
  for (let c = from; c <= to; c++) {
    if (c > 0 && !LINE_END.test(text[c - 1])) continue;
    DLT_IMPORT_AT.lastIndex = c;
    if (DLT_IMPORT_AT.test(text)) return [c, DLT_IMPORT_AT.lastIndex];
  }
  return null;
}

/**
 * A DLT_IMPORT match of `text` from one of the previous text's (`before`: a match, or null for none)
 * and the edit that made this text of it: the previous match when the edit left it and the
 * characters either side of it alone, else one the edit made, else (the previous match broken: the
 * text may hold others) a search of the whole text (issue 18: a file whose docstring says
 * "pipelines" made `importsDlt` read the whole text after every keystroke). @internal Exported for the tests.
 *
 * Why exact: whether DLT_IMPORT matches at a line start `c` reads the characters from `c - 1` (the
 * `^`; none at `c = 0`) to the match's end (the `\b`), so a match whose characters `[c - 1, end]`
 * lie wholly before `start` is one of the previous text at the same place, and one whose characters
 * lie wholly from `newEnd` on is one at its place less the shift; both ways. So a previous match so
 * placed is one now. With no previous match, a match now has its characters neither wholly before
 * `start` (so `end >= start`) nor wholly from `newEnd` on (so `c <= newEnd`); its characters from
 * `c` to `end - 1` are all `IMPORT_CHARS` (see `importsDlt`), so when `c < start` every character
 * from `c` to `start - 1` is one: `c` lies in the run of them ending at `start`, or in `[start, newEnd]`.
 * The pattern is tried (sticky) at each line start there. A run longer than the budget (a text made
 * of the import's letters) is searched whole.
 */
export function carriedDltImport(
  text: string,
  before: DltImportMatch | null,
  edited: { start: number; oldEnd: number; newEnd: number },
): DltImportMatch | null {
  const { start, oldEnd, newEnd } = edited;
  if (before) {
    const [s, end] = before;
    const shift = newEnd - oldEnd;
    const kept: DltImportMatch | undefined = end < start ? before : s - 1 >= oldEnd ? [s + shift, end + shift] : undefined;
    if (!kept) return dltImportIn(text);
    dltImportCounts.kept++;
    return kept;
  }
  let from = start;
  while (from > 0 && IMPORT_CHARS.test(text[from - 1])) {
    from--;
    if (start - from > DLT_SCAN_BUDGET) return dltImportIn(text);
  }
  if (newEnd - from > DLT_SCAN_BUDGET) return dltImportIn(text);
  dltImportCounts.near++;
  return dltImportAtLineStarts(text, from, newEnd);
}

/** How the DLT import was answered: a previous match kept, the edited range read, the text searched (the tests' floors on carrying). */
export const dltImportCounts = { kept: 0, near: 0, searched: 0 };

/** The words of DLT_IMPORT's alternatives: every match holds one. */
const DLT_WORDS = ['dlt', 'pipelines'];
/** Whitespace, a dot, and the letters of the words DLT_IMPORT spells: what a match holds. */
const IMPORT_CHARS = /[\s.adefiklmnoprsty]/;
/** The characters after which `^` matches in a multiline pattern. */
const LINE_END = /[\n\r\u2028\u2029]/;
/** DLT_IMPORT without its anchor, tried at a given line start. */
const DLT_IMPORT_AT = new RegExp(DLT_IMPORT.source.replace(/^\^/, ''), 'y');
/** Characters read around the words before DLT_IMPORT is run instead (a text made of the import's letters). */
const DLT_SCAN_BUDGET = 4096;

/** Every match of MANAGED_DECORATOR_LINE holds `dlt.`, `dp.` (also in `sdp.`) or `pipelines.`. @internal Exported for the tests. */
export function mayHoldManagedDecorator(text: string): boolean {
  return holdsManagedDecoratorWord((word) => text.includes(word));
}

function holdsManagedDecoratorWord(has: (word: string) => boolean): boolean {
  return has('dlt.') || has('dp.') || has('pipelines.');
}

/** The words of which every DLT_IMPORT match holds one (importsDlt reads only around them). @internal Exported for `TextWords`. */
export function holdsDltWord(has: (word: string) => boolean): boolean {
  return has('dlt') || has('pipelines');
}

/** `options.words`, else a search of the text: whether `text` holds `word`. */
function wordTest(text: string, options: ContextOptions): (word: string) => boolean {
  const words = options.words;
  return words ? (word) => words.has(word) : (word) => text.includes(word);
}

const TEST_DECORATOR = /^@\s*(pytest\.fixture|pytest\.mark\.|fixture\b)/;
/** An AWS Glue job's bookmarked run: `job.init(args["JOB_NAME"], args)` ... `job.commit()`. */
const GLUE_JOB_INIT = /^\s*\w*job\w*\.init\s*\(/im;
const GLUE_JOB_COMMIT = /^\s*\w*job\w*\.commit\s*\(\s*\)/im;

/**
 * The text is a notebook by its format (Jupyter, a Databricks or Fabric source, a Jupyter or Colab
 * export, the percent format's `# %%` cells), whatever `context.notebooks` says.
 */
function isNotebookText(text: string, path: string, options: ContextOptions): boolean {
  return (
    !!options.notebook || /\.ipynb$/i.test(path) || isPlatformNotebookSource(text) || isJupyterExport(text) || isColabExport(text) || isPercentFormat(text)
  );
}

/**
 * Where the cells of a notebook saved as a Python source begin (Databricks, Fabric and Jupyter's
 * script export mark them in the text; a Colab export separates them by blank lines); empty otherwise.
 */
function sourceCellStarts(text: string): number[] {
  if (isDatabricksSource(text)) return [...text.matchAll(DATABRICKS_CELL)].map((m) => m.index + m[0].length);
  if (isFabricSource(text)) return fabricCellStarts(text);
  if (isJupyterExport(text)) return jupyterExportCellStarts(text);
  if (isPercentFormat(text)) return percentFormatCellStarts(text);
  return isColabExport(text) ? colabCellStarts(text) : [];
}

/** A cell marker a notebook exported as a script keeps: Databricks' `# COMMAND ---`, Jupyter's `# In[3]:`, the percent format's `# %%`. */
const CELL_MARKER = /^# (COMMAND -+|In\[[ \d]*\]:)[ \t]*\r?$|^#[ \t]?%%(?=[ \t\r]|$)/m;

export function fileKind(text: string, options: ContextOptions = {}): KindWithReason {
  return fileKindOf(text, options, () => importsDlt(text), wordTest(text, options));
}

/** `fileKind`, with the DLT import's test given (the code context asks it once and reads it twice). */
function fileKindOf(text: string, options: ContextOptions, importsDlt: () => boolean, has: (word: string) => boolean): KindWithReason {
  const p = options.path ? decodePath(options.path) : '';
  if (p && (TEST_DIR.test(p) || TEST_FILE.test(p))) return { kind: 'test', why: 'test file (named or placed as tests are)' };
  if (holdsFakerWord(has) && FAKER_IMPORT.test(text)) return { kind: 'generator', why: 'synthetic-data generator (imports Faker)' };
  if (p && GENERATOR_FILE.test(p)) return { kind: 'generator', why: 'synthetic-data generator (file named for generating data)' };
  if (p && SETUP_PATH.test(p)) return { kind: 'generator', why: 'demo or course set-up (loads or generates the data the lessons use)' };
  const notebook = isNotebookText(text, p, options);
  // A Glue Studio notebook that runs the job's bookmarked lifecycle is the job's script.
  if (notebook && GLUE_JOB_INIT.test(text) && GLUE_JOB_COMMIT.test(text)) return { kind: 'job', why: 'AWS Glue job (job.init ... job.commit)' };
  if (notebook && !options.notebooksAreJobs)
    return { kind: 'notebook', why: 'notebook (exploratory; set context.notebooks to "job" if your notebooks run as jobs)' };
  if (importsDlt()) return { kind: 'job', why: 'Lakeflow / DLT pipeline source' };
  if (notebook) return { kind: 'job', why: 'notebook run as a job (context.notebooks: "job")' };
  const signals = options.model ? explorationSignals(options.model, text, p) : undefined;
  if (signals && !options.notebooksAreJobs)
    return { kind: 'exploration', why: `exploratory script: ${signals.join('; ')} (set context.notebooks to "job" if such scripts run as jobs)` };
  return { kind: 'job', why: signals ? 'exploratory script run as a job (context.notebooks: "job")' : 'job module' };
}

/** The code kind at each node: the file's kind, refined by the enclosing functions and classes. */
export class CodeContext {
  readonly file: KindWithReason;
  /** The file is a Lakeflow / DLT pipeline source: the pipeline runs its flows, checkpoints and schema locations. */
  readonly pipelineSource: boolean;
  /** The file's path (decoded from a URI), when known: rules that judge a whole file read its folder names. */
  readonly path: string;
  /** The teaching folder or file name in the path (`Ch06`, `tutorials`, `examples`), if any. */
  readonly teaching: string | undefined;
  /** `context.notebooks: "job"`: the team runs its notebooks and exploratory scripts as production jobs. */
  readonly notebooksAreJobs: boolean;
  private readonly memo = new Map<number, KindWithReason>();
  /** Sorted offsets where notebook cells start (empty: one cell, or not a notebook). */
  private readonly cellStarts: readonly number[];
  /** The file is a notebook by its format, even when the team runs its notebooks as jobs. */
  private readonly notebookFormat: boolean;
  private readonly text: string;

  constructor(text: string, options: ContextOptions = {}) {
    // One test of the DLT import for both answers (it read the whole text twice per analysis).
    // A text without the words the patterns' matches hold is not searched further (see `TextWords`).
    let dlt: boolean | undefined;
    const has = wordTest(text, options);
    // `TextWords` carries the answer through the edit (`carriedDltImport`).
    const words = options.words;
    const importsDltOnce = () => (dlt ??= words?.importsDlt ? words.importsDlt() : holdsDltWord(has) && importsDlt(text));
    this.file = fileKindOf(text, options, importsDltOnce, has);
    this.pipelineSource = importsDltOnce() || (holdsManagedDecoratorWord(has) && MANAGED_DECORATOR_LINE.test(text));
    this.path = options.path ? decodePath(options.path) : '';
    this.teaching = this.path ? teachingMaterial(this.path) : undefined;
    this.notebooksAreJobs = !!options.notebooksAreJobs;
    this.cellStarts = options.cellStarts ?? sourceCellStarts(text);
    this.notebookFormat = isNotebookText(text, this.path, options);
    this.text = text;
  }

  /**
   * Whether `statement` is the last statement of a notebook cell, at the cell's top level: Jupyter
   * and Databricks display the value of that expression (a DataFrame's schema, or its rows), so it is
   * the cell's output. A script cut from a notebook keeps its cell markers (`# COMMAND ----------`,
   * `# In[3]:`): the statement before one was a cell's output too. False elsewhere.
   */
  endsCell(statement: Node): boolean {
    if (statement.parent?.type !== 'module') return false;
    let next = statement.nextNamedSibling;
    while (next && isExtra(next)) next = next.nextNamedSibling;
    const gap = this.text.slice(statement.endIndex, next ? next.startIndex : this.text.length);
    if (CELL_MARKER.test(gap)) return true;
    if (!next) return this.notebookFormat || CELL_MARKER.test(this.text);
    return this.notebookFormat && this.cellIndex(statement.startIndex) !== this.cellIndex(next.startIndex);
  }

  /** Whether two offsets lie in the same notebook cell (always, outside notebooks). */
  sameCell(a: number, b: number): boolean {
    return this.cellIndex(a) === this.cellIndex(b);
  }

  private cellIndex(offset: number): number {
    let lo = 0;
    let hi = this.cellStarts.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (this.cellStarts[mid] <= offset) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }

  /** The kind of the code around `node` (a test function in a job module is test code). */
  at(node: Node): KindWithReason {
    const def = enclosingDefinition(node);
    if (!def) return this.file;
    const cached = this.memo.get(def.id);
    if (cached) return cached;
    const own = keptDefinitionKinds.of(def);
    const result = own ?? this.at(def);
    this.memo.set(def.id, result);
    return result;
  }

  /** Code where a finding about cost or data handling is noise: exploratory notebooks and scripts, tests, generators. */
  isExploratory(node: Node): boolean {
    const k = this.at(node).kind;
    return k === 'notebook' || k === 'exploration' || k === 'test' || k === 'generator';
  }

  /** A test or a data generator: code that exercises or fabricates on purpose. */
  isTestOrGenerator(node: Node): boolean {
    const k = this.at(node).kind;
    return k === 'test' || k === 'generator';
  }

  /** Inside a dataset function Lakeflow / DLT manages, or anywhere in a pipeline source file. */
  isManagedPipeline(node: Node): boolean {
    return this.pipelineSource || this.at(node).kind === 'pipeline';
  }
}

/** The nearest function or class definition strictly above `node`. */
function enclosingDefinition(node: Node): Node | undefined {
  for (let n = node.parent, i = 0; n && i < 10_000; n = n.parent, i++) {
    if (n.type === 'function_definition' || n.type === 'class_definition') return n;
  }
  return undefined;
}

/**
 * `definitionKind` kept on the def node (`perNode`): it reads the def's name and the decorators of
 * the `decorated_definition` around it, all inside the def's top-level statement, and holds texts
 * only. Asked for every def that encloses something a rule judges (each analysis made a new
 * context, so every def's name and decorators were read again after every keystroke: issue 18).
 */
export const definitionKindCounts = { made: 0, kept: 0 };
export const keptDefinitionKinds = perNode(definitionKind, definitionKindCounts);

/** @internal The kind a def's own name and decorators give, if any (exported for the tests). */
export function definitionKind(def: Node): KindWithReason | undefined {
  const name = def.childForFieldName('name')?.text ?? '';
  const decorated = def.parent?.type === 'decorated_definition' ? def.parent : undefined;
  const decorators = decorated ? decorated.namedChildren.filter((c): c is Node => c?.type === 'decorator').map((d) => d.text) : [];
  if (decorators.some((d) => MANAGED_DECORATOR.test(d)))
    return { kind: 'pipeline', why: `dataset managed by Lakeflow / DLT (${decorators.find((d) => MANAGED_DECORATOR.test(d))!.split('(')[0]})` };
  if (decorators.some((d) => TEST_DECORATOR.test(d))) return { kind: 'test', why: 'pytest fixture or marked test' };
  if (def.type === 'function_definition' && /^test(_|$|[A-Z0-9])/.test(name)) return { kind: 'test', why: `test function ${name}` };
  if (def.type === 'class_definition' && /^Test[A-Z_]/.test(name)) return { kind: 'test', why: `test class ${name}` };
  return undefined;
}
