import type { SinkInfo } from '../../model/types';

// Checkpoint locations that survive a restart, for PSA204 (ephemeral location) and PSA205 (missing one).

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
