import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { gitignoreRules, type IgnoreRules } from '../ignore-rules.js';
import { failure } from '../../core/errors.js';
import { readRegularFileSync } from '../../project/read.js';
import type { GitRunner } from '../../git/git.js';
import { firstLine, splitZ } from '../../git/repo.js';
import type { Skipped } from '../batch.js';
import { IGNORED_PATHSPECS, isScannedWhenIgnored } from '../paths.js';

/** The files of a working tree worth reading, relative to its root. */
export interface FileList {
  files: string[];
  /** Those of `files` that git (or .gitignore) ignores: bundles, logs and .env files kept for their own rules. */
  ignored: Set<string>;
  skipped: Skipped[];
  /**
   * The blob id the index holds for each tracked regular file that git shows as plain cached: not
   * marked assume-unchanged or skip-worktree (the ways people keep local secrets in tracked files),
   * not in a merge conflict. Whether the file still holds that blob is asked separately (`changedSinceHead`).
   */
  blobs: Map<string, string>;
  /** Every path the index holds, whatever its state. */
  tracked: Set<string>;
}

/** Everything git does not ignore (tracked and untracked), plus the ignored files that still leak (bundles, logs, .env). */
export async function listGitFiles(git: GitRunner, root: string): Promise<FileList> {
  const [listed, ignored] = await Promise.all([
    git(['ls-files', '-z', '-v', '-t', '-s', '-c', '-o', '--exclude-standard'], { cwd: root }),
    leakingIgnored(git, root),
  ]);
  if (listed.code !== 0) throw failure(`git ls-files failed: ${firstLine(listed.stderr)}`, 'Run `git status` to see what is wrong with the repository.');
  const { files, blobs, tracked } = parseStaged(listed.stdout);
  return { ...withUndecodable([...files, ...ignored], ignored), blobs, tracked };
}

/**
 * What can change beside an index keyward has listed before: the untracked files (and the ignored
 * ones that leak), and the tracked files that no longer hold the index's blob, modified or
 * deleted (`ls-files -m -d`, in the same walk; git compares content where the stat cannot tell,
 * with the filters `off` emptied). Null when git cannot say.
 */
export async function listBesideIndex(git: GitRunner, root: string, off: readonly string[]): Promise<{ list: FileList; changed: Set<string> } | null> {
  const [listed, ignored] = await Promise.all([
    git(['ls-files', '-z', '-t', '-m', '-d', '-o', '--exclude-standard'], { cwd: root, config: off }),
    leakingIgnored(git, root),
  ]);
  if (listed.code !== 0) return null;
  const files: string[] = [];
  const changed = new Set<string>();
  for (const entry of splitZ(listed.stdout)) {
    // `C` modified, `R` deleted (listed as modified too), `?` untracked.
    if (entry.startsWith('? ')) files.push(entry.slice(2));
    else if (entry.startsWith('C ') || entry.startsWith('R ')) changed.add(entry.slice(2));
    else return null;
  }
  return { list: { ...withUndecodable([...files, ...ignored], ignored), blobs: new Map(), tracked: new Set() }, changed };
}

async function leakingIgnored(git: GitRunner, root: string): Promise<Set<string>> {
  const r = await git(['ls-files', '-z', '-o', '-i', '--exclude-standard', '--', ...IGNORED_PATHSPECS], { cwd: root });
  return new Set(r.code === 0 ? splitZ(r.stdout).filter(isScannedWhenIgnored) : []);
}

/**
 * `ls-files -z -v -t -s` entries: `? <path>` for an untracked file, `<tag> <mode> <oid> <stage>\t<path>`
 * for a tracked one (`H` cached; lower case when assume-unchanged; `S` skip-worktree; a conflict
 * lists a path once per stage). Paths in order of first appearance, each once.
 */
function parseStaged(out: Buffer): { files: string[]; blobs: Map<string, string>; tracked: Set<string> } {
  const seen = new Set<string>();
  const tracked = new Set<string>();
  const blobs = new Map<string, string>();
  const conflicted = new Set<string>();
  for (const entry of splitZ(out)) {
    if (entry.startsWith('? ')) {
      seen.add(entry.slice(2));
      continue;
    }
    // `H 100644 <oid> 0\t<path>`: fixed places, read without splitting (14k entries on a big tree).
    const tab = entry.indexOf('\t');
    if (tab < 12) continue;
    const path = entry.slice(tab + 1);
    if (seen.has(path)) {
      conflicted.add(path);
      continue;
    }
    seen.add(path);
    tracked.add(path);
    if ((entry.startsWith('H 100644 ') || entry.startsWith('H 100755 ')) && entry.startsWith(' 0', tab - 2)) blobs.set(path, entry.slice(9, tab - 2));
  }
  for (const p of conflicted) blobs.delete(p);
  return { files: [...seen], blobs, tracked };
}

/**
 * Settings that empty every clean filter the repository's config (or the user's) names
 * (`filter.<driver>.clean=`, `.process=`): git runs a file's clean filter when it must compare
 * the file's content with the index, and a checkout keyward does not trust chooses that program.
 * Null when git cannot list them: then git is not asked to compare.
 */
