import { MarkupKind, type Hover } from 'vscode-languageserver';
import type { Settings } from '../../../shared/settings';
import { confEntry, confMarkdown } from '../spark/conf/sparkConf';
import type { Finding } from '../findings';
import { sinkDataset, sourceDataset } from '../graph/datasets';
import { LineIndex } from '../lineIndex';
import { isAncestorFrame, type DataFrameModel, type Frame, type SinkInfo, type SourceInfo } from '../model/types';
import type { Node } from '../parsing/pythonParser';
import { callParts, literalString } from '../parsing/syntax';
import { PiiMatcher } from '../rules/helpers/pii';
import { filterLineage } from '../model/lineage';
import { columnSetsOf } from '../spark/columnSet';
import { SparkFunctions } from '../spark/functions';

/**
 * Hovers: the documentation of a Spark conf key in a string literal, and what the model knows of
 * a DataFrame variable. Pure: the server hands in the cached model of the current version.
 */

/** Columns listed before the rest are summarised as a count: hovers stay readable on wide frames. */
const MAX_COLUMNS = 25;
const MAX_SINKS = 10;
/** Ancestors walked to find a frame's sources (a long pipeline of withColumn calls is deep, not wide). */
const MAX_ANCESTORS = 5_000;
const STRING_PARTS = new Set(['string_start', 'string_content', 'string_end', 'escape_sequence']);

export function hoverAt(
  model: DataFrameModel | undefined,
  root: Node,
  text: string,
  offset: number,
  settings: Pick<Settings, 'pii.extraPatterns'> & Partial<Pick<Settings, 'pii.personDetails'>>,
  findings: readonly Finding[] = [],
  /** How a position elsewhere in the text is named ("line 40"; in a notebook, its cell and line). */
  place?: (offset: number) => string,
  /** Where an offset of `text` is shown: `text`'s own lines, or (a model of an earlier version) where that text is now. */
  lines: Positions = new LineIndex(text),
  /** Where a node of `model` starts in `text` (a model of an earlier version: see `startAsBuilt`). */
  startOf: (node: Node) => number = (n) => n.startIndex,
): Hover | null {
  const node = root.descendantForIndex(offset, offset);
  if (!node) return null;
  const about = confKeyHover(node, lines) ?? (model ? frameHover(model, node, lines, settings, startOf) : null);
  const why = findingsAt(findings, offset);
  if (!why.length) return about;
  // The editor shows the diagnostic's message itself; the hover adds why it fired in this code.
  const at = place ?? ((o: number) => `line ${lines.positionAt(o).line + 1}`);
  const explained = why.map((f) => explainFinding(f, at)).join('\n\n');
  if (!about) {
    const span = { start: Math.max(...why.map((f) => f.start)), end: Math.min(...why.map((f) => f.end)) };
    return { contents: { kind: MarkupKind.Markdown, value: explained }, range: { start: lines.positionAt(span.start), end: lines.positionAt(span.end) } };
  }
  const value = typeof about.contents === 'object' && 'value' in about.contents ? about.contents.value : '';
  return { contents: { kind: MarkupKind.Markdown, value: `${explained}\n\n---\n\n${value}` }, range: about.range };
}

/** At most this many findings are explained in one hover (stacked findings on one call are rare). */
const MAX_EXPLAINED = 5;
const MAX_RELATED = 3;

function findingsAt(findings: readonly Finding[], offset: number): Finding[] {
  return findings.filter((f) => f.start <= offset && offset <= f.end).slice(0, MAX_EXPLAINED);
}

/** Why a finding fired here: the kind of code the context model took this for, and what the rule saw. */
export function explainFinding(f: Finding, place: (offset: number) => string): string {
  const out = [`**Why ${f.code} (${f.name}) fired here**`, ''];
  if (f.context) out.push(`- Code: ${escapeMarkdown(f.context.why)}`);
  if (f.why) out.push(`- Because: ${escapeMarkdown(f.why)}`);
  for (const r of f.related.slice(0, MAX_RELATED)) out.push(`- See ${place(r.start)}: ${escapeMarkdown(r.message)}`);
  return out.join('\n');
}

