import * as assert from 'node:assert/strict';
import fc from 'fast-check';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { defaultSettings } from '../../shared/settings';
import { analyseCellsOnce, applyCellFix, fixAllCells } from '../../server/src/notebook/analyseNotebook';
import { databricksCells } from '../../server/src/notebook/databricks';
import { fileOffset, parseIpynb, withCellSources, NotebookError } from '../../server/src/notebook/ipynb';
import { neutraliseMagics, runTarget } from '../../server/src/notebook/magics';
import { NotebookProgram, type CellSource } from '../../server/src/notebook/program';
import { expandRuns } from '../../server/src/notebook/runIncludes';
import { check, loadParser, py, syntaxErrors } from './helpers';
import { ipynb } from './notebookHelpers';

const cells = (...sources: string[]): CellSource[] => sources.map((source, cell) => ({ cell, source }));

describe('notebooks: magics', () => {
  it('replaces magics with same-length filler that parses, at any indentation', async () => {
    const cell = py`
      %pip install delta-spark
      !ls /dbfs/tmp
      files = !ls /data
      for t in tables:
          %time spark.table(t).count()
      df?
      x = (a
           % b)
      q = """
      %not a magic inside a string
      """
    `;
    const { text, magics } = neutraliseMagics(cell);
    assert.equal(text.length, cell.length);
    assert.equal(text.split('\n').length, cell.split('\n').length);
    assert.deepEqual(
      magics.map((m) => m.text),
      ['%pip install delta-spark', '!ls /dbfs/tmp', '!ls /data', '%time spark.table(t).count()', 'df?'],
    );
    assert.equal(await syntaxErrors(text), 0, text);
    assert.match(text, /% b\)/, 'modulo inside brackets is code');
    assert.match(text, /%not a magic inside a string/);
    assert.match(text, /files = None/);
  });

  it('comments out a whole %%sql / %md cell, keeps the body of %%time', async () => {
    const sql = '%%sql\nSELECT * FROM events\n  WHERE x = 1';
    assert.equal(neutraliseMagics(sql).text, '#    \n#                   \n#            ');
    const md = '%md\n# Title\nsome text';
    assert.ok(
      neutraliseMagics(md)
        .text.split('\n')
        .every((l) => l === '' || l.startsWith('#')),
    );
    const timed = '%%time\ndf = spark.read.parquet("/x")';
    assert.equal(neutraliseMagics(timed).text, 'pass  \ndf = spark.read.parquet("/x")');
    const short = neutraliseMagics('!l\n!ls');
    assert.equal(short.text, '0 \n...');
    assert.equal(await syntaxErrors(short.text), 0);
  });

  it('leaves cells without magics alone', () => {
    const src = 'a = 10 % 3\nprint(a != 1)\n';
    assert.equal(neutraliseMagics(src).text, src);
  });
});

describe('notebooks: magics (property)', () => {
  const fragment = fc.constantFrom(
    '%pip install x',
    '!ls',
    '%%sql',
    '%%time',
    'x = !ls',
    'df?',
    '%md',
    '%run ./cfg',
    '"""',
    "'",
    '(',
    ')',
    '\\',
    '#',
    '%',
    '!',
    'a = 1',
    '    pass',
    'for x in y:',
    '  ',
    'q = """a',
    '%s"""',
    '\r',
    ' % b',
    'é',
  );
  const cellText = fc
    .array(
      fc.array(fragment, { maxLength: 4 }).map((parts) => parts.join('')),
      { maxLength: 8 },
    )
    .map((lines) => lines.join('\n'));

  it('never moves a character: same length, line breaks where they were, text outside magics untouched', () => {
    fc.assert(
      fc.property(cellText, (cell) => {
        const { text, magics } = neutraliseMagics(cell);
        assert.equal(text.length, cell.length);
        for (let i = 0; i < cell.length; i++) if (cell[i] === '\n' || text[i] === '\n') assert.equal(text[i], cell[i]);
        for (const m of magics) assert.equal(cell.slice(m.start, m.end), m.text);
        const touched = (i: number) => magics.some((m) => i >= m.start && i < m.end);
        for (let i = 0; i < cell.length; i++) if (!touched(i)) assert.equal(text[i], cell[i], `offset ${i} changed outside a magic in ${JSON.stringify(cell)}`);
      }),
      { numRuns: 500 },
    );
  });
});

