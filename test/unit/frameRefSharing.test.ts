import * as assert from 'node:assert/strict';
import type { PythonParser } from '../../server/src/parsing/pythonParser';
import { analyze, type AnalysisOptions } from '../../server/src/analysis';
import { DocumentStore } from '../../server/src/lsp/documentStore';
import type { DataFrameModel } from '../../server/src/model/types';
import { defaultSettings } from '../../shared/settings';
import { outcome, type TextChange } from './analysisOutcome';
import { loadParser, py } from './helpers';
import { GENERATOR, type Generator } from './statementEdits';

// A model's frame names (`frameRefs`) are shared with the model it resumed from and with the journals it
// replayed, and replaced by a new object when the build gives one another frame (`withFrame` in buildModel.ts): an
// older model may still answer a hover, and a journal is replayed again by later models, so neither may
// see a frame added after it. Each step below: the incremental analysis equals a fresh one, the models
// before it hold their frame names as they were, and most names are shared (so the copies on every resume and replay did not come back).

/** A helper two statements call: the second call gives the helper's names a second frame. */
const CALLED_TWICE = py`
  from pyspark.sql import SparkSession
  from pyspark.sql import functions as F

  spark = SparkSession.builder.getOrCreate()


  def clean(df):
      out = df.filter(F.col("x") > 0)
      return out


  a = clean(spark.table("a"))
  a.write.saveAsTable("a_clean")
`;

/** Two functions nobody calls, each calling the helper: the second one's analysis gives the first one's names another frame. */
const PENDING = py`
  from pyspark.sql import SparkSession
  from pyspark.sql import functions as F

  spark = SparkSession.builder.getOrCreate()


  def helper(df):
      h = df.limit(1)
      return h


  def p1():
      return helper(spark.table("p1"))


  def p2():
      return helper(spark.table("p2"))


  def later():
      z = spark.table("later")
      z.count()
`;

/** What a model's frame names hold: start, end, frame id and other frames' ids, in the Map's order. */
const names = (m: DataFrameModel) => JSON.stringify([...m.frameRefs].map(([k, r]) => [k, r.start, r.end, r.frame.id, (r.others ?? []).map((f) => f.id)]));

/** Frame names of `after` that are the same objects as `before`'s at the same key. */
const shared = (before: DataFrameModel, after: DataFrameModel) => [...after.frameRefs].filter(([k, r]) => before.frameRefs.get(k) === r).length;

describe('frame names shared between models until written', function () {
  this.timeout(120_000);
  let parser: PythonParser;
  before(async () => {
    parser = await loadParser();
  });

  /** The text's models after each change in turn (the first: the original's), each compared with a fresh analysis, and every earlier model's names checked unchanged after each later build. */
  function models(name: string, text: string, changes: ((now: string) => TextChange)[], block: Pick<AnalysisOptions, 'frameIdBlock'> = {}): DataFrameModel[] {
    const store = new DocumentStore(parser, () => false);
    const uri = `file:///${name}`;
    const options: AnalysisOptions = { settings: defaultSettings(), path: name, ...block };
    store.open(uri, 'python', 1, text);
    try {
      const built = [analyze(store.get(uri)!.tree!, text, options).model!];
      const kept = [names(built[0])];
      changes.forEach((change, k) => {
        const doc = store.get(uri)!.document;
        const c = change(doc.getText());
        store.change(uri, k + 2, [{ range: { start: doc.positionAt(c.start), end: doc.positionAt(c.end) }, text: c.text }]);
        const now = store.get(uri)!;
        const incremental = analyze(now.tree!, now.document.getText(), { ...options, previousModel: built[built.length - 1] });
        const fresh = analyze(now.tree!, now.document.getText(), options);
        assert.deepEqual(outcome(name, incremental), outcome(name, fresh), `step ${k}`);
        built.forEach((m, i) => assert.equal(names(m), kept[i], `model ${i} after step ${k}`));
        built.push(incremental.model!);
        kept.push(names(incremental.model!));
      });
      return built;
    } finally {
      store.dispose();
    }
  }

  it('gives a name of the resumed prefix another frame in a copy, the older model keeping its own', () => {
    const [before, after, again] = models('called_twice.py', CALLED_TWICE, [
      (t) => ({ start: t.length, end: t.length, text: 'b = clean(spark.table("b"))\n' }),
      (t) => ({ start: t.indexOf('b = clean'), end: t.length, text: '' }),
    ]);
    const out = CALLED_TWICE.indexOf('out = ');
    // The statement appended calls `clean` again: `out` stands for two frames in the new model, one in the model before it.
    assert.equal(before.frameRefs.get(out)!.others, undefined);
    assert.equal(after.frameRefs.get(out)!.others?.length, 1);
    assert.notEqual(after.frameRefs.get(out), before.frameRefs.get(out));
    // Deleted again: the resume takes the name back to one frame (a copy: the model before keeps two).
    assert.equal(again.frameRefs.get(out)!.others, undefined);
    assert.equal(after.frameRefs.get(out)!.others?.length, 1);
    // The three names in `clean` (`out` twice, `df`) are copies in each model after the first; `a`'s two are the same objects in all three.
    assert.equal(shared(before, after), before.frameRefs.size - 3);
    assert.equal(shared(after, again), again.frameRefs.size - 3);
  });

  it("gives a replayed journal's name another frame in a copy, so that the journal replays as it was again", () => {
    const typeInLater = (n: number) => (t: string) => {
      const at = t.indexOf('z.count()');
      return { start: at, end: at, text: `y${n} = z.limit(${n})\n    ` };
    };
    const built = models('pending.py', PENDING, [typeInLater(1), typeInLater(2), typeInLater(3)]);
    const h = PENDING.indexOf('h = ');
    for (const m of built) assert.equal(m.frameRefs.get(h)!.others?.length, 1, 'p2 gives `h` a second frame');
    // `p1`'s journal made `h` and `p2`'s gave it another frame: each replay of `p2` copies the name, never `p1`'s journal's object.
    for (let i = 1; i < built.length; i++) assert.notEqual(built[i].frameRefs.get(h), built[i - 1].frameRefs.get(h));
  });

  it('shares most names after a keystroke in a generated module, and the model before keeps its own', async () => {
    const gen = (await import(GENERATOR)) as Generator;
    const text = gen.generatePipeline(600, 7);
    const at = (t: string) => t.indexOf('\n', t.indexOf('\ndef ', Math.floor(t.length / 2))) + 1;
    const built = models('generated_pipeline_600.py', text, [
      (t) => ({ start: at(t), end: at(t), text: '    extra = spark.table("extra").limit(3)\n' }),
      (t) => ({ start: at(t) + 4, end: at(t) + 4, text: 'x' }),
      (t) => ({ start: at(t) + 5, end: at(t) + 5, text: 'y' }),
    ]);
    const counts = built.slice(1).map((m, i) => shared(built[i], m));
    console.log(`      frame names shared with the model before: ${counts.map((n, i) => `${n} of ${built[i + 1].frameRefs.size}`).join(', ')}`);
    // The names of the functions replayed unmoved (those before the edit) are the journals', which are the objects
    // the run that recorded them put in its model (27, 36 and 36 of 140 when written; the names the `if __name__`
    // block's calls made and those after the edit are copies, moved).
    counts.forEach((n, i) => assert.ok(n > built[i + 1].frameRefs.size / 6, `step ${i}: ${n} of ${built[i + 1].frameRefs.size}`));
  });
});
