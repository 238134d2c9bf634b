import { failure } from '../core/errors.js';
import type { GitRunner } from './git.js';

/** What git says about the folder keyward runs in. */
export type RepoState =
  | { kind: 'none' }
  | { kind: 'repo'; top: string; hasCommits: boolean }
  | { kind: 'broken'; reason: string };

/** Finds the repository around `cwd`; a corrupted `.git` is `broken`, not a crash. */
export async function inspectRepo(git: GitRunner, cwd: string): Promise<RepoState> {
  const top = await git(['rev-parse', '--show-toplevel'], { cwd, timeoutMs: 10_000 });
  if (top.code !== 0) {
    if (/not a git repository/i.test(top.stderr)) return { kind: 'none' };
    return { kind: 'broken', reason: firstLine(top.stderr) || `git exited with ${top.code}` };
  }
  const head = await git(['rev-parse', '--verify', '--quiet', 'HEAD'], { cwd, timeoutMs: 10_000 });
  return { kind: 'repo', top: top.stdout.toString('utf8').trim(), hasCommits: head.code === 0 };
}

/** Of `paths` (relative to `cwd`), those git tracks. */
export async function trackedPaths(git: GitRunner, cwd: string, paths: readonly string[]): Promise<Set<string>> {
  if (paths.length === 0) return new Set();
  const r = await git(['ls-files', '-z', '--', ...paths.map(literalPathspec)], { cwd });
  if (r.code !== 0) throw failure(`git ls-files failed: ${firstLine(r.stderr)}`, 'Run `git status` to see what is wrong with the repository.');
  return new Set(splitZ(r.stdout));
}

/** Of `paths` (relative to `cwd`), those git ignores, asked of git itself (`git check-ignore`). */
export async function ignoredPaths(git: GitRunner, cwd: string, paths: readonly string[]): Promise<Set<string>> {
  if (paths.length === 0) return new Set();
  // --no-index: a tracked file that matches a pattern is still reported as matching; tracking is asked separately.
  const r = await git(['check-ignore', '-z', '--stdin', '--no-index'], { cwd, input: paths.join('\0') + '\0' });
  // Exit 1 means "none ignored"; anything above is an error.
  if (r.code > 1) throw failure(`git check-ignore failed: ${firstLine(r.stderr)}`, 'Run `git status` to see what is wrong with the repository.');
  return new Set(splitZ(r.stdout));
}

/** `:(literal)` keeps a file name with `*` or `[` from being read as a pattern. */
export function literalPathspec(p: string): string {
  return `:(literal)${p}`;
}

export function splitZ(buf: Buffer): string[] {
  return buf.toString('utf8').split('\0').filter((s) => s.length > 0);
}

export function firstLine(s: string): string {
  return s.trim().split('\n')[0]?.replace(/^fatal:\s*/, '') ?? '';
}

/** Stops tracking `path` (relative to `cwd`) and keeps the file on disk: `git rm --cached`. */
export async function untrack(git: GitRunner, cwd: string, path: string): Promise<void> {
  const r = await git(['rm', '--cached', '--quiet', '--', literalPathspec(path)], { cwd });
  if (r.code !== 0) throw failure(`git rm --cached ${path} failed: ${firstLine(r.stderr)}`, `Run \`git rm --cached ${path}\` yourself.`);
}
