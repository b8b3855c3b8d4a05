import { syntaxRoot } from '../../server/src/parsing/syntaxTree';
import * as assert from 'node:assert/strict';
import type { CompletionItem, TextEdit } from 'vscode-languageserver';
import { confKeyCompletionsAt } from '../../server/src/completion/confKeys';
import { completionsAt } from '../../server/src/completion/sourceOptions';
import { check, loadParser } from './helpers';

/** Conf-key completions at the `|` in `source` (the bar is removed before parsing). */
async function complete(source: string): Promise<{ items: CompletionItem[] | undefined; text: string; offset: number }> {
  const offset = source.indexOf('|');
  assert.ok(offset >= 0, 'mark the cursor with |');
  const text = source.slice(0, offset) + source.slice(offset + 1);
  const tree = (await loadParser()).parse(text);
  try {
    return { items: confKeyCompletionsAt(syntaxRoot(tree, text), text, offset), text, offset };
  } finally {
    tree.delete();
  }
}

function item(items: CompletionItem[] | undefined, key: string): CompletionItem {
  const found = items?.find((i) => i.label === key);
  assert.ok(found, `no item ${key} among ${items?.length ?? 0}`);
  return found;
}

/** Text the item's edit produces (single-line sources). */
function applied(text: string, i: CompletionItem): string {
  const edit = i.textEdit as TextEdit;
  const lines = text.split('\n');
  const offsetOf = (p: { line: number; character: number }) => lines.slice(0, p.line).reduce((n, l) => n + l.length + 1, 0) + p.character;
  return text.slice(0, offsetOf(edit.range.start)) + edit.newText + text.slice(offsetOf(edit.range.end));
}

function docOf(i: CompletionItem): string {
  return typeof i.documentation === 'string' ? i.documentation : (i.documentation?.value ?? '');
}

describe('completion of Spark conf values', () => {
  it('offers the values Spark accepts for the key, the default first, replacing what is typed', async () => {
    const { items, text } = await complete('spark.conf.set("spark.sql.sources.partitionOverwriteMode", "dyn|")');
    assert.deepEqual(
      items?.map((i) => i.label),
      ['STATIC', 'DYNAMIC'],
    );
    assert.equal(items![0].sortText! < items![1].sortText!, true, 'the default (STATIC) sorts first');
    assert.equal(applied(text, item(items, 'DYNAMIC')), 'spark.conf.set("spark.sql.sources.partitionOverwriteMode", "DYNAMIC")');
    const codec = await complete('SparkSession.builder.config("spark.sql.parquet.compression.codec", "|").getOrCreate()');
    assert.ok(codec.items?.some((i) => i.label === 'zstd'));
  });

  it('offers true and false for boolean keys, and nothing for free-form or unknown keys', async () => {
    assert.deepEqual(
      (await complete('spark.conf.set("spark.sql.adaptive.enabled", "|")')).items?.map((i) => i.label),
      ['true', 'false'],
    );
    assert.equal((await complete('spark.conf.set("spark.sql.session.timeZone", "|")')).items, undefined);
    assert.equal((await complete('spark.conf.set("spark.my.setting", "|")')).items, undefined);
    assert.equal((await complete('df.write.option("spark.sql.adaptive.enabled", "|")')).items, undefined, 'not a conf call');
  });
});

