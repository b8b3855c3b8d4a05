import * as fs from 'node:fs';
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';
import { defaultSettings, resolveSettings, type Settings } from '../../../shared/settings';
import { VERSION } from '../../../shared/version';
import type { AnalysisOptions, AnalysisResult } from '../analysis';
import { contextPath } from '../project/contextPath';
import { countFixes, type FixCounts } from '../fixes/fixCounts';
import type { FileFragment } from '../graph';
import type { RawGraph } from '../graph/pipelineGraph';
import type { ProjectFacts } from '../project/projectFacts';
import { LineIndex } from '../lineIndex';
import { parsesQuietly } from '../parsing/pythonParser';
import { collectPythonFiles } from '../project/files';
import { ProjectConfigs } from '../project/projectConfigs';
import { applyProjectConfig } from '../project/pyproject';
import { readSourceFile } from '../project/readSource';
import { looksLikePySpark } from '../sparkHint';
import { toDot, toMermaid } from './graphFormats';
import { formatGithub, formatJson, formatSarif, formatSummary, formatText, type FileFindings } from './report';
import { BYTES_PER_THREAD, cliWorkerSetup, FILES_PER_WORKER, hasCrossFilePass, WorkerPool, workerCount } from './workers';

/**
 * Everything that parses and analyses (rules, Spark knowledge, parser, language server), loaded on
 * first need: `dist/cliEngine.js`, a bundle of its own beside this one (build.mjs). This file and
 * what it imports above stay small, so `check` on files with nothing of Spark in them starts as fast
 * as Node itself, and a run's main thread does not compile the engine while workers analyse.
 */
function engine(): typeof import('./cliEngine') {
  return require('./cliEngine');
}

/** Notebooks larger than this are not read at all (outputs, images); the code's own limit is `--max-file-size`, measured once read (`notebookFile.ts`). */
const MAX_NOTEBOOK_BYTES = 256 * 1024 * 1024;

/** The rules are listed from the registry: the help loads the engine. */
const usage = () => `Usage: pyspark-architect check [--format text|json|sarif|github] [--select CODES] [--ignore CODES] PATH...
       pyspark-architect graph [--format json|mermaid|dot] PATH...
       pyspark-architect server [--stdio]

check: finds PySpark anti-patterns in .py files and Jupyter notebooks (.ipynb; folders are searched
       recursively). A notebook's code cells are one program; findings name the cell (nb.ipynb:cell 3:2:5).
graph: prints the inferred pipeline (datasets, steps, layers, architecture).
server: runs the language server over stdio (or --node-ipc, --socket=PORT), for any LSP editor.

Options:
  --format FMT       check: text (default), json (Ruff's shape), sarif or github (Actions annotations);
                     graph: json (default), mermaid or dot
  --select CODES     only these rule codes or prefixes, comma-separated (PSA2,PSA401)
  --ignore CODES     skip these rule codes or prefixes
  --max-file-size KB skip files larger than this (default 2048)
  --exit-zero        exit 0 even when there are findings (like Ruff)
  --explain          text format: under each finding, why it fired here (the kind of code it was
                     taken for, what the rule saw, the related locations); json has them as fields
  --fix              apply the safe fixes (same results, only cost or robustness changes) to the
                     files, then report what is left (in a notebook only the cells' sources change;
                     outputs and metadata stay)
  --unsafe-fixes     with --fix or --diff, apply unsafe fixes too (they may change what the job
                     writes: review them); fixes that need your value (paths, delays) never are
  --diff             print a unified diff of what --fix would change instead of writing it
                     (exit 1 when there is a diff; .py files)
  --no-project       ignore [tool.pyspark-architect] in pyproject.toml
  -j, --jobs N       analyse with N threads, this one and N - 1 workers (default: one per core, when
                     each gets at least ${FILES_PER_WORKER} files and ${BYTES_PER_THREAD / 1024 / 1024} MB of Python; 1: this thread alone). Output
                     is the same for any N
  --config FILE      settings as JSON, the same keys as the editor's pysparkArchitect.* settings
                     ({"rules": {"severity": {"PSA302": "off"}}, "pii": {"extraPatterns": ["member_no"]}})
  -h, --help         this help
  --version          print the version

Exit status: 0 no findings, 1 findings, 2 usage or I/O error.

Rules (those marked strict are opt-in: below their precision target on real code, they run only
with "rules": {"strict": true} in --config, a severity set for them, or their code in --select):
${ruleList()}
`;

