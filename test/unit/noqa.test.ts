import * as assert from 'node:assert/strict';
import { applyEdits } from '../../server/src/findings';
import { LineIndex } from '../../server/src/lineIndex';
import { NoqaIndex, noqaFix, parseNoqaComment } from '../../server/src/noqa';
import { syntaxRoot } from '../../server/src/parsing/syntaxTree';
import { check, loadParser, py, syntaxErrors, type Analysed } from './helpers';

const HEADER = py`
  from pyspark.sql import SparkSession

  spark = SparkSession.builder.appName("daily").getOrCreate()
  orders = spark.read.parquet("s3://lake/orders")
`;

const CHAIN = py`
  (
      orders.where("amount > 0")
      .coalesce(1)
      .write.mode("overwrite")
      .parquet("s3://lake/orders_clean")
  )
`;

const BACKSLASH = py`
  orders.where("amount > 0") \\
      .coalesce(1) \\
      .write.mode("overwrite").parquet("s3://lake/orders_clean")
`;

const LONG_STRING = py`
  orders.coalesce(1).write.option("comment", """
  nightly export for finance
  """).parquet("s3://lake/export")
`;

/** Puts `comment` at the end of line `line` (0-based) of `body`. */
function withComment(body: string, line: number, comment: string): string {
  const lines = body.split('\n');
  lines[line] += `  ${comment}`;
  return lines.join('\n');
}

async function codes(body: string): Promise<string[]> {
  const r = await check(`${HEADER}\n${body}\n`);
  return r.findings.map((f) => f.code);
}

