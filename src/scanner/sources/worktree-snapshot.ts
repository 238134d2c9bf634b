import { createHash } from 'node:crypto';
import { closeSync, constants, fstatSync, openSync, readSync } from 'node:fs';
import { join } from 'node:path';
import type { Env } from '../../core/io.js';
import type { Skipped } from '../batch.js';
import { SKIP_REASONS, type SkipReason } from '../read.js';
import { cacheSalt, isOutcome, readCacheFile, writeCacheFile, type Outcome } from '../result-cache.js';

// The tracked half of a working-tree scan, kept whole while git's index does not change. The
// result cache answers a tracked file by its blob id, but finding the ids means listing the index
// (1.3 MB from `ls-files -s` for 14k files) and looking each one up: more than half of a scan that
// reads nothing. While the index is byte for byte the one an earlier scan listed, its files and
// their blob ids are too, and git is asked only what can change beside it: untracked files, and
// tracked files that no longer hold the index's blob (`diff-files`).

/** One tracked path, in the index's order: the outcome of its index blob, or null to read the file again. */
export type SnapshotEntry = [path: string, outcome: Outcome | null];

/** What a scan of a working tree found in its tracked files, for one state of the index. */
export interface TreeSnapshot {
  /** Every tracked path read, skipped or answered by anything but "nothing found", in the index's order. */
  named: SnapshotEntry[];
  /** Tracked files answered "nothing found" (no hits, no reads kept for a tap): counted, not named. */
  clean: number;
  /** Tracked paths the listing skipped (names that are not UTF-8), in order. */
  listSkipped: Skipped[];
  /** Tracked paths left unread by .keywardignore or as lockfiles, in order. */
  filterSkipped: Skipped[];
  /** Tracked files listed, for the progress line. */
  tracked: number;
}

/** What a snapshot must match to be used: the index, the scan's root and .keywardignore, and the tap whose reads it kept. */
export interface SnapshotKey {
  /** The index file's size and its own checksum (its last 20 bytes). */
  index: string;
  root: string;
  /** sha256 of .keywardignore's text, '' without one. */
  ignore: string;
  /** The id of the reads kept with the outcomes (`ReadTap.keeps.id`), null for none. */
  tap: string | null;
}

const FILE = 'tree';

/** With these set, git reads another repository, work tree or index than the folders keyward finds. */
const REDIRECTS = ['GIT_DIR', 'GIT_WORK_TREE', 'GIT_INDEX_FILE', 'GIT_COMMON_DIR'];

/**
 * The key of a scan of `root` in the worktree whose git folder is `gitDir`, or null when no
 * snapshot can vouch for it: git told by the environment to use other folders (a pre-commit hook
 * runs with GIT_INDEX_FILE), or an index whose checksum says nothing.
 */
export function snapshotKey(gitDir: string, root: string, env: Env, ignoreText: string | null, tap: string | null): SnapshotKey | null {
  if (REDIRECTS.some((name) => env[name] !== undefined)) return null;
  const index = indexId(gitDir);
  if (index === null) return null;
  return { index, root, ignore: ignoreText === null ? '' : createHash('sha256').update(ignoreText).digest('hex'), tap };
}

/**
 * The index's size and trailing checksum, which git computes over everything the index holds
 * (paths, blob ids, flags, stat data): null when there is no index, it is not a regular file, or
 * its checksum is zeros (`index.skipHash`, where git does not compute it).
 */
export function indexId(gitDir: string): string | null {
  let fd: number;
  try {
    fd = openSync(join(gitDir, 'index'), constants.O_RDONLY | (constants.O_NOFOLLOW ?? 0) | (constants.O_NONBLOCK ?? 0));
  } catch {
    return null;
  }
  try {
    const st = fstatSync(fd);
    if (!st.isFile() || st.size < 32) return null;
    const tail = Buffer.alloc(20);
    if (readSync(fd, tail, 0, tail.length, st.size - tail.length) !== tail.length) return null;
    if (tail.every((b) => b === 0)) return null;
    return `${st.size}:${tail.toString('hex')}`;
  } catch {
    return null;
  } finally {
    closeSync(fd);
  }
}

/** The snapshot `gitDir` keeps for `key`, or null: none, another index, root or .keywardignore, or reads of another tap. */
export function loadSnapshot(gitDir: string, key: SnapshotKey, maxBytes: number): TreeSnapshot | null {
  const salt = cacheSalt(maxBytes);
  // After every change of the index the snapshot is another's: told by how `saveSnapshot` begins
  // the file, without parsing it (24 ms for the corpus's, with a doctor's code reads).
  const data = readCacheFile(gitDir, FILE, `{"salt":${JSON.stringify(salt)},"index":${JSON.stringify(key.index)},`);
  if (!isStored(data) || data.salt !== salt) return null;
  if (data.index !== key.index || data.root !== key.root || data.ignore !== key.ignore) return null;
  // A scan with a tap needs the reads of that tap; one without takes the outcomes of any.
  if (key.tap !== null && data.tap !== key.tap) return null;
  return { named: data.named, clean: data.clean, listSkipped: data.listSkipped, filterSkipped: data.filterSkipped, tracked: data.tracked };
}

