import * as assert from 'node:assert/strict';
import fc from 'fast-check';
import type { DataFrameModel } from '../../server/src/model/types';
import { nodesOfType } from '../../server/src/model/syntaxIndex';
import type { Node } from '../../server/src/parsing/pythonParser';
import { callParts, literalString, sameNode, unwrapParens } from '../../server/src/parsing/syntax';
import { moduleStringConstant } from '../../server/src/rules/governance/PSA402-hardcoded-secret';
import {
  cachesParameter,
  cachingCallCounts,
  cachingCallsIn,
  callFactCounts,
  importedFrom,
  importedFromOnce,
  keptCachesParameter,
  keptCallFacts,
  readCachingCalls,
  readCallFacts,
} from '../../server/src/rules/helpers/cachedByHelper';
import { repeatingConstructAround } from '../../server/src/rules/helpers/loops';
import { sinksInScope } from '../../server/src/rules/helpers/sinksByScope';
import { keptRepeats, WalkMarks } from '../../server/src/rules/performance/PSA102-uncached-reuse';
import { sinksFeeding, streamingSinkSteps } from '../../server/src/rules/streaming/PSA201-streaming-aggregation-without-watermark';
import { buildModel } from '../../server/src/model/buildModel';
import {
  bindingCountCounts,
  bindingCounts,
  bindingNamesOfStatement,
  freshTranslation,
  keptBindingNamesOfStatement,
  keptTranslation,
  translationCounts,
} from '../../server/src/rules/performance/PSA105-python-udf-with-builtin';
import {
  analyseEditSequence,
  append,
  deleteLastStatement,
  insertAtMiddle,
  insertBefore,
  typeIntoLine,
  everyEditEqualsFresh,
  stepsEqualFresh,
  type SequenceEdit,
  type TextChange,
} from './analysisOutcome';
import { loadParser, samplesAndFixtures } from './helpers';
import { definitionKind, definitionKindCounts, keptDefinitionKinds } from '../../server/src/context/codeContext';
import { appendChange, statementChange } from './statementEdits';

// PSA101, PSA102 and PSA105 keep answers that read one node's own subtree (and its ancestors inside
// its top-level statement) on that node, and group the model's sinks by scope once per model (issue
// 18: keystroke work proportional to the edit). After every edit of an edit sequence over every
// sample and rule fixture, each answer kept (made after this edit or an earlier one) must equal the
// answer read afresh from the current tree, and the per-model answers what the scans they replace
// give; the property at the end checks that the analysis after random edits equals a fresh one.

const files = samplesAndFixtures();

/** Edits at the top, in the middle and at the end: a statement inserted, one typed into, one deleted, one appended, an import. */
const EDITS: SequenceEdit[] = [
  insertAtMiddle('x = spark.read.parquet("/tmp/a")\n'),
  typeIntoLine,
  deleteLastStatement,
  append('\ndf.write.parquet("/tmp/out")\nprint(df.count())\nfor d in days:\n    df.write.parquet(d)\n'),
  insertBefore(0, 'from helpers.cache import keep\n'),
  insertBefore(1, 'def keep(df):\n    df.cache()\n'),
  // A module imported by name, called bare and through an attribute: the import look-up is kept per bound name, the two must not share one.
  append('\nimport tools\ntools(df)\ntools.pin(df)\n'),
  // Definitions the code context reads by name and decorator (a fixture, a test, a managed dataset), kept per def node.
  append(
    '\n@pytest.fixture\ndef frame():\n    return spark.range(3)\n\ndef test_rows(frame):\n    assert frame.count() == 3\n\n@dlt.table\ndef gold():\n    return spark.read.table("silver")\n',
  ),
];

/** PSA105's bound names as the whole-file scan of the model's per-type lists counted them before. */
function bindingCountsByScan(model: DataFrameModel): Map<string, number> {
  const out = new Map<string, number>();
  const bind = (name: string) => out.set(name, (out.get(name) ?? 0) + 1);
  for (const type of ['function_definition', 'class_definition'] as const) {
    for (const n of nodesOfType(model, type)) {
      const name = n.childForFieldName('name')?.text;
      if (name !== undefined) bind(name);
    }
  }
  for (const type of ['assignment', 'augmented_assignment'] as const) {
    for (const n of nodesOfType(model, type)) {
      const left = n.childForFieldName('left');
      if (left?.type === 'identifier') bind(left.text);
    }
  }
  return out;
}

