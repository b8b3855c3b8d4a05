import type { Fix } from '../../findings';
import { ensureModuleImport } from '../../fixes/edits';
import type { Node } from '../../parsing/pythonParser';
import { callParts, literalString, pyString, sameNode, stringParts, unwrapParens, type CallParts } from '../../parsing/syntax';
import { related, type Rule, type RuleContext } from '../rule';
import { environmentSecret } from '../../templates';
import { nodesOfType, statementNodesOfType } from '../../model/syntaxIndex';
import { perStatement } from '../../model/statementMemo';
import type { DataFrameModel } from '../../model/types';
import { assignmentsTo, perModel } from '../helpers/scopeIndex';
import { withPlaceholders } from '../../fixes/edits';

/** Where a key/value pair came from, for the message and the environment variable's name. */
type Origin = 'jdbc' | 'generic';

interface Setting {
  key: string;
  value: Node;
  origin: Origin;
  /**
   * An `options=`/`properties=` dict handed to a call that is not one of Spark's setting calls (the
   * project's own `ConnectorSpec(options={...})`): in a test, the input of the unit under test.
   */
  ownCode?: boolean;
}

/** What a value expression is known to hold; `\u0000` stands for a part that is not a literal. */
interface ResolvedValue {
  text: string;
  /** The string literal to report on and replace (a module constant's literal when reached by name). */
  literal: Node;
  /** One plain literal (no interpolation, no concatenation with names): safe to replace whole. */
  plain: boolean;
  /** The name that led to a module constant, for a related location. */
  via?: Node;
}

const UNRESOLVED = '\u0000';

export const hardcodedSecret: Rule = {
  code: 'PSA402',
  name: 'hardcoded-secret',
  summary: 'A literal password, token, key or SAS in a Spark option, config, JAAS string, JDBC URL or environment-variable fallback.',
  defaultSeverity: 'error',
  check(ctx: RuleContext) {
    const judge = modelJudge(ctx);
    const origins = new Map<number, Origin>();
    const reported = new Set<number>();
    const strings: Node[] = [];
    // Each top-level statement's picks, in document order: the calls, then the strings, are in the
    // order the file's candidate calls and strings were judged in before.
    for (const statement of ctx.model.root.children) {
      statementPickCounts.read++;
      const picks = perStatement(statementPicks, statement, picksOfStatement);
      for (const call of picks.calls) judgeCall(call, judge, origins, reported);
      for (const s of picks.strings) strings.push(s);
    }
    for (const whole of strings) {
      if (!reported.has(whole.id)) reportConnectionString(ctx, judge, whole, reported);
    }
  },
};

// ------------------------------------------------------------------ what is judged again after an edit

/**
 * What a check reads beyond the call or string it judges (all of which lie in the call's top-level
 * statement), and where it reports. Per model, the file's answers (`modelJudge`); once per top-level
 * statement, a probe that answers nothing and only records that a check asked, or would report
 * (`Probe`).
 */
interface Judge extends Constants {
  /** The dict literal a name was last bound to before it (`dictBinding`: it may read the statements before this one). */
  dictBinding(name: Node): Node | undefined;
  /** `call` is a Spark conf set, as the model reads the file (`confSets`). */
  setsConf(call: Node): boolean;
  /** `node` is in test code (the code context: the file's path, its imports, the definitions around it). */
  inTest(node: Node): boolean;
  /** Reports the finding `make` builds (fixes read the whole file: its imports). */
  report(make: (ctx: RuleContext) => Finding): void;
}

/** The module constants a name may stand for. */
interface Constants {
  constant(name: string): Node | undefined;
}

type Finding = Parameters<RuleContext['report']>[0];

/** The file's answers: the constants looked up per name, the conf sets made when first asked (most files ask for neither). */
function modelJudge(ctx: RuleContext): Judge {
  let confSetCalls: Set<number> | undefined;
  return {
    constant: (name) => moduleStringConstant(ctx.model, name),
    dictBinding,
    setsConf: (call) => (confSetCalls ??= new Set(ctx.model.confSets.filter((c) => c.via !== 'builder.config').map((c) => c.call.id))).has(call.id),
    inTest: (node) => ctx.code.at(node).kind === 'test',
    report: (make) => ctx.report(make(ctx)),
  };
}

/**
 * A judge that knows nothing of the file beyond the statement: every read answers "none" and marks
 * the probe touched, and so does a report. A check run with it that leaves it untouched read
 * nothing but the call's statement and reported nothing; run with any file's answers it takes the
 * same path (the same reads of the same subtree, no question to the judge) and reports nothing.
 */
class Probe implements Judge {
  touched = false;
  constant(): undefined {
    this.touched = true;
    return undefined;
  }
  dictBinding(): undefined {
    this.touched = true;
    return undefined;
  }
  setsConf(): boolean {
    this.touched = true;
    return false;
  }
  inTest(): boolean {
    this.touched = true;
    return false;
  }
  report(): void {
    this.touched = true;
  }
}

/** One call judged by the three checks, in the order the rule reports them. */
function judgeCall(call: Node, judge: Judge, origins: Map<number, Origin>, reported: Set<number>): void {
  for (const setting of settingsOf(call, judge, origins)) {
    // A test handing a login to the project's own code (a connector spec, a config object) feeds
    // the unit under test a fixture, often one the test then checks is redacted; a literal a test
    // hands straight to a Spark option or JDBC call is still reported. (The probe answers "not a
    // test" and is touched, so such a call is kept and judged per model with the real answer.)
    if (setting.ownCode && judge.inTest(call)) continue;
    checkSetting(judge, setting, reported);
  }
  checkEnvironmentFallback(judge, call);
  checkSasInPath(judge, call);
}

/**
 * What a top-level statement gives the rule to judge per model, each in document order: its
 * candidate calls whose checks ask the file something or report (`Probe`), and its strings that
 * hold a connection string with a password (`connectionLeak`, which reads only the literal), each
 * as the node to report (a part of an implicit concatenation as the whole, once per part, as the
 * scan of every string did). A `perStatement` answer: the probe and the leak read only the
 * statement's subtree (a chain's, an argument's, a literal's parents climb no higher than the
 * statement), and the picks are node objects. The other calls and strings report nothing in any
 * file holding the statement, and are not judged again after an edit elsewhere.
 */
interface StatementPicks {
  readonly calls: readonly Node[];
  readonly strings: readonly Node[];
}
const statementPicks = new WeakMap<Node, StatementPicks>();
const NO_PICKS: StatementPicks = { calls: [], strings: [] };

/** @internal Exported for the tests, which compare the picks a statement kept with those made again. */
export function picksOfStatement(statement: Node): StatementPicks {
  statementPickCounts.made++;
  const calls: Node[] = [];
  for (const call of statementNodesOfType(statement, 'call')) {
    if (!isCandidate(call)) continue;
    const probe = new Probe();
    judgeCall(call, probe, new Map(), new Set());
    if (probe.touched) calls.push(call);
  }
  const strings: Node[] = [];
  for (const node of statementNodesOfType(statement, 'string')) {
    // The text test first: most strings of a file are no URL with credentials, and a node's parent
    // costs a walk. A part of an implicit concatenation is judged as the whole concatenated_string.
    if (!mayHoldCredentials(node.text)) continue;
    const whole = node.parent?.type === 'concatenated_string' ? node.parent : node;
    if (connectionLeak(whole)) strings.push(whole);
  }
  return calls.length || strings.length ? { calls, strings } : NO_PICKS;
}

