import { isAncestorFrame, type ActionUse, type DataFrameModel } from '../../model/types';
import { perNode } from '../../model/statementMemo';
import type { Node } from '../../parsing/pythonParser';
import { callParts, enclosingStatement, sameNode, unwrapParens } from '../../parsing/syntax';
import type { RuleContext } from '../rule';
import { isReportingCall } from './reporting';
import { moduleFunctionNamed, nodesInScope, perModel } from './scopeIndex';

/**
 * Modules whose functions are known not to cache a frame handed to them: the standard library's
 * usual ones and the libraries a PySpark job imports (their calls the model reads, or that take a
 * frame only to look at it). A module not listed is the project's own or one the engine does not
 * know, whose function may cache what it is given.
 */
const LIBRARIES = new Set([
  'pyspark',
  'delta',
  'awsglue',
  'dlt',
  'databricks',
  'pyspark_test',
  'chispa',
  'pandas',
  'numpy',
  'pyarrow',
  'logging',
  'os',
  'sys',
  'json',
  'time',
  'datetime',
  'typing',
  'functools',
  'itertools',
  'collections',
  're',
  'math',
  'pathlib',
  'pprint',
  'pytest',
  'unittest',
  'great_expectations',
  'mlflow',
  'sklearn',
  'boto3',
  'IPython',
]);

/**
 * The action's frame (or a frame of its lineage) was handed, earlier in the same function, to a
 * helper that caches it, so the action and the later write read the cache rather than computing
 * the lineage twice:
 *
 * - a function of this file whose body calls `.cache()` or `.persist()` on a parameter (or on each
 *   item of a `*frames` parameter): `cache()` marks the plan itself cached in Spark's cache manager,
 *   whichever name it is called through, so the caller's frame is cached too;
 * - a function imported from a module that is not a known library (the project's own helpers, whose
 *   body the per-file analysis does not read), called as a statement of its own (its result is not
 *   kept as a new frame): such a call may cache the frame, and the finding would then misstate what
 *   Spark does. A helper that reports (a log call) is not one.
 */
export function cachedByHelper(ctx: RuleContext, action: ActionUse): Node | undefined {
  const ofLineage = (start: number) => {
    const ref = ctx.model.frameRefs.get(start);
    return !!ref && [ref.frame, ...(ref.others ?? [])].some((f) => isAncestorFrame(f, action.frame));
  };
  for (const { call, args } of cachingCallsIn(ctx.model, action.scope)) {
    if (call.endIndex > action.call.startIndex) continue;
    if (args.some((a) => ofLineage(a.startIndex))) return call;
  }
  return undefined;
}

/** A call that would cache a frame handed to it, with its arguments (unwrapped). */
interface CachingCall {
  call: Node;
  args: Node[];
}

const cachingCalls = new WeakMap<DataFrameModel, Map<number, readonly CachingCall[]>>();

/**
 * The calls of a scope that would cache a frame handed to them (the conditions above that do not
 * depend on the action), in document order; listed once per model and scope. Asked per action over
 * every call of the scope, they made PSA101 quadratic in a notebook that counts after each step
 * (issue 18: 2,000 counts in 4,000 lines took 8 s here). A function's or lambda's list is kept on its
 * node object across models (`keptCachingCalls`). @internal Exported for the tests.
 */
export function cachingCallsIn(model: DataFrameModel, scope: Node): readonly CachingCall[] {
  return perModel(cachingCalls, model, scope.id, () => {
    // The module's node is taken over by every later copy, with other children: its list is made per model.
    const own = scope.id > 0 && scope.id < model.root.subtreeEnd ? model.root.owner.nodeAt(scope.id) : undefined;
    const kept = own && keptCachingCalls.get(own);
    if (kept && sameReads(model, kept)) {
      cachingCallCounts.kept++;
      return kept.calls;
    }
    const made = readCachingCalls(model, scope);
    if (own) keptCachingCalls.set(own, made);
    return made.calls;
  });
}

/**
 * A scope's caching calls and what they read beyond the scope's subtree: the module def each bare
 * name called is (`moduleFunctionNamed`), and the module each imported name comes from (by
 * `importKey`). Everything else they read is the scope's own subtree (its calls, `nodesInScope`, and
 * their `callFacts`) or a def's (`cachesParameterOf`), which a node object keeps for its whole life
 * (see `perStatement`): so while a later model gives the same def and module for each name, the
 * list is the same calls with the same arguments (node objects, never offsets).
 */
interface ScopeCachingCalls {
  calls: readonly CachingCall[];
  defs: Map<string, Node | undefined>;
  modules: Map<string, string | undefined>;
}