describe('answers kept on nodes by PSA101, PSA102 and PSA105, and their per-model groups', () => {
  let steps = 0;
  const reuse = {
    statements: 0,
    namesKept: 0,
    calls: 0,
    factsKept: 0,
    defs: 0,
    defsKept: 0,
    consumers: 0,
    repeatsKept: 0,
    compared: 0,
    kinds: 0,
    kindsKept: 0,
    scopes: 0,
    scopesCaching: 0,
    udfs: 0,
    udfsKept: 0,
    translated: 0,
  };
  const factsBefore = { made: 0, kept: 0 };
  const kindsBefore = { made: 0, kept: 0 };
  const listsBefore = { made: 0, kept: 0 };
  const countsBefore = { made: 0, carried: 0 };
  const translationsBefore = { made: 0, kept: 0 };
  before(() => {
    Object.assign(countsBefore, bindingCountCounts);
    Object.assign(translationsBefore, translationCounts);
    Object.assign(listsBefore, cachingCallCounts);
    Object.assign(factsBefore, callFactCounts);
    Object.assign(kindsBefore, definitionKindCounts);
  });
  for (const [name, original] of files) {
    it(`equal answers read afresh after each edit: ${name}`, async () => {
      const parser = await loadParser();
      // What each node object held at the previous edit: an answer still held by the same object now was kept across the edit.
      let namesBefore = new WeakMap<Node, readonly string[]>();
      let factsSeen = new WeakSet<Node>();
      let defsSeen = new WeakSet<Node>();
      let repeatsSeen = new WeakSet<Node>();
      let kindsSeen = new WeakSet<Node>();
      let udfsSeen = new WeakSet<Node>();
      analyseEditSequence(parser, name, original, EDITS, (model, _previous, change) => {
        steps++;
        const after = `after ${JSON.stringify(change)}`;
        // PSA105: the counts of bound names, and each statement's kept names.
        assert.deepEqual([...bindingCounts(model)].sort(), [...bindingCountsByScan(model)].sort(), `bound names ${after}`);
        const names = new WeakMap<Node, readonly string[]>();
        for (const statement of model.root.children) {
          const kept = keptBindingNamesOfStatement(statement);
          if (!kept) continue;
          assert.deepEqual(kept, bindingNamesOfStatement(statement), `names bound by the statement at ${statement.startIndex} ${after}`);
          reuse.statements++;
          if (namesBefore.get(statement) === kept) reuse.namesKept++;
          names.set(statement, kept);
        }
        namesBefore = names;
        // PSA105's translation of each UDF body, kept on its def or lambda: what a fresh read of that node gives.
        const udfs = new WeakSet<Node>();
        for (const fn of model.root.descendantsOfType(['function_definition', 'lambda'])) {
          const kept = keptTranslation(fn);
          if (kept === undefined) continue;
          assert.deepEqual(kept ?? undefined, freshTranslation(fn), `translation of the UDF at ${fn.startIndex} ${after}`);
          reuse.udfs++;
          if (kept) reuse.translated++;
          if (udfsSeen.has(fn)) reuse.udfsKept++;
          udfs.add(fn);
        }
        udfsSeen = udfs;
        // PSA101's per-call facts (`cachingCallsIn`) and per-def answers, where kept.
        const facts = new WeakSet<Node>();
        for (const call of model.root.descendantsOfType('call')) {
          const kept = keptCallFacts(call);
          if (kept === undefined) continue;
          const fresh = readCallFacts(call);
          const at = `the call at ${call.startIndex} ${after}`;
          assert.equal(kept === null, fresh === undefined, `a candidate or not: ${at}`);
          if (kept && fresh) {
            assert.ok(kept.parts === fresh.parts, `parts: ${at}`);
            assert.equal(kept.args.length, fresh.args.length, `arguments: ${at}`);
            kept.args.forEach((a, i) => assert.ok(a === fresh.args[i], `argument #${i}: ${at}`));
            assert.equal(kept.resultNotKept, fresh.resultNotKept, `result not kept: ${at}`);
            assert.equal(importedFromOnce(model, kept.parts), importedFrom(model, kept.parts), `imported from: ${at}`);
          }
          reuse.calls++;
          if (factsSeen.has(call)) reuse.factsKept++;
          facts.add(call);
        }
        factsSeen = facts;
        // The import look-up once per model and bound name, asked for every named call in document order (bare before attribute when both occur).
        for (const call of model.root.descendantsOfType('call')) {
          const parts = callParts(call);
          if (parts?.name) assert.equal(importedFromOnce(model, parts), importedFrom(model, parts), `imported from: the call at ${call.startIndex} ${after}`);
        }
        const defs = new WeakSet<Node>();
        for (const def of model.root.descendantsOfType('function_definition')) {
          const kept = keptCachesParameter(def);
          if (kept === undefined) continue;
          assert.equal(kept, cachesParameter(def), `caches a parameter: the def at ${def.startIndex} ${after}`);
          reuse.defs++;
          if (defsSeen.has(def)) reuse.defsKept++;
          defs.add(def);
        }
        defsSeen = defs;
        // PSA102's loop test per action and write, where kept.
        const repeats = new WeakSet<Node>();
        for (const { call } of [...model.actions, ...model.sinks]) {
          const kept = keptRepeats(call);
          if (kept === undefined) continue;
          assert.equal(kept, repeatingConstructAround(call) !== undefined, `repeats: the call at ${call.startIndex} ${after}`);
          reuse.consumers++;
          if (repeatsSeen.has(call)) reuse.repeatsKept++;
          repeats.add(call);
        }
        repeatsSeen = repeats;
        // The code context's kind of each def and class from its own name and decorators, where kept.
        const kinds = new WeakSet<Node>();
        for (const def of model.root.descendantsOfType(['function_definition', 'class_definition'])) {
          const kept = keptDefinitionKinds.kept(def);
          if (kept === undefined) continue;
          assert.deepEqual(kept ?? undefined, definitionKind(def), `kind of the definition at ${def.startIndex} ${after}`);
          reuse.kinds++;
          if (kindsSeen.has(def)) reuse.kindsKept++;
          kinds.add(def);
        }
        kindsSeen = kinds;
        // The sinks by scope (PSA101, and `writtenBackBounded` of the few-rows helpers): the filter of every sink, in order.
        const scopes = [model.root, ...model.root.descendantsOfType(['function_definition', 'lambda', 'class_definition'])];
        for (const x of [...model.actions, ...model.sinks]) if (x.scope) scopes.push(x.scope);
        for (const scope of scopes) {
          const want = model.sinks.filter((s) => sameNode(s.scope, scope));
          const got = sinksInScope(model, scope);
          assert.equal(got.length, want.length, `sinks in the scope at ${scope.startIndex} ${after}`);
          got.forEach((s, i) => assert.ok(s === want[i], `sink #${i} in the scope at ${scope.startIndex} ${after}`));
          reuse.compared++;
        }
        // PSA101's and PSA102's caching calls per scope (`cachedByHelper`), a function's kept on its node across
        // models while its names resolve alike: what reading the scope afresh gives (the fresh reads uncounted).
        let freshReads = 0;
        for (const scope of [model.root, ...model.root.descendantsOfType(['function_definition', 'lambda'])]) {
          const got = cachingCallsIn(model, scope);
          const fresh = readCachingCalls(model, scope).calls;
          freshReads++;
          const at = `caching calls in the scope at ${scope.startIndex} ${after}`;
          assert.equal(got.length, fresh.length, at);
          got.forEach((c, i) => {
            assert.ok(c.call === fresh[i].call, `call #${i}: ${at}`);
            assert.equal(c.args.length, fresh[i].args.length, `arguments of call #${i}: ${at}`);
            c.args.forEach((a, j) => assert.ok(a === fresh[i].args[j], `argument #${j} of call #${i}: ${at}`));
          });
          reuse.scopes++;
          if (got.length) reuse.scopesCaching++;
        }
        cachingCallCounts.made -= freshReads;
      });
    });
  }
  it('kept answers across most edits (the tests above are not vacuous)', () => {
    assert.ok(steps > 500, `${steps} edits`);
    // Statements adopted or carried by the copy keep their names: most of them after the first version.
    assert.ok(reuse.namesKept > reuse.statements / 2, `only ${reuse.namesKept} of ${reuse.statements} statements kept their bound names`);
    assert.ok(reuse.factsKept > reuse.calls / 3, `only ${reuse.factsKept} of ${reuse.calls} calls kept their facts across an edit`);
    assert.ok(reuse.defsKept > 0 && reuse.defs > 0, `${reuse.defsKept} of ${reuse.defs} defs kept their answer`);
    assert.ok(reuse.repeatsKept > reuse.consumers / 3, `only ${reuse.repeatsKept} of ${reuse.consumers} actions and writes kept their loop test`);
    // And the analyses themselves found facts kept more often than they read them.
    const made = callFactCounts.made - factsBefore.made;
    const kept = callFactCounts.kept - factsBefore.kept;
    assert.ok(kept > made, `the analyses read ${made} calls' facts and found ${kept} kept`);
    assert.ok(reuse.compared > steps, `${reuse.compared} scopes' sinks compared`);
    assert.ok(reuse.kindsKept > reuse.kinds / 3, `only ${reuse.kindsKept} of ${reuse.kinds} definitions kept their kind across an edit`);
    const kindsMade = definitionKindCounts.made - kindsBefore.made;
    const kindsKept = definitionKindCounts.kept - kindsBefore.kept;
    assert.ok(kindsKept > kindsMade, `the analyses read ${kindsMade} definitions' kinds and found ${kindsKept} kept`);
    // Functions' caching calls listed once and taken by later models (their names resolving alike); the
    // module's are listed per model (most samples and fixtures are module code).
    const listsMade = cachingCallCounts.made - listsBefore.made;
    const listsKept = cachingCallCounts.kept - listsBefore.kept;
    assert.ok(listsKept > listsMade / 2, `${listsMade} scopes' caching calls listed, ${listsKept} taken as kept`);
    assert.ok(reuse.scopesCaching > 50, `only ${reuse.scopesCaching} of ${reuse.scopes} scopes hold a caching call`);
    // PSA105's counts of bound names carried from the last ones of the same root on most edits (each
    // file's first analysis makes them; the test's own calls above carry too), and UDF translations kept.
    const countsMade = bindingCountCounts.made - countsBefore.made;
    const countsCarried = bindingCountCounts.carried - countsBefore.carried;
    assert.ok(countsCarried > 2 * countsMade, `bound names counted from every statement ${countsMade} times, carried ${countsCarried} times`);
    assert.ok(reuse.translated > 50, `only ${reuse.translated} of ${reuse.udfs} UDFs kept a translation`);
    assert.ok(reuse.udfsKept > reuse.udfs / 3, `only ${reuse.udfsKept} of ${reuse.udfs} UDFs kept their translation across an edit`);
    const translationsMade = translationCounts.made - translationsBefore.made;
    const translationsKept = translationCounts.kept - translationsBefore.kept;
    assert.ok(translationsKept > translationsMade, `the analyses translated ${translationsMade} UDFs and found ${translationsKept} kept`);
  });
});

