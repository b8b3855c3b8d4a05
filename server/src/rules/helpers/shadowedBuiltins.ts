import type { Fix } from '../../findings';
import { ensureModuleImport } from '../../fixes/edits';
import type { Node } from '../../parsing/pythonParser';
import { callParts, unwrapParens } from '../../parsing/syntax';
import { BUILTINS_SHADOWED_BY_STAR } from '../../spark/functionNames';
import type { RuleContext } from '../rule';
import { callsNamedAny } from './callIndex';

/** PSA701 (b): a Python builtin replaced by a pyspark.sql.functions import, then called on Python values. */

/** Builtins whose result is certainly a Python value (when the file does not rebind them). */
const PYTHON_VALUE_CALLS = new Set(['len', 'range', 'int', 'float', 'sorted', 'list', 'tuple', 'set', 'dict', 'enumerate', 'zip', 'reversed']);
const PYTHON_LITERALS = new Set([
  'integer',
  'float',
  'list',
  'tuple',
  'set',
  'dictionary',
  'list_comprehension',
  'set_comprehension',
  'dictionary_comprehension',
  'generator_expression',
]);
const MAX_DEPTH = 30;

export function checkShadowedBuiltins(ctx: RuleContext, boundInFile: (name: string) => boolean): void {
  const imports = ctx.model.imports;
  const shadowed = [...BUILTINS_SHADOWED_BY_STAR].filter((n) => (imports.functionsStar || imports.functionNames.has(n)) && !boundInFile(n));
  if (!shadowed.length) return;
  const names = new Set(shadowed);
  const counts = new Set(ctx.model.actions.filter((a) => a.method === 'count').map((a) => a.call.id));
  const isPython = (n: Node, depth = 0): boolean => isPythonValue(n, depth, counts, boundInFile);
  for (const call of callsNamedAny(ctx.model, names)) {
    const callee = call?.childForFieldName('function');
    if (!call || callee?.type !== 'identifier' || !names.has(callee.text)) continue;
    if (!calledOnPythonValues(callee.text, call, isPython)) continue;
    const name = callee.text;
    const how = imports.functionNames.has(name) ? `\`from pyspark.sql.functions import ${name}\`` : '`from pyspark.sql.functions import *`';
    const fix: Fix = {
      title: `Call builtins.${name}(...)`,
      edits: [...ensureModuleImport(ctx.model, ctx.text, 'builtins'), { start: callee.startIndex, end: callee.endIndex, newText: `builtins.${name}` }],
      applicability: 'unsafe',
      reason: 'calls the Python builtin instead of the Spark function',
    };
    ctx.report({
      node: call,
      message:
        `${how} replaces Python's builtin \`${name}\` with pyspark.sql.functions.${name}: this call on plain Python ` +
        `values raises a TypeError (or builds a Column) instead of computing ${name}(...). Call builtins.${name}(...) here, ` +
        'or import the functions module as `F` instead of by name.',
      fixes: [fix],
    });
  }
}

/** Per builtin, the argument shapes that can only mean the Python builtin. */
function calledOnPythonValues(name: string, call: Node, isPython: (n: Node) => boolean): boolean {
  const argsNode = call.childForFieldName('arguments');
  if (argsNode?.type === 'generator_expression') return name === 'sum' || name === 'max' || name === 'min';
  const parts = callParts(call);
  if (!parts) return false;
  const args = parts.args;
  if (args.some((a) => a.type === 'list_splat' || a.type === 'dictionary_splat') || args.length === 0) return false;
  switch (name) {
    case 'sum':
      return args.length <= 2 && args.every(isPython);
    case 'max':
    case 'min':
      return args.every(isPython);
    case 'round': {
      const digits = args[1] ? unwrapParens(args[1]) : undefined;
      return args.length <= 2 && isPython(args[0]) && (!digits || digits.type === 'integer');
    }
    case 'filter': {
      // pyspark's filter takes the column first and the lambda second.
      const first = unwrapParens(args[0]).type;
      return args.length === 2 && (first === 'lambda' || first === 'none');
    }
    case 'slice':
      return args.length <= 3 && args.every((a) => ['integer', 'none'].includes(unwrapParens(a).type) || isPython(a));
    default: // abs, ascii, bin, hash, hex, pow
      return args.length <= 2 && args.every(isPython);
  }
}

/**
 * True only for expressions that are plain Python values for certain: number and container
 * literals, comprehensions, `len(...)`/`range(...)`-style builtins, `df.count()`, and arithmetic
 * over those. Strings are not: Spark functions read a string argument as a column name.
 */
function isPythonValue(node: Node, depth: number, countCalls: Set<number>, boundInFile: (name: string) => boolean): boolean {
  if (depth > MAX_DEPTH) return false;
  const n = unwrapParens(node);
  const recurse = (c: Node | null) => !!c && isPythonValue(c, depth + 1, countCalls, boundInFile);
  if (PYTHON_LITERALS.has(n.type)) return true;
  switch (n.type) {
    case 'unary_operator':
      return recurse(n.childForFieldName('argument'));
    case 'binary_operator':
      return recurse(n.childForFieldName('left')) && recurse(n.childForFieldName('right'));
    case 'conditional_expression': {
      const [a, , b] = n.namedChildren.filter((c): c is Node => !!c && c.type !== 'comment');
      return !!a && !!b && recurse(a) && recurse(b);
    }
    case 'call': {
      if (countCalls.has(n.id)) return true;
      const callee = n.childForFieldName('function');
      return callee?.type === 'identifier' && PYTHON_VALUE_CALLS.has(callee.text) && !boundInFile(callee.text);
    }
    default:
      return false;
  }
}