/** Kept per function or lambda node (this copy's node at the scope's id). */
const keptCachingCalls = new WeakMap<Node, ScopeCachingCalls>();

/** Scopes whose caching calls were listed, and scopes whose kept list a later model took: for the tests' floors on reuse. */
export const cachingCallCounts = { made: 0, kept: 0 };

function sameReads(model: DataFrameModel, kept: ScopeCachingCalls): boolean {
  for (const [name, def] of kept.defs) if (moduleFunctionNamed(model, name) !== def) return false;
  for (const [key, module] of kept.modules) if (importedByKey(model, key) !== module) return false;
  return true;
}

/** @internal A scope's caching calls read afresh, with what they read beyond its subtree (for the tests). */
export function readCachingCalls(model: DataFrameModel, scope: Node): ScopeCachingCalls {
  cachingCallCounts.made++;
  const calls: CachingCall[] = [];
  const defs = new Map<string, Node | undefined>();
  const modules = new Map<string, string | undefined>();
  for (const call of nodesInScope(model, 'call', scope)) {
    const facts = callFacts.of(call);
    if (!facts) continue;
    const { parts, args } = facts;
    if (!parts.object) {
      const def = moduleFunctionNamed(model, parts.name!);
      defs.set(parts.name!, def);
      if (def) {
        if (cachesParameterOf(def)) calls.push({ call, args });
        continue;
      }
    }
    const key = importKey(parts);
    if (key === undefined) continue;
    const module = importedByKey(model, key);
    modules.set(key, module);
    if (module !== undefined && !LIBRARIES.has(module.split('.')[0]) && facts.resultNotKept) calls.push({ call, args });
  }
  return { calls, defs, modules };
}

/**
 * What `cachingCallsIn` reads of one call by itself: its parts, its arguments unwrapped, whether its
 * value is not kept; undefined for a call that cannot cache a frame it is handed (no name, a
 * reporting call, no argument). Kept per call node: these read only the call's own subtree and the
 * statement around it (`resultNotKept` climbs to the enclosing statement, never past the top-level
 * one), and a node object reaches a later syntax copy only inside a statement of the same text and
 * subtree (see `perStatement`), so after an edit only the calls of the statements made again are
 * read. Nodes, never offsets: they move with the statement.
 */
interface CallFacts {
  parts: NonNullable<ReturnType<typeof callParts>>;
  args: Node[];
  resultNotKept: boolean;
}
/** Calls whose facts were read and calls whose facts were found kept, and the same for defs: for the tests' floors on reuse. */
export const callFactCounts = { made: 0, kept: 0 };
const callFacts = perNode((call) => readCallFacts(call), callFactCounts);

/** @internal `callFacts` read afresh (for the tests). */
export function readCallFacts(call: Node): CallFacts | undefined {
  const parts = callParts(call);
  if (!parts?.name || isReportingCall(call)) return undefined;
  const args: Node[] = [];
  for (const a of [...parts.args, ...parts.keywords.values()]) {
    const arg = a.type === 'list_splat' ? a.namedChildren[0] : a;
    if (arg) args.push(unwrapParens(arg));
  }
  if (!args.length) return undefined;
  return { parts, args, resultNotKept: resultNotKept(call) };
}

/** @internal The facts kept for a call (null: kept as not a candidate), if any (for the tests). */
export function keptCallFacts(call: Node): CallFacts | null | undefined {
  return callFacts.kept(call);
}

/**
 * `cachesParameter` kept per def node: it reads only the def's own subtree (parameters and body), so
 * the answer stays true of the node object for its whole life (see `callFacts`).
 */
const defCaches = new WeakMap<Node, boolean>();

function cachesParameterOf(def: Node): boolean {
  let caches = defCaches.get(def);
  if (caches === undefined) {
    caches = cachesParameter(def);
    defCaches.set(def, caches);
  }
  return caches;
}

/** @internal What a def node keeps for `cachesParameter`, if anything (for the tests). */
export function keptCachesParameter(def: Node): boolean | undefined {
  return defCaches.get(def);
}

const importedByModel = new WeakMap<DataFrameModel, Map<string, string | undefined>>();

/**
 * What `importedFrom` reads of a call: the name bound, and whether it is called through an attribute
 * (`.name` for `name.f(...)`, `f` for `f(...)`); undefined when the object is no plain name (no import read).
 */
function importKey(parts: NonNullable<ReturnType<typeof callParts>>): string | undefined {
  const object = parts.object ? unwrapParens(parts.object) : undefined;
  if (object && object.type !== 'identifier') return undefined;
  return object ? `.${object.text}` : parts.name!;
}