/** One line per rule: code, name (marked when strict, so scripts and users can tell what runs by default), summary. */
function ruleList(): string {
  const named = engine().RULES.map((r) => ({ r, name: r.strict ? `${r.name} (strict)` : r.name }));
  const width = Math.max(...named.map((n) => n.name.length));
  return named.map(({ r, name }) => `  ${r.code}  ${name.padEnd(width)} ${r.summary}`).join('\n');
}

class UsageError extends Error {}

export interface CheckArgs {
  format: string;
  select: string[];
  ignore: string[];
  maxKb: number;
  exitZero: boolean;
  /** Text format: under each finding, why it fired in this code. */
  explain: boolean;
  settings: Settings;
  fix: boolean;
  unsafeFixes: boolean;
  diff: boolean;
  project: boolean;
  /** `--jobs`: threads analysing Python files, this one included (undefined: chosen from the cores and the number of files). */
  jobs?: number;
  paths: string[];
}

function parseCheckArgs(argv: string[], formats: readonly string[] = ['text', 'json', 'sarif', 'github']): CheckArgs {
  const out: CheckArgs = {
    format: formats[0],
    select: [],
    ignore: [],
    maxKb: defaultSettings().maxFileSizeKb,
    exitZero: false,
    explain: false,
    settings: defaultSettings(),
    fix: false,
    unsafeFixes: false,
    diff: false,
    project: true,
    paths: [],
  };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    const eq = a.indexOf('=');
    const flag = a.startsWith('--') && eq > 0 ? a.slice(0, eq) : a;
    const takeValue = (): string => {
      if (a.startsWith('--') && eq > 0) return a.slice(eq + 1);
      const v = argv[++i];
      if (v === undefined) throw new UsageError(`${flag} needs a value`);
      return v;
    };
    switch (flag) {
      case '--format': {
        const v = takeValue();
        if (!formats.includes(v)) throw new UsageError(`unknown format "${v}" (${formats.join(', ')})`);
        out.format = v;
        break;
      }
      case '--select':
        out.select.push(...splitCodes(takeValue()));
        break;
      case '--ignore':
        out.ignore.push(...splitCodes(takeValue()));
        break;
      case '--max-file-size': {
        const n = Number(takeValue());
        if (!Number.isFinite(n) || n <= 0) throw new UsageError('--max-file-size needs a positive number of KB');
        out.maxKb = n;
        break;
      }
      case '--config': {
        const file = takeValue();
        let raw: unknown;
        try {
          raw = JSON.parse(fs.readFileSync(file, 'utf8'));
        } catch (e) {
          throw new UsageError(`cannot read settings from ${file}: ${(e as Error).message}`);
        }
        const { settings, problems } = resolveSettings(raw);
        if (problems.length) throw new UsageError(`invalid settings in ${file}:\n  ${problems.join('\n  ')}`);
        out.settings = settings;
        if (!argv.slice(0, i).includes('--max-file-size')) out.maxKb = settings.maxFileSizeKb;
        break;
      }
      case '--fix':
        out.fix = true;
        break;
      case '--unsafe-fixes':
        out.unsafeFixes = true;
        break;
      case '--diff':
        out.diff = true;
        break;
      case '--jobs':
      case '-j': {
        const n = Number(takeValue());
        if (!Number.isInteger(n) || n < 1) throw new UsageError(`${flag} needs a whole number of workers, 1 or more`);
        out.jobs = n;
        break;
      }
      case '--no-project':
        out.project = false;
        break;
      case '--explain':
        out.explain = true;
        break;
      case '--exit-zero':
        out.exitZero = true;
        break;
      default:
        if (a.startsWith('-') && a !== '-') throw new UsageError(`unknown option ${a}`);
        out.paths.push(a);
    }
  }
  if (out.paths.length === 0) throw new UsageError('no PATH given');
  return out;
}

function splitCodes(v: string): string[] {
  const codes = v
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
  for (const c of codes) if (!/^PSA\d{0,3}$/i.test(c)) throw new UsageError(`"${c}" is not a rule code or prefix (PSA101, PSA2)`);
  return codes;
}

