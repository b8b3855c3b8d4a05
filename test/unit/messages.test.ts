import * as assert from 'node:assert/strict';
import { formatMessage, splitMessage } from '../../server/src/messages';
import { loadParser } from './helpers';
import { analyseFixture, ruleFixtures } from './ruleFixtures';

describe('finding messages: a short first line', () => {
  it('ends the headline at the first top-level colon or full stop', () => {
    assert.deepEqual(splitMessage('Streaming aggregation without a watermark: Spark keeps every group in state forever. Add withWatermark().'), {
      headline: 'Streaming aggregation without a watermark.',
      detail: 'Spark keeps every group in state forever. Add withWatermark().',
    });
    assert.deepEqual(splitMessage('coalesce(1) before a write funnels the whole dataset through a single task: one executor does all the work.'), {
      headline: 'coalesce(1) before a write funnels the whole dataset through a single task.',
      detail: 'One executor does all the work.',
    });
  });

  it('does not stop inside quotes, brackets, paths, numbers or abbreviations', () => {
    assert.equal(
      splitMessage('"1.5g" is not a valid value for spark.executor.memory, which takes a size: sizes must be whole numbers.').headline,
      '"1.5g" is not a valid value for spark.executor.memory, which takes a size.',
    );
    assert.equal(
      splitMessage('checkpointLocation "s3://a. b: c" is odd (see e.g. PSA204: it matters). Why.').headline,
      'checkpointLocation "s3://a. b: c" is odd (see e.g. PSA204: it matters).',
    );
    assert.equal(
      splitMessage('hash() used as a fingerprint (the input is str(...)): Python salts str hashing.').headline,
      'hash() used as a fingerprint (the input is str(...)).',
    );
  });

  it('a short label runs on to the next full stop, so the first line still says where', () => {
    assert.deepEqual(splitMessage('Layer skip: this gold step reads bronze data ("s3://raw/x") directly, skipping silver. Gold tables then differ.'), {
      headline: 'Layer skip: this gold step reads bronze data ("s3://raw/x") directly, skipping silver.',
      detail: 'Gold tables then differ.',
    });
  });

  it('one sentence stays one line; formatMessage puts the detail on the next line', () => {
    assert.deepEqual(splitMessage('A Column compared with None'), { headline: 'A Column compared with None.', detail: '' });
    assert.equal(formatMessage('Streaming aggregation without a watermark: why. Fix.'), 'Streaming aggregation without a watermark.\nWhy. Fix.');
    assert.equal(formatMessage('Only this.'), 'Only this.');
  });

  it('every finding of the rule fixtures leads with one short sentence, and keeps its why and fix after it', async () => {
    const parser = await loadParser();
    const long: string[] = [];
    let checked = 0;
    for (const fixture of ruleFixtures()) {
      for (const file of analyseFixture(parser, fixture)) {
        for (const f of file.findings) {
          const { headline, detail } = splitMessage(f.message);
          checked++;
          if (headline.length > 130 || !/[.?]$/.test(headline)) long.push(`${f.code} ${file.name}: [${headline.length}] ${headline}`);
          assert.ok(detail.length > 0, `${f.code} ${file.name}: no why or fix after "${headline}"`);
        }
      }
    }
    assert.ok(checked > 100, `only ${checked} findings in the fixtures`);
    assert.deepEqual(long, []);
  });
});
