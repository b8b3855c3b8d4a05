import { CompletionItemKind, CompletionItemTag, MarkupKind, type CompletionItem } from 'vscode-languageserver';
import { allConfEntries, confEntry, scopeLabel, type SparkConfEntry } from '../spark/conf/sparkConf';
import type { Node } from '../parsing/pythonParser';
import { unwrapParens } from '../parsing/syntax';
import { staticConfKind } from '../rules/configuration/PSA501-static-conf-at-runtime';
import { assignedValue, contentRange, stringArgumentAt, type ArgumentAtCursor } from './stringArgument';

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
const CHAINING = new Set([
  'config',
  'appName',
  'master',
  'enableHiveSupport',
  'remote',
  'set',
  'setIfMissing',
  'setAll',
  'setAppName',
  'setMaster',
  'setSparkHome',
  'setExecutorEnv',
]);
const MAX_CHAIN_LINKS = 200;
const MAX_ASSIGNMENT_HOPS = 5;

/** Conf-key (or conf-value) items at `offset`, or undefined when the cursor is not in the key or value of a conf call. */
export function confKeyCompletionsAt(root: Node, text: string, offset: number): CompletionItem[] | undefined {
  const arg = stringArgumentAt(root, text, offset);
  return arg ? confCompletionsFor(arg, text, offset) : undefined;
}

/** The same, for a string argument already found. */
export function confCompletionsFor(arg: ArgumentAtCursor, text: string, offset: number): CompletionItem[] | undefined {
  if (arg.position > 1) return undefined;
  const target = targetOf(arg.receiver);
  if (!target || !METHODS[target].has(arg.method)) return undefined;
  if (arg.position === 1) return confValueCompletions(arg, text);
  const range = contentRange(arg, text);
  // Where a value is being set on a live session, the keys it can still change come first.
  const settingAtRuntime = target === 'runtime' && arg.method === 'set';
  const typed = text.slice(arg.contentStart, offset).toLowerCase();
  // The client filters too, with a stricter match: dropping what cannot match keeps the answer small.
  return allConfEntries()
    .filter((entry) => isSubsequence(typed, entry.key.toLowerCase()))
    .map((entry) => {
      // Judged as the diagnostics judge them: a key PSA501 would flag in spark.conf.set goes last, struck through.
      const flagged = settingAtRuntime ? staticConfKind(entry.key) : undefined;
      // Then deprecated keys, Spark's internal knobs after the documented ones, keys of other scopes after runtime ones.
      const rank = flagged ? 4 : entry.deprecated ? 3 : entry.internal ? 2 : settingAtRuntime && entry.scope !== 'runtime-sql' ? 1 : 0;
      const detail = detailOf(entry);
      const item: CompletionItem = {
        label: entry.key,
        kind: CompletionItemKind.Property,
        detail: flagged
          ? `PSA501: ${flagged.severity === 'error' ? 'spark.conf.set rejects it' : 'no effect at runtime'} · ${detail}`
          : entry.deprecated
            ? `deprecated · ${detail}`
            : detail,
        textEdit: { range, newText: entry.key },
        sortText: `${rank}_${entry.key}`,
      };
      const documentation = documentationOf(entry);
      if (documentation) item.documentation = { kind: MarkupKind.Markdown, value: documentation };
      if (entry.deprecated || flagged) item.tags = [CompletionItemTag.Deprecated];
      return item;
    });
}

/**
 * The values Spark accepts for the key in the first argument (`spark.conf.set("key", "<here>")`):
 * its listed values, or true/false for a boolean. Undefined when the table says nothing.
 */
function confValueCompletions(arg: ArgumentAtCursor, text: string): CompletionItem[] | undefined {
  const entry = arg.firstArgument ? confEntry(arg.firstArgument) : undefined;
  const values = entry?.values ?? (entry?.type === 'boolean' ? ['true', 'false'] : undefined);
  if (!entry || !values) return undefined;
  const range = contentRange(arg, text);
  return values.map((value, i) => ({
    label: value,
    kind: CompletionItemKind.EnumMember,
    detail: `${entry.key}${entry.default !== undefined ? ` · default ${entry.default}` : ''}`,
    textEdit: { range, newText: value },
    sortText: `${value === entry.default ? 0 : 1}_${String(i).padStart(3, '0')}`,
  }));
}

/** `default 200 · runtime SQL config`; static keys say where they belong. */
function detailOf(entry: SparkConfEntry): string {
  const parts = [];
  if (entry.default !== undefined) parts.push(`default ${entry.default}`);
  if (entry.internal) parts.push('internal');
  parts.push(entry.scope === 'runtime-sql' ? scopeLabel(entry.scope) : `${scopeLabel(entry.scope)}: set it in SparkSession.builder`);
  return parts.join(' · ');
}

/** The doc, deprecation and since-version: the detail already shows the default and scope. */
function documentationOf(entry: SparkConfEntry): string {
  const parts = [];
  if (entry.doc) parts.push(entry.doc);
  if (entry.deprecated) parts.push(`*Deprecated:* ${entry.deprecated}`);
  if (entry.internal) parts.push("*Internal:* not in Spark's documentation; it can change in any release.");
  if (entry.since) parts.push(`Since: Spark ${entry.since}`);
  return parts.join('\n\n');
}

function isSubsequence(needle: string, haystack: string): boolean {
  let i = 0;
  for (let j = 0; i < needle.length && j < haystack.length; j++) if (needle[i] === haystack[j]) i++;
  return i === needle.length;
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
