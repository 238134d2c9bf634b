import type { Finding } from '../../core/finding.js';
import { indexEntryCount, inspectRepo, specialIgnoreFiles, worktreeGitDir } from '../../git/repo.js';
import type { BatchResult, Skipped } from '../batch.js';
import { check, coreIdle, fileFindings, helpersFor, keysInHead, now, scanPaths, statusOf, suppressionNote, withBaseline, worktreeThreads } from '../common.js';
import { createDetector, type Detector } from '../detect.js';
import { gapFinding } from '../gaps.js';
import type { IgnoreRules } from '../ignore-rules.js';
import { isLockfile } from '../paths.js';
import type { FileHelpers } from '../pool.js';
import { cacheKey, noCache, openResultCache, type Outcome, type ResultCache } from '../result-cache.js';
import { readKeywardIgnoreFile } from '../suppress.js';
import { describeScan } from '../tally.js';
import { DEFAULT_MAX_FILE_BYTES, type ScanOptions, type ScanResult } from '../types.js';
import { changedSinceHead, changedSinceIndex, filtersOff, listBesideIndex, listGitFiles, walkFiles, type FileList } from './worktree-list.js';
import { headState, merge, planReads, remember, type ReadPlan } from './worktree-reuse.js';
import { indexId, loadSnapshot, reopen, saveSnapshot, snapshotKey, takeSnapshot, type SnapshotKey, type TreeSnapshot } from './worktree-snapshot.js';

/** The check id of the working-tree scan in the report's `checks`. */
export const WORKTREE_CHECK = 'exposure.worktree';

type Options = ScanOptions & { only?: readonly string[] };

/**
 * Scans the working tree: every file git does not ignore (or, outside git, every file the
 * .gitignore files allow), plus ignored bundles, logs and .env files, which leak anyway.
 * `only` limits the scan to these paths (relative to the root). Files and folders that could not
 * be read are an `exposure.scan-incomplete` finding.
 */
export async function scanWorktree(opts: Options): Promise<ScanResult> {
  try {
    return await scanTree(opts);
  } finally {
    opts.blobShare?.close();
  }
}

async function scanTree(opts: Options): Promise<ScanResult> {
  const started = now();
  opts.progress?.({ step: 'listing', files: 0 });
  const special = specialIgnoreFiles(opts.root);
  const ignore = readKeywardIgnoreFile(opts.root);
  // Each worktree keeps its own: what it holds is what its checkout holds.
  const gitDir = special.length === 0 && opts.cache !== false ? worktreeGitDir(opts.root) : null;
  // A tap that keeps nothing must be shown every file it wants, and only the listing names them all.
  const key = gitDir && !opts.only && (!opts.tap || opts.tap.keeps) ? snapshotKey(gitDir, opts.root, opts.env, ignore?.text ?? null, opts.tap?.keeps?.id ?? null) : null;
  const snap = gitDir && key ? loadSnapshot(gitDir, key, maxBytesOf(opts)) : null;
  if (gitDir && key && snap) {
    const fromSnapshot = await scanFromSnapshot(opts, started, { gitDir, key, snap }, ignore?.rules ?? null);
    if (fromSnapshot) return fromSnapshot;
  }
  return scanFromListing(opts, started, special, ignore?.rules ?? null, gitDir, key);
}

function maxBytesOf(opts: ScanOptions): number {
  return opts.maxFileBytes ?? DEFAULT_MAX_FILE_BYTES;
}

