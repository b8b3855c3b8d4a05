import * as assert from 'node:assert/strict';
import fc from 'fast-check';
import { DLT_IMPORT, FAKER_IMPORT, importsDlt, MANAGED_DECORATOR_LINE, mayHoldManagedDecorator, mayImportFaker } from '../../server/src/context/codeContext';
import { analyze } from '../../server/src/analysis';
import { formatMessage, splitMessage } from '../../server/src/messages';
import { buildModel } from '../../server/src/model/buildModel';
import type { DataFrameModel } from '../../server/src/model/types';
import { isJupyterExport, MARKER_LINE } from '../../server/src/notebook/jupyterExport';
import { isPercentFormat, MARKERS } from '../../server/src/notebook/percentFormat';
import type { Node } from '../../server/src/parsing/pythonParser';
import { enclosingStatement } from '../../server/src/parsing/syntax';
import { commentsAround, showsMistakeOnPurpose } from '../../server/src/rules/helpers/deliberateMistake';
import { DISTRIBUTED_PANDAS, distributedPandas } from '../../server/src/rules/helpers/driverWrittenFiles';
import { safeLine } from '../../server/src/fixes/edits';
import { keptWindowFunction, readWindowFunction, windowFunctionCounts } from '../../server/src/rules/streaming/PSA219-non-time-window-on-stream';
import { handedCallCounts, handedToPython, keptHandedCall, readHandedCall } from '../../server/src/rules/performance/PSA105-python-udf-with-builtin';
import { analyseEditSequence, append, deleteLastStatement, insertAtMiddle, insertBefore, typeIntoLine, type SequenceEdit } from './analysisOutcome';
import { loadParser, py, samplesAndFixtures } from './helpers';

// The steps after the model made cheaper after a keystroke (issue 18, nineteenth session): answers
// kept on call nodes (PSA105's calls handing a function to Python), text tests run only where a
// literal word they need occurs (the code context, the notebook formats), rows compared by counting
// line feeds (the comments around a statement shown failing on purpose), messages formatted once.
// Each must give what the work it replaces gives, on every sample and rule fixture and on texts
// made for the purpose.

const files = samplesAndFixtures();

/** PSA105's names handed to Python as its scan of every candidate call found them before (imports read per call). */
function handedByScan(model: DataFrameModel): Set<string> {
  const names = new Set<string>();
  const spark = (callee: Node) => {
    const imports = model.imports;
    if (callee.type === 'identifier') return imports.functionNames.has(callee.text) && !/^(udf|pandas_udf)$/.test(callee.text);
    const obj = callee.type === 'attribute' ? callee.childForFieldName('object') : null;
    const name = callee.childForFieldName('attribute')?.text ?? '';
    return obj?.type === 'identifier' && imports.functionsAliases.has(obj.text) && !/^(udf|pandas_udf)$/.test(name);
  };
  for (const call of model.root.descendantsOfType('call')) {
    const callee = call.childForFieldName('function');
    if (
      !callee ||
      spark(callee) ||
      !/(^|\.)(udf|pandas_udf|register|map|flatMap|mapValues|flatMapValues|mapPartitions|mapPartitionsWithIndex|foreach|foreachPartition|reduceByKey|aggregateByKey|combineByKey|sortBy|keyBy|applyInPandas|mapInPandas|mapInArrow|sorted|filter|min|max)$/.test(
        callee.text,
      )
    )
      continue;
    for (const a of call.childForFieldName('arguments')?.namedChildren ?? []) if (a?.type === 'identifier') names.add(a.text);
  }
  return names;
}

