import { CompletionItemKind, MarkupKind, type CompletionItem } from 'vscode-languageserver';
import { buildModel, type ModelOptions } from '../model/buildModel';
import { columnSetsOf, type ColumnSet } from '../spark/columnSet';
import type { SparkFunctions } from '../spark/functions';
import type { DataFrameModel, Frame } from '../model/types';
import type { Node, Tree } from '../parsing/pythonParser';
import { callParts } from '../parsing/syntax';
import { syntaxRoot } from '../parsing/syntaxTree';
import { contentRange, stringArgumentAt, type ArgumentAtCursor } from './stringArgument';

/**
 * Column names in the strings that name columns: `col("`, `F.col("`, `df["`, and the string
 * arguments of `select(`, `groupBy(`, `orderBy(`, `drop(`, ... The frame is the one the
 * expression applies to: the DataFrame the call hangs off, or `df` of `df["`. Offered only when
 * the model knows some of its columns (a partial set, a file read with a schema, is offered too:
 * completion is a help, not a verdict). Pure: the server hands in the current tree.
 */

/** Frame methods whose string arguments are column names. */
const NAME_METHODS = new Set([
  'select', 'groupBy', 'groupby', 'rollup', 'cube', 'orderBy', 'sort', 'sortWithinPartitions', 'drop', 'dropDuplicates',
  'drop_duplicates', 'withColumnRenamed', 'repartition', 'repartitionByRange', 'describe', 'summary',
]);
const COL_FUNCTIONS = new Set(['col', 'column']);
const GROUPERS = new Set(['groupBy', 'groupby', 'rollup', 'cube']);
const MAX_UP = 200;

/** Where the cursor names a column, before the model is built: a cheap syntactic test. */
interface ColumnContext {
  /** The string the name goes in (complete, or unterminated for method arguments). */
  arg: Pick<ArgumentAtCursor, 'contentStart' | 'contentEnd'>;
  /** The calls whose frame may decide, innermost first (the first the model knows as a frame step wins), or the identifier of `df[`. */
  frameCalls?: Node[];
  frameName?: Node;
}

export function columnCompletions(tree: Tree, text: string, offset: number, options: ModelOptions = {}): CompletionItem[] {
  const root = syntaxRoot(tree, text);
  const context = columnContextAt(root, text, offset);
  if (!context) return [];
  const { model, functions } = buildModel(tree, text, options);
  const frames = framesFor(model, context);
  if (!frames.length) return [];
  const sets = columnSetsOf(model, functions);
  return items(frames.map((f) => sets.of(f)), context, text, functions);
}

function items(sets: (ColumnSet | undefined)[], context: ColumnContext, text: string, fns: SparkFunctions): CompletionItem[] {
  void fns;
  const known = sets.find((s) => s !== undefined);
  if (!known) return [];
  const range = contentRange(context.arg as ArgumentAtCursor, text);
  const seen = new Set<string>();
  const out: CompletionItem[] = [];
  known.columns.forEach((c, i) => {
    if (seen.has(c.name.toLowerCase())) return;
    seen.add(c.name.toLowerCase());
    out.push({
      label: c.name,
      kind: CompletionItemKind.Field,
      detail: c.type ? `column: ${c.type}` : 'column',
      documentation: {
        kind: MarkupKind.Markdown,
        value: known.exact ? 'A column of this DataFrame.' : 'A column of this DataFrame (from the read schema; partition columns of the path may be added).',
      },
      textEdit: { range, newText: c.name },
      filterText: c.name,
      sortText: String(i).padStart(4, '0'),
    });
  });
  return out;
}

