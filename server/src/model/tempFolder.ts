import type { CallParts } from '../parsing/syntax';
import type { Value } from './values';

/**
 * Paths in the driver's temporary folder. `tempfile.gettempdir()` and `tempfile.mkdtemp()` name a
 * folder on the machine running the script (`/tmp/...` on Linux, another local folder elsewhere):
 * data a script writes there and reads back is its own scratch data, never a source somebody
 * keeps. The model gives them the value `/tmp` (not exact: the real name is the platform's), so
 * that what judges paths (exploration's local reads and writes, scratch checkpoints) sees a local
 * folder rather than an unknown one.
 */
export const TEMP_FOLDER = '/tmp';

/** `tempfile.gettempdir()`, `os.path.join(<a /tmp path>, "name", ...)`; undefined for any other call. */
export function tempFolderCall(parts: CallParts, pos: readonly Value[]): Value | undefined {
  const object = parts.object?.text;
  const method = parts.name;
  if (!object || !method) return undefined;
  if (object === 'tempfile' && method === 'gettempdir') return { k: 'string', value: TEMP_FOLDER, exact: false };
  // A new folder of its own in the temporary folder, named at random: `/tmp/{tempfile.mkdtemp()}`.
  if (object === 'tempfile' && method === 'mkdtemp') return { k: 'string', value: `${TEMP_FOLDER}/{${parts.callee.text}()}`, exact: false };
  if (object === 'os.path' && method === 'join') {
    const first = pos[0];
    if (first?.k !== 'string' || !(first.value === TEMP_FOLDER || first.value.startsWith(`${TEMP_FOLDER}/`))) return undefined;
    // The folder is known; a part the model cannot read stays `{...}`, as in an f-string.
    let value = first.value;
    let exact = first.exact;
    for (const [i, part] of pos.slice(1).entries()) {
      const text = part.k === 'string' ? part.value : `{${parts.args[i + 1]?.text ?? ''}}`;
      exact &&= part.k === 'string' && part.exact;
      value = value.endsWith('/') ? value + text : `${value}/${text}`;
    }
    return { k: 'string', value, exact };
  }
  return undefined;
}
