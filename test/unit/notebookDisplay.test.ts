import * as assert from 'node:assert/strict';
import { buildModel } from '../../server/src/model/buildModel';
import { nodesOfType } from '../../server/src/model/syntaxIndex';
import { callParts } from '../../server/src/parsing/syntax';
import { callsNamed } from '../../server/src/rules/helpers/callIndex';
import { displayedFrameOf, displayIsLocal, notebookDisplays } from '../../server/src/rules/helpers/notebookDisplay';
import { loadParser, py, samplesAndFixtures } from './helpers';

// `displayIsLocal` is kept per model and `notebookDisplays` skips it when no call is named `display`
// (issue 18: PSA201 searched the whole text once per streaming aggregation). Both must answer what
// the search made fresh for each question answered.

const LOCAL_DEF = py`
  def display(df):
      df.show()
  display(spark.read.parquet("/a"))
`;
const LOCAL_IMPORT = py`
  from helpers.ui import show, display
  display(spark.read.parquet("/a"))
`;
const LOCAL_ASSIGNED = py`
  if True:
      display = print
  display(spark.read.parquet("/a"))
`;
const IMPORT_OVER_LINES = py`
  from
  helpers import display
  display(spark.read.parquet("/a"))
`;
const NOTEBOOK = py`
  df = spark.read.parquet("/a")
  display(df)
  display(df.groupBy("k").count())
`;
const NO_DISPLAY_CALL = py`
  from helpers.ui import display
  df = spark.read.parquet("/a")
`;

function searched(text: string, model: ReturnType<typeof buildModel>['model']): boolean {
  return (
    nodesOfType(model, 'function_definition').some((d) => d.childForFieldName('name')?.text === 'display') ||
    /^\s*(from\s+\S+\s+import\s+[^\n]*\bdisplay\b|display\s*=)/m.test(text)
  );
}

describe('rules/helpers/notebookDisplay', () => {
  const cases: [string, string, boolean | undefined][] = [
    ['a def named display', LOCAL_DEF, true],
    ['an imported display', LOCAL_IMPORT, true],
    ['an assigned display', LOCAL_ASSIGNED, true],
    ['an import spread over lines', IMPORT_OVER_LINES, true],
    ["the notebook's display", NOTEBOOK, false],
    ['an imported display never called', NO_DISPLAY_CALL, true],
    ...samplesAndFixtures().map(([n, t]) => [n, t, undefined] as [string, string, undefined]),
  ];
  for (const [name, text, local] of cases) {
    it(`answers as the search made fresh per question: ${name}`, async () => {
      const tree = (await loadParser()).parse(text);
      try {
        const { model } = buildModel(tree, text);
        const expected = searched(text, model);
        if (local !== undefined) assert.equal(expected, local, 'the case is what its name says');
        // Twice: the second answer comes from the memo.
        assert.equal(displayIsLocal(model), expected);
        assert.equal(displayIsLocal(model), expected);
        const want: { call: number; frame: number }[] = [];
        if (!expected)
          for (const call of callsNamed(model, 'display')) {
            const parts = callParts(call);
            if (!parts || parts.object || parts.name !== 'display' || parts.args.length === 0) continue;
            const frame = displayedFrameOf(model, parts.args[0]);
            if (frame) want.push({ call: call.id, frame: frame.id });
          }
        for (let i = 0; i < 2; i++)
          assert.deepEqual(
            notebookDisplays(model).map((d) => ({ call: d.call.id, frame: d.frame.id })),
            want,
          );
        if (name === "the notebook's display") assert.equal(want.length, 2, 'both calls show a frame');
      } finally {
        tree.delete();
      }
    });
  }
});
