import type { DataFrameModel, SinkInfo } from '../model/types';
import type { Node } from '../parsing/pythonParser';
import { isDisplayFormat } from '../spark/writers';

/**
 * Exploratory scripts: `.py` files that are notebooks in all but name. A book's chapter listing, a
 * tutorial step or a reader's exploration reads a local file, prints its schema and rows, and writes
 * (if at all) next to itself. What a job's rules guard against (a count that recomputes a lineage, a
 * schema printed on every run) is there the output the author wants to see.
 *
 * Judged from signals a reader can check, and named in the finding's context:
 * - required: the script prints frames (`show()` / `printSchema()` calls), and nothing
 *   makes it a job: no table, JDBC or cloud write, no cloud path at all, no job parameters
 *   (argparse, `sys.argv`, Glue's `getResolvedOptions`, widgets), and not both functions and a main
 *   routine (a `__main__` guard that runs something), unless the file is teaching material whose one
 *   function is the `main()` the guard calls;
 * - and one (two, when it prints a single frame) of: a teaching folder or file name (`chapter*`, `chapters`, `chap07`, `ch06`, `examples`, `exercises`,
 *   `tutorial*`, `lessons`, `listing_*`, `exo_*`, `code-along`, `module-02`, `hands_on`...), reads of local files only,
 *   `master("local...")`, or a script that runs top to bottom (no functions, no main guard that runs
 *   anything).
 */

/**
 * Teaching material: book chapters, recipes, tutorials, examples, demos, courses (a folder or file so
 * named), and a course's numbered modules and hands-on exercises (`module-02-hdfs-yarn/`,
 * `Module_09_Delta_Lake/`, `hands_on_upload_and_read.py`). A module counts only with its number: a
 * package's `modules/` folder is code, not a course.
 */
const TEACHING_PATH =
  /(^|[\\/_-])(chapter[\s_-]*\d+|chapters|chap[\s_-]*\d+|ch\d+|modules?[\s_-]*\d+|hands[\s_-]*on|recipes?|tutorials?|examples?|samples?|demos?|lessons?|exercises?|courses?|workshops?|labs?|quickstart|playground|sandbox|code[_-]?along|listings?|exo)([\\/_\s.-]|\d|$)/i;

/** The teaching folder or file name in a path (`Ch06`, `examples`), if any. */
export function teachingMaterial(path: string): string | undefined {
  const m = TEACHING_PATH.exec(path);
  return m ? m[2] : undefined;
}

