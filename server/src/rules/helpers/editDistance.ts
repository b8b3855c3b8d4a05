/** Optimal-string-alignment distance; gives up with `limit + 1` once the distance must exceed `limit`. */
export function damerauLevenshtein(a: string, b: string, limit = Infinity): number {
  const rows: number[][] = [Array.from({ length: b.length + 1 }, (_, j) => j)];
  let previousMin = 0;
  for (let i = 1; i <= a.length; i++) {
    const row = [i];
    let rowMin = i;
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let v = Math.min(rows[i - 1][j] + 1, row[j - 1] + 1, rows[i - 1][j - 1] + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) v = Math.min(v, rows[i - 2][j - 2] + 1);
      row.push(v);
      rowMin = Math.min(rowMin, v);
    }
    // Every later cell builds on this row or (by transposition) the one before it, plus a cost.
    if (rowMin > limit && previousMin > limit) return limit + 1;
    previousMin = rowMin;
    rows.push(row);
  }
  return rows[a.length][b.length];
}

/**
 * The one name of `candidates` clearly closest to `name` (case-insensitively): at most two edits
 * away (one for short names), and every other candidate at least one edit further. Undefined when
 * none is close or two are equally close: a guess between them is not a suggestion.
 */
export function closestName(name: string, candidates: readonly string[]): string | undefined {
  const lower = name.toLowerCase();
  const limit = lower.length <= 4 ? 1 : 2;
  let best: string | undefined;
  let bestDistance = limit + 1;
  let second = Infinity;
  for (const c of new Set(candidates)) {
    const d = damerauLevenshtein(lower, c.toLowerCase(), limit + 1);
    if (d < bestDistance) {
      second = bestDistance;
      bestDistance = d;
      best = c;
    } else if (d < second) second = d;
  }
  return best !== undefined && bestDistance <= limit && second > bestDistance ? best : undefined;
}
