import { createHash, randomBytes } from 'node:crypto';
import { constants, fstatSync, rmSync, writeSync } from 'node:fs';
import { chmod, lstat, open, readFile, readdir, realpath, rename, rm, stat } from 'node:fs/promises';
import { basename, dirname, isAbsolute, join, relative, resolve } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { failure, isKeywardError } from '../core/errors.js';
import { readRegularFile } from '../project/read.js';

/** Larger than any .env, .gitignore or hook keyward edits: refused rather than read into memory. */
const MAX_EDIT_BYTES = 1024 * 1024;

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

async function writeVia(tmp: string, target: string, data: string | Buffer, mode: number): Promise<void> {
  track(tmp);
  try {
    const handle = await open(tmp, 'wx', mode);
    try {
      await handle.writeFile(data);
      await handle.sync();
    } finally {
      await handle.close();
    }
    await chmod(tmp, mode);
    await rename(tmp, target);
  } catch (error) {
    await rm(tmp, { force: true });
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
    await writeVia(join(gitDir, `keyward-${hex}.tmp`), target, data, mode);
  } catch (error) {
    // A git folder on another filesystem (or not writable): the temp file goes beside the target.
    const code = (error as NodeJS.ErrnoException).code;
    if (code !== 'EXDEV' && code !== 'EACCES' && code !== 'EPERM' && code !== 'EROFS' && code !== 'ENOENT') throw error;
    await writeVia(beside, target, data, mode);
  }
}

async function takeLock(lock: string): Promise<boolean> {
  try {
    const handle = await open(lock, 'wx', 0o600);
    track(lock);
    await handle.writeFile(String(process.pid));
    await handle.close();
    return true;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    const owner = Number((await readFile(lock, 'utf8').catch(() => '')).trim());
    // A lock whose writer died (kill -9) is taken over; an empty one is a writer between open and
    // write, unless it is older than any wait (killed right there).
    const stale = Number.isInteger(owner) && owner > 0 ? !alive(owner) : Date.now() - ((await stat(lock).catch(() => null))?.mtimeMs ?? Date.now()) > LOCK_WAIT_MS;
    if (stale) await rm(lock, { force: true });
    return false;
  }
}

/**
 * Runs `edit` (read the file, change it, write it) while holding a lock file for `path`, so two
 * keyward runs editing one file take turns and neither loses the other's change.
 */
