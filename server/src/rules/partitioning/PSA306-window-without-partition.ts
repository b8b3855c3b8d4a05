import type { DataFrameModel } from '../../model/types';
import type { Node } from '../../parsing/pythonParser';
import { callParts, isExtra, sameNode, unwrapParens, type CallParts } from '../../parsing/syntax';
import { reducedToFewRows } from '../helpers/fewRows';
import { orderedColumn } from '../helpers/rowOrder';
import type { SparkFunctions } from '../../spark/functions';
import type { Rule, RuleContext } from '../rule';
import { identifiersNamedAfter, nodesOfType } from '../../model/syntaxIndex';
import { containedInAny } from '../../model/rangeIndex';
import { nameWords } from '../../spark/nameWords';

const SPEC_METHODS = new Set(['partitionBy', 'orderBy', 'rowsBetween', 'rangeBetween']);
const WINDOW_MODULES = new Set(['pyspark.sql', 'pyspark.sql.window']);
const MAX_CHAIN = 200;

export const windowWithoutPartition: Rule = {
  code: 'PSA306',
  name: 'window-without-partition',
  summary: 'Window.orderBy(...) with no partitionBy: Spark moves the whole dataset into one partition to run the window.',
  defaultSeverity: 'warning',
  check(ctx: RuleContext) {
    const names = windowReferences(ctx.model);
    if (names.classNames.size === 0 && names.moduleNames.size === 0) return;
    const calls = nodesOfType(ctx.model, 'call').filter((c): c is Node => !!c);
    const partitionedNames = namesPartitionedLater(calls);
    // Transforms on frames known to hold few rows (a limit, a global aggregate, an aggregate by day or
    // region): one partition is all they need, so a window over them is harmless.
    const boundedArguments = ctx.model.transforms.flatMap((t) => {
      const args = t.frame.bounded || reducedToFewRows(ctx, t.frame) ? t.call.childForFieldName('arguments') : null;
      return args ? [{ start: args.startIndex, end: args.endIndex }] : [];
    });
    const bounded = containedInAny(boundedArguments);
    const inBounded = (n: Node) => bounded(n.startIndex, n.endIndex);
    for (const base of calls) {
      const parts = callParts(base);
      if (!parts?.object || !parts.name || !SPEC_METHODS.has(parts.name) || !isWindowClass(parts.object, names)) continue;
      const chain = specChain(base, parts);
      const orderBy = chain.find((c) => c.parts.name === 'orderBy' && c.parts.args.length > 0);
      if (!orderBy || chain.some((c) => c.parts.name === 'partitionBy' && partitions(c.parts))) continue;
      if (orderedByPeriodsOnly(ctx.functions, orderBy.parts)) continue;
      const top = chain[chain.length - 1].call;
      if (fallbackOfPartitionedSpec(top, calls, names)) continue;
      const assignedTo = assignedName(top);
      if ((assignedTo && partitionedNames.has(assignedTo)) || inBounded(top)) continue;
      if (assignedTo && onlyUsedIn(ctx.model, assignedTo, top, inBounded)) continue;
      ctx.report({
        start: base.startIndex,
        end: orderBy.call.endIndex,
        message:
          'Window with orderBy but no partitionBy: Spark moves every row into a single partition to evaluate it ' +
          '("No Partition Defined for Window operation! Moving all data to a single partition"), so one task sorts ' +
          'the whole dataset while the rest of the cluster idles, and large inputs spill or run out of memory. ' +
          'Partition the window by a key (Window.partitionBy("key").orderBy(...)); for a global sequence number ' +
          'consider monotonically_increasing_id() or zipWithIndex.',
      });
    }
  },
};

/** Calendar periods coarser than a day: `Year`, `pickup_month`, `claim_year_week`, `month_start`, `startYear`. */
const PERIOD_WORDS = new Set(['year', 'years', 'yr', 'month', 'months', 'quarter', 'qtr', 'week', 'weeks', 'decade', 'yearmonth', 'season']);
/** Words that make a column finer than a period, or not a period at all (`year_day`, `month_ts`, `year_id`). */
const FINER_WORDS = new Set(['day', 'date', 'time', 'ts', 'timestamp', 'datetime', 'hour', 'minute', 'second', 'id']);

