import { damerauLevenshtein } from '../helpers/editDistance';
import type { Fix } from '../../findings';
import type { Node } from '../../parsing/pythonParser';
import { literalString, unwrapParens } from '../../parsing/syntax';
import type { Rule, RuleContext } from '../rule';
import { OPEN_CONF_PREFIXES, SPARK_CONF_KEYS } from '../../spark/conf/sparkConfKeys';
import { nodesOfType } from '../../model/syntaxIndex';
import { confEntry } from '../../spark/conf/sparkConf';

const MAX_DISTANCE = 2;

export const unknownSparkConf: Rule = {
  code: 'PSA502',
  name: 'unknown-spark-conf',
  summary:
    'A spark.* key that is not a Spark config but a near miss of one (typo, plural, swapped segments), a key ending in the separator of a key=value line (spark.x=), or an environment variable written as a key (spark.local.ip).',
  defaultSeverity: 'warning',
  check(ctx: RuleContext) {
    for (const { key, node, hasValue } of confKeys(ctx)) {
      const joined = hasValue ? undefined : keyWithValue(key);
      if (joined) {
        // `.config("spark.sql.catalog.spark_catalog, org.apache.iceberg.spark.SparkSessionCatalog")`:
        // the value was meant as a second argument. Squeezing out the space would still leave one
        // unknown key, so the near-miss advice (and its fix) would be wrong here.
        ctx.report({
          node,
          message:
            `A config key and its value written as one string, with no value argument: the builder stores "${key}" as ` +
            `the name of an unknown config (with the value "None"), so "${joined.key}" is never set and its default stays ` +
            `in force. Pass them as two arguments: ("${joined.key}", "${joined.value}").`,
        });
        continue;
      }
      const bare = hasValue ? withoutSeparator(key) : undefined;
      if (bare) {
        // `.config("spark.streaming.concurrentJobs=", n)`: the separator of a `key=value` line kept in
        // the key. Whether or not the key is one we know, no Spark key ends in `=`, `:` or `,`.
        ctx.report({
          node,
          message:
            `"${key}" ends with the separator of a key=value line: Spark keeps it as part of the name, so "${bare}" is ` +
            'never set and its default stays in force.',
          fixes: replaceFixes(node, [bare]),
        });
        continue;
      }
      // SPARK_LOCAL_IP written as `spark.local.ip`: the nearest key (`spark.local.dir`) would be the
      // wrong advice and a harmful fix (a scratch directory named after an IP address).
      const env = ENVIRONMENT_ONLY.get(key);
      if (env) {
        ctx.report({
          node,
          message:
            `"${key}" is not a Spark config — Spark reads ${env.variable} from the environment only: ${env.what}. ` +
            'Spark silently ignores unknown keys, so this setting has no effect ' +
            'and the default stays in force.',
        });
        continue;
      }
      const suggestions = suggestFor(key);
      if (!suggestions.length) {
        // `maxNumPostShufflePartitions` is two edits from `minNumPostShufflePartitions`, but the
        // nearest key sets the other bound: naming it as the typo's correction, with a fix, would
        // move the user's value to the opposite limit. The key still does nothing: say so, no fix.
        const other = otherBound(key);
        if (other) {
          ctx.report({
            node,
            message:
              `"${key}" is not a Spark config, nor a misspelling of one. The nearest key, "${other.key}", sets the ` +
              `${other.sets}, not the ${other.meant}: a different setting. Spark silently ignores unknown keys, ` +
              'so this setting has no effect and the default stays in force.',
          });
        }
        continue;
      }
      const [best] = suggestions;
      const alternatives =
        suggestions.length > 1
          ? ` (or ${suggestions
              .slice(1)
              .map((s) => `"${s}"`)
              .join(', ')})`
          : '';
      // Spark does not trim keys set through the API: `"spark.sql.shuffle.partitions "` is another key.
      const spaced = /\s/.test(key) ? ' (the key contains whitespace, which Spark keeps as part of the name)' : '';
      ctx.report({
        node,
        message:
          `"${key}" is not a Spark config — did you mean "${best}"${alternatives}?${spaced} Spark silently ignores unknown ` +
          'keys, so this setting has no effect and the default stays in force.',
        fixes: replaceFixes(node, suggestions),
      });
    }
  },
};

/**
 * Settings Spark reads only from the environment (conf/spark-env.sh or the process's own), which
 * people write as `spark.*` keys after the variable's name: what each variable does, and the config
 * that does it for the driver where there is one. Not near misses: no key to rewrite them to.
 */
