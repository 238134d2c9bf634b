import { closeSync, existsSync, openSync, readFileSync, readSync, statSync, type Stats } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { failure } from '../core/errors.js';
import type { GitRunner } from './git.js';

/** What git says about the folder keyward runs in. */
export type RepoState =
  | { kind: 'none' }
  | { kind: 'repo'; top: string; hasCommits: boolean }
  | { kind: 'broken'; reason: string };

/** Finds the repository around `cwd`; a corrupted `.git` is `broken`, not a crash. */
export async function inspectRepo(git: GitRunner, cwd: string): Promise<RepoState> {
  // One process for both questions (each spawn costs the caller's thread 15-60 ms): the top level is
  // printed first, then `--verify --quiet` exits 1 without a word when HEAD has no commit yet.
  const r = await git(['rev-parse', '--show-toplevel', '--verify', '--quiet', 'HEAD'], { cwd, timeoutMs: 10_000 });
  // The commit id is the last line when there is one; the folder's name may hold a newline itself.
  const out = r.stdout.toString('utf8').replace(/\n$/, '');
  const top = r.code === 0 ? out.slice(0, Math.max(0, out.lastIndexOf('\n'))) : out;
  if (r.code === 0 || (r.code === 1 && top !== '')) return { kind: 'repo', top, hasCommits: r.code === 0 };
  if (/not a git repository/i.test(r.stderr)) return { kind: 'none' };
  return { kind: 'broken', reason: firstLine(r.stderr) || `git exited with ${r.code}` };
}

/** Of `paths` (relative to `cwd`), those git tracks. */
export async function trackedPaths(git: GitRunner, cwd: string, paths: readonly string[]): Promise<Set<string>> {
  if (paths.length === 0) return new Set();
  const r = await git(['ls-files', '-z', '--', ...paths.map(literalPathspec)], { cwd });
  if (r.code !== 0) throw failure(`git ls-files failed: ${firstLine(r.stderr)}`, 'Run `git status` to see what is wrong with the repository.');
  return new Set(splitZ(r.stdout));
}

/** What a special file is, in words: git waits on a FIFO forever and reads a device without end. */
function specialKind(st: Stats): string {
  if (st.isFIFO()) return 'a FIFO';
  if (st.isSocket()) return 'a socket';
  if (st.isCharacterDevice() || st.isBlockDevice()) return 'a device';
  return 'not a regular file';
}

/**
 * The ignore files git reads at the repository root (`.gitignore`, `.git/info/exclude`) that are
 * FIFOs, sockets or devices, with what each is: git opens them with a blocking read and hangs, so
 * with any of these the files are listed without git.
 */
export function specialIgnoreFiles(root: string): Array<{ path: string; kind: string }> {
  const out: Array<{ path: string; kind: string }> = [];
  for (const path of ['.gitignore', '.git/info/exclude']) {
    let st: Stats;
    try {
      st = statSync(join(root, path));
    } catch {
      continue;
    }
    if (!st.isFile() && !st.isDirectory()) out.push({ path, kind: specialKind(st) });
  }
  return out;
}

/** Of `paths` (relative to `cwd`, the repository root), those git ignores, asked of git itself (`git check-ignore`). */
export async function ignoredPaths(git: GitRunner, cwd: string, paths: readonly string[]): Promise<Set<string>> {
  if (paths.length === 0) return new Set();
  const special = specialIgnoreFiles(cwd);
  if (special.length > 0) {
    const names = special.map((x) => x.path).join(' and ');
    throw failure(`${special.map((x) => `${x.path} is ${x.kind}`).join(', ')}, not a regular file: git would wait on it forever`, `Replace ${names} with a regular file holding the ignore rules.`);
  }
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

/**
 * How many entries the index of the repository whose top level is `root` holds, read from its
 * header (`DIRC`, version, count) without git; null when `root` has no `.git/index` of its own
 * (not a repository's top level, a linked worktree, no index yet). A hint of a tree's size before
 * git has listed it.
 */
export function indexEntryCount(root: string): number | null {
  let fd: number;
  try {
    fd = openSync(join(root, '.git', 'index'), 'r');
  } catch {
    return null;
  }
  try {
    const head = Buffer.alloc(12);
    if (readSync(fd, head, 0, 12, 0) < 12 || head.toString('latin1', 0, 4) !== 'DIRC') return null;
    return head.readUInt32BE(8);
  } catch {
    return null;
  } finally {
    closeSync(fd);
  }
}

/**
 * The git folder of the worktree around `dir`, found without running git: the nearest `.git`
 * folder, or the folder a `.git` file names (a linked worktree, a submodule). Null when there is
 * none to be found this way.
 */
export function worktreeGitDir(dir: string): string | null {
  const dotGit = nearestGitEntry(resolve(dir));
  if (!dotGit) return null;
  try {
    const st = statSync(dotGit);
    if (st.isDirectory()) return dotGit;
    if (!st.isFile()) return null;
    const m = /^gitdir: (.+)$/m.exec(readFileSync(dotGit, 'utf8'));
    return m ? resolve(dirname(dotGit), m[1]!.trim()) : null;
  } catch {
    return null;
  }
}

/** The first `.git` (folder or file) in `dir` or a folder above it. */
export function nearestGitEntry(dir: string): string | null {
  for (let d = dir; ; d = dirname(d)) {
    const candidate = join(d, '.git');
    if (existsSync(candidate)) return candidate;
    if (dirname(d) === d) return null;
  }
}
