import { linearPatternProblem } from './linearRegex';

/**
 * The one settings schema. The server resolves settings with it, the CLI builds them from flags,
 * and a test checks `package.json` `contributes.configuration` matches it key for key.
 */
export type SeverityName = 'error' | 'warning' | 'information' | 'hint';
export type SeverityOverride = SeverityName | 'off';

export interface Settings {
  enable: boolean;
  /** Rule codes never reported (`PSA101`), or prefixes (`PSA1`). */
  'rules.disabled': string[];
  /** Also run the strict rules (opt-in: below their precision target on real code). */
  'rules.strict': boolean;
  /** Per-rule severity, `off` to disable: `{ "PSA301": "error" }`. */
  'rules.severity': Record<string, SeverityOverride>;
  /** Extra regular expressions (case-insensitive, matched against whole column names) for PII. */
  'pii.extraPatterns': string[];
  'pii.personDetails': boolean;
  /** Files larger than this are not analysed (kilobytes). */
  maxFileSizeKb: number;
  /** Milliseconds to wait after the last keystroke before analysing (the most, with `debounce: adaptive`). */
  debounceMs: number;
  /** `adaptive`: wait as long as the document's analyses cost, at most `debounceMs`; `fixed`: always `debounceMs`. */
  debounce: 'adaptive' | 'fixed';
  'trace.server': 'off' | 'messages' | 'verbose';
  /** Whether notebooks and exploratory scripts are exploratory (cost findings on their displays are held back) or production jobs. */
  'context.notebooks': 'exploratory' | 'job';
}

interface SettingSpec<T> {
  default: T;
  description: string;
  type: 'boolean' | 'array' | 'object' | 'number' | 'string';
  enum?: readonly string[];
  items?: { type: string };
  additionalProperties?: { type: string; enum: readonly string[] };
  minimum?: number;
  /** Array items must compile as regular expressions. */
  regexItems?: boolean;
  scope?: 'resource' | 'window' | 'machine-overridable';
}

export const SECTION = 'pysparkArchitect';

export const SETTINGS_SCHEMA: { [K in keyof Settings]: SettingSpec<Settings[K]> } = {
  enable: { type: 'boolean', default: true, description: 'Analyse Python files for PySpark anti-patterns.', scope: 'resource' },
  'rules.disabled': {
    type: 'array',
    items: { type: 'string' },
    default: [],
    scope: 'resource',
    description: 'Rule codes (or code prefixes such as `PSA3`) that are never reported.',
  },
  'rules.strict': {
    type: 'boolean',
    default: false,
    scope: 'resource',
    description:
      'Also run the strict rules (PSA103, PSA106, PSA113, PSA114, PSA115, PSA116, PSA209, PSA211, PSA212, PSA213, PSA215, PSA216, PSA217, PSA218, PSA301, PSA303, PSA304, PSA306, PSA307, PSA308, PSA404, PSA601, PSA602, PSA704, PSA705, PSA706, PSA707, PSA708, PSA709, PSA711, PSA720, PSA801, PSA802, PSA803, PSA804): useful, but below their precision target on real code or not yet measurable there, so opt-in. A strict rule also runs when you give it a severity in `rules.severity` or name it in `--select`.',
  },
  'rules.severity': {
    type: 'object',
    default: {},
    scope: 'resource',
    additionalProperties: { type: 'string', enum: ['error', 'warning', 'information', 'hint', 'off'] },
    description: 'Severity per rule code, for example `{ "PSA301": "error", "PSA302": "off" }`.',
  },
  'pii.extraPatterns': {
    type: 'array',
    items: { type: 'string' },
    default: [],
    scope: 'resource',
    regexItems: true,
    description:
      'Extra regular expressions (case-insensitive, whole column name) for columns that hold personal data, added to the built-in ones. They run on a linear-time engine (RE2 syntax: no lookaround or backreferences); untrusted workspaces ignore this setting.',
  },
  'pii.personDetails': {
    type: 'boolean',
    default: false,
    scope: 'resource',
    description:
      'Also treat names, birth dates and home addresses (`full_name`, `dob`, `street_address`) as personal data in PSA401. Off by default: public and sample datasets are full of them (athletes, officials, course customers), while emails, phone numbers, card, account, government and IP identifiers are always checked.',
  },
  maxFileSizeKb: { type: 'number', default: 2048, minimum: 1, scope: 'resource', description: 'Files larger than this (in KB) are not analysed.' },
  debounceMs: {
    type: 'number',
    default: 150,
    minimum: 0,
    scope: 'window',
    description:
      'Delay after the last edit before a document is analysed again (ms): always with `debounce` set to `fixed`, at most with `adaptive` (the default).',
  },
  debounce: {
    type: 'string',
    enum: ['adaptive', 'fixed'],
    default: 'adaptive',
    scope: 'window',
    description:
      "How long to wait after an edit before analysing the document again. `adaptive` (default): as long as its last analyses took, at most `debounceMs`, so a small file gets its diagnostics at once and a large one once you pause; analyses that the next keystroke overtakes stop at their next step and take at most about half of the server's time while you type. `fixed`: always `debounceMs`.",
  },
  'trace.server': {
    type: 'string',
    enum: ['off', 'messages', 'verbose'],
    default: 'off',
    scope: 'window',
    description:
      'Traces the communication between VS Code and the PySpark Architect language server; any value but `off` also logs each analysis (file, findings or why it was skipped, time) to the output, and `verbose` where each analysis spent its time (a `trace` line per analysis: wall and CPU time per step, pauses, garbage collections).',
  },
  'context.notebooks': {
    type: 'string',
    enum: ['exploratory', 'job'],
    default: 'exploratory',
    scope: 'resource',
    description:
      "How notebooks and exploratory scripts (`.py` files that print their frames and only read and write local files, see docs/context.md) are judged. `exploratory` (default): a `count()`, `collect()` or `show()` whose result is the cell's or script's output, and demo-sized data, are not reported. `job`: your notebooks and such scripts run as production jobs and are judged like job modules.",
  },
};

