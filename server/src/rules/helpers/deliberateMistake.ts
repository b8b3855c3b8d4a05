import type { Node } from '../../parsing/pythonParser';
import { enclosingStatement, isTryBody, sameNode } from '../../parsing/syntax';

/**
 * A comment saying the line next to it is the mistake being shown: "Will produce an error", "this
 * will fail", "won't work", "the wrong way", or a comment that is only a label, "# Wrong:",
 * "# ❌ WRONG — returns 0 rows", "# Incorrect". "wrong" followed by a word ("# wrong or missing
 * phones go to review") describes data, not the code, and is no such label.
 */
const MISTAKE_ON_PURPOSE = new RegExp(
  [
    String.raw`\b(will|would|should|this|it|to|which)\s+(\w+\s+)?(produce|raise|throw|give|cause|return|get|show)s?\s+(you\s+)?(an?\s+|the\s+)?(\w+\s+)?(error|exception|valueerror)`,
    String.raw`\b(this|it|that)\s+(will|would|should)\s+(fail|error|break)\b`,
    String.raw`\b(won'?t|doesn'?t|does\s+not|will\s+not|cannot|can'?t)\s+work\b`,
    String.raw`\b(wrong|incorrect)\s+(way|approach|usage|example)\b`,
    String.raw`\bon\s+purpose\b`,
    String.raw`\b(intentional|deliberate)(ly)?\b`,
    String.raw`^#+[^A-Za-z0-9]*(wrong|incorrect)\b(?!\s*[A-Za-z0-9])`,
  ].join('|'),
  'i',
);

/** `except ValueError`, or a tuple naming it: what PySpark raises for a Column in a bool context. */
const CATCHES_VALUE_ERROR = /^except\s*\(?[^:]*\bValueError\b/;
/** `except:`, `except Exception` or `except BaseException` (alone or in a tuple). */
const CATCHES_EVERYTHING = /^except\s*(:|\(?[^:]*\b(Base)?Exception\b)/;

/**
 * Course material that runs a mistake on purpose to show what goes wrong: the statement sits under
 * (or ends with) a comment saying it fails or is the wrong way. For a mistake that raises
 * (`raises`), also a statement whose error is caught and printed for the reader: in a `try` whose
 * `except ValueError` does not raise again, or alone in a `try` whose catch-all handler does not
 * raise again while its result is not kept (`df.filter(...).show()`, no assignment). A job has no
 * reason for any of these; a job that keeps the result of a swallowed error is still reported.
 */
export function showsMistakeOnPurpose(node: Node, raises: boolean): boolean {
  const stmt = enclosingStatement(node);
  if (!stmt) return false;
  if (commentsAround(stmt).some((c) => MISTAKE_ON_PURPOSE.test(c))) return true;
  if (!raises) return false;
  // The innermost `try` around the statement decides.
  for (const tryStatement of triesAround(stmt)) {
    const statements = tryStatement.childForFieldName('body')!.namedChildren.filter((c) => c.type !== 'comment');
    const onlyThisResultless = statements.length === 1 && sameNode(statements[0], stmt) && isResultless(stmt);
    return swallows(tryStatement, (clause) => CATCHES_VALUE_ERROR.test(clause) || (onlyThisResultless && CATCHES_EVERYTHING.test(clause)));
  }
  return false;
}

/**
 * The comments that may label `stmt`: those on the lines just above it (each ending on the line before
 * the next one starts, or on the same line), nearest first, and one after it on its last line.
 * @internal Exported for the tests.
 */
export function commentsAround(stmt: Node): string[] {
  const comments: string[] = [];
  for (let c = stmt.previousSibling, below = stmt.startIndex; c?.type === 'comment' && lineBreaksBetween(c, c.endIndex, below, 1) <= 1; c = c.previousSibling) {
    comments.push(c.text);
    below = c.startIndex;
  }
  const trailing = stmt.nextSibling;
  if (trailing?.type === 'comment' && lineBreaksBetween(trailing, stmt.endIndex, trailing.startIndex, 0) === 0) comments.push(trailing.text);
  return comments;
}

/**
 * How many rows apart offsets `from` and `to` of `node`'s text are (its line feeds between them, as
 * the tree counts rows), counted up to `most + 1`: the rows compared without the copy's table of line
 * starts, which a position asked for makes over the whole text once per copy (after every keystroke).
 */
function lineBreaksBetween(node: Node, from: number, to: number, most: number): number {
  const text = node.owner.text;
  let n = 0;
  for (let i = text.indexOf('\n', from); i >= 0 && i < to && n <= most; i = text.indexOf('\n', i + 1)) n++;
  return n;
}

/**
 * A query Spark refuses at start, shown failing on purpose: `node` is in the body of a `try` (in the
 * same function or cell) whose handler catches everything or the `AnalysisException` the refusal
 * raises and does not raise again (`except Exception as e: print(e)`); catching everything counts
 * only around a lesson's few statements, not around a whole job (`wrapsWholeJob`). The refusal comes when the
 * query starts (`start()`, `display(...)`), a statement after the one that builds the frame, so any
 * statement of the body counts. A job has no reason to build a query that cannot start and swallow
 * the error.
 */
export function refusalCaughtOnPurpose(node: Node): boolean {
  for (const tryStatement of triesAround(node)) {
    const everything = !wrapsWholeJob(tryStatement);
    if (swallows(tryStatement, (clause) => (everything && CATCHES_EVERYTHING.test(clause)) || CATCHES_ANALYSIS.test(clause))) return true;
  }
  return false;
}

/** More statements than a lesson's `try` around the query it shows failing (build it, start or display it, print). */
const LESSON_TRY_STATEMENTS = 8;

/**
 * A `try` around a whole job: functions or classes defined in its body, or more statements than a
 * lesson wraps around the query it shows refused. Its handler catching everything reports whatever
 * failed (`except Exception as e: print(...)`), not a refusal shown on purpose.
 */
function wrapsWholeJob(tryStatement: Node): boolean {
  const body = tryStatement.childForFieldName('body')!.namedChildren.filter((c) => c.type !== 'comment');
  return body.length > LESSON_TRY_STATEMENTS || body.some((c) => DEFINITIONS.has(c.type));
}

const DEFINITIONS = new Set(['function_definition', 'class_definition', 'decorated_definition']);

/** The `try` statements whose body holds `node`, innermost first, within its function, class or module. */
function* triesAround(node: Node): Generator<Node> {
  for (let n = node.parent, i = 0; n && i < 50; n = n.parent, i++) {
    if (n.type === 'function_definition' || n.type === 'class_definition' || n.type === 'module') return;
    if (isTryBody(n)) yield n.parent!;
  }
}

/** A handler of the `try` that `catches` accepts (by its text, `except ...:`) and that does not raise again. */
function swallows(tryStatement: Node, catches: (clause: string) => boolean): boolean {
  return tryStatement.namedChildren.some((c) => c?.type === 'except_clause' && c.descendantsOfType('raise_statement').length === 0 && catches(c.text));
}

/** `except AnalysisException` (alone or in a tuple, qualified or not): what a refused query raises. */
const CATCHES_ANALYSIS = /^except\s*\(?[^:]*\bAnalysisException\b/;

/** An expression statement that keeps nothing: `df.filter(...).show()`, not `df = df.filter(...)`. */
function isResultless(stmt: Node): boolean {
  if (stmt.type !== 'expression_statement') return false;
  return stmt.namedChildren.every((c) => c?.type !== 'assignment' && c?.type !== 'augmented_assignment');
}
