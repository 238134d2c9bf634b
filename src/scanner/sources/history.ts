import type { Finding } from '../../core/finding.js';
import type { GitRunner } from '../../git/git.js';
import { firstLine, splitZ } from '../../git/repo.js';
import type { BatchResult, Skipped } from '../batch.js';
import { check, now, runnerFor, suppressionNote, withBaseline } from '../common.js';
import type { KeyHit } from '../detect.js';
import { keyFinding } from '../findings.js';
import { CatFileParser, spawnGit } from '../git-stream.js';
import { isLockfile } from '../paths.js';
import type { BatchRunner } from '../pool.js';
import { readKeywardIgnore } from '../suppress.js';
import { describeScan } from '../tally.js';
import { DEFAULT_MAX_FILE_BYTES, type ScanOptions, type ScanResult } from '../types.js';

/** The check id of the history scan in the report's `checks`. */
export const HISTORY_CHECK = 'exposure.history';

const BATCH_BYTES = 4 * 1024 * 1024;
const BATCH_BLOBS = 512;
/** Blob ids per `git log --find-object` call, to keep the command line short. */
const FIND_OBJECT_CHUNK = 100;
/** Enough objects that worker threads pay for their start-up. */
const PARALLEL_MIN_OBJECTS = 5000;

interface Seen {
  hit: KeyHit;
  /** Blob id -> where the key sits in it. */
  blobs: Map<string, { path: string; line: number; column: number }>;
}

/**
 * Scans every blob reachable from any ref (branches, tags, remotes, stash) exactly once:
 * `git rev-list --objects --all` streamed into `git cat-file --batch`. Each key becomes one
 * `exposure.history` finding at the earliest commit and path that introduced it (merge commits
 * included, so a key that only a merge resolution added is found too), with `inHead`.
 * Paths are relative to the repository's top folder. Combine with the working-tree scan through
 * `mergeScans`, which keeps history findings only for keys the working tree no longer holds.
 */
export async function scanHistory(opts: ScanOptions): Promise<ScanResult> {
  const started = now();
  const { git, root } = opts;
  const gitDir = await git(['rev-parse', '--git-dir'], { cwd: root, timeoutMs: 10_000 });
  if (gitDir.code !== 0) return { findings: [], checks: [check(HISTORY_CHECK, 'skip', started, 'Not a git repository: there is no history to scan.')] };
  const notes: string[] = [];
  const shallow = await git(['rev-parse', '--is-shallow-repository'], { cwd: root });
  if (shallow.stdout.toString('utf8').trim() === 'true') notes.push('This is a shallow clone: commits before its depth are not here and were not scanned (git fetch --unshallow, then scan again).');
  const objects = await countObjects(git, root);
  const runner = runnerFor(opts, objects >= PARALLEL_MIN_OBJECTS ? Number.MAX_SAFE_INTEGER : 0);
  let streamed: StreamOutcome;
  try {
    streamed = await streamBlobs(opts, runner);
  } finally {
    await runner.close();
  }
  const seen = streamed.seen;
  const oids = [...new Set([...seen.values()].flatMap((s) => [...s.blobs.keys()]))];
  const origin = await introducingCommits(git, root, oids);
  const head = await headBlobs(git, root);
  const findings: Finding[] = [];
  for (const s of seen.values()) {
    let best: { oid: string; order: number } | null = null;
    for (const oid of s.blobs.keys()) {
      const o = origin.get(oid);
      if (o && (!best || o.order < best.order)) best = { oid, order: o.order };
    }
    const oid = best?.oid ?? s.blobs.keys().next().value!;
    const where = s.blobs.get(oid)!;
    const o = origin.get(oid);
    const files = new Set([...s.blobs.values()].map((b) => b.path));
    const inHead = [...s.blobs.keys()].some((b) => head.has(b));
    const extra = s.blobs.size > 1 ? ` It is in ${s.blobs.size} versions of ${files.size} file${files.size === 1 ? '' : 's'}.` : '';
    findings.push(
      keyFinding(
        'exposure.history',
        s.hit,
        { file: o?.path ?? where.path, line: where.line, column: where.column, commit: o?.commit ?? null, inHead },
        opts.active?.has(s.hit.fingerprint) ?? false,
        extra,
      ),
    );
  }
  const { findings: kept, suppressed } = withBaseline(opts, findings);
  const failed = streamed.errors.length > 0;
  const note = describeScan(streamed.scanned, 'blob', streamed.skipped, [
    ...suppressionNote({ allowed: streamed.allowed, baseline: suppressed }),
    ...notes,
    ...(failed ? [`git could not read all of the history: ${streamed.errors.join('; ')}. Findings above come from what could be read.`] : []),
  ]);
  return { findings: kept, checks: [check(HISTORY_CHECK, failed ? 'error' : kept.length > 0 ? 'fail' : 'pass', started, note)] };
}