/** @internal The picks `statement` keeps, if it has made them (for the tests). */
export function keptPicksOfStatement(statement: Node): StatementPicks | undefined {
  return statementPicks.get(statement);
}

/** Statements whose picks were read, and of them the ones made (the rest were kept): for the tests' floor on reuse. */
export const statementPickCounts = { read: 0, made: 0 };

/**
 * A call one of the checks may accept: named as one of them accepts, or another named call passing
 * `properties=` or `options=` (a setting whatever the name). Each check still filters its calls; a
 * call without a name is accepted by none of them.
 */
function isCandidate(call: Node): boolean {
  const parts = callParts(call);
  if (parts?.name === undefined) return false;
  return CANDIDATE_NAMES.has(parts.name) || SETTING_KEYWORDS.some((k) => parts.keywords.has(k)) || parts.keywords.has(GLUE_OPTIONS);
}

// ------------------------------------------------------------------ SAS tokens in paths

/** Reader and writer calls that take a path or URL. */
const PATH_METHODS = new Set([
  'load',
  'save',
  'parquet',
  'csv',
  'json',
  'orc',
  'text',
  'delta',
  'avro',
  'xml',
  'start',
  'option',
  'textFile',
  'wholeTextFiles',
  'binaryFiles',
  'addFile',
]);
/** An Azure shared access signature in a URL: a service version and a signature of base64 characters. */
const SAS_VERSION = /[?&]sv=\d{4}-\d{2}-\d{2}/;
const SAS_SIGNATURE = /[?&]sig=([A-Za-z0-9%+/]{20,}(?:=|%3D){0,2})(?:&|$)/;

/** `spark.read.load("https://acct.blob.core.windows.net/c/x.csv?sv=...&sig=...")`: the SAS is a credential. */
function checkSasInPath(judge: Judge, call: Node): void {
  const parts = callParts(call);
  if (!parts?.name || !PATH_METHODS.has(parts.name)) return;
  const path =
    parts.name === 'option' ? (keyString(parts.args[0] ?? call, judge) === 'path' ? parts.args[1] : undefined) : (parts.args[0] ?? parts.keywords.get('path'));
  const value = path ? resolveValue(path, judge) : undefined;
  if (!value || !SAS_VERSION.test(value.text)) return;
  const sig = SAS_SIGNATURE.exec(value.text)?.[1];
  if (!sig || !looksLikeSecretValue(sig)) return;
  judge.report(() => ({
    node: value.literal,
    message:
      'Hardcoded secret: this URL carries an Azure SAS token (sv=...&sig=...). It is a credential to the storage account for as long as it is valid. ' +
      'Everyone who can read the repository, its history, notebook exports or the job definition has it. Keep the URL without the token ' +
      'and configure the SAS at runtime from a secret manager (fs.azure.sas.* / a SAS token provider, dbutils.secrets.get on Databricks); revoke the committed one.',
    related: value.via ? [related(value.via, 'the constant is used here')] : [],
  }));
}

// ------------------------------------------------------------------ environment fallbacks

/**
 * `os.getenv("DB_PASSWORD", "s3cret")`, `os.environ.get("API_TOKEN", "...")` and
 * `os.environ.get("API_TOKEN") or "..."`: the code looks like it reads the secret at runtime, but
 * the credential is committed anyway and silently used wherever the variable is missing.
 */
function checkEnvironmentFallback(judge: Judge, call: Node): void {
  const parts = callParts(call);
  if (!parts || !isEnvironmentLookup(parts)) return;
  const nameNode = parts.args[0] ?? parts.keywords.get('key');
  const variable = nameNode ? keyString(nameNode, judge) : undefined;
  if (variable === undefined || !isSecretKey(variable)) return;
  let fallback: Node | undefined = parts.args[1] ?? parts.keywords.get('default');
  // What the fix replaces: the lookup, or the whole `lookup or "..."`.
  let whole = call;
  if (!fallback) {
    let parent = call.parent;
    while (parent?.type === 'parenthesized_expression') parent = parent.parent;
    const left = parent?.type === 'boolean_operator' && parent.children.some((c) => c.type === 'or') ? parent.childForFieldName('left') : null;
    if (parent && left && sameNode(unwrapParens(left), call)) {
      fallback = parent.childForFieldName('right') ?? undefined;
      whole = parent;
    }
  }
  const value = fallback ? resolveValue(fallback, judge) : undefined;
  if (!value || !looksLikeSecretValue(value.text, variable)) return;
  if (localServiceDefault(judge, call, value.text)) return;
  judge.report((ctx) => ({
    node: value.literal,
    message:
      `Hardcoded secret: the fallback for the environment variable "${variable}" is a literal credential. It is in ` +
      'the repository and its history, and any run where the variable is missing uses it without a word. Require ' +
      'the variable (os.environ[...] fails fast when it is missing) and rotate the committed value.',
    related: value.via ? [related(value.via, 'the constant is used here')] : [],
    fixes:
      nameNode && literalString(unwrapParens(nameNode)) !== undefined
        ? [
            {
              title: `Require ${variable} from the environment: ${environmentSecret(variable)}`,
              edits:
                parts.object?.text === 'environ'
                  ? [{ start: whole.startIndex, end: whole.endIndex, newText: `environ[${pyString(variable)}]` }]
                  : [...ensureModuleImport(ctx.model, ctx.text, 'os'), { start: whole.startIndex, end: whole.endIndex, newText: environmentSecret(variable) }],
              applicability: 'unsafe',
              reason: 'fails when the variable is unset instead of using the literal',
            },
          ]
        : [],
  }));
}

/** One word a person types, with an optional number: `spark`, `postgres`, `airflow123`. Not a generated token. */
const TYPED_WORD = /^[a-z]+\d*$/;

/**
 * `os.getenv("POSTGRES_PASSWORD", "spark")` in test code: the fallback is the password of the
 * service the suite brings up itself (docker-compose, testcontainers), used when the tests run on
 * a laptop; anywhere else the variable is set. Only a typed word counts: a generated token
 * (`dapi...`, `ghp_...`, base64) committed as a test's fallback is a real credential, and a literal
 * handed straight to a Spark option or JDBC URL in a test is still reported.
 */
function localServiceDefault(judge: Judge, call: Node, value: string): boolean {
  return TYPED_WORD.test(value) && judge.inTest(call);
}

/** The names `isEnvironmentLookup` accepts. */
const ENVIRONMENT_LOOKUPS = ['getenv', 'get'];

