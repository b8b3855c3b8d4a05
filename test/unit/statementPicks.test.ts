import * as assert from 'node:assert/strict';
import fc from 'fast-check';
import { analyze } from '../../server/src/analysis';
import { CodeContext } from '../../server/src/context/codeContext';
import type { DataFrameModel } from '../../server/src/model/types';
import type { Node } from '../../server/src/parsing/pythonParser';
import { literalString } from '../../server/src/parsing/syntax';
import type { RuleContext } from '../../server/src/rules/rule';
import {
  hardcodedSecret,
  judgingParts,
  keptPicksOfStatement,
  picksOfStatement,
  statementPickCounts,
} from '../../server/src/rules/governance/PSA402-hardcoded-secret';
import {
  confPickCounts,
  confPicksOfStatement,
  invalidConfValue,
  judgeSettings,
  keptConfPicksOfStatement,
  setStatementVerdict,
} from '../../server/src/rules/configuration/PSA504-invalid-conf-value';
import { defaultSettings } from '../../shared/settings';
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
import { appendChange, statementChange } from './statementEdits';

// PSA402 and PSA504 keep, per top-level statement, what of it they judge per model (`perStatement`
// answers on the statement's node object: the calls and strings PSA402 judges, the conf dict pairs
// and SET strings PSA504 judges). After every edit of an edit sequence over every sample and rule
// fixture, each statement's kept picks must be what picking its subtree again gives, and the file's
// picks, joined statement by statement, must judge the file as a scan of every call and string does.

const files = samplesAndFixtures();

/** A statement inserted in the middle, a line typed into, the last statement deleted, statements appended, one put first. */
const EDITS: SequenceEdit[] = [
  insertAtMiddle('PASSWORD = "hunter2-prod"\njdbc_rows = spark.read.format("jdbc").option("password", PASSWORD).load()\n'),
  typeIntoLine,
  deleteLastStatement,
  append(
    '\nspark.conf.set("spark.sql.shuffle.partitions", "eight")\nspark.sql("SET spark.sql.adaptive.enabled=yes")\nconn = "postgresql://etl:Xk29fQ7w@db.example.com/shop"\n',
  ),
  insertBefore(0, 'import pytest\n'),
];

const settings = { ...defaultSettings(), 'rules.strict': true };

/** A rule context on `model` whose findings are collected (the rule's own answers, before severity, noqa and code-context filters). */
function collecting(model: DataFrameModel, name: string): { ctx: RuleContext; found: unknown[] } {
  const text = model.root.text;
  const found: unknown[] = [];
  const ctx = {
    model,
    text,
    settings,
    code: new CodeContext(text, { path: name, model }),
    report: (f: Parameters<RuleContext['report']>[0]) => found.push(plainFinding(f)),
  } as unknown as RuleContext;
  return { ctx, found };
}

/** A finding as plain data: nodes by type and place (a failing deep comparison must not print trees). */
function plainFinding(f: Parameters<RuleContext['report']>[0]): unknown {
  return { ...f, node: f.node && `${f.node.type}@${f.node.startIndex}-${f.node.endIndex}`, at: f.at && `${f.at.type}@${f.at.startIndex}` };
}

/** PSA402 as it judged a file before the picks: every candidate call, then every string, of the file. */
function psa402ByScan(ctx: RuleContext): void {
  const { modelJudge, judgeCall, isCandidate, mayHoldCredentials, connectionLeak, reportConnectionString } = judgingParts;
  const judge = modelJudge(ctx);
  const origins = new Map();
  const reported = new Set<number>();
  for (const call of ctx.model.root.descendantsOfType('call')) if (isCandidate(call)) judgeCall(call, judge, origins, reported);
  for (const node of ctx.model.root.descendantsOfType('string')) {
    if (!mayHoldCredentials(node.text)) continue;
    const whole = node.parent?.type === 'concatenated_string' ? node.parent : node;
    if (reported.has(whole.id) || !connectionLeak(whole)) continue;
    reportConnectionString(ctx, judge, whole, reported);
  }
}

/** Same node objects in the same order. */
function assertSameNodes(got: readonly Node[], want: readonly Node[], what: string): void {
  assert.equal(got.length, want.length, `${what}: how many`);
  got.forEach((n, i) => assert.ok(n === want[i], `${what}: #${i}`));
}

