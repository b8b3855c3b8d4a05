import * as assert from 'node:assert/strict';
import { selectsFromNothing } from '../../server/src/rules/helpers/fabricated';

describe('fabricated: a SQL query that reads nothing', () => {
  it('takes a SELECT with no FROM for generated rows, its literals and comments aside', () => {
    for (const query of [
      "SELECT explode(sequence(to_date('2020-01-01'), to_date('2030-12-31'), interval 1 day)) AS fecha",
      // an f-string part the model could not resolve, inside a quoted literal: a value, not a clause
      "\n  select explode(sequence(to_date('{start_date}'), to_date('{end_date}'))) as d\n",
      'SELECT explode(sequence(0, 23)) AS hour -- the hours of the day',
      "SELECT 'from the archive' AS label, 1 AS n",
      '(SELECT current_date() AS today)',
    ])
      assert.ok(selectsFromNothing(query), query);
  });

  it('keeps every query that may read a table: FROM, TABLE, a clause left unresolved, not a SELECT, unknown', () => {
    for (const query of [
      'SELECT * FROM silver.donations',
      'SELECT (SELECT max(amount) FROM silver.donations) AS top',
      'SELECT donor_id, amount {source_clause}',
      'TABLE silver.donors',
      'VALUES (1, 2), (3, 4)',
      'WITH d AS (SELECT * FROM t) SELECT * FROM d',
      'SHOW TABLES',
      'SELECT 1 /* FROM nowhere */ FROM range(10)',
      undefined,
    ])
      assert.ok(!selectsFromNothing(query), String(query));
  });
});
