import { createHash } from 'node:crypto';
import { join } from 'node:path';
import type { Env } from '../../core/io.js';
import type { GitRunner } from '../../git/git.js';
import { readRegularFileSync } from '../../project/read.js';
import type { Skipped } from '../batch.js';
import type { Hit, KeyHit } from '../detect.js';
import { SKIP_REASONS, type SkipReason } from '../read.js';
import { cacheSalt, isOutcome, readCacheFile, writeCacheFile } from '../result-cache.js';
import type { Origin } from './origins.js';

// A history scan's outcome, kept for the refs it walked. git names every object by its content,
// so the commits, trees and blobs reachable from a set of ref ids are the same whenever they are
// asked for: while every ref (and every worktree's HEAD) points where it pointed, the walk would
// list the same blobs at the same origins, and what was found in them stands. A scan run again
// with nothing committed, fetched or branched since then walks nothing (the walk was most of such
// a run: 1.3 s of the benchmark corpus's, which now takes 0.38 s). When refs move, only the commits
// the kept walk did not reach may be walked (history-increment.ts says when that gives the same
// report); anything else walks again, in full.

/** What the history scan found, as it stands before the findings are made from it. */
export interface WalkOutcome {
  /** Fingerprint -> blob id -> the path the blob was read at and the key's hit in it. */
  seen: Map<string, Map<string, { path: string; hit: KeyHit }>>;
  /** The earliest origin of each blob in `seen`. */
  origins: Map<string, Origin>;
  scanned: number;
  allowed: number;
  skipped: Skipped[];
}

/** The refs a walk starts from, as git lists them: every ref's id and name, and each worktree's HEAD. */
export interface RefState {
  /** `<id> <refname>` lines of `git for-each-ref` (see `refLines`). */
  refs: string;
  /** The commit of each worktree's HEAD, in `git worktree list`'s order. */
  heads: string[];
  /** The main worktree's HEAD commit (the first listed, unless the repository is bare). */
  main: string | null;
}

/** What a later walk of only the commits this one did not reach needs of it (see history-increment.ts). */
export interface WalkEnds {
  /** The commits the walk started from (every ref's commit, a tag's commit, each worktree's HEAD) and their commit times; null when a ref named no commit. */
  tips: Map<string, number> | null;
  /** The newest commit time the walk met. */
  newest: number;
  /** Blobs the walk listed but did not read (lockfiles, .keywardignore): the result cache holds the others. */
  unread: string[];
  /** The id of the history's result cache saved with the walk, which then holds every blob the walk read. */
  cacheId: string;
}

/** A kept walk, and which of its blobs HEAD's tree held when it was kept. */
export interface KeptWalk extends WalkOutcome, WalkEnds {
  /** The HEAD commit `inHead` was read from. */
  head: string;
  /** The blobs of `seen` that `head`'s tree holds. */
  inHead: string[];
}

/**
 * With one of these set, git walks other objects, grafts or replacements than the refs and the
 * repository's folders say, and the refs alone no longer name the history.
 */
const WALK_REDIRECTS = ['GIT_DIR', 'GIT_COMMON_DIR', 'GIT_OBJECT_DIRECTORY', 'GIT_ALTERNATE_OBJECT_DIRECTORIES', 'GIT_REPLACE_REF_BASE', 'GIT_NO_REPLACE_OBJECTS', 'GIT_GRAFT_FILE', 'GIT_SHALLOW_FILE', 'GIT_NAMESPACE'];

const FILE = 'history-walk';
const FORMAT = 2;
/** A graft file larger than this is not read (and no walk is kept): they are a few lines. */
const GRAFTS_MAX_BYTES = 1024 * 1024;

