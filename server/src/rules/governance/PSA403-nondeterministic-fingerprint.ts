import type { Fix } from '../../findings';
import { ensureModuleImport } from '../../fixes/edits';
import type { Node } from '../../parsing/pythonParser';
import { callParts, isStringNode, unwrapParens } from '../../parsing/syntax';
import type { Rule, RuleContext } from '../rule';
import { identifiersNamed, nodesOfType } from '../../model/syntaxIndex';
import type { DataFrameModel } from '../../model/types';
import { callsNamed } from '../helpers/callIndex';

/** Names that only make sense for a value meant to be compared across runs or processes. */
const FINGERPRINT_NAME = /fingerprint|checksum|digest|signature|etag|dedup|cache_?key/i;
/** Names that often are fingerprints, but also in-process keys: they count only with data-like input. */
const WEAK_NAME = /hash|(^|_)id$|(^|_)key$/i;
/** Names of variables holding query text. */
const QUERY_NAME = /(^|_)(sql|query|stmt|statement)(_|$)/i;
const STRING_CALLS = new Set(['str', 'repr']);

export const nondeterministicFingerprint: Rule = {
  code: 'PSA403',
  name: 'nondeterministic-fingerprint',
  summary: 'Python hash() used as a fingerprint of data or queries: it changes from one process to the next.',
  defaultSeverity: 'warning',
  check(ctx: RuleContext) {
    const imports = ctx.model.imports;
    // `from pyspark.sql.functions import *` (or `hash`) makes `hash` Spark's deterministic F.hash.
    if (imports.functionsStar || imports.functionNames.has('hash')) return;
    const calls = callsNamed(ctx.model, 'hash').filter((call) => {
      const parts = callParts(call);
      return parts?.callee.type === 'identifier' && parts.name === 'hash' && parts.args.length === 1 && !parts.keywords.size;
    });
    if (!calls.length || hashIsRebound(ctx.model)) return;
    for (const call of calls) {
      const parts = callParts(call)!;
      const arg = parts.args[0];
      if (arg.type === 'list_splat' || insideDunderHash(call)) continue;
      const reason = fingerprintReason(call, arg);
      if (!reason) continue;
      ctx.report({
        node: call,
        message:
          `hash() used as a fingerprint (${reason}): Python salts str/bytes hashing per process (PYTHONHASHSEED), ` +
          'so the same input gives a different value on the next run, on another executor or after a restart. Stored ' +
          'fingerprints never match again: dedup, caching and change detection silently stop working. Use ' +
          'hashlib.sha256(...).hexdigest() (or F.sha2 / F.xxhash64 on columns).' +
          (isStrOfFrame(arg) ? ' Note that str(df) is only the schema ("DataFrame[id: bigint, ...]"), not the query.' : ''),
        fixes: [sha256Fix(ctx, call, arg)],
      });
    }
  },
};

/** Why the result is a fingerprint, or undefined when nothing says so. */
function fingerprintReason(call: Node, arg: Node): string | undefined {
  const input = dataLikeInput(arg);
  if (input && input !== 'a string') return `the input is ${input}`;
  const name = destinationName(call);
  if (name && FINGERPRINT_NAME.test(name)) return `stored as "${name}"`;
  if (name && WEAK_NAME.test(name) && input) return `stored as "${name}"`;
  return undefined;
}

/** What kind of serialized data the argument is, when it is one. */
function dataLikeInput(arg: Node): string | undefined {
  const a = unwrapParens(arg);
  if (a.type === 'call') {
    const p = callParts(a);
    if (p?.callee.type === 'identifier' && p.name && STRING_CALLS.has(p.name)) return `${p.name}(...)`;
    if (p?.name === 'dumps' && p.object?.text === 'json') return 'json.dumps(...)';
    if (p?.name === 'toJSON' || p?.name === 'json') return `${p.name}()`;
    if (p?.name === 'format' || p?.name === 'join') return 'a string';
    return undefined;
  }
  if (isStringNode(a)) return /\b(select|insert|merge|update|delete)\b[\s\S]*\b(from|into|set)\b/i.test(a.text) ? 'a SQL string' : 'a string';
  const name = a.type === 'identifier' ? a.text : a.type === 'attribute' ? (a.childForFieldName('attribute')?.text ?? '') : '';
  if (name && QUERY_NAME.test(name)) return `a query ("${name}")`;
  return undefined;
}

