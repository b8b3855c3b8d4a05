/**
 * The lower-case words of an identifier or a table/column name: `event_timestamp` -> [event,
 * timestamp]; `lastLogin` -> [last, login]; `s3://lake/silver/Orders` -> [s3, lake, silver, orders].
 * What the name-reading rules (periods, PII, layers, orderings) match words against.
 */
export function nameWords(name: string): string[] {
  return name
    .replace(/([a-z0-9])([A-Z])/g, '$1_$2')
    .toLowerCase()
    .split(/[^a-z0-9]+/)
    .filter(Boolean);
}
