import type { PipelineGraph } from '../../../shared/protocol';

const mermaidId = (id: string, ids: Map<string, string>): string => {
  let v = ids.get(id);
  if (!v) {
    v = `n${ids.size}`;
    ids.set(id, v);
  }
  return v;
};

/** Mermaid text is markup too: quotes and angle brackets in labels must not end the label. */
const mermaidText = (s: string): string => s.replace(/["<>]/g, (c) => `#${c.charCodeAt(0)};`);

export function toMermaid(g: PipelineGraph): string {
  const ids = new Map<string, string>();
  const out = [`%% architecture: ${g.architecture}`, 'flowchart LR'];
  const lanes = [...g.layers, null];
  for (const lane of lanes) {
    const members = g.nodes.filter((n) => n.layer === lane);
    if (!members.length) continue;
    const indent = lane ? '    ' : '  ';
    if (lane) out.push(`  subgraph ${lane}["${mermaidText(lane)}"]`);
    for (const n of members) {
      const id = mermaidId(n.id, ids);
      const text = mermaidText(n.label + (n.kind === 'dataset' && n.format ? ` (${n.format})` : ''));
      out.push(n.kind === 'dataset' ? `${indent}${id}[("${text}")]` : `${indent}${id}["${text}"]`);
    }
    if (lane) out.push('  end');
  }
  for (const e of g.edges) out.push(`  ${mermaidId(e.from, ids)} --> ${mermaidId(e.to, ids)}`);
  return out.join('\n');
}

const dotText = (s: string): string => s.replace(/["\\]/g, (c) => `\\${c}`).replace(/\n/g, '\\n');

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
