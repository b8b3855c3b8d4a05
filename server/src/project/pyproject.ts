import * as fs from 'node:fs';
import * as path from 'node:path';
import { linearPatternProblem } from '../../../shared/linearRegex';
import type { Settings, SeverityOverride } from '../../../shared/settings';

// smol-toml ships a CommonJS build, but its type declarations are ESM-only.
const { parse } = require('smol-toml') as { parse(text: string): unknown };

/** What `[tool.pyspark-architect]` in a pyproject.toml may say. */
export interface ProjectConfig {
  /** The pyproject.toml it came from. */
  file: string;
  select: string[];
  ignore: string[];
  severity: Record<string, SeverityOverride>;
  piiPatterns: string[];
  /** `notebooks = "job"`: the project's notebooks run as production jobs. */
  notebooks?: 'exploratory' | 'job';
  problems: string[];
}

const SEVERITIES = new Set(['error', 'warning', 'information', 'hint', 'off']);
const CODE = /^PSA\d{0,3}$/i;

function strings(v: unknown, what: string, problems: string[], check?: (s: string) => string | undefined): string[] {
  if (v === undefined) return [];
  if (!Array.isArray(v) || !v.every((x) => typeof x === 'string')) {
    problems.push(`${what}: expected a list of strings`);
    return [];
  }
  const out: string[] = [];
  for (const s of v as string[]) {
    const err = check?.(s);
    if (err) problems.push(`${what}: ${err}`);
    else out.push(s);
  }
  return out;
}

/** Parses the `[tool.pyspark-architect]` table; bad entries are reported and skipped, never thrown. */
export function parseProjectConfig(text: string, file: string): ProjectConfig | undefined {
  let doc: Record<string, unknown>;
  try {
    doc = parse(text) as Record<string, unknown>;
  } catch (e) {
    return { file, select: [], ignore: [], severity: {}, piiPatterns: [], problems: [`${file}: invalid TOML (${(e as Error).message.split('\n')[0]})`] };
  }
  const table = (doc.tool as Record<string, unknown> | undefined)?.['pyspark-architect'] as Record<string, unknown> | undefined;
  if (!table || typeof table !== 'object') return undefined;
  const problems: string[] = [];
  const where = (k: string) => `${file} [tool.pyspark-architect] ${k}`;
  const codeCheck = (s: string) => (CODE.test(s) ? undefined : `"${s}" is not a rule code or prefix`);
  const severity: Record<string, SeverityOverride> = {};
  const sev = table.severity;
  if (sev !== undefined) {
    if (typeof sev !== 'object' || sev === null || Array.isArray(sev)) problems.push(`${where('severity')}: expected a table`);
    else {
      for (const [k, v] of Object.entries(sev)) {
        if (typeof v === 'string' && SEVERITIES.has(v) && CODE.test(k)) severity[k.toUpperCase()] = v as SeverityOverride;
        else problems.push(`${where('severity')}: ${k} = ${JSON.stringify(v)} is not a rule code with error, warning, information, hint or off`);
      }
    }
  }
  const regexCheck = linearPatternProblem;
  for (const k of Object.keys(table)) {
    if (!['select', 'ignore', 'severity', 'pii-patterns', 'notebooks'].includes(k))
      problems.push(`${where(k)}: unknown key (select, ignore, severity, pii-patterns, notebooks)`);
  }
  const nb = table.notebooks;
  if (nb !== undefined && nb !== 'exploratory' && nb !== 'job') problems.push(`${where('notebooks')}: expected "exploratory" or "job"`);
  return {
    file,
    select: strings(table.select, where('select'), problems, codeCheck),
    ignore: strings(table.ignore, where('ignore'), problems, codeCheck),
    severity,
    piiPatterns: strings(table['pii-patterns'], where('pii-patterns'), problems, regexCheck),
    notebooks: nb === 'exploratory' || nb === 'job' ? nb : undefined,
    problems,
  };
}

/** The nearest pyproject.toml with a `[tool.pyspark-architect]` table, from `dir` upwards. */
export function findProjectConfig(dir: string, cache?: Map<string, ProjectConfig | null>): ProjectConfig | undefined {
  const visited: string[] = [];
  let current = path.resolve(dir);
  let found: ProjectConfig | undefined;
  for (let i = 0; i < 64; i++) {
    const hit = cache?.get(current);
    if (hit !== undefined) {
      found = hit ?? undefined;
      break;
    }
    visited.push(current);
    const file = path.join(current, 'pyproject.toml');
    let text: string | undefined;
    try {
      text = fs.readFileSync(file, 'utf8');
    } catch {
      text = undefined;
    }
    const config = text === undefined ? undefined : parseProjectConfig(text, file);
    if (config) {
      found = config;
      break;
    }
    const parent = path.dirname(current);
    if (parent === current) break;
    current = parent;
  }
  for (const d of visited) cache?.set(d, found ?? null);
  return found;
}

export interface EffectiveConfig {
  settings: Settings;
  select?: string[];
  ignore?: string[];
}

/**
 * Editor (or CLI) settings over the project's: per-rule severities from the editor win, disabled
 * rules add up. `trusted: false` (an untrusted VS Code workspace) keeps only what narrows the
 * analysis: the project's own regular expressions never run there.
 */
export function applyProjectConfig(settings: Settings, project: ProjectConfig | undefined, trusted = true): EffectiveConfig {
  if (!project) return { settings };
  const merged: Settings = {
    ...settings,
    'rules.severity': { ...project.severity, ...settings['rules.severity'] },
    'pii.extraPatterns': trusted ? [...settings['pii.extraPatterns'], ...project.piiPatterns] : settings['pii.extraPatterns'],
    // The editor's default ("exploratory") gives way to what the project says of its notebooks.
    'context.notebooks': settings['context.notebooks'] === 'exploratory' && project.notebooks ? project.notebooks : settings['context.notebooks'],
  };
  return { settings: merged, select: project.select.length ? project.select : undefined, ignore: project.ignore.length ? project.ignore : undefined };
}
