import { related, type Rule, type RuleContext } from '../rule';

/** Entities with one value per user/event/request: millions of distinct values. */
const ID_ENTITIES = new Set([
  'user', 'customer', 'client', 'account', 'event', 'session', 'order', 'transaction', 'txn', 'device', 'request',
  'message', 'msg', 'record', 'row', 'visitor', 'click', 'trace', 'span', 'payment', 'invoice', 'member', 'person',
  'patient', 'subscriber', 'player', 'ride', 'trip', 'call', 'ticket', 'line', 'item', 'log', 'correlation', 'anonymous',
]);

export function highCardinalityReason(column: string): string | undefined {
  // eventTimestamp, userId: the same words as event_timestamp, user_id.
  const c = column.replace(/([a-z0-9])([A-Z])/g, '$1_$2').toLowerCase();
  if (/^(id|uuid|guid|_id|pk|row_number|rownum)$/.test(c) || /(^|_)(uuid|guid)$/.test(c)) return 'a unique identifier';
  const id = /^([a-z0-9_]*?)_?(id|key|number|no)$/.exec(c);
  if (id && (id[2] === 'id' || id[2] === 'key') && ID_ENTITIES.has(id[1].split('_').pop() ?? '')) return 'an identifier with one value per entity';
  if (/(^|_)(ts|timestamp|datetime)$/.test(c) || /^(event|ingestion|processing|created|updated|modified|inserted|load|arrival)_?(time|at)$/.test(c) || /_at$/.test(c)) {
    return 'a timestamp (one directory per distinct instant)';
  }
  if (/(^|_)(email|phone|ip|ip_address|url)$/.test(c)) return 'a per-person or per-request value';
  return undefined;
}

export const highCardinalityPartitionColumn: Rule = {
  code: 'PSA302',
  name: 'high-cardinality-partition-column',
  summary: 'partitionBy on an id/uuid/timestamp/email-like column: millions of directories of tiny files.',
  defaultSeverity: 'warning',
  check(ctx: RuleContext) {
    for (const sink of ctx.model.sinks) {
      for (const p of sink.partitionBy) {
        if (!p.name) continue;
        const reason = highCardinalityReason(p.name);
        if (!reason) continue;
        ctx.report({
          node: p.node,
          message:
            `partitionBy("${p.name}") partitions on ${reason}: every distinct value becomes a directory, so the write ` +
            'creates millions of tiny files that overload the metastore/object store and make every read list them. ' +
            'Partition by a low-cardinality column such as a date (to_date of the timestamp) or a hash bucket instead.',
          related: [related(sink.call, 'written here')],
          fixes: [],
        });
      }
    }
  },
};
