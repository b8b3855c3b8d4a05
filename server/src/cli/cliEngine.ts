import * as fs from 'node:fs';
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';
import { analyze } from '../analysis';
import { fixAll } from '../fixes/fixAll';
import { fileFragment, type FileFragment } from '../graph';
import { analyseDatabricksRuns } from '../notebook/analyseNotebook';
import { ParseFailure, PythonParser, type Tree } from '../parsing/pythonParser';
import { dropCopy, syntaxTreeOf } from '../parsing/syntaxTree';
import type { Analysed, CheckArgs, FileJob, FileOutcome } from './main';
import { checkNotebook } from './notebookFile';
import { hasCrossFilePass } from './workers';
import { PROJECT_RULES_JUDGE_FROM_GRAPH } from '../project/projectFacts';
import { crossFileCodes } from '../project/crossFile';

/**
 * The CLI's engine: everything that parses and analyses (the rules, the Spark knowledge, the
 * parser), the language server and the worker's side. `main.ts` loads it on first need
 * (`dist/cliEngine.js` beside `dist/cli.js`, a bundle of its own), so `check` on files with nothing
 * of Spark in them, `--help` with no rules listed and a run's main thread while workers analyse
 * start as fast as Node itself.
 */
export { RULES } from '../rules';
export { addCrossFileFindings, crossFileCodes } from '../project/crossFile';
export { mergeFragments } from '../graph';
export { startServer } from '../lsp/startServer';
export { runCliWorker } from './cliWorker';
export { createTwoFilesPatch } from 'diff';
// cli.js's `require('re2js')` (shared/linearRegex.ts) is answered with this bundle (build.mjs).
export { RE2JS } from 're2js';

/**
 * Text from which on the parser's runtime is let go after the parse (`PythonParser.renew`): a
 * million characters grow its wasm memory by ~37 MB for good (133 MB for the bench's 100k-line
 * file), against tens of milliseconds to make a fresh runtime for the next file.
 */
const RENEW_PARSER_CHARS = 1_000_000;

/**
 * A file once read, to the end: --fix or --diff, parse, analyse (main.ts's `analyseFile` reads it
 * and skips what needs no parser).
 */
export async function analyseText(job: FileJob, args: CheckArgs, forGraph: boolean, text: string, notebook: boolean): Promise<FileOutcome> {
  const { file, options } = job;
  const errs: string[] = [];
  const err = (s: string) => errs.push(s);
  const failed = (message: string): FileOutcome => ({ errs: [...errs, message], ioError: true });
  const parser = await PythonParser.load();
  // A file that broke the parser leaves a fresh one for the next file (see PythonParser).
  await parser.ready();
  if (notebook) {
    const uri = pathToFileURL(path.resolve(file)).href;
    let fragment: FileFragment | undefined;
    const whileParsed = forGraph ? (r: Analysed) => (fragment = fileFragment({ ...r, uri })) : undefined;
    const outcome = checkNotebook(
      parser,
      file,
      uri,
      text,
      options,
      { maxKb: args.maxKb, fix: args.fix && !args.diff, unsafe: args.unsafeFixes },
      err,
      whileParsed,
    );
    if ('error' in outcome) return failed(`${file}: error: ${outcome.error}`);
    if ('skipped' in outcome) return { errs: [...errs, `${file}: skipped: ${outcome.skipped}`], ioError: false };
    return { errs, ioError: false, result: { ...outcome.ok, options, fragment } };
  }
  let wouldFix: Analysed['wouldFix'];
  if (args.fix || args.diff) {
    let fixed: ReturnType<typeof fixAll>;
    try {
      fixed = fixAll(parser, text, { ...options, unsafe: args.unsafeFixes });
    } catch (e) {
      if (!(e instanceof ParseFailure)) throw e;
      return failed(`${file}: error: not analysed: ${e.message}`);
    }
    if (args.diff) {
      if (fixed.applied.length) wouldFix = { before: text, after: fixed.text };
    } else if (fixed.applied.length) {
      try {
        fs.writeFileSync(file, fixed.text);
        text = fixed.text;
        err(`${file}: fixed ${fixed.applied.length}: ${fixed.applied.map((a) => a.code).join(', ')}`);
      } catch (e) {
        return failed(`${file}: error: cannot write fixes: ${(e as Error).message}`);
      }
    }
  }
  let tree: Tree | undefined;
  try {
    tree = parser.parse(text);
    // A Databricks notebook that `%run`s others is analysed with them (findings stay in this file).
    let r = analyseDatabricksRuns(parser, text, path.resolve(file), options);
    if (!r) {
      // The analysis reads only the JS copy: the wasm tree is freed first, and after a very large
      // file the whole runtime, whose memory would otherwise stay at that file's size (peak RSS).
      const copy = syntaxTreeOf(tree, text);
      dropCopy(tree);
      parser.release(tree);
      tree = undefined;
      if (text.length >= RENEW_PARSER_CHARS) {
        parser.renew();
        // The runtime's memory is only given back once the stack that last used it is gone (measured).
        await new Promise((resolve) => setImmediate(resolve));
      }
      r = analyze(copy, text, {
        ...options,
        standalone: true,
        keepProjectFacts: hasCrossFilePass(args, forGraph) && PROJECT_RULES_JUDGE_FROM_GRAPH && crossFileCodes(options).length > 0,
      });
    }
    const analysed = { filename: file, findings: r.findings, lines: r.lines, wouldFix };
    // The model points into the copy: keep only plain results. The graph only when the run reads it.
    const raw =
      (r.model && job.graphs !== false) || forGraph
        ? fileFragment({ ...analysed, model: r.model, uri: pathToFileURL(path.resolve(file)).href }).raw
        : undefined;
    const kept =
      raw && (raw.datasets.size || forGraph) ? { raw, text, options, ...(raw.datasets.size && r.projectFacts ? { projectFacts: r.projectFacts } : {}) } : {};
    return { errs, ioError: false, result: { ...analysed, ...kept } };
  } catch (e) {
    if (!(e instanceof ParseFailure)) throw e;
    return failed(`${file}: error: not analysed: ${e.message}`);
  } finally {
    // The JS copy of a freed tree is never read again: dropped at once, not when pushed out of the cache.
    if (tree) dropCopy(tree);
    parser.release(tree);
  }
}
