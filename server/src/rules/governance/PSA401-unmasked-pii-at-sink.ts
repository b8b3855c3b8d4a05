import type { Fix } from '../../findings';
import { planImports } from '../../fixes/edits';
import type { ColumnInfo, SinkInfo } from '../../model/types';
import { pyString } from '../../parsing/syntax';
import { piiMatcherFor } from '../helpers/pii';
import { maskColumnCall } from '../../templates';
import { related, type Rule, type RuleContext } from '../rule';
import { isDisplayFormat } from '../../spark/writers';
import { literalRowsFrame } from '../helpers/literalRows';

export const unmaskedPiiAtSink: Rule = {
  code: 'PSA401',
  name: 'unmasked-pii-at-sink',
  summary: 'Columns named like personal data (email, phone, ssn, card number, ...) reach a sink unmasked.',
  defaultSeverity: 'warning',
  check(ctx: RuleContext) {
    const pii = piiMatcherFor(ctx.settings['pii.extraPatterns'], ctx.settings['pii.personDetails']);
    for (const sink of ctx.model.sinks) {
      // foreachBatch: the function decides what is written, and the model does not follow into it.
      if (sink.foreachBatch) continue;
      // console / memory / noop: rows printed for a look or dropped, never stored where others copy them.
      if (isDisplayFormat(sink.format)) continue;
      // Only what the model knows for sure: explicit schemas, selects, withColumn.
      const exposed = [...sink.frame.columns.values()].filter((c) => !c.masked && !c.boolean && pii.isPii(c.name));
      if (exposed.length === 0) continue;
      // Rows typed into the source (a tutorial's or a test's made-up people): the write copies the
      // file's own text, so masking it protects nobody. A join with a read or a table is real data.
      if (literalRowsFrame(ctx.model, sink.frame)) continue;
      const names = exposed.map((c) => c.name);
      const copies = new Map<string, ColumnInfo>();
      for (const c of sink.frame.columns.values()) if (c.masked && c.maskedCopyOf && names.includes(c.maskedCopyOf)) copies.set(c.maskedCopyOf, c);
      const list = names.map((n) => `"${n}"`).join(', ');
      ctx.report({
        start: sink.writerNode.startIndex,
        end: sink.call.endIndex,
        at: sink.writerNode,
        message:
          `Personal data written unmasked: column${names.length > 1 ? 's' : ''} ${list} reach${names.length > 1 ? '' : 'es'} this sink in clear text` +
          (copies.size ? ` (a masked copy such as "${[...copies.values()][0].name}" does not protect the original)` : '') +
          '. Once in the lake it is copied into every downstream table and backup (GDPR/CCPA exposure). Hash or mask it before the write, or drop it.',
        related: exposed.map((c) => related(c.node, `"${c.name}" becomes part of the frame here`)),
        fixes: fixes(ctx, sink, names, copies),
      });
    }
  },
};

/** Names of flags and tests: `is_*`, `has_*`, `*_flag`, `*_validated`, ... */
const NON_STRING_NAME = /^(is|has|was|can|should|did)_|_(flag|flags|validated|verified|checked|valid|enabled|ok|present|matched|count|cnt|num|amount)$/i;
const STRING_TYPES = new Set(['string', 'varchar', 'char']);

/** The column may hold text: its type is unknown or a string, and its name is not a flag's. */
export function maybeString(c: ColumnInfo): boolean {
  if (c.type !== undefined && !STRING_TYPES.has(c.type)) return false;
  return c.type !== undefined || !NON_STRING_NAME.test(c.name.replace(/([a-z0-9])([A-Z])/g, '$1_$2'));
}

function fixes(ctx: RuleContext, sink: SinkInfo, names: string[], copies: Map<string, ColumnInfo>): Fix[] {
  const at = sink.receiver.endIndex;
  const out: Fix[] = [];
  if (copies.size === names.length) {
    out.push({
      title: `Drop ${names.join(', ')} (masked cop${names.length > 1 ? 'ies exist' : 'y exists'})`,
      edits: [{ start: at, end: at, newText: `.drop(${names.map(pyString).join(', ')})` }],
      applicability: 'unsafe',
      reason: 'removes columns from the output schema',
    });
  }
  // A hash of a flag or a number is meaningless text where the column was a boolean or a count.
  const columns = names.map((n) => sink.frame.columns.get(n));
  if (columns.some((c) => !c || !maybeString(c))) return out;
  const imports = planImports(ctx.model, ctx.text);
  const F = imports.functions;
  const chain = names.map((n) => `.withColumn(${pyString(n)}, ${maskColumnCall(n, F)})`).join('');
  out.push({
    title: `Mask ${names.join(', ')} with sha2(..., 256) before the write`,
    edits: [...imports.edits, { start: at, end: at, newText: chain }],
    applicability: 'unsafe',
    reason: 'replaces the values with their hashes',
  });
  return out;
}
