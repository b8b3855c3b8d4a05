import { identifiersNamed, nodesOfType } from '../../model/syntaxIndex';
import type { Node } from '../../parsing/pythonParser';
import { callParts, enclosingScope, functionDefinedIn, sameNode, unwrapParens } from '../../parsing/syntax';
import type { Fix } from '../../findings';
import { assignmentsTo } from '../helpers/scopeIndex';
import { callsNamed } from '../helpers/callIndex';
import { chainHasWriteStream } from '../helpers/writerChain';
import type { Rule, RuleContext } from '../rule';

/** Names for the parameter the fix adds, in order of preference (the first one the function does not use). */
const BATCH_ID_NAMES = ['batch_id', 'epoch_id'];

/**
 * `writeStream.foreachBatch(f)` where `f` cannot be called with two positional arguments. Spark calls
 * the function once per micro-batch as `f(batch_df, batch_id)`, so a function of one parameter (or
 * of three required ones) fails the query on its first micro-batch with a TypeError raised inside the
 * Python callback, after the query has started and only once data arrives.
 */
export const foreachBatchFunctionSignature: Rule = {
  code: 'PSA220',
  name: 'foreach-batch-function-signature',
  summary: 'The function given to foreachBatch cannot take (batch_df, batch_id): the query fails on its first micro-batch.',
  defaultSeverity: 'error',
  check(ctx: RuleContext) {
    for (const call of callsNamed(ctx.model, 'foreachBatch')) {
      const parts = callParts(call);
      if (parts?.name !== 'foreachBatch' || !parts.object || parts.args.length !== 1 || parts.keywords.size > 0) continue;
      if (!isStreamWriter(ctx, parts.object, call)) continue;
      const handler = resolveHandler(ctx, unwrapParens(parts.args[0]), call);
      if (!handler) continue;
      const shape = handler.lambda ? NO_PARAMETERS : signatureOf(handler.params, handler.dropFirst);
      if (!shape) continue;
      const problem = mismatch(shape);
      if (!problem) continue;
      const fix = addBatchIdFix(handler, shape);
      ctx.report({
        node: parts.args[0],
        message:
          `Spark calls a foreachBatch function with two arguments, the micro-batch DataFrame and the batch id: ` +
          `${handler.label} ${problem}, so the query fails with a TypeError on its first micro-batch ` +
          `(after it has started, once data arrives). ` +
          (shape.positional.length < 2 && !shape.varargs
            ? handler.def
              ? 'Give it a second parameter for the batch id (`def f(batch_df, batch_id)`).'
              : 'Give the lambda a second parameter for the batch id (`lambda batch_df, batch_id: ...`).'
            : 'Wrap it in a function of (batch_df, batch_id) that passes the other arguments.'),
        related: handler.def ? [{ start: handler.params.startIndex, end: handler.params.endIndex, message: `${handler.label}'s parameters` }] : undefined,
        fixes: fix ? [fix] : undefined,
        why: handler.def ? `${handler.label} is the def on line ${handler.def.startPosition.row + 1}` : 'the lambda written in the call',
      });
    }
  },
};

interface Handler {
  /** The `parameters` node (a def's) or `lambda_parameters` node (absent for `lambda: ...`). */
  params: Node;
  /** The lambda without parameters: `lambda: ...` (no parameters node). */
  lambda?: Node;
  def?: Node;
  /** A method reached through `self.name`: its first parameter is bound. */
  dropFirst: boolean;
  label: string;
}

const NO_PARAMETERS: Shape = { positional: [], required: [], varargs: false, requiredKeywordOnly: [] };

interface Shape {
  /** Positional parameters (after a bound `self`), in order. */
  positional: Node[];
  /** Those of them without a default. */
  required: Node[];
  /** `*args`: takes any number of positional arguments. */
  varargs: boolean;
  /** Keyword-only parameters without a default (after `*` or `*args`): two positional arguments never fill them. */
  requiredKeywordOnly: Node[];
}

function mismatch(shape: Shape): string | undefined {
  const n = shape.positional.length;
  if (!shape.varargs && n < 2) return n === 0 ? 'takes no arguments' : 'takes only one';
  if (shape.required.length > 2) return `needs ${shape.required.length} positional arguments`;
  if (shape.requiredKeywordOnly.length) return `also needs the keyword argument ${shape.requiredKeywordOnly[0].text.split(/[:=]/)[0].trim()}`;
  return undefined;
}