/** The scan of a listing: every tracked and untracked file git names, answered from the result cache where git sees a file unchanged. */
async function scanFromListing(opts: Options, started: number, special: Array<{ path: string; kind: string }>, ig: IgnoreRules | null, gitDir: string | null, key: SnapshotKey | null): Promise<ScanResult> {
  // git is asked about the repository only when the listing fails: where it lists, this is a
  // repository, and a HEAD without commits answers the inHead question with "missing" anyway.
  const listing = special.length > 0 ? null : listGitFiles(opts.git, opts.root).then(
    (l) => ({ list: l }),
    (e: unknown) => ({ error: e }),
  );
  const off = gitDir ? filtersOff(opts.git, opts.root) : null;
  // Read while git lists the files.
  const cache = gitDir ? openResultCache(gitDir, 'worktree', maxBytesOf(opts)) : noCache();
  // Which tracked files may have changed, asked beside the listing, only when there are outcomes to reuse.
  const ask = (question: typeof changedSinceHead) => (): Promise<Set<string> | null> => (off ? off.then((o) => (o ? question(opts.git, opts.root, o) : null)) : Promise.resolve(null));
  const changed = cache.stored > 0 ? ask(changedSinceHead)() : null;
  // Started while git walks the tree, so their start-up overlaps it, when more threads are asked
  // for, the index says the tree is big and a core is idle; on busy cores a helper starting now
  // takes its CPU from git's listing.
  const hint = worktreeThreads(opts) > 1 && coreIdle() ? (opts.only ? opts.only.length : indexEntryCount(opts.root)) : null;
  const helpers: { early: FileHelpers | null } = { early: helpersFor(opts, hint) };
  try {
    return await scanListed(opts, started, { special, ig, listing, helpers, gitDir, key }, { cache, changed, sinceIndex: ask(changedSinceIndex) });
  } finally {
    helpers.early?.close();
  }
}

interface Listed {
  special: Array<{ path: string; kind: string }>;
  ig: IgnoreRules | null;
  listing: Promise<{ list: FileList } | { error: unknown }> | null;
  helpers: { early: FileHelpers | null };
  gitDir: string | null;
  /** Where the scan's snapshot is kept (see worktree-snapshot.ts), when it may be. */
  key: SnapshotKey | null;
}

interface Reuse {
  cache: ResultCache;
  /** Files that may differ from HEAD, when the cache has outcomes to reuse. */
  changed: Promise<Set<string> | null> | null;
  /** Asks git which tracked files differ from the index, once the reading is over. */
  sinceIndex: () => Promise<Set<string> | null>;
}

async function scanListed(opts: Options, started: number, l: Listed, reuse: Reuse): Promise<ScanResult> {
  // Compiled while git walks the tree, and used again for HEAD's copies of the files with keys.
  const detector = createDetector();
  const listed = await l.listing;
  let list: FileList;
  let inRepo: boolean;
  const notes: string[] = [];
  const gaps = l.special.length > 0 ? [gapFinding({ kind: 'special-ignore-files', files: l.special })] : [];
  if (listed && 'list' in listed) {
    list = listed.list;
    inRepo = true;
  } else {
    const repo = await inspectRepo(opts.git, opts.root);
    if (repo.kind === 'repo' && listed) throw listed.error instanceof Error ? listed.error : new Error(String(listed.error));
    inRepo = repo.kind === 'repo';
    if (repo.kind === 'broken') {
      const bare = await opts.git(['rev-parse', '--is-bare-repository'], { cwd: opts.root });
      if (bare.stdout.toString('utf8').trim() === 'true') {
        return { findings: [], checks: [check(WORKTREE_CHECK, 'skip', started, 'A bare repository has no working tree; use --history to scan what it holds.')] };
      }
      notes.push(`git could not list the files (${repo.reason}), so the folder was walked instead.`);
    }
    list = walkFiles(opts.root);
  }
  opts.progress?.({ step: 'listing', files: list.files.length });
  const filtered = filterPaths(list.files, l.ig, opts.only ? new Set(opts.only) : null);
  const paths = filtered.paths;
  const changed = reuse.changed ? await reuse.changed : null;
  const plan = planReads(paths, list.blobs, changed, reuse.cache, opts.tap);
  restoreReads(opts, plan.known);
  // Without that (busy cores, no index of its own: a subfolder, a linked worktree, no git), once the list is known.
  l.helpers.early ??= helpersFor(opts, plan.toRead.length);
  const read = await scanPaths(opts, plan.toRead, maxBytesOf(opts), detector, l.helpers.early, shareBlobs(opts.blobShare, plan, list.blobs));
  handOver(opts.blobShare, read, list.blobs);
  const result = merge(paths, plan.known, read);
  // A tracked file git saw as HEAD's holds HEAD's keys, and a path neither HEAD nor the index
  // holds none: git is asked only about the others, while it is asked again whether the files
  // just read are worth keeping (see `remember`).
  const known = (p: string): 'same' | 'absent' | 'ask' => headState(p, list, changed);
  const [after, head] = await Promise.all([
    inRepo && plan.fresh.length > 0 ? reuse.sinceIndex() : null,
    inRepo ? keysInHead(opts.git, opts.root, withKeys(result).filter((p) => known(p) === 'ask'), () => detector) : null,
  ]);
  const kept = after ? remember(plan, list.blobs, read, after, reuse.cache, opts.tap) : new Map<string, Outcome>();
  reuse.cache.save();
  // Kept only if the index is still the one listed: then every outcome is its blobs'.
  if (inRepo && l.gitDir && l.key && indexId(l.gitDir) === l.key.index) {
    const outcomes = (p: string) => plan.known.get(p) ?? kept.get(p);
    saveSnapshot(l.gitDir, l.key, maxBytesOf(opts), takeSnapshot({ tracked: list.tracked, files: list.files, listSkipped: list.skipped, filterSkipped: filtered.skipped, paths, outcomes }));
  }
  const inHead = head ? (path: string, fp: string) => (known(path) === 'ask' ? head.has(`${path}\0${fp}`) : known(path) === 'same') : undefined;
  return reportScan(opts, started, { result, skipped: [...list.skipped, ...filtered.skipped], ignored: list.ignored, inHead, notes, gaps });
}

