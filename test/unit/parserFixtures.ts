// Texts that break tree-sitter-python, shared by the unit, CLI and protocol tests.

/** Level `i` indented with `i % 8` spaces then `i / 8` tabs: tab stops make these 66 levels, the scanner (8 per tab) 520. */
export function mixedIndentFile(levels = 520): string {
  const indent = (i: number) => ' '.repeat(i % 8) + '\t'.repeat(Math.floor(i / 8));
  let s = '';
  for (let i = 0; i < levels; i++) s += `${indent(i)}if x:\n`;
  // Open strings while the stack is deepest: the state written after each one overflows the buffer.
  return s + `${indent(levels)}s = "abc"\n${indent(levels)}t = f"{s}"\n`;
}
