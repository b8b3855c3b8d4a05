/**
 * The column names a simple SQL predicate reads (`"amount > 100 AND status = 'paid'"`), for the
 * string form of `filter`/`where`. Only predicates made of names, literals, comparisons, AND/OR/NOT,
 * IS [NOT] NULL, IN (...), [NOT] LIKE and BETWEEN are read; anything else (a function call, a
 * qualified or quoted name, CASE, a typed literal, a subquery) gives undefined: the caller stays
 * silent rather than guess what Spark's parser would make of it.
 */

export interface SqlName {
  name: string;
  /** Offset of the name in the predicate string. */
  offset: number;
}

const KEYWORDS = new Set(['and', 'or', 'not', 'is', 'null', 'in', 'like', 'ilike', 'rlike', 'between', 'true', 'false']);
/** Words that make the predicate more than names and literals (or are values without parentheses: `current_date`). */
const RESERVED = new Set([
  'case', 'when', 'then', 'else', 'end', 'interval', 'exists', 'select', 'from', 'where', 'as', 'cast', 'any', 'all', 'some',
  'distinct', 'current_date', 'current_timestamp', 'current_user', 'current_timezone', 'current_catalog', 'current_database',
  'current_schema', 'user', 'session_user', 'array', 'map', 'struct',
  'over', 'partition', 'order', 'by', 'escape', 'div', 'rlike', 'regexp', 'similar', 'unknown', 'nan', 'infinity',
]);
const TOKEN = /\s+|(?<num>\d+(?:\.\d+)?(?:[eE][+-]?\d+)?[LlDd]?)|(?<str>'(?:[^'\\]|\\.)*'|"(?:[^"\\]|\\.)*")|(?<name>[A-Za-z_][A-Za-z0-9_]*)|(?<op><=>|==|!=|<>|<=|>=|[=<>+\-*/%(),])/y;

export function sqlPredicateNames(sql: string): SqlName[] | undefined {
  const tokens: { kind: 'num' | 'str' | 'name' | 'op'; text: string; offset: number }[] = [];
  TOKEN.lastIndex = 0;
  while (TOKEN.lastIndex < sql.length) {
    const at = TOKEN.lastIndex;
    const m = TOKEN.exec(sql);
    if (!m) return undefined;
    const g = m.groups ?? {};
    if (g.num !== undefined) tokens.push({ kind: 'num', text: g.num, offset: at });
    else if (g.str !== undefined) tokens.push({ kind: 'str', text: g.str, offset: at });
    else if (g.name !== undefined) tokens.push({ kind: 'name', text: g.name, offset: at });
    else if (g.op !== undefined) tokens.push({ kind: 'op', text: g.op, offset: at });
  }
  if (!tokens.length) return undefined;
  const names: SqlName[] = [];
  let depth = 0;
  for (let i = 0; i < tokens.length; i++) {
    const t = tokens[i];
    const next = tokens[i + 1];
    if (t.kind === 'op') {
      if (t.text === '(') depth++;
      if (t.text === ')' && --depth < 0) return undefined;
      // Parentheses only after IN or as grouping, never after a name (a function call).
      if (t.text === '(' && i > 0 && tokens[i - 1].kind === 'name' && tokens[i - 1].text.toLowerCase() !== 'in' && !KEYWORDS.has(tokens[i - 1].text.toLowerCase())) return undefined;
      continue;
    }
    if (t.kind !== 'name') continue;
    const lower = t.text.toLowerCase();
    if (KEYWORDS.has(lower)) continue;
    if (RESERVED.has(lower)) return undefined;
    // `date '2024-01-01'`, `x'ff'`: a typed literal; `name(`: a function.
    if (next && (next.kind === 'str' || (next.kind === 'op' && next.text === '('))) return undefined;
    names.push({ name: t.text, offset: t.offset });
  }
  return depth === 0 && names.length ? names : undefined;
}