/** `os.getenv(...)`, `getenv(...)`, `os.environ.get(...)`, `environ.get(...)`. */
function isEnvironmentLookup(parts: CallParts): boolean {
  const object = parts.object?.text;
  if (parts.name === 'getenv') return object === 'os' || (object === undefined && parts.callee.type === 'identifier');
  return parts.name === 'get' && (object === 'os.environ' || object === 'environ');
}

// ------------------------------------------------------------------ collecting key/value pairs

const SETTING_CALLS = new Set(['option', 'config', 'set', 'setIfMissing', 'options', 'jdbc']);
/** Keywords that carry settings on a call of any name. */
const SETTING_KEYWORDS = ['properties', 'options'];
/**
 * AWS Glue's readers and writers take the connection's settings, its login included, as one
 * `connection_options` dict (`glueContext.write_dynamic_frame.from_options(frame, "postgresql",
 * {"url": ..., "user": ..., "password": ...})`), by keyword or in this position.
 */
const GLUE_CALLS: ReadonlyMap<string, number> = new Map([
  ['from_options', 1], // create_dynamic_frame.from_options(connection_type, connection_options); the writer's is 2
  ['from_jdbc_conf', 2], // write_dynamic_frame.from_jdbc_conf(frame, catalog_connection, connection_options)
  ['create_dynamic_frame_from_options', 1],
  ['create_data_frame_from_options', 1],
  ['write_dynamic_frame_from_options', 2],
  ['write_dynamic_frame_from_jdbc_conf', 2],
]);
const GLUE_OPTIONS = 'connection_options';
/** Glue connection types that are JDBC databases: their login reads as a JDBC one (`JDBC_PASSWORD`). */
const GLUE_JDBC_TYPES = /^(jdbc|postgresql|mysql|sqlserver|oracle|redshift|db2|teradata|saphana|snowflake)$/i;
/** The names of the calls each check may accept (`settingsOf`, `checkEnvironmentFallback`, `checkSasInPath`). */
const CANDIDATE_NAMES: ReadonlySet<string> = new Set([...SETTING_CALLS, ...PATH_METHODS, ...ENVIRONMENT_LOOKUPS, ...GLUE_CALLS.keys()]);

function settingsOf(call: Node, judge: Judge, origins: Map<number, Origin>): Setting[] {
  const parts = callParts(call);
  if (!parts?.name) return [];
  const glue = glueConnectionOptions(parts);
  if (glue) return glueSettings(parts, glue, judge);
  // Climbing the chain costs its length: only calls that can carry a setting pay it.
  if (!SETTING_CALLS.has(parts.name) && !SETTING_KEYWORDS.some((k) => parts.keywords.has(k))) return [];
  const origin = chainOrigin(call, origins);
  const out: Setting[] = [];
  const pair = (keyNode: Node | undefined, value: Node | undefined) => {
    const key = keyNode ? keyString(keyNode, judge) : undefined;
    if (key !== undefined && value) out.push({ key, value, origin });
  };
  const dict = (node: Node | undefined) => {
    for (const [key, value] of dictPairs(node, judge)) out.push({ key, value, origin });
  };
  switch (parts.name) {
    case 'option':
      pair(parts.args[0] ?? parts.keywords.get('key'), parts.args[1] ?? parts.keywords.get('value'));
      break;
    case 'config':
      pair(parts.args[0] ?? parts.keywords.get('key'), parts.args[1] ?? parts.keywords.get('value'));
      dict(parts.keywords.get('map'));
      break;
    case 'set':
    case 'setIfMissing':
      // Only Spark confs: `x.set(k, v)` on an arbitrary object (a cache client, a set) is not ours.
      if (judge.setsConf(call) || /(^|\.)conf$|SparkConf\(\)$/i.test(parts.object?.text ?? '')) pair(parts.args[0], parts.args[1]);
      break;
    case 'options':
      for (const [k, v] of parts.keywords) out.push({ key: k, value: v, origin });
      for (const a of parts.args) if (a.type === 'dictionary_splat') dict(a.namedChildren[0] ?? undefined);
      break;
    case 'jdbc': {
      // `jdbc(**conn, table=t)`: the dict's pairs are the call's keywords (its `url`, its `properties`, and
      // any login written beside them); a splat holds no positional argument.
      const positional = parts.args.filter((a) => a.type !== 'dictionary_splat' && a.type !== 'list_splat');
      const url = positional[0] ?? parts.keywords.get('url');
      if (url) out.push({ key: 'url', value: url, origin: 'jdbc' });
      for (const [key, value] of dictPairs(parts.keywords.get('properties') ?? positional[6], judge)) out.push({ key, value, origin: 'jdbc' });
      for (const a of parts.args) {
        if (a.type !== 'dictionary_splat') continue;
        for (const [key, value] of dictPairs(a.namedChildren[0] ?? undefined, judge)) {
          // A `properties` entry is the JDBC properties dict itself: its pairs are the settings.
          if (key === 'properties') for (const inner of dictPairs(value, judge)) out.push({ key: inner[0], value: inner[1], origin: 'jdbc' });
          else out.push({ key, value, origin: 'jdbc' });
        }
      }
      return out;
    }
  }
  if (parts.name !== 'jdbc') {
    const before = out.length;
    dict(parts.keywords.get('properties'));
    if (parts.name !== 'options') dict(parts.keywords.get('options'));
    if (!SETTING_CALLS.has(parts.name)) for (let i = before; i < out.length; i++) out[i].ownCode = true;
  }
  return out;
}

/** The `connection_options` argument of a Glue reader or writer: by keyword, or at its position. */
function glueConnectionOptions(parts: CallParts): Node | undefined {
  const byKeyword = parts.keywords.get(GLUE_OPTIONS);
  if (byKeyword) return byKeyword;
  let at = parts.name ? GLUE_CALLS.get(parts.name) : undefined;
  if (at === undefined) return undefined;
  // `glueContext.write_dynamic_frame.from_options(frame, connection_type, connection_options)`.
  if (parts.name === 'from_options' && /write_dynamic_frame$/.test(parts.object?.text.replace(/\s/g, '') ?? '')) at = 2;
  const positional = parts.args.filter((a) => a.type !== 'dictionary_splat' && a.type !== 'list_splat' && a.type !== 'keyword_argument');
  // Positions count only when nothing before them is a keyword or a splat.
  return positional.length === parts.args.length ? positional[at] : undefined;
}

/** The password's key in a Glue `connection_options` dict: read for the stand-in test, and the pair it drops. */
const GLUE_PASSWORD_KEY = /^(password|passwd|pwd)$/i;

/** The pairs of a Glue `connection_options` dict, as the settings they are. */
function glueSettings(parts: CallParts, options: Node, judge: Judge): Setting[] {
  const type = literalString(
    parts.keywords.get('connection_type') ?? (parts.name?.includes('write') || /write/.test(parts.object?.text ?? '') ? parts.args[1] : parts.args[0]),
  );
  const origin: Origin = type !== undefined && GLUE_JDBC_TYPES.test(type) ? 'jdbc' : 'generic';
  const pairs = dictPairs(options, judge);
  // `"username": "mongodbuser", "password": "mongodbpassword"`: a login spelt as its two field names is a
  // template's blanks, as in a connection string (isStandInLogin).
  const literal = (names: RegExp) => {
    const found = pairs.find(([key]) => names.test(key));
    return found ? literalString(unwrapParens(found[1])) : undefined;
  };
  const user = literal(/^(user|username|userName|user_name|login)$/i);
  const password = literal(GLUE_PASSWORD_KEY);
  const standIn = user !== undefined && password !== undefined && isStandInLogin(user, password);
  return pairs.filter(([key]) => !(standIn && GLUE_PASSWORD_KEY.test(key))).map(([key, value]) => ({ key, value, origin }));
}

