import * as assert from 'node:assert/strict';
import { buildModel } from '../../server/src/model/buildModel';
import { nodesOfType } from '../../server/src/model/syntaxIndex';
import { enclosingScope, sameNode } from '../../server/src/parsing/syntax';
import { assignmentsTo, nodesInScope } from '../../server/src/rules/helpers/scopeIndex';
import { loadParser, py, samplesAndFixtures } from './helpers';

// The per-scope and per-name lists rules read instead of a pass over the file (issue 18) must be
// exactly the filters they replaced: the same nodes, in the same (document) order.

const files = samplesAndFixtures();

const NESTED = py`
  from pyspark.sql import SparkSession
  spark = SparkSession.builder.getOrCreate()
  df = spark.read.parquet("a")
  def outer(df):
      df = df.filter("x > 1")
      helper = lambda d: d.count()
      def inner(d):
          d = d.select("x")
          return d.collect()
      class Holder:
          df = spark.table("t")
      return inner(df)
  df = df.cache()
  x: int
`;

describe('rules/helpers/scopeIndex', () => {
  for (const [name, text] of [['nested scopes', NESTED] as [string, string], ...files]) {
    it(`matches a filter over the whole file: ${name}`, async () => {
      const tree = (await loadParser()).parse(text);
      try {
        const { model } = buildModel(tree, text);
        for (const type of ['call', 'assignment', 'return_statement'] as const) {
          const all = nodesOfType(model, type);
          const scopes = new Map<number, ReturnType<typeof enclosingScope>>();
          for (const n of all) scopes.set(enclosingScope(n).id, enclosingScope(n));
          // A scope with none of these nodes (a function without calls) gets none.
          for (const f of nodesOfType(model, 'function_definition')) if (!scopes.has(f.id)) assert.deepEqual(nodesInScope(model, type, f), []);
          for (const scope of scopes.values()) {
            const want = all.filter((n) => sameNode(enclosingScope(n), scope));
            assert.deepEqual(
              nodesInScope(model, type, scope).map((n) => n.id),
              want.map((n) => n.id),
              `${type} in the scope at ${scope.startIndex}`,
            );
          }
        }
        const assignments = nodesOfType(model, 'assignment');
        const names = new Set(assignments.map((a) => a.childForFieldName('left')?.text ?? ''));
        for (const n of [...names, 'no_such_name']) {
          const want = assignments.filter((a) => {
            const left = a.childForFieldName('left');
            return left?.type === 'identifier' && left.text === n;
          });
          assert.deepEqual(
            assignmentsTo(model, n).map((a) => a.id),
            want.map((a) => a.id),
            n,
          );
        }
      } finally {
        tree.delete();
      }
    });
  }
  it('covers functions, lambdas and class bodies in the nested example', async () => {
    const tree = (await loadParser()).parse(NESTED);
    try {
      const { model } = buildModel(tree, NESTED);
      const inner = nodesOfType(model, 'function_definition').find((f) => f.childForFieldName('name')?.text === 'inner')!;
      assert.deepEqual(
        nodesInScope(model, 'call', inner).map((c) => c.text),
        ['d.select("x")', 'd.collect()'],
      );
      assert.deepEqual(
        nodesInScope(model, 'return_statement', inner).map((r) => r.text),
        ['return d.collect()'],
      );
      // The class body belongs to `outer`'s scope; the lambda's call to the lambda.
      const outer = inner.parent!.parent!;
      assert.ok(nodesInScope(model, 'call', outer).some((c) => c.text === 'spark.table("t")'));
      assert.ok(!nodesInScope(model, 'call', outer).some((c) => c.text === 'd.count()'));
      assert.deepEqual(
        assignmentsTo(model, 'df').map((a) => a.text),
        ['df = spark.read.parquet("a")', 'df = df.filter("x > 1")', 'df = spark.table("t")', 'df = df.cache()'],
      );
    } finally {
      tree.delete();
    }
  });
});
