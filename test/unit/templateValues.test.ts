import * as assert from 'node:assert/strict';
import { isPlaceholderPath, isPlaceholderServers } from '../../server/src/rules/helpers/templateValues';

describe('documentation stand-in values (templateValues)', () => {
  it('takes a broker list with a port written as a word for a template', () => {
    for (const s of ['host1:port1,host2:port2', 'host:port', 'broker:PORT', '<host>:<port>', 'kafka1:9092,host2:port2']) assert.ok(isPlaceholderServers(s), s);
  });

  it('leaves real and run-time broker lists alone', () => {
    for (const s of [
      'broker1:9092,broker2:9092',
      'localhost:9092',
      'kafka:29092',
      '{host}:{port}',
      'localhost:${KAFKA_PORT}',
      'b-1.msk.amazonaws.com:9098',
      'kafka',
    ])
      assert.ok(!isPlaceholderServers(s), s);
  });

  it("takes the guides' paths for templates, a deployment's for real", () => {
    for (const p of ['/path/to/checkpoint', 'dbfs:/path/to/your/files/', 's3://<bucket>/_chk']) assert.ok(isPlaceholderPath(p), p);
    for (const p of ['s3://lake/_chk/orders', '/mnt/raw/events', 'dbfs:/tmp/chk']) assert.ok(!isPlaceholderPath(p), p);
  });
});
