import type { Fix } from '../../findings';
import type { Frame, SinkInfo } from '../../model/types';
import type { Node } from '../../parsing/pythonParser';
import { callParts, literalString, unwrapParens } from '../../parsing/syntax';
import type { Rule, RuleContext } from '../rule';

/**
 * Kafka client settings Spark's Kafka connector refuses (KafkaSourceProvider.validateGeneralOptions,
 * kafkaParamsForProducer): it manages offsets and (de)serialization itself, so these throw
 * IllegalArgumentException, for streaming and batch reads alike.
 */
const REJECTED_ON_READ: Record<string, string> = {
  'kafka.auto.offset.reset':
    'Spark tracks offsets itself: set the source option startingOffsets ("earliest" / "latest"), which applies when a ' +
    'query starts with no checkpoint (a restarted query resumes where its checkpoint left off).',
  'kafka.enable.auto.commit':
    'Spark never commits offsets to Kafka: they live in the query\'s checkpoint. Remove the option (a consumer-group ' +
    'lag monitor sees no commits either way).',
  'kafka.key.deserializer':
    'Keys always arrive as bytes (ByteArrayDeserializer): remove it and cast or parse the key column, ' +
    'e.g. col("key").cast("string").',
  'kafka.value.deserializer':
    'Values always arrive as bytes (ByteArrayDeserializer): remove it and parse the value column, ' +
    'e.g. from_json(col("value").cast("string"), schema).',
  'kafka.interceptor.classes':
    'Interceptors could change the records under Spark\'s offset tracking, so Spark forbids them: move the logic ' +
    'into DataFrame operations on the records.',
};

const REJECTED_ON_WRITE: Record<string, string> = {
  'kafka.key.serializer':
    'The sink always writes the key column as bytes (ByteArraySerializer): remove it and make `key` a string or ' +
    'binary column (e.g. to_json(...) or cast("string")).',
  'kafka.value.serializer':
    'The sink always writes the value column as bytes (ByteArraySerializer): remove it and make `value` a string or ' +
    'binary column (e.g. to_json(struct(...))).',
};

/**
 * Consumer settings written without the `kafka.` prefix: Spark passes only `kafka.*` options to the
 * consumer, and these are not source options, so they are silently ignored.
 */
const IGNORED_UNPREFIXED: Record<string, string> = {
  'auto.offset.reset':
    'The query starts where startingOffsets says, which defaults to "latest" for a stream (records already in the ' +
    'topic are skipped) and "earliest" for a batch read. Use .option("startingOffsets", ...) instead.',
  'enable.auto.commit': 'Spark never commits offsets to Kafka anyway: remove it.',
  'group.id':
    'The consumer group stays a generated, per-query one. If a fixed group is really needed (ACLs), set ' +
    'kafka.group.id, knowing that two queries sharing a group steal each other\'s partitions; otherwise remove it.',
  'bootstrap.servers': 'Spark refuses to start without kafka.bootstrap.servers: rename the option.',
};

export const kafkaOptionRejected: Rule = {
  code: 'PSA211',
  name: 'kafka-option-rejected',
  summary: 'A Kafka source or sink option Spark refuses (kafka.auto.offset.reset, kafka.enable.auto.commit, (de)serializers, interceptors) or silently ignores (consumer settings without the kafka. prefix).',
  defaultSeverity: 'error',
  check(ctx: RuleContext) {
    const seen = new Set<string>();
    const once = (node: Node, key: string) => {
      const id = `${node.startIndex}:${key}`;
      if (seen.has(id)) return false;
      seen.add(id);
      return true;
    };
    for (const f of ctx.model.frames) {
      const s = f.source;
      if (!s || s.kind !== 'read' || s.format?.toLowerCase() !== 'kafka') continue;
      for (const key of s.options.keys()) {
        const rejected = REJECTED_ON_READ[key];
        const ignored = IGNORED_UNPREFIXED[key];
        if (!rejected && !ignored) continue;
        // Beside kafka.bootstrap.servers, an unprefixed copy is ignored and harmless.
        if (key === 'bootstrap.servers' && (s.options.has('kafka.bootstrap.servers') || s.optionsUnknown)) continue;
        const call = optionCallInChain(s.node, key);
        const at = call?.call ?? s.node;
        if (!once(at, key)) continue;
        const start = call?.parts.nameNode?.startIndex ?? s.node.startIndex;
        const original = call?.keyText ?? key;
        ctx.report({
          start,
          end: at.endIndex,
          severity: rejected ? 'error' : 'warning',
          message: rejected
            ? `Kafka option '${original}' is refused by Spark: the query fails before reading anything with ` +
              `IllegalArgumentException "Kafka option '${key.slice('kafka.'.length)}' is not supported". ${rejected}`
            : `Spark silently ignores '${original}': only "kafka"-prefixed options reach the consumer, and it is no source option. ${ignored}`,
          fixes: call ? readFixes(key, call, f) : [],
        });
      }
    }
    for (const sink of ctx.model.sinks) {
      if (sink.format?.toLowerCase() !== 'kafka') continue;
      for (const [key, setting] of sink.options) {
        const rejected = REJECTED_ON_WRITE[key];
        if (!rejected) continue;
        const at = optionCallOf(setting.node) ?? sink.call;
        if (!once(at, key)) continue;
        ctx.report({
          start: (callParts(at)?.nameNode ?? at).startIndex,
          end: at.endIndex,
          message:
            `Kafka option '${key}' is refused by Spark's Kafka sink: the write fails with IllegalArgumentException ` +
            `"Kafka option '${key.slice('kafka.'.length)}' is not supported". ${rejected}`,
          related: [{ start: sinkStart(sink), end: sink.call.endIndex, message: 'the Kafka sink' }],
        });
      }
    }
  },
};

