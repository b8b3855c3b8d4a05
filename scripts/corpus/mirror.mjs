// Reading repositories from local git mirrors (bare or not) without a work tree.
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';

export const DEFAULT_MIRRORS = process.env.CORPUS_MIRRORS || '/work/.mirror';
export const DEFAULT_OUT = process.env.CORPUS_DIR || '/work/corpus-dev';

/** The folder name of a repository in the rebuilt corpus: owner__name (one level, no slash). */
export function repoFolder(repo) {
  return repo.replace('/', '__');
}

/**
 * The git directory of `owner/name` under `mirrors`, or undefined. Accepts the layouts the fetch
 * tool produces (`owner+name/repo` bare, `owner+name/repo/.git`) and plain clones
 * (`owner/name`, `owner__name`).
 */
export function findGitDir(mirrors, repo) {
  const [owner, name] = repo.split('/');
  const candidates = [
    join(mirrors, `${owner}+${name}`, 'repo', '.git'),
    join(mirrors, `${owner}+${name}`, 'repo'),
    join(mirrors, `${owner}+${name}`),
    join(mirrors, owner, name, '.git'),
    join(mirrors, owner, name),
    join(mirrors, `${owner}__${name}`, '.git'),
    join(mirrors, `${owner}__${name}`),
  ];
  for (const dir of candidates) {
    if (!existsSync(join(dir, 'HEAD')) || !existsSync(join(dir, 'objects'))) continue;
    const r = spawnSync('git', ['--git-dir', dir, 'rev-parse', '--verify', '--quiet', 'HEAD^{commit}'], { encoding: 'utf8' });
    if (r.status === 0) return dir;
  }
  return undefined;
}

export function git(gitDir, args, opts = {}) {
  return execFileSync('git', ['--git-dir', gitDir, ...args], { encoding: 'utf8', maxBuffer: 1 << 28, ...opts });
}

export function hasCommit(gitDir, commit) {
  return spawnSync('git', ['--git-dir', gitDir, 'cat-file', '-e', `${commit}^{commit}`]).status === 0;
}

/** Reads many blobs (`rev:path` specs) in one `git cat-file --batch`; returns Buffers (undefined when missing). */
export function readBlobs(gitDir, specs) {
  if (!specs.length) return [];
  const out = execFileSync('git', ['--git-dir', gitDir, 'cat-file', '--batch'], { input: specs.join('\n') + '\n', maxBuffer: 1 << 30 });
  const blobs = [];
  let pos = 0;
  for (let i = 0; i < specs.length; i++) {
    const nl = out.indexOf(10, pos);
    const header = out.subarray(pos, nl).toString('utf8');
    pos = nl + 1;
    if (header.endsWith(' missing') || header.endsWith(' ambiguous')) {
      blobs.push(undefined);
      continue;
    }
    const size = Number(header.split(' ')[2]);
    blobs.push(out.subarray(pos, pos + size));
    pos += size + 1;
  }
  return blobs;
}

/** How to get a repository the rebuild could not find. */
export function fetchHint(repo, commit) {
  return `fetch it with the search tool's fetch (source github:${repo}), or: git clone https://github.com/${repo} <mirrors>/${repo.replace('/', '__')} && git -C <mirrors>/${repo.replace('/', '__')} checkout ${commit}`;
}
