import * as assert from 'node:assert/strict';
import { buildModel } from '../../server/src/model/buildModel';
import { nodesOfType } from '../../server/src/model/syntaxIndex';
import { callParts } from '../../server/src/parsing/syntax';
import { callsNamed, callsNamedAny, callsWithoutName } from '../../server/src/rules/helpers/callIndex';
import { loadParser, py, samplesAndFixtures } from './helpers';

// Rules read the calls of a few names from one per-model index instead of a pass over every call of
// the file (issue 18). The lists must be exactly the filters they replace (the same nodes, in
// document order), and a rule that tests a callee's text rather than its name must still see every
// call that text test accepts: a callee's text `x.name` or `name` means a call of that name, or one
// without a name, which every such rule also reads.

const files = samplesAndFixtures();

/** Callees of every kind: parenthesized, subscripted, called, spaced and split attributes, a comment inside. */
const CALLEES = py`
  from pyspark.sql import functions as F
  from pyspark.sql.functions import udf
  upper = (F.udf)(lambda s: s.upper())
  lower = (udf)(lambda s: s.lower())
  handlers = {"a": print}
  handlers["a"](1)
  make()(2)
  rdd.map(f).filter(g)
  rdd . map(f)
  (rdd
      .  # a comment
      map(f))
  rdd.\\
      map(f)
  sorted(xs, key=len)
  obj.method(1).other(2).method(3)
  spark.read.format("jdbc").option("url", u).option("user", "x").load()
  spark.read.jdbc(url, "t", properties={"password": pw})
  reader.load(path, format="csv", options={"header": "true"})
  make_source(properties=props, options=opts)
  (F.udf)(g, returnType="string")
  lambda: 0
  @udf("string")
  def shout(s):
      return s.upper()
`;

const IDENTIFIER = /^[A-Za-z_][A-Za-z0-9_]*$/;

describe('rules/helpers/callIndex', () => {
  for (const [name, text] of [['callees of every kind', CALLEES] as [string, string], ...files]) {
    it(`matches a filter over every call: ${name}`, async () => {
      const tree = (await loadParser()).parse(text);
      try {
        const { model } = buildModel(tree, text);
        const calls = nodesOfType(model, 'call');
        const ids = (list: readonly { id: number }[]) => list.map((n) => n.id);
        const names = new Set<string>();
        for (const c of calls) {
          const n = callParts(c)?.name;
          if (n !== undefined) names.add(n);
        }
        for (const n of [...names, 'no_such_name']) {
          assert.deepEqual(ids(callsNamed(model, n)), ids(calls.filter((c) => callParts(c)?.name === n)), `calls named ${n}`);
        }
        assert.deepEqual(ids(callsWithoutName(model)), ids(calls.filter((c) => callParts(c)?.name === undefined)), 'calls without a name');
        // Several names, with and without the unnamed calls: the filter of the whole list, in document order.
        const some = [...names].filter((_, i) => i % 3 === 0).concat(['no_such_name']);
        const inSome = (c: (typeof calls)[number]) => some.includes(callParts(c)?.name ?? '\u0000');
        assert.deepEqual(ids(callsNamedAny(model, some)), ids(calls.filter(inSome)), 'calls named any of several');
        assert.deepEqual(
          ids(callsNamedAny(model, some, true)),
          ids(calls.filter((c) => inSome(c) || callParts(c)?.name === undefined)),
          'calls named any of several, or without a name',
        );
        // What the rules that test a callee's text rely on (PSA105's PYTHON_SIDE_CALLEE, the
        // checkpoint rules' count of a function's calls): a text `name` or `x.name` is a call named
        // `name`, or one without a name.
        for (const c of calls) {
          const callee = c.childForFieldName('function');
          if (!callee) continue;
          const last = /(?:^|\.)([A-Za-z_][A-Za-z0-9_]*)$/.exec(callee.text)?.[1];
          if (last === undefined) continue;
          const found = callsNamed(model, last).some((x) => x.id === c.id) || callsWithoutName(model).some((x) => x.id === c.id);
          assert.ok(found, `${callee.text} at ${c.startIndex}`);
          if (IDENTIFIER.test(callee.text) && callee.type === 'attribute') assert.fail(`an attribute spelled like a name: ${callee.text}`);
        }
        // PSA105 reads the decorated definitions from the per-type lists instead of a search of the tree.
        assert.deepEqual(ids(nodesOfType(model, 'decorated_definition')), ids(model.root.descendantsOfType('decorated_definition')), 'decorated definitions');
        if (name === 'callees of every kind') {
          assert.ok(callsWithoutName(model).length >= 4, 'parenthesized, subscripted and called callees');
          assert.ok(callsNamed(model, 'map').length >= 4, 'spaced and split attributes are named');
        }
      } finally {
        tree.delete();
      }
    });
  }
});
