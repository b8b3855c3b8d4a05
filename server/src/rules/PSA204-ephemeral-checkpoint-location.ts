import type { SinkInfo } from '../model/types';
import { isStringNode, pyString } from '../parsing/syntax';
import { related, type Rule, type RuleContext } from './rule';

const NON_DURABLE_SINKS = new Set(['console', 'memory', 'noop']);
const EPHEMERAL = /^(file:(\/\/)?)?\/tmp(\/|$)|^(dbfs:)?\/(dbfs\/)?tmp(\/|$)|^\/dbfs\/tmp(\/|$)|^\/var\/tmp(\/|$)/i;

export function isEphemeralPath(path: string): boolean {
  const p = path.trim();
  if (EPHEMERAL.test(p)) return true;
  // Relative: no scheme, not absolute, not a template we cannot see into.
  return !/^[A-Za-z][A-Za-z0-9+.-]*:/.test(p) && !p.startsWith('/') && !p.startsWith('{') && p.length > 0;
}

/** A durable checkpoint beside the sink: `s3://lake/silver/events` -> `s3://lake/_checkpoints/silver/events`. */
export function durableCheckpointFor(sink: SinkInfo): string {
  const target = sink.path && !isEphemeralPath(sink.path) && !sink.path.includes('{') ? sink.path.replace(/\/+$/, '') : undefined;
  if (target) {
    const slash = target.lastIndexOf('/');
    const scheme = /^[a-z][a-z0-9+.-]*:\/\/[^/]*/i.exec(target)?.[0] ?? '';
    if (slash >= scheme.length) return `${target.slice(0, slash)}/_checkpoints/${target.slice(slash + 1)}`;
  }
  const name = (sink.table ?? 'my_stream').replace(/[^A-Za-z0-9_.-]/g, '_');
  return `s3://CHANGE-ME/checkpoints/${name}`;
}

export const ephemeralCheckpointLocation: Rule = {
  code: 'PSA204',
  name: 'ephemeral-checkpoint-location',
  summary: 'checkpointLocation under /tmp or a relative path: a restart loses offsets and state.',
  defaultSeverity: 'warning',
  check(ctx: RuleContext) {
    for (const sink of ctx.model.sinks) {
      if (!sink.streaming || NON_DURABLE_SINKS.has(sink.format ?? '')) continue;
      const cp = sink.options.get('checkpointLocation');
      if (!cp || cp.value === undefined || !isEphemeralPath(cp.value)) continue;
      const durable = durableCheckpointFor(sink);
      ctx.report({
        node: cp.node,
        message:
          `checkpointLocation "${cp.value}" is a scratch location: local /tmp disappears with the driver, tmp folders on ` +
          'shared storage get cleaned up, and a relative path depends on where the job happens to run. When it goes, the ' +
          'query loses its offsets and state and reprocesses or skips data. Use a durable path next to the sink, one per query.',
        related: [related(sink.call, 'the streaming query this checkpoint belongs to')],
        fixes: [
          {
            title: `Use a durable checkpoint: ${durable}`,
            edits: [{ start: cp.node.startIndex, end: cp.node.endIndex, newText: pyString(durable) }],
            preferred: isStringNode(cp.node),
          },
        ],
      });
    }
  },
};
