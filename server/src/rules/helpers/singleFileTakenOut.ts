import type { SinkInfo } from '../../model/types';
import type { Node } from '../../parsing/pythonParser';
import { enclosingStatement, escapeRegExp, literalString } from '../../parsing/syntax';

// A write through one partition whose single part file is then copied, moved or renamed out of the
// output folder (`part_file = next(tmp_dir.glob("part-*.csv")); shutil.copyfile(part_file, out_file)`):
// the one file is what the code is for, a CSV for a person or a tool, not a job's output folder.

/** Calls that copy, move or rename a file: Python's, dbutils', Hadoop's FileSystem. */
const MOVES_A_FILE =
  /\b(shutil\s*\.\s*(copyfile|copy2?|move)|os\s*\.\s*(rename|replace)|fs\s*\.\s*(mv|cp|rename)|copyFromLocalFile|copyToLocalFile)\s*\(|\.rename\s*\(/;
/** The part file named: a `part-` glob or prefix, a helper that finds "the part file". */
const NAMES_PART_FILE = /part[-_*]|_part\b|part_file|partfile|part\w*file/i;
/** Statements after the write looked at. */
const MAX_FOLLOWING = 30;

/** The write's folder is read back after it for its part file, and a file is copied, moved or renamed from there. */
export function singleFileTakenOut(sink: SinkInfo): boolean {
  const pathNode = sink.pathNode;
  const stmt = enclosingStatement(sink.call);
  if (!pathNode || !stmt) return false;
  const mentions = pathMentions(pathNode);
  if (!mentions.length) return false;
  let partFound = false;
  let moved = false;
  let next = stmt.nextNamedSibling;
  for (let i = 0; next && i < MAX_FOLLOWING; next = next.nextNamedSibling, i++) {
    const text = next.text;
    if (!partFound && NAMES_PART_FILE.test(text) && mentions.some((m) => m.test(text))) partFound = true;
    if (MOVES_A_FILE.test(text)) moved = true;
    if (partFound && moved) return true;
  }
  return false;
}

/** How a later statement names the write's folder: the variables its path is built from, or the literal path. */
function pathMentions(pathNode: Node): RegExp[] {
  const literal = literalString(pathNode);
  if (literal !== undefined) return literal.length > 1 ? [new RegExp(escapeRegExp(literal))] : [];
  const names = new Set<string>();
  const refs = [pathNode, ...pathNode.descendantsOfType(['identifier', 'attribute'])];
  for (const ref of refs) {
    if (!ref || (ref.type !== 'identifier' && ref.type !== 'attribute')) continue;
    // `str(tmp_dir)`, `os.path.join(base, name)`: the called function is not part of the path.
    if (ref.parent?.type === 'call' && ref.parent.childForFieldName('function')?.id === ref.id) continue;
    // `args.out_dir` counts as a whole, not its `args` or `out_dir`.
    if (ref.parent?.type === 'attribute') continue;
    names.add(ref.text);
  }
  return [...names].map((n) => new RegExp(`(^|[^\\w.])${escapeRegExp(n)}\\b`));
}
