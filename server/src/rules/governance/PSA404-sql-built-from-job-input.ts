import { nodesOfType } from '../../model/syntaxIndex';
import type { Node } from '../../parsing/pythonParser';
import { callParts, enclosingScope, literalString, sameNode, unwrapParens } from '../../parsing/syntax';
import { related, type Rule, type RuleContext } from '../rule';
import { callsNamed } from '../helpers/callIndex';

/**
 * `spark.sql(f"... {value} ...")` where `value` comes from whoever starts the job: command-line
 * arguments (`sys.argv`, argparse, Glue's `getResolvedOptions`), Databricks widgets, `input()`, a web
 * request. Whoever can pass the argument can change the statement.
 */

/** How deep the rule looks inside one expression for job input. */
const MAX_EXPRESSION_NODES = 2_000;

interface Source {
  /** Where the input enters (`sys.argv[1]`, `dbutils.widgets.get("date")`). */
  node: Node;
  what: string;
  /**
   * For a dict written out with literal keys: the input each key holds (undefined: none). A config
   * dict that takes two values from widgets and the rest from constants or the logged-in user taints
   * `CONFIG["catalog"]`, not `CONFIG["user"]`.
   */
  keys?: Map<string, Source | undefined>;
}

/** What an expression node reads directly from job input, if anything. */
function inputSource(n: Node): string | undefined {
  const text = n.text;
  if (n.type === 'subscript' && /^sys\.argv\b/.test(text)) return 'a command-line argument (sys.argv)';
  if (n.type === 'attribute' && text === 'sys.argv') return 'a command-line argument (sys.argv)';
  if (n.type !== 'call') return undefined;
  const parts = callParts(n);
  const callee = parts?.callee.text ?? '';
  if (/^dbutils\.widgets\.(get|getArgument)$/.test(callee) || callee === 'getArgument') return 'a Databricks widget';
  if (callee === 'input') return 'input()';
  if (/(^|\.)getResolvedOptions$/.test(callee)) return 'a Glue job argument (getResolvedOptions)';
  if (/(^|\.)parse_args$/.test(callee) || /(^|\.)parse_known_args$/.test(callee)) return 'a command-line argument (argparse)';
  if (/^request\.(args|form|values|json|get_json|headers|cookies)\b/.test(callee)) return 'an HTTP request';
  return undefined;
}

/** The first job-input read inside `expr`, following names bound to job input in the same scope. */
function taintIn(expr: Node, tainted: Map<string, Source>): Source | undefined {
  const stack: Node[] = [expr];
  for (let steps = 0; stack.length && steps < MAX_EXPRESSION_NODES; steps++) {
    const n = stack.pop()!;
    const what = inputSource(n);
    if (what) return { node: n, what };
    const entry = keyedEntry(n, tainted);
    if (entry) {
      if (entry.source) return entry.source;
      continue;
    }
    if (n.type === 'identifier') {
      const t = tainted.get(n.text);
      // A dict none of whose keys holds input (kept only to know its keys) carries nothing.
      if (t && (!t.keys || [...t.keys.values()].some((v) => v))) return t;
      continue;
    }
    if (n.type === 'call') {
      const parts = callParts(n);
      if (!parts) continue;
      if (parts.callee.type === 'attribute') {
        // `day.strip()` is still the argument; `"-".join(parts)` / `"{}".format(x)` splice their arguments.
        if (parts.object) stack.push(parts.object);
        if (parts.name === 'format' || parts.name === 'join') stack.push(...parts.args, ...parts.keywords.values());
        continue;
      }
      // `str(x)` passes it on. Anything else (int(...), a validating helper, strptime) is taken as a
      // conversion or a check: the rule would rather miss one than flag validated input.
      if (parts.callee.text === 'str') stack.push(...parts.args);
      continue;
    }
    // `args.date`: the base name carries the taint; the attribute name is not a variable.
    if (n.type === 'attribute') {
      const object = n.childForFieldName('object');
      if (object) stack.push(object);
      continue;
    }
    if (n.type === 'keyword_argument') {
      const value = n.childForFieldName('value');
      if (value) stack.push(value);
      continue;
    }
    for (const c of n.namedChildren) stack.push(c);
  }
  return undefined;
}

/**
 * `CONFIG["user"]` / `CONFIG.get("user")` on a dict whose keys are known: what that key holds
 * (`{ source: undefined }` for a key holding no job input). Undefined when `n` is not such a read,
 * or the key is not one the dict was written with (then the whole dict counts).
 */
