import type { RelatedLocation } from '../../findings';
import type { Node } from '../../parsing/pythonParser';
import { callParts, unwrapParens } from '../../parsing/syntax';
import { isWithin, repeatingConstructAround, SCOPE_BOUNDARIES } from '../helpers/loops';
import { insideBatchHandler } from '../helpers/streamingCertainty';
import type { Rule, RuleContext } from '../rule';
import { callsNamedAny } from '../helpers/callIndex';
import { rangeIterations } from '../helpers/integerConstants';
import { literalItemCount } from '../helpers/literalBindings';

/** Releases a cache: `x.unpersist()`, `spark.catalog.clearCache()`, `spark.sql("UNCACHE TABLE ...")`. */
const RELEASE = /\.unpersist\s*\(|\.clearCache\s*\(|\bUNCACHE\s+TABLE\b|\bCLEAR\s+CACHE\b/i;
const FEW = 10;
/** Methods whose result a loop runs over once per entry of the dict they are called on. */
const DICT_VIEWS = new Set(['items', 'keys', 'values']);

/**
 * `for i in range(3)`, `while n < 5`: a handful of iterations, not a long-running loop. The count is
 * the range's (`range(1, k + 1)` with `k = 3`), the items of a literal list the loop names
 * (`for split in ["train", "val", "test"]`, or `SPLITS = [...]` ... `for split in SPLITS`), or the
 * entries of a literal dict whose items, keys or values it runs over (`TABLES = {"orders": ..., ...}`
 * ... `for name, spec in TABLES.items()`), unless the scope grows that dict in place.
 */
function fewIterations(ctx: RuleContext, loop: Node): boolean {
  if (loop.type === 'for_statement') {
    const right = loop.childForFieldName('right');
    let it = right ? unwrapParens(right) : undefined;
    if (!it) return false;
    if (it.type === 'call' && callParts(it)?.name === 'range' && !callParts(it)?.object) {
      const turns = rangeIterations(ctx, it, (n) => literalItemCount(n, loop));
      return turns !== undefined && turns <= FEW;
    }
    // `for name, spec in TABLES.items()` (keys(), values()): as many turns as the dict has entries.
    const view = it.type === 'call' ? callParts(it) : undefined;
    if (view?.object && view.name && DICT_VIEWS.has(view.name) && view.args.length === 0) it = unwrapParens(view.object);
    if (it.type !== 'identifier' && it.type !== 'list' && it.type !== 'tuple' && it.type !== 'dictionary') return false;
    const items = literalItemCount(it, loop);
    return items !== undefined && items <= FEW;
  }
  if (loop.type === 'while_statement') {
    const m = /^[A-Za-z_]\w*\s*(<=?)\s*(\d+)$/.exec(loop.childForFieldName('condition')?.text ?? '');
    return !!m && Number(m[2]) <= FEW;
  }
  return true;
}

/** The function a `foreachBatch` handler's cache sits in, for the related location. */
function enclosingFunction(node: Node): Node | undefined {
  for (let p = node.parent; p; p = p.parent) if (p.type === 'function_definition' || p.type === 'lambda') return p;
  return undefined;
}

export const cacheInLoopNeverReleased: Rule = {
  code: 'PSA115',
  name: 'cache-in-loop-never-released',
  summary:
    'cache()/persist() inside a loop or a foreachBatch function with no unpersist(): every iteration or micro-batch pins another copy in executor storage.',
  defaultSeverity: 'warning',
  check(ctx: RuleContext) {
    const seen = new Set<number>();
    // The frames of a foreachBatch function's parameter are unknown to the model: its calls are found by name.
    const calls: { method: string; call: Node; methodNode: Node }[] = ctx.model.transforms.map((t) => ({
      method: t.method,
      call: t.call,
      methodNode: t.methodNode,
    }));
    for (const call of callsNamedAny(ctx.model, ['cache', 'persist'])) {
      const parts = callParts(call);
      if ((parts?.name === 'cache' || parts?.name === 'persist') && parts.object && parts.nameNode && parts.args.length <= 1) {
        calls.push({ method: parts.name, call, methodNode: parts.nameNode });
      }
    }
    // Looked up per cache call: a scan of every transform each made the rule quadratic.
    const transformCalls = new Set(ctx.model.transforms.map((x) => x.call.id));
    for (const t of calls) {
      if ((t.method !== 'cache' && t.method !== 'persist') || seen.has(t.call.id)) continue;
      const known = transformCalls.has(t.call.id);
      seen.add(t.call.id);
      let region: Node | undefined;
      let kind: 'loop' | 'batch';
      const loop = repeatingConstructAround(t.call);
      if (loop && known && (loop.type === 'for_statement' || loop.type === 'while_statement')) {
        if (fewIterations(ctx, loop)) continue;
        region = loop;
        kind = 'loop';
      } else if (!loop && insideBatchHandler(ctx.model, t.call)) {
        region = enclosingFunction(t.call);
        kind = 'batch';
      } else continue;
      if (!region) continue;
      // A release anywhere in the loop (or handler), or right after it in the same function for the loop's frames.
      if (RELEASE.test(region.text)) continue;
      if (kind === 'loop' && (releasedAfter(region) || releasedThroughAttribute(region, cachedNames(t.call)))) continue;
      const related: RelatedLocation[] = [
        {
          start: region.startIndex,
          end: region.startIndex + (region.text.indexOf(':') > 0 ? region.text.indexOf(':') : region.text.length),
          message: kind === 'loop' ? 'the loop' : 'the foreachBatch function, run once per micro-batch',
        },
      ];
      const where = kind === 'loop' ? 'inside a loop' : 'in a foreachBatch function';
      const each = kind === 'loop' ? 'iteration' : 'micro-batch';
      ctx.report({
        start: t.methodNode.startIndex,
        end: t.call.endIndex,
        message:
          `${t.method}() ${where} and never unpersist()ed: each ${each} pins another DataFrame's blocks in executor storage ` +
          'memory (spilling to disk), and the old ones stay until LRU eviction pushes them out, evicting data still in use ' +
          `and slowing every later ${each} down. Call unpersist() on the frame once the ${each} is done with it ` +
          '(in a finally: block if the code can raise).',
        related,
      });
    }
  },
};

/** `for ...: cached.append(df.cache())` followed by `for d in cached: d.unpersist()` in the same function. */
function releasedAfter(loop: Node): boolean {
  let scope: Node | null = loop.parent;
  while (scope && !SCOPE_BOUNDARIES.has(scope.type)) scope = scope.parent;
  if (!scope) return false;
  const after = scope.text.slice(loop.endIndex - scope.startIndex);
  return RELEASE.test(after) && isWithin(loop, scope);
}

/** The names the cached frame goes by: `df.persist()` → df; `kept = df.cache()` → kept and df. */
function cachedNames(call: Node): Set<string> {
  const names = new Set<string>();
  const object = callParts(call)?.object;
  if (object?.type === 'identifier') names.add(object.text);
  const parent = call.parent;
  const left = parent?.type === 'assignment' ? parent.childForFieldName('left') : undefined;
  if (left?.type === 'identifier') names.add(left.text);
  return names;
}

/**
 * `self.cached[name] = df` (or `self.cached.append(df)`) in the loop, and a method of the same class
 * that loops over `self.cached` and unpersists what it holds: an ETL class caching its dimensions
 * in one method and releasing them in its cleanup method. The frames are released, not leaked.
 */
function releasedThroughAttribute(loop: Node, names: Set<string>): boolean {
  const kept = new Set<string>();
  for (const m of loop.text.matchAll(/\bself\.(\w+)\s*\[[^\]\n]*\]\s*=\s*(\w+)\s*$/gm)) if (names.has(m[2]!)) kept.add(m[1]!);
  for (const m of loop.text.matchAll(/\bself\.(\w+)\.append\(\s*(\w+)\s*\)/g)) if (names.has(m[2]!)) kept.add(m[1]!);
  if (!kept.size) return false;
  let cls: Node | null = loop.parent;
  while (cls && cls.type !== 'class_definition') cls = cls.parent;
  if (!cls) return false;
  const stack: Node[] = [cls];
  while (stack.length) {
    const n = stack.pop()!;
    if (n.type === 'for_statement') {
      const over = /^(?:\w+\()?self\.(\w+)\b/.exec(n.childForFieldName('right')?.text ?? '');
      if (over && kept.has(over[1]!) && RELEASE.test(n.childForFieldName('body')?.text ?? '')) return true;
    }
    for (const c of n.namedChildren) if (c) stack.push(c);
  }
  return false;
}