describe('notebooks: one program', () => {
  it('concatenates cells with a line break each and maps offsets back to cells', () => {
    const p = new NotebookProgram([
      { cell: 0, source: 'a = 1' },
      { cell: 2, source: 'b = 2\n' },
      { cell: 3, source: '' },
    ]);
    assert.equal(p.text, 'a = 1\nb = 2\n\n\n');
    assert.deepEqual(p.toCell(6, 7), { cell: 2, start: 0, end: 1 });
    assert.deepEqual(p.toCell(4, 6), { cell: 0, start: 4, end: 5 });
    assert.equal(p.toProgram(2, 4), 10);
    assert.equal(p.toProgram(1, 0), undefined);
  });

  it("a count printed in one Jupyter cell and written in a later one is that cell's output (PSA101 only where one cell does both)", async () => {
    const parser = await loadParser();
    const a = analyseCellsOnce(
      parser,
      cells(
        'customers = spark.read.option("header", "true").csv("s3://crm/raw/customers.csv")\nprint(f"customers: {customers.count()}")\ncustomers.show(5)',
        'customers.createOrReplaceTempView("customers")',
        'orders = spark.read.json("s3://crm/raw/orders/")\norders.write.mode("overwrite").parquet("s3://crm/curated/orders/")\nprint(f"orders: {orders.count()}")',
      ),
      'walkthrough.ipynb',
    );
    assert.deepEqual(
      a.findings.filter((f) => f.code === 'PSA101').map((f) => f.cell),
      [2],
    );
  });

  it('a stream read in one cell and its aggregation in another are one pipeline (PSA201 in the aggregation cell)', async () => {
    const parser = await loadParser();
    const a = analyseCellsOnce(
      parser,
      cells(
        'from pyspark.sql import SparkSession, functions as F\nspark = SparkSession.builder.getOrCreate()',
        'events = spark.readStream.format("kafka").option("subscribe", "events").load()',
        '%sql\nSELECT 1',
        'per_key = events.groupBy("key").agg(F.count("*"))\nper_key.writeStream.format("delta").option("checkpointLocation", "/chk/k").toTable("gold.k")',
      ),
      undefined,
    );
    const psa201 = a.findings.filter((f) => f.code === 'PSA201');
    assert.equal(psa201.length, 1);
    assert.equal(psa201[0].cell, 3);
    const src = 'per_key = events.groupBy("key").agg(F.count("*"))';
    assert.ok(psa201[0].start >= 0 && psa201[0].end <= src.length, `${psa201[0].start}-${psa201[0].end}`);
    // Each cell alone knows nothing of the stream.
    const alone = analyseCellsOnce(
      parser,
      cells('per_key = events.groupBy("key").agg(F.count("*"))\nper_key.writeStream.format("delta").option("checkpointLocation", "/chk/k").toTable("gold.k")'),
      undefined,
    );
    assert.deepEqual(
      alone.findings.filter((f) => f.code === 'PSA201'),
      [],
    );
  });

  it('noqa in a cell suppresses a finding of that cell', async () => {
    const parser = await loadParser();
    const src = ['events = spark.readStream.format("rate").load()', 'events.groupBy("value").count().writeStream.format("console").start()'];
    const before = analyseCellsOnce(parser, cells(...src), undefined);
    assert.ok(before.findings.some((f) => f.code === 'PSA201'));
    const after = analyseCellsOnce(parser, cells(src[0], `${src[1]}  # noqa: PSA201`), undefined);
    assert.ok(!after.findings.some((f) => f.code === 'PSA201'));
  });

  it('fix-all edits only the cells that need it and the finding is gone', async () => {
    const parser = await loadParser();
    const nb = cells(
      '%pip install pyspark',
      'df = spark.read.parquet("/data/events")',
      'q = df.writeStream.trigger(once=True).format("delta").option("checkpointLocation", "/chk").start("/out")',
    );
    const before = analyseCellsOnce(parser, nb, undefined);
    const f = before.findings.find((x) => x.code === 'PSA207');
    assert.ok(f, JSON.stringify(before.findings.map((x) => x.code)));
    assert.equal(f.cell, 2);
    const fixed = applyCellFix(nb, f.fixes[0]);
    assert.equal(fixed[0], nb[0]);
    assert.match(fixed[2].source, /availableNow=True/);
    // availableNow is unsafe (several batches instead of one): bulk fixing applies it only when asked.
    assert.deepEqual(fixAllCells(parser, nb, undefined).applied, []);
    const all = fixAllCells(parser, nb, undefined, { unsafe: true });
    assert.deepEqual([...all.sources.keys()], [2]);
    assert.deepEqual(
      all.applied.map((x) => x.code),
      ['PSA207'],
    );
    const again = analyseCellsOnce(
      parser,
      nb.map((c) => ({ ...c, source: all.sources.get(c.cell) ?? c.source })),
      undefined,
    );
    assert.ok(!again.findings.some((x) => x.code === 'PSA207'));
  });

  it('a fix that would edit a magic is not offered', () => {
    const p = new NotebookProgram([{ cell: 0, source: '%pip install x\ndf = 1' }]);
    const mapped = p.mapFinding({
      code: 'PSA999',
      name: 'n',
      message: 'm',
      severity: 'warning',
      start: 15,
      end: 17,
      related: [],
      fixes: [{ title: 't', edits: [{ start: 0, end: 4, newText: 'y' }], applicability: 'safe' }],
    });
    assert.ok(mapped);
    assert.deepEqual(mapped.fixes, []);
  });
});

