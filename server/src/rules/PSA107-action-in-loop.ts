import type { RelatedLocation } from '../findings';
import { filterLineage } from '../model/lineage';
import type { ActionUse, Frame } from '../model/types';
import type { Node } from '../parsing/pythonParser';
import { callParts, literalString, sameNode } from '../parsing/syntax';
import type { Rule, RuleContext } from './rule';

const SCOPE_BOUNDARIES = new Set(['function_definition', 'lambda', 'class_definition', 'module']);
const COMPREHENSIONS = new Set(['list_comprehension', 'set_comprehension', 'dictionary_comprehension', 'generator_expression']);

function isWithin(node: Node, ancestor: Node | null | undefined): boolean {
  return !!ancestor && node.startIndex >= ancestor.startIndex && node.endIndex <= ancestor.endIndex;
}

/**
 * The innermost construct around `node`, in its own function, that evaluates it once per
 * iteration: a `for` body, a `while` condition or body, or a comprehension (except the iterable
 * of its first `for`, which is evaluated once).
 */
export function repeatingConstructAround(node: Node): Node | undefined {
  let child = node;
  for (let p = node.parent; p && !SCOPE_BOUNDARIES.has(p.type); child = p, p = p.parent) {
    if (p.type === 'for_statement' && sameNode(p.childForFieldName('body'), child)) return p;
    if (p.type === 'while_statement' && !sameNode(p.childForFieldName('alternative'), child)) return p;
    if (COMPREHENSIONS.has(p.type)) {
      const firstFor = p.namedChildren.find((c) => c?.type === 'for_in_clause');
      if (!isWithin(node, firstFor?.childForFieldName('right'))) return p;
    }
  }
  return undefined;
}

/** Frames upstream of `frame` (itself included) that are sources. */
function sourcesOf(frame: Frame): Frame[] {
  return filterLineage(frame, (f) => !!f.source || f.parents.length === 0);
}

/** A read inside the loop whose table/path/query the tool cannot pin to one constant: a different input per iteration. */
function readsPerIterationInput(source: Frame, loop: Node): boolean {
  const s = source.source;
  if (!s || !isWithin(s.node, loop)) return false;
  // A polling loop (`while True: df = spark.read...; if df.count(): ...`) re-reads on purpose.
  if (loop.type === 'while_statement') return true;
  const target = s.kind === 'table' ? s.table : s.kind === 'read' ? s.path : undefined;
  if (s.kind === 'sql') return literalString(callParts(s.node)?.args[0]) === undefined;
  return target === undefined || target.includes('{');
}

function jumpsOut(loop: Node): boolean {
  const body = loop.childForFieldName('body');
  const stack: Node[] = body ? [body] : [];
  for (let steps = 0; stack.length && steps < 20_000; steps++) {
    const n = stack.pop()!;
    if (n.type === 'break_statement' || n.type === 'return_statement') return true;
    if (SCOPE_BOUNDARIES.has(n.type) || n.type === 'for_statement' || n.type === 'while_statement') continue;
    for (const c of n.namedChildren) if (c) stack.push(c);
  }
  return false;
}

/** `for attempt in ...: try: df.collect(); break; except ...:` runs the action once per failure, not per item. */
function isRetry(call: Node, loop: Node): boolean {
  if (!loop.type.endsWith('_statement') || !jumpsOut(loop)) return false;
  for (let p = call.parent; p && !sameNode(p, loop); p = p.parent) {
    if (p.type === 'block' && p.parent?.type === 'try_statement' && sameNode(p.parent.childForFieldName('body'), p)) {
      return p.parent.namedChildren.some((c) => c?.type === 'except_clause' || c?.type === 'except_group_clause');
    }
  }
  return false;
}

/** The loop an action runs in, when running it once per iteration is avoidable work. */
export function wastefulLoopOf(action: ActionUse): Node | undefined {
  if (action.frame.streaming === true) return undefined;
  const loop = action.inLoop && action.loop ? action.loop : repeatingConstructAround(action.call);
  if (!loop) return undefined;
  const sources = sourcesOf(action.frame);
  if (sources.every((s) => s.source?.kind === 'createDataFrame')) return undefined;
  if (sources.some((s) => readsPerIterationInput(s, loop))) return undefined;
  if (isRetry(action.call, loop)) return undefined;
  return loop;
}

function loopHeader(loop: Node): RelatedLocation {
  const body = loop.childForFieldName('body');
  const end = body && loop.type.endsWith('_statement') ? body.startIndex : loop.endIndex;
  const text = loop.text.slice(0, end - loop.startIndex).trimEnd();
  return { start: loop.startIndex, end: loop.startIndex + text.length, message: 'the loop' };
}

export const actionInLoop: Rule = {
  code: 'PSA107',
  name: 'action-in-loop',
  summary: 'A Spark action inside a Python loop: one full job per iteration, each recomputing the lineage.',
  defaultSeverity: 'warning',
  check(ctx: RuleContext) {
    for (const action of ctx.model.actions) {
      const loop = wastefulLoopOf(action);
      if (!loop) continue;
      const parts = action.call.childForFieldName('function');
      const name = parts?.childForFieldName('attribute');
      const kind = COMPREHENSIONS.has(loop.type) ? 'comprehension' : 'loop';
      ctx.report({
        start: (name ?? action.call).startIndex,
        end: action.call.endIndex,
        message:
          `${action.method}() inside a Python ${kind}: every iteration launches a separate Spark job that recomputes this ` +
          "DataFrame's whole lineage (re-reading its sources, redoing joins and shuffles), so the cost grows with the " +
          'number of iterations. Compute everything in one job instead: group by the value you loop over ' +
          '(groupBy(key).agg(...) / one pivot), or build the per-iteration frames, union them and run one action; ' +
          'if the loop must stay, cache() the frame it reuses.',
        related: [loopHeader(loop)],
      });
    }
  },
};