/** Two UDFs wrapping a builtin, a def and a lambda, each called once: their bodies are edited below, their names kept. */
const UDFS = [
  'from pyspark.sql import functions as F',
  'orders = spark.read.parquet("s3://lake/orders")',
  '',
  '@F.udf("string")',
  'def shout(s):',
  '    return s.upper()',
  '',
  'tidy = F.udf(lambda s: s.strip(), "string")',
  '',
  'orders.withColumn("loud", shout(F.col("name"))).withColumn("tidy", tidy(F.col("city"))).write.parquet("s3://lake/out")',
  '',
].join('\n');

describe("PSA105's translations kept on the UDF's def or lambda, after edits of the UDF's body", function () {
  this.timeout(120_000);
  it('follow each body edited (the name, the call and the statements around kept), and equal a fresh analysis', async () => {
    const parser = await loadParser();
    const replace = (from: string, to: string) => (t: string) => [{ start: t.indexOf(from), end: t.indexOf(from) + from.length, text: to }];
    const steps = [
      replace('s.upper()', 's.lower()'),
      replace('s.strip()', 's.lstrip()'),
      // An edit elsewhere: both translations kept.
      (t: string) => [{ start: t.indexOf('orders = '), end: t.indexOf('orders = '), text: 'limit = 10\n' }],
      replace('s.lower()', 'len(s)'),
      replace('s.lstrip()', 's.upper() if s else None'),
    ].map((changes) => ({ changes, extra: 'none' as const }));
    const kept = translationCounts.kept;
    const messages: string[] = [];
    stepsEqualFresh(parser, 'udfs.py', UDFS, steps, (incremental) => {
      const fixes = incremental.findings.filter((f) => f.code === 'PSA105').map((f) => f.fixes?.[0]?.title ?? f.message.slice(0, 33));
      messages.push(fixes.join(' | '));
    });
    // Each body's rewrite follows its last edit (the fix titles name the native function).
    assert.deepEqual(messages, [
      'Replace with F.lower(F.col("name")) | Replace with F.trim(F.col("city")) (trims spaces only, not tabs/newlines)',
      'Replace with F.lower(F.col("name")) | Replace with F.ltrim(F.col("city")) (trims spaces only, not tabs/newlines)',
      'Replace with F.lower(F.col("name")) | Replace with F.ltrim(F.col("city")) (trims spaces only, not tabs/newlines)',
      'The UDF \'shout\' only applies len: | Replace with F.ltrim(F.col("city")) (trims spaces only, not tabs/newlines)',
      'The UDF \'shout\' only applies len: | Replace with F.when(F.col("city") != "", F.upper(F.col("city")))',
    ]);
    assert.ok(translationCounts.kept > kept, 'no translation was kept across the edits');
  });
});