export interface Analysed extends FileFindings {
  /** With --diff: the file and what --fix would write, when that differs. */
  wouldFix?: { before: string; after: string };
  model?: AnalysisResult['model'];
  /** Kept for the cross-file pass: the analysed text, its options and its datasets and steps. */
  text?: string;
  options?: AnalysisOptions;
  raw?: RawGraph;
  /** Notebooks: the findings again with other options (the cross-file pass). */
  reanalyse?: (options: AnalysisOptions) => Analysed['findings'];
  /** `graph`, notebooks: the graph fragment built while the program's model was alive. */
  fragment?: FileFragment;
  /** Kept for the cross-file pass: what the project rules read of the file (judged again from it, not parsed again). */
  projectFacts?: ProjectFacts;
  /** A worker keeps this file's `projectFacts`: the cross-file pass asks that worker. */
  factsKept?: boolean;
}

/** A Python file's result as a worker sends it: plain data (its line index is rebuilt from `text`). */
export type TransferredResult = Omit<Analysed, 'lines' | 'reanalyse' | 'notebook' | 'fragment' | 'model' | 'projectFacts'> & { text: string };

/** One file to analyse: where it is in the run (output order) and the options its project gives it. */
export interface FileJob {
  index: number;
  file: string;
  options: AnalysisOptions;
  /**
   * False: no file of the run is judged again with its neighbours (no project rule on, or `--diff`),
   * so the file's datasets and steps are neither built nor kept (absent: unknown, built).
   */
  graphs?: boolean;
}

/** What one file's analysis produced: a result (or none), its stderr lines in order, and whether it was an I/O error. */
export interface FileOutcome {
  result?: Analysed;
  errs: string[];
  ioError: boolean;
}

/**
 * Reads and analyses every file, reporting unreadable, binary and oversized ones per file. With
 * more than one thread, Python files are shared between this thread and worker threads
 * (`workers.ts`), which read them too; results and messages still come out in file order, the
 * same as with one.
 */
async function analyseFiles(
  args: CheckArgs,
  err: (s: string) => void,
  forGraph = false,
): Promise<{ results: Analysed[]; fileCount: number; ioErrors: number; pool?: WorkerPool; numberOf: Map<Analysed, number> }> {
  const { files, errors, skipped } = collectPythonFiles(args.paths, Infinity, { notebooks: true });
  for (const s of skipped) err(`${s.path}: skipped: ${s.message}`);
  let ioErrors = errors.length;
  for (const e of errors) err(`${e.path}: error: ${e.message}`);
  const python = files.filter((f) => !isNotebook(f));
  // Sizes decide how many threads (by default) and in which order they take files; not read for a run that stays in this thread.
  const mayThread = args.jobs === undefined ? python.length >= 2 * FILES_PER_WORKER : args.jobs > 1 && python.length > 1;
  const sizes = mayThread ? fileSizes(python) : undefined;
  const threads = sizes
    ? workerCount(
        args.jobs,
        python.length,
        [...sizes.values()].reduce((a, b) => a + b, 0),
      )
    : 1;
  // This thread analyses too: N threads are this one and N - 1 workers, each of which compiles the
  // engine and the parser again. Started first: they load both while this thread reads the projects' settings.
  const pool = threads > 1 ? new WorkerPool(threads - 1, __filename, args, forGraph) : undefined;
  const jobs = fileJobs(args, files, err);
  const outcomes: (FileOutcome | undefined)[] = new Array(jobs.length);
  // Asked when the first file needs the engine (a run over files with nothing of Spark never loads it).
  let graphsNeeded: boolean | undefined;
  const needGraphs = () => (graphsNeeded ??= forGraph || (hasCrossFilePass(args, forGraph) && jobs.some((j) => engine().crossFileCodes(j.options).length > 0)));
  if (pool) {
    // Largest first for the workers, smallest first for this thread, until they meet: the last
    // files of the run, which leave a thread idle while another finishes, are the smallest, and
    // this thread, which also passes the workers their next file, gets back to that often.
    const todo = jobs.filter((j) => !isNotebook(j.file)).sort((a, b) => sizes!.get(b.file)! - sizes!.get(a.file)! || a.index - b.index);
    let front = 0;
    let back = todo.length;
    let failed = false;
    const largest = () => (front < back && !failed ? todo[front++] : undefined);
    const smallest = () => (front < back && !failed ? todo[--back] : undefined);
    // Workers keep `pool.depth` requests in flight (no round trip between two files); each answer takes the next file.
    const lanes = Array.from({ length: pool.depth }, async () => {
      for (let job = largest(); job; job = largest()) {
        const reply = await pool.analyse({ ...job, graphs: needGraphs() });
        outcomes[job.index] = { errs: reply.errs, ioError: reply.ioError, result: reply.result && revive(reply.result) };
      }
    });
    // Awaited together below; until then a failure must not count as unhandled. A lost worker
    // stops the run (below) as an exception here would.
    for (const p of lanes) p.catch(() => (failed = true));
    // Notebooks (their results hold functions, which cannot cross threads) first, then Python
    // files. A turn of the event loop after each file lets the workers' answers in.
    try {
      for (const job of jobs) if (isNotebook(job.file)) outcomes[job.index] = await analyseFile(job, args, forGraph, needGraphs);
      for (let job = smallest(); job; job = smallest()) {
        outcomes[job.index] = await analyseFile(job, args, forGraph, needGraphs);
        await new Promise((resolve) => setImmediate(resolve));
      }
      await Promise.all(lanes);
    } catch (e) {
      await pool.close();
      throw e;
    }
  } else {
    for (const job of jobs) outcomes[job.index] = await analyseFile(job, args, forGraph, needGraphs);
  }
  const results: Analysed[] = [];
  /** Each result's file number in the run (`FileJob.index`): the workers know its graph by it. */
  const numberOf = new Map<Analysed, number>();
  for (let index = 0; index < outcomes.length; index++) {
    const o = outcomes[index];
    if (!o) continue;
    for (const line of o.errs) err(line);
    if (o.ioError) ioErrors++;
    if (o.result) {
      results.push(o.result);
      numberOf.set(o.result, index);
    }
  }
  return { results, fileCount: files.length, ioErrors, pool, numberOf };
}

