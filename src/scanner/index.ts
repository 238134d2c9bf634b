import type { Finding } from '../core/finding.js';
import { createBlobShare } from './blob-share.js';
import { asActive } from './findings.js';
import { scanHistory } from './sources/history.js';
import { scanWorktree } from './sources/worktree.js';
import type { ScanOptions, ScanResult } from './types.js';

export { createBlobShare, type BlobShare } from './blob-share.js';
export { createDetector, detect, type ClientHit, type Detector, type Hit, type KeyHit } from './detect.js';
export { HISTORY_CHECK, scanHistory } from './sources/history.js';
export { STAGED_CHECK, scanStaged } from './sources/staged.js';
export { WORKTREE_CHECK, scanWorktree } from './sources/worktree.js';
export { applyBaseline, BASELINE_FILE, formatBaseline, IGNORE_FILE, readBaseline } from './suppress.js';
export { BROWSER_PREFIXES, isBrowserVariable } from './paths.js';
export { DEFAULT_MAX_FILE_BYTES, type ReadTap, type ScanOptions, type ScanResult } from './types.js';

/**
 * One key is reported once: a key still in the working tree keeps its working-tree findings
 * (each says the key is in history too, and since which commit), and `exposure.history` is
 * kept only for keys the working tree no longer holds.
 */
export function mergeScans(worktree: ScanResult, history: ScanResult): ScanResult {
  const inTree = new Set(worktree.findings.flatMap((f) => (f.secret ? [f.secret.fingerprint] : [])));
  const since = new Map<string, Finding>();
  const historyOnly: Finding[] = [];
  for (const f of history.findings) {
    if (f.secret && inTree.has(f.secret.fingerprint)) since.set(f.secret.fingerprint, f);
    else historyOnly.push(f);
  }
  const annotated = worktree.findings.map((f) => {
    const h = f.secret ? since.get(f.secret.fingerprint) : undefined;
    if (!h?.location) return f;
    const commit = h.location.commit ? ` since commit ${h.location.commit.slice(0, 12)}` : '';
    return { ...f, detail: `${f.detail} It is also in git history${commit} (${h.location.file}), so removing it from the file does not revoke it.` };
  });
  return { findings: [...annotated, ...historyOnly], checks: [...worktree.checks, ...history.checks] };
}

/**
 * The whole exposure scan the doctor and `scan --history` run: the working tree, and beside it the
 * history unless `history` is false. `active` may still be being worked out while git runs (the
 * doctor reads the project's keys beside the scan): it is awaited only once both scans are done.
 * The history does not ask git again for the blobs the working tree proves (blob-share.ts): a
 * first `scan --history` of the benchmark corpus took 2.17 s this way, 2.32 s one scan after the
 * other, 2.60 s reading both in full (medians of 7).
 */
export async function scanProject(opts: Omit<ScanOptions, 'active'> & { history?: boolean; only?: readonly string[]; active?: ReadonlySet<string> | Promise<ReadonlySet<string>> }): Promise<ScanResult> {
  const { active, ...given } = opts;
  const rest = opts.history === false ? given : { ...given, blobShare: createBlobShare() };
  // Started beside the working tree: a walk started after it waits for the tree's reading, and for
  // what the doctor does meanwhile (on the benchmark corpus's 255 apps, git's walk began 0.3 s
  // later). Its rejection is taken below.
  const historyRun = opts.history === false ? null : scanHistory(rest);
  historyRun?.catch(() => undefined);
  let worktree: ScanResult;
  try {
    worktree = await scanWorktree(rest);
  } finally {
    opts.tap?.done();
  }
  const history = historyRun ? await historyRun : null;
  const keys = (await active) ?? new Set<string>();
  const marked = (r: ScanResult): ScanResult => ({ ...r, findings: r.findings.map((f) => (f.secret && keys.has(f.secret.fingerprint) ? asActive(f) : f)) });
  return history ? mergeScans(marked(worktree), marked(history)) : marked(worktree);
}

