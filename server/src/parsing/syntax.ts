import type { Node } from './pythonParser';
import { typeMask } from './syntaxTree';

/** Small, allocation-light helpers over tree-sitter-python nodes. */

/**
 * Nodes tree-sitter names but that are not part of the expression: comments, and the backslash of
 * a line continuation (legal, if redundant, inside brackets: `[StructField(...), \` would
 * otherwise count as an element).
 */
export function isExtra(node: Node): boolean {
  return node.type === 'comment' || node.type === 'line_continuation';
}

/** tree-sitter hands out a fresh wrapper object per access: compare nodes by id, never by reference. */
export function sameNode(a: Node | null | undefined, b: Node | null | undefined): boolean {
  return !!a && !!b && a.id === b.id;
}

export function unwrapParens(node: Node): Node {
  let n = node;
  for (let i = 0; n.type === 'parenthesized_expression' && i < 1000; i++) {
    const inner = n.namedChildren.find((c) => c !== null && !isExtra(c));
    if (!inner) break;
    n = inner;
  }
  return n;
}

/** The literal value of a plain string (no interpolation), else undefined. */
export function literalString(node: Node | null | undefined): string | undefined {
  if (!node) return undefined;
  node = unwrapParens(node);
  if (node.type === 'concatenated_string') {
    let out = '';
    for (const part of node.namedChildren) {
      if (!part || isExtra(part)) continue;
      const v = literalString(part);
      if (v === undefined) return undefined;
      out += v;
    }
    return out;
  }
  if (node.type !== 'string') return undefined;
  return stringMemo(node).literal;
}

/** Pieces of a string literal: text, or the interpolation node of an f-string (read-only: shared by every caller). */
export function stringParts(node: Node): readonly (string | Node)[] {
  if (node.type !== 'string') return readStringParts(node);
  const memo = stringMemo(node);
  return (memo.parts ??= readStringParts(node));
}

interface StringMemo {
  /** Made when first asked for (`stringParts`): most strings are only read for their value. */
  parts: readonly (string | Node)[] | undefined;
  literal: string | undefined;
}

/**
 * The model and the rules read the same literals again and again (a function body is evaluated
 * per call); a string node keeps its value (and its pieces, once asked for), in the slot a call
 * node keeps its parts in.
 */
function stringMemo(node: Node): StringMemo {
  const memo = node.partsMemo as StringMemo | undefined;
  if (memo) return memo;
  const made: StringMemo = { parts: undefined, literal: readLiteral(node) };
  node.partsMemo = made;
  return made;
}

/** The value of a string without interpolations (its pieces joined, as `stringParts` gives them), else undefined; no array of pieces. */
function readLiteral(node: Node): string | undefined {
  const tree = node.owner;
  let literal = '';
  let raw = false;
  for (let c = tree.firstChildId(node.id); c >= 0; c = tree.nextSiblingId(c)) {
    if (c === node.id + 1) raw = rawPrefix(tree, c);
    const piece = pieceText(tree, c, raw);
    if (piece !== undefined) literal += piece;
    else if (tree.typeAt(c) === 'interpolation') return undefined;
  }
  return literal;
}

function readStringParts(node: Node): (string | Node)[] {
  const out: (string | Node)[] = [];
  const tree = node.owner;
  // Read from the copy's arrays: node objects only for interpolations (a string's start, pieces and
  // end as objects, and the array of them, were a tenth of the model's allocations).
  let raw = false;
  for (let c = tree.firstChildId(node.id); c >= 0; c = tree.nextSiblingId(c)) {
    if (c === node.id + 1) raw = rawPrefix(tree, c);
    const piece = pieceText(tree, c, raw);
    if (piece !== undefined) out.push(piece);
    else if (tree.typeAt(c) === 'interpolation') out.push(tree.nodeAt(c));
  }
  return out;
}

/** Whether a string's first child (`string_start`) carries a raw prefix (`r`, `rb`, `Rf`...); quotes hold no `r`. */
function rawPrefix(tree: Node['owner'], first: number): boolean {
  return /r/i.test(tree.text.slice(tree.startAt(first), tree.endAt(first)));
}

/** Child `c` of a string as text (its content or an escape, unescaped unless `raw`); undefined for the quotes and interpolations. */
function pieceText(tree: Node['owner'], c: number, raw: boolean): string | undefined {
  const type = tree.typeAt(c);
  if (type !== 'string_content' && type !== 'escape_sequence') return undefined;
  const piece = tree.text.slice(tree.startAt(c), tree.endAt(c));
  return raw ? piece : unescape(piece);
}

