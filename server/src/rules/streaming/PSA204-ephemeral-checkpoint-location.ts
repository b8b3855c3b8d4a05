import type { SinkInfo } from '../../model/types';
import type { Node } from '../../parsing/pythonParser';
import { pyString, sameNode } from '../../parsing/syntax';
import { related, type Rule, type RuleContext } from '../rule';
import {
  batchWritesOnlyScratch,
  checkpointFix,
  checkpointRemovedBefore,
  durableCheckpointFor,
  durableCheckpoints,
  isEphemeralPath,
  nothingToRecover,
  servesSeveralQueries,
  writesToLocalBroker,
} from '../helpers/checkpoints';
import { isPlaceholderPath } from '../helpers/templateValues';
import { isDisplayFormat } from '../../spark/writers';

export const ephemeralCheckpointLocation: Rule = {
  code: 'PSA204',
  name: 'ephemeral-checkpoint-location',
  summary: 'checkpointLocation under /tmp or a relative path: a restart loses offsets and state.',
  defaultSeverity: 'warning',
  check(ctx: RuleContext) {
    let planned: Map<SinkInfo, string> | undefined;
    for (const sink of ctx.model.sinks) {
      if (!sink.streaming || isDisplayFormat(sink.format)) continue;
      const cp = sink.options.get('checkpointLocation');
      if (!cp || cp.value === undefined || !isEphemeralPath(cp.value)) continue;
      // A fill-in left for the reader (`path/to/checkpoint`, `<checkpoint-dir>`) is relative only
      // because it is not a path yet: nobody runs the query with it, so there is no scratch
      // location to warn about (PSA214 skips such template queries the same way).
      if (isPlaceholderPath(cp.value)) continue;
      // A local demo whose output is itself under /tmp or a relative folder: the checkpoint is as durable as the data.
      if (sink.path !== undefined && isEphemeralPath(sink.path)) continue;
      // The same when the query's foreachBatch function writes only to such places.
      if (batchWritesOnlyScratch(ctx.model, sink)) continue;
      // And when it writes to a Kafka broker on this machine.
      if (writesToLocalBroker(sink)) continue;
      // A stateless query over a socket (which cannot replay) has no offsets or state to lose; nor has
      // one over a generator of test rows (a `rate` producer feeding a demo): a lost scratch checkpoint
      // only makes it generate fresh rows. PSA205 does not take this exemption: a generator's query
      // with no checkpoint at all is still reported.
      if (nothingToRecover(ctx.model, sink, true)) continue;
      // A query whose checkpoint the code deletes before starting it starts over on every run by design.
      if (checkpointRemovedBefore(ctx.model, sink)) continue;
      const durable = (planned ??= durableCheckpoints(ctx.model)).get(sink) ?? durableCheckpointFor(sink);
      // A path handed in through a parameter is fixed where it is written: the default or the
      // call site's argument (one finding per call site). A module constant is fixed at its use,
      // since the durable path is per query and a constant may serve several.
      const at = cp.origin && !sameNode(cp.origin, cp.node) && isParameter(cp.node) ? cp.origin : cp.node;
      ctx.report({
        node: at,
        message:
          `checkpointLocation "${cp.value}" is a scratch location: local /tmp disappears with the driver, tmp folders on ` +
          'shared storage get cleaned up, and a relative path depends on where the job happens to run. When it goes, the ' +
          'query loses its offsets and state and reprocesses or skips data. Use a durable path next to the sink, one per query.',
        related: [
          ...(at !== cp.node ? [related(cp.node, 'used as checkpointLocation here')] : []),
          related(sink.call, 'the streaming query this checkpoint belongs to'),
        ],
        // A parameter's default, or a value at a sink several queries run through, would give them one checkpoint.
        fixes:
          isParameterDefault(at) || servesSeveralQueries(ctx.model, sink, at)
            ? []
            : [
                checkpointFix(
                  `Use a durable checkpoint: ${durable}`,
                  { start: at.startIndex, end: at.endIndex, newText: pyString(durable) },
                  durable,
                  'the query starts over on the new checkpoint',
                ),
              ],
      });
    }
  },
};

/** `node` is the default value of a function parameter (every call that omits it shares it). */
function isParameterDefault(node: Node): boolean {
  const p = node.parent;
  return !!p && (p.type === 'default_parameter' || p.type === 'typed_default_parameter') && sameNode(p.childForFieldName('value'), node);
}

/** `node` is a name bound by a parameter of the function it is used in. */
function isParameter(node: Node): boolean {
  if (node.type !== 'identifier') return false;
  for (let p = node.parent; p; p = p.parent) {
    if (p.type !== 'function_definition') continue;
    const params = p.childForFieldName('parameters');
    return !!params?.namedChildren.some((param) => {
      const name = param.type === 'identifier' ? param : (param.childForFieldName('name') ?? param.namedChildren.find((c) => c.type === 'identifier'));
      return name?.text === node.text;
    });
  }
  return false;
}