/**
 * A global window ordered by calendar periods only (`Window.orderBy("Year")`, `orderBy("year",
 * "month")`): a lag, moving average or running total by year or month means one row per period, so
 * the frame is a per-period series (a few dozen to a few hundred rows) and one partition holds it.
 * With many rows per period the order would be a tie and the window meaningless; no corpus finding of
 * that shape was ever a true positive.
 */
function orderedByPeriodsOnly(fns: SparkFunctions, orderBy: CallParts): boolean {
  const names = orderBy.args.map((a) => orderedColumn(fns, a));
  return names.length > 0 && names.every((n) => n !== undefined && isPeriodColumn(n));
}

function isPeriodColumn(name: string): boolean {
  const words = nameWords(name);
  return words.some((w) => PERIOD_WORDS.has(w)) && !words.some((w) => FINER_WORDS.has(w));
}

/**
 * `Window.partitionBy(*keys).orderBy(t) if keys else Window.orderBy(t)` (or the same as if/else
 * statements): the code partitions whenever it has a key, and the unpartitioned spec is what "no
 * group" means (one ordering over everything), not a forgotten partitionBy; there is no key to add.
 */
function fallbackOfPartitionedSpec(spec: Node, calls: Node[], names: WindowNames): boolean {
  let n = spec;
  while (n.parent?.type === 'parenthesized_expression') n = n.parent;
  const p = n.parent;
  let other: Node | undefined;
  if (p?.type === 'conditional_expression') {
    const [consequence, , alternative] = p.namedChildren.filter((c): c is Node => !!c && c.type !== 'comment');
    other = sameNode(consequence, n) ? alternative : sameNode(alternative, n) ? consequence : undefined;
  } else {
    const stmt = n.parent?.type === 'assignment' ? n.parent.parent : undefined;
    const block = stmt?.type === 'expression_statement' ? stmt.parent : undefined;
    const branch = block?.type === 'block' ? block.parent : undefined;
    const ifStmt = branch?.type === 'else_clause' || branch?.type === 'elif_clause' ? branch.parent : branch?.type === 'if_statement' ? branch : undefined;
    if (ifStmt?.type === 'if_statement' && branch)
      other = sameNode(branch, ifStmt) ? (ifStmt.namedChildren.find((c) => c?.type === 'else_clause') ?? undefined) : ifStmt;
    // The other branch of an if/else is the if_statement minus this clause: look only outside it.
    if (other && !sameNode(other, ifStmt)) return partitionedSpecIn(other, calls, names, undefined);
    if (other && branch) return partitionedSpecIn(other, calls, names, branch);
    return false;
  }
  return !!other && partitionedSpecIn(other, calls, names, undefined);
}

/** A `Window.partitionBy(<keys>)` call inside `within` (and outside `except`). */
function partitionedSpecIn(within: Node, calls: Node[], names: WindowNames, except: Node | undefined): boolean {
  return calls.some((c) => {
    if (c.startIndex < within.startIndex || c.endIndex > within.endIndex) return false;
    if (except && c.startIndex >= except.startIndex && c.endIndex <= except.endIndex) return false;
    const parts = callParts(c);
    return parts?.name === 'partitionBy' && !!parts.object && isWindowClass(parts.object, names) && partitions(parts);
  });
}

/** `w = Window.orderBy(...)` whose every later use (at least one) satisfies `ok`. */
function onlyUsedIn(model: DataFrameModel, name: string, spec: Node, ok: (n: Node) => boolean): boolean {
  let used = false;
  for (const n of identifiersNamedAfter(model, name, spec.endIndex)) {
    if (!ok(n)) return false;
    used = true;
  }
  return used;
}

interface WindowNames {
  /** Names bound to the `Window` class (`Window`, or `W` from `import Window as W`). */
  classNames: Set<string>;
  /** Names bound to a module that has `Window` (`pyspark.sql.window as psw`). */
  moduleNames: Set<string>;
}