/**
 * 'jdbc' when the text of the whole method chain `call` belongs to (`spark.read.format("jdbc")...load()`)
 * names JDBC. Kept per chain (`origins`, by the chain's outermost node): each `option` of a long chain
 * searched the whole chain's text again.
 */
function chainOrigin(call: Node, origins: Map<number, Origin>): Origin {
  let top = call;
  for (let i = 0; i < 200; i++) {
    const p = top.parent;
    if (!p || (p.type !== 'attribute' && p.type !== 'call')) break;
    top = p;
  }
  let origin = origins.get(top.id);
  if (origin === undefined) {
    const text = top.text.length > 4000 ? top.text.slice(0, 4000) : top.text;
    origin = /jdbc/i.test(text) ? 'jdbc' : 'generic';
    origins.set(top.id, origin);
  }
  return origin;
}

function keyString(node: Node, constants: Constants): string | undefined {
  const n = unwrapParens(node);
  const lit = literalString(n);
  if (lit !== undefined) return lit;
  if (n.type === 'identifier') {
    const c = constants.constant(n.text);
    return c ? literalString(c) : undefined;
  }
  return n.type === 'string' ? interpolatedKey(n, constants) : undefined;
}

/**
 * An f-string key keeps its literal words, which say what the setting is: the account name in
 * `f"fs.azure.account.key.{storage_account}.dfs.core.windows.net"` varies, the account key does not.
 * A name bound to a module constant reads as its value, anything else as `{}`: only literal words
 * judge the key (`f"{secret_scope}.path"` names no secret).
 */
function interpolatedKey(n: Node, constants: Constants): string | undefined {
  let text = '';
  let literalPart = false;
  for (const part of stringParts(n)) {
    if (typeof part === 'string') {
      text += part;
      literalPart ||= /[A-Za-z]/.test(part);
      continue;
    }
    const expr = part.namedChildren[0];
    const c = expr?.type === 'identifier' ? constants.constant(expr.text) : undefined;
    text += (c && literalString(c)) ?? '{}';
  }
  // `f"{name}"` alone says nothing of what it sets.
  return literalPart ? text : undefined;
}

/** Literal-keyed pairs of a dict literal, or of a name bound once at module level to one. */
function dictPairs(node: Node | undefined, judge: Judge): [string, Node][] {
  if (!node) return [];
  let n = unwrapParens(node);
  if (n.type === 'identifier') n = judge.dictBinding(n) ?? n;
  if (n.type !== 'dictionary') return [];
  const out: [string, Node][] = [];
  for (const p of n.namedChildren) {
    if (p?.type !== 'pair') continue;
    const k = p.childForFieldName('key');
    const v = p.childForFieldName('value');
    const key = k ? keyString(k, judge) : undefined;
    if (key !== undefined && v) out.push([key, v]);
  }
  return out;
}

/** The dict literal a name was last assigned before `name`, in the same block or the module. */
function dictBinding(name: Node): Node | undefined {
  for (let block = name.parent; block; block = block.parent) {
    if (block.type !== 'block' && block.type !== 'module') continue;
    let found: Node | undefined;
    for (const stmt of block.namedChildren) {
      if (!stmt || stmt.startIndex >= name.startIndex) break;
      const assign = stmt.type === 'expression_statement' ? stmt.namedChildren[0] : undefined;
      if (assign?.type !== 'assignment' || assign.childForFieldName('left')?.text !== name.text) continue;
      const right = assign.childForFieldName('right');
      found = right && unwrapParens(right).type === 'dictionary' ? unwrapParens(right) : undefined;
    }
    if (found) return found;
  }
  return undefined;
}

const constantsByName = new WeakMap<DataFrameModel, Map<string, Node | undefined>>();

/**
 * The string literal a module-level name stands for: the file assigns the name exactly once (a plain
 * `name = ...` anywhere, or `name op= ...`), in a top-level statement `name = <string literal>`.
 * Asked per name (the names a key or value refers to), from the assignments by name (`assignmentsTo`,
 * carried across edits): every assignment of the file was counted and every top-level statement
 * read per model before (issue 18). @internal Exported for the tests.
 */
export function moduleStringConstant(model: DataFrameModel, name: string): Node | undefined {
  return perModel(constantsByName, model, name, () => {
    const assigned = assignmentsTo(model, name);
    if (assigned.length !== 1) return undefined;
    const a = assigned[0];
    // A top-level statement whose first named child is the assignment, as the module's statements read.
    const statement = a.parent;
    if (statement?.type !== 'expression_statement' || statement.parent?.id !== 0 || !sameNode(statement.namedChildren[0], a)) return undefined;
    const right = a.childForFieldName('right');
    if (!right || augmentedNames(model).has(name)) return undefined;
    const r = unwrapParens(right);
    return (r.type === 'string' || r.type === 'concatenated_string') && literalString(r) !== undefined ? r : undefined;
  });
}

const augmented = new WeakMap<DataFrameModel, Set<string>>();

/** The names the file updates in place (`name += ...`): each such statement counts as one more assignment. */
function augmentedNames(model: DataFrameModel): Set<string> {
  let names = augmented.get(model);
  if (!names) {
    names = new Set();
    for (const a of nodesOfType(model, 'augmented_assignment')) {
      const left = a.childForFieldName('left');
      if (left?.type === 'identifier') names.add(left.text);
    }
    augmented.set(model, names);
  }
  return names;
}

// ------------------------------------------------------------------ judging keys and values

/** Words of a key, split on separators and camelCase: `keyStorePassword` → key, store, password. */
function keyWords(key: string): string[] {
  return key
    .replace(/([a-z0-9])([A-Z])/g, '$1 $2')
    .toLowerCase()
    .split(/[^a-z0-9]+/)
    .filter(Boolean);
}

const SECRET_WORDS = new Set([
  'password',
  'passwd',
  'pwd',
  'passphrase',
  'secret',
  'token',
  'credential',
  'credentials',
  'sas',
  'apikey',
  'accesskey',
  'secretkey',
  'privatekey',
  'accountkey',
]);
const KEY_QUALIFIERS = new Set(['access', 'secret', 'api', 'account', 'private']);
/** A last word that makes the key describe a secret rather than hold it (`...token.provider.type`). */
const NOT_A_VALUE = new Set([
  'type',
  'provider',
  'class',
  'impl',
  'file',
  'path',
  'location',
  'dir',
  'enabled',
  'enable',
  'disabled',
  'interval',
  'timeout',
  'ttl',
  'expiry',
  'expiration',
  'mechanism',
  'protocol',
  'algorithm',
  'endpoint',
  'url',
  'uri',
  'length',
  'bits',
  'size',
  'scope',
  'header',
  'format',
  'mode',
  'version',
  'renewal',
  'regex',
  'pattern',
]);