interface StreamOutcome {
  seen: Map<string, Seen>;
  skipped: Skipped[];
  scanned: number;
  allowed: number;
  errors: string[];
}

/** Objects in the repository, from its pack index and loose objects: a cheap size hint. */
async function countObjects(git: GitRunner, root: string): Promise<number> {
  const r = await git(['count-objects', '-v'], { cwd: root });
  let n = 0;
  for (const m of r.stdout.toString('utf8').matchAll(/^(?:count|in-pack): (\d+)$/gm)) n += Number(m[1]);
  return n;
}

/** rev-list piped into cat-file, parsed as it streams, blobs scanned in batches with back-pressure. */
function streamBlobs(opts: ScanOptions, runner: BatchRunner): Promise<StreamOutcome> {
  const maxBytes = opts.maxFileBytes ?? DEFAULT_MAX_FILE_BYTES;
  const ig = readKeywardIgnore(opts.root);
  const out: StreamOutcome = { seen: new Map(), skipped: [], scanned: 0, allowed: 0, errors: [] };
  // Blob-only listing keeps trees and commits out of cat-file; the commits rev-list still prints are cheap and skipped by type.
  const revList = spawnGit(opts.env, ['rev-list', '--objects', '--all', '--filter=object:type=blob'], opts.root);
  const catFile = spawnGit(opts.env, ['cat-file', '--batch=%(objectname) %(objecttype) %(objectsize) %(rest)'], opts.root);
  let revErr = '';
  let catErr = '';
  revList.stderr.on('data', (d: Buffer) => (revErr += d.toString('utf8')));
  catFile.stderr.on('data', (d: Buffer) => (catErr += d.toString('utf8')));
  revList.stdout.pipe(catFile.stdin);
  catFile.stdin.on('error', () => undefined);
  revList.on('error', (e) => out.errors.push(e.message));
  catFile.on('error', (e) => out.errors.push(e.message));

  let batch: Array<{ oid: string; path: string; data: Buffer }> = [];
  let batchBytes = 0;
  const inflight = new Set<Promise<void>>();
  const limit = runner.parallel ? 8 : 1;
  const absorb = (r: BatchResult): void => {
    out.scanned += r.scanned;
    out.skipped.push(...r.skipped);
    for (const f of r.files) {
      for (const hit of f.hits) {
        if (hit.type !== 'key') continue;
        if (hit.allowed) {
          out.allowed += 1;
          continue;
        }
        let s = out.seen.get(hit.fingerprint);
        if (!s) out.seen.set(hit.fingerprint, (s = { hit, blobs: new Map() }));
        if (!s.blobs.has(f.oid!)) s.blobs.set(f.oid!, { path: f.path, line: hit.line, column: hit.column });
      }
    }
  };
  const flush = (): void => {
    if (batch.length === 0) return;
    // One fresh buffer per batch: it can be handed to a worker whole, never a shared pool slab.
    const whole = new Uint8Array(batchBytes);
    let at = 0;
    const blobs = batch.map((b) => {
      whole.set(b.data, at);
      const data = whole.subarray(at, at + b.data.length);
      at += b.data.length;
      return { oid: b.oid, path: b.path, data };
    });
    batch = [];
    batchBytes = 0;
    const job = runner
      .run({ type: 'blobs', blobs })
      .then(absorb, (e: unknown) => {
        out.errors.push(e instanceof Error ? e.message : String(e));
      })
      .finally(() => {
        inflight.delete(job);
        if (inflight.size < limit) catFile.stdout.resume();
      });
    inflight.add(job);
    if (inflight.size >= limit) catFile.stdout.pause();
  };
  const parser = new CatFileParser(maxBytes, (o) => {
    if (o.type !== 'blob') return;
    const path = o.rest;
    if (!o.data) out.skipped.push({ path, reason: 'too-large', detail: `${o.size} bytes` });
    else if (isLockfile(path)) out.skipped.push({ path, reason: 'lockfile' });
    else if (path && ig?.ignores(path)) out.skipped.push({ path, reason: 'ignored-by-keywardignore' });
    else if (!runner.parallel) {
      // The inline runner scans synchronously, straight from the stream's buffer, before the view goes stale.
      runner.run({ type: 'blobs', blobs: [{ oid: o.oid, path, data: o.data }] }).then(absorb, (e: unknown) => {
        out.errors.push(e instanceof Error ? e.message : String(e));
      });
    } else {
      // The parser's view is valid only now: the batch keeps a copy.
      batch.push({ oid: o.oid, path, data: Buffer.from(o.data) });
      batchBytes += o.data.length;
      if (batchBytes >= BATCH_BYTES || batch.length >= BATCH_BLOBS) flush();
    }
  });
  catFile.stdout.on('data', (chunk: Buffer) => parser.push(chunk));
  const exited = (p: typeof revList, name: string, stderr: () => string): Promise<void> =>
    new Promise((resolve) => {
      p.on('close', (code, signal) => {
        if (code !== 0) out.errors.push(`${name} ${signal ? `was killed (${signal})` : `exited with ${code}`}${stderr() ? `: ${firstLine(stderr())}` : ''}`);
        resolve();
      });
    });
  return Promise.all([exited(revList, 'git rev-list', () => revErr), exited(catFile, 'git cat-file', () => catErr)]).then(async () => {
    flush();
    while (inflight.size > 0) await Promise.all([...inflight]);
    return out;
  });
}