/** Edits that change what is handed to Python: a function handed to `rdd.map` and `filter`, and an import that makes a bare `filter` Spark's. */
const EDITS: SequenceEdit[] = [
  insertAtMiddle('def parse_row(r):\n    return r.upper()\nrows = df.rdd.map(parse_row)\n'),
  typeIntoLine,
  append('\nkept = filter(is_valid, names)\nmins = min(values, key)\n'),
  deleteLastStatement,
  // Makes every bare `filter(...)` a Spark function's call (its function no longer runs on Python values).
  insertBefore(0, 'from pyspark.sql.functions import filter\n'),
  append('\nrows2 = df.rdd.flatMap(explode_row)\n'),
  // A window function over a stream, in a column and in SQL (PSA219's answers kept per call node).
  append(
    '\nticks = spark.readStream.table("ticks")\nprev = ticks.withColumn("prev", F.lag("v").over(w))\nranked = ticks.selectExpr("*", "rank() OVER (ORDER BY v) AS r")\n',
  ),
];

describe("PSA105's calls handing a function to Python, and PSA219's window functions, kept per call node", () => {
  let steps = 0;
  let calls = 0;
  let keptAcross = 0;
  let windows = 0;
  let windowsKeptAcross = 0;
  const before = { made: 0, kept: 0 };
  const windowsBefore = { made: 0, kept: 0 };
  const start = () => {
    Object.assign(before, handedCallCounts);
    Object.assign(windowsBefore, windowFunctionCounts);
  };
  for (const [name, original] of files) {
    it(`equal a fresh read after each edit, and the names the scan found: ${name}`, async () => {
      if (steps === 0) start();
      const parser = await loadParser();
      let seen = new WeakSet<Node>();
      let windowsSeen = new WeakSet<Node>();
      analyseEditSequence(parser, name, original, EDITS, (model, _previous, change) => {
        steps++;
        const after = `after ${JSON.stringify(change)}`;
        // The per-model names (asked here when PSA105 did not ask): what the scan gives.
        assert.deepEqual([...handedToPython({ model })].sort(), [...handedByScan(model)].sort(), `names handed to Python ${after}`);
        const now = new WeakSet<Node>();
        for (const call of model.root.descendantsOfType('call')) {
          const kept = keptHandedCall(call);
          if (kept === undefined) continue;
          const fresh = readHandedCall(call);
          const at = `the call at ${call.startIndex} ${after}`;
          assert.equal(kept === null, fresh === undefined, `a candidate or not: ${at}`);
          if (kept && fresh) {
            assert.ok(kept.callee === fresh.callee, `callee: ${at}`);
            assert.deepEqual(kept.names, fresh.names, `names: ${at}`);
          }
          calls++;
          if (seen.has(call)) keptAcross++;
          now.add(call);
        }
        seen = now;
        // PSA219's window function of each projection, where kept (one answer per reading: SQL or columns).
        const windowsNow = new WeakSet<Node>();
        for (const { call } of model.transforms) {
          for (const sql of [true, false]) {
            const kept = keptWindowFunction(call, sql);
            if (kept === undefined) continue;
            assert.ok(
              (kept ?? undefined) === readWindowFunction(call, sql),
              `window function (${sql ? 'SQL' : 'columns'}): the call at ${call.startIndex} ${after}`,
            );
            windows++;
            if (windowsSeen.has(call)) windowsKeptAcross++;
            windowsNow.add(call);
          }
        }
        windowsSeen = windowsNow;
      });
    });
  }
  it('kept answers across most edits (the test above is not vacuous)', () => {
    assert.ok(steps > 500, `${steps} edits`);
    assert.ok(keptAcross > calls / 3, `only ${keptAcross} of ${calls} calls kept their answer across an edit`);
    const made = handedCallCounts.made - before.made;
    const kept = handedCallCounts.kept - before.kept;
    assert.ok(kept > made, `the analyses read ${made} calls and found ${kept} kept`);
    assert.ok(windowsKeptAcross > windows / 3, `only ${windowsKeptAcross} of ${windows} projections kept their window function across an edit`);
    const windowsMade = windowFunctionCounts.made - windowsBefore.made;
    const windowsKept = windowFunctionCounts.kept - windowsBefore.kept;
    assert.ok(windowsKept > windowsMade, `the analyses read ${windowsMade} projections and found ${windowsKept} kept`);
  });
});