const ENVIRONMENT_ONLY = new Map<string, { variable: string; what: string }>([
  [
    'spark.local.ip',
    {
      variable: 'SPARK_LOCAL_IP',
      what: 'it is the address Spark binds to on a machine (set it in conf/spark-env.sh or the process environment; for the driver alone the config is spark.driver.bindAddress)',
    },
  ],
  [
    'spark.local.hostname',
    { variable: 'SPARK_LOCAL_HOSTNAME', what: 'it is the host name Spark uses for a machine (for the driver the config is spark.driver.host)' },
  ],
  ['spark.public.dns', { variable: 'SPARK_PUBLIC_DNS', what: 'it is the host name Spark advertises to other machines and in its UI' }],
]);

/** Keys of spark.conf.set / builder.config / SparkConf().set, and `spark.*` keys of dict literals. */
function confKeys(ctx: RuleContext): { key: string; node: Node; hasValue: boolean }[] {
  const out: { key: string; node: Node; hasValue: boolean }[] = [];
  for (const conf of ctx.model.confSets) {
    // Only the builder's config(key, value=None) accepts one argument (it stores the value "None");
    // conf.set and SparkConf.set without a value raise TypeError at once.
    const hasValue = !!conf.valueNode || conf.via !== 'builder.config';
    if (conf.key?.trimStart().startsWith('spark.')) out.push({ key: conf.key, node: conf.keyNode, hasValue });
  }
  for (const pair of nodesOfType(ctx.model, 'pair')) {
    const k = pair.childForFieldName('key');
    const key = k ? literalString(k) : undefined;
    if (k && key?.trimStart().startsWith('spark.')) out.push({ key, node: k, hasValue: true });
  }
  return out;
}

/**
 * `"spark.x.y, value"` / `"spark.x.y=value"` / `"spark.x.y: value"`: a known (or free-form) key, a
 * separator and a value in the one string of a call that passes no value.
 */
export function keyWithValue(text: string): { key: string; value: string } | undefined {
  const m = /^\s*(spark\.[\w.-]+)\s*(?:,|=|:(?=\s))\s*(\S(?:.*\S)?)\s*$/.exec(text);
  if (!m) return undefined;
  const [, key, value] = m;
  return SPARK_CONF_KEYS.has(key) || OPEN_CONF_PREFIXES.some((p) => key.startsWith(p)) ? { key, value } : undefined;
}

/** `"spark.x.y="` / `"spark.x.y :"` / `"spark.x.y,"`: a plain key followed only by a separator. */
export function withoutSeparator(text: string): string | undefined {
  return /^\s*(spark\.[\w.-]+)\s*[=:,]\s*$/.exec(text)?.[1];
}

export { damerauLevenshtein };

/** Known keys `key` is a near miss of, closest first; empty when `key` is known or free-form. */
export function suggestFor(key: string): string[] {
  // `"spark.sql.shuffle.partitions "`, `"spark.sql. adaptive.enabled"`: a known key once the whitespace is gone.
  const squeezed = key.replace(/\s+/g, '');
  if (squeezed !== key && squeezed.startsWith('spark.')) {
    if (SPARK_CONF_KEYS.has(squeezed) || OPEN_CONF_PREFIXES.some((p) => squeezed.startsWith(p))) return [squeezed];
    return suggestFor(squeezed);
  }
  if (SPARK_CONF_KEYS.has(key) || OPEN_CONF_PREFIXES.some((p) => key.startsWith(p)) || !/^spark\.[\w.-]+$/.test(key)) return [];
  const swapped = segmentSwaps(key).filter((k) => SPARK_CONF_KEYS.has(k));
  if (swapped.length) return current(swapped).slice(0, 2);
  let best = MAX_DISTANCE + 1;
  let found: string[] = [];
  const otherBounds = boundSwaps(key);
  for (const known of SPARK_CONF_KEYS) {
    if (Math.abs(known.length - key.length) > MAX_DISTANCE || otherBounds.includes(known)) continue;
    const d = known.toLowerCase() === key.toLowerCase() ? 0.5 : damerauLevenshtein(key, known, best);
    if (d > MAX_DISTANCE) continue;
    if (d < best) {
      best = d;
      found = [known];
    } else if (d === best) found.push(known);
  }
  // A key that is itself a prefix of known keys (`spark.sql.adaptive`) is a namespace, not a typo.
  if ([...SPARK_CONF_KEYS].some((k) => k.startsWith(`${key}.`))) return [];
  return current(found.sort()).slice(0, 2);
}