function isStrOfFrame(arg: Node): boolean {
  const a = unwrapParens(arg);
  const p = a.type === 'call' ? callParts(a) : undefined;
  return p?.name === 'str' && p.callee.type === 'identifier' && /^(df|.*_df|df_.*|frame|.*_frame)$/i.test(p.args[0]?.text ?? '');
}

/** The dict key, keyword or assignment target the hash value is stored under. */
function destinationName(call: Node): string | undefined {
  let n: Node = call;
  while (n.parent?.type === 'parenthesized_expression') n = n.parent;
  const p = n.parent;
  if (!p) return undefined;
  if (p.type === 'pair' && p.childForFieldName('value')?.id === n.id) return stringValue(p.childForFieldName('key'));
  if (p.type === 'keyword_argument' && p.childForFieldName('value')?.id === n.id) return p.childForFieldName('name')?.text;
  if ((p.type === 'assignment' || p.type === 'augmented_assignment') && p.childForFieldName('right')?.id === n.id) {
    const left = p.childForFieldName('left');
    if (!left) return undefined;
    if (left.type === 'identifier') return left.text;
    if (left.type === 'attribute') return left.childForFieldName('attribute')?.text;
    if (left.type === 'subscript') return stringValue(left.childForFieldName('subscript'));
  }
  return undefined;
}

function stringValue(node: Node | null | undefined): string | undefined {
  if (!node || node.type !== 'string') return undefined;
  return node.text.replace(/^[a-zA-Z]*(["']{1,3})([\s\S]*)\1$/, '$2');
}

/** Any binding of the name `hash` in the file (def, class, assignment, import, parameter, loop target). */
function hashIsRebound(model: DataFrameModel): boolean {
  for (const type of ['function_definition', 'class_definition'] as const) {
    for (const n of nodesOfType(model, type)) if (n.childForFieldName('name')?.text === 'hash') return true;
  }
  for (const n of identifiersNamed(model, 'hash')) {
    const p = n.parent;
    if (!p) continue;
    if ((p.type === 'assignment' || p.type === 'augmented_assignment' || p.type === 'for_statement') && p.childForFieldName('left')?.id === n.id) return true;
    if (p.type === 'parameters' || p.type === 'default_parameter' || p.type === 'typed_parameter' || p.type === 'typed_default_parameter') return true;
    if (p.type === 'aliased_import' || (p.type === 'dotted_name' && p.parent?.type === 'import_from_statement')) return true;
    if (p.type === 'as_pattern_target' || p.type === 'pattern_list' || p.type === 'tuple_pattern') return true;
  }
  return false;
}

/** `def __hash__(self): return hash((self.a, self.b))` is exactly what hash() is for. */
function insideDunderHash(node: Node): boolean {
  for (let n = node.parent; n; n = n.parent) {
    if (n.type === 'function_definition') return n.childForFieldName('name')?.text === '__hash__';
  }
  return false;
}

const PRIMARY = new Set(['identifier', 'call', 'attribute', 'subscript', 'string', 'concatenated_string', 'parenthesized_expression']);

function sha256Fix(ctx: RuleContext, call: Node, arg: Node): Fix {
  const a = unwrapParens(arg);
  const stringy = isStringNode(a) || (a.type === 'call' && dataLikeInput(a) !== undefined && !/^(toJSON|json)\(\)$/.test(dataLikeInput(a)!));
  const text = stringy ? (PRIMARY.has(arg.type) ? arg.text : `(${arg.text})`) : `str(${arg.text})`;
  return {
    title: 'Use hashlib.sha256(...).hexdigest() (deterministic; the value becomes a hex str instead of an int)',
    edits: [
      ...ensureModuleImport(ctx.model, ctx.text, 'hashlib'),
      { start: call.startIndex, end: call.endIndex, newText: `hashlib.sha256(${text}.encode("utf-8")).hexdigest()` },
    ],
    applicability: 'unsafe',
    reason: 'the value becomes a hex string instead of an int',
  };
}
