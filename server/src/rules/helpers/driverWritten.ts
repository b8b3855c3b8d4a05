import { lineage } from '../../model/lineage';
import type { DataFrameModel, Frame } from '../../model/types';
import type { Node } from '../../parsing/pythonParser';
import { callParts, literalString, unwrapParens } from '../../parsing/syntax';
import { callsNamed } from './callIndex';

/**
 * The path arguments (as written) of the files this file's own Python code writes on the driver:
 * `open(p, "w")` (or "a", "x"), `Path(p).write_text(...)` / `write_bytes(...)`. What the driver
 * writes with plain Python fits in the driver's memory: a handful of literal lines, generated
 * sample events.
 */
const memo = new WeakMap<DataFrameModel, Set<string>>();

function writtenPaths(model: DataFrameModel): Set<string> {
  const known = memo.get(model);
  if (known) return known;
  const out = new Set<string>();
  memo.set(model, out);
  for (const call of callsNamed(model, 'open')) {
    const parts = callParts(call);
    if (!parts || parts.object || !parts.args[0]) continue;
    const mode = parts.args[1] ?? parts.keywords.get('mode');
    const text = mode ? literalString(mode) : undefined;
    if (text !== undefined && /[wax]/.test(text)) out.add(unwrapParens(parts.args[0]).text);
  }
  for (const name of ['write_text', 'write_bytes']) {
    for (const call of callsNamed(model, name)) {
      const path = callParts(call)?.object;
      const ctor = path && path.type === 'call' ? callParts(path) : undefined;
      if (ctor?.name === 'Path' && ctor.args[0]) out.add(unwrapParens(ctor.args[0]).text);
    }
  }
  return out;
}

function pathArgument(read: Node): Node | undefined {
  const parts = callParts(read);
  const arg = parts?.args[0] ?? parts?.keywords.get('path');
  return arg ? unwrapParens(arg) : undefined;
}

/**
 * `pathlib.Path(p).write_text(lines)` ... `spark.read.csv(p)`: every source of the frame is a batch
 * read of a file this file wrote with plain Python on the driver, named by the same expression (a
 * name or a literal). Those rows were built on the driver, as a `createDataFrame` of literal rows is:
 * counting them again re-reads a small local file. A directory the code wrote file by file, or a
 * path spelt differently, is not recognised.
 */
export function readsDriverWrittenFile(model: DataFrameModel, frame: Frame): boolean {
  const written = writtenPaths(model);
  if (written.size === 0) return false;
  let reads = 0;
  for (const f of lineage(frame)) {
    if (f.parents.length) continue;
    const s = f.source;
    const path = s && s.kind === 'read' && !s.streaming ? pathArgument(s.node) : undefined;
    if (!path || !written.has(path.text)) return false;
    reads++;
  }
  return reads > 0;
}
