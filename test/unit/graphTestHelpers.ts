import * as fs from 'node:fs';
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';
import type { PipelineGraph } from '../../shared/protocol';
import { analyze } from '../../server/src/analysis';
import { fileFragment, mergeFragments } from '../../server/src/graph';
import { loadParser } from './helpers';

export const ROOT = path.resolve(__dirname, '../../..');

/** The pipeline graph of some sources, as the CLI and the server build it. */
export async function graphOf(files: { name: string; text: string }[]): Promise<PipelineGraph> {
  const parser = await loadParser();
  const fragments = files.map(({ name, text }) => {
    const tree = parser.parse(text);
    try {
      const r = analyze(tree, text);
      return fileFragment({ filename: name, uri: pathToFileURL(path.resolve(ROOT, name)).href, model: r.model, lines: r.lines, findings: r.findings });
    } finally {
      tree.delete();
    }
  });
  return mergeFragments(fragments);
}

export async function graphOfFiles(...relative: string[]): Promise<PipelineGraph> {
  return graphOf(relative.map((name) => ({ name, text: fs.readFileSync(path.join(ROOT, name), 'utf8') })));
}

/** `label@layer` for each node of a kind, sorted: compact to assert on. */
export function layout(g: PipelineGraph, kind: 'dataset' | 'step'): string[] {
  return g.nodes
    .filter((n) => n.kind === kind)
    .map((n) => `${n.label}@${n.layer ?? '-'}`)
    .sort();
}

export function edgeLabels(g: PipelineGraph): string[] {
  const label = new Map(g.nodes.map((n) => [n.id, n.label]));
  return g.edges.map((e) => `${label.get(e.from)} -> ${label.get(e.to)}`).sort();
}
