// The code the typing benches type into a function body (issue 18, the `code` scenario), one
// character per change as an editor sends it, with no bracket or quote closed for the typist: most
// versions between keystrokes have a syntax error. Shared by bench.mjs, profile-edit.mjs and
// code-keystrokes.mjs so that all three type the same text; `functionTakingFrame` finds where.

/** Forty statements of burst `burst`: `df_<burst>_<i> = df.filter(F.col("amount") > <100 + i>)`. */
export function codeToType(burst) {
  const out = [];
  for (let i = 1; i <= 40; i++) out.push(`df_${burst}_${i} = df.filter(F.col("amount") > ${100 + i})`);
  return out.join('\n');
}

/** The line of the first `def f(df):` at or after line `from` of `lines` (the function the code is typed into); throws when there is none. */
export function functionTakingFrame(lines, from, hint = '') {
  let at = from;
  while (at < lines.length && !/^def \w+\(df\):\s*$/.test(lines[at])) at++;
  if (at >= lines.length) throw new Error(`no function taking a frame after line ${from}${hint}`);
  return at;
}

/**
 * The edits that type `code` at the top of the body whose first line is `line` (indented by four):
 * `setup` opens an indented empty line there (the body stays valid until the first character), and
 * each `next()` types one more character (Enter keeps the indentation, as an editor does).
 */
export function codeKeystrokes(line, code) {
  const chars = [...code];
  let column = 4;
  let k = 0;
  return {
    setup: { range: { start: { line, character: 0 }, end: { line, character: 0 } }, text: '    \n' },
    next: () => {
      const c = chars[k++ % chars.length];
      const at = { line, character: column };
      if (c === '\n') {
        line++;
        column = 4;
        return { range: { start: at, end: at }, text: '\n    ' };
      }
      column++;
      return { range: { start: at, end: at }, text: c };
    },
  };
}
