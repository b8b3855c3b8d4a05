import * as assert from 'node:assert/strict';
import fc from 'fast-check';
import type { DataFrameModel } from '../../server/src/model/types';
import { INDEXED_TYPES, nodesOfType, sharedIdEnd, statementListCounts } from '../../server/src/model/syntaxIndex';
import { callParts, functionDefinedIn } from '../../server/src/parsing/syntax';
import { headListCounts, sessionSettings, type SessionSetting } from '../../server/src/rules/helpers/sessionConf';
import { callsNamed, callsOfStatement, callsWithoutName, keptCallsOfStatement } from '../../server/src/rules/helpers/callIndex';
import {
  assignmentsOfStatement,
  assignmentsTo,
  keptAssignmentsOfStatement,
  keptModuleDefOf,
  keptScopeGroupsOfStatement,
  moduleDefOf,
  moduleFunctionNamed,
  nodesInScope,
  scopeGroupsOfStatement,
} from '../../server/src/rules/helpers/scopeIndex';
import { statementGroupCounts } from '../../server/src/model/statementGroups';
import type { Node } from '../../server/src/parsing/pythonParser';
import { enclosingScope } from '../../server/src/parsing/syntax';
import {
  analyseEditSequence,
  append,
  deleteLastStatement,
  insertAtMiddle,
  insertBefore,
  typeIntoLine,
  everyEditEqualsFresh,
  type SequenceEdit,
  type TextChange,
} from './analysisOutcome';
import { loadParser, samplesAndFixtures } from './helpers';
import { settingsByScan } from './sessionSettingsScan';

// After an edit, a model's per-type node lists and its call index start from the previous model's,
// for the top-level statements the two syntax copies share (the same node objects), and only the
// statements from the first changed one are read again (issue 18). Whatever the edit, the lists must
// be exactly what a scan of the new tree gives: the same node objects, in document order.

const files = samplesAndFixtures();

/**
 * The statement a third of the way down deleted (files of five statements or more): the statements
 * after it are adopted with smaller ids, below the ids the deleted statement's nodes keep.
 */
const deleteThirdStatement: SequenceEdit = (_, s) => {
  const k = Math.floor(s.length / 3);
  return s.length > 4 ? { start: s[k], end: s[k + 1], text: '' } : undefined;
};

/** Edits at the top, in the middle and at the end: a statement inserted, one typed into, one deleted, one appended. */
const EDITS: SequenceEdit[] = [
  insertAtMiddle('x = spark.read.parquet("/tmp/a")\n'),
  typeIntoLine,
  deleteThirdStatement,
  deleteLastStatement,
  append('\ndf.write.parquet("/tmp/out")\nrows = df.collect()\n'),
  insertBefore(0, 'import os\n'),
];

/** Two groupings equal: the same keys in the same order (node keys by identity), each with the same node objects in the same order. */
function assertSameGroups<K>(got: ReadonlyMap<K, readonly Node[]>, want: ReadonlyMap<K, readonly Node[]>, what: string): void {
  assert.deepEqual(
    [...got.values()].map((l) => l.length),
    [...want.values()].map((l) => l.length),
    `${what}: list sizes`,
  );
  const wantKeys = [...want.keys()];
  [...got.keys()].forEach((k, i) => assert.ok(k === wantKeys[i], `${what}: key #${i}`));
  for (const [k, list] of got) list.forEach((n, i) => assert.ok(n === want.get(k)![i], `${what}: node #${i} of key #${wantKeys.indexOf(k)}`));
}

const SETTING_KEYS = [
  'spark.sql.streaming.checkpointLocation',
  'spark.sql.sources.partitionOverwriteMode',
  'spark.sql.shuffle.partitions',
  'spark.sql.streaming.schemaInference',
  'delta.autoOptimize.optimizeWrite',
  'delta.appendOnly',
];