function keyedEntry(n: Node, tainted: Map<string, Source>): { source: Source | undefined } | undefined {
  let base: Node | null | undefined;
  let key: string | undefined;
  if (n.type === 'subscript') {
    base = n.childForFieldName('value');
    const index = n.childForFieldName('subscript');
    key = index ? literalString(index) : undefined;
  } else if (n.type === 'call') {
    const parts = callParts(n);
    if (parts?.name !== 'get' || !parts.object || !parts.args[0]) return undefined;
    base = parts.object;
    key = literalString(parts.args[0]);
  }
  const keys = base?.type === 'identifier' ? tainted.get(base.text)?.keys : undefined;
  if (!keys || key === undefined || !keys.has(key)) return undefined;
  return { source: keys.get(key) };
}

/** `{"catalog": dbutils.widgets.get("catalog"), "user": user}`: the input each literal key holds, or undefined when a key is computed or `**spread`. */
function dictTaint(dict: Node, visible: Map<string, Source>): Map<string, Source | undefined> | undefined {
  const keys = new Map<string, Source | undefined>();
  for (const item of dict.namedChildren) {
    if (!item || item.type === 'comment') continue;
    const key = item.type === 'pair' ? literalString(item.childForFieldName('key')) : undefined;
    const value = item.childForFieldName('value');
    if (key === undefined || !value) return undefined;
    keys.set(key, taintIn(value, visible));
  }
  return keys;
}

/** A Source for a dict from what its keys hold: the first tainted key stands for the whole dict where it is used whole. */
function keyedSource(keys: Map<string, Source | undefined>, node: Node): Source {
  const first = [...keys.values()].find((v) => v);
  return first ? { node: first.node, what: first.what, keys } : { node, what: '', keys };
}

/** Names bound (in document order) to expressions carrying job input, per enclosing scope. */
function taintedNames(ctx: RuleContext): Map<number, Map<string, Source>> {
  const byScope = new Map<number, Map<string, Source>>();
  const namesIn = (scope: Node) => {
    let m = byScope.get(scope.id);
    if (!m) byScope.set(scope.id, (m = new Map()));
    return m;
  };
  const moduleNames = namesIn(ctx.model.root);
  for (const a of nodesOfType(ctx.model, 'assignment')) {
    const left = a.childForFieldName('left');
    const right = a.childForFieldName('right');
    if (!left || !right) continue;
    const scope = enclosingScope(a);
    const names = namesIn(scope);
    // A function sees module-level names it does not rebind.
    const visible = scope.id === ctx.model.root.id ? names : new Map([...moduleNames, ...names]);
    if (left.type === 'subscript') {
      // `CONFIG["date"] = dbutils.widgets.get("date")`: that key now holds input.
      const base = left.childForFieldName('value');
      const index = left.childForFieldName('subscript');
      const key = index ? literalString(index) : undefined;
      const known = base?.type === 'identifier' ? visible.get(base.text) : undefined;
      const source = taintIn(right, visible);
      if (base?.type !== 'identifier') continue;
      if (known?.keys && key !== undefined) {
        const keys = new Map(known.keys).set(key, source);
        names.set(base.text, keyedSource(keys, known.node));
      } else if (source && !known) names.set(base.text, source);
      continue;
    }
    if (left.type !== 'identifier') continue;
    const value = unwrapParens(right);
    const keys = value.type === 'dictionary' ? dictTaint(value, visible) : undefined;
    const source = keys ? keyedSource(keys, value) : taintIn(right, visible);
    if (source) names.set(left.text, source);
    else names.delete(left.text);
  }
  return byScope;
}

/** A spliced part and the SQL text written just before it (what decides whether it is a name or a value). */
interface Splice {
  part: Node;
  before: string;
}

/** The text of a plain string literal's content (no prefix, quotes or fields). */
function literalText(n: Node): string {
  return n.children
    .filter((c) => c.type === 'string_content' || c.type === 'escape_sequence')
    .map((c) => c.text)
    .join('');
}

/** The parts of a SQL text argument that are spliced in: f-string fields, `+` operands, format arguments. */
function splicedParts(arg: Node): Splice[] {
  const n = unwrapParens(arg);
  if (n.type === 'string') {
    const out: Splice[] = [];
    let before = '';
    for (const c of n.children) {
      if (c.type === 'interpolation') {
        out.push({ part: c, before });
        before += 'x';
      } else if (c.type === 'string_content' || c.type === 'escape_sequence') before += c.text;
    }
    return out;
  }
  if (n.type === 'concatenated_string') return n.namedChildren.flatMap((c) => splicedParts(c));
  if (n.type === 'binary_operator') {
    const op = n.childForFieldName('operator')?.text;
    const left = n.childForFieldName('left');
    const right = n.childForFieldName('right');
    if (!left || !right) return [];
    const l = unwrapParens(left);
    const r = unwrapParens(right);
    if (op === '+') {
      const leftParts = l.type === 'string' || l.type === 'binary_operator' ? splicedParts(l) : [{ part: l, before: '' }];
      const leftText = l.type === 'string' ? literalText(l) : '';
      const rightParts = r.type === 'string' ? splicedParts(r) : [{ part: r, before: leftText }];
      return [...leftParts, ...rightParts];
    }
    // "... '%s' ..." % value: judged by the text before the first placeholder.
    if (op === '%' && l.type === 'string') return [{ part: r, before: literalText(l).split(/%[sdr]/)[0] }];
    return [];
  }
  if (n.type === 'call') {
    const parts = callParts(n);
    const template = parts?.object ? unwrapParens(parts.object) : undefined;
    if (parts?.name === 'format' && template?.type === 'string') {
      const before = literalText(template).split(/\{[^}]*\}/)[0];
      return [...parts.args, ...parts.keywords.values()].map((part) => ({ part, before }));
    }
  }
  return [];
}

