import type { Node } from '../../parsing/pythonParser';
import { enclosingStatement, isExtra, literalString } from '../../parsing/syntax';
import type { Rule, RuleContext } from '../rule';
import { booleanSetting, integerSetting, literalValue, sessionSettings, type LiteralValue } from '../helpers/sessionConf';
import { nodesOfType } from '../../model/syntaxIndex';

const DA = 'spark.dynamicAllocation.enabled';
const INSTANCES = 'spark.executor.instances';
const MIN = 'spark.dynamicAllocation.minExecutors';
const MAX = 'spark.dynamicAllocation.maxExecutors';
const SHUFFLE_SERVICE = 'spark.shuffle.service.enabled';
const TRACKING = 'spark.dynamicAllocation.shuffleTracking.enabled';
const AQE = 'spark.sql.adaptive.enabled';
/** Settings that let dynamic allocation run without the shuffle service or shuffle tracking. */
const OTHER_SHUFFLE_KEEPERS = ['spark.decommission.enabled', 'spark.storage.decommission.shuffleBlocks.enabled', 'spark.shuffle.sort.io.plugin.class'];

/** One setting as the file writes it. */
interface Setting {
  key: string;
  /** undefined: not a literal the rule can read. */
  value?: LiteralValue;
  /** What the finding points at: `config(...)` / `set(...)` of the conf call, or the dict entry. */
  start: number;
  end: number;
}

/**
 * Settings that apply together: the conf calls of one straight-line block (a builder chain, the
 * SparkConf it takes, and spark.conf.set calls next to it), or one conf dict / setAll list.
 * Settings in different branches or functions are never compared: they may never meet.
 */
interface Group {
  /** The setting in force for each key: the last one written. */
  last: Map<string, Setting>;
  /** How often the group sets each key. */
  count: Map<string, number>;
}

function groups(ctx: RuleContext): Group[] {
  const byId = new Map<number, Setting[]>();
  const add = (groupId: number, s: Setting) => {
    const list = byId.get(groupId) ?? [];
    list.push(s);
    byId.set(groupId, list);
  };
  for (const conf of ctx.model.confSets) {
    const block = enclosingStatement(conf.call)?.parent;
    if (!conf.key || !block) continue;
    // A chained call starts where the chain does: point at `.config(...)` itself.
    const method = conf.call.childForFieldName('function')?.childForFieldName('attribute') ?? conf.call;
    add(block.id, { key: conf.key, value: literalValue(conf.valueNode), start: method.startIndex, end: conf.call.endIndex });
  }
  // Containers first, then their entries: tree-sitter's parent lookups walk from the root.
  for (const dict of nodesOfType(ctx.model, 'dictionary')) {
    for (const pair of dict?.namedChildren ?? []) {
      const key = pair?.type === 'pair' ? literalString(pair.childForFieldName('key')) : undefined;
      if (!dict || !pair || !key?.startsWith('spark.')) continue;
      add(dict.id, { key, value: literalValue(pair.childForFieldName('value')), start: pair.startIndex, end: pair.endIndex });
    }
  }
  for (const list of nodesOfType(ctx.model, 'list')) {
    for (const tuple of list?.namedChildren ?? []) {
      const items = tuple?.type === 'tuple' ? tuple.namedChildren.filter((c): c is Node => !!c && !isExtra(c)) : [];
      const key = literalString(items[0]);
      if (!list || !tuple || items.length !== 2 || !key?.startsWith('spark.')) continue;
      add(list.id, { key, value: literalValue(items[1]), start: tuple.startIndex, end: tuple.endIndex });
    }
  }
  const out: Group[] = [];
  for (const settings of byId.values()) {
    const g: Group = { last: new Map(), count: new Map() };
    // Later settings of a key win, as they do in SparkConf and on the builder.
    for (const s of [...settings].sort((a, b) => a.start - b.start)) {
      g.last.set(s.key, s);
      g.count.set(s.key, (g.count.get(s.key) ?? 0) + 1);
    }
    out.push(g);
  }
  return out;
}

interface Conflict {
  /** The settings involved; the finding goes on the one written last. */
  settings: Setting[];
  message: string;
}