/** The comments around a statement as `showsMistakeOnPurpose` found them before: by the rows of the copy's positions. */
function commentsByRows(stmt: Node): string[] {
  const out: string[] = [];
  for (let c = stmt.previousSibling, row = stmt.startPosition.row; c?.type === 'comment' && c.endPosition.row >= row - 1; c = c.previousSibling) {
    out.push(c.text);
    row = c.startPosition.row;
  }
  const trailing = stmt.nextSibling;
  if (trailing?.type === 'comment' && trailing.startPosition.row === stmt.endPosition.row) out.push(trailing.text);
  return out;
}

/** Comments at every distance from the statements they may label, with CRLF, blank lines and a multi-line statement. */
const LESSONS = [
  py`
    from pyspark.sql import functions as F
    # This will fail
    q = stream.orderBy("ts")
    # wrong way

    r = stream.orderBy("ts")
    s = stream.orderBy("ts")  # this will fail
    t = (stream
         .orderBy("ts"))  # on purpose
    # on purpose
    # (the next line)
    u = stream.orderBy("ts")
    # not about the code
    v = stream.orderBy("ts")
    w = stream.orderBy("ts")
    # this will fail, but for the statement after
    if x:
        # this will fail
        y = stream.orderBy("ts")
    z = 1 # one
    # two
  `,
  '# this will fail\r\nq = stream.orderBy("ts")\r\n# wrong way\r\n\r\nr = stream.orderBy("ts")\r\ns = stream.orderBy("ts")  # on purpose\r\n',
];

describe('the comments around a statement by line feeds (deliberateMistake commentsAround), not rows', () => {
  let statements = 0;
  let withComments = 0;
  for (const [name, text] of [...LESSONS.map((t, i) => [`lesson ${i}`, t] as [string, string]), ...files]) {
    it(`are those the rows selected: ${name}`, async () => {
      const tree = (await loadParser()).parse(text);
      try {
        const { model } = buildModel(tree, text);
        const seen = new Set<number>();
        for (const node of model.root.descendantsOfType(['call', 'identifier', 'comment'])) {
          const stmt = enclosingStatement(node);
          if (!stmt || seen.has(stmt.id)) continue;
          seen.add(stmt.id);
          const want = commentsByRows(stmt);
          assert.deepEqual(commentsAround(stmt), want, `comments around the ${stmt.type} at ${stmt.startIndex}`);
          statements++;
          if (want.length) withComments++;
        }
      } finally {
        tree.delete();
      }
    });
  }
  it('compared statements with comments around them (the test above is not vacuous)', () => {
    assert.ok(statements > 5_000, `${statements} statements compared`);
    assert.ok(withComments > 500, `only ${withComments} statements with comments around them`);
  });
  it('and a statement under a comment saying it fails is still a lesson, with CRLF line ends', async () => {
    const text = LESSONS[1];
    const tree = (await loadParser()).parse(text);
    try {
      const { model } = buildModel(tree, text);
      const calls = model.root.descendantsOfType('call');
      const at = (i: number) => showsMistakeOnPurpose(calls[i], false);
      // q under "this will fail", r two lines under "wrong way" (not its label), s with a trailing "on purpose".
      const q = calls.findIndex((c) => text.slice(0, c.startIndex).endsWith('q = '));
      const r = calls.findIndex((c) => text.slice(0, c.startIndex).endsWith('r = '));
      const s = calls.findIndex((c) => text.slice(0, c.startIndex).endsWith('s = '));
      assert.deepEqual([at(q), at(r), at(s)], [true, false, true]);
    } finally {
      tree.delete();
    }
  });
});