describe('statement picks (PSA402, PSA504)', () => {
  let steps = 0;
  let statementsCompared = 0;
  let findingsCompared = 0;
  let confFindingsCompared = 0;
  const start = { picksRead: 0, picksMade: 0, confRead: 0, confMade: 0 };
  before(() =>
    Object.assign(start, {
      picksRead: statementPickCounts.read,
      picksMade: statementPickCounts.made,
      confRead: confPickCounts.read,
      confMade: confPickCounts.made,
    }),
  );
  for (const [name, original] of files) {
    it(`kept picks equal picks made again, and judge as a scan of the file: ${name}`, async () => {
      const parser = await loadParser();
      analyseEditSequence(parser, name, original, EDITS, (model, _previous, change) => {
        steps++;
        const after = `after ${JSON.stringify(change)}`;
        // The analysis read each statement's picks (kept or made); made again here uncounted, so the floor counts the analyses' own.
        const made = { picks: statementPickCounts.made, conf: confPickCounts.made };
        for (const statement of model.root.children) {
          const at = `statement at ${statement.startIndex} ${after}`;
          const kept = keptPicksOfStatement(statement);
          assert.ok(kept, `PSA402 read no picks of the ${at}`);
          const again = picksOfStatement(statement);
          assertSameNodes(kept.calls, again.calls, `PSA402 calls, ${at}`);
          assertSameNodes(kept.strings, again.strings, `PSA402 strings, ${at}`);
          const conf = keptConfPicksOfStatement(statement);
          assert.ok(conf, `PSA504 read no picks of the ${at}`);
          const confAgain = confPicksOfStatement(statement);
          assert.deepEqual(
            conf.pairs.map((p) => p.key),
            confAgain.pairs.map((p) => p.key),
            `PSA504 pair keys, ${at}`,
          );
          assertSameNodes(
            conf.pairs.map((p) => p.value),
            confAgain.pairs.map((p) => p.value),
            `PSA504 pair values, ${at}`,
          );
          assertSameNodes(conf.sets, confAgain.sets, `PSA504 SET strings, ${at}`);
          statementsCompared++;
        }
        statementPickCounts.made = made.picks;
        confPickCounts.made = made.conf;
        // PSA504's picks joined: the file's spark-keyed dict pairs and rejected SET strings, by a scan.
        const pairs: { key: string; value: Node }[] = [];
        for (const dict of model.root.descendantsOfType('dictionary')) {
          for (const pair of dict.namedChildren) {
            const key = pair.type === 'pair' ? literalString(pair.childForFieldName('key')) : undefined;
            const value = pair.childForFieldName('value');
            if (key?.startsWith('spark.') && value) pairs.push({ key, value });
          }
        }
        const joined = model.root.children.map((s) => keptConfPicksOfStatement(s)!);
        assertSameNodes(
          joined.flatMap((p) => p.pairs.map((x) => x.value)),
          pairs.map((p) => p.value),
          `PSA504 the file's pairs ${after}`,
        );
        assertSameNodes(
          joined.flatMap((p) => p.sets),
          model.root.descendantsOfType('string').filter((s) => setStatementVerdict(s)),
          `PSA504 the file's SET strings ${after}`,
        );
        // PSA402 on its picks reports what judging every candidate call and string of the file reports.
        const byPicks = collecting(model, name);
        hardcodedSecret.check(byPicks.ctx);
        const byScan = collecting(model, name);
        psa402ByScan(byScan.ctx);
        assert.deepEqual(byPicks.found, byScan.found, `PSA402 findings ${after}`);
        findingsCompared += byScan.found.length;
        // PSA504 on its picks reports what judging the conf sets, then every dict pair and string of the file, reports, in the same order.
        const confByPicks = collecting(model, name);
        invalidConfValue.check(confByPicks.ctx);
        const confByScan = collecting(model, name);
        const settings = model.confSets.flatMap((c) => (c.key && c.valueNode ? [{ key: c.key, value: c.valueNode }] : []));
        judgeSettings(
          confByScan.ctx,
          [...settings, ...pairs],
          model.root.descendantsOfType('string').filter((s) => setStatementVerdict(s)),
        );
        assert.deepEqual(confByPicks.found, confByScan.found, `PSA504 findings ${after}`);
        confFindingsCompared += confByScan.found.length;
      });
    });
  }
  it('kept most statements picks (the tests above are not vacuous)', () => {
    assert.ok(steps > 500, `${steps} edits`);
    assert.ok(statementsCompared > steps, `${statementsCompared} statements compared`);
    // Every statement is read on every analysis; those the copy adopted keep their picks.
    const read = statementPickCounts.read - start.picksRead;
    const kept = read - (statementPickCounts.made - start.picksMade);
    assert.ok(kept > read / 2, `PSA402: only ${kept} of ${read} statements kept their picks`);
    const confRead = confPickCounts.read - start.confRead;
    const confKept = confRead - (confPickCounts.made - start.confMade);
    assert.ok(confKept > confRead / 2, `PSA504: only ${confKept} of ${confRead} statements kept their picks`);
    // Findings were compared: the first edit adds a constant password the rule reports where it is used.
    if (process.env.PICK_COUNTS) console.log({ steps, statementsCompared, findingsCompared, confFindingsCompared, read, kept, confRead, confKept });
    assert.ok(confFindingsCompared > steps / 2, `${confFindingsCompared} PSA504 findings compared`);
    assert.ok(findingsCompared > steps, `${findingsCompared} PSA402 findings compared`);
  });
});