function conflicts(ctx: RuleContext, group: Group): Conflict[] {
  const out: Conflict[] = [];
  const cache = new Map<string, Setting | undefined>();
  /**
   * The group's setting of `key`, but only when the file sets the key nowhere else (another
   * spark.conf.set, a SQL `SET`, a constant): otherwise the value in force is not known.
   */
  const g = {
    get(key: string): Setting | undefined {
      if (!cache.has(key)) {
        const s = group.last.get(key);
        cache.set(key, s && sessionSettings(ctx.model, key).length === group.count.get(key) ? s : undefined);
      }
      return cache.get(key);
    },
    has: (key: string) => group.last.has(key),
  };
  const bool = (key: string) => booleanSetting(g.get(key)?.value);
  const int = (key: string) => integerSetting(g.get(key)?.value);
  const da = g.get(DA);
  const daOn = bool(DA) === true;

  const instances = int(INSTANCES);
  // minExecutors = maxExecutors = instances pins the count where instances says: nothing conflicts.
  const pinned = instances !== undefined && int(MIN) === instances && int(MAX) === instances;
  if (daOn && da && instances !== undefined && !pinned) {
    out.push({
      settings: [da, g.get(INSTANCES)!],
      message:
        `Dynamic allocation is on, so spark.executor.instances = ${instances} does not fix the executor count: Spark ` +
        'starts with the largest of spark.executor.instances, spark.dynamicAllocation.minExecutors and ' +
        'spark.dynamicAllocation.initialExecutors, then adds and removes executors between minExecutors and ' +
        'maxExecutors (unbounded by default). Size the job with initialExecutors/minExecutors/maxExecutors, or turn ' +
        'dynamic allocation off if you want exactly this many executors.',
    });
  }

  const min = int(MIN);
  const max = int(MAX);
  if (min !== undefined && max !== undefined && min > max && bool(DA) !== false) {
    out.push({
      settings: [g.get(MIN)!, g.get(MAX)!],
      message:
        `spark.dynamicAllocation.minExecutors (${min}) is larger than spark.dynamicAllocation.maxExecutors (${max}): ` +
        'with dynamic allocation on, the SparkContext fails to start ("minExecutors ... must be less than or equal to ' +
        'maxExecutors").',
    });
  }

  // Since Spark 3.4 shuffle tracking is on by default, so only an explicit `false` leaves nothing to keep shuffle files.
  const service = g.get(SHUFFLE_SERVICE);
  const tracking = g.get(TRACKING);
  if (daOn && da && service && tracking && bool(SHUFFLE_SERVICE) === false && bool(TRACKING) === false && !keepsShuffleElsewhere(ctx, g)) {
    out.push({
      settings: [da, service, tracking],
      message:
        'Dynamic allocation is on, but the external shuffle service and shuffle tracking are both off: nothing keeps the ' +
        'shuffle files of an executor that is removed, so the SparkContext fails to start ("Dynamic allocation of ' +
        'executors requires one of the following conditions: 1) enabling external shuffle service ... 2) enabling ' +
        'shuffle tracking ..."). Enable spark.dynamicAllocation.shuffleTracking.enabled (the usual choice on Kubernetes) ' +
        'or spark.shuffle.service.enabled where the cluster runs the shuffle service.',
    });
  }

  const aqe = g.get(AQE);
  if (aqe && bool(AQE) === false) {
    for (const [key, feature] of [
      ['spark.sql.adaptive.coalescePartitions.enabled', 'coalescing small shuffle partitions'],
      ['spark.sql.adaptive.skewJoin.enabled', 'splitting skewed join partitions'],
    ] as const) {
      const s = g.get(key);
      if (s && bool(key) === true) {
        out.push({
          settings: [aqe, s],
          message:
            `${key} = true has no effect because spark.sql.adaptive.enabled is false: ${feature} is part of Adaptive ` +
            'Query Execution and only runs when AQE is on. Enable AQE or drop this setting.',
        });
      }
    }
  }
  return out;
}

/** Decommissioning shuffle blocks or a reliable-storage shuffle plugin also satisfy dynamic allocation. */
function keepsShuffleElsewhere(ctx: RuleContext, g: { has(key: string): boolean }): boolean {
  return OTHER_SHUFFLE_KEEPERS.some((k) => g.has(k) || sessionSettings(ctx.model, k).length > 0);
}

export const conflictingConf: Rule = {
  code: 'PSA503',
  name: 'conflicting-conf',
  summary:
    'Session settings that contradict each other: dynamic allocation with fixed executor instances or without any shuffle keeper, minExecutors > maxExecutors, AQE features with AQE off.',
  defaultSeverity: 'warning',
  check(ctx: RuleContext) {
    for (const g of groups(ctx)) {
      for (const c of conflicts(ctx, g)) {
        const ordered = [...c.settings].sort((a, b) => a.start - b.start);
        const last = ordered[ordered.length - 1];
        ctx.report({
          start: last.start,
          end: last.end,
          message: c.message,
          related: ordered.slice(0, -1).map((s) => ({ start: s.start, end: s.end, message: `${s.key} is set here` })),
        });
      }
    }
  },
};
