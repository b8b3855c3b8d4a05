import type { Fix } from '../../findings';
import { deleteStatement, ownsItsLines, removeChainCall } from '../../fixes/edits';
import { nodesOfType } from '../../model/syntaxIndex';
import { isAncestorFrame, type DataFrameModel, type Frame } from '../../model/types';
import type { Node } from '../../parsing/pythonParser';
import { callParts, enclosingStatement, sameNode, unwrapParens } from '../../parsing/syntax';
import { repeatingConstructAround } from '../helpers/loops';
import type { Rule, RuleContext } from '../rule';

/** Uses that hand the frame to code or SQL the model does not follow: the cache may serve them. */
const ESCAPING_METHODS = new Set([
  'createOrReplaceTempView',
  'createTempView',
  'createOrReplaceGlobalTempView',
  'createGlobalTempView',
  'registerTempTable',
  'rdd',
  'toJSON',
  'writeTo',
  'checkpoint',
  'localCheckpoint',
  'randomSplit',
  'mapInPandas',
  'mapInArrow',
]);

interface Use {
  node: Node;
  label: string;
}

/** Every action and write computed from `cached`, in program order. */
function usesOf(model: DataFrameModel, cached: Frame): Use[] {
  const out: Use[] = [];
  const seen = new Set<number>();
  for (const a of model.actions) {
    if (seen.has(a.call.id) || !isAncestorFrame(cached, a.frame)) continue;
    seen.add(a.call.id);
    out.push({ node: a.call, label: `${a.method}()` });
  }
  for (const s of model.sinks) {
    if (seen.has(s.call.id) || !isAncestorFrame(cached, s.frame)) continue;
    seen.add(s.call.id);
    out.push({ node: s.call, label: 'write' });
  }
  return out;
}

/** The frame reaches the action twice within one job (a self-join, a union with itself): the cache serves the second read. */
function readTwiceInOneJob(cached: Frame, frames: Frame[]): boolean {
  return frames.some((f) => f.parents.length >= 2 && f.parents.filter((p) => isAncestorFrame(cached, p)).length >= 2);
}

/**
 * Whether some name standing for the cached frame (or a frame built from it) is used in a way the
 * model does not follow: passed to a function it did not analyse, returned, put in a collection,
 * registered as a view, given to MLlib (`fit`, which iterates over the data).
 */
function escapes(model: DataFrameModel, cached: Frame): boolean {
  if (model.transforms.some((t) => ESCAPING_METHODS.has(t.method) && isAncestorFrame(cached, t.frame))) return true;
  for (const ref of model.frameRefs.values()) {
    const frames = [ref.frame, ...(ref.others ?? [])];
    if (!frames.some((f) => isAncestorFrame(cached, f))) continue;
    const node = model.root.descendantForIndex(ref.start, ref.end);
    if (!node) return true;
    const parent = node.parent;
    if (!parent) continue;
    if (parent.type === 'attribute' && sameNode(parent.childForFieldName('object'), node)) {
      const name = parent.childForFieldName('attribute')?.text ?? '';
      if (ESCAPING_METHODS.has(name)) return true;
      continue;
    }
    if (parent.type === 'assignment' && sameNode(parent.childForFieldName('left'), node)) continue;
    if (parent.type === 'assignment' || parent.type === 'expression_statement') continue;
    if (parent.type === 'argument_list') {
      const call = parent.parent;
      const parts = call ? callParts(call) : undefined;
      // A DataFrame method taking the frame (`other.join(df)`, `union(df)`) or a function of this file the model followed.
      if (parts?.object && isFrameExpression(model, parts.object)) continue;
      if (parts && !parts.object && parts.name && definedInFile(model, parts.name)) continue;
      return true;
    }
    if (parent.type === 'keyword_argument') return true;
    return true;
  }
  return false;
}

function isFrameExpression(model: DataFrameModel, node: Node): boolean {
  const n = unwrapParens(node);
  if (model.frameRefs.has(n.startIndex)) return true;
  return model.frames.some((f) => f.node.startIndex === n.startIndex && f.node.endIndex === n.endIndex);
}

function definedInFile(model: DataFrameModel, name: string): boolean {
  return nodesOfType(model, 'function_definition').some((d) => d.childForFieldName('name')?.text === name);
}

function removal(ctx: RuleContext, cacheCall: Node): Fix[] {
  const stmt = enclosingStatement(cacheCall);
  if (!stmt) return [];
  const title = `Remove ${callParts(cacheCall)?.name ?? 'cache'}()`;
  // `df.cache()` on its own line: delete the line.
  if (stmt.type === 'expression_statement' && sameNode(unwrapParens(stmt.namedChildren[0]!), cacheCall)) {
    return ownsItsLines(ctx.text, stmt) ? [{ title, edits: [deleteStatement(ctx.text, stmt)], applicability: 'safe' }] : [];
  }
  const edit = removeChainCall(cacheCall);
  return edit ? [{ title, edits: [edit], applicability: 'safe' }] : [];
}

export const cacheUsedOnce: Rule = {
  code: 'PSA114',
  name: 'cache-used-once',
  summary: 'cache()/persist() of a DataFrame that only one action or write computes afterwards: the cache costs memory and time and is never read.',
  defaultSeverity: 'warning',
  check(ctx: RuleContext) {
    const done = new Set<number>();
    for (const t of ctx.model.transforms) {
      if ((t.method !== 'cache' && t.method !== 'persist') || done.has(t.call.id)) continue;
      done.add(t.call.id);
      // Every frame the model built for this call (a function analysed twice builds two).
      const cachedFrames = ctx.model.frames.filter((f) => sameNode(f.node, t.call) && (f.op === 'cache' || f.op === 'persist'));
      if (cachedFrames.length !== 1) continue;
      const cached = cachedFrames[0];
      if (cached.streaming === true) continue;
      // Cached once per iteration and used once per iteration is PSA115's business, or fine.
      if (repeatingConstructAround(t.call)) continue;
      const uses = usesOf(ctx.model, cached);
      if (uses.length !== 1) continue;
      const [use] = uses;
      // `df.cache(); df.count()`: materialising the cache for readers to come (a demo of caching, a later cell or module).
      if (use.label === 'count()' && ctx.model.actions.some((a) => sameNode(a.call, use.node) && a.frame === cached)) continue;
      if (repeatingConstructAround(use.node)) continue;
      const downstream = ctx.model.frames.filter((f) => isAncestorFrame(cached, f));
      if (readTwiceInOneJob(cached, downstream)) continue;
      if (escapes(ctx.model, cached)) continue;
      ctx.report({
        start: t.methodNode.startIndex,
        end: t.call.endIndex,
        message:
          `${t.method}() of a DataFrame that only one ${use.label} computes afterwards: the cache is filled while that ` +
          'job runs and never read again, so it only adds work (serialising every partition into executor memory, ' +
          'spilling to disk) and takes storage memory from the rest of the job. Remove it; cache a DataFrame only when ' +
          'two or more actions or writes reuse it.',
        related: [{ start: use.node.startIndex, end: use.node.endIndex, message: `the only ${use.label} that uses it` }],
        fixes: removal(ctx, t.call),
      });
    }
  },
};