/** The parameters of a def or lambda, in the order Python binds positional arguments to them. */
function signatureOf(params: Node, dropFirst: boolean): Shape | undefined {
  const positional: Node[] = [];
  const required: Node[] = [];
  const requiredKeywordOnly: Node[] = [];
  let varargs = false;
  let keywordOnly = false;
  for (const p of params.namedChildren) {
    if (!p || p.type === 'comment') continue;
    switch (p.type) {
      case 'identifier':
      case 'typed_parameter':
        // A typed `*args: int` is a typed_parameter around a list_splat_pattern.
        if (p.type === 'typed_parameter' && p.namedChildren.some((c) => c?.type === 'list_splat_pattern')) {
          varargs = true;
          keywordOnly = true;
        } else if (p.type === 'typed_parameter' && p.namedChildren.some((c) => c?.type === 'dictionary_splat_pattern')) {
          // **kwargs: fills nothing positional.
        } else if (keywordOnly) requiredKeywordOnly.push(p);
        else {
          positional.push(p);
          required.push(p);
        }
        break;
      case 'default_parameter':
      case 'typed_default_parameter':
        if (!keywordOnly) positional.push(p);
        break;
      case 'list_splat_pattern':
        varargs = true;
        keywordOnly = true;
        break;
      case 'keyword_separator':
        keywordOnly = true;
        break;
      case 'positional_separator':
      case 'dictionary_splat_pattern':
        break;
      default:
        // A parameter shape this rule does not know (a tuple parameter of Python 2): no verdict.
        return undefined;
    }
  }
  if (dropFirst) {
    if (!positional.length) return undefined;
    if (sameNode(required[0], positional[0])) required.shift();
    positional.shift();
  }
  return { positional, required, varargs, requiredKeywordOnly };
}

/**
 * The function `arg` stands for, when this file says exactly which one: a lambda written there, a
 * def named by a plain name (the one def of that name in the file, visible from the call, never
 * rebound, not decorated), or `self.name` for an undecorated method of the class the call is in.
 * Anything else (imported, built by a factory, `partial(...)`, a callable object) gets no verdict.
 */
function resolveHandler(ctx: RuleContext, arg: Node, call: Node): Handler | undefined {
  if (arg.type === 'lambda') {
    const params = arg.childForFieldName('parameters');
    // `lambda: ...` has no parameters node: it takes no arguments.
    return params ? { params, dropFirst: false, label: 'the lambda' } : { params: arg, lambda: arg, dropFirst: false, label: 'the lambda' };
  }
  if (arg.type === 'identifier') {
    const name = arg.text;
    const defs = nodesOfType(ctx.model, 'function_definition').filter((d) => d.childForFieldName('name')?.text === name);
    if (defs.length !== 1 || isRebound(ctx, name, defs[0])) return undefined;
    const def = defs[0];
    if (def.parent?.type === 'decorated_definition' || !visibleFrom(def, call, name)) return undefined;
    // A method of a class is not reachable by its bare name.
    if (def.parent?.parent?.type === 'class_definition') return undefined;
    const params = def.childForFieldName('parameters');
    return params ? { params, def, dropFirst: false, label: `\`${name}\`` } : undefined;
  }
  if (arg.type === 'attribute') {
    const object = arg.childForFieldName('object');
    const attribute = arg.childForFieldName('attribute');
    if (object?.type !== 'identifier' || object.text !== 'self' || !attribute) return undefined;
    const method = enclosingScope(call);
    const klass = method.parent?.parent;
    if (method.type !== 'function_definition' || klass?.type !== 'class_definition') return undefined;
    const body = klass.childForFieldName('body');
    const defs = (body?.namedChildren ?? []).filter(
      (s) => (s?.type === 'function_definition' || s?.type === 'decorated_definition') && defName(s) === attribute.text,
    );
    // Decorated (a staticmethod, a property, a wrapper), defined twice, or set elsewhere on the instance: no verdict.
    if (defs.length !== 1 || defs[0]!.type !== 'function_definition' || ctx.text.includes(`self.${attribute.text} =`)) return undefined;
    const def = defs[0]!;
    // Inherited classes may override it; only a class with no base but `object` is sure.
    const bases = klass.childForFieldName('superclasses');
    if (bases && bases.namedChildren.some((b) => b && b.text !== 'object')) return undefined;
    const params = def.childForFieldName('parameters');
    return params ? { params, def, dropFirst: true, label: `\`self.${attribute.text}\`` } : undefined;
  }
  return undefined;
}

