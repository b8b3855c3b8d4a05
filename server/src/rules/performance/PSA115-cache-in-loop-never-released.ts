import type { RelatedLocation } from '../../findings';
import type { Node } from '../../parsing/pythonParser';
import { callParts, unwrapParens } from '../../parsing/syntax';
import { isWithin, repeatingConstructAround, SCOPE_BOUNDARIES } from '../helpers/loops';
import { insideBatchHandler } from '../helpers/streamingCertainty';
import type { Rule, RuleContext } from '../rule';
import { callsNamedAny } from '../helpers/callIndex';

/** Releases a cache: `x.unpersist()`, `spark.catalog.clearCache()`, `spark.sql("UNCACHE TABLE ...")`. */
const RELEASE = /\.unpersist\s*\(|\.clearCache\s*\(|\bUNCACHE\s+TABLE\b|\bCLEAR\s+CACHE\b/i;
const FEW = 10;

/** `for i in range(3)`, `while n < 5`: a handful of iterations, not a long-running loop. */
function fewIterations(loop: Node): boolean {
  if (loop.type === 'for_statement') {
    const right = loop.childForFieldName('right');
    const it = right ? unwrapParens(right) : undefined;
    if (!it) return false;
    const m = /^range\(\s*(?:\d+\s*,\s*)?(\d+)\s*\)$/.exec(it.text);
    if (m) return Number(m[1]) <= FEW;
    // A literal list or tuple of a few values.
    if ((it.type === 'list' || it.type === 'tuple') && it.namedChildren.length <= FEW) return true;
    return false;
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
        if (fewIterations(loop)) continue;
        region = loop;
        kind = 'loop';
      } else if (!loop && insideBatchHandler(ctx.model, t.call)) {
        region = enclosingFunction(t.call);
        kind = 'batch';
      } else continue;
      if (!region) continue;
      // A release anywhere in the loop (or handler), or right after it in the same function for the loop's frames.
      if (RELEASE.test(region.text)) continue;
      if (kind === 'loop' && releasedAfter(region)) continue;
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