/** Paths on the machine running the script: relative paths, home folders, `/tmp`, `file:`, a Windows drive. */
const LOCAL_PATH = /^(\.{1,2}[\\/]|~[\\/]|\/tmp\/|\/home\/|\/Users\/|file:|[a-z]:[\\/])|^(?![a-z][a-z0-9+.-]*:|[\\/{]|\.{1,2}$)/i;

export function isLocalPath(path: string): boolean {
  return LOCAL_PATH.test(path);
}

/** Object stores, HDFS, DBFS, Unity Catalog volumes and mounts: data somebody keeps. */
const CLOUD_PATH = /\b(s3[an]?|abfss?|wasbs?|gs|hdfs|adl|oss|cos|dbfs):\/|["'](\/(mnt|Volumes|dbfs)\/)/i;
/** How a job gets its inputs: command-line arguments, Glue job arguments, notebook widgets. */
const JOB_PARAMETERS = /\bargparse\b|\bsys\.argv\b|\bgetResolvedOptions\b|\bdbutils\.widgets\b|\bclick\.(command|option)\b|\btyper\.|\bjob\.commit\s*\(/;
const SQL_WRITE = /\bMERGE\s+INTO\b|\bINSERT\s+(INTO|OVERWRITE)\b|\bCREATE\s+(OR\s+REPLACE\s+)?TABLE\b/i;
/** Formats that read and write files, where a path says where the data lives (not BigQuery's `project.dataset.table`). */
const FILE_FORMATS = new Set(['csv', 'json', 'text', 'parquet', 'orc', 'avro', 'xml', 'delta', 'binaryfile', 'image', 'libsvm']);

function fileFormat(format: string | undefined): boolean {
  return format === undefined || FILE_FORMATS.has(format.toLowerCase());
}

/** A write that keeps data somebody else reads: a table, JDBC, a streaming sink, a path off this machine or unknown. */
function durableSink(s: SinkInfo): boolean {
  if (isDisplayFormat(s.format)) return false;
  if (s.table !== undefined || s.method === 'jdbc' || s.foreachBatch || s.formatUnknown || !fileFormat(s.format)) return true;
  return s.path === undefined || !isLocalPath(s.path);
}

/** The paths the script reads, where the model can read them. */
function readPaths(model: DataFrameModel): string[] {
  const paths: string[] = [];
  for (const f of model.frames) {
    const s = f.source;
    if (s?.kind === 'read' && s.path !== undefined && fileFormat(s.format)) paths.push(s.path);
  }
  return paths;
}

/**
 * The module's shape: whether it defines functions or classes, whether a `__main__` guard runs
 * anything, and whether the module is one function that guard calls and nothing else (`def main():`
 * holding the whole script, `if __name__ == "__main__": main()`), the way style guides teach scripts.
 */
function moduleShape(root: Node): { definitions: number; mainRoutine: boolean; mainWrapper: boolean } {
  let definitions = 0;
  let mainRoutine = false;
  const functions: string[] = [];
  let guardCalls: string | undefined;
  for (const s of root.namedChildren) {
    if (!s) continue;
    if (s.type === 'function_definition' || s.type === 'class_definition' || s.type === 'decorated_definition') definitions++;
    if (s.type === 'function_definition') functions.push(s.childForFieldName('name')?.text ?? '');
    if (s.type === 'if_statement' && /__name__\s*==\s*["']__main__["']/.test(s.childForFieldName('condition')?.text ?? '')) {
      const body = s.childForFieldName('consequence');
      const statements = (body?.namedChildren ?? []).filter((c) => c && c.type !== 'comment');
      if (!(statements.length === 1 && statements[0]?.type === 'pass_statement')) mainRoutine = true;
      if (statements.length === 1 && statements[0]?.type === 'expression_statement') guardCalls = argumentlessCall(statements[0].namedChildren[0]);
    }
  }
  const mainWrapper = definitions === 1 && functions.length === 1 && guardCalls !== undefined && guardCalls === functions[0];
  return { definitions, mainRoutine, mainWrapper };
}

/** The name `main` of `main()`, `sys.exit(main())` or `exit(main())`; undefined for anything else. */
function argumentlessCall(expr: Node | null | undefined): string | undefined {
  if (expr?.type !== 'call') return undefined;
  const fn = expr.childForFieldName('function');
  const args = (expr.childForFieldName('arguments')?.namedChildren ?? []).filter((c) => c && c.type !== 'comment');
  if (fn?.type === 'identifier' && args.length === 0) return fn.text;
  if (fn && /^(sys\.exit|exit)$/.test(fn.text) && args.length === 1) return argumentlessCall(args[0]);
  return undefined;
}

/** Frames the script prints (`show()`, `printSchema()`, `describe().show()`): what it is for. */
function inspections(model: DataFrameModel): number {
  let n = 0;
  for (const a of model.actions) if (a.method === 'show') n++;
  for (const t of model.transforms) if (t.method === 'printSchema') n++;
  return n;
}

/**
 * Why the file reads as an exploratory script, or undefined when it may be a job. The reasons are
 * shown with every finding judged in it.
 */
export function explorationSignals(model: DataFrameModel, text: string, path: string): string[] | undefined {
  const shown = inspections(model);
  if (shown === 0) return undefined;
  if (model.sinks.some(durableSink) || SQL_WRITE.test(text) || CLOUD_PATH.test(text) || JOB_PARAMETERS.test(text)) return undefined;
  if (/\bGlueContext\s*\(/.test(text)) return undefined;
  // Functions and a main routine: a module other code imports, or a program with an entry point (its
  // own show() calls are a developer's harness around code that runs as a job). A lesson in a teaching
  // folder that wraps its whole script in one main() called by the guard is still the lesson: the
  // wrapper is how the course writes scripts, not an entry point other code calls.
  const shape = moduleShape(model.root);
  const folder = path ? teachingMaterial(path) : undefined;
  if (shape.definitions > 0 && shape.mainRoutine && !(folder && shape.mainWrapper)) return undefined;
  const signals: string[] = [];
  if (folder) signals.push(`teaching material (${folder} in its path)`);
  const reads = readPaths(model);
  if (reads.length && reads.every(isLocalPath)) signals.push(`reads local files (${reads[0]}${reads.length > 1 ? ', ...' : ''})`);
  if (/\.master\(\s*(['"])local/.test(text)) signals.push('runs on master("local")');
  if (shape.definitions === 0 && !shape.mainRoutine) signals.push('runs top to bottom (no functions, no main routine)');
  // One printed frame is enough with two other signals (a listing that shows a frame in a loop).
  if (signals.length < (shown >= 2 ? 1 : 2)) return undefined;
  signals.unshift(`prints frames (${shown} show()/printSchema() call${shown > 1 ? 's' : ''})`);
  if (model.sinks.length) signals.push('writes only to local paths');
  return signals;
}