function defName(s: Node): string | undefined {
  const def = s.type === 'decorated_definition' ? s.childForFieldName('definition') : s;
  return def?.childForFieldName('name')?.text;
}

/**
 * A name also bound anywhere else in the file (assigned, imported, a parameter, a loop or `with`
 * target, a class) may not be the def at the call: `def start(handler): ...foreachBatch(handler)`
 * passes the parameter, whatever module-level def shares its name.
 */
function isRebound(ctx: RuleContext, name: string, def: Node): boolean {
  if (assignmentsTo(ctx.model, name).length) return true;
  const word = new RegExp(`\\b${name.replace(/[$]/g, '\\$')}\\b`);
  for (const type of ['import_from_statement', 'import_statement'] as const) {
    if (nodesOfType(ctx.model, type).some((s) => word.test(s.text))) return true;
  }
  const own = def.childForFieldName('name');
  return identifiersNamed(ctx.model, name).some((id) => !sameNode(id, own) && bindsName(id));
}

/** Parents under which an identifier is a name being bound rather than read. */
const BINDING_PARENTS = new Set([
  'parameters',
  'lambda_parameters',
  'typed_parameter',
  'list_splat_pattern',
  'dictionary_splat_pattern',
  'pattern_list',
  'tuple_pattern',
  'list_pattern',
  'as_pattern_target',
  'global_statement',
  'nonlocal_statement',
  'class_definition',
  'function_definition',
]);

function bindsName(id: Node): boolean {
  const parent = id.parent;
  if (!parent) return false;
  if (BINDING_PARENTS.has(parent.type)) {
    // `def f(x): ...` binds `f` through its name field only; an identifier elsewhere under a def or a class (none today) is read.
    if (parent.type === 'function_definition' || parent.type === 'class_definition') return sameNode(parent.childForFieldName('name'), id);
    return true;
  }
  switch (parent.type) {
    case 'default_parameter':
    case 'typed_default_parameter':
    case 'named_expression':
      return sameNode(parent.childForFieldName('name'), id);
    case 'for_statement':
    case 'for_in_clause':
    case 'augmented_assignment':
      return sameNode(parent.childForFieldName('left'), id);
    case 'assignment':
      return sameNode(parent.childForFieldName('left'), id);
    default:
      return false;
  }
}

/** The def is in the body of the call's scope or of a scope around it (Python's lexical lookup). */
function visibleFrom(def: Node, call: Node, name: string): boolean {
  for (let scope: Node | null = enclosingScope(call); scope; scope = scope.parent ? enclosingScope(scope) : null) {
    const body = scope.type === 'module' ? scope : scope.childForFieldName('body');
    const found = functionDefinedIn(body, name);
    if (found) return sameNode(found, def);
    if (scope.type === 'module') break;
  }
  return false;
}

/** The chain `foreachBatch` hangs off goes through `.writeStream`, or names a writer the model knows as streaming. */
function isStreamWriter(ctx: RuleContext, object: Node, call: Node): boolean {
  if (chainHasWriteStream(object)) return true;
  // `writer = df.writeStream...; writer.foreachBatch(f)`: the model's streaming sink records it.
  return ctx.model.sinks.some((s) => s.streaming && s.foreachBatch && s.call.startIndex <= call.startIndex && call.endIndex <= s.call.endIndex);
}

/**
 * Adds the batch id parameter to a function of exactly one positional parameter: right after it,
 * typed `int` when the frame parameter is typed. Unsafe: other code may call the function directly
 * with one argument (a test, another module), and those calls would now need a batch id.
 */
function addBatchIdFix(handler: Handler, shape: Shape): Fix | undefined {
  if (handler.lambda || shape.varargs || shape.positional.length !== 1 || shape.requiredKeywordOnly.length) return undefined;
  const only = shape.positional[0];
  if (!sameNode(shape.required[0], only)) return undefined;
  const body = handler.def ?? handler.params.parent;
  const used = body?.text ?? '';
  const name = BATCH_ID_NAMES.find((n) => !new RegExp(`\\b${n}\\b`).test(used));
  if (!name) return undefined;
  const typed = only.type === 'typed_parameter';
  return {
    title: `Add a \`${name}\` parameter`,
    edits: [{ start: only.endIndex, end: only.endIndex, newText: `, ${name}${typed ? ': int' : ''}` }],
    applicability: 'unsafe',
    // A lambda written in the call has no other caller; the query then runs where it failed before.
    reason: handler.def
      ? 'code that calls the function directly with one argument must now pass a batch id'
      : 'the query then writes its micro-batches where it failed before',
  };
}