/** The refs of the repository at `root` now, or null when git cannot list them or is told to walk elsewhere. */
export async function refState(git: GitRunner, root: string, env: Env): Promise<RefState | null> {
  if (WALK_REDIRECTS.some((name) => env[name] !== undefined)) return null;
  const [refs, trees] = await Promise.all([git(['for-each-ref', '--format=%(objectname) %(refname)'], { cwd: root }), git(['worktree', 'list', '--porcelain'], { cwd: root })]);
  if (refs.code !== 0 || trees.code !== 0) return null;
  // `git log --all` starts from every worktree's HEAD too, detached ones included. Blocks of lines,
  // one per worktree, the main one first: `worktree <path>`, then `HEAD <id>` (none when bare).
  const blocks = trees.stdout.toString('utf8').split('\n\n').map((b) => b.split('\n'));
  const headOf = (block: string[]): string | null => block.find((l) => l.startsWith('HEAD '))?.slice(5) ?? null;
  const heads = blocks.map(headOf).filter((h): h is string => h !== null);
  return { refs: refs.stdout.toString('utf8'), heads, main: blocks[0] ? headOf(blocks[0]) : null };
}

/** `for-each-ref` lines of `<id> <type> <peeled id> <peeled type> <refname>` as `refState` lists them: `<id> <refname>`. */
export function refLines(typed: string): string {
  // One pass over the text: a repository with 26,000 tags lists 2 MB of refs.
  return typed.replace(/^(\S+) \S+ \S* \S* /gm, '$1 ');
}

/**
 * What a kept walk must match besides the refs: the grafts file (an old way of rewriting parents
 * without a ref), the .keywardignore text (which blobs are read) and keyward's salt (its code and
 * size limit). A walk of only the new commits may follow a kept walk of the same base. Null when
 * the grafts cannot be read as a file.
 */
export function walkBase(commonDir: string, ignoreText: string | null, maxBytes: number): string | null {
  const grafts = readRegularFileSync(join(commonDir, 'info', 'grafts'), GRAFTS_MAX_BYTES);
  if (!grafts.ok && grafts.problem !== 'missing') return null;
  return hashParts([cacheSalt(maxBytes), grafts.ok ? grafts.bytes.toString('latin1') : '', ignoreText ?? '']);
}

/**
 * What a kept walk must match to stand as it is: its base; the refs; the HEADs that are no ref's
 * commit (a detached HEAD, or one on a tag), in order, with the git folder of the worktree
 * scanned, since the walk adds its own HEAD first. A HEAD on a branch adds nothing: switching
 * branches keeps the walk.
 */
export function walkKey(state: RefState, gitDir: string, base: string): string {
  const isRef = (id: string): boolean => state.refs.startsWith(`${id} `) || state.refs.includes(`\n${id} `);
  const detached = state.heads.filter((id) => !isRef(id));
  return hashParts([base, state.refs, detached.length > 0 ? [gitDir, ...detached].join('\n') : '']);
}

function hashParts(parts: readonly string[]): string {
  const hash = createHash('sha256');
  // Each part with its length first, so no two lists of parts hash alike.
  for (const part of parts) hash.update(`${part.length}:`).update(part);
  return hash.digest('hex');
}

interface Stored {
  format: number;
  key: string;
  base: string;
  /** `[commit, time]` of each commit the walk started from, or null. */
  tips: Array<[string, number]> | null;
  newest: number;
  unread: string[];
  cacheId: string;
  scanned: number;
  allowed: number;
  skipped: Skipped[];
  head: string;
  inHead: string[];
  /** `[fingerprint, [[oid, path, hit], ...]]` */
  seen: Array<[string, Array<[string, string, KeyHit]>]>;
  /** `[oid, commit, path, order, seq]` for the blobs of `seen`. */
  origins: Array<[string, string, string, number, number]>;
}