/** Pieces of text the patterns and their literal words are made of, for random texts. */
const PIECES = [
  'import ',
  'from ',
  'faker',
  'Faker',
  'dlt',
  'pipelines',
  'pyspark',
  '.',
  ' import ',
  '@',
  'dp.',
  'sdp.',
  'dlt.',
  'pipelines.',
  'table',
  'view',
  'expect_all',
  '(',
  '# In[',
  '3',
  ' ',
  ']:',
  '# ',
  '#',
  '%%',
  ' [markdown]',
  '\n',
  '\r\n',
  '\r',
  '\u2028',
  '\t',
  '  ',
  'x',
  'x = 1',
  'pandas',
  'koalas',
  'Pandas',
  'databricks',
  '_api',
  '.to_',
  '_on_spark',
  'ps',
];

describe('the code context and notebook tests run their patterns only where a literal word occurs', () => {
  const texts = () => [
    ...files.map(([, t]) => t),
    'import faker\n',
    'from faker import Faker\n',
    'x = 1\n  from   faker import Faker',
    '# faker\n',
    'import dlt\n',
    'from pyspark import pipelines as dp\n',
    'import pyspark.pipelines as dp\n',
    // The DLT import's test reads around its words: an import split over lines, one after a docstring
    // saying "pipelines", words not at a line start, other line ends, and a run of the import's letters
    // longer than its budget (where the pattern itself runs).
    'import\n  dlt\n',
    'from   dlt\r\nimport x\n',
    '"""Lakeflow pipelines, in depth."""\nimport os\nfrom  pyspark \t import\npipelines as dp\n',
    '"""pipelines"""\nx = 1\n',
    'x import dlt\ny = "from dlt import"\n',
    'a = 1\u2028import dlt\n',
    'a = 1\u2029 from pyspark import pipelines\n',
    'a = 1\rimport pyspark.pipelines\n',
    'import dltx\nimport pyspark.pipelinesx\n',
    `${'import '.repeat(900)}dlt\n`,
    `x${' import'.repeat(900)} dlt\n`,
    `${'dlt '.repeat(3000)}\nimport dlt\n`,
    '@dp.table\ndef t(): ...\n',
    '  @sdp.materialized_view()\n',
    '@ dlt.expect_or_drop("x", "y")\n',
    '# In[3]:\nx = 1\n',
    '# In[ ]:\r\n',
    '# %%\nx = 1\n# %% [markdown]\n',
    '#%%\r\n#%%\r\n',
    '# %%time\n# %%sql\n',
    'import pyspark.pandas as ps\n',
    'from databricks.koalas import DataFrame\n',
    'import  koalas\n',
    'psdf = sdf.pandas_api ()\n',
    'sdf.to_pandas_on_spark()\n',
    'sdf.to_koalas(index_col="k")\n',
    'import pandas as pd\npdf.to_csv("a.csv")\n',
    'rows = df.toPandas()\n',
  ];
  const agree = (text: string) => {
    assert.equal(mayImportFaker(text) && FAKER_IMPORT.test(text), FAKER_IMPORT.test(text), `Faker import in ${JSON.stringify(text.slice(0, 80))}`);
    assert.equal(importsDlt(text), DLT_IMPORT.test(text), `DLT import in ${JSON.stringify(text.slice(0, 80))}`);
    assert.equal(
      mayHoldManagedDecorator(text) && MANAGED_DECORATOR_LINE.test(text),
      MANAGED_DECORATOR_LINE.test(text),
      `decorator in ${JSON.stringify(text.slice(0, 80))}`,
    );
    assert.equal(isJupyterExport(text), MARKER_LINE.test(text), `Jupyter export ${JSON.stringify(text.slice(0, 80))}`);
    assert.equal(isPercentFormat(text), [...text.matchAll(MARKERS)].length >= 2, `percent format ${JSON.stringify(text.slice(0, 80))}`);
    assert.equal(distributedPandas(text), DISTRIBUTED_PANDAS.test(text), `pandas-on-Spark ${JSON.stringify(text.slice(0, 80))}`);
  };
  it('on every sample and fixture, and texts made to match', () => {
    let matched = 0;
    let pandasOnSpark = 0;
    for (const text of texts()) {
      agree(text);
      if (FAKER_IMPORT.test(text) || DLT_IMPORT.test(text) || MANAGED_DECORATOR_LINE.test(text) || MARKER_LINE.test(text)) matched++;
      if (DISTRIBUTED_PANDAS.test(text)) pandasOnSpark++;
    }
    assert.ok(matched >= 10, `only ${matched} texts match a pattern`);
    assert.ok(pandasOnSpark >= 6, `only ${pandasOnSpark} texts use pandas-on-Spark`);
  });
  it('on random texts of the patterns own pieces', () => {
    fc.assert(
      fc.property(fc.array(fc.constantFrom(...PIECES), { maxLength: 14 }), (pieces) => agree(pieces.join(''))),
      { seed: 1907, numRuns: 3000 },
    );
  });
});

