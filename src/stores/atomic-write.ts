import { createHash, randomBytes } from 'node:crypto';
import { closeSync, fchmodSync, fsyncSync, openSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { lstat, readFile, readdir, realpath, rm, stat } from 'node:fs/promises';
import { basename, dirname, join, resolve } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { cancelled, failure } from '../core/errors.js';

/** How long a write waits for another keyward writing the same file before giving up. */
const LOCK_WAIT_MS = 15_000;

// Temp and lock files to remove however keyward ends: process-wide, because signals are.
const pending = new Set<string>();
const SIGNALS = ['SIGTERM', 'SIGHUP'] as const;

function sweep(): void {
  for (const p of pending) rmSync(p, { force: true });
  pending.clear();
}

function onSignal(signal: NodeJS.Signals): void {
  sweep();
  for (const s of SIGNALS) process.removeListener(s, onSignal);
  process.removeListener('exit', sweep);
  process.kill(process.pid, signal);
}

function track(path: string): void {
  if (pending.size === 0) {
    // SIGINT needs no handler here: the bin turns it into process.exit, which runs 'exit'.
    process.on('exit', sweep);
    for (const s of SIGNALS) process.on(s, onSignal);
  }
  pending.add(path);
}

function untrack(path: string): void {
  pending.delete(path);
  if (pending.size === 0) {
    process.removeListener('exit', sweep);
    for (const s of SIGNALS) process.removeListener(s, onSignal);
  }
}

/**
 * The git folder of the repository holding `dir`, or null outside one. Temp and lock files go
 * there: git never lists its own folder, so one left by a `kill -9` is never offered for commit.
 */
async function gitDirOf(dir: string): Promise<string | null> {
  for (let d = dir; ; d = dirname(d)) {
    const dotGit = join(d, '.git');
    const st = await lstat(dotGit).catch(() => null);
    if (st?.isDirectory()) return dotGit;
    if (st?.isFile()) {
      const m = /^gitdir:\s*(.+?)\s*$/m.exec((await readFile(dotGit, 'utf8').catch(() => '')).slice(0, 4096));
      if (m) return resolve(d, m[1]!);
    }
    if (dirname(d) === d) return null;
  }
}

const alive = (pid: number): boolean => {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
};

/** Removes temp files of keyward processes that no longer run (a `kill -9` leaves one behind). */
async function sweepOrphans(dir: string): Promise<void> {
  for (const name of await readdir(dir).catch(() => [] as string[])) {
    const m = /^keyward-(\d+)-[0-9a-f]+\.tmp$/.exec(name);
    if (m && !alive(Number(m[1]))) await rm(join(dir, name), { force: true });
  }
}

/** The file a write lands in: a link is followed to its target, which must be a regular file (or not exist yet). */
async function writeTarget(path: string): Promise<string> {
  const link = await lstat(path).catch(() => null);
  if (!link) return path;
  const target = link.isSymbolicLink() ? await realpath(path).catch(() => null) : path;
  if (target === null) throw failure(`${path} is a link to a file that does not exist`, 'Remove the link or point it at a file.');
  const st = await stat(target).catch(() => null);
  if (st && !st.isFile()) throw failure(`${path} is ${st.isDirectory() ? 'a folder' : 'not a regular file'}; keyward writes only regular files`, 'Remove it or choose another path.');
  return target;
}

/**
 * Made on this thread, start to end: a signal's handler runs on this thread too, between two
 * turns, so it finds the temp file not yet made or gone. An `open` in the thread pool could create
 * it just after the handler removed what was there (a SIGTERM left one in the stress run); the
 * files are small (.env, .gitignore).
 */
function writeVia(tmp: string, target: string, data: string | Buffer, mode: number): void {
  track(tmp);
  try {
    const fd = openSync(tmp, 'wx', mode);
    try {
      writeFileSync(fd, data);
      fchmodSync(fd, mode);
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
    renameSync(tmp, target);
  } catch (error) {
    rmSync(tmp, { force: true });
    throw error;
  } finally {
    untrack(tmp);
  }
}

/**
 * Writes `data` to `path` so that a reader (or a crash, or Ctrl-C) sees the old file or the new
 * one, never half of it: a temp file, fsync, chmod, then rename over the target. A link is
 * written through (the link stays, its target changes); anything but a regular file is refused.
 * The temp file sits in the repository's git folder when there is one, and is removed on every
 * exit keyward gets to see (errors, Ctrl-C, SIGTERM, SIGHUP).
 */
export async function writeFileAtomic(path: string, data: string | Buffer, mode = 0o644): Promise<void> {
  const target = await writeTarget(path);
  const hex = `${process.pid}-${randomBytes(6).toString('hex')}`;
  const beside = join(dirname(target), `.${basename(target)}.keyward-${hex}.tmp`);
  const gitDir = await gitDirOf(dirname(target));
  if (!gitDir) return writeVia(beside, target, data, mode);
  await sweepOrphans(gitDir);
  try {
    writeVia(join(gitDir, `keyward-${hex}.tmp`), target, data, mode);
  } catch (error) {
    // A git folder on another filesystem (or not writable): the temp file goes beside the target.
    const code = (error as NodeJS.ErrnoException).code;
    if (code !== 'EXDEV' && code !== 'EACCES' && code !== 'EPERM' && code !== 'EROFS' && code !== 'ENOENT') throw error;
    writeVia(beside, target, data, mode);
  }
}

async function takeLock(lock: string): Promise<boolean> {
  // Tracked before it exists and made on this thread, as writeVia's temp file (same reason); no
  // turn passes between the two, so another writer's lock is never swept as ours.
  track(lock);
  let fd: number;
  try {
    fd = openSync(lock, 'wx', 0o600);
  } catch (error) {
    untrack(lock);
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    const owner = Number((await readFile(lock, 'utf8').catch(() => '')).trim());
    // A lock whose writer died (kill -9) is taken over; an empty one is a writer between open and
    // write, unless it is older than any wait (killed right there).
    const stale = Number.isInteger(owner) && owner > 0 ? !alive(owner) : Date.now() - ((await stat(lock).catch(() => null))?.mtimeMs ?? Date.now()) > LOCK_WAIT_MS;
    if (stale) await rm(lock, { force: true });
    return false;
  }
  try {
    writeFileSync(fd, String(process.pid));
  } finally {
    closeSync(fd);
  }
  return true;
}

/**
 * Runs `edit` (read the file, change it, write it) while holding a lock file for `path`, so two
 * keyward runs editing one file take turns and neither loses the other's change. An abort of
 * `signal` while waiting for the lock gives up before anything is written (a cancelled error).
 */
export async function withFileLock<T>(path: string, label: string, edit: () => Promise<T>, signal?: AbortSignal): Promise<T> {
  const target = await writeTarget(path);
  const gitDir = await gitDirOf(dirname(target));
  const lock = gitDir
    ? join(gitDir, `keyward-${createHash('sha256').update(target).digest('hex').slice(0, 16)}.lock`)
    : join(dirname(target), `.${basename(target)}.keyward.lock`);
  const deadline = Date.now() + LOCK_WAIT_MS;
  for (;;) {
    let taken: boolean;
    try {
      taken = await takeLock(lock);
    } catch (error) {
      throw failure(`cannot lock ${label} for writing (${(error as NodeJS.ErrnoException).code ?? String(error)})`, 'Check that you can write to the folder.', error);
    }
    if (taken) break;
    if (signal?.aborted) throw cancelled(`Interrupted while waiting to write ${label}; it was not changed.`);
    if (Date.now() > deadline) throw failure(`another keyward is still writing ${label}`, `Wait for it to finish, or remove ${lock} if no keyward runs.`);
    await sleep(25 + Math.floor(Math.random() * 50));
  }
  try {
    return await edit();
  } finally {
    await rm(lock, { force: true });
    untrack(lock);
  }
}