/**
 * The scan of an index an earlier scan listed (`snap`): git lists the untracked files and says which
 * tracked files no longer hold the index's blob, and only those are read. Null when git cannot say,
 * or the index changed meanwhile: then the listing decides.
 */
async function scanFromSnapshot(opts: Options, started: number, s: { gitDir: string; key: SnapshotKey; snap: TreeSnapshot }, ig: IgnoreRules | null): Promise<ScanResult | null> {
  // Only untracked and changed files are read here, none of them checked against a blob: the history need not wait.
  opts.blobShare?.expect([]);
  // The listing is the longest of git's answers, and waits for this one.
  const off = await filtersOff(opts.git, opts.root);
  if (!off) return null;
  const listing = listBesideIndex(opts.git, opts.root, off);
  let compiled: Detector | undefined;
  const detector = (): Detector => (compiled ??= createDetector());
  // What HEAD is, the snapshot does not say: git is asked about each file with a key, those the
  // snapshot knows of while the rest is listed and read, the others once read.
  const knownKeys = new Set(s.snap.named.filter(([, o]) => o && 'hits' in o && o.hits.some((h) => h.type === 'key')).map(([p]) => p));
  const early = keysInHead(opts.git, opts.root, [...knownKeys], detector);
  // Compiled while git answers.
  detector();
  const listed = await listing;
  if (!listed || indexId(s.gitDir) !== s.key.index) return null;
  const { list, changed } = listed;
  const tracked = reopen(s.snap, changed);
  if (!tracked) return null;
  // The listing's order: untracked files, the index's, then the ignored files that leak.
  const isIgnored = (p: string) => list.ignored.has(p);
  const untracked = filterPaths(list.files.filter((p) => !isIgnored(p)), ig, null);
  const ignored = filterPaths(list.files.filter(isIgnored), ig, null);
  const paths = [...untracked.paths, ...tracked.named.map(([p]) => p), ...ignored.paths];
  opts.progress?.({ step: 'listing', files: list.files.length + s.snap.tracked });
  const known = new Map<string, Outcome>();
  for (const [p, o] of tracked.named) if (o) known.set(p, o);
  restoreReads(opts, known);
  const toRead = paths.filter((p) => !known.has(p));
  const helpers = helpersFor(opts, toRead.length);
  let read: BatchResult;
  try {
    read = await scanPaths(opts, toRead, maxBytesOf(opts), detector(), helpers);
  } finally {
    helpers?.close();
  }
  const result = merge(paths, known, read);
  result.scanned += tracked.clean;
  const late = withKeys(result).filter((p) => !knownKeys.has(p));
  const [head, more] = await Promise.all([early, late.length > 0 ? keysInHead(opts.git, opts.root, late, detector) : new Set<string>()]);
  const skipped = [
    ...list.skipped.filter((x) => !isIgnored(x.path)),
    ...s.snap.listSkipped,
    ...list.skipped.filter((x) => isIgnored(x.path)),
    ...untracked.skipped,
    ...s.snap.filterSkipped,
    ...ignored.skipped,
  ];
  return reportScan(opts, started, { result, skipped, ignored: list.ignored, inHead: (path, fp) => head.has(`${path}\0${fp}`) || more.has(`${path}\0${fp}`), notes: [], gaps: [] });
}

