// Column names with millions of distinct values: a bad partition column (PSA302), not a small result (PSA103).

import { nameWords } from '../../spark/nameWords';

/** Entities with one value per user/event/request: millions of distinct values. */
const ID_ENTITIES = new Set([
  'user',
  'customer',
  'client',
  'account',
  'event',
  'session',
  'order',
  'transaction',
  'txn',
  'device',
  'request',
  'message',
  'msg',
  'record',
  'row',
  'visitor',
  'click',
  'trace',
  'span',
  'payment',
  'invoice',
  'member',
  'person',
  'patient',
  'subscriber',
  'player',
  'ride',
  'trip',
  'call',
  'ticket',
  'line',
  'item',
  'log',
  'correlation',
  'anonymous',
]);

/** The reason given for `id`, `uuid`, `pk`...: a value of its own for every row. */
export const UNIQUE_IDENTIFIER = 'a unique identifier';

export function highCardinalityReason(column: string): string | undefined {
  // eventTimestamp, userId: the same words as event_timestamp, user_id.
  const c = column.replace(/([a-z0-9])([A-Z])/g, '$1_$2').toLowerCase();
  if (/^(id|uuid|guid|_id|pk|row_number|rownum)$/.test(c) || /(^|_)(uuid|guid)$/.test(c)) return UNIQUE_IDENTIFIER;
  const id = /^([a-z0-9_]*?)_?(id|key|number|no)$/.exec(c);
  if (id && (id[2] === 'id' || id[2] === 'key') && ID_ENTITIES.has(id[1].split('_').pop() ?? '')) return 'an identifier with one value per entity';
  if (
    /(^|_)(ts|timestamp|datetime)$/.test(c) ||
    /^(event|ingestion|processing|created|updated|modified|inserted|load|arrival)_?(time|at)$/.test(c) ||
    /_at$/.test(c)
  ) {
    return 'a timestamp (one directory per distinct instant)';
  }
  if (/(^|_)(email|phone|ip|ip_address|url)$/.test(c)) return 'a per-person or per-request value';
  return undefined;
}

/** Words of a calendar period a table is laid out by: `month`, `event_date`, `yyyymm`, `dt`. */
const PERIOD_WORDS = new Set(['year', 'yr', 'quarter', 'qtr', 'month', 'week', 'day', 'date', 'dt', 'ds', 'hour', 'yearmonth', 'yyyymm', 'yyyymmdd']);

/** A column naming a calendar period (a bounded number of values a year), not an instant: `month`, `load_date`; not `event_ts`. */
export function isCalendarPeriod(column: string): boolean {
  const words = nameWords(column);
  return words.some((w) => PERIOD_WORDS.has(w)) && highCardinalityReason(column) === undefined;
}