/**
 * Where a spliced part names a table, schema or column (`FROM {table}`, `{catalog}.{schema}`):
 * catalog and schema parameters are how notebooks and jobs are commonly written, and a name
 * cannot carry a second condition (`SHOW TABLES IN {db}` names a schema; a bare `IN` is a value list). Values and expressions (`= '{day}'`, `WHERE {filter}`) are
 * where injection does harm.
 */
const NAME_BEFORE =
  /(\b(FROM|JOIN|INTO|TABLE|UPDATE|OPTIMIZE|DESCRIBE|DESCRIBE HISTORY|DESCRIBE DETAIL|DESCRIBE EXTENDED|DESCRIBE TABLE|HISTORY|DETAIL|USE|DATABASE|SCHEMA|CATALOG|VIEW|EXISTS|TRUNCATE|USING|REFRESH|VACUUM|ZORDER BY|PARTITIONED BY|CLUSTER BY|SHOW\s+(?:TABLES|VIEWS|FUNCTIONS|SCHEMAS|DATABASES|COLUMNS|PARTITIONS|TBLPROPERTIES)(?:\s+EXTENDED)?\s+IN)\s+|[.`])$/i;

/** Inside the quoted text of a `COMMENT '...'` clause. */
const INSIDE_COMMENT = /\bCOMMENT\s+'[^']*$/i;

/** The expression of a splice (`{s}` and `s` alike). */
function spliceText(part: Node): string {
  const expr =
    part.type === 'interpolation'
      ? part.namedChildren.find((c) => c && c.type !== 'comment' && c.type !== 'format_specifier' && c.type !== 'type_conversion')
      : part;
  return (expr ?? part).text.replace(/\s+/g, '');
}

function namesAnIdentifier(before: string): boolean {
  return NAME_BEFORE.test(before);
}

export const sqlBuiltFromJobInput: Rule = {
  code: 'PSA404',
  name: 'sql-built-from-job-input',
  summary: 'spark.sql() text spliced together with job input (sys.argv, argparse, widgets, Glue arguments): SQL injection.',
  defaultSeverity: 'warning',
  check(ctx: RuleContext) {
    let tainted: Map<number, Map<string, Source>> | undefined;
    for (const call of callsNamed(ctx.model, 'sql')) {
      const parts = callParts(call);
      if (parts?.name !== 'sql' || !parts.object) continue;
      const query = parts.args[0] ?? parts.keywords.get('sqlQuery');
      if (!query) continue;
      const spliced = splicedParts(query);
      if (!spliced.length) continue;
      tainted ??= taintedNames(ctx);
      const scope = enclosingScope(call);
      const visible = new Map([...(tainted.get(ctx.model.root.id) ?? []), ...(scope.id === ctx.model.root.id ? [] : (tainted.get(scope.id) ?? []))]);
      // A value spliced as a name is let through (above); the same value repeated as the DDL's
      // description (`CREATE SCHEMA {s} COMMENT '{s}'`) adds nothing the name position did not already allow.
      const asNames = new Set(spliced.filter((s) => namesAnIdentifier(s.before)).map((s) => spliceText(s.part)));
      for (const { part, before } of spliced) {
        if (namesAnIdentifier(before) || (INSIDE_COMMENT.test(before) && asNames.has(spliceText(part)))) continue;
        const source = taintIn(part, visible);
        if (!source) continue;
        ctx.report({
          node: part,
          message:
            `SQL built from job input: this part of the spark.sql() text comes from ${source.what}. Whoever can set that ` +
            'argument can change the statement (close the quote, add a UNION or a second condition). Pass values as ' +
            'parameters, spark.sql("... WHERE day = :day", args={"day": day}), and table or column names with ' +
            'IDENTIFIER(:name) (Spark 3.4+), or check them against a fixed list first.',
          related: sameNode(source.node, part) ? [] : [related(source.node, 'the job input enters here')],
        });
        break;
      }
    }
  },
};