/** Written salt and index first, which `loadSnapshot` looks for before it parses. */
export function saveSnapshot(gitDir: string, key: SnapshotKey, maxBytes: number, snap: TreeSnapshot): void {
  writeCacheFile(gitDir, FILE, { salt: cacheSalt(maxBytes), index: key.index, root: key.root, ignore: key.ignore, tap: key.tap, ...snap });
}

/** What a scan that listed the index knew of its tracked files at the end. */
export interface ListedScan {
  /** Every path the index holds. */
  tracked: ReadonlySet<string>;
  /** The files listed, tracked or not, in the listing's order (names that are not UTF-8 left out). */
  files: readonly string[];
  listSkipped: readonly Skipped[];
  filterSkipped: readonly Skipped[];
  /** The files scanned (read or answered), in order. */
  paths: readonly string[];
  /** Outcomes of index blobs: answered from the result cache, or read now and kept. */
  outcomes: (path: string) => Outcome | undefined;
}

/** The snapshot of a scan that listed the index: a tracked file without an outcome of its index blob is named, to be read again. */
export function takeSnapshot(scan: ListedScan): TreeSnapshot {
  const named: SnapshotEntry[] = [];
  let clean = 0;
  for (const p of scan.paths) {
    if (!scan.tracked.has(p)) continue;
    const o = scan.outcomes(p);
    if (o && 'hits' in o && o.hits.length === 0 && o.tap === undefined) clean += 1;
    else named.push([p, o ?? null]);
  }
  const tracked = (s: Skipped) => scan.tracked.has(s.path);
  return {
    named,
    clean,
    listSkipped: scan.listSkipped.filter(tracked),
    filterSkipped: scan.filterSkipped.filter(tracked),
    tracked: scan.files.reduce((n, p) => n + (scan.tracked.has(p) ? 1 : 0), 0),
  };
}

/**
 * The snapshot's tracked files now that git lists `changed` as no longer holding the index's blob:
 * those are read again, the ones answered "nothing found" too (placed in the index's order, and no
 * longer counted). Null when the snapshot cannot account for a changed path.
 */
export function reopen(snap: TreeSnapshot, changed: ReadonlySet<string>): { named: SnapshotEntry[]; clean: number } | null {
  if (changed.size === 0) return { named: snap.named, clean: snap.clean };
  const known = new Set([...snap.named.map(([p]) => p), ...snap.listSkipped.map((s) => s.path), ...snap.filterSkipped.map((s) => s.path)]);
  const unnamed = [...changed].filter((p) => !known.has(p)).sort(byteOrder);
  if (unnamed.length > snap.clean) return null;
  const named: SnapshotEntry[] = [];
  let next = 0;
  for (const [p, o] of snap.named) {
    while (next < unnamed.length && byteOrder(unnamed[next]!, p) < 0) named.push([unnamed[(next += 1) - 1]!, null]);
    named.push([p, changed.has(p) ? null : o]);
  }
  for (; next < unnamed.length; next += 1) named.push([unnamed[next]!, null]);
  return { named, clean: snap.clean - unnamed.length };
}

/** git's order of index entries: by the bytes of their UTF-8 names. */
function byteOrder(a: string, b: string): number {
  return Buffer.compare(Buffer.from(a), Buffer.from(b));
}

interface Stored extends TreeSnapshot, SnapshotKey {
  salt: string;
}

function isStored(v: unknown): v is Stored {
  if (typeof v !== 'object' || v === null) return false;
  const s = v as Record<string, unknown>;
  return (
    typeof s.salt === 'string' &&
    typeof s.index === 'string' &&
    typeof s.root === 'string' &&
    typeof s.ignore === 'string' &&
    (s.tap === null || typeof s.tap === 'string') &&
    Number.isInteger(s.clean) && (s.clean as number) >= 0 &&
    Number.isInteger(s.tracked) &&
    Array.isArray(s.named) && s.named.every((e) => Array.isArray(e) && e.length === 2 && typeof e[0] === 'string' && (e[1] === null || isOutcome(e[1]))) &&
    Array.isArray(s.listSkipped) && s.listSkipped.every(isSkipped) &&
    Array.isArray(s.filterSkipped) && s.filterSkipped.every(isSkipped)
  );
}

function isSkipped(v: unknown): v is Skipped {
  if (typeof v !== 'object' || v === null) return false;
  const s = v as Record<string, unknown>;
  return typeof s.path === 'string' && SKIP_REASONS.has(s.reason as SkipReason) && (s.detail === undefined || typeof s.detail === 'string') && (s.size === undefined || typeof s.size === 'number');
}