describe('carried per-model indexes (model/syntaxIndex, rules/helpers/callIndex, rules/helpers/scopeIndex)', () => {
  let carriedSteps = 0;
  let steps = 0;
  // Statements whose kept def was compared, and of them those that held it at the previous edit too.
  let moduleDefsCompared = 0;
  let moduleDefsKept = 0;
  let moduleDefsSeen = new WeakSet<Node>();
  for (const [name, original] of files) {
    it(`equal a scan of the edited tree: ${name}`, async () => {
      const parser = await loadParser();
      analyseEditSequence(parser, name, original, EDITS, (model, previous, change) => {
        steps++;
        if (sharedIdEnd(previous, model) > 0) carriedSteps++;
        for (const type of INDEXED_TYPES) {
          const scan = model.root.descendantsOfType(type);
          const listed = nodesOfType(model, type);
          assert.equal(listed.length, scan.length, `${type} after ${JSON.stringify(change)}`);
          listed.forEach((n, i) => assert.ok(n === scan[i], `${type} #${i} after ${JSON.stringify(change)}`));
        }
        const calls = model.root.descendantsOfType('call');
        const byName = new Map<string, typeof calls>();
        const unnamed: typeof calls = [];
        for (const c of calls) {
          const n = callParts(c)?.name;
          if (n === undefined) unnamed.push(c);
          else byName.set(n, [...(byName.get(n) ?? []), c]);
        }
        for (const [n, list] of byName) {
          const got = callsNamed(model, n);
          assert.equal(got.length, list.length, `calls named ${n}`);
          got.forEach((c, i) => assert.ok(c === list[i], `call named ${n} #${i}`));
        }
        assert.equal(callsNamed(model, 'no_such_name').length, 0);
        const got = callsWithoutName(model);
        assert.equal(got.length, unnamed.length, 'calls without a name');
        got.forEach((c, i) => assert.ok(c === unnamed[i], `call without a name #${i}`));
        // The per-scope groups (PSA101, PSA116, PSA304, the checkpoint helpers) and the assignments by name.
        const scopes = [model.root, ...model.root.descendantsOfType(['function_definition', 'lambda'])];
        for (const type of ['call', 'assignment', 'return_statement'] as const) {
          const scan = model.root.descendantsOfType(type);
          for (const scope of scopes) {
            const want = scan.filter((n) => enclosingScope(n) === scope);
            const got = nodesInScope(model, type, scope);
            assert.equal(got.length, want.length, `${type} in the scope at ${scope.startIndex}`);
            got.forEach((n, i) => assert.ok(n === want[i], `${type} #${i} in the scope at ${scope.startIndex}`));
          }
        }
        // The module's defs by name (`cachedByHelper`): the def the scan of the module's statements finds, for every name called or defined.
        const names = new Set(['no_such_name', ...byName.keys()]);
        for (const d of model.root.descendantsOfType('function_definition')) names.add(d.childForFieldName('name')?.text ?? '');
        for (const n of names) assert.ok(moduleFunctionNamed(model, n) === functionDefinedIn(model.root, n), `module def ${n} after ${JSON.stringify(change)}`);
        // And each statement's def and name, where kept, what reading the statement again gives.
        const moduleDefsNow = new WeakSet<Node>();
        for (const statement of model.root.namedChildren) {
          const kept = statement && keptModuleDefOf(statement);
          if (!statement || kept === undefined) continue;
          const fresh = moduleDefOf(statement);
          assert.ok(
            kept?.def === fresh?.def && kept?.name === fresh?.name,
            `the def of the statement at ${statement.startIndex} after ${JSON.stringify(change)}`,
          );
          moduleDefsCompared++;
          if (moduleDefsSeen.has(statement)) moduleDefsKept++;
          moduleDefsNow.add(statement);
        }
        moduleDefsSeen = moduleDefsNow;
        // The session settings (PSA205, PSA208, PSA216, PSA304, PSA503): what a scan of every string of the file gives, for keys of two heads.
        for (const key of new Set([...SETTING_KEYS, ...model.confSets.flatMap((c) => (c.key === undefined ? [] : [c.key]))])) {
          // Values and which conf set, not the objects: a failing deep comparison would print the nodes and trees they hold.
          const plain = (list: SessionSetting[]) => list.map((s) => [s.value, s.confSet ? model.confSets.indexOf(s.confSet) : -1]);
          assert.deepEqual(plain(sessionSettings(model, key)), plain(settingsByScan(model, key)), `session setting ${key} after ${JSON.stringify(change)}`);
        }
        const assignments = model.root.descendantsOfType('assignment').filter((a) => a.childForFieldName('left')?.type === 'identifier');
        for (const left of new Set(assignments.map((a) => a.childForFieldName('left')!.text))) {
          const want = assignments.filter((a) => a.childForFieldName('left')!.text === left);
          const got = assignmentsTo(model, left);
          assert.equal(got.length, want.length, `assignments to ${left}`);
          got.forEach((n, i) => assert.ok(n === want[i], `assignment to ${left} #${i}`));
        }
        // Each statement's own groups, kept on its node object (after this edit or an earlier one):
        // what grouping its subtree again gives, keys and nodes. Made again here uncounted, so the floor below counts the analyses' own.
        const made = statementGroupCounts.made;
        for (const statement of model.root.children) {
          const at = `statement at ${statement.startIndex} after ${JSON.stringify(change)}`;
          const calls = keptCallsOfStatement(statement);
          if (calls) {
            const again = callsOfStatement(statement);
            assertSameGroups(calls.byName, again.byName, `calls by name, ${at}`);
            assertSameGroups(new Map([['', calls.unnamed]]), new Map([['', again.unnamed]]), `unnamed calls, ${at}`);
            statementsCompared++;
          }
          for (const type of ['call', 'assignment', 'return_statement'] as const) {
            const kept = keptScopeGroupsOfStatement(statement, type);
            if (kept) assertSameGroups(kept, scopeGroupsOfStatement(statement, type), `${type} by scope, ${at}`);
          }
          const assigned = keptAssignmentsOfStatement(statement);
          if (assigned) assertSameGroups(assigned, assignmentsOfStatement(statement), `assignments by name, ${at}`);
        }
        statementGroupCounts.made = made;
      });
    });
  }
  let statementsCompared = 0;
  const listsBefore = { read: 0, made: 0, tail: 0, unchanged: 0 };
  const groupsBefore = { read: 0, made: 0, tail: 0 };
  const headsBefore = { read: 0, made: 0, tail: 0 };
  before(() => {
    Object.assign(listsBefore, statementListCounts);
    Object.assign(headsBefore, headListCounts);
    Object.assign(groupsBefore, statementGroupCounts);
  });
  it('carried something after most edits (the test above is not vacuous)', () => {
    assert.ok(steps > 500, `${steps} edits`);
    assert.ok(carriedSteps > steps / 2, `${carriedSteps} of ${steps} edits carried lists over`);
    // The statements after the carried prefix: most of them were adopted by the copy, and their lists kept.
    const read = statementListCounts.read - listsBefore.read;
    const kept = read - (statementListCounts.made - listsBefore.made);
    assert.ok(kept > read / 3, `only ${kept} of ${read} statements after the carried prefix kept their lists`);
    // Of those, the statements after the edit read as the previous lists' ends (the carried tail), not one by one.
    const tail = statementListCounts.tail - listsBefore.tail;
    assert.ok(tail > read / 4, `only ${tail} of ${read} statements after the carried prefix read as a carried tail`);
    // Lists no statement between the carried head and tail adds to or takes from: the previous model's own list, not a copy.
    const unchanged = statementListCounts.unchanged - listsBefore.unchanged;
    assert.ok(unchanged > (carriedSteps * INDEXED_TYPES.length) / 3, `only ${unchanged} of ${carriedSteps * INDEXED_TYPES.length} carried lists kept whole`);
    // The session settings' strings by head: most statements' lists kept, many of them in place as the previous list's tail.
    const headsRead = headListCounts.read - headsBefore.read;
    const headsKept = headsRead - (headListCounts.made - headsBefore.made);
    assert.ok(headsKept > headsRead / 2, `only ${headsKept} of ${headsRead} statement string lists kept`);
    const headsTail = headListCounts.tail - headsBefore.tail;
    assert.ok(headsTail > headsRead / 4, `only ${headsTail} of ${headsRead} statement string lists carried as a tail`);
    // The call index, scope groups and assignments by name after the carried prefix: most statements' groups kept.
    const groupsRead = statementGroupCounts.read - groupsBefore.read;
    const groupsKept = groupsRead - (statementGroupCounts.made - groupsBefore.made);
    assert.ok(groupsKept > groupsRead / 3, `only ${groupsKept} of ${groupsRead} statement groups kept`);
    // Of those, the statements after the edit kept in place in the previous model's lists (a carried tail), not joined one by one.
    const groupsTail = statementGroupCounts.tail - groupsBefore.tail;
    assert.ok(groupsTail > groupsRead / 4, `only ${groupsTail} of ${groupsRead} statements' groups carried as a tail`);
    assert.ok(statementsCompared > steps, `${statementsCompared} statements' kept calls compared with a new grouping`);
    assert.ok(moduleDefsKept > moduleDefsCompared / 3, `only ${moduleDefsKept} of ${moduleDefsCompared} statements kept their def across an edit`);
  });
});

