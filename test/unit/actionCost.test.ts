import * as assert from 'node:assert/strict';
import { scannedTable } from '../../server/src/rules/helpers/actionCost';

describe('actionCost: a SQL query that only scans one table', () => {
  it('names the table of a SELECT that filters or projects one table', () => {
    const cases: [string, string][] = [
      ['SELECT * FROM {inference_table}', '{inference_table}'],
      ["select request_id, explode(records) as record from serving.payloads where day = '2024-06-01'", 'serving.payloads'],
      ["SELECT * FROM `main`.`ml`.`requests` WHERE note = 'join the queue; order by priority'", 'main.ml.requests'],
      ['SELECT a, b FROM shop.orders -- the last day only\n', 'shop.orders'],
    ];
    for (const [query, table] of cases) assert.equal(scannedTable(query), table, query);
  });

  it('refuses a query that joins, groups, sorts, deduplicates, windows, aggregates, nests or leaves a clause unresolved', () => {
    for (const query of [
      'SELECT * FROM a JOIN b ON a.id = b.id',
      'SELECT * FROM a, b',
      'SELECT region, sum(amount) FROM sales GROUP BY region',
      'SELECT count(*) FROM sales',
      'SELECT * FROM sales ORDER BY amount DESC',
      'SELECT DISTINCT customer_id FROM sales',
      'SELECT *, row_number() OVER (PARTITION BY a ORDER BY b) AS rn FROM t',
      'SELECT * FROM t WHERE id IN (SELECT id FROM u)',
      'SELECT * FROM t UNION ALL SELECT * FROM u',
      'SELECT {columns} FROM t',
      'SELECT * FROM t WHERE {condition}',
      'SELECT * FROM t LIMIT 10',
      'WITH d AS (SELECT * FROM t) SELECT * FROM d',
      undefined,
    ])
      assert.equal(scannedTable(query), undefined, String(query));
  });
});
