import type { PipelineGraph } from '../../../shared/protocol';

const mermaidId = (id: string, ids: Map<string, string>): string => {
  let v = ids.get(id);
  if (!v) {
    v = `n${ids.size}`;
    ids.set(id, v);
  }
  return v;
};

/**
 * Mermaid labels are markup too: a quote would end the label and angle brackets become HTML in
 * renderers. They are written as Mermaid entity codes (`#34;`), so `#` itself must be one too, or a
 * name spelling `#lt;script#gt;` would decode to `<script>`. Line breaks would end the statement.
 */
const mermaidText = (s: string): string =>
  // Control characters are exactly what must be encoded here.
  // eslint-disable-next-line no-control-regex
  s.replace(/\r\n?|\n/g, ' ').replace(/["<>#&`\u0000-\u001f\u007f\u2028\u2029]/g, (c) => `#${c.charCodeAt(0)};`);

export function toMermaid(g: PipelineGraph): string {
  const ids = new Map<string, string>();
  const out = [`%% architecture: ${mermaidText(g.architecture)}`, 'flowchart LR'];
  const lanes = [...g.layers, null];
  lanes.forEach((lane, i) => {
    const members = g.nodes.filter((n) => n.layer === lane);
    if (!members.length) return;
    const indent = lane ? '    ' : '  ';
    // Lane names are data: the subgraph's id is ours, the name only its label.
    if (lane) out.push(`  subgraph lane${i}["${mermaidText(lane)}"]`);
    for (const n of members) {
      const id = mermaidId(n.id, ids);
      const text = mermaidText(n.label + (n.kind === 'dataset' && n.format ? ` (${n.format})` : ''));
      out.push(n.kind === 'dataset' ? `${indent}${id}[("${text}")]` : `${indent}${id}["${text}"]`);
    }
    if (lane) out.push('  end');
  });
  for (const e of g.edges) out.push(`  ${mermaidId(e.from, ids)} --> ${mermaidId(e.to, ids)}`);
  return out.join('\n');
}

/** DOT quoted strings: `\\` and `"` escaped, line breaks as DOT's `\\n` (raw ones would be kept as is). */
const dotText = (s: string): string => s.replace(/["\\]/g, (c) => `\\${c}`).replace(/\r\n?|\n|\u2028|\u2029/g, '\\n');

export function toDot(g: PipelineGraph): string {
  const out = ['digraph pipeline {', '  rankdir=LR;', `  label="${dotText(`architecture: ${g.architecture}`)}";`, '  node [fontname="Helvetica"];'];
  g.layers.forEach((lane, i) => {
    const members = g.nodes.filter((n) => n.layer === lane);
    if (!members.length) return;
    out.push(`  subgraph cluster_${i} {`, `    label="${dotText(lane)}";`);
    for (const n of members) out.push(`    ${nodeDot(n)}`);
    out.push('  }');
  });
  for (const n of g.nodes.filter((x) => !x.layer)) out.push(`  ${nodeDot(n)}`);
  for (const e of g.edges) out.push(`  "${dotText(e.from)}" -> "${dotText(e.to)}";`);
  out.push('}');
  return out.join('\n');
}

function nodeDot(n: PipelineGraph['nodes'][number]): string {
  const shape = n.kind === 'dataset' ? 'cylinder' : 'box';
  const style = n.streaming ? ',style=dashed' : '';
  return `"${dotText(n.id)}" [label="${dotText(n.label)}",shape=${shape}${style}];`;
}
