import type { ConfRow } from './sparkConfRegistry';
import type { DocRow } from './sparkDocsTables';

/** A row of the bundled table (server/src/spark/conf/sparkConfTable.json): the registry's row shape. */
export type TableRow = ConfRow;

/**
 * Joins what the registries declare, what the documentation pages say and the previous table.
 * - The registry decides scope, since, internal and deprecation, and gives the doc sentence.
 * - The documentation gives the default as users read it (`512m` rather than `536870912b`) and
 *   fills a doc or since-version the registry file leaves out.
 * - The previous table keeps keys neither source declares any more (removed and renamed keys, so
 *   old code setting them is not reported as a typo) and fills anything still missing.
 * A documented key that is in neither of the others is added as a core key; an undocumented
 * `spark.sql.` key from the docs is not, since whether it is static cannot be told from a page.
 */
/** An empty default reads as nothing in a hover: say it. */
function shown(value: string | undefined): string | undefined {
  return value === '' ? '(empty)' : value;
}

export function mergeTable(registry: readonly ConfRow[], docs: readonly DocRow[], baseline: readonly TableRow[]): TableRow[] {
  const docByKey = new Map(docs.map((d) => [d.key, d]));
  const oldByKey = new Map(baseline.map((e) => [e.key, e]));
  const out = new Map<string, TableRow>();
  const put = (row: TableRow) => {
    const clean = Object.fromEntries(Object.entries(row).filter(([, v]) => v !== undefined)) as unknown as TableRow;
    out.set(row.key, clean);
  };
  for (const r of registry) {
    const d = docByKey.get(r.key);
    const old = oldByKey.get(r.key);
    put({
      key: r.key,
      scope: r.scope,
      default: shown(d?.default ?? r.default ?? old?.default),
      since: r.since ?? d?.since ?? old?.since,
      doc: r.doc ?? d?.doc ?? old?.doc,
      internal: r.internal,
      deprecated: r.deprecated ?? old?.deprecated,
      type: r.type,
      values: r.values,
      valuesIgnoreCase: r.valuesIgnoreCase,
    });
  }
  for (const d of docs) {
    if (out.has(d.key)) continue;
    const old = oldByKey.get(d.key);
    if (!old && d.key.startsWith('spark.sql.')) continue;
    put({
      key: d.key,
      scope: old?.scope ?? 'core',
      default: d.default ?? old?.default,
      since: d.since ?? old?.since,
      doc: d.doc ?? old?.doc,
      deprecated: old?.deprecated,
    });
  }
  for (const old of baseline) if (!out.has(old.key)) put({ ...old });
  return [...out.values()].sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
}
