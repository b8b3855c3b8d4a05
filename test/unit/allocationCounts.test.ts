import * as assert from 'node:assert/strict';
import { callParts, literalString, stringParts } from '../../server/src/parsing/syntax';
import { dropCopy, syntaxTreeOf } from '../../server/src/parsing/syntaxTree';
import { SparkFunctions } from '../../server/src/spark/functions';
import { loadParser } from './helpers';

// What the model and the rules allocate per string literal and per call, counted (the collector's
// work was a quarter of an analysis's CPU time): no timing, the objects themselves.
describe('allocation-light readers of strings and calls', () => {
  it("reads a string's pieces from the copy's arrays: node objects only for f-string interpolations", async () => {
    const lines = [
      'a = "plain"',
      'b = "tab\\tand\\nnewline"',
      "c = r'raw\\n'",
      'd = Rb"raw bytes\\t"',
      'e = """triple\nquoted"""',
      'f = f"x={x} and {y!r:>4}"',
      'g = ""',
    ];
    const text = lines.join('\n') + '\n';
    const parser = await loadParser();
    const tree = parser.parse(text);
    try {
      const copy = syntaxTreeOf(tree, text);
      const strings = copy.root.descendantsOfType('string');
      assert.equal(strings.length, lines.length);
      const before = copy.nodesMade;
      const values = strings.slice(0, 5).map((s) => literalString(s));
      assert.deepEqual(values, ['plain', 'tab\tand\nnewline', 'raw\\n', 'raw bytes\\t', 'triple\nquoted']);
      // Reading each piece as a node made three objects per string (start, content, end) and an array.
      assert.equal(copy.nodesMade - before, 0);
      const fParts = stringParts(strings[5]);
      assert.equal(fParts.length, 4);
      assert.deepEqual(
        fParts.map((p) => (typeof p === 'string' ? p : p.type)),
        ['x=', 'interpolation', ' and ', 'interpolation'],
      );
      assert.equal(copy.nodesMade - before, 2, 'one node per interpolation, none for the pieces around them');
      assert.equal(literalString(strings[5]), undefined);
      assert.equal(literalString(strings[6]), '');
    } finally {
      dropCopy(tree);
      tree.delete();
    }
  });

  it('gives a call without keywords or comments its argument list as it is, and one shared empty keyword map', async () => {
    const text = [
      'df.select("a", F.col("b"))',
      'spark.table("t")',
      'df.show()',
      'df.write.saveAsTable("o", mode="overwrite")',
      'df.select(',
      '    "a",  # the key',
      '    "b",',
      ')',
      '',
    ].join('\n');
    const parser = await loadParser();
    const tree = parser.parse(text);
    try {
      const calls = syntaxTreeOf(tree, text)
        .root.descendantsOfType('call')
        .filter((c) => c.parent?.type === 'expression_statement');
      const [select, table, show, save, commented] = calls.map((c) => callParts(c)!);
      // The same array the node keeps for its named children: no copy of it per call.
      assert.equal(select.args, select.argumentList!.namedChildren);
      assert.equal(table.args, table.argumentList!.namedChildren);
      assert.deepEqual(
        select.args.map((a) => a.text),
        ['"a"', 'F.col("b")'],
      );
      assert.equal(show.args.length, 0);
      // One empty map for every call that names no argument (a Map each before).
      assert.equal(select.keywords, table.keywords);
      assert.equal(select.keywords, show.keywords);
      assert.equal(select.keywords.size, 0);
      // A keyword or a comment among the arguments: the arguments are picked out as before.
      assert.deepEqual(
        save.args.map((a) => a.text),
        ['"o"'],
      );
      assert.equal(save.keywords.get('mode')?.text, '"overwrite"');
      assert.notEqual(save.args, save.argumentList!.namedChildren);
      assert.deepEqual(
        commented.args.map((a) => a.text),
        ['"a"', '"b"'],
      );
      assert.equal(commented.keywords, select.keywords);
    } finally {
      dropCopy(tree);
      tree.delete();
    }
  });

  it("judges an expression's masking and first column read without node objects for what is not a call, a subscript or parentheses", async () => {
    const text = ['out = df.withColumn("k", F.concat(F.lit("a"), F.upper(F.trim(F.lit("b"))), (df["x"] + 1)))', ''].join('\n');
    const parser = await loadParser();
    const tree = parser.parse(text);
    try {
      const copy = syntaxTreeOf(tree, text);
      const fns = new SparkFunctions(
        { functionsAliases: new Set(['F']), functionNames: new Set(), functionsStar: false, sqlNames: new Set(), usesPySpark: true, statements: [] },
        () => false,
      );
      const withColumn = copy.root.descendantsOfType('call')[0];
      const expr = callParts(withColumn)!.args[1];
      // What the judgement itself reads: each call's parts and name, each subscript's index.
      for (const c of expr.descendantsOfType('call')) fns.nameOf(c);
      for (const s of expr.descendantsOfType('subscript')) fns.columnRef(s);
      const before = copy.nodesMade;
      assert.equal(fns.isMasking(expr), false);
      assert.equal(fns.firstColumnRead(expr), 'x');
      // Walking the subtree through `namedChildren` made every named node under it (the strings' start,
      // content and end, the integer...); now only the node inside the parentheses, which `columnRef` unwraps.
      assert.equal(copy.nodesMade - before, 1, 'the binary operator inside the parentheses');
    } finally {
      dropCopy(tree);
      tree.delete();
    }
  });
});