function unescape(s: string): string {
  if (!s.includes('\\')) return s;
  return s.replace(/\\(n|t|r|\\|'|"|\n)/g, (_m, c: string) => (c === 'n' ? '\n' : c === 't' ? '\t' : c === 'r' ? '\r' : c === '\n' ? '' : c));
}

export function isStringNode(node: Node): boolean {
  const n = unwrapParens(node);
  return n.type === 'string' || n.type === 'concatenated_string';
}

export interface CallParts {
  callee: Node;
  /** For `a.b(...)`: `a`. */
  object?: Node;
  /** For `a.b(...)`: the `b` identifier; for `b(...)`: `b`. */
  nameNode?: Node;
  name?: string;
  args: readonly Node[];
  keywords: ReadonlyMap<string, Node>;
  argumentList?: Node;
}

/** Stored on the node for "no parts", to tell it from "not computed yet". */
const NO_PARTS = {};

/**
 * The parts of a `call` node (read-only: the result is shared by every caller). Every rule asks
 * for the parts of the same calls, and nodes are immutable copies, so the answer is kept on the node.
 */
export function callParts(call: Node): CallParts | undefined {
  if (call.type !== 'call') return undefined;
  const memo = call.partsMemo;
  if (memo !== undefined) return memo === NO_PARTS ? undefined : (memo as CallParts);
  const parts = readCallParts(call);
  call.partsMemo = parts ?? NO_PARTS;
  return parts;
}

function readCallParts(call: Node): CallParts | undefined {
  const callee = call.childForFieldName('function');
  if (!callee) return undefined;
  const argumentList = call.childForFieldName('arguments') ?? undefined;
  if (!argumentList || argumentList.type !== 'argument_list') return partsOf(callee, NO_ARGS, NO_KEYWORDS, argumentList);
  const named = argumentList.namedChildren;
  // Most calls name no argument and hold no comment: their arguments are the list's named
  // children as they are, and they share one empty map (an array and a Map per call were a fifth
  // of the model's allocations, and the collector's work with them).
  if (named.every((a) => a && !isExtra(a) && a.type !== 'keyword_argument')) return partsOf(callee, named, NO_KEYWORDS, argumentList);
  const args: Node[] = [];
  let keywords: Map<string, Node> | undefined;
  for (const a of named) {
    if (!a || isExtra(a)) continue;
    if (a.type === 'keyword_argument') {
      const k = a.childForFieldName('name');
      const v = a.childForFieldName('value');
      if (k && v) (keywords ??= new Map()).set(k.text, v);
    } else args.push(a);
  }
  return partsOf(callee, args, keywords ?? NO_KEYWORDS, argumentList);
}

const NO_ARGS: readonly Node[] = Object.freeze([]);

const NO_KEYWORDS: ReadonlyMap<string, Node> = new Map();

function partsOf(callee: Node, args: readonly Node[], keywords: ReadonlyMap<string, Node>, argumentList: Node | undefined): CallParts {
  if (callee.type === 'attribute') {
    const object = callee.childForFieldName('object') ?? undefined;
    const nameNode = callee.childForFieldName('attribute') ?? undefined;
    return { callee, object, nameNode, name: nameNode?.text, args, keywords, argumentList };
  }
  if (callee.type === 'identifier') return { callee, nameNode: callee, name: callee.text, args, keywords, argumentList };
  return { callee, args, keywords, argumentList };
}

/** The `def name(...)` among the statements of `body` (a block or the module), decorated or not. */
export function functionDefinedIn(body: Node | null | undefined, name: string): Node | undefined {
  for (const s of body?.namedChildren ?? []) {
    const def = s?.type === 'decorated_definition' ? s.childForFieldName('definition') : s;
    if (def?.type === 'function_definition' && def.childForFieldName('name')?.text === name) return def;
  }
  return undefined;
}

/** The statement (direct child of a block or module) containing `node`. */
export function enclosingStatement(node: Node): Node | undefined {
  let n: Node | null = node;
  for (let i = 0; n && i < 10_000; i++) {
    const p: Node | null = n.parent;
    if (!p) return undefined;
    if (p.type === 'block' || p.type === 'module') return n;
    n = p;
  }
  return undefined;
}

/**
 * The statement holds a parse error, or the statement after it is or holds one: what the parser
 * recovered from may have cut a chain there (`df.write.mode("x")` then a line starting `.save(...)`,
 * a notebook's `%sql` line hanging the next statement off this one), so the statement is not
 * certainly what the author wrote.
 */
export function besideParseError(statement: Node): boolean {
  const next = statement.nextSibling;
  return statement.hasError || next?.type === 'ERROR' || !!next?.hasError;
}

/** `node` is the body of a `try` statement (not one of its `except`, `else` or `finally` blocks). */
export function isTryBody(node: Node): boolean {
  return node.type === 'block' && node.parent?.type === 'try_statement' && sameNode(node.parent.childForFieldName('body'), node);
}

export function enclosingScope(node: Node): Node {
  // Read from the copy's parent and type arrays: the ancestors in between need no node objects.
  return node.ancestorOfType(FUNCTION_SCOPES, 10_000);
}

/** The scopes a name is looked up in (a class body is not one for the names in its methods). */
const FUNCTION_SCOPES = typeMask(['function_definition', 'lambda', 'module']);

/** Leading whitespace of the line holding `offset`. */
export function indentAt(text: string, offset: number): string {
  let start = offset;
  while (start > 0 && text[start - 1] !== '\n' && text[start - 1] !== '\r') start--;
  let end = start;
  while (end < text.length && (text[end] === ' ' || text[end] === '\t')) end++;
  return text.slice(start, end);
}

/** Offset of the start of the line holding `offset`. */
export function lineStartOf(text: string, offset: number): number {
  let start = offset;
  while (start > 0 && text[start - 1] !== '\n' && text[start - 1] !== '\r') start--;
  return start;
}

/** Offset just past the line break ending the line holding `offset` (or the text's end). */
export function nextLineStart(text: string, offset: number): number {
  let i = offset;
  while (i < text.length && text[i] !== '\n' && text[i] !== '\r') i++;
  if (text[i] === '\r' && text[i + 1] === '\n') return i + 2;
  return Math.min(text.length, i + 1);
}

let eolText: string | undefined;
let eol = '\n';

/**
 * The line break a text uses. The answer for the last text asked about is kept: fixes ask once
 * each, and every ask searched the whole file (the same string object compares in one step).
 */
export function eolOf(text: string): string {
  if (text !== eolText) {
    eol = text.includes('\r\n') ? '\r\n' : '\n';
    eolText = text;
  }
  return eol;
}

/** `text` as a literal part of a regular expression. */
export function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** Python-quoted string literal. */
export function pyString(value: string): string {
  return JSON.stringify(value);
}