describe("PSA105's counts of bound names, carried from the last counts of the same root", () => {
  it('equal a scan after the first statement, the last and one between are edited, added and removed', async () => {
    const parser = await loadParser();
    // A UDF and its call: the analyses count the bound names too (PSA105's call-site fix), each after an edit from the last counts.
    const original = [
      'a = spark.read.parquet("/a")',
      'b = a',
      '@F.udf("string")',
      'def shout(s):',
      '    return s.upper()',
      'c = b.withColumn("loud", shout(F.col("name")))',
      'from pyspark.sql import functions as F',
      'c.write.parquet("/c")',
      '',
    ].join('\n');
    const at = (text: string, s: string) => text.indexOf(s);
    const edits: SequenceEdit[] = [
      // The first statement binds another name (the head the lists share is empty).
      () => ({ start: 0, end: 1, text: 'z' }),
      // A statement appended (the tail is empty), then one binding two names put between.
      (text) => ({ start: text.length, end: text.length, text: 'z = 2\n' }),
      (text) => ({ start: at(text, '@F.udf'), end: at(text, '@F.udf'), text: 'y = 1\ny += 1\n' }),
      // The last statement removed, then the first, then one typed into between.
      (text) => ({ start: at(text, 'z = 2\n'), end: at(text, 'z = 2\n') + 6, text: '' }),
      (text) => ({ start: 0, end: at(text, '\n') + 1, text: '' }),
      (text) => ({ start: at(text, 'y += 1'), end: at(text, 'y += 1') + 1, text: 'w' }),
    ];
    const carried = bindingCountCounts.carried;
    let steps = 0;
    // The counts handed out after the edit before, and what they were: carrying must not change them.
    let handed: [ReadonlyMap<string, number>, [string, number][]] | undefined;
    analyseEditSequence(parser, 'counts.py', original, edits, (model, _previous, change) => {
      steps++;
      const counts = bindingCounts(model);
      const scan = [...bindingCountsByScan(model)].sort();
      assert.deepEqual([...counts].sort(), scan, `bound names after ${JSON.stringify(change)}`);
      if (handed) assert.deepEqual([...handed[0]].sort(), handed[1], `the counts handed out before ${JSON.stringify(change)}`);
      handed = [counts, scan];
    });
    assert.equal(steps, edits.length);
    // The analyses' own counts and the test's: carried every time after the first analysis.
    assert.ok(bindingCountCounts.carried - carried >= 2 * edits.length, `the counts were carried ${bindingCountCounts.carried - carried} times`);
  });
});

