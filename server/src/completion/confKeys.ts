import { CompletionItemKind, CompletionItemTag, MarkupKind, type CompletionItem } from 'vscode-languageserver';
import { allConfEntries, confMarkdown, scopeLabel, type SparkConfEntry } from '../conf/sparkConf';
import { LineIndex } from '../lineIndex';
import type { Node } from '../parsing/pythonParser';
import { unwrapParens } from '../parsing/syntax';
import { assignedValue, stringArgumentAt } from './stringArgument';

/**
 * Completion of Spark configuration keys in the first string argument of
 * `SparkSession.builder.config("…")`, `spark.conf.set/get/unset("…")` and
 * `SparkConf().set/setIfMissing/get("…")`. Pure: the server maps positions.
 */

/** What the receiver of the call is. */
type ConfTarget = 'builder' | 'runtime' | 'sparkConf';

const METHODS: Record<ConfTarget, ReadonlySet<string>> = {
  builder: new Set(['config']),
  runtime: new Set(['set', 'get', 'unset', 'isModifiable']),
  sparkConf: new Set(['set', 'setIfMissing', 'get', 'contains', 'remove']),
};
/** Calls in a builder or SparkConf chain that hand the same object on. */
const CHAINING = new Set(['config', 'appName', 'master', 'enableHiveSupport', 'remote', 'set', 'setIfMissing', 'setAll', 'setAppName', 'setMaster', 'setSparkHome', 'setExecutorEnv']);
const MAX_CHAIN_LINKS = 200;
const MAX_ASSIGNMENT_HOPS = 5;

/** Conf-key items at `offset`, or undefined when the cursor is not in the key argument of a conf call. */
export function confKeyCompletionsAt(root: Node, text: string, offset: number): CompletionItem[] | undefined {
  const arg = stringArgumentAt(root, text, offset);
  if (!arg || arg.position !== 0) return undefined;
  const target = targetOf(arg.receiver);
  if (!target || !METHODS[target].has(arg.method)) return undefined;
  const lines = new LineIndex(text);
  const range = { start: lines.positionAt(arg.contentStart), end: lines.positionAt(arg.contentEnd) };
  // Where a value is being set on a live session, the keys it can still change come first.
  const settingAtRuntime = target === 'runtime' && arg.method === 'set';
  return allConfEntries().map((entry) => {
    const rank = entry.deprecated ? 2 : settingAtRuntime && entry.scope !== 'runtime-sql' ? 1 : 0;
    const item: CompletionItem = {
      label: entry.key,
      kind: CompletionItemKind.Property,
      detail: detailOf(entry),
      documentation: { kind: MarkupKind.Markdown, value: documentationOf(entry) },
      textEdit: { range, newText: entry.key },
      filterText: entry.key,
      sortText: `${rank}_${entry.key}`,
    };
    if (entry.deprecated) item.tags = [CompletionItemTag.Deprecated];
    return item;
  });
}

/** `default 200 · runtime SQL config`; static keys say where they belong. */
function detailOf(entry: SparkConfEntry): string {
  const parts = [];
  if (entry.default !== undefined) parts.push(`default ${entry.default}`);
  parts.push(entry.scope === 'runtime-sql' ? scopeLabel(entry.scope) : `${scopeLabel(entry.scope)}: set it in SparkSession.builder`);
  return parts.join(' · ');
}

const docs = new Map<string, string>();

/** The doc and since-version, without the facts the detail already shows. Rendered once per key. */
function documentationOf(entry: SparkConfEntry): string {
  let doc = docs.get(entry.key);
  if (doc === undefined) {
    doc = confMarkdown(entry, false);
    docs.set(entry.key, doc);
  }
  return doc;
}

/** Whether `receiver` is a session builder, a session's `conf`, or a SparkConf. */
function targetOf(receiver: Node): ConfTarget | undefined {
  let n: Node | undefined = receiver;
  let hops = 0;
  for (let links = 0; n && links < MAX_CHAIN_LINKS; links++) {
    n = unwrapParens(n);
    if (n.type === 'attribute') {
      const name = n.childForFieldName('attribute')?.text;
      if (name === 'builder') return 'builder';
      if (name === 'conf') return 'runtime';
      return undefined;
    }
    if (n.type === 'call') {
      const callee = n.childForFieldName('function');
      const name = callee?.type === 'identifier' ? callee.text : callee?.type === 'attribute' ? callee.childForFieldName('attribute')?.text : undefined;
      if (name === 'SparkConf' || name === 'getConf') return 'sparkConf';
      if (callee?.type !== 'attribute' || !name || !CHAINING.has(name)) return undefined;
      n = callee.childForFieldName('object') ?? undefined;
      continue;
    }
    if (n.type === 'identifier' && hops++ < MAX_ASSIGNMENT_HOPS) {
      n = assignedValue(n);
      continue;
    }
    return undefined;
  }
  return undefined;
}
