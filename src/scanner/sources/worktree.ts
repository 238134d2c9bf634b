import { indexEntryCount, inspectRepo, specialIgnoreFiles } from '../../git/repo.js';
import type { Skipped } from '../batch.js';
import { check, coreIdle, fileFindings, helpersFor, keysInHead, now, scanPaths, statusOf, suppressionNote, withBaseline, worktreeThreads } from '../common.js';
import { createDetector } from '../detect.js';
import { gapFinding } from '../gaps.js';
import { isLockfile } from '../paths.js';
import type { FileHelpers } from '../pool.js';
import { readKeywardIgnore } from '../suppress.js';
import { describeScan } from '../tally.js';
import { DEFAULT_MAX_FILE_BYTES, type ScanOptions, type ScanResult } from '../types.js';
import { listGitFiles, walkFiles, type FileList } from './worktree-list.js';

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
  // Started while git walks the tree, so their start-up overlaps it, when more threads are asked
  // for, the index says the tree is big and a core is idle; on busy cores a helper starting now
  // takes its CPU from git's listing.
  const hint = worktreeThreads(opts) > 1 && coreIdle() ? (opts.only ? opts.only.length : indexEntryCount(opts.root)) : null;
  const helpers: { early: FileHelpers | null } = { early: helpersFor(opts, hint) };
  try {
    return await scanListed(opts, started, special, listing, helpers);
  } finally {
    helpers.early?.close();
  }
}

type Listing = Promise<{ list: FileList } | { error: unknown }> | null;

async function scanListed(opts: ScanOptions & { only?: readonly string[] }, started: number, special: Array<{ path: string; kind: string }>, listing: Listing, helpers: { early: FileHelpers | null }): Promise<ScanResult> {
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
  // Without that (busy cores, no index of its own: a subfolder, a linked worktree, no git), once the list is known.
  helpers.early ??= helpersFor(opts, paths.length);
  const result = await scanPaths(opts, paths, opts.maxFileBytes ?? DEFAULT_MAX_FILE_BYTES, detector, helpers.early);
  skipped.push(...result.skipped);
  const withKeys = result.files.filter((f) => f.hits.some((h) => h.type === 'key')).map((f) => f.path);
  const head = inRepo ? await keysInHead(opts.git, opts.root, withKeys, detector) : null;
  const inHead = head ? (path: string, fp: string) => head.has(`${path}\0${fp}`) : undefined;
  const { findings: all, allowed } = fileFindings(result.files, list.ignored, opts.active ?? new Set(), inHead);
  const { findings, suppressed } = withBaseline(opts, all);
  const note = describeScan(result.scanned, 'file', skipped, [...suppressionNote({ allowed, baseline: suppressed }), ...notes]);
  const unreadable = skipped.filter((s) => s.reason === 'unreadable').map((s) => s.path);
  if (unreadable.length > 0) gaps.push(gapFinding({ kind: 'unreadable-files', paths: unreadable }));
  if (gaps.length === 0) return { findings, checks: [check(WORKTREE_CHECK, statusOf(findings), started, note)] };
  return { findings: [...findings, ...gaps], checks: [check(WORKTREE_CHECK, 'error', started, note)] };
}