describe("PSA102's lineage walks' marks", () => {
  it('see each frame id once per walk, across walks, a grown array, ids that are no small integer and the stamps starting again', () => {
    // From the first stamp, from near the largest, and with a last stamp of 3 (stamps 1, 2, 3, then every mark cleared and 1 again).
    const cases: [string, WalkMarks][] = [
      ['the first stamp', new WalkMarks()],
      ['near the largest', new WalkMarks(0x7fffffff - 4)],
      ['a last stamp of 3', new WalkMarks(0, 3)],
    ];
    for (const [start, marks] of cases) {
      for (let walk = 0; walk < 8; walk++) {
        marks.next();
        // Ids past the first array (grown mid-walk), repeated, and ids kept in the set; id 500 only in
        // every third walk, so that with a last stamp of 3 it was marked last with the stamp the walk takes again.
        const ids = [1, 33, 1, 5000, 33, 70_000, 5000, -1, 2.5, 0x4000000, -1, 2.5, 0x4000000, 0, 0, ...(walk % 3 === 0 ? [500] : [])];
        const seen = new Set<number>();
        for (const id of ids) {
          assert.equal(marks.mark(id), !seen.has(id), `walk ${walk} from ${start}: id ${id}`);
          seen.add(id);
        }
        for (const id of ids) assert.equal(marks.mark(id), false, `walk ${walk} from ${start}: id ${id} again`);
      }
    }
  });
});