describe('per-type lists made when first asked (model/syntaxIndex nodesOfType)', () => {
  // A type a model does not ask for is not made, so the next model has no list of it to start from
  // and joins it from every statement; one it asks for starts from the previous list. Asking each type
  // on two edits of three (a different third skipped for each type) mixes the two: every list must
  // still be what a scan of the new tree gives.
  it('equal a scan of the edited tree when each type is skipped on every third edit', async () => {
    const parser = await loadParser();
    let asked = 0;
    let fromPrevious = 0;
    let fromStatements = 0;
    for (const [name, original] of files.slice(0, 80)) {
      let step = 0;
      let askedBefore = new Set<string>();
      analyseEditSequence(parser, name, original, EDITS, (model, previous, change) => {
        step++;
        const askedNow = new Set<string>();
        INDEXED_TYPES.forEach((type, t) => {
          if ((t + step) % 3 === 0) return;
          askedNow.add(type);
          asked++;
          if (previous && sharedIdEnd(previous, model) > 0 && askedBefore.has(type)) fromPrevious++;
          else fromStatements++;
          const scan = model.root.descendantsOfType(type);
          const listed = nodesOfType(model, type);
          assert.equal(listed.length, scan.length, `${type} after ${JSON.stringify(change)} in ${name}`);
          listed.forEach((n, i) => assert.ok(n === scan[i], `${type} #${i} after ${JSON.stringify(change)} in ${name}`));
        });
        askedBefore = askedNow;
      });
    }
    // The rotation asks every type both right after the previous model asked it and right after it did not.
    assert.ok(asked > 1000, `${asked} lists asked`);
    assert.ok(fromPrevious > asked / 10 && fromStatements > asked / 10, `${fromPrevious} from a previous list, ${fromStatements} joined anew, of ${asked}`);
  });
});