/** Each file's size in bytes (0 when it cannot be read: its error comes when it is read). */
function fileSizes(files: string[]): Map<string, number> {
  const size = (file: string) => {
    try {
      return fs.statSync(file).size;
    } catch {
      return 0;
    }
  };
  return new Map(files.map((f) => [f, size(f)]));
}

function isNotebook(file: string): boolean {
  return file.toLowerCase().endsWith('.ipynb');
}

/** The options of each file: the flags over its project's pyproject.toml (whose problems are reported once, here). */
function fileJobs(args: CheckArgs, files: string[], err: (s: string) => void): FileJob[] {
  const projects = new ProjectConfigs(err);
  const roots = [process.cwd(), ...args.paths.map((p) => path.resolve(p))];
  return files.map((file, index) => {
    // pyproject.toml under the flags: --select/--ignore given on the command line replace the project's.
    const effective = applyProjectConfig(args.settings, args.project ? projects.nearest(file) : undefined);
    const options = {
      settings: effective.settings,
      select: args.select.length ? args.select : effective.select,
      ignore: [...args.ignore, ...(effective.ignore ?? [])],
      // Folder names are read from the folder given on the command line (or the current one) down.
      path: contextPath(path.resolve(file), roots),
    };
    return { index, file, options };
  });
}

/**
 * One file, start to end: read, --fix or --diff, parse, analyse. Runs in the main thread or in a
 * worker; with `forGraph`, the result carries the file's graph fragment (`raw`) even without datasets.
 * Reading and skipping happen here; the engine is loaded only for a file that needs the parser.
 */
export async function analyseFile(job: FileJob, args: CheckArgs, forGraph: boolean, graphs: () => boolean = () => true): Promise<FileOutcome> {
  const { file } = job;
  const notebook = isNotebook(file);
  // A notebook's outputs may be far larger than its code: its code is measured once read.
  const read = readSourceFile(file, notebook ? MAX_NOTEBOOK_BYTES : args.maxKb * 1024);
  if (read.kind === 'too-large') return { errs: [`${file}: skipped: ${Math.round(read.size / 1024)} KB is over the ${args.maxKb} KB limit`], ioError: false };
  if (read.kind === 'error') return { errs: [`${file}: error: ${read.message}`], ioError: true };
  if (read.kind === 'binary') return { errs: [`${file}: skipped: binary file`], ioError: false };
  const text = read.text;
  const asNotebook = notebook || holdsNotebookJson(text);
  if (!asNotebook && !args.fix && !args.diff && !forGraph && cannotInvolveSpark(text)) {
    // Nothing to parse for: neither the engine nor the wasm parser is loaded for a run over such files (startup stays Node's own).
    return { errs: [], ioError: false, result: { filename: file, findings: [], lines: new LineIndex(text) } };
  }
  return engine().analyseText({ ...job, graphs: job.graphs ?? graphs() }, args, forGraph, text, asNotebook);
}

/**
 * A notebook saved under a `.py` name (a download renamed, an export gone wrong): the text is the
 * notebook's JSON, which Python reads as one dict literal of strings, so its code would never be
 * analysed. Read as the notebook it is (a Python module does not start with `{"cells": [` or name
 * `"nbformat"`).
 */
