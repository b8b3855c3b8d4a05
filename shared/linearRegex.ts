import type { RE2JS as RE2JSClass } from 're2js';

/**
 * User-supplied patterns (settings, pyproject.toml) run on RE2JS, a pure-JavaScript port of RE2:
 * matching takes time linear in the input whatever the pattern, where JavaScript's backtracking
 * engine takes exponential time on `(a+)+` against a long name. A workspace could otherwise stall
 * the language server through its settings. Patterns RE2 cannot run (lookaround, backreferences)
 * are refused with a message, never run on the backtracking engine instead.
 */
export interface LinearPattern {
  /** Case-insensitive match of the whole string. */
  matchesWhole(s: string): boolean;
}

/** The compiled pattern, or why it is refused. */
export function compileLinear(pattern: string): LinearPattern | { problem: string } {
  try {
    // Loaded on first use: most runs have no user pattern, and the CLI's startup stays Node's own.
    const { RE2JS } = require('re2js') as { RE2JS: typeof RE2JSClass };
    const re = RE2JS.compile(pattern, RE2JS.CASE_INSENSITIVE);
    return { matchesWhole: (s) => re.matches(s) };
  } catch (e) {
    const why = e instanceof Error ? e.message.replace(/^error parsing regexp: /, '') : String(e);
    return {
      problem: `"${pattern}" is not a valid regular expression for the linear-time (RE2) engine (${why}; lookaround and backreferences are not supported)`,
    };
  }
}

/** Why `pattern` is refused, or undefined when it compiles. */
export function linearPatternProblem(pattern: string): string | undefined {
  const compiled = compileLinear(pattern);
  return 'problem' in compiled ? compiled.problem : undefined;
}
