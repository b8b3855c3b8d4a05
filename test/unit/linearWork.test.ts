import * as assert from 'node:assert/strict';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { analyze } from '../../server/src/analysis';
import { ColumnMap } from '../../server/src/model/columnMap';
import * as lineageModule from '../../server/src/model/lineage';
import { SyntaxNode, SyntaxTree } from '../../server/src/parsing/syntaxTree';
import { loadParser } from './helpers';

// Issue 18, problem 5: the cost per line must not grow with the file. Timing cannot be asserted
// here (a shared machine), so the test counts work instead: every read of the syntax copy's nodes
// during an analysis (a getter or method of `SyntaxNode` and `SyntaxTree`, an array it makes
// counted by its length), and every frame a rule's `lineage()` walk yields. A rule that rescans the file per candidate, as PSA101's look for caching
// helpers did (every call of the scope, per count), makes that count per line grow with the file;
// a linear analysis keeps it flat. Every column a frame's column map hands out by iteration counts
// as well: a map copied per `withColumn` (as it was until the sixteenth session) reads every column
// of the frame per step, which made "a new column per statement" quadratic with no node read. The
// inputs are the bench's shapes (`scripts/bench/shapes.mjs`, what `bench.mjs --only=shapes` times)
// and its two generators.

const ROOT = join(__dirname, '..', '..', '..');
const SMALL = 500;
const LARGE = 2000;
/** The bound: cost per line within 25% from the small size to the large one. */
const LIMIT = 1.25;

interface Shape {
  text: string;
  units: number;
  ext?: string;
}
interface Shapes {
  SHAPES: Record<string, (n: number) => Shape>;
}
interface Generator {
  generatePipeline(lines: number, seed?: number): string;
  generateRepetitive(lines: number, seed?: number): string;
}

let reads = 0;
let seen = new WeakSet<object>();
const restore: (() => void)[] = [];

/** Counts every getter and method call of `proto` into `reads` (an array result by its length). */
function countReads(proto: object, skip: readonly string[] = []): void {
  for (const [key, d] of Object.entries(Object.getOwnPropertyDescriptors(proto))) {
    if (key === 'constructor' || skip.includes(key)) continue;
    const count = (v: unknown) => {
      // An array counts its length the first time it is seen (it was made for the call); a kept one
      // handed out again (a node's `children`, an index's list) counts as one read.
      const fresh = (Array.isArray(v) || ArrayBuffer.isView(v)) && !seen.has(v as object);
      if (fresh) seen.add(v as object);
      reads += fresh ? (v as ArrayLike<unknown>).length + 1 : 1;
      return v;
    };
    let counted: PropertyDescriptor | undefined;
    if (d.get) {
      const get = d.get;
      counted = {
        ...d,
        get: function (this: unknown) {
          return count(get.call(this));
        },
      };
    } else if (typeof d.value === 'function') {
      const f = d.value as (...a: unknown[]) => unknown;
      counted = {
        ...d,
        value: function (this: unknown, ...a: unknown[]) {
          return count(f.apply(this, a));
        },
      };
    }
    if (!counted) continue;
    Object.defineProperty(proto, key, counted);
    restore.push(() => Object.defineProperty(proto, key, d));
  }
}

/** Counts every entry the iterators of `proto` (a column map) yield into `reads`: what a copy of the map costs. */
function countIterated(proto: object): void {
  for (const key of ['keys', 'values', 'entries', Symbol.iterator] as const) {
    const d = Object.getOwnPropertyDescriptor(proto, key)!;
    const f = d.value as (this: unknown) => Iterable<unknown>;
    Object.defineProperty(proto, key, {
      ...d,
      value: function* (this: unknown) {
        for (const x of f.call(this)) {
          reads++;
          yield x;
        }
      },
    });
    restore.push(() => Object.defineProperty(proto, key, d));
  }
}

/** Node reads per unit (line, or element for one-line shapes) of one analysis of `text`. */
async function readsPerUnit(text: string, units: number): Promise<number> {
  const parser = await loadParser();
  const tree = parser.parse(text);
  try {
    reads = 0;
    seen = new WeakSet<object>();
    analyze(tree, text);
    return reads / units;
  } finally {
    tree.delete();
  }
}

describe('an analysis reads the syntax tree in proportion to the file (issue 18: linear scaling)', function () {
  this.timeout(120_000);
  const inputs: [string, (n: number) => Shape][] = [];

  before(async () => {
    const { SHAPES } = (await import(pathToFileURL(join(ROOT, 'scripts', 'bench', 'shapes.mjs')).href)) as Shapes;
    const gen = (await import(pathToFileURL(join(ROOT, 'scripts', 'bench', 'generate.mjs')).href)) as Generator;
    inputs.push(['generated notebook (repeated imports, windows, functions)', (n) => ({ text: gen.generateRepetitive(n, 7), units: n })]);
    inputs.push(['generated pipeline', (n) => ({ text: gen.generatePipeline(n, 3), units: n })]);
    for (const [name, make] of Object.entries(SHAPES)) inputs.push([name, make]);
    countReads(SyntaxNode.prototype);
    // The copy's per-id accessors (and their segment lookup) are what reads of its typed arrays were
    // until the twenty-third session, which this count never included: counted, they would change
    // what is measured, not the work.
    countReads(SyntaxTree.prototype, ['kindAt', 'startAt', 'endAt', 'parentAt', 'subtreeEndAt', 'fieldAt', 'flagsAt', 'seek']);
    // The rules call `lineage` through the module's exports (CommonJS), so the counted one is seen.
    const walk = lineageModule.lineage;
    const counted = function* (...a: Parameters<typeof walk>) {
      for (const f of walk(...a)) {
        reads++;
        yield f;
      }
    };
    Object.defineProperty(lineageModule, 'lineage', { value: counted, configurable: true, writable: true });
    restore.push(() => Object.defineProperty(lineageModule, 'lineage', { value: walk, configurable: true, writable: true }));
    countIterated(ColumnMap.prototype);
  });
  after(() => {
    for (const undo of restore.splice(0).reverse()) undo();
  });

  it(`node reads per line at ${LARGE} lines are within ${Math.round((LIMIT - 1) * 100)}% of those at ${SMALL}, for every shape`, async () => {
    const rows: string[] = [];
    let checked = 0;
    for (const [name, make] of inputs) {
      const small = make(SMALL);
      const large = make(LARGE);
      // A notebook's JSON is read as cells (another path); the shapes here are Python text.
      if ((small.ext ?? 'py') !== 'py') continue;
      const a = await readsPerUnit(small.text, small.units);
      const b = await readsPerUnit(large.text, large.units);
      checked++;
      rows.push(`${name}: ${a.toFixed(1)} -> ${b.toFixed(1)} per unit (${(b / a).toFixed(2)}x)`);
      assert.ok(a > 0, `${name}: the count saw no read (the instrumentation is broken)`);
      assert.ok(b <= a * LIMIT, `${name}: reads per unit grow with the file, ${a.toFixed(1)} -> ${b.toFixed(1)}\n${rows.join('\n')}`);
    }
    assert.ok(checked >= 15, `only ${checked} shapes checked:\n${rows.join('\n')}`);
  });
});
