import * as assert from 'node:assert/strict';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import fc from 'fast-check';
import { analyze } from '../../server/src/analysis';
import type { Node } from '../../server/src/parsing/pythonParser';
import { sameNode } from '../../server/src/parsing/syntax';
import { boundNames, targetIdentifiers } from '../../server/src/rules/helpers/columnExpressions';
import { perStatement, statementMemoCounts } from '../../server/src/model/statementMemo';
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
import { statementChange } from './statementEdits';

const ROOT = join(__dirname, '..', '..', '..');

// Answers about a top-level statement that read only its subtree are kept on the statement's node
// object (`perStatement`), so that after an edit only the statements the copy made again are read
// (issue 18: the rules re-run on what changed). Whatever the edit, each answer must be what the
// subtree gives when read afresh, and the analysis the same as a fresh one.

/** `boundNames` as it was before the per-statement memo: one walk of the whole tree. */
function namesBoundFresh(root: Node): string[] {
  const out = new Set<string>();
  for (const n of root.descendantsOfType(BINDING_TYPES)) {
    switch (n.type) {
      case 'function_definition':
      case 'class_definition': {
        const name = n.childForFieldName('name');
        if (name) out.add(name.text);
        break;
      }
      case 'assignment':
      case 'augmented_assignment':
      case 'for_statement':
      case 'for_in_clause': {
        const left = n.childForFieldName('left');
        if (left) for (const id of targetIdentifiers(left)) out.add(id.text);
        break;
      }
      case 'parameters':
      case 'lambda_parameters':
        for (const p of n.namedChildren) {
          const id = p && (p.type === 'identifier' ? p : (p.childForFieldName('name') ?? p.namedChildren.find((c) => c?.type === 'identifier')));
          if (id?.type === 'identifier') out.add(id.text);
        }
        break;
      case 'aliased_import': {
        const alias = n.childForFieldName('alias');
        if (alias) out.add(alias.text);
        break;
      }
      case 'import_from_statement':
        if (!/^\s*from\s+pyspark\.sql(\.functions)?\s/.test(n.text)) {
          for (const c of n.namedChildren) if (c?.type === 'dotted_name' && !sameNode(c, n.childForFieldName('module_name'))) out.add(c.text);
        }
        break;
    }
  }
  return [...out];
}
const BINDING_TYPES = [
  'function_definition',
  'class_definition',
  'assignment',
  'augmented_assignment',
  'for_statement',
  'for_in_clause',
  'parameters',
  'lambda_parameters',
  'aliased_import',
  'import_from_statement',
];

/** The bench's generator (plain ESM, scripts/bench/generate.mjs). */
interface Generator {
  generatePipeline(lines: number, seed?: number): string;
  generateRepetitive(lines: number, seed?: number): string;
}
const GENERATOR = pathToFileURL(join(ROOT, 'scripts', 'bench', 'generate.mjs')).href;

async function generatedModules(): Promise<[string, string][]> {
  const gen = (await import(GENERATOR)) as Generator;
  return [
    ...[1, 2, 3].map((seed): [string, string] => [`generated_pipeline_${seed}.py`, gen.generatePipeline(220 + 60 * seed, seed)]),
    ...[1, 2].map((seed): [string, string] => [`generated_repetitive_${seed}.py`, gen.generateRepetitive(200, seed)]),
  ];
}

/** Edits at the top, in the middle and at the end, and ones that bind or unbind a name PSA701 and the column reading ask about. */
const EDITS: SequenceEdit[] = [
  insertAtMiddle('def sum(xs):\n    return 0\n'),
  typeIntoLine,
  deleteLastStatement,
  append('\nfor col in cols:\n    df = df.withColumn(col, F.col(col))\n'),
  insertBefore(0, 'import os as F\n'),
  insertBefore(1, 'max = 3\n'),
];

