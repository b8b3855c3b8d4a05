// `pyspark-architect graph` output with names taken from user code (issue 18): Mermaid, DOT and
// JSON keep every hostile name inside its label, as text.
import * as assert from 'node:assert/strict';
import type { GraphNode, PipelineGraph } from '../../shared/protocol';
import { toDot, toMermaid } from '../../server/src/cli/graphFormats';

const HOSTILE = [
  '#lt;script#gt;alert(1)#lt;/script#gt;',
  '<script>alert(1)</script>',
  'say "hi" \'there\'',
  'line one\nline two\r\nline three\rfour',
  'C:\\data\\new\\table\\',
  'a]b[c',
  'x|y|z',
  'end',
  '%% comment',
  '`**bold**`',
  '&amp; #35; \u2028 tail',
];

function node(id: string, label: string, layer: string | null, kind: GraphNode['kind'] = 'dataset'): GraphNode {
  return {
    id,
    kind,
    label,
    layer,
    streaming: false,
    filename: 'f.py',
    uri: 'file:///f.py',
    range: { start: { line: 0, character: 0 }, end: { line: 0, character: 1 } },
    findings: [],
  };
}

function hostileGraph(): PipelineGraph {
  const nodes = HOSTILE.map((h, i) => node(`ds:${h}`, h, i % 2 ? 'bronze' : HOSTILE[i], i % 3 ? 'dataset' : 'step'));
  nodes.push(node('free', HOSTILE[1], null));
  const layers = ['bronze', ...HOSTILE.filter((_, i) => i % 2 === 0)];
  return { architecture: 'medallion', layers, nodes, edges: nodes.slice(1).map((n, i) => ({ from: nodes[i].id, to: n.id })) };
}

/** Mermaid's entity decoding (`#60;`, `#lt;`), as a renderer applies it to a label. */
function decodeMermaid(s: string): string {
  const named: Record<string, string> = { lt: '<', gt: '>', quot: '"', amp: '&' };
  return s.replace(/#(\d+|[a-z]+);/g, (m, code: string) => (/^\d/.test(code) ? String.fromCharCode(Number(code)) : (named[code] ?? m)));
}

describe('graph output formats with hostile names', () => {
  it('Mermaid: one statement per line, labels only inside quotes, entities decode back to the name', () => {
    const g = hostileGraph();
    const out = toMermaid(g);
    const lines = out.split('\n');
    const labels: string[] = [];
    for (const line of lines) {
      const m =
        /^(?:%% architecture: medallion|flowchart LR| {2}subgraph lane\d+\["([^"]*)"\]| {2}end|\s+n\d+\[\("([^"]*)"\)\]|\s+n\d+\["([^"]*)"\]| {2}n\d+ --> n\d+)$/.exec(
          line,
        );
      assert.ok(m, `unexpected Mermaid line: ${JSON.stringify(line)}`);
      const label = m[1] ?? m[2] ?? m[3];
      if (label !== undefined) {
        assert.doesNotMatch(label, /[<>"`\n\r]|#(?!\d+;)/, `raw markup in label ${JSON.stringify(label)}`);
        labels.push(decodeMermaid(label));
      }
    }
    // Decoded, every name is there as written (line breaks as spaces), never as a tag.
    for (const h of HOSTILE) assert.ok(labels.includes(h.replace(/\r\n?|\n/g, ' ')), `label for ${JSON.stringify(h)}`);
    assert.ok(!labels.some((l) => l.includes('<script>') && !HOSTILE.includes(l)), 'no name decodes to a tag it did not spell');
    assert.ok(labels.includes('#lt;script#gt;alert(1)#lt;/script#gt;'), 'the entity-spelling name decodes to itself, not to <script>');
    assert.equal(lines.filter((l) => l.includes('-->')).length, g.edges.length);
  });

  it('DOT: every quoted string closes on its own line; escapes give back the name', () => {
    const g = hostileGraph();
    const out = toDot(g);
    const strings: string[] = [];
    for (const line of out.split('\n')) {
      // Outside quoted strings, only DOT punctuation and identifiers.
      const outside = line.replace(/"(?:[^"\\]|\\.)*"/g, (q) => {
        strings.push(q.slice(1, -1).replace(/\\(.)/g, (_, c: string) => (c === 'n' ? '\n' : c)));
        return 'Q';
      });
      assert.match(outside, /^[\w\s{}=;,[\]\->]*$/, `text outside quotes: ${JSON.stringify(line)}`);
    }
    for (const h of HOSTILE) assert.ok(strings.includes(h.replace(/\r\n?|\n|\u2028|\u2029/g, '\n')), `string for ${JSON.stringify(h)}`);
  });

  it('JSON: names round-trip exactly', () => {
    const g = hostileGraph();
    assert.deepEqual(JSON.parse(JSON.stringify(g, null, 2)), g);
  });
});
