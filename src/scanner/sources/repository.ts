import { readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { Env } from '../../core/io.js';
import { GIT_NOT_STARTED, type GitRunner } from '../../git/git.js';
import { spawnGitReader } from '../git-stream.js';
import { firstLine, nearestGitEntry } from '../../git/repo.js';
import type { Gap, PartialClone } from '../gaps.js';

/** What the history scan can read: no repository at all, a gap that stops it, or the repository. */
export type HistoryAccess =
  | { kind: 'none' }
  | { kind: 'gap'; gap: Gap }
  /** `shallow`: the shallow clone's boundary commits (0 for a full clone); `commonDir`: the git folder every worktree shares. */
  | { kind: 'repo'; gitDir: string; commonDir: string; shallow: number };

/**
 * Asks git for the repository around `root`. "Not a git repository" is believed only when no
 * `.git` sits in `root` or above it: git says the same of a repository whose HEAD is garbage,
 * and a gate must not pass that as "no history".
 */
export async function probeHistory(git: GitRunner, root: string): Promise<HistoryAccess> {
  const r = await git(['rev-parse', '--absolute-git-dir', '--is-shallow-repository', '--git-common-dir'], { cwd: root, timeoutMs: 10_000 });
  if (r.code === GIT_NOT_STARTED) return { kind: 'gap', gap: { kind: 'git-not-started', reason: r.stderr.trim(), denied: /EACCES|EPERM/.test(r.stderr) } };
  if (r.code !== 0) {
    const reason = firstLine(r.stderr) || `git exited with ${r.code}`;
    if (!/not a git repository/i.test(r.stderr)) return { kind: 'gap', gap: { kind: 'repository-error', reason } };
    const gitPath = nearestGitEntry(root);
    return gitPath ? { kind: 'gap', gap: { kind: 'repository-rejected', gitPath, reason } } : { kind: 'none' };
  }
  const [gitDir = '', shallow = '', common = gitDir] = r.stdout.toString('utf8').trim().split('\n');
  return { kind: 'repo', gitDir, commonDir: resolve(root, common), shallow: shallow === 'true' ? countLines(join(gitDir, 'shallow')) : 0 };
}

function countLines(file: string): number {
  try {
    return readFileSync(file, 'utf8').split('\n').filter((l) => l.trim() !== '').length;
  } catch {
    return 0;
  }
}

/**
 * Whether the repository is a partial clone (its packs came with a `.promisor` marker), and the
 * remote it may fetch the rest from (null when that remote is gone). Asked only when objects are missing.
 */
export async function partialCloneOf(git: GitRunner, root: string, gitDir: string): Promise<PartialClone | null> {
  let packs: string[];
  try {
    packs = readdirSync(join(gitDir, 'objects', 'pack'));
  } catch {
    return null;
  }
  if (!packs.some((n) => n.endsWith('.promisor'))) return null;
  const r = await git(['config', '--get-regexp', '^remote\\..+\\.promisor$'], { cwd: root, timeoutMs: 10_000 });
  for (const line of r.stdout.toString('utf8').split('\n')) {
    const m = /^remote\.(.+)\.promisor (.*)$/.exec(line);
    if (m && m[2] === 'true') return { remote: m[1]!, other: null };
  }
  // A copy of a partial clone keeps its .promisor packs, but not the setting that names where to fetch from.
  const remotes = await git(['remote'], { cwd: root, timeoutMs: 10_000 });
  const names = remotes.stdout.toString('utf8').split('\n').filter(Boolean);
  return { remote: null, other: names.includes('origin') ? 'origin' : (names[0] ?? null) };
}

/**
 * Objects a partial clone lacks, listed without fetching them (`--missing=print`). cat-file cannot
 * be told not to fetch a missing object from the promisor remote, and dies when it may not; so
 * the history scan leaves these out of its requests and counts them.
 */
export async function absentObjects(env: Env, root: string, signal?: AbortSignal): Promise<Set<string>> {
  const out = new Set<string>();
  // Streamed: the listing names every object of the history (22 MB for vercel/ai), of which only the `?<id>` lines are kept.
  let partial = '';
  const line = (buf: Buffer, start: number, end: number): void => {
    if (buf[start] === 0x3f) out.add(buf.toString('latin1', start + 1, end).trim());
  };
  const reader = await spawnGitReader(
    env,
    ['rev-list', '--objects', '--all', '--missing=print'],
    root,
    (chunk) => {
      let from = 0;
      for (let nl = chunk.indexOf(0x0a); nl !== -1; nl = chunk.indexOf(0x0a, from)) {
        if (partial) {
          const joined = Buffer.from(partial + chunk.toString('latin1', from, nl), 'latin1');
          partial = '';
          line(joined, 0, joined.length);
        } else line(chunk, from, nl);
        from = nl + 1;
      }
      if (from < chunk.length) partial += chunk.toString('latin1', from);
    },
    signal,
  );
  reader.child.stdin.end();
  await reader.done;
  if (partial) {
    const rest = Buffer.from(partial, 'latin1');
    line(rest, 0, rest.length);
  }
  return out;
}