function holdsNotebookJson(text: string): boolean {
  return /^\uFEFF?\s*\{/.test(text) && /"(cells|worksheets)"\s*:\s*\[/.test(text) && /"nbformat"\s*:\s*\d/.test(text);
}

/** The engine would skip the file unparsed (`analyze`), and it names no `%run` that could pull PySpark in. */
function cannotInvolveSpark(text: string): boolean {
  return !looksLikePySpark(text) && !text.includes('%run') && parsesQuietly(text);
}

/** A worker's result made whole again: its line index is rebuilt from the text (classes do not cross threads). */
function revive(r: TransferredResult): Analysed {
  return { ...r, lines: new LineIndex(r.text) };
}

async function graph(argv: string[], out: (s: string) => void, err: (s: string) => void): Promise<number> {
  const args = parseCheckArgs(argv, ['json', 'mermaid', 'dot']);
  const { results, fileCount, ioErrors, pool } = await analyseFiles(args, err, true);
  await pool?.close();
  if (ioErrors > 0 && fileCount === 0) return 2;
  const fragments = results.flatMap((r): FileFragment[] =>
    r.fragment
      ? [r.fragment]
      : r.raw
        ? [{ uri: pathToFileURL(path.resolve(r.filename)).href, raw: r.raw, context: { lines: r.lines, findings: r.findings } }]
        : [],
  );
  const g = engine().mergeFragments(fragments);
  out(args.format === 'mermaid' ? toMermaid(g) : args.format === 'dot' ? toDot(g) : JSON.stringify(g, null, 2));
  return 0;
}

/** Ruff's wording: "[*] 2 fixable with the `--fix` option (1 hidden fix can be enabled with the `--unsafe-fixes` option)." */
export function fixSummary(counts: FixCounts, fixing: boolean, unsafe: boolean): string | undefined {
  const plural = (n: number, one: string, many: string) => `${n} ${n === 1 ? one : many}`;
  const notes: string[] = [];
  if (counts.unsafe) notes.push(`${plural(counts.unsafe, 'hidden fix', 'hidden fixes')} can be enabled with the \`--unsafe-fixes\` option`);
  if (counts.displayOnly)
    notes.push(
      `${plural(counts.displayOnly, 'fix needs', 'fixes need')} a value only you have (a path, a delay, a name): apply ${counts.displayOnly === 1 ? 'it' : 'them'} in the editor`,
    );
  const flag = unsafe ? '`--fix --unsafe-fixes` options' : '`--fix` option';
  // After --fix, whatever bulk fixing could apply was applied: fixable ones left are those it had to skip.
  const head = counts.fixable && !fixing ? `[*] ${counts.fixable} fixable with the ${flag}` : notes.length ? 'No fixes available' : undefined;
  if (!head) return undefined;
  return notes.length ? `${head} (${notes.join('; ')}).` : `${head}.`;
}

/** `--diff`: what --fix would change, as unified diffs on stdout; exit 1 when there is one. */
function printDiffs(args: CheckArgs, results: Analysed[], out: (s: string) => void, err: (s: string) => void): number {
  let changed = 0;
  for (const r of results) {
    if (!r.wouldFix) continue;
    changed++;
    out(
      engine()
        .createTwoFilesPatch(r.filename, r.filename, r.wouldFix.before, r.wouldFix.after, undefined, undefined, { context: 3 })
        .replace(/^Index: .*\n=+\n/, '')
        .trimEnd(),
    );
  }
  const counts = countFixes(
    results.flatMap((r) => r.findings),
    args.unsafeFixes,
  );
  const summary = fixSummary({ ...counts, fixable: 0 }, true, args.unsafeFixes);
  err(changed ? `Would fix ${changed} file${changed === 1 ? '' : 's'}.` : 'No changes.');
  if (summary && counts.unsafe + counts.displayOnly) err(summary);
  return changed ? 1 : 0;
}

async function check(argv: string[], out: (s: string) => void, err: (s: string) => void): Promise<number> {
  const args = parseCheckArgs(argv);
  const { results, fileCount, ioErrors, pool, numberOf } = await analyseFiles(args, err);
  if (args.diff) {
    await pool?.close();
    if (ioErrors > 0 && fileCount === 0) return 2;
    return printDiffs(args, results, out, err);
  }
  // Text is printed file by file as each file's findings are final, while the cross-file pass
  // still judges later files; the other formats are one document, printed at the end.
  const streamed = args.format === 'text';
  const printer = new InOrder(results, (r) => {
    const text = formatText([r], args.explain);
    if (text) out(text);
  });
  const settled = streamed ? (r: Analysed) => printer.settle(r) : () => undefined;
  try {
    // The cross-file pass needs two files with datasets; without, the engine stays unloaded.
    const runner = pool && {
      depth: pool.depth,
      graphNumber: (r: { raw?: RawGraph }) => pool.shareGraph(numberOf.get(r as Analysed)!, r.raw!),
      crossFile: (r: Analysed, options: AnalysisOptions, neighbours: number[]) =>
        // The worker that keeps the file's facts judges it from them; others parse the text again.
        r.factsKept ? pool.crossFile(numberOf.get(r)!, undefined, options, neighbours) : pool.crossFile(undefined, r.text!, options, neighbours),
    };
    if (results.filter((r) => r.raw).length >= 2) await engine().addCrossFileFindings(results, runner, settled);
    else for (const r of results) settled(r);
  } finally {
    await pool?.close();
  }
  const files = { length: fileCount };
  const count = results.reduce((n, r) => n + r.findings.length, 0);
  if (args.format === 'json') out(formatJson(results));
  else if (args.format === 'sarif') out(formatSarif(results, VERSION, engine().RULES));
  else if (args.format === 'github') {
    const annotations = formatGithub(results);
    if (annotations) out(annotations);
  } else {
    out(formatSummary(count, files.length));
    // The findings and their count stay together on stdout (the count last); what fixing could do
    // goes to stderr with the other --fix notes.
    const summary = fixSummary(
      countFixes(
        results.flatMap((r) => r.findings),
        args.unsafeFixes,
      ),
      args.fix,
      args.unsafeFixes,
    );
    if (summary) err(summary);
  }
  if (ioErrors > 0 && files.length === 0) return 2;
  return count > 0 && !args.exitZero ? 1 : 0;
}

export async function main(
  argv: string[],
  out = (s: string) => process.stdout.write(s + '\n'),
  err = (s: string) => process.stderr.write(s + '\n'),
): Promise<number> {
  const [command, ...rest] = argv;
  try {
    if (!command || command === '-h' || command === '--help' || command === 'help') {
      out(usage());
      return command ? 0 : 2;
    }
    if (command === '--version') {
      out(VERSION);
      return 0;
    }
    if (command === 'server') {
      if (rest.includes('-h') || rest.includes('--help')) {
        out(usage());
        return 0;
      }
      // The language server, for editors other than VS Code: it runs until the client says exit.
      engine().startServer();
      return await new Promise<number>(() => undefined);
    }
    if (command === 'check' || command === 'graph') {
      if (rest.includes('-h') || rest.includes('--help')) {
        out(usage());
        return 0;
      }
      return await (command === 'check' ? check(rest, out, err) : graph(rest, out, err));
    }
    throw new UsageError(`unknown command "${command}"`);
  } catch (e) {
    if (e instanceof UsageError) {
      err(`pyspark-architect: ${e.message}\n\n${usage()}`);
      return 2;
    }
    err(`pyspark-architect: ${(e as Error).stack ?? String(e)}`);
    return 2;
  }
}

/** Hands items to `print` in their order, each once it and every item before it are settled. */
class InOrder<T> {
  private next = 0;
  private readonly done = new Set<T>();

  constructor(
    private readonly items: readonly T[],
    private readonly print: (item: T) => void,
  ) {}

  settle(item: T): void {
    this.done.add(item);
    while (this.next < this.items.length && this.done.has(this.items[this.next])) {
      const first = this.items[this.next++];
      this.done.delete(first);
      this.print(first);
    }
  }
}

const workerSetup = cliWorkerSetup();
if (workerSetup) engine().runCliWorker(workerSetup, analyseFile);
else if (require.main === module) {
  // `pyspark-architect check . | head`: once the reader has gone, stop quietly (no stack trace of an
  // unhandled EPIPE) with the status of a program killed by SIGPIPE, as `git log | head` ends. The
  // language server's stdio is its connection's to handle.
  if (process.argv[2] !== 'server') {
    process.stdout.on('error', (e: NodeJS.ErrnoException) => {
      if (e.code !== 'EPIPE') throw e;
      process.exit(128 + 13);
    });
  }
  main(process.argv.slice(2)).then((code) => {
    process.exitCode = code;
  });
}