/**
 * For each blob, the earliest commit (by commit time, then `git log --reverse` order) whose diff against a parent
 * adds it, and the path it was added at. `-m` diffs merges against each parent, which is how a
 * blob that only a merge resolution created gets its commit.
 */
async function introducingCommits(git: GitRunner, root: string, oids: readonly string[]): Promise<Map<string, { commit: string; path: string; order: number }>> {
  const out = new Map<string, { commit: string; path: string; order: number }>();
  for (let i = 0; i < oids.length; i += FIND_OBJECT_CHUNK) {
    const chunk = oids.slice(i, i + FIND_OBJECT_CHUNK);
    const r = await git(
      ['log', '--all', '-m', '--reverse', '--format=%x01%H %ct', '--raw', '-z', '--no-abbrev', '--no-renames', ...chunk.map((o) => `--find-object=${o}`)],
      { cwd: root, timeoutMs: 600_000 },
    );
    if (r.code !== 0) continue;
    const wanted = new Set(chunk);
    let commit = '';
    let order = 0;
    const tokens = r.stdout.toString('utf8').split('\0');
    for (let t = 0; t < tokens.length; t += 1) {
      const token = tokens[t]!.replace(/^\n+/, '');
      if (token.startsWith('\x01')) {
        // Chunks are separate walks, so commits compare by their commit time, not by position.
        const [sha = '', time = '0'] = token.slice(1).trim().split(' ');
        commit = sha;
        order = Number(time);
        continue;
      }
      if (!token.startsWith(':')) continue;
      const path = tokens[t + 1] ?? '';
      t += 1;
      const newOid = token.slice(1).split(' ')[3] ?? '';
      const prior = out.get(newOid);
      if (wanted.has(newOid) && (!prior || order < prior.order)) out.set(newOid, { commit, path, order });
    }
  }
  return out;
}

/** Blob ids of the HEAD commit's tree (empty without commits). */
async function headBlobs(git: GitRunner, root: string): Promise<Set<string>> {
  const r = await git(['ls-tree', '-r', '-z', '--full-tree', 'HEAD'], { cwd: root });
  if (r.code !== 0) return new Set();
  const out = new Set<string>();
  for (const entry of splitZ(r.stdout)) {
    const m = /^\d+ blob ([0-9a-f]+)\t/.exec(entry);
    if (m) out.add(m[1]!);
  }
  return out;
}