describe('notebooks: platform globals', () => {
  it('sqlContext is a session in a notebook and unknown in a plain module', async () => {
    const parser = await loadParser();
    const code = 'events = sqlContext.readStream.format("rate").load()\nevents.groupBy("value").count().writeStream.format("console").start()\n';
    const inNotebook = analyseCellsOnce(parser, cells(code), undefined);
    assert.ok(inNotebook.findings.some((f) => f.code === 'PSA201'));
    const plain = await check(code);
    assert.deepEqual(plain.of('PSA201'), []);
    const databricks = await check('# Databricks notebook source\n' + code);
    assert.equal(databricks.of('PSA201').length, 1);
  });

  it('spark needs no builder in a notebook, and a session made in an earlier cell is seen later', async () => {
    const parser = await loadParser();
    // PSA103 is strict (opt-in): these tests turn strict rules on.
    const strict = { settings: { ...defaultSettings(), 'rules.strict': true } };
    const implicit = analyseCellsOnce(parser, cells('rows = spark.read.parquet("/data/huge").collect()'), undefined, strict);
    assert.ok(
      implicit.findings.some((f) => f.code === 'PSA103'),
      JSON.stringify(implicit.findings.map((f) => f.code)),
    );
    const made = analyseCellsOnce(
      parser,
      cells('from pyspark.sql import SparkSession\nss = SparkSession.builder.getOrCreate()', 'rows = ss.read.parquet("/data/huge").collect()'),
      undefined,
      strict,
    );
    assert.ok(made.findings.some((f) => f.code === 'PSA103' && f.cell === 1));
  });

  it('PySpark counts as imported in a notebook that uses the session: F is the functions module', async () => {
    const parser = await loadParser();
    const code = ['events = spark', 'recent = (F.col("ts") > F.current_date()) and (F.col("kind") == "click")'];
    const nb = analyseCellsOnce(parser, cells(...code), undefined);
    assert.deepEqual(
      nb.findings.map((f) => [f.code, f.cell]),
      [['PSA703', 1]],
    );
    const plain = await check(code.join('\n') + '\n');
    assert.deepEqual(plain.of('PSA703'), [], 'a plain module has not imported PySpark');
  });

  it('a pandas notebook is not Spark code even when it mentions delta', async () => {
    const parser = await loadParser();
    const a = analyseCellsOnce(
      parser,
      cells('import pandas as pd\ndelta = 0.5\ndf = pd.read_csv("x.csv")', 'big = df[(df.a > delta) and (df.b < 2)]'),
      undefined,
    );
    assert.deepEqual(a.findings, []);
  });

  it('an undefined name that is not a platform global stays unknown', async () => {
    const parser = await loadParser();
    const a = analyseCellsOnce(parser, cells('rows = session.read.parquet("/data/huge").collect()'), undefined, {
      settings: { ...defaultSettings(), 'rules.strict': true },
    });
    assert.deepEqual(
      a.findings.filter((f) => f.code === 'PSA103'),
      [],
    );
  });
});

