/**
 * Answers "is [start, end) inside one of these ranges?" in O(log n) per question, after one sort:
 * rules that asked it by scanning every range, once per candidate, grew quadratically with the file.
 */
export function containedInAny(ranges: readonly { start: number; end: number }[]): (start: number, end: number) => boolean {
  const sorted = [...ranges].sort((a, b) => a.start - b.start);
  const starts = sorted.map((r) => r.start);
  // The furthest end among the ranges starting at or before each one.
  const reach: number[] = [];
  for (let i = 0; i < sorted.length; i++) reach.push(Math.max(sorted[i].end, i ? reach[i - 1] : -Infinity));
  return (start, end) => {
    let lo = 0;
    let hi = starts.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (starts[mid] <= start) lo = mid + 1;
      else hi = mid;
    }
    return lo > 0 && reach[lo - 1] >= end;
  };
}