/**
 * The blob each file to read should hold, for the history scan beside this one (`share`): the
 * tracked files git saw as the index's. Undefined without a share.
 */
function shareBlobs(share: ScanOptions['blobShare'], plan: ReadPlan, blobs: ReadonlyMap<string, string>): Array<string | null> | undefined {
  if (!share) return undefined;
  const fresh = new Set(plan.fresh);
  const oids = plan.toRead.map((p) => (fresh.has(p) ? (blobs.get(p) ?? null) : null));
  share.expect(plan.toRead.flatMap((p, i) => (oids[i] ? [cacheKey(oids[i], p)] : [])));
  return oids;
}

/** Hands the share the outcome of each file whose bytes were its blob. */
function handOver(share: ScanOptions['blobShare'], read: BatchResult, blobs: ReadonlyMap<string, string>): void {
  if (!share || !read.verified) return;
  const hits = new Map(read.files.map((f) => [f.path, f.hits]));
  for (const p of read.verified) share.put(cacheKey(blobs.get(p)!, p), { hits: hits.get(p) ?? [] });
}

/** The paths to scan, in order, and those left unread: outside `only`, .keywardignore'd, lockfiles. */
function filterPaths(files: readonly string[], ig: IgnoreRules | null, only: ReadonlySet<string> | null): { paths: string[]; skipped: Skipped[] } {
  const paths: string[] = [];
  const skipped: Skipped[] = [];
  for (const p of files) {
    if (only && !only.has(p)) continue;
    if (ig?.ignores(p)) skipped.push({ path: p, reason: 'ignored-by-keywardignore' });
    else if (isLockfile(p)) skipped.push({ path: p, reason: 'lockfile' });
    else paths.push(p);
  }
  return { paths, skipped };
}

/** Hands the tap what it kept of the files answered without reading them (the doctor's code reads). */
function restoreReads(opts: ScanOptions, known: ReadonlyMap<string, Outcome>): void {
  const keeps = opts.tap?.keeps;
  if (!keeps) return;
  for (const [p, o] of known) if ('hits' in o && o.tap !== undefined) keeps.restore(p, o.tap.slice(keeps.id.length + 1));
}

function withKeys(result: BatchResult): string[] {
  return result.files.filter((f) => f.hits.some((h) => h.type === 'key')).map((f) => f.path);
}

interface Scanned {
  result: BatchResult;
  /** Skipped before reading, in order; the reading's own skips follow. */
  skipped: Skipped[];
  ignored: ReadonlySet<string>;
  inHead: ((path: string, fp: string) => boolean) | undefined;
  notes: string[];
  gaps: Finding[];
}

/** The findings and the check of a reading, however it was planned. */
function reportScan(opts: ScanOptions, started: number, s: Scanned): ScanResult {
  const skipped = [...s.skipped, ...s.result.skipped];
  const { findings: all, allowed } = fileFindings(s.result.files, s.ignored, opts.active ?? new Set(), s.inHead);
  const { findings, suppressed } = withBaseline(opts, all);
  const note = describeScan(s.result.scanned, 'file', skipped, [...suppressionNote({ allowed, baseline: suppressed }), ...s.notes]);
  const gaps = [...s.gaps];
  const unreadable = skipped.filter((x) => x.reason === 'unreadable').map((x) => x.path);
  if (unreadable.length > 0) gaps.push(gapFinding({ kind: 'unreadable-files', paths: unreadable }));
  if (gaps.length === 0) return { findings, checks: [check(WORKTREE_CHECK, statusOf(findings), started, note)] };
  return { findings: [...findings, ...gaps], checks: [check(WORKTREE_CHECK, 'error', started, note)] };
}