/** `safeLine` as it was: a search for every CR from the line's start, the next one wherever it is. */
function safeLineBySearch(text: string, offset: number): boolean {
  const start = text.lastIndexOf('\n', offset - 1) + 1;
  const nl = text.indexOf('\n', offset);
  const end = nl < 0 ? text.length : nl;
  for (let i = text.indexOf('\r', start); i >= 0 && i < end; i = text.indexOf('\r', i + 1)) {
    if (text[i + 1] !== '\n') return false;
  }
  return true;
}

describe("the import anchor's lone-CR test reads only its line", () => {
  const agreeEverywhere = (text: string) => {
    for (let offset = 0; offset <= text.length; offset++) {
      assert.equal(safeLine(text, offset), safeLineBySearch(text, offset), `offset ${offset} of ${JSON.stringify(text)}`);
    }
  };
  it('on texts with a lone CR before, on, after the line, and at the end', () => {
    let unsafe = 0;
    for (const text of ['', '\r', 'a\rb', 'import a\nx = 1\r\ny = 2\n', 'import a\rx = 1\n', 'x\n\ny\r', 'a\r\n\rb\n\r\n', 'import a\nb\nc\rd']) {
      agreeEverywhere(text);
      for (let offset = 0; offset <= text.length; offset++) if (!safeLineBySearch(text, offset)) unsafe++;
    }
    assert.ok(unsafe >= 10, `only ${unsafe} offsets on a line with a lone CR`);
  });
  it('on random texts of line ends and words', () => {
    fc.assert(
      fc.property(fc.array(fc.constantFrom('\r', '\n', '\r\n', 'x', 'import a', ' '), { maxLength: 12 }), (pieces) => agreeEverywhere(pieces.join(''))),
      { seed: 2020, numRuns: 2000 },
    );
  });
});

describe('formatMessage kept per message', () => {
  it('gives what splitting the message gives, asked again, and past its bound', async () => {
    const format = (m: string) => {
      const { headline, detail } = splitMessage(m);
      return detail ? `${headline}\n${detail}` : headline;
    };
    const messages: string[] = [];
    for (const [, text] of files.slice(0, 60)) {
      const tree = (await loadParser()).parse(text);
      try {
        for (const f of analyze(tree, text).findings) messages.push(f.message);
      } finally {
        tree.delete();
      }
    }
    assert.ok(messages.length > 50, `${messages.length} messages`);
    for (const round of [0, 1]) for (const m of messages) assert.equal(formatMessage(m), format(m), `round ${round}: ${m.slice(0, 60)}`);
    // Past the bound the kept messages are forgotten at once; every answer still the message's own.
    for (let i = 0; i < 10_050; i++) assert.equal(formatMessage(`Label: message ${i}. Why ${i}.`), format(`Label: message ${i}. Why ${i}.`));
    for (const m of messages) assert.equal(formatMessage(m), format(m));
  });
});
