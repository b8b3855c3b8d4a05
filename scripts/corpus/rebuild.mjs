// Recreates the development corpus from the manifest, outside the repository:
//   node scripts/corpus/rebuild.mjs [--out DIR] [--mirrors DIR] [--manifest FILE]
// writes DIR/<owner>__<name>/<path> for every file of manifest.json, read at the manifest's commit
// from the git mirrors (default /work/.mirror, as the fetch tool lays them out; plain clones work
// too). Repositories that are missing, or whose mirror lacks the commit, are named with how to get them.
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { DEFAULT_MIRRORS, DEFAULT_OUT, fetchHint, findGitDir, hasCommit, readBlobs, repoFolder } from './mirror.mjs';

const here = dirname(fileURLToPath(import.meta.url));
export const MANIFEST = join(here, 'manifest.json');
const STAMP = '.manifest-sha256';

export function manifestHash(manifest = MANIFEST) {
  return createHash('sha256').update(readFileSync(manifest)).digest('hex');
}

/** The corpus at `out` was rebuilt from the current manifest (and completely). */
export function isCurrent(out, manifest = MANIFEST) {
  const stamp = join(out, STAMP);
  return existsSync(stamp) && readFileSync(stamp, 'utf8').trim() === manifestHash(manifest);
}

export function rebuild({ out = DEFAULT_OUT, mirrors = DEFAULT_MIRRORS, manifest: manifestFile = MANIFEST, log = console.log } = {}) {
  const repoRoot = resolve(here, '../..');
  if (resolve(out) === repoRoot || resolve(out).startsWith(repoRoot + '/')) throw new Error(`the corpus must live outside the repository (${out})`);
  const manifest = JSON.parse(readFileSync(manifestFile, 'utf8'));
  const missing = [];
  let written = 0;
  mkdirSync(out, { recursive: true });
  rmSync(join(out, STAMP), { force: true });
  for (const { repo, commit, files } of manifest.repos) {
    const gitDir = findGitDir(mirrors, repo);
    if (!gitDir || !hasCommit(gitDir, commit)) {
      missing.push({ repo, commit, why: gitDir ? `the mirror ${gitDir} lacks commit ${commit}` : `no mirror under ${mirrors}` });
      continue;
    }
    const dest = join(out, repoFolder(repo));
    rmSync(dest, { recursive: true, force: true });
    const blobs = readBlobs(
      gitDir,
      files.map((f) => `${commit}:${f}`),
    );
    files.forEach((f, i) => {
      if (!blobs[i]) {
        missing.push({ repo, commit, why: `${f} is not in commit ${commit}` });
        return;
      }
      const target = join(dest, f);
      mkdirSync(dirname(target), { recursive: true });
      writeFileSync(target, blobs[i]);
      written++;
    });
  }
  log(`wrote ${written} files of ${manifest.repos.length} repositories under ${out}`);
  if (missing.length) {
    log(`MISSING ${missing.length}:`);
    for (const m of missing) log(`  ${m.repo}: ${m.why}; ${fetchHint(m.repo, m.commit)}`);
  } else {
    writeFileSync(join(out, STAMP), manifestHash(manifestFile) + '\n');
  }
  return { written, missing, repos: manifest.repos };
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const args = process.argv.slice(2);
  const opt = (name, dflt) => (args.includes(name) ? args[args.indexOf(name) + 1] : dflt);
  try {
    const { missing } = rebuild({ out: opt('--out', DEFAULT_OUT), mirrors: opt('--mirrors', DEFAULT_MIRRORS), manifest: resolve(opt('--manifest', MANIFEST)) });
    if (missing.length) process.exitCode = 1;
  } catch (e) {
    console.error(`rebuild: ${e.message}`);
    process.exitCode = 2;
  }
}