export async function withFileLock<T>(path: string, label: string, edit: () => Promise<T>): Promise<T> {
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

/** True when `path` (a real path) is `root` or inside it. */
function inside(root: string, path: string): boolean {
  const rel = relative(root, path);
  return rel === '' || (!rel.startsWith('..') && !isAbsolute(rel));
}

/**
 * Where a write to `rel` (relative to `root`) may land: inside the project, a regular file or
 * nothing yet, in a folder that exists. A link is resolved and its target checked the same way.
 * Anything else is a failure naming `rel` and why, before a byte is written.
 */
export async function resolveProjectFile(root: string, rel: string): Promise<string> {
  if (/[\r\n\0]/.test(rel)) throw failure(`the file name ${JSON.stringify(rel)} holds a line break or NUL`, 'Pass a plain file name.');
  const realRoot = await realpath(root);
  const abs = resolve(realRoot, rel);
  const outside = () => failure(`${rel} is outside the project (${realRoot}); keyward writes only inside it`, 'Pass a path inside the project.');
  const link = await lstat(abs).catch((e: NodeJS.ErrnoException) => {
    if (e.code === 'ENOENT' || e.code === 'ENOTDIR') return null;
    throw failure(`${rel} cannot be checked (${e.code ?? String(e)})`, 'Check the permissions of its folder.');
  });
  if (!link) {
    const parent = await realpath(dirname(abs)).catch(() => null);
    if (parent === null) throw failure(`the folder of ${rel} does not exist`, `Create ${relative(realRoot, dirname(abs)) || dirname(abs)} first, or pass another path.`);
    const target = join(parent, basename(abs));
    if (!inside(realRoot, target)) throw outside();
    return target;
  }
  const target = link.isSymbolicLink() ? await realpath(abs).catch(() => null) : abs;
  if (target === null) throw failure(`${rel} is a link to a file that does not exist`, 'Remove the link or point it at a file.');
  if (!inside(realRoot, target)) {
    if (!link.isSymbolicLink()) throw outside();
    throw failure(`${rel} is a link to ${target}, outside the project; keyward writes only inside it`, 'Replace the link with a file.');
  }
  const st = await stat(target);
  if (st.isDirectory()) throw failure(`${rel} is a folder, not a file`, 'Remove or rename the folder, or pass another path.');
  if (!st.isFile()) throw failure(`${rel} is not a regular file (a FIFO, device or socket)`, 'Remove it, or pass another path.');
  return target;
}

/**
 * The current text of a file keyward is about to edit: '' when it does not exist yet; a failure
 * when it is not a regular text file of reasonable size (never a hang on a FIFO).
 */
export async function readEditTarget(path: string, label: string): Promise<string> {
  const read = await readRegularFile(path, MAX_EDIT_BYTES);
  if (read.ok) {
    if (read.bytes.includes(0)) throw failure(`${label} holds binary data (NUL bytes), not text`, 'Remove it or pass another path.');
    return read.bytes.toString('utf8');
  }
  switch (read.problem) {
    case 'missing':
      return '';
    case 'folder':
      throw failure(`${label} is a folder, not a file`, 'Remove or rename the folder.');
    case 'not-a-file':
      throw failure(`${label} is not a regular file (a FIFO, device or socket)`, 'Remove it.');
    case 'too-large':
      throw failure(`${label} is larger than ${MAX_EDIT_BYTES} bytes, too large for the file it is named as`, 'Remove it or pass another path.');
    case 'unreadable':
      throw failure(`${label} cannot be read (${read.code === 'EACCES' || read.code === 'EPERM' ? 'permission denied' : (read.code ?? 'unknown error')})`, 'Check its permissions.');
  }
}

/**
 * Writes a report where the user pointed (`--sarif`, `--markdown`): a regular file is replaced
 * atomically (through a link), while `/dev/stdout`, a FIFO with a reader or a device is written
 * to as a shell redirection would, never replaced. A FIFO nobody reads and a missing folder are
 * failures, never a hang or a folder created.
 */
export async function writeReportFile(path: string, text: string, label: string): Promise<void> {
  const st = await stat(path).catch((e: NodeJS.ErrnoException) => {
    if (e.code === 'ENOENT') return null;
    throw failure(`cannot write ${label}: ${e.code ?? String(e)}`, 'Pass a path you can write to.');
  });
  if (!st) {
    const parent = await stat(dirname(path)).catch(() => null);
    if (!parent?.isDirectory()) throw failure(`cannot write ${label}: the folder ${dirname(path)} does not exist`, 'Create it first, or pass a path in an existing folder.');
  } else if (st.isDirectory()) {
    throw failure(`cannot write ${label}: it is a folder`, 'Pass a file path.');
  }
  try {
    const std = st ? ownStream(st) : null;
    if (std !== null) {
      await writeToFd(std, text);
    } else if (st && (!st.isFile() || /^\/(dev|proc)\//.test(path))) {
      await writeStream(path, text, st.isFIFO());
    } else {
      await writeFileAtomic(path, text);
    }
  } catch (e) {
    if (isKeywardError(e)) throw e;
    const code = (e as NodeJS.ErrnoException).code;
    throw failure(`cannot write ${label}: ${code === 'ENXIO' ? 'no program is reading that FIFO' : (code ?? String(e))}`, 'Pass a path you can write to.');
  }
}

/**
 * 1 or 2 when the file is keyward's own standard output or error (`/dev/stdout`, or the file
 * stdout is redirected to): written through that descriptor, so the report lands after what was
 * printed instead of over it, and a socket (which cannot be opened by name) works too.
 */
function ownStream(st: { dev: number; ino: number }): 1 | 2 | null {
  for (const fd of [1, 2] as const) {
    try {
      const s = fstatSync(fd);
      if (s.dev === st.dev && s.ino === st.ino) return fd;
    } catch {
      // A closed descriptor is not the target.
    }
  }
  return null;
}

async function writeToFd(fd: number, text: string): Promise<void> {
  const buf = Buffer.from(text);
  for (let off = 0; off < buf.length; ) {
    try {
      off += writeSync(fd, buf, off);
    } catch (e) {
      // A non-blocking pipe that is full: wait for the reader.
      if ((e as NodeJS.ErrnoException).code !== 'EAGAIN') throw e;
      await sleep(5);
    }
  }
}

/** Appends to what is already there, as `>>` would: `/dev/stdout` redirected to a file keeps the text before. */
async function writeStream(path: string, text: string, fifo: boolean): Promise<void> {
  // A FIFO is probed without blocking first (ENXIO: no reader), and held open while the real handle opens.
  const probe = fifo ? await open(path, constants.O_WRONLY | (constants.O_NONBLOCK ?? 0)) : null;
  try {
    const handle = await open(path, constants.O_WRONLY | constants.O_APPEND);
    try {
      await handle.writeFile(text);
    } finally {
      await handle.close();
    }
  } finally {
    await probe?.close();
  }
}
