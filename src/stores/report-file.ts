import { constants, fstatSync, writeSync } from 'node:fs';
import { open, stat } from 'node:fs/promises';
import { dirname } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { failure, isKeywardError } from '../core/errors.js';
import { writeFileAtomic } from './atomic-write.js';

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