describe('the module defs by name (rules/helpers/scopeIndex moduleFunctionNamed)', () => {
  it('give the first def of a name, as the scan of the module does, through redefinitions, decorators and edits', async () => {
    const parser = await loadParser();
    const source = [
      'from pyspark.sql import SparkSession',
      'spark = SparkSession.builder.getOrCreate()',
      'def keep(df):',
      '    df.cache()',
      '@decorated',
      'def keep(df):',
      '    return df',
      'class Jobs:',
      '    def run(self, df):',
      '        keep(df)',
      'def run(df):',
      '    def inner(x):',
      '        return x',
      '    keep(df)',
      '',
    ].join('\n');
    const names = ['keep', 'run', 'inner', 'Jobs', 'spark', 'no_such_name'];
    const edits: SequenceEdit[] = [
      // A decorated def of `keep` above the others, then one of `inner` at module level, then the decorated one removed.
      (t) => ({ start: t.indexOf('def keep'), end: t.indexOf('def keep'), text: '@F.udf("string")\ndef keep(s):\n    return s\n' }),
      append('def inner(df):\n    df.persist()\n'),
      (t) => ({ start: t.indexOf('@F.udf'), end: t.indexOf('def keep(df)'), text: '' }),
    ];
    let visits = 0;
    analyseEditSequence(parser, 'defs.py', source, edits, (model) => {
      visits++;
      for (const n of names) assert.ok(moduleFunctionNamed(model, n) === functionDefinedIn(model.root, n), `${n} after edit ${visits}`);
      assert.equal(moduleFunctionNamed(model, 'keep')?.parent?.type, visits === 3 ? 'module' : 'decorated_definition', `the first keep after edit ${visits}`);
    });
    assert.equal(visits, 3);
  });
});

/**
 * Statements whose findings come from rules that read the carried lists (PSA402 every call, the
 * temp views of PSA101's helpers, PSA105 the decorated definitions and UDF calls, PSA205 the
 * streaming writers, PSA504 the conf calls, PSA116 and PSA101 the per-scope groups): a stale node kept, or a node of the edited part missed,
 * changes the findings.
 */
