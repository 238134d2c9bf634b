import { closeSync, constants, fstatSync, openSync, readSync, statSync } from 'node:fs';

/** Why a file or blob was not scanned; each reason is counted in the report's `checks`. */
export type SkipReason = 'too-large' | 'lockfile' | 'unreadable' | 'symlink-loop' | 'submodule' | 'ignored-by-keywardignore';
/** Every SkipReason, for checking one read back from a file. */
export const SKIP_REASONS: ReadonlySet<SkipReason> = new Set<SkipReason>(['too-large', 'lockfile', 'unreadable', 'symlink-loop', 'submodule', 'ignored-by-keywardignore']);

export type ReadResult =
  /** The file's bytes, text or binary; a view of the caller's scratch buffer, valid until the next read. */
  | { kind: 'bytes'; bytes: Buffer }
  /** `size`: a file over the size limit, and its size. */
  | { kind: 'skip'; reason: SkipReason; detail?: string; size?: number }
  /** Gone between listing and reading (a deleted tracked file), or a symlink whose target is scanned on its own: nothing to scan. */
  | { kind: 'none' };

/**
 * Reads one file for scanning without following symlinks (a loop or a link out of the project
 * is never entered) and without reading past `maxBytes` (a 2 GB file is skipped by its size).
 * `scratch` is reused between files to spare an allocation per file.
 */
export function readForScan(abs: string, maxBytes: number, scratch: { buf: Buffer }): ReadResult {
  let fd: number;
  try {
    fd = openSync(abs, constants.O_RDONLY | constants.O_NOFOLLOW | constants.O_NONBLOCK);
  } catch (e) {
    return openFailure(abs, e as NodeJS.ErrnoException);
  }
  try {
    // Three system calls for most files, not four: a read of a regular file that comes back short
    // of what was asked has reached the end, so its size is not asked first. A read that fills the
    // buffer, or finds nothing, is told apart by the file's size and kind (fstat), as before.
    const want = Math.min(scratch.buf.length, maxBytes + 1);
    const first = readSync(fd, scratch.buf, 0, want, null);
    if (first > 0 && first < want) return { kind: 'bytes', bytes: scratch.buf.subarray(0, first) };
    return readBySize(fd, first, maxBytes, scratch);
  } catch (e) {
    const err = e as NodeJS.ErrnoException;
    return err.code === 'EISDIR' ? { kind: 'skip', reason: 'submodule' } : { kind: 'skip', reason: 'unreadable', detail: err.code ?? err.message };
  } finally {
    closeSync(fd);
  }
}

/** The rest of a file whose first read filled the buffer or found nothing: its size and kind decide. */
function readBySize(fd: number, done: number, maxBytes: number, scratch: { buf: Buffer }): ReadResult {
  const st = fstatSync(fd);
  // git lists a submodule (or a nested repository) as one path: a folder keyward leaves to its own scan.
  if (st.isDirectory()) return { kind: 'skip', reason: 'submodule' };
  if (!st.isFile()) return { kind: 'none' };
  if (st.size > maxBytes) return { kind: 'skip', reason: 'too-large', size: st.size };
  if (scratch.buf.length < st.size) {
    const grown = Buffer.allocUnsafe(Math.max(st.size, scratch.buf.length * 2));
    scratch.buf.copy(grown, 0, 0, done);
    scratch.buf = grown;
  }
  let n = Math.min(done, st.size);
  // The size can change while reading; whatever is there up to the limit is what gets scanned.
  while (n < st.size) {
    const r = readSync(fd, scratch.buf, n, st.size - n, null);
    if (r === 0) break;
    n += r;
  }
  return { kind: 'bytes', bytes: scratch.buf.subarray(0, n) };
}

function openFailure(abs: string, err: NodeJS.ErrnoException): ReadResult {
  switch (err.code) {
    case 'ENOENT':
    case 'ENOTDIR':
      return { kind: 'none' };
    case 'EISDIR':
      return { kind: 'skip', reason: 'submodule' };
    case 'ELOOP':
      // O_NOFOLLOW says ELOOP for every symlink; only a link that cannot be resolved is a loop.
      try {
        statSync(abs);
        return { kind: 'none' };
      } catch (e) {
        return (e as NodeJS.ErrnoException).code === 'ELOOP' ? { kind: 'skip', reason: 'symlink-loop' } : { kind: 'none' };
      }
    default:
      return { kind: 'skip', reason: 'unreadable', detail: err.code ?? err.message };
  }
}