/** A last word that, after a secret word, names the secret in a store (`secretId`, `secret_name`, `token_arn`). */
const NAMES_A_STORED_SECRET = new Set(['id', 'name', 'arn']);

export function isSecretKey(key: string): boolean {
  const words = keyWords(key);
  if (!words.length || NOT_A_VALUE.has(words[words.length - 1])) return false;
  // Glue connectors and Secrets Manager lookups take the secret's name, not the secret: `"secretId": "prod/db"`.
  if (words.length > 1 && NAMES_A_STORED_SECRET.has(words[words.length - 1]) && SECRET_WORDS.has(words[words.length - 2])) return false;
  return words.some((w, i) => SECRET_WORDS.has(w) || (w === 'key' && i > 0 && KEY_QUALIFIERS.has(words[i - 1])));
}

const PLACEHOLDER_WORDS = new Set([
  'changeme',
  'changeit',
  'replaceme',
  'placeholder',
  'dummy',
  'fake',
  'mock',
  'test',
  'testing',
  'example',
  'sample',
  'todo',
  'tbd',
  'notset',
  'unset',
  'empty',
  'dev',
  'local',
  'secret',
  'password',
  'token',
  'undefined',
  'nil',
  'demo',
  'demokey',
  'demosecret',
  'demopassword',
  'demotoken',
  'yourkey',
  'yoursecret',
  'yourpassword',
  'yourtoken',
  'apikey',
  'apisecret',
  'testkey',
  'testsecret',
  'testpassword',
  'devkey',
  'devsecret',
  'devpassword',
  'xxx',
  'xxxx',
  // "password" in the languages comments and templates are written in: a Brazilian or Spanish
  // template writes `user="usuario", password="senha"` where an English one writes "password".
  'senha',
  'contrasena',
  'contraseña',
  'motdepasse',
  'passwort',
  'kennwort',
  'wachtwoord',
  'haslo',
  'hasło',
  'sifre',
  'şifre',
  'matkhau',
  'katasandi',
  'пароль',
  '密码',
  '비밀번호',
  'パスワード',
  // A value that says it is not used: a token a server without auth ignores ("not-used").
  'unused',
  'notused',
  'notneeded',
  'unneeded',
  // Documentation stand-ins: connector docs write `user=username&password=pass`.
  'pass',
  'passwd',
  'pwd',
  'pw',
  'user',
  'username',
  'mypassword',
  'mysecret',
  'mytoken',
]);

/** Short forms a stand-in value uses for the secret word of its key (`password=pass`). */
const SHORT_FORMS: ReadonlyMap<string, readonly string[]> = new Map([
  ['password', ['pass', 'passwd', 'pwd', 'pw']],
  ['passwd', ['pass', 'pwd', 'pw']],
  ['passphrase', ['pass', 'phrase']],
  ['credential', ['cred', 'creds']],
  ['credentials', ['cred', 'creds', 'credential']],
]);

/**
 * A value that only repeats what its key calls it: the key itself (`"sfPassword": "sfPassword"`),
 * the key's secret word or a short form of it (`password=pass`, `"api_key": "apikey"`), or the
 * words of the key that lead up to its secret word (`client_secret` for
 * `fs.azure.account.oauth2.client.secret.<account>...`, `secret_key` for `fs.s3a.secret.key`), or
 * its secret word's initial alone (`{"user": "u", "password": "p"}`: the fields' initials as blanks).
 * Nobody's credential is the name of the field it goes in; that is a template waiting to be
 * filled. Other words of the key alone do not count: `cassandra` for `spark.cassandra.auth.password`
 * is a real default credential, not a name for the field.
 */
function repeatsKey(word: string, key: string): boolean {
  const words = keyWords(key);
  if (word === words.join('')) return true;
  return words.some(
    (w, i) =>
      ((SECRET_WORDS.has(w) || w === 'key') && (word === w || word === w[0] || SHORT_FORMS.get(w)?.includes(word))) ||
      (w === 'key' && i > 0 && KEY_QUALIFIERS.has(words[i - 1]) && word === words[i - 1] + w) ||
      (SECRET_WORDS.has(w) && i > 0 && endsWithRun(word, words, i)),
  );
}

/** `word` is words[j..i] run together for some j < i: "clientsecret" for ["oauth2", "client", "secret"]. */
function endsWithRun(word: string, words: readonly string[], i: number): boolean {
  let run = words[i];
  for (let j = i - 1; j >= 0 && run.length < word.length; j--) {
    run = words[j] + run;
    if (run === word) return true;
  }
  return false;
}

/**
 * `client_secret = "client_secret"`, `DB_PASSWORD = "db-password"`: a module constant whose value is
 * its own name. A lesson or template names the blank after the variable the reader is to fill in.
 */
function namesItsHolder(value: ResolvedValue): boolean {
  if (!value.via) return false;
  const squash = (s: string) => s.toLowerCase().replace(/[-_. ]/g, '');
  return squash(value.text) === squash(value.via.text);
}

/**
 * Words a fill-in instruction is made of beside the stand-in words themselves: "replace_password",
 * "enter-your-token-here", "ReplaceWithYourKey". Not "my": "my-secret-password" is how a book
 * writes a real-looking password, and readers keep it.
 */
const INSTRUCTION_WORDS = new Set(['replace', 'enter', 'insert', 'fill', 'put', 'here', 'with', 'your', 'goes', 'key', 'name', 'value']);

/** The verbs of a fill-in instruction ("replace with your ...", "paste your ... here"). */
const FILL_IN_VERBS = new Set(['replace', 'enter', 'insert', 'fill', 'put', 'paste', 'add', 'provide', 'type', 'use', 'set']);

/** The type of value a template says goes in a field ("password_string"). */
const TYPE_WORDS = new Set(['string', 'str', 'text']);

/** Words that say a value is not there. */
const ABSENCE_WORDS = new Set(['no', 'not', 'missing', 'none', 'unset', 'undefined', 'null']);
/** What an absence message names beside the secret word: the field ("access key id") and its state ("provided"). */
const ABSENCE_CONTEXT_WORDS = new Set([
  'access',
  'id',
  'api',
  'client',
  'provided',
  'set',
  'configured',
  'given',
  'found',
  'specified',
  'defined',
  'supplied',
  'available',
]);

/**
 * A value spelt only of stand-in, instruction and secret words ("dummy-password", "replace_password",
 * "enter your token here"): a template's blank, not anybody's credential. Two words at least (one
 * word is the PLACEHOLDER_WORDS test) and letters only, so "Wh-2024-pass!" or "s3cr3t-value" stay.
 */