/** The walk kept in `commonDir` and the key and base it was kept under, or null (none, or not keyward's shape). */
export function loadWalk(commonDir: string): { key: string; base: string; walk: KeptWalk } | null {
  const data = readCacheFile(commonDir, FILE, `{"format":${FORMAT},"key":"`);
  if (!isStored(data)) return null;
  const seen: WalkOutcome['seen'] = new Map();
  for (const [fp, blobs] of data.seen) seen.set(fp, new Map(blobs.map(([oid, path, hit]) => [oid, { path, hit }])));
  const origins = new Map(data.origins.map(([oid, commit, path, order, seq]): [string, Origin] => [oid, { commit, path, order, seq }]));
  const ends: WalkEnds = { tips: data.tips ? new Map(data.tips) : null, newest: data.newest, unread: data.unread, cacheId: data.cacheId };
  return { key: data.key, base: data.base, walk: { seen, origins, scanned: data.scanned, allowed: data.allowed, skipped: data.skipped, head: data.head, inHead: data.inHead, ...ends } };
}

/** Keeps a complete walk's outcome under `key` and `base`, with which of its blobs `head.commit`'s tree holds (best-effort, as the result cache is). */
export function saveWalk(commonDir: string, at: { key: string; base: string }, w: WalkOutcome & WalkEnds, head: { commit: string; blobs: ReadonlySet<string> }): void {
  const origins: Stored['origins'] = [];
  const inHead: string[] = [];
  for (const blobs of w.seen.values()) {
    for (const oid of blobs.keys()) {
      const o = w.origins.get(oid);
      if (o) origins.push([oid, o.commit, o.path, o.order, o.seq]);
      if (head.blobs.has(oid)) inHead.push(oid);
    }
  }
  const seen: Stored['seen'] = [...w.seen].map(([fp, blobs]) => [fp, [...blobs].map(([oid, b]) => [oid, b.path, b.hit])]);
  const tips = w.tips ? [...w.tips] : null;
  writeCacheFile(commonDir, FILE, { format: FORMAT, key: at.key, base: at.base, tips, newest: w.newest, unread: w.unread, cacheId: w.cacheId, scanned: w.scanned, allowed: w.allowed, skipped: w.skipped, head: head.commit, inHead, seen, origins } satisfies Stored);
}

function isStored(v: unknown): v is Stored {
  if (typeof v !== 'object' || v === null) return false;
  const s = v as Record<string, unknown>;
  return (
    typeof s.key === 'string' &&
    typeof s.base === 'string' &&
    (s.tips === null || (Array.isArray(s.tips) && s.tips.every((t) => Array.isArray(t) && t.length === 2 && typeof t[0] === 'string' && typeof t[1] === 'number'))) &&
    typeof s.newest === 'number' &&
    Array.isArray(s.unread) &&
    s.unread.every((oid) => typeof oid === 'string') &&
    typeof s.cacheId === 'string' &&
    Number.isInteger(s.scanned) &&
    Number.isInteger(s.allowed) &&
    Array.isArray(s.skipped) &&
    s.skipped.every(isSkipped) &&
    typeof s.head === 'string' &&
    Array.isArray(s.inHead) &&
    s.inHead.every((oid) => typeof oid === 'string') &&
    Array.isArray(s.seen) &&
    s.seen.every((e) => Array.isArray(e) && typeof e[0] === 'string' && Array.isArray(e[1]) && (e[1] as unknown[]).every(isSeenBlob)) &&
    Array.isArray(s.origins) &&
    s.origins.every((o) => Array.isArray(o) && o.length === 5 && typeof o[0] === 'string' && typeof o[1] === 'string' && typeof o[2] === 'string' && typeof o[3] === 'number' && typeof o[4] === 'number')
  );
}

function isSeenBlob(v: unknown): boolean {
  if (!Array.isArray(v) || v.length !== 3 || typeof v[0] !== 'string' || typeof v[1] !== 'string') return false;
  const hit = v[2] as Hit;
  return isOutcome({ hits: [hit] }) && hit.type === 'key';
}

function isSkipped(v: unknown): v is Skipped {
  if (typeof v !== 'object' || v === null) return false;
  const s = v as Record<string, unknown>;
  return typeof s.path === 'string' && SKIP_REASONS.has(s.reason as SkipReason) && (s.detail === undefined || typeof s.detail === 'string') && (s.size === undefined || typeof s.size === 'number');
}
