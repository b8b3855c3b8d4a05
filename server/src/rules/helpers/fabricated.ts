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
  return originOf(frame) === Origin.Generated;
}

/** What a frame's lineage starts from: only generators and driver rows (at least one generator), only driver rows, or anything else. */
const enum Origin {
  Generated,
  Rows,
  Real,
}

/**
 * Kept per frame (a frame's parents are fixed when it is made): a frame's origin is its parents'
 * combined, so each frame is looked at once per model. Walking the whole lineage per action made
 * PSA101 and PSA102 quadratic in a notebook that counts after each step (issue 18).
 */
const origins = new WeakMap<Frame, Origin>();

function originOf(frame: Frame): Origin {
  const known = origins.get(frame);
  if (known !== undefined) return known;
  // Post-order over the parents not yet known, without recursion (a lineage can be thousands deep).
  const stack: Frame[] = [frame];
  const expanded = new Set<Frame>();
  while (stack.length) {
    const f = stack[stack.length - 1];
    if (origins.has(f)) {
      stack.pop();
      continue;
    }
    const pending = f.parents.filter((p) => !origins.has(p));
    if (pending.length) {
      // Back on top with parents still unknown: they lead back to it. The model makes no such
      // cycle (parents exist before the frame made from them); if one appeared, read the lineage
      // as a set of frames, as before, and keep nothing.
      if (expanded.has(f)) return originByWalk(frame);
      expanded.add(f);
      stack.push(...pending);
      continue;
    }
    stack.pop();
    origins.set(f, f.parents.length ? combined(f.parents.map((p) => origins.get(p)!)) : rootOrigin(f));
  }
  return origins.get(frame)!;
}

function originByWalk(frame: Frame): Origin {
  return combined([...lineage(frame)].filter((f) => !f.parents.length).map(rootOrigin));
}

function rootOrigin(f: Frame): Origin {
  const kind = f.source?.kind;
  if (kind === 'range' || (kind === 'sql' && selectsFromNothing(f.source?.query))) return Origin.Generated;
  return kind === 'createDataFrame' ? Origin.Rows : Origin.Real;
}

function combined(parts: Origin[]): Origin {
  if (parts.includes(Origin.Real)) return Origin.Real;
  return parts.includes(Origin.Generated) ? Origin.Generated : Origin.Rows;
}

/** SQL string literals ('...' and "..." in Spark's default dialect), and comments. */
const LITERALS_AND_COMMENTS = /'(?:[^'\\]|\\.)*'|"(?:[^"\\]|\\.)*"|--[^\n]*|\/\*[\s\S]*?\*\//g;

/** A query's text with its string literals emptied and its comments blanked: what is left is SQL. */
export function sqlCode(query: string): string {
  return query.replace(LITERALS_AND_COMMENTS, (m) => (m.startsWith('-') || m.startsWith('/') ? ' ' : "''"));
}

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