interface OptionCall {
  call: Node;
  parts: NonNullable<ReturnType<typeof callParts>>;
  keyNode: Node;
  keyText: string;
}

const MAX_CHAIN = 500;

/** The `.option("<key>", v)` call among the reader calls `terminal` hangs off, when the chain is one expression. */
function optionCallInChain(terminal: Node, key: string): OptionCall | undefined {
  let n: Node | null = terminal;
  for (let i = 0; n && i < MAX_CHAIN; i++) {
    n = unwrapParens(n);
    if (n.type !== 'call') return undefined;
    const parts = callParts(n);
    if (!parts?.object) return undefined;
    if (parts.name === 'option' && parts.args[0]) {
      const k = literalString(parts.args[0]);
      if (k !== undefined && k.toLowerCase() === key) return { call: n, parts, keyNode: parts.args[0], keyText: k };
    }
    n = parts.object;
  }
  return undefined;
}

/** The `.option(...)` call whose value argument is `valueNode`. */
function optionCallOf(valueNode: Node): Node | undefined {
  const call = valueNode.parent?.parent;
  return call?.type === 'call' && callParts(call)?.name === 'option' ? call : undefined;
}

function sinkStart(sink: SinkInfo): number {
  return sink.writerNode.startIndex;
}

function readFixes(key: string, c: OptionCall, frame: Frame): Fix[] {
  const value = c.parts.args[1] ? literalString(c.parts.args[1])?.toLowerCase() : undefined;
  if (key === 'kafka.auto.offset.reset' || key === 'auto.offset.reset') {
    // "none" (fail when no committed offset) has no startingOffsets equivalent; a set startingOffsets already wins.
    if ((value !== 'earliest' && value !== 'latest') || frame.source?.options.has('startingOffsets')) return [];
    const quote = c.keyNode.text[0] === "'" ? "'" : '"';
    return [
      {
        title: `Use startingOffsets="${value}"`,
        edits: [{ start: c.keyNode.startIndex, end: c.keyNode.endIndex, newText: `${quote}startingOffsets${quote}` }],
        applicability: 'unsafe',
        reason: 'the query now starts (and reads from that offset); startingOffsets applies only to a query without a checkpoint',
      },
    ];
  }
  if (key === 'kafka.enable.auto.commit' || key === 'enable.auto.commit') {
    const between = c.call.text.slice(c.parts.object!.endIndex - c.call.startIndex, c.parts.callee.childForFieldName('attribute')!.startIndex - c.call.startIndex);
    // A comment between the previous call and `.option` would go with it.
    if (between.includes('#')) return [];
    const edit = { start: c.parts.object!.endIndex, end: c.call.endIndex, newText: '' };
    return [
      key === 'enable.auto.commit'
        ? { title: 'Remove the ignored option', edits: [edit], applicability: 'safe' }
        : {
            title: 'Remove the option',
            edits: [edit],
            applicability: 'unsafe',
            reason: 'the query now starts instead of failing; offsets stay in the checkpoint, never committed to Kafka',
          },
    ];
  }
  return [];
}
