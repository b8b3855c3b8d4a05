import * as assert from 'node:assert/strict';
import { analyze, type AnalysisOptions } from '../../server/src/analysis';
import { DocumentStore } from '../../server/src/lsp/documentStore';
import type { PythonParser } from '../../server/src/parsing/pythonParser';
import { outcome } from './analysisOutcome';
import { loadParser, samplesAndFixtures } from './helpers';

// The CLI and the workspace scan analyse each file once: `standalone` tells the model that no later
// model resumes from it, so it takes no checkpoints and journals no statement or function analysis.
// Journals only record what a run does, so the analysis must be the same as with them (findings with
// fixes, graph fragment, model with its frame ids, the interpreter's memo); and a standalone model,
// should one still be handed on as the previous model, must not be resumed from (it kept nothing).

describe('a standalone analysis (no later model resumes from it)', function () {
  this.timeout(120_000);
  let parser: PythonParser;
  before(async () => {
    parser = await loadParser();
  });

  function analyse(text: string, options: Parameters<typeof analyze>[2]) {
    const tree = parser.parse(text);
    try {
      return analyze(tree, text, options);
    } finally {
      tree.delete();
    }
  }

  it('equals the analysis that journals, on every sample and rule fixture', () => {
    let compared = 0;
    for (const [name, text] of samplesAndFixtures()) {
      const path = `/project/jobs/${name}`;
      const journaling = analyse(text, { path });
      const standalone = analyse(text, { path, standalone: true });
      assert.deepEqual(outcome(name, standalone), outcome(name, journaling), name);
      if (journaling.model) compared++;
    }
    // Samples and fixtures are PySpark: most build a model (the comparison is not vacuous).
    assert.ok(compared > 300, `${compared} models compared`);
  });

  it('is not resumed from when handed on as the previous model, and the next analysis still equals a fresh one', () => {
    let resumedFromJournaling = 0;
    // The edited version is parsed incrementally from the first (the document store's way), so that a
    // model that kept its state could resume before the edit: only the standalone one must not.
    const store = new DocumentStore(parser, () => false);
    try {
      for (const [name, text] of samplesAndFixtures()) {
        const path = `/project/jobs/${name}`;
        const last = text.lastIndexOf('\n', text.length - 2);
        if (last <= 0) continue;
        const after = (standalone: boolean) => {
          const uri = `file:///${standalone ? 's' : 'j'}/${name}`;
          store.open(uri, 'python', 1, text);
          const options: AnalysisOptions = { path };
          const first = analyze(store.get(uri)!.tree!, text, { ...options, standalone });
          const doc = store.get(uri)!.document;
          // A statement added before the last line: everything before it could be resumed.
          store.change(uri, 2, [{ range: { start: doc.positionAt(last + 1), end: doc.positionAt(last + 1) }, text: 'NOTE = 1\n' }]);
          const edited = store.get(uri)!;
          const result = analyze(edited.tree!, edited.document.getText(), { ...options, previousModel: first.model });
          const fresh = analyse(edited.document.getText(), options);
          store.close(uri);
          return { result, fresh };
        };
        const s = after(true);
        assert.equal(s.result.resumedStatements ?? 0, 0, name);
        assert.equal(s.result.replayedStatements ?? 0, 0, name);
        assert.equal(s.result.reusedFunctions ?? 0, 0, name);
        assert.deepEqual(outcome(name, s.result), outcome(name, s.fresh), name);
        const j = after(false);
        assert.deepEqual(outcome(name, j.result), outcome(name, j.fresh), name);
        resumedFromJournaling += j.result.resumedStatements ?? 0;
      }
    } finally {
      store.dispose();
    }
    // The same edit does resume from a journaling model: what the assertions above rule out happens otherwise.
    assert.ok(resumedFromJournaling > 1000, `${resumedFromJournaling} statements resumed from journaling models`);
  });
});