/**
 * `importedFrom` once per model and bound name: it reads only the model's imports and, of the call,
 * whether it has an object and the name bound (the object's text, or the call's name). @internal
 * Exported for the tests.
 */
export function importedFromOnce(model: DataFrameModel, parts: NonNullable<ReturnType<typeof callParts>>): string | undefined {
  const key = importKey(parts);
  return key === undefined ? undefined : importedByKey(model, key);
}

function importedByKey(model: DataFrameModel, key: string): string | undefined {
  let byName = importedByModel.get(model);
  if (!byName) importedByModel.set(model, (byName = new Map()));
  if (byName.has(key)) return byName.get(key);
  const module = key.startsWith('.') ? importedBound(model, key.slice(1), true) : importedBound(model, key, false);
  byName.set(key, module);
  return module;
}

/**
 * The module a called name comes from: `from M import name` (or `as name`) for `name(...)`, `import M`
 * (or `as m`) or `from M import m` for `m.name(...)`. A relative import's module starts with a dot
 * (its first segment is empty: never a library). Undefined: the name is not imported at module level.
 * @internal Exported for the tests.
 */
export function importedFrom(model: DataFrameModel, parts: NonNullable<ReturnType<typeof callParts>>): string | undefined {
  const object = parts.object ? unwrapParens(parts.object) : undefined;
  if (object && object.type !== 'identifier') return undefined;
  return importedBound(model, object ? object.text : parts.name!, !!object);
}

/** `importedFrom` for the name bound, called through an attribute (`viaObject`) or bare. */
function importedBound(model: DataFrameModel, bound: string, viaObject: boolean): string | undefined {
  for (const stmt of model.imports.statements) {
    if (stmt.type === 'import_from_statement') {
      // `from M import f` for `f(...)`; `from M import helpers` for `helpers.f(...)` (a module of M).
      const module = stmt.childForFieldName('module_name');
      for (const c of stmt.namedChildren) {
        if (!c || sameNode(c, module)) continue;
        const alias = c.type === 'aliased_import' ? c.childForFieldName('alias')?.text : c.type === 'dotted_name' ? c.text : undefined;
        if (alias === bound) return module?.text.replace(/\s/g, '') ?? '';
      }
    } else if (stmt.type === 'import_statement' && viaObject) {
      for (const c of stmt.namedChildren) {
        if (c?.type === 'dotted_name' && c.text === bound) return c.text;
        if (c?.type === 'aliased_import' && c.childForFieldName('alias')?.text === bound) return c.childForFieldName('name')?.text ?? '';
      }
    }
  }
  return undefined;
}

/**
 * The call's value is not bound to a name: a statement of its own, or handed on within its statement
 * (`cached.extend(cache_frames(df))`). A helper whose result becomes the next frame transforms rather than caches.
 */
function resultNotKept(call: Node): boolean {
  const stmt = enclosingStatement(call);
  const expr = stmt?.type === 'expression_statement' ? stmt.namedChildren[0] : undefined;
  return !!expr && expr.type !== 'assignment' && expr.type !== 'augmented_assignment';
}

const CACHING = new Set(['cache', 'persist']);

/**
 * The function's body calls `p.cache()`/`p.persist()` on a parameter `p`, or on the loop variable of `for f in p`.
 * @internal Exported for the tests.
 */
export function cachesParameter(def: Node): boolean {
  const params = new Set<string>();
  for (const p of def.childForFieldName('parameters')?.namedChildren ?? []) {
    if (!p) continue;
    const name =
      p.type === 'identifier'
        ? p
        : p.type === 'list_splat_pattern' || p.type === 'typed_parameter'
          ? p.namedChildren.find((c) => c?.type === 'identifier' || c?.type === 'list_splat_pattern')
          : p.childForFieldName('name');
    const id = name?.type === 'list_splat_pattern' ? name.namedChildren[0] : name;
    if (id?.type === 'identifier') params.add(id.text);
  }
  const body = def.childForFieldName('body');
  if (!body || !params.size) return false;
  const loopVars = new Set<string>();
  for (const loop of body.descendantsOfType('for_statement')) {
    const left = loop?.childForFieldName('left');
    const right = loop?.childForFieldName('right');
    if (left?.type === 'identifier' && right?.type === 'identifier' && params.has(right.text)) loopVars.add(left.text);
  }
  return body.descendantsOfType('call').some((c) => {
    const parts = c && callParts(c);
    const object = parts?.object && unwrapParens(parts.object);
    return !!parts?.name && CACHING.has(parts.name) && object?.type === 'identifier' && (params.has(object.text) || loopVars.has(object.text));
  });
}