describe('notebooks: .ipynb files', () => {
  it('reads code cells (string or list sources), skips markdown, and rejects broken JSON clearly', () => {
    const text = ipynb([{ type: 'markdown', source: '# Title' }, { source: 'a = 1\nb = 2' }]);
    const nb = parseIpynb(text);
    assert.deepEqual(
      nb.codeCells.map((c) => [c.index, c.source]),
      [[1, 'a = 1\nb = 2']],
    );
    const asString = JSON.stringify({
      cells: [{ cell_type: 'code', source: 'x = 1\n', outputs: [], metadata: {} }],
      metadata: {},
      nbformat: 4,
      nbformat_minor: 2,
    });
    assert.equal(parseIpynb(asString).codeCells[0].source, 'x = 1\n');
    assert.throws(
      () => parseIpynb(text.slice(0, -20)),
      (e: Error) => e instanceof NotebookError && /not a valid notebook/.test(e.message),
    );
    assert.throws(() => parseIpynb('{"worksheets": [{}]}'), NotebookError);
    assert.throws(() => parseIpynb('{"cells": [], "nbformat": 2}'), /nbformat 2 is not supported/);
  });

  // IPython 1-2's format, still in older course repositories: worksheets of cells, code in `input`.
  const v3 = JSON.stringify(
    {
      metadata: { name: '' },
      nbformat: 3,
      nbformat_minor: 0,
      worksheets: [
        {
          cells: [
            { cell_type: 'heading', level: 1, metadata: {}, source: ['Counting words'] },
            {
              cell_type: 'code',
              collapsed: false,
              input: ['lines = sc.textFile("s3://lake/raw/books")\n', 'print(lines.count())'],
              language: 'python',
              metadata: {},
              outputs: [],
            },
            { cell_type: 'markdown', metadata: {}, source: ['Now the pairs.'] },
          ],
          metadata: {},
        },
        {
          cells: [
            { cell_type: 'code', collapsed: false, input: 'words = lines.flatMap(lambda l: l.split())\n', language: 'python', metadata: {}, outputs: [] },
            { cell_type: 'code', input: ['val x = 1'], language: 'scala', metadata: {}, outputs: [] },
          ],
          metadata: {},
        },
      ],
    },
    null,
    1,
  );

  it('reads nbformat 3: the code cells of every worksheet, numbered across them, from `input`; other languages skipped', () => {
    const nb = parseIpynb(v3);
    assert.deepEqual(
      nb.codeCells.map((c) => [c.index, c.source]),
      [
        [1, 'lines = sc.textFile("s3://lake/raw/books")\nprint(lines.count())'],
        [3, 'words = lines.flatMap(lambda l: l.split())\n'],
      ],
    );
    // Written back into `input`, in the file's style (a list stays a list, a string a string), the rest byte for byte.
    const out = withCellSources(
      nb,
      new Map([
        [1, 'lines = sc.textFile("s3://lake/raw/books")\nn = lines.count()\n'],
        [3, 'words = lines.flatMap(str.split)\n'],
      ]),
    );
    const json = JSON.parse(out);
    assert.deepEqual(json.worksheets[0].cells[1].input, ['lines = sc.textFile("s3://lake/raw/books")\n', 'n = lines.count()\n']);
    assert.equal(json.worksheets[1].cells[0].input, 'words = lines.flatMap(str.split)\n');
    assert.deepEqual(json.worksheets[0].cells[0], JSON.parse(v3).worksheets[0].cells[0]);
    assert.equal(parseIpynb(out).codeCells.length, 2);
    // Positions in the file point into the `input` strings.
    const at = fileOffset(nb, 3, 'words = '.length);
    assert.equal(v3.slice(at!, at! + 'lines.flatMap'.length), 'lines.flatMap');
  });

  it("writes changed sources back in the file's style and leaves everything else byte for byte", () => {
    const text = ipynb([
      { type: 'markdown', source: '# Ünïcode title' },
      { source: 'a = 1\nb = 2', outputs: [{ output_type: 'stream', name: 'stdout', text: ['1.0\n'] }] },
      { source: '' },
      { source: 'c = 3' },
    ]);
    const nb = parseIpynb(text);
    const out = withCellSources(
      nb,
      new Map([
        [1, 'a = 10\nb = 2\nc = "q\\"uote"'],
        [2, 'x = 1\n'],
      ]),
    );
    const parsed = JSON.parse(out);
    assert.equal(parsed.cells[1].source.join(''), 'a = 10\nb = 2\nc = "q\\"uote"');
    assert.deepEqual(parsed.cells[1].source, ['a = 10\n', 'b = 2\n', 'c = "q\\"uote"']);
    assert.deepEqual(parsed.cells[2].source, ['x = 1\n']);
    assert.equal(out, JSON.stringify(parsed, null, 1) + '\n', 'same formatting as Jupyter');
    assert.ok(out.includes('"text": [\n      "1.0\\n"\n     ]'), 'outputs untouched');
    assert.equal(withCellSources(nb, new Map()), text);
  });

  it('maps a cell position into the file (for SARIF)', () => {
    const text = ipynb([{ type: 'markdown', source: 'x' }, { source: 'a = 1\nb = "é\\t"' }]);
    const nb = parseIpynb(text);
    const cellSource = nb.codeCells[0].source;
    const at = fileOffset(nb, 1, cellSource.indexOf('"é'))!;
    assert.equal(text.slice(at, at + 3), '\\"é');
  });
});