/** How this file can refer to `pyspark.sql.Window`. A bare `Window` counts unless the file binds it to something else. */
function windowReferences(model: DataFrameModel): WindowNames {
  const names: WindowNames = { classNames: new Set(), moduleNames: new Set() };
  let windowTakenElsewhere = false;
  for (const stmt of model.root.descendantsOfType(['import_from_statement', 'import_statement'])) {
    if (!stmt) continue;
    const module = stmt.childForFieldName('module_name')?.text.replace(/\s/g, '');
    for (const item of stmt.namedChildren) {
      if (!item || sameNode(item, stmt.childForFieldName('module_name'))) continue;
      const name = item.type === 'aliased_import' ? item.childForFieldName('name')?.text : item.type === 'dotted_name' ? item.text : undefined;
      const alias = item.type === 'aliased_import' ? item.childForFieldName('alias')?.text : name;
      if (!name || !alias) continue;
      if (stmt.type === 'import_statement') {
        if (WINDOW_MODULES.has(name) && item.type === 'aliased_import') names.moduleNames.add(alias);
      } else if (module && WINDOW_MODULES.has(module)) {
        if (name === 'Window') names.classNames.add(alias);
        if (module === 'pyspark.sql' && name === 'window') names.moduleNames.add(alias);
      } else if (alias === 'Window') windowTakenElsewhere = true;
    }
  }
  const defines = nodesOfType(model, 'class_definition').some((c) => c?.childForFieldName('name')?.text === 'Window');
  if (!windowTakenElsewhere && !defines) names.classNames.add('Window');
  return names;
}

/** `Window`, `W`, `pyspark.sql.window.Window`, `psw.Window`, and an instance of one (`Window()`). */
function isWindowClass(node: Node, names: WindowNames): boolean {
  const n = unwrapParens(node);
  if (n.type === 'identifier') return names.classNames.has(n.text);
  // `Window().orderBy("ts")`: an instance reaches the same static spec methods.
  if (n.type === 'call') {
    const fn = n.childForFieldName('function');
    const args = n.childForFieldName('arguments')?.namedChildren.filter((c) => c && c.type !== 'comment') ?? [];
    return !!fn && args.length === 0 && fn.type !== 'call' && isWindowClass(fn, names);
  }
  if (n.type !== 'attribute' || n.childForFieldName('attribute')?.text !== 'Window') return false;
  const object = n.childForFieldName('object')?.text.replace(/\s/g, '') ?? '';
  return WINDOW_MODULES.has(object) || names.moduleNames.has(object);
}

/** `Window.partitionBy().orderBy("ts").rowsBetween(...)`: the spec calls from `base` outwards. */
function specChain(base: Node, baseParts: CallParts): { call: Node; parts: CallParts }[] {
  const chain = [{ call: base, parts: baseParts }];
  let cur = base;
  for (let i = 0; i < MAX_CHAIN; i++) {
    const attr = cur.parent;
    const call = attr?.parent;
    if (attr?.type !== 'attribute' || !sameNode(attr.childForFieldName('object'), cur)) break;
    if (call?.type !== 'call' || !sameNode(call.childForFieldName('function'), attr)) break;
    const parts = callParts(call);
    if (!parts?.name || !SPEC_METHODS.has(parts.name)) break;
    chain.push({ call, parts });
    cur = call;
  }
  return chain;
}

/** Whether `partitionBy(...)` names at least one column (`*keys` may, so it counts). */
function partitions(parts: CallParts): boolean {
  return parts.args.some((a) => {
    const n = unwrapParens(a);
    return !((n.type === 'list' || n.type === 'tuple') && n.namedChildren.every((c) => !c || isExtra(c)));
  });
}

/** Names `x` with an `x.partitionBy(...)` call: `w = Window.orderBy("ts")` may only be a base for `w.partitionBy("k")`. */
function namesPartitionedLater(calls: Node[]): Set<string> {
  const out = new Set<string>();
  for (const c of calls) {
    const p = callParts(c);
    if (p?.name === 'partitionBy' && p.object?.type === 'identifier') out.add(p.object.text);
  }
  return out;
}

/** `name` in `name = <spec>`. */
function assignedName(spec: Node): string | undefined {
  const assignment = spec.parent;
  if (assignment?.type !== 'assignment' || !sameNode(assignment.childForFieldName('right'), spec)) return undefined;
  const target = assignment.childForFieldName('left');
  return target?.type === 'identifier' ? target.text : undefined;
}
