import type { Node } from '../parsing/pythonParser';

// A file that is mostly not Python (pasted study notes, a chat transcript of examples, a saved
// `>>>` shell session) still parses, as many small ERROR statements between the lines that happen
// to be Python. Each example there reuses a name (`df`) for its own sample frame; following the name
// from one example into the next reads the file as one program it is not.

/** Top-level ERROR statements, at least, for a file to be read as pasted text rather than a program. */
const MIN_ERRORS = 50;
/** And their share of the top-level statements, at least (a long program with a few stray lines is a program). */
const MIN_ERROR_SHARE = 0.1;

/**
 * The module is pasted text with code in it: at least 50 top-level ERROR statements, and at least a
 * tenth of its top-level statements. The largest count on a real program of the nineteen corpora is 13.
 */
export function isPastedText(statements: readonly Node[]): boolean {
  let errors = 0;
  for (const s of statements) if (s.type === 'ERROR') errors++;
  return errors >= MIN_ERRORS && errors >= MIN_ERROR_SHARE * statements.length;
}
