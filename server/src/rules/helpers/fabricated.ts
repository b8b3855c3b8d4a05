import { lineage } from '../../model/lineage';
import type { Frame } from '../../model/types';

/**
 * A frame made up on the spot: every frame its lineage starts from is `spark.range(...)`, a SQL
 * query that reads nothing, or rows built on the driver, and at least one is a generator (the usual
 * way to fabricate millions of rows: `spark.range(n).select(rand(), pmod(id, k), ...)`; a calendar
 * dimension: `spark.sql("SELECT explode(sequence(...)) AS d")`). Computing it again regenerates the
 * rows; no source is read twice. Lab data generators write such frames and count them; every
 * finding about recomputing one on the real-code corpora was judged not worth acting on. A join with a
 * read, a table or a query that reads one (or a frame the model cannot trace: a parameter, an
 * unknown call) is real data.
 */
export function fabricated(frame: Frame): boolean {
  let generators = 0;
  for (const f of lineage(frame)) {
    if (f.parents.length) continue;
    const kind = f.source?.kind;
    if (kind === 'range' || (kind === 'sql' && selectsFromNothing(f.source?.query))) generators++;
    else if (kind !== 'createDataFrame') return false;
  }
  return generators > 0;
}

/** SQL string literals ('...' and "..." in Spark's default dialect), and comments. */
const LITERALS_AND_COMMENTS = /'(?:[^'\\]|\\.)*'|"(?:[^"\\]|\\.)*"|--[^\n]*|\/\*[\s\S]*?\*\//g;

/**
 * `SELECT explode(sequence(to_date('{start}'), to_date('{end}'), interval 1 day)) AS day`: a SELECT
 * with no FROM computes its rows from literals, as spark.range does. The query must be known: an
 * f-string part the model could not resolve stays `{name}`, and outside a quoted literal it may be
 * anything (a FROM clause, a subquery), so such a query reads a source for all we know. `TABLE t` and
 * `VALUES` are not SELECTs; `SELECT (SELECT max(x) FROM t)` has a FROM.
 */
export function selectsFromNothing(query: string | undefined): boolean {
  if (query === undefined) return false;
  const code = query.replace(LITERALS_AND_COMMENTS, "''");
  return /^\s*\(?\s*select\b/i.test(code) && !/[{}]/.test(code) && !/\b(from|table)\b/i.test(code);
}