/**
 * A candidate call the probe leaves out must report nothing and read nothing of the file, whatever
 * the file: judged with the file's answers, its judge is asked nothing.
 */
describe('PSA402 probe: a call left out asks the file nothing', () => {
  it('on every sample and rule fixture', async () => {
    const parser = await loadParser();
    let left = 0;
    for (const [name, text] of files) {
      const tree = parser.parse(text);
      try {
        const model = analyze(tree, text, { settings, path: name }).model;
        if (!model) continue;
        const { ctx } = collecting(model, name);
        const real = judgingParts.modelJudge(ctx);
        for (const statement of model.root.children) {
          const picked = new Set(picksOfStatement(statement).calls);
          for (const call of statement.descendantsOfType('call')) {
            if (!judgingParts.isCandidate(call) || picked.has(call)) continue;
            left++;
            let asked = 0;
            const counting = {
              constant: (n: string) => (asked++, real.constant(n)),
              dictBinding: (n: Node) => (asked++, real.dictBinding(n)),
              setsConf: (c: Node) => (asked++, real.setsConf(c)),
              inTest: (n: Node) => (asked++, real.inTest(n)),
              report: () => void asked++,
            };
            judgingParts.judgeCall(call, counting, new Map(), new Set());
            assert.equal(asked, 0, `${name}: the call at ${call.startIndex} left out asked the file ${asked} times`);
          }
        }
      } finally {
        tree.delete();
      }
    }
    assert.ok(left > 1000, `only ${left} candidate calls left out`);
  });
});

/** Statements that make PSA402 and PSA504 read across the file: constants, conf objects, dicts bound at module level, test code. */
const STATEMENTS = [
  'PASSWORD = "hunter2-prod"\n',
  'TOKEN_KEY = "spark.hadoop.fs.s3a.secret.key"\n',
  'df = spark.read.format("jdbc").option("password", PASSWORD).load()\n',
  'spark.conf.set(TOKEN_KEY, "AKIAxq93kd0Z")\n',
  'conf = spark.conf\nconf.set("spark.hadoop.fs.azure.account.key", "s3cr3t-value-9")\n',
  'props = {"user": "etl", "password": "Xk29fQ7w"}\n',
  'rows = spark.read.jdbc("jdbc:postgresql://db/sales", "t", properties=props)\n',
  'pw = os.getenv("DB_PASSWORD", "spark")\n',
  'import pytest\n',
  'MONGO = "mongodb+srv://etl:Xk29fQ7w@cluster0.example.net"\n',
  'spark.sql("SET spark.sql.shuffle.partitions=2OO")\n',
  'builder = SparkSession.builder.config(map={"spark.sql.adaptive.enabled": "yes"})\n',
  'df.write.option("path", f"https://acct.blob.core.windows.net/c/x.csv?sv=2021-06-08&sig={PASSWORD}").save()\n',
];

type Edit =
  { kind: 'statement'; at: number; op: 'insert' | 'delete'; insert: number } | { kind: 'append'; insert: number } | { kind: 'type'; at: number; text: string };

const position = fc.noBias(fc.integer({ min: 0, max: 999_999 })).map((n) => n / 1_000_000);
const edit: fc.Arbitrary<Edit> = fc.oneof(
  fc.record({
    kind: fc.constant('statement' as const),
    at: position,
    op: fc.constantFrom('insert' as const, 'delete' as const),
    insert: fc.nat(STATEMENTS.length - 1),
  }),
  fc.record({ kind: fc.constant('append' as const), insert: fc.nat(STATEMENTS.length - 1) }),
  fc.record({ kind: fc.constant('type' as const), at: position, text: fc.constantFrom('x', ' ', '\n', '"', 'PASSWORD') }),
);

function asChanges(text: string, e: Edit): TextChange[] {
  if (e.kind === 'append') return [appendChange(text, STATEMENTS[e.insert])];
  const at = Math.floor(e.at * text.length);
  if (e.kind === 'type') return [{ start: at, end: at, text: e.text }];
  return [statementChange(text, at, e.op, STATEMENTS[e.insert])];
}

describe('statement picks: the analysis after an edit', function () {
  this.timeout(300_000);
  it('equals a fresh analysis after random edits with secrets, constants, conf objects and test code', async () => {
    const parser = await loadParser();
    const read = statementPickCounts.read;
    const made = statementPickCounts.made;
    let analyses = 0;
    everyEditEqualsFresh(
      parser,
      files,
      { edits: edit, toChanges: asChanges, extras: ['none', 'none', 'kept', 'lost'], maxEdits: 6 },
      { seed: 1807, numRuns: 120 },
      () => analyses++,
    );
    // The fresh analyses make every statement's picks; the incremental ones must have kept some.
    const kept = statementPickCounts.read - read - (statementPickCounts.made - made);
    assert.ok(
      kept > (statementPickCounts.read - read) / 4,
      `only ${kept} of ${statementPickCounts.read - read} statement picks kept over ${analyses} analyses`,
    );
  });
});