describe('noqa', () => {
  describe('any line of the statement holding the finding', () => {
    it('is flagged without a comment (the fixtures hold a finding)', async () => {
      assert.deepEqual(await codes(CHAIN), ['PSA301']);
      assert.deepEqual(await codes(BACKSLASH), ['PSA301']);
      assert.deepEqual(await codes(LONG_STRING), ['PSA301']);
    });

    for (let line = 0; line < 6; line++) {
      it(`parenthesised chain: # noqa on line ${line + 1} of 6`, async () => {
        assert.deepEqual(await codes(withComment(CHAIN, line, '# noqa: PSA301')), []);
      });
    }

    it('backslash continuation: # noqa on the last line (a comment cannot follow a backslash)', async () => {
      assert.deepEqual(await codes(withComment(BACKSLASH, 2, '# noqa: PSA301')), []);
    });

    it('multi-line string: # noqa after the closing quotes silences a finding on the first line', async () => {
      assert.deepEqual(await codes(withComment(LONG_STRING, 2, '# noqa: PSA301')), []);
    });

    it('"# noqa" written inside the string is text, not a comment', async () => {
      const body = LONG_STRING.replace('nightly export for finance', 'nightly export  # noqa: PSA301');
      assert.deepEqual(await codes(body), ['PSA301']);
    });

    it('a noqa on the next statement or on a neighbouring line does not silence this one', async () => {
      assert.deepEqual(await codes(`${CHAIN}\nprint("done")  # noqa: PSA301`), ['PSA301']);
      assert.deepEqual(await codes(`# noqa: PSA301\n${CHAIN}`), ['PSA301']);
    });

    it('compound statement: the header is its own logical line, the body is not part of it', async () => {
      const loop = py`
        for row in orders.collect():
            print(row)
      `;
      assert.deepEqual(await codes(loop), ['PSA103']);
      assert.deepEqual(await codes(withComment(loop, 0, '# noqa: PSA103')), []);
      assert.deepEqual(await codes(withComment(loop, 1, '# noqa: PSA103')), ['PSA103']);
      const multiLineHeader = py`
        for row in orders.where(
            "amount > 0"
        ).collect():
            print(row)
      `;
      assert.deepEqual(await codes(withComment(multiLineHeader, 2, '# noqa: PSA103')), []);
      assert.deepEqual(await codes(withComment(multiLineHeader, 3, '# noqa: PSA103')), ['PSA103']);
    });
  });

  describe('whose directive it is', () => {
    const line = 'spark.conf.set("spark.executor.memory", "8g")';
    const silences = [
      '# noqa',
      '# NOQA',
      '#noqa',
      '# noqa  # keep: set before the session in prod',
      '# noqa because the cluster is ours',
      '# noqa: PSA501',
      '# noqa:PSA501',
      '# noqa : PSA501',
      '# noqa: E501, PSA501',
      '# noqa: E501 PSA501',
      '# noqa: E501,PSA501 set before the session in prod',
      '# type: ignore  # noqa: PSA501',
      '# noqa: pap: D001  # noqa: PSA501',
    ];
    const ignored = [
      '# noqa: pap: D001',
      '# noqa: catalystops',
      '# noqa: E501',
      '# noqa: PSA502',
      '# noqa: PSA5',
      '# noqa: psa501',
      '# noqa: PSA501x',
      '#noqaPSA501',
      '# noqa; PSA501',
      '# not noqa-able',
    ];
    for (const c of silences) {
      it(`${c} silences PSA501`, async () => {
        assert.deepEqual(await codes(`${line}  ${c}`), []);
      });
    }
    for (const c of ignored) {
      it(`${c} does not silence PSA501`, async () => {
        assert.deepEqual(await codes(`${line}  ${c}`), ['PSA501']);
      });
    }

    it('parses directives as Ruff does', () => {
      assert.deepEqual(parseNoqaComment('# noqa'), [{ all: true }]);
      assert.deepEqual(parseNoqaComment('# noqa: E501, PSA501 why'), [{ all: false, codes: ['E501', 'PSA501'], codesEnd: 20 }]);
      assert.deepEqual(parseNoqaComment('# noqa: PSA501PSA502'), [{ all: false, codes: ['PSA501', 'PSA502'], codesEnd: 20 }]);
      assert.deepEqual(parseNoqaComment('# noqa: catalystops'), []);
      assert.deepEqual(parseNoqaComment('# fine'), []);
    });
  });

  describe('the Suppress fix', () => {
    async function applySuppress(body: string): Promise<{ r: Analysed; fixed: string }> {
      const text = `${HEADER}\n${body}\n`;
      const r = await check(text);
      assert.equal(r.findings.length, 1, `one finding expected in:\n${text}`);
      const parser = await loadParser();
      const tree = parser.parse(text);
      try {
        const fix = noqaFix(syntaxRoot(tree, text), text, r.findings[0], r.lines);
        assert.ok(fix, 'a Suppress fix is offered');
        assert.equal(fix.title, `Suppress ${r.findings[0].code} with # noqa`);
        return { r, fixed: applyEdits(text, fix.edits) };
      } finally {
        tree.delete();
      }
    }

    async function assertSuppressed(body: string, expectedLine: RegExp): Promise<string> {
      const { fixed } = await applySuppress(body);
      assert.equal(await syntaxErrors(fixed), 0, `the fix keeps valid Python:\n${fixed}`);
      assert.deepEqual((await check(fixed)).findings, [], `the finding is gone:\n${fixed}`);
      assert.match(fixed, expectedLine);
      return fixed;
    }

    it('goes after the closing bracket of a parenthesised chain', async () => {
      await assertSuppressed(CHAIN, /^\) {2}# noqa: PSA301$/m);
    });

    it('goes on the last line of a backslash continuation, never after a backslash', async () => {
      const fixed = await assertSuppressed(BACKSLASH, /\.parquet\("s3:\/\/lake\/orders_clean"\) {2}# noqa: PSA301$/m);
      assert.doesNotMatch(fixed, /\\\s*#/);
    });

    it('goes after the closing quotes of a multi-line string, not inside it', async () => {
      const fixed = await assertSuppressed(LONG_STRING, /^"""\)\.parquet\("s3:\/\/lake\/export"\) {2}# noqa: PSA301$/m);
      assert.match(fixed, /"comment", """\n/);
    });

    it('goes at the end of a compound statement header', async () => {
      await assertSuppressed('for row in orders.where(\n    "amount > 0"\n).collect():\n    print(row)', /^\)\.collect\(\): {2}# noqa: PSA103$/m);
    });

    it("joins another tool's noqa list on that line", async () => {
      await assertSuppressed('spark.conf.set("spark.executor.memory", "8g")  # noqa: E501', /# noqa: E501, PSA501$/m);
    });

    it('goes after a plain comment already on the line', async () => {
      await assertSuppressed('spark.conf.set("spark.executor.memory", "8g")  # sized for the nightly run', /# sized for the nightly run {2}# noqa: PSA501$/m);
    });

    it("goes after another tool's directive that is not ours", async () => {
      await assertSuppressed('spark.conf.set("spark.executor.memory", "8g")  # noqa: catalystops', /# noqa: catalystops {2}# noqa: PSA501$/m);
    });
  });
});

describe('NoqaIndex on a file with a # noqa on every line', () => {
  it('reads the comment nodes once instead of looking each directive up from the root (linear, not quadratic)', async () => {
    const body = Array.from({ length: 400 }, (_, i) => `n${i} = orders.count()  # noqa: PSA101`).join('\n');
    const text = `${HEADER}\n${body}\n"# noqa inside a string is not a directive"\n`;
    const parser = await loadParser();
    const tree = parser.parse(text);
    try {
      const root = syntaxRoot(tree, text);
      // Every lookup from the root scans the module's statements: counted, it is the quadratic part.
      let lookups = 0;
      let walks = 0;
      const counted = new Proxy(root, {
        get(target, key, receiver) {
          if (key === 'descendantForIndex') lookups++;
          if (key === 'descendantsOfType') walks++;
          const value = Reflect.get(target, key, receiver);
          return typeof value === 'function' ? value.bind(target) : value;
        },
      });
      const index = new NoqaIndex(counted, text, new LineIndex(text));
      assert.equal(lookups, 0);
      assert.equal(walks, 1);
      const lines = new LineIndex(text);
      const first = text.indexOf('n0 = ');
      const last = text.indexOf('n399 = ');
      assert.ok(index.suppresses('PSA101', first, first + 5));
      assert.ok(index.suppresses('PSA101', last, last + 5));
      assert.ok(!index.suppresses('PSA102', last, last + 5));
      const inString = text.indexOf('"# noqa inside');
      assert.ok(!index.suppresses('PSA101', inString, inString + 3), `line ${lines.positionAt(inString).line} has no directive`);
    } finally {
      tree.delete();
    }
  });
});