/**
 * What to write today for each near miss: a key Spark deprecated in favour of another known key
 * (`spark.sql.execution.arrow.enabled`, the nearest key to `spark.sql.execution.pyarrow.enabled`)
 * becomes the key it names. Only a plain "use X" / "Use 'X' instead" / "replaced by 'X'" counts; a
 * note that asks for another value ("Set 'X' to false instead") is not a rename.
 */
function current(keys: string[]): string[] {
  const out = keys.map((k) => {
    const note = confEntry(k)?.deprecated ?? '';
    const use = /^use (spark\.[\w.-]+)$|\b[Uu]se ['`](spark\.[\w.-]+)['`] instead\b|\breplaced by ['`](spark\.[\w.-]+)['`]/.exec(note);
    const to = use && (use[1] ?? use[2] ?? use[3]);
    return to && SPARK_CONF_KEYS.has(to) ? to : k;
  });
  return [...new Set(out)];
}

/**
 * `key` with one of its `min`/`max` words turned into the other (`maxNumPostShufflePartitions` →
 * `minNumPostShufflePartitions`, `spark.foo.Max` → `spark.foo.Min`). A word is `min`/`max` starting a
 * segment or a camel-case hump and not running on in lower case (`minimum`, `maxed` are other words).
 */
function boundSwaps(key: string): string[] {
  const out: string[] = [];
  const flip: Record<string, string> = { i: 'a', a: 'i', n: 'x', x: 'n', I: 'A', A: 'I', N: 'X', X: 'N' };
  for (const m of key.matchAll(/min|max/gi)) {
    const i = m.index;
    const word = m[0];
    const before = i > 0 ? key[i - 1]! : '.';
    const after = key[i + 3] ?? '.';
    const startsWord = /[._-]/.test(before) || (/[a-z0-9]/.test(before) && /^[A-Z]/.test(word));
    if (!startsWord || /[a-z]/.test(after)) continue;
    const swapped = word[0] + flip[word[1]!]! + flip[word[2]!]!;
    out.push(key.slice(0, i) + swapped + key.slice(i + 3));
  }
  return out;
}

/** The known key that is `key` with min and max exchanged, and which bound each one sets. */
export function otherBound(key: string): { key: string; sets: string; meant: string } | undefined {
  const squeezed = key.replace(/\s+/g, '');
  // The same keys suggestFor passes over (known, free-form, not a plain key, a namespace of known keys)
  // are passed over here, so this only ever speaks of a key suggestFor would have matched to the other bound.
  if (
    SPARK_CONF_KEYS.has(squeezed) ||
    OPEN_CONF_PREFIXES.some((p) => squeezed.startsWith(p)) ||
    !/^spark\.[\w.-]+$/.test(squeezed) ||
    [...SPARK_CONF_KEYS].some((k) => k.startsWith(`${squeezed}.`))
  )
    return undefined;
  const known = boundSwaps(squeezed).find((k) => SPARK_CONF_KEYS.has(k));
  if (!known) return undefined;
  // The first position where the two differ is inside the swapped word: its second letter says which.
  let i = 0;
  while (known[i] === squeezed[i]) i++;
  const setsMin = /[iI]/.test(known[i]!);
  return { key: known, sets: setsMin ? 'minimum' : 'maximum', meant: setsMin ? 'maximum' : 'minimum' };
}

/** `spark.sql.partitions.shuffle` → `spark.sql.shuffle.partitions`: adjacent segments swapped. */
function segmentSwaps(key: string): string[] {
  const segs = key.split('.');
  const out: string[] = [];
  for (let i = 1; i + 1 < segs.length; i++) {
    const s = [...segs];
    [s[i], s[i + 1]] = [s[i + 1], s[i]];
    out.push(s.join('.'));
  }
  return out;
}

function replaceFixes(node: Node, suggestions: string[]): Fix[] {
  const n = unwrapParens(node);
  // Only a single plain literal can be rewritten in place, keeping its quotes and prefix.
  if (n.type !== 'string' || literalString(n) === undefined) return [];
  const content = n.children.filter((c) => c?.type === 'string_content');
  if (content.length !== 1 || n.children.some((c) => c?.type === 'escape_sequence')) return [];
  const c = content[0]!;
  return suggestions.map((s, i) => ({
    title: `Replace with "${s}"`,
    edits: [{ start: c.startIndex, end: c.endIndex, newText: s }],
    applicability: 'unsafe' as const,
    reason: suggestions.length === 1 && i === 0 ? 'the setting now takes effect' : 'a guess: the setting now takes effect',
  }));
}