export function defaultSettings(): Settings {
  const out: Record<string, unknown> = {};
  for (const [k, spec] of Object.entries(SETTINGS_SCHEMA)) out[k] = structuredClone(spec.default);
  return out as unknown as Settings;
}

/**
 * Validates raw settings (from `workspace/configuration`, flat or nested) against the schema.
 * Invalid values fall back to defaults and are reported in `problems`, never thrown.
 */
export function resolveSettings(raw: unknown): { settings: Settings; problems: string[] } {
  const settings = defaultSettings();
  const problems: string[] = [];
  if (raw === null || raw === undefined) return { settings, problems };
  if (typeof raw !== 'object') return { settings, problems: [`settings must be an object, got ${typeof raw}`] };
  const flat = flatten(raw as Record<string, unknown>);
  const target = settings as unknown as Record<string, unknown>;
  for (const [key, spec] of Object.entries(SETTINGS_SCHEMA) as [keyof Settings, SettingSpec<unknown>][]) {
    if (!(key in flat) || flat[key] === undefined || flat[key] === null) continue;
    const v = flat[key];
    const err = check(spec, v);
    if (err) problems.push(`${SECTION}.${key}: ${err}; using the default`);
    else target[key] = spec.type === 'object' ? { ...(v as object) } : Array.isArray(v) ? [...v] : v;
  }
  return { settings, problems };
}

function check(spec: SettingSpec<unknown>, v: unknown): string | undefined {
  switch (spec.type) {
    case 'boolean':
      return typeof v === 'boolean' ? undefined : 'expected true or false';
    case 'number':
      if (typeof v !== 'number' || !Number.isFinite(v)) return 'expected a number';
      return spec.minimum !== undefined && v < spec.minimum ? `expected at least ${spec.minimum}` : undefined;
    case 'string':
      if (typeof v !== 'string') return 'expected a string';
      return spec.enum && !spec.enum.includes(v) ? `expected one of ${spec.enum.join(', ')}` : undefined;
    case 'array': {
      if (!Array.isArray(v) || !v.every((x) => typeof x === 'string')) return 'expected a list of strings';
      if (spec.regexItems) {
        for (const x of v) {
          const problem = linearPatternProblem(x);
          if (problem) return problem;
        }
      }
      return undefined;
    }
    case 'object': {
      if (typeof v !== 'object' || v === null || Array.isArray(v)) return 'expected an object';
      const allowed = spec.additionalProperties?.enum;
      for (const [k, x] of Object.entries(v)) {
        if (allowed && (typeof x !== 'string' || !allowed.includes(x))) return `${k}: expected one of ${allowed.join(', ')}`;
      }
      return undefined;
    }
  }
}

/** `{ rules: { disabled: [] } }` and `{ "rules.disabled": [] }` both become the flat form. */
function flatten(obj: Record<string, unknown>, prefix = '', out: Record<string, unknown> = {}, depth = 0): Record<string, unknown> {
  for (const [k, v] of Object.entries(obj)) {
    const key = prefix ? `${prefix}.${k}` : k;
    if (key in SETTINGS_SCHEMA) out[key] = v;
    else if (v && typeof v === 'object' && !Array.isArray(v) && depth < 4) flatten(v as Record<string, unknown>, key, out, depth + 1);
  }
  return out;
}

/** What the settings offer of a rule: its code, and its name to describe it. */
export interface RuleChoice {
  code: string;
  name: string;
}

/**
 * The `contributes.configuration.properties` block `package.json` must carry. `rules`: the rule
 * registry (server/src/rules/registry.ts), whose codes the editor offers where a setting takes a
 * rule code: `npm run gen:docs` writes the block, and a test fails when it drifts from the registry.
 */
export function contributedProperties(rules: readonly RuleChoice[]): Record<string, Record<string, unknown>> {
  const out: Record<string, Record<string, unknown>> = {};
  for (const [k, spec] of Object.entries(SETTINGS_SCHEMA)) {
    const { default: def, description, regexItems: _regex, ...rest } = spec;
    out[`${SECTION}.${k}`] = { ...rest, ...ruleChoices(k as keyof Settings, rules), default: def, markdownDescription: description };
  }
  return out;
}

/** Rule codes where a setting names rules: completion and validation in the editor's settings. */
function ruleChoices(key: keyof Settings, rules: readonly RuleChoice[]): Record<string, unknown> {
  const codes = rules.map((r) => r.code);
  const names = rules.map((r) => r.name);
  switch (key) {
    case 'rules.disabled':
      // A code, or a prefix of codes (`PSA3`: every partitioning rule).
      return { items: { type: 'string', anyOf: [{ enum: codes, enumDescriptions: names }, { pattern: '^PSA\\d{0,2}$' }] } };
    case 'rules.severity':
      return { propertyNames: { enum: codes, enumDescriptions: names } };
    default:
      return {};
  }
}
