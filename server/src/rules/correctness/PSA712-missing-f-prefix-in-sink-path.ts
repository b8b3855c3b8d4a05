import type { Fix } from '../../findings';
import type { SinkInfo } from '../../model/types';
import type { Node } from '../../parsing/pythonParser';
import { callParts, enclosingScope, unwrapParens } from '../../parsing/syntax';
import { ScopeIndex, type ScopeInfo } from '../helpers/pythonScopes';
import { related, type Rule, type RuleContext } from '../rule';

/**
 * `.save("s3://lake/{table}/")` where `table` is a variable: the `f` of an f-string is missing, so
 * Spark writes to a folder (or table) literally named `{table}`, the same one on every run.
 *
 * Only a plain string whose every `{...}` is a bare name bound where the string is written, with no
 * other brace, `${...}` substitution or `%` placeholder: a name nothing binds there is a template
 * somebody fills later (`path.format(table=...)`, Jinja, a job parameter), and a string used with
 * `.format`/`%` anywhere is one.
 */

const FIELD = /\{([^{}]*)\}/g;
const NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;
/** Calls that fill a template: a string variable that meets one of them is a template. */
const FILLED = /^(format|format_map|replace|substitute|safe_substitute|render)$/;

interface Target {
  /** The plain string literal the path or table name comes from. */
  literal: Node;
  /** The variable holding it, when the sink names one. */
  variable?: Node;
}