function isStandInPhrase(value: string): boolean {
  if (!/^[A-Za-z]+(?:[-_. ]+[A-Za-z]+)*$/.test(value)) return false;
  const words = value
    .replace(/([a-z])([A-Z])/g, '$1 $2')
    .toLowerCase()
    .split(/[-_. ]+/);
  if (words.length < 2) return false;
  const standIn = (w: string) => PLACEHOLDER_WORDS.has(w) || SECRET_WORDS.has(w) || INSTRUCTION_WORDS.has(w);
  if (words.every(standIn)) return true;
  // "password_string", "token-str": the field's name and the type of value that goes in it.
  if (words.every((w) => standIn(w) || TYPE_WORDS.has(w)) && words.some((w) => SECRET_WORDS.has(w))) return true;
  // "access_secret_key", "api_secret", "private_key": the name of a credential field (a key
  // qualifier or `client` beside a secret word or `key`), written where its value should go.
  const fieldWord = (w: string) => KEY_QUALIFIERS.has(w) || w === 'client';
  if (words.every((w) => standIn(w) || fieldWord(w)) && words.some((w) => SECRET_WORDS.has(w) || w === 'key')) return true;
  // "replace_with_your_storage_account_key", "enter-your-api-key-here": a fill-in instruction addressed
  // to the reader, a verb telling what to do and "your", whatever words name the field between them.
  if (words.length >= 3 && words.includes('your') && words.some((w) => FILL_IN_VERBS.has(w))) return true;
  // "no-secret-access-key-provided", "password-not-set", "missing_api_token": the fallback says the
  // real value is absent. An absence word, and only stand-in, field and state words beside it.
  return words.some((w) => ABSENCE_WORDS.has(w)) && words.every((w) => standIn(w) || ABSENCE_WORDS.has(w) || ABSENCE_CONTEXT_WORDS.has(w));
}

/**
 * Words that make a sentence an instruction to the reader: what to do with the blank ("generate",
 * "paste", "plug ... in", "replace") or where it goes ("here", "your"). Verbs and pointers only, so
 * a passphrase of ordinary words ("correct horse battery staple") is not taken for one.
 */
const SENTENCE_INSTRUCTION_WORDS = new Set([
  'replace',
  'enter',
  'insert',
  'fill',
  'put',
  'here',
  'your',
  'paste',
  'plug',
  'generate',
  'add',
  'copy',
  'provide',
  'type',
]);

/**
 * "Generate a SAS key at storage account level and plug it here": a sentence written where the
 * secret goes, telling the reader to fill it in. Four words at least, spelt of letters with at most
 * a closing punctuation mark each, one of them an instruction word. A token, key or password is
 * one unbroken string; a JAAS line or a connection string has '=' and quotes, so neither is prose.
 */