describe('completion of Spark conf keys', () => {
  it('offers keys in SparkSession.builder.config("…"), with default and scope in the detail', async () => {
    const { items } = await complete('spark = SparkSession.builder.appName("x").config("|").getOrCreate()');
    const shuffle = item(items, 'spark.sql.shuffle.partitions');
    assert.equal(shuffle.detail, 'default 200 · runtime SQL config');
    assert.match(docOf(shuffle), /Since: Spark 1\.1\.0/);
    assert.match(docOf(shuffle), /number of partitions/i);
    item(items, 'spark.executor.memory');
  });

  it('marks static and core keys as belonging in the builder', async () => {
    const { items } = await complete('SparkSession.builder.config("|", "x")');
    assert.equal(item(items, 'spark.sql.extensions').detail, 'default (none) · static SQL config: set it in SparkSession.builder');
    assert.match(item(items, 'spark.executor.memory').detail!, /^default 1g · core config: set it in SparkSession\.builder$/);
    assert.equal(item(items, 'spark.executor.memory').tags, undefined, 'the builder is where they belong: not struck through');
  });

  it('in spark.conf.set, ranks the keys PSA501 flags last and marks them as it judges them', async () => {
    const { items } = await complete('spark.conf.set("|", "x")');
    const rejected = item(items, 'spark.sql.extensions');
    assert.equal(rejected.detail, 'PSA501: spark.conf.set rejects it · default (none) · static SQL config: set it in SparkSession.builder');
    assert.deepEqual(rejected.tags, [1]);
    const noEffect = item(items, 'spark.app.name');
    assert.match(noEffect.detail!, /^PSA501: no effect at runtime · /);
    assert.deepEqual(noEffect.tags, [1]);
    // After every key the diagnostics accept, deprecated ones included.
    const accepted = items!.filter((i) => !/^PSA501/.test(i.detail ?? ''));
    const last = accepted
      .map((i) => i.sortText!)
      .sort()
      .pop()!;
    for (const flagged of [rejected, noEffect, item(items, 'spark.executor.memory')])
      assert.ok(flagged.sortText! > last, `${flagged.label} sorts after ${last}`);
    // A runtime SQL key is neither.
    const shuffle = item(items, 'spark.sql.shuffle.partitions');
    assert.equal(shuffle.tags, undefined);
    assert.equal(shuffle.detail, 'default 200 · runtime SQL config');
  });

  it('what completion marks in spark.conf.set is exactly what PSA501 then reports', async () => {
    const { items } = await complete('spark.conf.set("spark.|", "x")');
    const marked = items!
      .filter((i) => /^PSA501/.test(i.detail ?? ''))
      .map((i) => i.label)
      .slice(0, 40);
    const unmarked = items!
      .filter((i) => !/^PSA501/.test(i.detail ?? ''))
      .map((i) => i.label)
      .slice(0, 40);
    assert.ok(marked.length > 5 && unmarked.length > 5);
    for (const [keys, flagged] of [
      [marked, true],
      [unmarked, false],
    ] as const) {
      const body = keys.map((k) => `spark.conf.set("${k}", "1")`).join('\n');
      const r = await check(`from pyspark.sql import SparkSession\nspark = SparkSession.builder.getOrCreate()\n${body}\n`);
      const reported = new Set(r.of('PSA501').map((f) => /"([^"]+)"/.exec(r.textOf(f))![1]));
      for (const k of keys) assert.equal(reported.has(k), flagged, `${k}: completion ${flagged ? 'marks' : 'does not mark'} it`);
    }
  });

  it('ranks runtime SQL keys before static and core ones in spark.conf.set, but not in the builder', async () => {
    const set = (await complete('spark.conf.set("|")')).items!;
    assert.ok(item(set, 'spark.sql.shuffle.partitions').sortText! < item(set, 'spark.executor.memory').sortText!);
    assert.ok(item(set, 'spark.sql.shuffle.partitions').sortText! < item(set, 'spark.sql.extensions').sortText!);
    const builder = (await complete('SparkSession.builder.config("|")')).items!;
    assert.ok(item(builder, 'spark.executor.memory').sortText! < item(builder, 'spark.sql.shuffle.partitions').sortText!);
  });

  it('covers spark.conf.get, SparkConf().set and a SparkConf held in a variable', async () => {
    assert.ok((await complete('n = spark.conf.get("|")')).items?.length);
    assert.ok((await complete('conf = SparkConf().setAppName("x").set("|", "1")')).items?.length);
    assert.ok((await complete('conf = SparkConf()\nconf.set("|", "1")')).items?.length);
    assert.ok((await complete('builder = SparkSession.builder.master("local")\nbuilder.config("|")')).items?.length);
  });

  it('replaces the typed dotted prefix, in a closed string and while it is still open', async () => {
    const closed = await complete('spark.conf.set("spark.sql.shuf|", "64")');
    assert.equal(applied(closed.text, item(closed.items, 'spark.sql.shuffle.partitions')), 'spark.conf.set("spark.sql.shuffle.partitions", "64")');
    // Keys that cannot match what is typed are left out of the answer.
    assert.ok(!closed.items!.some((i) => i.label === 'spark.executor.memory'));
    const middle = await complete("spark.conf.set('spark.sql.ad|aptive', 'true')");
    assert.equal(applied(middle.text, item(middle.items, 'spark.sql.adaptive.enabled')), "spark.conf.set('spark.sql.adaptive.enabled', 'true')");
    const open = await complete('spark = SparkSession.builder.config("spark.sql.ad|\n');
    assert.equal(applied(open.text, item(open.items, 'spark.sql.adaptive.enabled')), 'spark = SparkSession.builder.config("spark.sql.adaptive.enabled\n');
  });

  it('tags deprecated keys and sorts them last', async () => {
    const { items } = await complete('spark.conf.set("|")');
    const old = item(items, 'spark.sql.execution.arrow.enabled');
    assert.deepEqual(old.tags, [1]);
    assert.match(docOf(old), /spark\.sql\.execution\.arrow\.pyspark\.enabled/);
    assert.match(old.detail!, /^deprecated · /);
    assert.ok(old.sortText! > item(items, 'spark.sql.shuffle.partitions').sortText!);
    // Only the keys spark.conf.set would be flagged for (PSA501) come after deprecated ones.
    assert.ok(old.sortText! < item(items, 'spark.executor.memory').sortText!);
  });

  it('stays out of other strings: values, reader options, other .set/.get calls, plain strings', async () => {
    for (const source of [
      'spark.conf.set("spark.sql.shuffle.partitions", "|")',
      'spark.read.format("parquet").option("|")',
      'd = {}\nd.get("|")',
      'cache.set("|", 1)',
      'name = "spark.sql.|"',
      'spark.sql("SELECT |")',
    ]) {
      assert.equal((await complete(source)).items, undefined, source);
    }
  });

  it('is what completionsAt answers inside conf calls, and reader options still complete', async () => {
    const text = 'spark.conf.set("")';
    const tree = (await loadParser()).parse(text);
    try {
      assert.ok(completionsAt(syntaxRoot(tree, text), text, 16).some((i) => i.label === 'spark.sql.shuffle.partitions'));
      const reader = 'spark.readStream.format("kafka").option("")';
      const t2 = (await loadParser()).parse(reader);
      try {
        assert.ok(completionsAt(syntaxRoot(t2, reader), reader, reader.length - 2).some((i) => i.label === 'subscribe'));
      } finally {
        t2.delete();
      }
    } finally {
      tree.delete();
    }
  });
});
