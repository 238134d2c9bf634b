import { closeSync, constants, fstatSync, openSync, readdirSync, readSync } from 'node:fs';
import type { Dirent } from 'node:fs';

/** Larger than any manifest, template or settings file keyward reads: something else was given the name. */
export const MAX_TEXT_BYTES = 8 * 1024 * 1024;

/** A file read so that nothing can hang or bloat keyward: regular files only, at most a given size. */
export type RegularFileRead =
  | { ok: true; bytes: Buffer; mode: number }
  | { ok: false; problem: 'missing' | 'folder' | 'not-a-file' | 'too-large' | 'unreadable'; code?: string; size?: number };

// O_NONBLOCK: opening a FIFO nobody writes to returns at once instead of waiting for a writer (absent on Windows).
const READ_FLAGS = constants.O_RDONLY | (constants.O_NONBLOCK ?? 0);

function openProblem(e: unknown): RegularFileRead {
  const code = (e as NodeJS.ErrnoException).code;
  if (code === 'ENOENT' || code === 'ENOTDIR') return { ok: false, problem: 'missing', code };
  if (code === 'EISDIR') return { ok: false, problem: 'folder', code };
  return { ok: false, problem: 'unreadable', ...(code ? { code } : {}) };
}

function kindProblem(st: { isDirectory(): boolean; isFile(): boolean; size: number }, maxBytes: number): RegularFileRead | null {
  if (st.isDirectory()) return { ok: false, problem: 'folder' };
  if (!st.isFile()) return { ok: false, problem: 'not-a-file' };
  if (st.size > maxBytes) return { ok: false, problem: 'too-large', size: st.size };
  return null;
}

/**
 * Reads a regular file (links followed) of at most `maxBytes`: a FIFO, a device, a socket or a
 * folder is refused without reading a byte, and a file that grows past the limit while read is
 * refused too, so `/dev/zero` or a FIFO under a known name costs nothing.
 */
export function readRegularFileSync(path: string, maxBytes = MAX_TEXT_BYTES): RegularFileRead {
  let fd: number;
  try {
    fd = openSync(path, READ_FLAGS);
  } catch (e) {
    return openProblem(e);
  }
  try {
    const st = fstatSync(fd);
    const problem = kindProblem(st, maxBytes);
    if (problem) return problem;
    const buf = Buffer.allocUnsafe(Math.min(st.size, maxBytes) + 1);
    let n = 0;
    for (;;) {
      const r = readSync(fd, buf, n, buf.length - n, n);
      if (r === 0) break;
      n += r;
      if (n === buf.length) return { ok: false, problem: 'too-large', size: n };
    }
    return { ok: true, bytes: buf.subarray(0, n), mode: st.mode & 0o7777 };
  } catch (e) {
    return openProblem(e);
  } finally {
    closeSync(fd);
  }
}

/**
 * readRegularFileSync for the callers that await. The files keyward reads this way are small
 * (manifests, `.env` files, settings), and the doctor reads hundreds of them: each read through
 * the thread pool took five trips through the event loop, a busy main thread's time for nothing.
 */
export function readRegularFile(path: string, maxBytes = MAX_TEXT_BYTES): Promise<RegularFileRead> {
  return settled(readRegularFileSync(path, maxBytes));
}

/** How long synchronous reads may run back to back before the event loop gets a turn. */
const SLICE_MS = 2;
let sliceStart = performance.now();

/**
 * A value read synchronously, as a promise that lets the event loop run every few milliseconds:
 * a walk of thousands of folders chains its awaits through microtasks alone, and would otherwise
 * hold back git's output (and the spawn of the scan's next git process) until it ended.
 */
function settled<T>(value: T): Promise<T> {
  const now = performance.now();
  if (now - sliceStart < SLICE_MS) return Promise.resolve(value);
  return new Promise((resolve) =>
    setImmediate(() => {
      sliceStart = performance.now();
      resolve(value);
    }),
  );
}

/** A JSON file's object, or undefined when it is missing, not a regular file, too large or not JSON: manifests are optional. */
export async function readJson(path: string): Promise<Record<string, unknown> | undefined> {
  const text = await readText(path);
  if (text === undefined) return undefined;
  try {
    return JSON.parse(text) as Record<string, unknown>;
  } catch {
    return undefined;
  }
}

/** A text file's content, or undefined when it cannot be read as a regular file of reasonable size. */
export async function readText(path: string): Promise<string | undefined> {
  const read = await readRegularFile(path);
  return read.ok ? read.bytes.toString('utf8') : undefined;
}

/** A folder's entries (with their types), empty when it cannot be listed. */
export type ListDir = (dir: string) => Promise<Dirent[]>;

/** Lists a folder from disk, synchronously: the doctor lists thousands of folders, each a short call, and a trip through the thread pool cost more than the listing. */
export const listDir: ListDir = (dir) => {
  let entries: Dirent[];
  try {
    entries = readdirSync(dir, { withFileTypes: true });
  } catch {
    entries = [];
  }
  return settled(entries);
};

/** listDir that lists each folder once: the doctor's app search and its walks of the apps' code visit the same folders. */
export function listDirOnce(): ListDir {
  const listed = new Map<string, Promise<Dirent[]>>();
  return (dir) => {
    let entries = listed.get(dir);
    if (!entries) listed.set(dir, (entries = listDir(dir)));
    return entries;
  };
}