/** The names a plain (non-f) string's braces hold, or undefined when it is not a one-name-per-brace template. */
function placeholderNames(literal: Node): string[] | undefined {
  if (literal.type !== 'string') return undefined;
  const prefix = literal.firstChild?.text.replace(/["']/g, '') ?? '';
  if (/[fbt]/i.test(prefix)) return undefined;
  if (literal.namedChildren.some((c) => c?.type === 'interpolation')) return undefined;
  const text = literal.text.slice(literal.firstChild?.text.length ?? 0);
  if (text.includes('${') || text.includes('{{') || text.includes('}}') || /%\(?\w*\)?[sd]/.test(text)) return undefined;
  const names: string[] = [];
  let rest = text;
  for (const m of text.matchAll(FIELD)) {
    const name = m[1].trim();
    if (!NAME.test(name) || m[1] !== name) return undefined;
    names.push(name);
    rest = rest.replace(m[0], '');
  }
  // A lone brace left over (`{`, `}`) is something else than a placeholder.
  if (!names.length || /[{}]/.test(rest)) return undefined;
  return names;
}

/** The node naming a sink's target: the path argument or `path` option, or the table name. */
function targetNode(sink: SinkInfo): Node | undefined {
  if (sink.pathNode) return sink.pathNode;
  if (sink.table === undefined && !['saveAsTable', 'insertInto', 'toTable', 'table'].includes(sink.method)) return undefined;
  const parts = callParts(sink.call);
  return parts?.args[0] ?? parts?.keywords.get('name') ?? parts?.keywords.get('tableName');
}

export const missingFPrefixInSinkPath: Rule = {
  code: 'PSA712',
  name: 'missing-f-prefix-in-sink-path',
  summary:
    'A write path or table name written as a plain string whose {braces} name variables in scope ("s3://lake/{table}/"): the f prefix is missing, so the job writes to a literal {table} folder or table.',
  defaultSeverity: 'warning',
  check(ctx: RuleContext) {
    const candidates: { sink: SinkInfo; target: Target; names: string[] }[] = [];
    for (const sink of ctx.model.sinks) {
      const node = targetNode(sink);
      if (!node) continue;
      const target = literalOf(node);
      const names = target && placeholderNames(target.literal);
      if (target && names) candidates.push({ sink, target, names });
    }
    if (!candidates.length) return;
    const watched = new Set<string>();
    for (const c of candidates) {
      for (const n of c.names) watched.add(n);
      if (c.target.variable) watched.add(c.target.variable.text);
    }
    const index = new ScopeIndex(ctx.model.root, (n) => watched.has(n));
    if (!index.complete) return;
    const reported = new Set<number>();
    for (const { sink, target, names } of candidates) {
      if (reported.has(target.literal.id)) continue;
      const scope = index.scopes.get(enclosingScope(target.literal).id);
      if (!scope || !names.every((n) => boundIn(index, scope, n))) continue;
      if (target.variable && !plainVariable(ctx, index, target)) continue;
      reported.add(target.literal.id);
      const shown = names.map((n) => `{${n}}`).join(', ');
      const what = sink.pathNode ? 'path' : 'table name';
      const literally = target.literal.text.slice(target.literal.firstChild?.text.length ?? 0, -(target.literal.lastChild?.text.length ?? 0) || undefined);
      ctx.report({
        node: target.literal,
        message:
          `This ${what} is a plain string, not an f-string: ${shown} ${names.length > 1 ? 'are' : 'is'} written as is, so the job writes to ` +
          `${sink.pathNode ? 'a folder' : 'a table'} literally named '${literally}' on every run instead of the one ${names.length > 1 ? 'the variables name' : `'${names[0]}' names`}. ` +
          `Add the f prefix (f"...").`,
        related: target.variable ? [related(sink.call, `the write that uses '${target.variable.text}'`)] : [],
        why: `${names.map((n) => `'${n}'`).join(', ')} ${names.length > 1 ? 'are variables' : 'is a variable'} in scope where the string is written, and nothing fills the string as a template`,
        fixes: fixFor(target.literal),
      });
    }
  },
};

/** The string literal a sink argument is: itself, or the one plain-string assignment of the variable it names. */
function literalOf(node: Node): Target | undefined {
  const n = unwrapParens(node);
  if (n.type === 'string') return { literal: n };
  if (n.type !== 'identifier') return undefined;
  // The assignment is checked against the scopes later; here only its shape.
  const scope = enclosingScope(n);
  let found: Node | undefined;
  let count = 0;
  const stack: Node[] = [scope];
  for (let steps = 0; stack.length && steps < 50_000; steps++) {
    const x = stack.pop()!;
    if (x.id !== scope.id && (x.type === 'function_definition' || x.type === 'class_definition' || x.type === 'lambda')) continue;
    if (x.type === 'assignment' && x.childForFieldName('left')?.text === n.text) {
      count++;
      const right = x.childForFieldName('right');
      if (right && unwrapParens(right).type === 'string') found = unwrapParens(right);
    }
    for (const c of x.namedChildren) if (c) stack.push(c);
  }
  return count === 1 && found ? { literal: found, variable: n } : undefined;
}

/** The name is bound in the scope the string is written in or one enclosing it (class bodies aside). */
function boundIn(index: ScopeIndex, scope: ScopeInfo, name: string): boolean {
  for (let s: ScopeInfo | undefined = scope, first = true; s; s = s.parent, first = false) {
    if (!first && s.node.type === 'class_definition') continue;
    if (index.binds(s, name)) return true;
  }
  return false;
}

/**
 * The variable holding the string is bound once in its scope and never meets a template filler
 * (`path.format(...)`, `path % args`, `Template(path)`, `render(path)`): the sink writes it as is.
 */
function plainVariable(ctx: RuleContext, index: ScopeIndex, target: Target): boolean {
  const v = target.variable!;
  const scope = index.scopes.get(enclosingScope(v).id);
  if (!scope) return false;
  let owner: ScopeInfo | undefined;
  for (let s: ScopeInfo | undefined = scope; s && !owner; s = s.parent) if (index.binds(s, v.text)) owner = s;
  if (!owner || index.bindingsOf(owner, v.text).length !== 1) return false;
  for (const o of index.referencesTo(owner, v.text)) {
    if (o.role === 'bind') continue;
    const parent = o.node.parent;
    if (!parent) continue;
    if (parent.type === 'attribute' && FILLED.test(parent.childForFieldName('attribute')?.text ?? '')) return false;
    if (parent.type === 'binary_operator' && parent.child(1)?.text === '%') return false;
    // Handed to something other than the writer (a renderer, a template class, a helper): it may fill it.
    if (o.argumentOf && !ctx.model.sinks.some((s) => s.call.id === o.argumentOf!.id)) return false;
  }
  return true;
}

function fixFor(literal: Node): Fix[] {
  return [
    {
      title: 'Make it an f-string',
      edits: [{ start: literal.startIndex, end: literal.startIndex, newText: 'f' }],
      applicability: 'unsafe',
      reason: 'changes where the job writes',
    },
  ];
}
