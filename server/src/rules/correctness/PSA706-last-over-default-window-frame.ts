import type { Fix } from '../../findings';
import { nodesOfType } from '../../model/syntaxIndex';
import type { DataFrameModel } from '../../model/types';
import type { Node } from '../../parsing/pythonParser';
import { callParts, unwrapParens } from '../../parsing/syntax';
import { related, type Rule, type RuleContext } from '../rule';
import { callsNamed } from '../helpers/callIndex';

const LAST = new Set(['last', 'last_value']);

/** `Window[.partitionBy(...)].orderBy(...)` with no explicit frame, as written (the text of the spec expression). */
interface Spec {
  node: Node;
  inline: boolean;
}

/** The window spec an `.over(...)` argument stands for: inline, or the last `w = ...` of that name before it. */
function specOf(model: DataFrameModel, arg: Node): Spec | undefined {
  const n = unwrapParens(arg);
  if (n.type === 'call') return { node: n, inline: true };
  if (n.type !== 'identifier') return undefined;
  let value: Node | undefined;
  for (const a of nodesOfType(model, 'assignment')) {
    if (a.startIndex >= n.startIndex) break;
    const left = a.childForFieldName('left');
    if (left?.type === 'identifier' && left.text === n.text) value = a.childForFieldName('right') ?? undefined;
  }
  return value && unwrapParens(value).type === 'call' ? { node: unwrapParens(value), inline: false } : undefined;
}

/** An ordered spec with the default frame: `orderBy(...)` present, `rowsBetween`/`rangeBetween` absent. */
function orderedDefaultFrame(spec: Node): boolean {
  const text = spec.text;
  return /\bWindow\b/.test(text) && /\.\s*orderBy\s*\(/.test(text) && !/\.\s*(rowsBetween|rangeBetween)\s*\(/.test(text);
}

/** `last(c, True)`, `last(c, ignorenulls=True)`: the forward-fill idiom, which the default frame serves. */
function ignoresNulls(call: Node): boolean {
  const parts = callParts(call);
  const flag = parts?.args[1] ?? parts?.keywords.get('ignorenulls') ?? parts?.keywords.get('ignoreNulls');
  if (!flag) return false;
  return unwrapParens(flag).type !== 'false';
}

export const lastOverDefaultWindowFrame: Rule = {
  code: 'PSA706',
  name: 'last-over-default-window-frame',
  summary:
    "last() over a window with orderBy and no rowsBetween/rangeBetween: the default frame ends at the current row, so it returns the current row's value, not the partition's last.",
  defaultSeverity: 'warning',
  check(ctx: RuleContext) {
    for (const call of callsNamed(ctx.model, 'over')) {
      const parts = callParts(call);
      if (parts?.name !== 'over' || !parts.object || parts.args.length !== 1) continue;
      const fn = unwrapParens(parts.object);
      if (fn.type !== 'call' || !LAST.has(ctx.functions.nameOf(fn) ?? '') || ignoresNulls(fn)) continue;
      const spec = specOf(ctx.model, parts.args[0]);
      if (!spec || !orderedDefaultFrame(spec.node)) continue;
      const fixes: Fix[] = [];
      if (spec.inline && /^Window\b/.test(spec.node.text)) {
        fixes.push({
          title: 'Use the whole partition as the frame',
          edits: [{ start: spec.node.endIndex, end: spec.node.endIndex, newText: '.rowsBetween(Window.unboundedPreceding, Window.unboundedFollowing)' }],
          applicability: 'unsafe',
          reason: "every row then gets the partition's last value instead of its own",
        });
      }
      ctx.report({
        start: fn.startIndex,
        end: call.endIndex,
        message:
          `${ctx.functions.nameOf(fn)}() over an ordered window with the default frame: with orderBy and no frame, Spark ` +
          'uses RANGE BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW, so the "last" row of each frame is the current row ' +
          '(or its last tie): every row gets its own value back, not the last value of its partition. Give the frame: ' +
          '.rowsBetween(Window.unboundedPreceding, Window.unboundedFollowing), or take first() over the reversed order.',
        related: spec.inline ? [] : [related(spec.node, 'the window is defined here')],
        fixes,
      });
    }
  },
};