const STATEMENTS = [
  'spark.read.format("jdbc").option("url", "jdbc:postgresql://db/sales").option("password", "hunter2").load()\n',
  'df.write.option("password", "s3cr3t-value").parquet("/tmp/out")\n',
  'df.createOrReplaceTempView("events")\n',
  'n = spark.sql("select * from events").count()\n',
  'rows = df.collect()\n',
  '@F.udf("string")\ndef shout(s):\n    return s.upper()\n',
  'df = df.withColumn("loud", shout(F.col("name")))\n',
  'spark.conf.set("spark.sql.shuffle.partitions", "eight")\n',
  'q = df.writeStream.format("console").start()\n',
  'import os\n',
  // PSA116 finds the hint through the assignment in the join's scope (the assignments grouped by scope).
  'small = spark.read.table("ref.countries").hint("broadcast")\nkept = small.join(df, "country_code", "left_anti")\n',
  // PSA101 lets a count pass when the frame is registered as a view after it (the calls grouped by scope).
  'summary = df.groupBy("day").count()\nprint(summary.count())\nsummary.createOrReplaceTempView("summary")\n',
];

type Edit =
  | { kind: 'statement'; at: number; op: 'insert' | 'delete' | 'duplicate'; insert: number }
  | { kind: 'append'; insert: number }
  | { kind: 'deleteLast' }
  | { kind: 'type'; at: number; text: string };

const position = fc.noBias(fc.integer({ min: 0, max: 999_999 })).map((n) => n / 1_000_000);
/** Statement edits anywhere, statements appended, the last one deleted, characters typed. */
const edit: fc.Arbitrary<Edit> = fc.oneof(
  fc.record({
    kind: fc.constant('statement' as const),
    at: position,
    op: fc.constantFrom('insert' as const, 'delete' as const, 'duplicate' as const),
    insert: fc.nat(STATEMENTS.length - 1),
  }),
  fc.record({ kind: fc.constant('append' as const), insert: fc.nat(STATEMENTS.length - 1) }),
  // The last statement deleted: every statement left is shared with the previous copy.
  fc.record({ kind: fc.constant('deleteLast' as const) }),
  fc.record({ kind: fc.constant('type' as const), at: position, text: fc.constantFrom('x', ' ', '\n', '"', '(', 'df.count()') }),
);

function asChanges(text: string, e: Edit): TextChange[] {
  if (e.kind === 'append') return [{ start: text.length, end: text.length, text: (text.endsWith('\n') ? '' : '\n') + STATEMENTS[e.insert] }];
  const at = e.kind === 'deleteLast' ? text.length - 1 : Math.floor(e.at * text.length);
  if (e.kind === 'type') return [{ start: at, end: at, text: e.text }];
  // A top-level statement: from a line that starts in column 0 to the next such line.
  const starts = [...text.matchAll(/^(?=[^\s#])/gm)].map((m) => m.index);
  let i = 0;
  while (i + 1 < starts.length && starts[i + 1] <= at) i++;
  const start = starts[i] ?? 0;
  const end = starts[i + 1] ?? text.length;
  if (e.kind === 'deleteLast') return [{ start, end, text: '' }];
  if (e.op === 'insert') return [{ start, end: start, text: STATEMENTS[e.insert] }];
  if (e.op === 'duplicate') {
    const statement = text.slice(start, end);
    return [{ start, end: start, text: statement.endsWith('\n') ? statement : statement + '\n' }];
  }
  return [{ start, end, text: '' }];
}

describe('carried per-model indexes: the analysis after an edit', function () {
  this.timeout(300_000);
  it('equals a fresh analysis after random statement edits, appends and typing over the samples and rule fixtures', async () => {
    const parser = await loadParser();
    let analyses = 0;
    let carried = 0;
    let previous: DataFrameModel | undefined;
    everyEditEqualsFresh(
      parser,
      files,
      { edits: edit, toChanges: asChanges, extras: ['none', 'none', 'kept', 'lost'], maxEdits: 6 },
      { seed: 1826, numRuns: 150 },
      (incremental) => {
        analyses++;
        if (incremental.model && previous && sharedIdEnd(previous, incremental.model) > 0) carried++;
        previous = incremental.model;
      },
    );
    // Worth something only if many analyses started from carried lists.
    assert.ok(carried > analyses / 4, `only ${carried} of ${analyses} analyses carried lists over`);
  });
});
