import type { Finding, Fix } from '../findings';
import type { LineIndex } from '../lineIndex';

/**
 * `# noqa: CODE` at the end of the finding's first line (merged into an existing noqa list). Safe: it
 * changes no code that runs; bulk fixing never applies it (it is not among a finding's fixes).
 */
export function noqaFix(text: string, f: Pick<Finding, 'code' | 'start'>, lines: LineIndex): Fix | undefined {
  const line = lines.positionAt(f.start).line;
  const lineText = lines.lineText(line);
  if (/\\\s*$/.test(lineText)) return undefined;
  const end = lines.lineStart(line) + lineText.length;
  // A lone CR ends the line for the editor but not for tree-sitter's comment token: the comment would swallow the rest.
  if (text.charCodeAt(end) === 13 && text.charCodeAt(end + 1) !== 10) return undefined;
  const existing = /#\s*noqa:\s*([A-Z0-9, ]+)$/i.exec(lineText);
  if (existing) {
    const at = lines.lineStart(line) + existing.index + existing[0].length;
    return { title: `Suppress ${f.code} on this line (noqa)`, edits: [{ start: at, end: at, newText: `, ${f.code}` }], applicability: 'safe' };
  }
  if (/#\s*noqa\b/i.test(lineText)) return undefined;
  return { title: `Suppress ${f.code} on this line (noqa)`, edits: [{ start: end, end, newText: `  # noqa: ${f.code}` }], applicability: 'safe' };
}
