import type { Frame } from '../../model/types';

// The column a watermark suggestion names, for the streaming aggregation (PSA201) and dedup (PSA202) fixes.

/** A known column of `frame` that looks like event time (`event_time`, then `*_ts`/`*_at`..., then `timestamp`). */
export function guessEventTimeColumn(frame: Frame): string | undefined {
  const names = [...frame.columns.keys()];
  return (
    names.find((n) => /^(event_?time|event_?ts|event_timestamp)$/i.test(n)) ??
    names.find((n) => /(_time|_ts|_timestamp|_at)$/i.test(n)) ??
    names.find((n) => n === 'timestamp')
  );
}