/** Text from messages and user code rendered as plain text in markdown. */
function escapeMarkdown(s: string): string {
  return s.replace(/[\\`*_[\]<>#|]/g, (c) => `\\${c}`);
}

type Positions = Pick<LineIndex, 'positionAt'>;

function confKeyHover(node: Node, lines: Positions): Hover | null {
  const string = STRING_PARTS.has(node.type) ? node.parent : node;
  if (string?.type !== 'string') return null;
  const key = literalString(string);
  const entry = key !== undefined ? confEntry(key.trim()) : undefined;
  if (!entry) return null;
  return {
    contents: { kind: MarkupKind.Markdown, value: confMarkdown(entry) },
    range: { start: lines.positionAt(string.startIndex), end: lines.positionAt(string.endIndex) },
  };
}

function frameHover(
  model: DataFrameModel,
  node: Node,
  lines: Positions,
  settings: Pick<Settings, 'pii.extraPatterns'> & Partial<Pick<Settings, 'pii.personDetails'>>,
  startOf: (node: Node) => number,
): Hover | null {
  if (node.type !== 'identifier') return null;
  const ref = model.frameRefs.get(node.startIndex);
  if (!ref || ref.end !== node.endIndex) return null;
  const value = describeFrame(
    model,
    ref.frame,
    node.text,
    lines,
    new PiiMatcher(settings['pii.extraPatterns'], settings['pii.personDetails'] ?? false),
    ref.others?.length ?? 0,
    startOf,
  );
  return {
    contents: { kind: MarkupKind.Markdown, value },
    range: { start: lines.positionAt(ref.start), end: lines.positionAt(ref.end) },
  };
}

function describeFrame(
  model: DataFrameModel,
  frame: Frame,
  name: string,
  lines: Positions,
  pii: PiiMatcher,
  others: number,
  startOf: (node: Node) => number,
): string {
  const line = (n: Node) => `line ${lines.positionAt(startOf(n)).line + 1}`;
  const kind = frame.streaming === true ? 'streaming DataFrame' : frame.streaming === false ? 'batch DataFrame' : 'DataFrame (streaming or batch: unknown)';
  const out = [`**\`${name}\`**: ${kind}`, ''];
  if (others > 0) out.push(`*${name} stands for ${others + 1} different frames in the calls of its function; this is the first.*`, '');
  const facts: string[] = [];
  if (frame.op !== 'parameter') facts.push(`Last step: \`${frame.op}\` (${line(frame.node)})`);
  if (frame.streaming !== false) {
    facts.push(
      frame.watermark
        ? `Watermark: ${frame.watermark.column !== undefined ? `on \`${frame.watermark.column}\`` : 'on a column the model cannot read'} (${line(frame.watermark.node)})`
        : 'Watermark: none',
    );
  }
  facts.push(frame.cached ? `Cached: yes, \`${callParts(frame.cached)?.name ?? 'cache'}\` (${line(frame.cached)})` : 'Cached: no');
  facts.push(columnsFact(model, frame));
  const piiFact = piiColumnsFact(frame, pii);
  if (piiFact) facts.push(piiFact);
  const sources = sourcesOf(frame);
  facts.push(
    sources.length
      ? `Source${sources.length > 1 ? 's' : ''}: ${sources.map((s) => describeSource(s, line)).join('; ')}`
      : 'Source: unknown (a function parameter or a value the model cannot follow)',
  );
  const sinks = model.sinks.filter((s) => isAncestorFrame(frame, s.frame));
  if (sinks.length) {
    const shown = sinks.slice(0, MAX_SINKS).map((s) => describeSink(s, line));
    if (sinks.length > MAX_SINKS) shown.push(`and ${sinks.length - MAX_SINKS} more`);
    facts.push(`Reaches sink${sinks.length > 1 ? 's' : ''}: ${shown.join('; ')}`);
  } else facts.push('Reaches sinks: none in this file');
  out.push(facts.map((f) => `- ${f}`).join('\n'));
  return out.join('\n');
}

function columnsFact(model: DataFrameModel, frame: Frame): string {
  // The schema when every step spells it out (types where the code says them); else what the model gathered.
  const set = columnSetsOf(model, new SparkFunctions(model.imports, () => false)).of(frame);
  if (set) {
    const shown = set.columns
      .slice(0, MAX_COLUMNS)
      .map((c) => (c.type ? `\`${c.name}\` ${c.type}` : `\`${c.name}\``))
      .join(', ');
    const more = set.columns.length > MAX_COLUMNS ? ` and ${set.columns.length - MAX_COLUMNS} more` : '';
    const how = set.exact ? 'exactly these' : 'from the read schema; partition columns of the path may be added';
    return `Schema (${set.columns.length} column${set.columns.length === 1 ? '' : 's'}, ${how}): ${shown}${more}`;
  }
  const names = [...frame.columns.keys()];
  if (!names.length) return frame.columnsComplete ? 'Columns: none' : 'Columns: unknown';
  const listed = names
    .slice(0, MAX_COLUMNS)
    .map((c) => `\`${c}\``)
    .join(', ');
  const more = names.length > MAX_COLUMNS ? ` and ${names.length - MAX_COLUMNS} more` : '';
  return `Columns (${frame.columnsComplete ? 'complete' : 'known so far; there may be others'}): ${listed}${more}`;
}

function piiColumnsFact(frame: Frame, pii: PiiMatcher): string | undefined {
  const found = [...frame.columns.values()].filter((c) => pii.isPii(c.name) || (c.maskedCopyOf !== undefined && pii.isPii(c.maskedCopyOf)));
  if (!found.length) return undefined;
  return `PII columns: ${found.map((c) => `\`${c.name}\` (${c.masked ? 'masked' : '**not masked**'})`).join(', ')}`;
}

/** Source frames upstream of `frame`, nearest first. */
function sourcesOf(frame: Frame): SourceInfo[] {
  return filterLineage(frame, (f) => !!f.source, MAX_ANCESTORS).map((f) => f.source!);
}

function describeSource(source: SourceInfo, line: (n: Node) => string): string {
  const at = line(source.node);
  switch (source.kind) {
    case 'sql':
      return `\`spark.sql(...)\` (${at})`;
    case 'createDataFrame':
      return `\`createDataFrame\` (${at})`;
    case 'range':
      return `\`spark.range\` (${at})`;
    case 'foreachBatch':
      return `a micro-batch handed to foreachBatch (${at})`;
  }
  const dataset = sourceDataset(source);
  const reader = source.streaming ? 'readStream' : 'read';
  const format = source.format ? `${source.format} ` : '';
  return `${reader} ${format}${dataset ? `${dataset.kind} \`${dataset.location}\`` : 'source'} (${at})`;
}

function describeSink(sink: SinkInfo, line: (n: Node) => string): string {
  const dataset = sinkDataset(sink);
  const writer = sink.streaming ? 'writeStream' : 'write';
  const format = sink.format ? `${sink.format} ` : '';
  const target = dataset ? `${dataset.kind} \`${dataset.location}\`` : sink.foreachBatch ? 'foreachBatch' : `\`${sink.method}\``;
  const mode = sink.outputMode ? `, outputMode ${sink.outputMode}` : sink.mode ? `, mode ${sink.mode}` : '';
  return `${writer} ${format}${target}${mode} (${line(sink.call)})`;
}