describe('notebooks: Databricks sources and %run', () => {
  let dir: string;
  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'psa-run-'));
  });
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('splits a Databricks source into cells that give the file back at the same offsets', () => {
    const text = '# Databricks notebook source\r\na = 1\r\n\r\n# COMMAND ----------\r\n\r\nb = 2\n\n# COMMAND ----------\n# MAGIC %run ./config\n';
    const p = new NotebookProgram(databricksCells(text));
    assert.equal(p.text, text + '\n');
  });

  it("%run pulls the other notebook's session and functions in; findings stay in this notebook", async () => {
    fs.writeFileSync(
      path.join(dir, 'config.py'),
      py`
      # Databricks notebook source
      from pyspark.sql import SparkSession
      session = SparkSession.builder.getOrCreate()
      rows = session.read.parquet("/data/x").collect()

      # COMMAND ----------

      def read_events():
          return session.readStream.format("kafka").option("subscribe", "e").load()
    `,
    );
    const main = py`
      # Databricks notebook source
      # MAGIC %run ./config

      # COMMAND ----------

      events = read_events()
      events.groupBy("key").count().writeStream.format("console").start()
    `;
    const file = path.join(dir, 'main.py');
    const parser = await loadParser();
    const a = analyseCellsOnce(parser, databricksCells(main), file);
    assert.deepEqual(a.included, [path.join(dir, 'config.py')]);
    assert.deepEqual(
      a.findings.map((f) => f.code),
      ['PSA201'],
      'PSA103 is in config.py, not here',
    );
    const own = new NotebookProgram(databricksCells(main));
    const f = a.findings[0];
    assert.equal(main.slice(own.toProgram(f.cell, f.start)!, own.toProgram(f.cell, f.end)), 'groupBy("key")');
    const withoutRun = analyseCellsOnce(parser, databricksCells(main.replace('# MAGIC %run ./config', '')), file);
    assert.deepEqual(
      withoutRun.findings.map((x) => x.code),
      [],
    );
  });

  it('reads the %run target as written, after IPython options and quotes', () => {
    assert.equal(runTarget('%run ./config'), './config');
    assert.equal(runTarget('%run -i "../shared/set up.py" arg'), '../shared/set up.py');
    assert.equal(runTarget('# MAGIC %run ../common/utils'), '../common/utils');
    assert.equal(runTarget('%pip install x'), undefined);
  });

  it('cycles and missing targets end: each notebook once, missing ones listed', () => {
    fs.writeFileSync(path.join(dir, 'a.ipynb'), ipynb([{ source: '%run ./b\nA = 1' }]));
    fs.writeFileSync(path.join(dir, 'b.py'), '# Databricks notebook source\n# MAGIC %run ./a\nB = 2\n');
    const r = expandRuns([{ cell: 0, source: '%run ./a.ipynb\n%run ./nowhere' }], path.join(dir, 'main.ipynb'));
    assert.deepEqual(
      r.included.map((f) => path.basename(f)),
      ['a.ipynb', 'b.py'],
    );
    assert.deepEqual(r.missing, ['./nowhere']);
    assert.deepEqual(
      r.cells.map((c) => (c.includedFrom ? path.basename(c.includedFrom) : 'own')),
      ['b.py', 'a.ipynb', 'own'],
    );
    const self = expandRuns([{ cell: 0, source: '%run ./main' }], path.join(dir, 'main.ipynb'), (f) =>
      f.endsWith('main.ipynb') ? ipynb([{ source: '%run ./main' }]) : undefined,
    );
    assert.deepEqual(self.included, []);
  });
});
