import type { Node } from '../../parsing/pythonParser';
import { escapeRegExp, unwrapParens } from '../../parsing/syntax';

const MAX_CHAIN = 500;

/** The name a call chain starts from: `spark` in `spark.read.csv(...)`, `self` in `self.spark.read...`. */
export function chainRoot(node: Node): Node | undefined {
  let n: Node | null = node;
  for (let i = 0; n && i < MAX_CHAIN; i++) {
    n = unwrapParens(n);
    if (n.type === 'identifier') return n;
    if (n.type === 'call') n = n.childForFieldName('function');
    else if (n.type === 'attribute') n = n.childForFieldName('object');
    else return undefined;
  }
  return undefined;
}

/**
 * Whether the file binds `name` itself: assigns it, imports it, takes it as a parameter or names it
 * in `with ... as` / `for`. A session name the file never binds is the global of a notebook export,
 * a Databricks or pyspark shell, or a book chapter's REPL script: code run by hand, not a job.
 */
export function boundInFile(text: string, name: string): boolean {
  const n = escapeRegExp(name);
  const patterns = [
    new RegExp(`(?:^|[\\s,(])${n}\\s*(?::[^=\\n]+)?=(?!=)`, 'm'),
    new RegExp(`\\bimport\\b[^\\n]*\\b${n}\\b`),
    new RegExp(`\\bas\\s+${n}\\b`),
    new RegExp(`\\bdef\\s+\\w+\\s*\\([^)]*\\b${n}\\b`),
    new RegExp(`\\bfor\\s+[^\\n]*\\b${n}\\b[^\\n]*\\bin\\b`),
    new RegExp(`\\b${n}\\s*,[^\\n=]*=(?!=)`),
  ];
  return patterns.some((p) => p.test(text));
}

const LOCAL_MASTER = /\.(?:master|setMaster)\(\s*f?["']local\b/;

/** The file builds its session on a local master: a demo or a test run on one machine. */
export function buildsLocalSession(text: string): boolean {
  return LOCAL_MASTER.test(text);
}
