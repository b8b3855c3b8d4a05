import { CompletionItemKind, MarkupKind, type CompletionItem } from 'vscode-languageserver';
import type { Node } from '../parsing/pythonParser';
import { callParts, literalString, unwrapParens } from '../parsing/syntax';
import { confCompletionsFor } from './confKeys';
import { assignedValue, contentRange, stringArgumentAt, type ArgumentAtCursor } from './stringArgument';
import { FORMAT_OPTIONS, FORMATS, GENERIC_OPTIONS, METHOD_VALUES, type Direction, type OptionSpec } from '../spark/optionCatalog';

/**
 * Completion inside the string arguments of reader/writer chains: formats in `format("...")`,
 * option keys in `option("...")` for the format of the same chain, option values in
 * `option("key", "...")`, and `mode(...)` / `outputMode(...)` values; Spark conf keys are
 * handed to confKeys.ts. Pure: the server maps positions and decides when to call it.
 */

/** Characters that should open the list: the quote that starts the argument. */
export const COMPLETION_TRIGGER_CHARACTERS = ['"', "'"];

const DIRECTIONS = new Set<string>(['read', 'readStream', 'write', 'writeStream']);
/** Reader/writer methods that name the format themselves: `.parquet(path)`, `.csv(path)`. */
const FORMAT_METHODS = new Set(['parquet', 'csv', 'json', 'orc', 'text', 'avro', 'jdbc', 'delta', 'xml']);
/** How many assignments `reader = spark.readStream.format(...)` are followed back, and chain links walked. */
const MAX_ASSIGNMENT_HOPS = 5;
const MAX_CHAIN_LINKS = 200;

interface ChainFacts {
  direction?: Direction;
  format?: string;
  /** Option keys the chain already sets. */
  keys: Set<string>;
}

export function completionsAt(root: Node, text: string, offset: number): CompletionItem[] {
  const arg = stringArgumentAt(root, text, offset);
  if (!arg) return [];
  const confKeys = confCompletionsFor(arg, text, offset);
  if (confKeys) return confKeys;
  const facts = chainFacts(arg);
  const range = contentRange(arg, text);
  const item = (label: string, kind: CompletionItemKind, detail: string, doc: string, rank: number): CompletionItem => ({
    label,
    kind,
    detail,
    documentation: { kind: MarkupKind.Markdown, value: doc },
    textEdit: { range, newText: label },
    filterText: label,
    sortText: `${String(rank).padStart(3, '0')}_${label}`,
  });

  if (arg.method === 'format' && arg.position === 0) {
    return FORMATS.filter((f) => fits(f.directions, facts.direction)).map((f, i) =>
      item(f.name, CompletionItemKind.Module, `${sideName(facts.direction)} format`, f.doc, i),
    );
  }
  if (arg.method === 'option' && arg.position === 0) {
    return optionsFor(facts)
      .filter((o) => !facts.keys.has(o.spec.key))
      .map((o, i) => item(o.spec.key, CompletionItemKind.Property, o.detail, optionDoc(o.spec), i));
  }
  if (arg.method === 'option' && arg.position === 1 && arg.firstArgument !== undefined) {
    const spec = optionsFor(facts).find((o) => o.spec.key === arg.firstArgument)?.spec;
    return (spec?.values ?? []).map((v, i) => item(v, CompletionItemKind.Value, `${spec!.key} value`, spec!.doc, i));
  }
  const method = METHOD_VALUES[arg.method];
  if (method && arg.position === 0 && fits(method.directions, facts.direction)) {
    return method.values.map((v, i) => item(v.value, CompletionItemKind.EnumMember, `${arg.method}`, v.doc, i));
  }
  return [];
}

function fits(directions: Direction[], direction: Direction | undefined): boolean {
  return direction === undefined || directions.includes(direction);
}

function sideName(direction: Direction | undefined): string {
  switch (direction) {
    case 'read':
      return 'Batch source';
    case 'readStream':
      return 'Streaming source';
    case 'write':
      return 'Batch sink';
    case 'writeStream':
      return 'Streaming sink';
    default:
      return 'Source/sink';
  }
}

function optionDoc(spec: OptionSpec): string {
  return spec.values ? `${spec.doc}\n\nValues: ${spec.values.map((v) => `\`${v}\``).join(', ')}` : spec.doc;
}

/**
 * Options of the chain's format (generic ones first, as they apply everywhere); with no known
 * format, those of every format on this side, each once.
 */
function optionsFor(facts: ChainFacts): { spec: OptionSpec; detail: string }[] {
  const out: { spec: OptionSpec; detail: string }[] = [];
  const seen = new Set<string>();
  const add = (spec: OptionSpec, detail: string) => {
    if (seen.has(spec.key) || !fits(spec.directions, facts.direction)) return;
    seen.add(spec.key);
    out.push({ spec, detail });
  };
  for (const spec of GENERIC_OPTIONS) add(spec, `${sideName(facts.direction)} option`);
  const formats = facts.format !== undefined ? [facts.format] : Object.keys(FORMAT_OPTIONS);
  for (const format of formats) {
    for (const spec of FORMAT_OPTIONS[format] ?? []) add(spec, `${format} ${sideName(facts.direction).toLowerCase()} option`);
  }
  return out;
}

/** Direction, format and option keys of the chain around the argument, in both directions. */
function chainFacts(arg: ArgumentAtCursor): ChainFacts {
  const facts: ChainFacts = { keys: new Set() };
  const note = (call: Node) => {
    const parts = callParts(call);
    if (!parts?.name) return;
    if (parts.name === 'format') facts.format ??= literalString(parts.args[0]);
    else if (FORMAT_METHODS.has(parts.name)) facts.format ??= parts.name;
    else if (parts.name === 'option') {
      const key = literalString(parts.args[0]);
      if (key !== undefined) facts.keys.add(key);
    } else if (parts.name === 'options') for (const k of parts.keywords.keys()) facts.keys.add(k);
  };

  // Down the receivers: `spark.readStream.format("kafka").option(...)` -> readStream, kafka.
  let n: Node | undefined = arg.receiver;
  let hops = 0;
  for (let links = 0; n && links < MAX_CHAIN_LINKS; links++) {
    n = unwrapParens(n);
    if (n.type === 'call') {
      note(n);
      const callee = n.childForFieldName('function');
      n = callee?.type === 'attribute' ? (callee.childForFieldName('object') ?? undefined) : undefined;
    } else if (n.type === 'attribute') {
      const name = n.childForFieldName('attribute')?.text ?? '';
      if (DIRECTIONS.has(name)) {
        facts.direction = name as Direction;
        break;
      }
      n = n.childForFieldName('object') ?? undefined;
    } else if (n.type === 'identifier' && hops++ < MAX_ASSIGNMENT_HOPS) {
      n = assignedValue(n);
    } else break;
  }

  // Up the chain: `spark.read.option("mergeSchema", "true").parquet(path)` -> parquet.
  let cur = arg.call;
  for (let links = 0; cur && links < MAX_CHAIN_LINKS; links++) {
    const attr: Node | null = cur.parent;
    const outer: Node | null | undefined = attr?.parent;
    if (attr?.type !== 'attribute' || outer?.type !== 'call' || attr.childForFieldName('object')?.id !== cur.id) break;
    note(outer);
    cur = outer;
  }
  return facts;
}
