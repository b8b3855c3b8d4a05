import type { Node } from './parsing/pythonParser';

const NOQA = /#\s*noqa(?::\s*([A-Z]+[0-9]+(?:\s*,\s*[A-Z]+[0-9]+)*))?/gi;

/**
 * Per line: `true` for a bare `# noqa`, else the codes a `# noqa: A, B` names. The text is
 * scanned for candidates and each is checked to be a real comment (not inside a string).
 */
export function collectNoqa(root: Node, text: string, lineOf: (offset: number) => number): Map<number, Set<string> | true> {
  const out = new Map<number, Set<string> | true>();
  for (const m of text.matchAll(NOQA)) {
    const at = m.index ?? 0;
    const node = root.descendantForIndex(at, at + 1);
    if (!node || node.type !== 'comment') continue;
    const line = lineOf(at);
    if (!m[1]) {
      out.set(line, true);
      continue;
    }
    const prev = out.get(line);
    if (prev === true) continue;
    const set = prev ?? new Set<string>();
    for (const c of m[1].split(',')) set.add(c.trim().toUpperCase());
    out.set(line, set);
  }
  return out;
}

export function isSuppressed(noqa: Map<number, Set<string> | true>, code: string, lines: number[]): boolean {
  for (const l of lines) {
    const entry = noqa.get(l);
    if (entry === true || entry?.has(code)) return true;
  }
  return false;
}
