import type { Range } from 'vscode-languageserver';
import { LineIndex } from '../lineIndex';
import type { Node } from '../parsing/pythonParser';
import { callParts, literalString } from '../parsing/syntax';

/**
 * Where the cursor is, for completions inside string arguments: `x.method("<here>")`, whether
 * the string is complete or still being typed. Shared by the reader/writer option completion and
 * the Spark conf key completion.
 */

/** The string argument the cursor is in. */
export interface ArgumentAtCursor {
  method: string;
  /** Expression the method hangs off (`spark.readStream.format("kafka")` in `....option("`). */
  receiver: Node;
  /** The call itself, when the tree has one (not while the string is still unterminated). */
  call?: Node;
  /** 0 for `option("<key>")`, 1 for `option("k", "<value>")`. */
  position: number;
  /** Text of the first argument, for value completion. */
  firstArgument?: string;
  /** Offsets of the string content the completion replaces. */
  contentStart: number;
  contentEnd: number;
}

/** The range a completion replaces: the string's content as typed so far. */
export function contentRange(arg: ArgumentAtCursor, text: string): Range {
  const lines = new LineIndex(text);
  return { start: lines.positionAt(arg.contentStart), end: lines.positionAt(arg.contentEnd) };
}

/** The string argument of a method call the cursor is in, complete or still unterminated. */
export function stringArgumentAt(root: Node, text: string, offset: number): ArgumentAtCursor | undefined {
  return argumentAt(root, text, offset) ?? unterminatedArgumentAt(root, text, offset);
}

/** The cursor is in a complete string literal that is an argument of `x.method(...)`. */
function argumentAt(root: Node, text: string, offset: number): ArgumentAtCursor | undefined {
  let n: Node | null = root.descendantForIndex(offset, offset);
  while (n && n.type !== 'string')
    n = n.type === 'string_start' || n.type === 'string_content' || n.type === 'string_end' || n.type === 'escape_sequence' ? n.parent : null;
  if (!n) return undefined;
  const start = n.children.find((c) => c?.type === 'string_start');
  const end = n.children.find((c) => c?.type === 'string_end');
  if (!start || !end || end.isMissing || end.startIndex === end.endIndex) return undefined;
  // A prefix such as f"..." or r"..." belongs to string_start; content starts after the quote.
  const contentStart = start.endIndex;
  const contentEnd = end.startIndex;
  if (offset < contentStart || offset > contentEnd || text.slice(contentStart, contentEnd).includes('\n')) return undefined;
  const list = n.parent;
  const call = list?.parent;
  if (list?.type !== 'argument_list' || call?.type !== 'call') return undefined;
  const parts = callParts(call);
  if (!parts?.name || !parts.object) return undefined;
  const string = n;
  // Nodes are fresh wrappers on every access: compare ids, not objects.
  const position = parts.args.findIndex((a) => a.id === string.id);
  if (position < 0) return undefined;
  return {
    method: parts.name,
    receiver: parts.object,
    call,
    position,
    firstArgument: parts.args[0] ? literalString(parts.args[0]) : undefined,
    contentStart,
    contentEnd,
  };
}

/**
 * While typing `.option("kafka.` the closing quote may not exist yet (no auto-closing, or the
 * user deleted it); the tree then holds an ERROR with the `x.option` attribute and a lone quote.
 */
function unterminatedArgumentAt(root: Node, text: string, offset: number): ArgumentAtCursor | undefined {
  const lineStart = text.lastIndexOf('\n', offset - 1) + 1;
  const before = text.slice(lineStart, offset);
  const m = /\.\s*([A-Za-z_]\w*)\s*\(\s*[rRuU]?(["'])([\w.-]*)$/.exec(before);
  if (!m) return undefined;
  const quoteAt = offset - m[3].length - 1;
  const nameAt = lineStart + m.index + m[0].indexOf(m[1], 1);
  const name = root.descendantForIndex(nameAt, nameAt);
  const attribute = name?.parent;
  if (!name || name.type !== 'identifier' || attribute?.type !== 'attribute' || attribute.childForFieldName('attribute')?.startIndex !== nameAt)
    return undefined;
  const receiver = attribute.childForFieldName('object');
  if (!receiver) return undefined;
  let contentEnd = offset;
  while (contentEnd < text.length && /[\w.-]/.test(text[contentEnd])) contentEnd++;
  return { method: m[1], receiver, position: 0, contentStart: quoteAt + 1, contentEnd };
}

/** The value last assigned to `name` by a statement before it in the same block (`reader = ...`). */
export function assignedValue(name: Node): Node | undefined {
  let statement: Node | null = name;
  while (statement?.parent && statement.parent.type !== 'block' && statement.parent.type !== 'module') statement = statement.parent;
  const block = statement?.parent;
  if (!statement || !block) return undefined;
  let value: Node | undefined;
  for (const s of block.namedChildren) {
    if (!s || s.startIndex >= statement.startIndex) break;
    const assignment = s.type === 'expression_statement' ? s.namedChildren[0] : null;
    if (assignment?.type !== 'assignment') continue;
    const left = assignment.childForFieldName('left');
    const right = assignment.childForFieldName('right');
    if (left?.type === 'identifier' && left.text === name.text && right) value = right;
  }
  return value;
}