export async function filtersOff(git: GitRunner, root: string): Promise<string[] | null> {
  const r = await git(['config', '-z', '--name-only', '--get-regexp', '^filter\\..+\\.(clean|process)$'], { cwd: root });
  // 1: no such setting.
  if (r.code === 1 && r.stdout.length === 0) return [];
  return r.code === 0 ? splitZ(r.stdout).map((name) => `${name}=`) : null;
}

/**
 * Paths under `root` (relative to it) whose working-tree file may differ from the HEAD commit's,
 * staged or not: a tracked file not among them holds the index's blob, which is HEAD's too. git
 * compares each file's stat with the index, and its content where the stat cannot tell (a file
 * written in the same instant as the index), with the filters `off` emptied. Null when git cannot
 * say (no commit yet): then no file counts as unchanged.
 */
export async function changedSinceHead(git: GitRunner, root: string, off: readonly string[]): Promise<Set<string> | null> {
  const r = await git(['diff-index', '-z', '--name-only', '--relative', 'HEAD', '--'], { cwd: root, config: off });
  return r.code === 0 ? new Set(splitZ(r.stdout)) : null;
}

/** Like `changedSinceHead`, against the index alone (no tree read: faster), for whether a file still holds the index's blob. */
export async function changedSinceIndex(git: GitRunner, root: string, off: readonly string[]): Promise<Set<string> | null> {
  const r = await git(['diff-files', '-z', '--name-only', '--relative', '--'], { cwd: root, config: off });
  return r.code === 0 ? new Set(splitZ(r.stdout)) : null;
}

/** Paths git hands back as bytes that are not UTF-8 cannot be opened by name from a string: reported, not guessed at. */
function withUndecodable(all: string[], ignored: Set<string>): Omit<FileList, 'blobs' | 'tracked'> {
  const skipped: Skipped[] = [];
  const files: string[] = [];
  for (const p of all) {
    if (p.includes('\uFFFD')) skipped.push({ path: p, reason: 'unreadable', detail: 'file name is not valid UTF-8' });
    else files.push(p);
  }
  return { files, ignored, skipped };
}

/** Folder names whose ignored contents still ship or leak, so the walk enters them. */
const LEAKY_DIRS = new Set(['dist', 'build', 'out', '.next', '.output', '.svelte-kit', 'logs', 'log']);
const NEVER_ENTER = new Set(['.git', 'node_modules']);

/**
 * Outside a git repository: a walk that honours every .gitignore on the way down (through the
 * `ignore` package), never follows a symlink, and reports folders it cannot read.
 */
export function walkFiles(root: string): FileList {
  const files: string[] = [];
  const ignored = new Set<string>();
  const skipped: Skipped[] = [];
  const stack: Array<{ rel: string; rules: Array<{ base: string; ig: IgnoreRules }>; underIgnored: boolean }> = [{ rel: '', rules: [], underIgnored: false }];
  while (stack.length > 0) {
    const { rel, rules: parentRules, underIgnored } = stack.pop()!;
    const abs = rel ? join(root, rel) : root;
    let entries;
    try {
      entries = readdirSync(abs, { withFileTypes: true });
    } catch (e) {
      skipped.push({ path: rel || '.', reason: 'unreadable', detail: (e as NodeJS.ErrnoException).code ?? 'unreadable folder' });
      continue;
    }
    const rules = [...parentRules];
    const gi = entries.find((d) => d.name === '.gitignore' && d.isFile());
    if (gi) {
      const read = readRegularFileSync(join(abs, '.gitignore'));
      if (read.ok) rules.push({ base: rel, ig: gitignoreRules(read.bytes.toString('utf8')) });
      else skipped.push({ path: join(rel, '.gitignore'), reason: 'unreadable', detail: read.problem });
    }
    for (const d of entries) {
      const path = rel ? `${rel}/${d.name}` : d.name;
      if (d.isSymbolicLink()) {
        if (isLoop(join(abs, d.name))) skipped.push({ path, reason: 'symlink-loop' });
        continue;
      }
      if (d.isDirectory()) {
        if (NEVER_ENTER.has(d.name)) continue;
        const isIgnored = underIgnored || isIgnoredBy(rules, `${path}/`);
        if (isIgnored && !underIgnored && !LEAKY_DIRS.has(d.name)) continue;
        stack.push({ rel: path, rules, underIgnored: isIgnored });
        continue;
      }
      if (!d.isFile()) continue;
      const isIgnored = underIgnored || isIgnoredBy(rules, path);
      if (isIgnored && !isScannedWhenIgnored(path)) continue;
      files.push(path);
      if (isIgnored) ignored.add(path);
    }
  }
  return { files: files.sort(), ignored, skipped, blobs: new Map(), tracked: new Set() };
}

/** git's precedence: the deepest .gitignore that has a say about the path wins. */
function isIgnoredBy(rules: Array<{ base: string; ig: IgnoreRules }>, path: string): boolean {
  let state = false;
  for (const { base, ig } of rules) {
    const r = ig.test(base ? path.slice(base.length + 1) : path);
    if (r.ignored) state = true;
    else if (r.unignored) state = false;
  }
  return state;
}

function isLoop(abs: string): boolean {
  try {
    statSync(abs);
    return false;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'ELOOP';
  }
}
