import { oneLine } from './sparkConfRegistry';

/**
 * Reads the property tables of Spark's documentation pages (docs/configuration.md,
 * docs/running-on-yarn.md, ...): HTML `<table>`s whose rows are
 * `<td><code>key</code></td><td>default</td><td>meaning</td><td>since</td>` (monitoring.md leaves
 * out the `<code>`). Older pages have no since column; a row whose first cell is not a single plain key (`spark.{driver|executor}.x`) is
 * skipped.
 */

export interface DocRow {
  key: string;
  default?: string;
  since?: string;
  doc?: string;
}

const ENTITIES: Record<string, string> = { lt: '<', gt: '>', amp: '&', quot: '"', '#39': "'", nbsp: ' ', apos: "'" };

/** Cell HTML as plain text: tags dropped, entities decoded, Markdown links and Liquid tags simplified. */
export function cellText(html: string): string {
  return html
    .replace(/<br\s*\/?>/gi, ' ')
    .replace(/<[^>]+>/g, '')
    .replace(/\{\{\s*site\.([A-Z_]+)\s*\}\}/g, '<$1>')
    .replace(/\{%[^%]*%\}/g, '')
    .replace(/\[([^\]]+)\]\([^)]*\)/g, '$1')
    .replace(/&(#\d+|[a-z]+);/g, (m, name: string) => ENTITIES[name] ?? (name.startsWith('#') ? String.fromCharCode(Number(name.slice(1))) : m))
    .replace(/\s+/g, ' ')
    .trim();
}

export function parseDocsTables(markdown: string): DocRow[] {
  const rows: DocRow[] = [];
  for (const tr of markdown.matchAll(/<tr>([\s\S]*?)<\/tr>/g)) {
    const cells = [...tr[1].matchAll(/<td[^>]*>([\s\S]*?)<\/td>/g)].map((m) => m[1]);
    if (cells.length < 3) continue;
    const key = /^\s*(?:<code>\s*)?(spark\.[\w.-]+)\s*(?:<\/code>)?\s*$/.exec(cells[0])?.[1];
    if (!key) continue;
    const row: DocRow = { key };
    // A default broken over lines (`org.apache.spark.serializer.<br />JavaSerializer`) is one value.
    const dflt = cellText(cells[1].replace(/<br\s*\/?>/gi, ''));
    if (dflt) row.default = dflt;
    const doc = oneLine(cellText(cells[2]));
    if (doc && doc.length > 10) row.doc = doc;
    const since = cells[3] !== undefined ? cellText(cells[3]) : '';
    if (/^\d+\.\d+\.\d+$/.test(since)) row.since = since;
    rows.push(row);
  }
  return rows;
}
