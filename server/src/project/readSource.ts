import * as fs from 'node:fs';

/** What reading a source file for analysis gave: its text, or why it is not analysed. */
export type SourceRead = { kind: 'text'; text: string } | { kind: 'too-large'; size: number } | { kind: 'binary' } | { kind: 'error'; message: string };

/**
 * Reads a file for analysis, the same way for the CLI and the editor's workspace scan: a file over
 * `maxBytes` is not read at all, one with a NUL byte is binary, not Python. `stat`: the file's
 * stat when the caller already has it.
 */
export function readSourceFile(file: string, maxBytes: number, stat?: fs.Stats): SourceRead {
  let buf: Buffer;
  try {
    const st = stat ?? fs.statSync(file);
    if (st.size > maxBytes) return { kind: 'too-large', size: st.size };
    buf = fs.readFileSync(file);
  } catch (e) {
    return { kind: 'error', message: (e as Error).message };
  }
  if (buf.includes(0)) return { kind: 'binary' };
  return { kind: 'text', text: buf.toString('utf8') };
}
