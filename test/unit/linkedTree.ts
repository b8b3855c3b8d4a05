import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

const WRITE =
  'from pyspark.sql import SparkSession\nspark = SparkSession.builder.getOrCreate()\nspark.read.parquet("s3://in/x").coalesce(1).write.parquet("s3://out/y")\n';

/** repo/ with a job, a link to a folder outside, a link to a file outside, and a link inside; outside/ beside it. */
export function linkedTree(): { base: string; repo: string; outside: string } {
  const base = fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), 'psa-links-')));
  const repo = path.join(base, 'repo');
  const outside = path.join(base, 'outside');
  fs.mkdirSync(path.join(repo, 'jobs'), { recursive: true });
  fs.mkdirSync(outside);
  fs.writeFileSync(path.join(repo, 'jobs', 'job.py'), WRITE);
  fs.writeFileSync(path.join(outside, 'secret.py'), WRITE.replace('s3://out/y', 's3://secret/z'));
  fs.symlinkSync(outside, path.join(repo, 'elsewhere'));
  fs.symlinkSync(path.join(outside, 'secret.py'), path.join(repo, 'linked_secret.py'));
  fs.symlinkSync(path.join(repo, 'jobs'), path.join(repo, 'jobs_alias'));
  return { base, repo, outside };
}