describe('model/statementMemo: answers kept per top-level statement', function () {
  this.timeout(300_000);
  let files: [string, string][];
  before(async () => {
    files = [...samplesAndFixtures(), ...(await generatedModules())];
  });

  it('refuses the root, whose object a later copy takes over with new children', async () => {
    const text = 'from pyspark.sql import SparkSession\nx = 1\n';
    const tree = (await loadParser()).parse(text);
    try {
      const model = analyze(tree, text, {}).model!;
      assert.throws(() => perStatement(new WeakMap<Node, number>(), model.root, () => 1), /root/);
      assert.equal(
        perStatement(new WeakMap<Node, number>(), model.root.children[0], () => 1),
        1,
      );
    } finally {
      tree.delete();
    }
  });

  it('boundNames equals a walk of the edited tree after edits through the document store (samples, rule fixtures, generated modules), and kept answers were used', () =>
    (async () => {
      const parser = await loadParser();
      let keptAfterEdits = 0;
      let madeAfterEdits = 0;
      let steps = 0;
      for (const [name, original] of files) {
        analyseEditSequence(parser, name, original, EDITS, (model, _previous, change) => {
          steps++;
          const before = { ...statementMemoCounts };
          const got = [...boundNames(model.root)];
          keptAfterEdits += statementMemoCounts.kept - before.kept;
          madeAfterEdits += statementMemoCounts.made - before.made;
          assert.deepEqual(got, namesBoundFresh(model.root), `${name} after ${JSON.stringify(change)}`);
        });
      }
      assert.ok(steps > 500, `${steps} edits`);
      // Asked after the analysis (which asked first when PSA701 ran): every statement is kept then;
      // what the analysis itself made again is counted by the property below.
      assert.ok(keptAfterEdits > 0 && madeAfterEdits === 0, `${keptAfterEdits} kept, ${madeAfterEdits} made after the analysis`);
    })());

  it('the analysis after random edits equals a fresh one, with most statements answered from kept answers', async () => {
    const parser = await loadParser();
    const STATEMENTS = [
      'from pyspark.sql.functions import *\n',
      'total = sum([1, 2, 3])\n',
      'def sum(xs):\n    return 0\n',
      'max = lambda a, b: a\n',
      'biggest = max(3, 4)\n',
      'import pyspark.sql.functions as F\n',
      'F = object()\n',
      'df = spark.read.parquet("/data/a").select(F.col("a"), col("b"))\n',
      'for col in ["a", "b"]:\n    df = df.withColumn(col, F.upper(col))\n',
      'from helpers import col\n',
    ];
    type Edit = { kind: 'insert' | 'delete' | 'duplicate'; at: number; insert: number } | { kind: 'type'; at: number; text: string };
    const position = fc.noBias(fc.integer({ min: 0, max: 999_999 })).map((n) => n / 1_000_000);
    const edit: fc.Arbitrary<Edit> = fc.oneof(
      fc.record({ kind: fc.constantFrom('insert' as const, 'delete' as const, 'duplicate' as const), at: position, insert: fc.nat(STATEMENTS.length - 1) }),
      fc.record({ kind: fc.constant('type' as const), at: position, text: fc.constantFrom('x', ' ', '\n', '(', 'sum = 1') }),
    );
    const toChanges = (text: string, e: Edit): TextChange[] => {
      const at = Math.floor(e.at * text.length);
      if (e.kind === 'type') return [{ start: at, end: at, text: e.text }];
      return [statementChange(text, at, e.kind, STATEMENTS[e.insert])];
    };

    let kept = 0;
    let made = 0;
    let last = { ...statementMemoCounts };
    let analyses = 0;
    let statements = 0;
    everyEditEqualsFresh(
      parser,
      files,
      { edits: edit, toChanges, extras: ['none', 'none', 'kept', 'lost'], maxEdits: 6 },
      { seed: 1914, numRuns: 120 },
      (incremental) => {
        // Kept answers come from the incremental analyses (and the extra models some steps build
        // first); the fresh analysis after each makes every answer anew, so \`made\` counts it too.
        analyses++;
        statements += incremental.model?.root.children.length ?? 0;
        kept += statementMemoCounts.kept - last.kept;
        made += statementMemoCounts.made - last.made;
        last = { ...statementMemoCounts };
      },
    );
    assert.ok(analyses > 300, `${analyses} analyses`);
    // Worth something only if the analyses after an edit found most statements' answers kept.
    assert.ok(kept > statements / 2, `${kept} answers kept for ${statements} top-level statements of ${analyses} analyses (${made} made)`);
  });
});