/**
 * Statements the three rules judge: counts fed to logs beside writes, a helper that caches its
 * parameter and one imported from the project, a frame joined and written twice, a loop of writes,
 * a UDF wrapping a builtin with its call, a second binding of that UDF's name, a sort only joined.
 */
const STATEMENTS = [
  'orders = spark.read.parquet("s3://lake/orders")\n',
  'joined = orders.join(spark.read.table("ref.customers"), "customer_id")\n',
  'print(joined.count())\n',
  'logger.info("rows: %d", orders.count())\n',
  'joined.write.mode("overwrite").parquet("s3://lake/joined")\n',
  'joined.write.format("delta").saveAsTable("gold.joined")\n',
  'def keep(df):\n    df.cache()\n',
  'keep(joined)\n',
  'from project.caching import pin\npin(orders)\n',
  'for day in days:\n    joined.filter(F.col("day") == day).write.parquet(f"s3://lake/{day}")\n',
  '@F.udf("string")\ndef shout(s):\n    return s.upper()\n',
  'orders = orders.withColumn("loud", shout(F.col("name")))\n',
  'shout = None\n',
  'def job(spark):\n    df = spark.read.parquet("/data/in").groupBy("k").count()\n    print(df.count())\n    df.write.parquet("/data/out")\n    return df\n',
  'ranked = orders.orderBy("amount")\nranked.join(orders, "id").write.parquet("/a")\nranked.distinct().write.parquet("/b")\n',
];

type Edit =
  | { kind: 'statement'; at: number; op: 'insert' | 'delete' | 'duplicate'; insert: number }
  | { kind: 'append'; insert: number }
  | { kind: 'type'; at: number; text: string };

const position = fc.noBias(fc.integer({ min: 0, max: 999_999 })).map((n) => n / 1_000_000);
const edit: fc.Arbitrary<Edit> = fc.oneof(
  fc.record({
    kind: fc.constant('statement' as const),
    at: position,
    op: fc.constantFrom('insert' as const, 'delete' as const, 'duplicate' as const),
    insert: fc.nat(STATEMENTS.length - 1),
  }),
  fc.record({ kind: fc.constant('append' as const), insert: fc.nat(STATEMENTS.length - 1) }),
  fc.record({ kind: fc.constant('type' as const), at: position, text: fc.constantFrom('x', ' ', '\n', '    ', '(', 'print(df.count())\n') }),
);

function asChanges(text: string, e: Edit): TextChange[] {
  if (e.kind === 'append') return [appendChange(text, STATEMENTS[e.insert])];
  const at = Math.floor(e.at * text.length);
  if (e.kind === 'type') return [{ start: at, end: at, text: e.text }];
  return [statementChange(text, at, e.op, STATEMENTS[e.insert])];
}

