import type { Fix, RelatedLocation } from '../../findings';
import type { Node } from '../../parsing/pythonParser';
import { callParts, unwrapParens } from '../../parsing/syntax';
import { deltaHandleOf, sqlTexts } from '../helpers/delta';
import { booleanSetting, literalValue } from '../helpers/sessionConf';
import type { Rule, RuleContext } from '../rule';
import { callsNamed } from '../helpers/callIndex';

const CHECK_KEY = 'spark.databricks.delta.retentionDurationCheck.enabled';
/** Delta's default `delta.deletedFileRetentionDuration`: 7 days. */
const DEFAULT_HOURS = 168;

const VACUUM_SQL = /\bVACUUM\s+(\S+)\s+RETAIN\s+(\d+(?:\.\d+)?)\s+HOURS?\b/i;
const SET_SQL = new RegExp(`\\bSET\\s+${CHECK_KEY.replace(/\./g, '\\.')}\\s*=\\s*false\\b`, 'i');

function numberLiteral(node: Node | undefined): number | undefined {
  if (!node) return undefined;
  const n = unwrapParens(node);
  if (n.type !== 'integer' && n.type !== 'float') return undefined;
  const v = Number(n.text.replace(/_/g, ''));
  return Number.isFinite(v) ? v : undefined;
}

/** Places the file turns the retention check off: `spark.conf.set(key, "false")`, `.config(key, False)`, `SET key = false`. */
function checkDisabled(ctx: RuleContext): { start: number; end: number }[] {
  const out: { start: number; end: number }[] = [];
  for (const c of ctx.model.confSets) {
    if (c.key === CHECK_KEY && booleanSetting(literalValue(c.valueNode)) === false)
      out.push({ start: c.keyNode.startIndex, end: (c.valueNode ?? c.keyNode).endIndex });
  }
  for (const { node, text } of sqlTexts(ctx.model)) if (SET_SQL.test(text)) out.push({ start: node.startIndex, end: node.endIndex });
  return out;
}

function message(hours: number, disabled: boolean): string {
  const consequence =
    'VACUUM deletes the data files that older table versions still point to: a query or stream reading a snapshot ' +
    `from the last ${DEFAULT_HOURS} hours fails with FileNotFoundException, a concurrent writer's commit can lose files it ` +
    'just wrote, and time travel (and RESTORE) to before that point is gone for good.';
  const check = disabled
    ? "The file turns off Delta's retention check, which would have refused it."
    : `Delta refuses it (IllegalArgumentException "Are you sure you would like to vacuum files with such a low retention period?") unless ${CHECK_KEY} is false or the table's delta.deletedFileRetentionDuration is that short.`;
  return (
    `VACUUM with a retention of ${hours} ${hours === 1 ? 'hour' : 'hours'}, below the ${DEFAULT_HOURS}-hour (7-day) default. ${consequence} ${check} ` +
    `Keep at least ${DEFAULT_HOURS} hours (longer than your longest-running query or stream), or lower delta.deletedFileRetentionDuration on the table knowingly.`
  );
}

const FIX_REASON = 'keeps a week of deleted files: storage cost, and a short retention chosen on purpose is undone';

export const vacuumRetentionBelowDefault: Rule = {
  code: 'PSA803',
  name: 'vacuum-retention-below-default',
  summary:
    'VACUUM ... RETAIN n HOURS / DeltaTable.vacuum(n) with n below 168, or the retention check turned off: deletes files that readers, writers and time travel still need.',
  defaultSeverity: 'warning',
  check(ctx: RuleContext) {
    const disabled = checkDisabled(ctx);
    const relatedConf: RelatedLocation[] = disabled.slice(0, 1).map((n) => ({ ...n, message: 'the retention check is turned off here' }));
    let vacuums = 0;
    for (const { node, text } of sqlTexts(ctx.model)) {
      const m = VACUUM_SQL.exec(text);
      if (!m) continue;
      const hours = Number(m[2]);
      // DRY RUN lists the files it would delete and deletes none.
      if (hours >= DEFAULT_HOURS || /\bDRY\s+RUN\b/i.test(text.slice(m.index))) continue;
      vacuums++;
      const fixes: Fix[] = [];
      // Only a plain literal whose digits appear once in the source: the edit must land on them.
      const raw = node.text;
      const at = raw.search(new RegExp(`RETAIN\\s+${m[2].replace('.', '\\.')}\\s+HOUR`, 'i'));
      if (node.type === 'string' && at >= 0) {
        const digits = node.startIndex + raw.indexOf(m[2], at);
        fixes.push({
          title: `Retain ${DEFAULT_HOURS} hours`,
          edits: [{ start: digits, end: digits + m[2].length, newText: String(DEFAULT_HOURS) }],
          applicability: 'unsafe',
          reason: FIX_REASON,
        });
      }
      ctx.report({ node, message: message(hours, disabled.length > 0), related: relatedConf, fixes });
    }
    for (const call of callsNamed(ctx.model, 'vacuum')) {
      const parts = callParts(call);
      if (parts?.name !== 'vacuum' || !parts.object || !parts.nameNode) continue;
      const arg = parts.args[0] ?? parts.keywords.get('retentionHours');
      const hours = numberLiteral(arg);
      if (hours === undefined || hours >= DEFAULT_HOURS || !arg) continue;
      if (!deltaHandleOf(ctx.model, parts.object)) continue;
      vacuums++;
      ctx.report({
        start: parts.nameNode.startIndex,
        end: call.endIndex,
        message: message(hours, disabled.length > 0),
        related: relatedConf,
        fixes: [
          {
            title: `Retain ${DEFAULT_HOURS} hours`,
            edits: [{ start: arg.startIndex, end: arg.endIndex, newText: String(DEFAULT_HOURS) }],
            applicability: 'unsafe',
            reason: FIX_REASON,
          },
        ],
      });
    }
    if (vacuums > 0) return;
    for (const n of disabled) {
      ctx.report({
        ...n,
        message:
          `${CHECK_KEY} set to false: Delta's safety check on VACUUM is off for the whole session, so a VACUUM with a ` +
          `retention below the table's (${DEFAULT_HOURS} hours by default) runs and deletes files that running queries, ` +
          'streams, concurrent writers and time travel still need. Leave the check on; to keep fewer old files, lower ' +
          'delta.deletedFileRetentionDuration on the tables that allow it.',
      });
    }
  },
};