function isInstructionSentence(value: string): boolean {
  const words = value.split(/\s+/);
  if (words.length < 4 || !words.every((w) => /^[A-Za-z']+[.,;:!?]?$/.test(w))) return false;
  return words.some((w) => SENTENCE_INSTRUCTION_WORDS.has(w.replace(/[.,;:!?]$/, '').toLowerCase()));
}

/**
 * "*** Data Lake Access Key ***", "## storage account key ##": a phrase fenced in asterisks or
 * hashes, the way a course marks the blank its reader fills in (its setting name is often fenced the
 * same way: `fs.azure.account.key.*** Data Lake Name ***...`). The same fence at both ends and two
 * words of letters at least inside, so a key wrapped in markdown bold (`**q9Zk0P+abc/xyz==**`) stays:
 * a key, token or password is one unbroken string, not words.
 */
function isFencedBlank(value: string): boolean {
  return /^([*#])\1+[ \t]*[A-Za-z]+(?:[ \t]+[A-Za-z]+)+[ \t]*\1{2,}$/.test(value);
}

/**
 * One character over and over, alone or in runs cut by separators: "YYYY", "....", "xxx-xx-xxxxx",
 * "XXXXXXXX-XXXX-XXXX", "0000 0000". The shape of a value to fill in, not a value: a key, token or
 * password of one repeated character is no credential anybody is issued.
 */
function isMask(v: string): boolean {
  if (/^(.)\1{2,}$/.test(v)) return true;
  const runs = v.split(/[-_. /:]+/);
  return runs.length > 1 && runs.every(Boolean) && /^(\w)\1{2,}$/.test(runs.join(''));
}

/** What a scrubbed export leaves where a secret was ("***removed***", "##REDACTED##"). */
const SCRUBBED_WORDS = new Set(['removed', 'redacted', 'hidden', 'masked', 'omitted', 'scrubbed', 'censored']);

/**
 * False for values that are references, class names, paths or placeholders rather than a
 * credential; with `key`, also for a value that merely repeats the key's name for the secret.
 */
export function looksLikeSecretValue(value: string, key?: string): boolean {
  const v = value.trim();
  if (!v || v.includes(UNRESOLVED)) return false;
  if (/\{\{\s*secrets\//i.test(v) || /\$\{[^}]*\}/.test(v) || /^env:/i.test(v)) return false;
  if (/^[A-Za-z_$][\w$]*(\.[A-Za-z_$][\w$]*){2,}$/.test(v)) return false;
  if (/^(\/|~\/|\.\.?\/|[A-Za-z][\w+.-]*:\/\/|dbfs:|file:|[A-Za-z]:\\)/.test(v)) return false;
  if (/^<[^>]*>$/.test(v) || /^\[[^\]]*\]$/.test(v) || /^\{[^}]*\}$/.test(v) || /^your[-_]/i.test(v)) return false;
  if (/^\*+$/.test(v) || /^x+$/i.test(v) || /^(true|false|none|null)$/i.test(v)) return false;
  // One character typed over and over ("YYYY", "0000", "....") stands in for a value to fill in, also
  // in runs cut by separators the way a mask shows a value's shape ("xxx-xx-xxxxx", "0000-0000").
  if (isMask(v)) return false;
  // Words that stand for "no real value here" (dev defaults, stubs), not credentials, also when
  // fenced in asterisks or hashes the way scrubbed exports write them ("***removed***").
  const word = v
    .replace(/^[*#]+|[*#]+$/g, '')
    .toLowerCase()
    .replace(/[-_ ]/g, '');
  if (PLACEHOLDER_WORDS.has(word) || (word !== v.toLowerCase() && SCRUBBED_WORDS.has(word))) return false;
  if (isStandInPhrase(v)) return false;
  if (isInstructionSentence(v)) return false;
  if (isFencedBlank(v)) return false;
  if (key !== undefined && repeatsKey(word, key)) return false;
  return true;
}

function resolveValue(node: Node, constants: Constants): ResolvedValue | undefined {
  const n = unwrapParens(node);
  if (n.type === 'identifier') {
    const c = constants.constant(n.text);
    const text = c ? literalString(c) : undefined;
    return c && text !== undefined ? { text, literal: c, plain: true, via: n } : undefined;
  }
  if (n.type !== 'string' && n.type !== 'concatenated_string') return undefined;
  const strings = n.type === 'string' ? [n] : n.namedChildren.filter((c): c is Node => c?.type === 'string');
  let text = '';
  let interpolated = false;
  for (const s of strings) {
    for (const part of stringParts(s)) {
      if (typeof part === 'string') {
        text += part;
        continue;
      }
      interpolated = true;
      const expr = part.namedChildren[0];
      const c = expr?.type === 'identifier' ? constants.constant(expr.text) : undefined;
      text += (c && literalString(c)) ?? UNRESOLVED;
    }
  }
  return { text, literal: n, plain: !interpolated };
}

/** The password inside a JAAS line: `... password="s3cr3t";` */
function jaasPassword(text: string): string | undefined {
  return /\bpassword\s*=\s*(["'])([^"']*)\1/i.exec(text)?.[2];
}

/** The password a JDBC URL embeds: `;password=...`, `?password=...`, `user:pass@` or Oracle's `user/pass@`. */
function jdbcPassword(text: string): string | undefined {
  if (!/^jdbc:/i.test(text)) return undefined;
  return (
    /[;?&:]password=([^;&]*)/i.exec(text)?.[1] ??
    /^jdbc:[\w:]+:\/\/[^/@:?;]+:([^/@?;]+)@/i.exec(text)?.[1] ??
    /^jdbc:oracle:thin:[^/@:]+\/([^@]+)@/i.exec(text)?.[1]
  );
}

// ------------------------------------------------------------------ connection strings

/**
 * The user and password of a URL's authority, any scheme: `mongodb+srv://etl:pw@cluster0.example.net`,
 * `postgresql://etl:pw@db/shop`, `redis://:pw@cache:6379`, `s3n://KEY:SECRET@bucket/path`.
 */
const URL_CREDENTIALS = /^([a-z][a-z0-9+.-]*):\/\/([^\s/?#@:]*):([^\s/?#@]*)@([^\s/?#:,]*)/i;
/** A printf or str.format field left in a template (`%s`, `%(pw)s`, `{0}`, `{password}`): filled at run time. */
const FORMAT_FIELD = /%(\([^)]*\))?[-#0 +]*\d*(\.\d+)?[sdifr]|\{[^{}]*\}/;
/** Hosts of the machine itself or of a compose / cluster network (a name without a dot). */
const LOCAL_HOST = /^(localhost|127(\.\d+){3}|0\.0\.0\.0|host\.docker\.internal|[a-z0-9_-]+)$/i;

/** A cheap test of the raw text before anything is read: a URL with credentials has ':' and '@' or 'password='. */
function mayHoldCredentials(raw: string): boolean {
  return raw.includes(':') && (raw.includes('@') || /password=/i.test(raw));
}

/** No module constant: a connection string is judged on what its own literal writes. */
const NO_CONSTANTS: Constants = { constant: () => undefined };

/**
 * A string literal that is a connection string with a literal password in it, wherever the code
 * writes it: a module constant (`MONGO_URI = "mongodb+srv://etl:...@cluster0..."`), an argument of
 * a client (`MongoClient("...")`, `create_engine("...")`), a Spark option whose key names no secret
 * (`.config("spark.mongodb.write.connection.uri", "...")`), an environment variable's fallback. The
 * password is judged as a `password` value (stand-ins, `${VAR}`, `<password>` are not credentials).
 * Left alone: test code (the throwaway service a suite brings up), a docstring, a URL built at run
 * time, and a local service's default login (the user name repeated as the password, on localhost or
 * a compose service name: `airflow:airflow@postgres`). A JDBC URL a setting already reported is not
 * reported twice.
 *
 * This reads the literal alone: the rest of the file only decides whether it is test code
 * (`reportConnectionString`). Gives the literal's text and the credentials in it.
 */
function connectionLeak(node: Node): { value: ResolvedValue; credentials: Credentials } | undefined {
  if (node.parent?.type === 'expression_statement') return undefined;
  // Only what this literal writes: a password interpolated from a module constant is that
  // constant's literal, judged (and reported) where it is written.
  const value = resolveValue(node, NO_CONSTANTS);
  if (!value) return undefined;
  const credentials = connectionCredentials(value.text);
  if (!credentials || FORMAT_FIELD.test(credentials.password) || !looksLikeSecretValue(credentials.password, 'password')) return undefined;
  if (credentials.host !== undefined && LOCAL_HOST.test(credentials.host) && credentials.user.toLowerCase() === credentials.password.toLowerCase())
    return undefined;
  if (isStandInLogin(credentials.user, credentials.password)) return undefined;
  return { value, credentials };
}

/** What a stand-in login calls its two fields: `mongouser`, `db_user`; `mongopassword`, `db_pass`. */
const STAND_IN_USER = /^([a-z]*?)[-_.]?(user|username|usr|login)$/;
const STAND_IN_PASSWORD = /^([a-z]*?)[-_.]?(password|passwd|pass|pwd|pw)$/;

/**
 * `mongouser:mongopassword`, `db_user:db_pass`: a user and a password named after their own fields,
 * with the same word before each (the service or the role). A template's blanks for the reader to
 * fill in, not an account: a real login is not spelt as the names of its two fields. A password
 * that only ends in the word (`admin:adminpassword`, `etl:Etl_pass`) is not a field name and stays.
 */
function isStandInLogin(user: string, password: string): boolean {
  const u = STAND_IN_USER.exec(user.toLowerCase());
  const p = STAND_IN_PASSWORD.exec(password.toLowerCase());
  return !!u && !!p && u[1] === p[1];
}

/** `node` is a string `connectionLeak` accepts (a statement's pick): reported unless in test code. */
function reportConnectionString(ctx: RuleContext, judge: Judge, node: Node, reported: Set<number>): void {
  const { value, credentials } = connectionLeak(node)!;
  if (judge.inTest(node)) return;
  reported.add(node.id);
  const name = connectionEnvName(node, credentials.scheme);
  ctx.report({
    node,
    message:
      `Hardcoded secret: this ${credentials.scheme} connection string embeds a password. Everyone who can read the repository, its ` +
      'history, notebook exports or the job definition can connect with it. Read the connection string, or its password, at ' +
      'runtime (os.environ, a secret manager, dbutils.secrets.get on Databricks) and rotate the one that was committed.',
    // The fallback of an environment lookup already names its variable: requiring it is the fix, not another one.
    fixes:
      value.plain && !isLookupFallback(node)
        ? [
            {
              title: `Read the connection string from os.environ[${pyString(name)}]`,
              edits: [
                ...ensureModuleImport(ctx.model, ctx.text, 'os'),
                withPlaceholders({ start: node.startIndex, end: node.endIndex, newText: environmentSecret(name) }, name),
              ],
              applicability: 'display-only',
              reason: 'name the variable and set it from your secret store',
            },
          ]
        : [],
  });
}

/** `os.getenv("X", <node>)`, `os.environ.get("X", <node>)` or `os.environ.get("X") or <node>`. */
function isLookupFallback(node: Node): boolean {
  let n = node;
  while (n.parent?.type === 'parenthesized_expression') n = n.parent;
  const parent = n.parent;
  if (parent?.type === 'argument_list' || parent?.type === 'keyword_argument') {
    const call = parent.type === 'argument_list' ? parent.parent : parent.parent?.parent;
    const parts = call ? callParts(call) : undefined;
    return !!parts && isEnvironmentLookup(parts);
  }
  if (parent?.type === 'boolean_operator') {
    const left = parent.childForFieldName('left');
    const parts = left ? callParts(unwrapParens(left)) : undefined;
    return !!parts && isEnvironmentLookup(parts);
  }
  return false;
}

interface Credentials {
  scheme: string;
  user: string;
  password: string;
  /** Undefined for a JDBC URL that passes the password as a property (`;password=...`). */
  host?: string;
}

/** The scheme, user, password and first host of a URL with credentials in it; JDBC URLs in each of their forms. */
function connectionCredentials(text: string): Credentials | undefined {
  if (/^jdbc:/i.test(text)) {
    const password = jdbcPassword(text);
    if (password === undefined) return undefined;
    const authority = /^jdbc:[\w:]+:\/\/([^/@:?;]+):[^/@?;]+@([^/:?;,]*)/i.exec(text);
    const scheme = /^jdbc:(\w+)/i.exec(text)?.[1] ?? 'jdbc';
    return { scheme: `JDBC (${scheme})`, user: authority?.[1] ?? '', password, host: authority?.[2] };
  }
  const m = URL_CREDENTIALS.exec(text);
  if (!m) return undefined;
  return { scheme: m[1], user: m[2], password: m[3], host: m[4] };
}

/** `MONGO_URI` for `MONGO_URI = "..."` or `mongo_uri=...`; otherwise the scheme's (`MONGODB_URL`). */
function connectionEnvName(node: Node, scheme: string): string {
  let n = node;
  while (n.parent?.type === 'parenthesized_expression') n = n.parent;
  const parent = n.parent;
  const named =
    parent?.type === 'assignment' && sameNode(parent.childForFieldName('right'), n)
      ? parent.childForFieldName('left')
      : parent?.type === 'keyword_argument'
        ? parent.childForFieldName('name')
        : undefined;
  // A name of one word (`url`, `uri`) says too little for a variable of the environment: the scheme's then.
  if (named?.type === 'identifier' && /[a-z0-9][_A-Z]|_[a-zA-Z]/.test(named.text)) return envName(named.text, 'generic');
  return envName(`${scheme.replace(/^JDBC \((\w+)\)$/, 'jdbc_$1').replace(/\+.*$/, '')}_url`, 'generic');
}

// ------------------------------------------------------------------ reporting and fixing

function checkSetting(judge: Judge, setting: Setting, reported: Set<number>): void {
  const value = resolveValue(setting.value, judge);
  if (!value) return;
  const leak = /(^|\.)sasl\.jaas\.config$/i.test(setting.key)
    ? leakIn(jaasPassword(value.text), `the JAAS config "${setting.key}" embeds password="..."`)
    : jdbcPassword(value.text) !== undefined
      ? leakIn(jdbcPassword(value.text), 'the JDBC URL embeds a password')
      : isSecretKey(setting.key) && looksLikeSecretValue(value.text, setting.key) && !namesItsHolder(value)
        ? `"${setting.key}" is set to a literal`
        : undefined;
  if (!leak) return;
  const name = envName(setting.key, setting.origin);
  reported.add(value.literal.id);
  judge.report((ctx) => ({
    node: value.literal,
    message:
      `Hardcoded secret: ${leak}. Everyone who can read the repository, its history, notebook exports or the job ` +
      'definition has this credential. Read it at runtime (os.environ, a secret manager, dbutils.secrets.get / ' +
      '{{secrets/scope/key}} on Databricks) and rotate the one that was committed.',
    related: value.via ? [related(value.via, 'the constant is used here')] : [],
    fixes: value.plain ? environFix(ctx, value.literal, setting.key, name) : [],
  }));
}

/**
 * The embedded value is always the `password` of its string (`password=...`, `user:password@`). A
 * password that is itself a connection string of `Name=value;` fields (Event Hubs' Kafka endpoint
 * takes `password="Endpoint=sb://...;SharedAccessKeyName=...;SharedAccessKey=..."`) is judged on its
 * key fields: the endpoint and the key's name are no secret, and `SharedAccessKey=zzzzzzzz` is a blank.
 */
function leakIn(secret: string | undefined, what: string): string | undefined {
  if (secret === undefined) return undefined;
  const keys = connectionStringKeys(secret);
  const leaks = keys ? keys.some((k) => looksLikeSecretValue(k, 'password')) : looksLikeSecretValue(secret, 'password');
  return leaks ? what : undefined;
}

/** The fields of an Azure-style connection string that hold its secret. */
const CONNECTION_STRING_KEY_FIELDS = /^(sharedaccesskey|sharedaccesssignature|accountkey|password|pwd)$/i;

/**
 * The secret fields' values of a `Name=value;Name=value` connection string (Azure Event Hubs, Service
 * Bus and storage strings), or undefined when the text is not one or names no secret field: then the
 * whole text is the password.
 */
function connectionStringKeys(text: string): string[] | undefined {
  const fields = text
    .split(';')
    .map((f) => f.trim())
    .filter(Boolean);
  if (fields.length < 2 || !fields.every((f) => /^[A-Za-z][\w ]*=/.test(f))) return undefined;
  const keys = fields.filter((f) => CONNECTION_STRING_KEY_FIELDS.test(f.slice(0, f.indexOf('=')).trim())).map((f) => f.slice(f.indexOf('=') + 1));
  return keys.length ? keys : undefined;
}

/** `JDBC_PASSWORD`, `KAFKA_SASL_JAAS_CONFIG`, `FS_S3A_SECRET_KEY`: the key, as an environment variable. */
export function envName(key: string, origin: Origin): string {
  let name = key
    .replace(/^spark\.hadoop\./, '')
    .replace(/^spark\./, '')
    .replace(/([a-z0-9])([A-Z])/g, '$1_$2')
    .replace(/[^A-Za-z0-9]+/g, '_')
    .replace(/^_+|_+$/g, '')
    .toUpperCase();
  if (!name) name = 'SECRET';
  if (origin === 'jdbc' && !name.startsWith('JDBC')) name = `JDBC_${name}`;
  if (/^\d/.test(name)) name = `SECRET_${name}`;
  return name;
}

function environFix(ctx: RuleContext, literal: Node, key: string, name: string): Fix[] {
  return [
    {
      title: `Read "${key}" from os.environ[${pyString(name)}]`,
      edits: [
        ...ensureModuleImport(ctx.model, ctx.text, 'os'),
        withPlaceholders({ start: literal.startIndex, end: literal.endIndex, newText: environmentSecret(name) }, name),
      ],
      // The job cannot run until the user sets that variable from their secret store.
      applicability: 'display-only',
      reason: 'name the variable and set it from your secret store',
    },
  ];
}

/**
 * @internal For the tests: the parts the rule judges the file with, to judge every candidate call and
 * string of the file (the scan the statements' picks replace) and compare.
 */
export const judgingParts = { modelJudge, judgeCall, isCandidate, mayHoldCredentials, connectionLeak, reportConnectionString, Probe };