describe('PSA101, PSA102 and PSA105 after an edit', function () {
  this.timeout(300_000);
  it('equal a fresh analysis after random statement edits, appends and typing over the samples and rule fixtures', async () => {
    const parser = await loadParser();
    const before = { ...callFactCounts };
    let analyses = 0;
    everyEditEqualsFresh(
      parser,
      files.filter(([n]) => /PSA10[125]|samples\//.test(n)),
      { edits: edit, toChanges: asChanges, extras: ['none', 'none', 'kept', 'lost'], maxEdits: 6 },
      { seed: 1818, numRuns: 120 },
      () => analyses++,
    );
    assert.ok(analyses > 200, `${analyses} incremental analyses`);
    // Facts found kept by the analyses: the property ran through the reuse, not around it.
    assert.ok(callFactCounts.kept - before.kept > 0, 'no call facts were found kept');
  });
});

/**
 * A file whose verdicts read other statements than the one reported: PSA101 lets a count pass when
 * the frame was handed before it to a helper that caches it (a def elsewhere in the file, or a
 * function imported from the project); PSA105 offers a call-site fix only while nothing else binds
 * the UDF's name. The statements holding the count, the helper call and the UDF call stay the same
 * node objects across the edits (adopted by the copy), so an answer about another statement kept on
 * them would keep the old verdict: each step must equal a fresh analysis, and the verdicts must change.
 */
const ACROSS = [
  'from pyspark.sql import SparkSession, functions as F',
  'spark = SparkSession.builder.getOrCreate()',
  '',
  'orders = spark.read.parquet("s3://lake/orders").groupBy("day").count()',
  'keep(orders)',
  'print(orders.count())',
  'orders.write.parquet("s3://lake/out")',
  '',
  '@F.udf("string")',
  'def shout(s):',
  '    return s.upper()',
  '',
  'loud = orders.withColumn("loud", shout(F.col("name")))',
  'loud.write.parquet("s3://lake/loud")',
  '',
].join('\n');

describe('PSA101 and PSA105 verdicts that read other statements, after edits of those statements', function () {
  this.timeout(120_000);
  it('follow a caching helper defined, removed, imported, and a second binding of the UDF name', async () => {
    const parser = await loadParser();
    const at = (t: string, s: string) => t.indexOf(s);
    const insertBefore = (s: string, text: string) => (t: string) => [{ start: at(t, s), end: at(t, s), text }];
    const remove = (s: string) => (t: string) => (at(t, s) < 0 ? [] : [{ start: at(t, s), end: at(t, s) + s.length, text: '' }]);
    const steps = [
      insertBefore('orders = ', 'def keep(df):\n    df.cache()\n\n'),
      remove('def keep(df):\n    df.cache()\n\n'),
      insertBefore('spark = ', 'from project.caching import keep\n'),
      remove('from project.caching import keep\n'),
      (t: string) => [{ start: t.length, end: t.length, text: 'shout = None\n' }],
      remove('shout = None\n'),
    ].map((changes) => ({ changes, extra: 'none' as const }));
    const verdicts: string[] = [];
    stepsEqualFresh(parser, 'across.py', ACROSS, steps, (incremental) => {
      const codes = incremental.findings.filter((f) => f.code === 'PSA101' || f.code === 'PSA105');
      verdicts.push(codes.map((f) => `${f.code}${f.fixes?.length ? '+fix' : ''}`).join(' '));
    });
    // The count is let pass while a caching `keep` is in sight; the UDF's call-site fix goes while `shout` is bound twice.
    assert.deepEqual(verdicts, ['PSA105+fix', 'PSA101+fix PSA105+fix', 'PSA105+fix', 'PSA101+fix PSA105+fix', 'PSA101+fix PSA105', 'PSA101+fix PSA105+fix']);
  });
});

describe("PSA201's sinks fed by an aggregation, from each sink's steps listed under their parents", () => {
  it('are the sinks whose steps hold the aggregation, read sink by sink, in the model order, on every sample and fixture', async () => {
    const parser = await loadParser();
    let aggregations = 0;
    let fed = 0;
    let twice = 0;
    for (const [name, text] of samplesAndFixtures()) {
      const tree = parser.parse(text);
      try {
        const { model } = buildModel(tree, text);
        for (const agg of model.aggregations) {
          const op = agg.kind === 'join' ? 'join' : 'aggregate';
          // The test as it was: every step of every streaming sink, per aggregation.
          const want = streamingSinkSteps(model)
            .filter(({ steps }) =>
              steps.some(
                (f) => f.op === op && f.parents.includes(agg.input) && f.node.startIndex <= agg.call.startIndex && agg.call.endIndex <= f.node.endIndex,
              ),
            )
            .map(({ sink }) => sink);
          const got = sinksFeeding(model, agg);
          assert.equal(got.length, want.length, `${name}: sinks fed by the ${agg.kind} at ${agg.call.startIndex}`);
          got.forEach((s, i) => assert.ok(s === want[i], `${name}: sink #${i} fed by the ${agg.kind} at ${agg.call.startIndex}`));
          aggregations++;
          if (want.length) fed++;
          if (want.length > 1) twice++;
        }
      } finally {
        tree.delete();
      }
    }
    assert.ok(aggregations > 100, `${aggregations} aggregations`);
    assert.ok(fed > 30, `only ${fed} aggregations feed a streaming sink`);
    assert.ok(twice > 2, `only ${twice} aggregations feed two streaming sinks or more`);
  });
});

/** ACROSS's count and helper call inside a function: its caching calls are kept on the def across the edits above it. */
const ACROSS_IN_FUNCTION = [
  'from pyspark.sql import SparkSession',
  'spark = SparkSession.builder.getOrCreate()',
  '',
  'def job():',
  '    orders = spark.read.parquet("s3://lake/orders").groupBy("day").count()',
  '    keep(orders)',
  '    print(orders.count())',
  '    orders.write.parquet("s3://lake/out")',
  '',
  'job()',
  '',
].join('\n');

describe("PSA101's caching helpers kept on a function across edits of the statements they name", function () {
  this.timeout(120_000);
  it('follow the helper defined above the function, removed, imported from the project and from a library', async () => {
    const parser = await loadParser();
    const at = (t: string, s: string) => t.indexOf(s);
    const insertBefore = (s: string, text: string) => (t: string) => [{ start: at(t, s), end: at(t, s), text }];
    const remove = (s: string) => (t: string) => (at(t, s) < 0 ? [] : [{ start: at(t, s), end: at(t, s) + s.length, text: '' }]);
    const steps = [
      insertBefore('def job', 'def keep(df):\n    df.cache()\n\n'),
      remove('def keep(df):\n    df.cache()\n\n'),
      insertBefore('spark = ', 'from project.caching import keep\n'),
      remove('from project.caching import keep\n'),
      insertBefore('spark = ', 'from pyspark.sql.functions import keep\n'),
      remove('from pyspark.sql.functions import keep\n'),
      insertBefore('spark = ', 'from project.caching import keep\n'),
      // An edit of another statement: the function's list is kept (its names resolve alike).
      insertBefore('spark = ', 'limit = 10\n'),
    ].map((changes) => ({ changes, extra: 'none' as const }));
    const verdicts: string[] = [];
    const kept = cachingCallCounts.kept;
    stepsEqualFresh(parser, 'across_in_function.py', ACROSS_IN_FUNCTION, steps, (incremental) => {
      verdicts.push(incremental.findings.filter((f) => f.code === 'PSA101').length ? 'PSA101' : '-');
    });
    // The count is let pass while a caching `keep` of this file or of the project is in sight, not one of a library.
    assert.deepEqual(verdicts, ['-', 'PSA101', '-', 'PSA101', 'PSA101', 'PSA101', '-', '-']);
    // The function's list was kept on its node where nothing it names changed (not vacuous).
    assert.ok(cachingCallCounts.kept > kept, 'no caching calls kept across the edits');
  });
});
/** PSA402's module string constants as the rule listed them before, per model: every assignment counted, every top-level statement read. */
function moduleStringConstantsByScan(model: DataFrameModel): Map<string, Node> {
  const counts = new Map<string, number>();
  for (const type of ['assignment', 'augmented_assignment'] as const) {
    for (const a of model.root.descendantsOfType(type)) {
      const left = a.childForFieldName('left');
      if (left?.type === 'identifier') counts.set(left.text, (counts.get(left.text) ?? 0) + 1);
    }
  }
  const out = new Map<string, Node>();
  for (const stmt of model.root.namedChildren) {
    const a = stmt?.type === 'expression_statement' ? stmt.namedChildren[0] : undefined;
    const left = a?.type === 'assignment' ? a.childForFieldName('left') : undefined;
    const right = a?.childForFieldName('right');
    if (left?.type !== 'identifier' || !right || counts.get(left.text) !== 1) continue;
    const r = unwrapParens(right);
    if ((r.type === 'string' || r.type === 'concatenated_string') && literalString(r) !== undefined) out.set(left.text, r);
  }
  return out;
}

describe("PSA402's module string constants, looked up per name from the assignments by name", () => {
  // Constants made, shadowed by a second assignment (in a function, a loop, an augmented one), unwrapped, and edited away.
  const constantEdits: SequenceEdit[] = [
    insertBefore(0, 'TOKEN = "abc123"\nKEY = ("k-1" "k-2")\nNAME: str = "n"\nPATH = f"/tmp/{x}"\nCOUNT = 3\n'),
    append('\ndef use():\n    KEY = "other"\n    return KEY\n'),
    append('\nNAME += "-suffix"\nfor TOKEN in []:\n    pass\n'),
    insertAtMiddle('SECRET = "s3cr3t"\n'),
    typeIntoLine,
    deleteLastStatement,
    insertBefore(0, 'if flag:\n    URL = "jdbc://x"\nLATER = "v"\nLATER2 = LATER = "w"\n'),
  ];
  it('equal the constants the whole-file scan lists, for every name of the file, after each edit of every sample and fixture', async () => {
    const parser = await loadParser();
    let names = 0;
    let constants = 0;
    for (const [name, original] of files) {
      analyseEditSequence(parser, name, original, constantEdits, (model, _previous, change) => {
        const want = moduleStringConstantsByScan(model);
        for (const n of new Set(model.root.descendantsOfType('identifier').map((i) => i.text))) {
          names++;
          const got = moduleStringConstant(model, n);
          assert.ok(got === want.get(n), `${name}: the constant ${n} after ${JSON.stringify(change)}`);
          if (got) constants++;
        }
      });
    }
    assert.ok(names > 10_000, `${names} names looked up`);
    assert.ok(constants > 2_000, `only ${constants} constants found`);
  });
});
