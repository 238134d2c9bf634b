import { indexEntryCount, inspectRepo, specialIgnoreFiles, worktreeGitDir } from '../../git/repo.js';
import type { Skipped } from '../batch.js';
import { check, coreIdle, fileFindings, helpersFor, keysInHead, now, scanPaths, statusOf, suppressionNote, withBaseline, worktreeThreads } from '../common.js';
import { createDetector } from '../detect.js';
import { gapFinding } from '../gaps.js';
import { isLockfile } from '../paths.js';
import type { FileHelpers } from '../pool.js';
import { noCache, openResultCache, type ResultCache } from '../result-cache.js';
import { readKeywardIgnore } from '../suppress.js';
import { describeScan } from '../tally.js';
import { DEFAULT_MAX_FILE_BYTES, type ScanOptions, type ScanResult } from '../types.js';
import { changedSinceHead, changedSinceIndex, filtersOff, listGitFiles, walkFiles, type FileList } from './worktree-list.js';
import { headState, merge, planReads, remember } from './worktree-reuse.js';

/** The check id of the working-tree scan in the report's `checks`. */
export const WORKTREE_CHECK = 'exposure.worktree';

/**
 * Scans the working tree: every file git does not ignore (or, outside git, every file the
 * .gitignore files allow), plus ignored bundles, logs and .env files, which leak anyway.
 * `only` limits the scan to these paths (relative to the root). Files and folders that could not
 * be read are an `exposure.scan-incomplete` finding.
 */
export async function scanWorktree(opts: ScanOptions & { only?: readonly string[] }): Promise<ScanResult> {
  const started = now();
  opts.progress?.({ step: 'listing', files: 0 });
  const special = specialIgnoreFiles(opts.root);
  // git is asked about the repository only when the listing fails: where it lists, this is a
  // repository, and a HEAD without commits answers the inHead question with "missing" anyway.
  const listing = special.length > 0 ? null : listGitFiles(opts.git, opts.root).then(
    (l) => ({ list: l }),
    (e: unknown) => ({ error: e }),
  );
  // Each worktree keeps its own: what it holds is what its checkout holds.
  const gitDir = listing && opts.cache !== false ? worktreeGitDir(opts.root) : null;
  const off = gitDir ? filtersOff(opts.git, opts.root) : null;
  // Read while git lists the files.
  const cache = gitDir ? openResultCache(gitDir, 'worktree', opts.maxFileBytes ?? DEFAULT_MAX_FILE_BYTES) : noCache();
  // Which tracked files may have changed, asked beside the listing, only when there are outcomes to reuse.
  const ask = (question: typeof changedSinceHead) => (): Promise<Set<string> | null> => (off ? off.then((o) => (o ? question(opts.git, opts.root, o) : null)) : Promise.resolve(null));
  const changed = cache.stored > 0 ? ask(changedSinceHead)() : null;
  // Started while git walks the tree, so their start-up overlaps it, when more threads are asked
  // for, the index says the tree is big and a core is idle; on busy cores a helper starting now
  // takes its CPU from git's listing.
  const hint = worktreeThreads(opts) > 1 && coreIdle() ? (opts.only ? opts.only.length : indexEntryCount(opts.root)) : null;
  const helpers: { early: FileHelpers | null } = { early: helpersFor(opts, hint) };
  try {
    return await scanListed(opts, started, special, listing, helpers, { cache, changed, sinceIndex: ask(changedSinceIndex) });
  } finally {
    helpers.early?.close();
  }
}

type Listing = Promise<{ list: FileList } | { error: unknown }> | null;

interface Reuse {
  cache: ResultCache;
  /** Files that may differ from HEAD, when the cache has outcomes to reuse. */
  changed: Promise<Set<string> | null> | null;
  /** Asks git which tracked files differ from the index, once the reading is over. */
  sinceIndex: () => Promise<Set<string> | null>;
}

async function scanListed(opts: ScanOptions & { only?: readonly string[] }, started: number, special: Array<{ path: string; kind: string }>, listing: Listing, helpers: { early: FileHelpers | null }, reuse: Reuse): Promise<ScanResult> {
  // Compiled while git walks the tree, and used again for HEAD's copies of the files with keys.
  const detector = createDetector();
  const listed = await listing;
  let list: FileList;
  let inRepo: boolean;
  const notes: string[] = [];
  const gaps = special.length > 0 ? [gapFinding({ kind: 'special-ignore-files', files: special })] : [];
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
  const skipped: Skipped[] = [...list.skipped];
  const ig = readKeywardIgnore(opts.root);
  const only = opts.only ? new Set(opts.only) : null;
  const paths: string[] = [];
  for (const p of list.files) {
    if (only && !only.has(p)) continue;
    if (ig?.ignores(p)) skipped.push({ path: p, reason: 'ignored-by-keywardignore' });
    else if (isLockfile(p)) skipped.push({ path: p, reason: 'lockfile' });
    else paths.push(p);
  }
  const changed = reuse.changed ? await reuse.changed : null;
  const plan = planReads(paths, list.blobs, changed, reuse.cache, opts.tap);
  const keeps = opts.tap?.keeps;
  if (keeps) for (const [p, o] of plan.known) if ('hits' in o && o.tap !== undefined) keeps.restore(p, o.tap.slice(keeps.id.length + 1));
  // Without that (busy cores, no index of its own: a subfolder, a linked worktree, no git), once the list is known.
  helpers.early ??= helpersFor(opts, plan.toRead.length);
  const read = await scanPaths(opts, plan.toRead, opts.maxFileBytes ?? DEFAULT_MAX_FILE_BYTES, detector, helpers.early);
  const result = merge(paths, plan.known, read);
  skipped.push(...result.skipped);
  // A tracked file git saw as HEAD's holds HEAD's keys, and a path neither HEAD nor the index
  // holds none: git is asked only about the others, while it is asked again whether the files
  // just read are worth keeping (see `remember`).
  const known = (p: string): 'same' | 'absent' | 'ask' => headState(p, list, changed);
  const withKeys = result.files.filter((f) => f.hits.some((h) => h.type === 'key')).map((f) => f.path);
  const [after, head] = await Promise.all([
    inRepo && plan.fresh.length > 0 ? reuse.sinceIndex() : null,
    inRepo ? keysInHead(opts.git, opts.root, withKeys.filter((p) => known(p) === 'ask'), detector) : null,
  ]);
  if (after) remember(plan, list.blobs, read, after, reuse.cache, opts.tap);
  reuse.cache.save();
  const inHead = head ? (path: string, fp: string) => (known(path) === 'ask' ? head.has(`${path}\0${fp}`) : known(path) === 'same') : undefined;
  const { findings: all, allowed } = fileFindings(result.files, list.ignored, opts.active ?? new Set(), inHead);
  const { findings, suppressed } = withBaseline(opts, all);
  const note = describeScan(result.scanned, 'file', skipped, [...suppressionNote({ allowed, baseline: suppressed }), ...notes]);
  const unreadable = skipped.filter((s) => s.reason === 'unreadable').map((s) => s.path);
  if (unreadable.length > 0) gaps.push(gapFinding({ kind: 'unreadable-files', paths: unreadable }));
  if (gaps.length === 0) return { findings, checks: [check(WORKTREE_CHECK, statusOf(findings), started, note)] };
  return { findings: [...findings, ...gaps], checks: [check(WORKTREE_CHECK, 'error', started, note)] };
}
