import { lstat, realpath, stat } from 'node:fs/promises';
import { basename, dirname, isAbsolute, join, relative, resolve } from 'node:path';
import { failure } from '../core/errors.js';
import { readRegularFile } from '../project/read.js';

/** Larger than any .env, .gitignore or hook keyward edits: refused rather than read into memory. */
const MAX_EDIT_BYTES = 1024 * 1024;

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