function columnContextAt(root: Node, text: string, offset: number): ColumnContext | undefined {
  const string = stringAt(root, offset);
  if (string) {
    const start = string.children.find((c) => c?.type === 'string_start');
    const end = string.children.find((c) => c?.type === 'string_end');
    if (start && end && !end.isMissing && end.startIndex > start.endIndex - 1 && offset >= start.endIndex && offset <= end.startIndex && !text.slice(start.endIndex, end.startIndex).includes('\n')) {
      const arg = { contentStart: start.endIndex, contentEnd: end.startIndex };
      const parent = string.parent;
      // df["<here>"]
      if (parent?.type === 'subscript' && parent.childForFieldName('subscript')?.id === string.id) {
        const value = parent.childForFieldName('value');
        return value?.type === 'identifier' ? { arg, frameName: value } : undefined;
      }
      if (parent?.type === 'argument_list' && parent.parent?.type === 'call') {
        const call = parent.parent;
        const parts = callParts(call);
        // col("<here>"), F.col("<here>"): the frame of the call the expression sits in.
        if (parts?.name && COL_FUNCTIONS.has(parts.name) && parts.args[0]?.id === string.id) {
          const frameCalls = enclosingMethodCalls(call);
          return frameCalls.length ? { arg, frameCalls } : undefined;
        }
        // withColumnRenamed("<old>", "<new>"): only the old name is a column.
        if (parts?.name && parts.object && NAME_METHODS.has(parts.name) && (parts.name !== 'withColumnRenamed' || parts.args[0]?.id === string.id)) return { arg, frameCalls: [call] };
      }
      // select(["a", "<here>"])
      if ((parent?.type === 'list' || parent?.type === 'tuple') && parent.parent?.type === 'argument_list' && parent.parent.parent?.type === 'call') {
        const call = parent.parent.parent;
        const parts = callParts(call);
        if (parts?.name && parts.object && NAME_METHODS.has(parts.name)) return { arg, frameCalls: [call] };
      }
      return undefined;
    }
  }
  // `df.select("na` before the closing quote exists: the tree has no call yet.
  const unterminated = stringArgumentAt(root, text, offset);
  if (unterminated && !unterminated.call && NAME_METHODS.has(unterminated.method)) {
    return { arg: unterminated, frameName: chainRoot(unterminated.receiver) };
  }
  return undefined;
}

function stringAt(root: Node, offset: number): Node | undefined {
  let n: Node | null = root.descendantForIndex(offset, offset);
  for (let i = 0; n && i < 3; i++) {
    if (n.type === 'string') return n;
    n = n.parent;
  }
  return undefined;
}

/** The method calls whose arguments hold `node`, innermost first: `df.filter(F.col("x") > 1)` -> the filter call. */
function enclosingMethodCalls(node: Node): Node[] {
  const out: Node[] = [];
  let n: Node | null = node.parent;
  for (let i = 0; n && i < MAX_UP; i++) {
    if (n.type === 'lambda' || n.type === 'function_definition') break;
    if (n.type === 'argument_list' && n.parent?.type === 'call' && callParts(n.parent)?.object) out.push(n.parent);
    n = n.parent;
  }
  return out;
}

/** `df` in `df.filter(...).select`: only a plain name is followed (an unterminated string leaves the rest unparsed). */
function chainRoot(receiver: Node): Node | undefined {
  return receiver.type === 'identifier' ? receiver : undefined;
}

function framesFor(model: DataFrameModel, context: ColumnContext): Frame[] {
  if (context.frameName) {
    const ref = model.frameRefs.get(context.frameName.startIndex);
    return ref ? [ref.frame, ...(ref.others ?? [])] : [];
  }
  for (const call of context.frameCalls ?? []) {
    const inputs = model.transforms.filter((t) => t.call.id === call.id).map((t) => t.frame);
    if (inputs.length) return inputs;
    // `groupBy(...).agg(F.col("<here>"))`: the grouped frame is the groupBy's input.
    const obj = callParts(call)?.object;
    const grouped = obj?.type === 'call' ? model.transforms.filter((t) => t.call.id === obj.id && GROUPERS.has(t.method)).map((t) => t.frame) : [];
    if (grouped.length) return grouped;
  }
  return [];
}
