import { availableParallelism, loadavg } from 'node:os';
import { performance } from 'node:perf_hooks';
import type { CheckResult, CheckStatus, Finding } from '../core/finding.js';
import type { GitRunner } from '../git/git.js';
import { runBatch, type BatchResult, type FileHits } from './batch.js';
import { searchableBytes } from './decode.js';
import { detectBytes, type Detector, type KeyHit } from './detect.js';
import { clientFinding, keyFinding, ruleForKey } from './findings.js';
import { isClientCode } from './paths.js';
import { createBatchRunner, inlineRunner, shareBatch, shareState, SHARE_SLOTS, startFileHelpers, takeBatch, type BatchRunner, type FileHelpers, type FileShare } from './pool.js';
import { applyBaseline, readBaseline } from './suppress.js';
import type { ScanOptions } from './types.js';

/** Below this many files, starting a worker costs more than it saves. */
const PARALLEL_MIN_FILES = 400;
/**
 * Below this many working-tree files a helper thread cannot pay for itself even on an idle core:
 * its start-up (50-90 ms before its first batch) is about what this thread takes to read and scan
 * 2,000 files (~30 us each), and its CPU (~0.13 s) is spent whether it takes a batch or not.
 */
const HELPER_MIN_FILES = 2000;
const FILES_PER_BATCH = 64;

/**
 * Threads a scan may use: this one plus workers, never more than the machine's cores.
 * @default 1 (see `defaultThreads` for the working tree): on two busy cores a worker's own
 * start-up (~0.1 s of CPU for Node's bootstrap, ~0.04 s for the modules and the detector) costs
 * more than it takes off this thread.
 */
function threadsFor(opts: ScanOptions, fallback = 1): number {
  return Math.max(1, Math.min(opts.workers ?? fallback, availableParallelism()));
}

/**
 * The working tree's threads when the caller does not say: `KEYWARD_SCAN_THREADS` if set (a whole
 * number from 1), else one. Measured on two quiet cores (load average under 1, so the helper
 * started before the listing), `keyward scan --json` on the corpus took 0.60-0.65 s at one thread
 * and 0.61-0.67 s at two (7 runs each): only the reading and the prefilter (~0.2 s of CPU) can be
 * split, and the helper's start-up costs about half of that. One when a tap must see every file
 * (the helper's files are not shown to it).
 */
export function worktreeThreads(opts: ScanOptions): number {
  if (opts.workers !== undefined || opts.tap) return threadsFor(opts);
  const asked = Number(opts.env.KEYWARD_SCAN_THREADS);
  return threadsFor(opts, Number.isInteger(asked) && asked >= 1 ? asked : 1);
}

/** True when the load average leaves at least one of the machine's cores idle. */
export function coreIdle(): boolean {
  const cores = availableParallelism();
  return cores >= 2 && (loadavg()[0] ?? 0) <= cores - 1;
}

/**
 * Helper threads for a working-tree scan of about `files` files, started as soon as that is
 * known (before the listing when the index tells the size, so their start-up overlaps git's);
 * null when this thread alone will scan (one thread, or too few files to pay for a start-up).
 */
export function helpersFor(opts: ScanOptions, files: number | null): FileHelpers | null {
  if (files === null || files < HELPER_MIN_FILES) return null;
  return startFileHelpers(worktreeThreads(opts) - 1);
}

/** A runner for a stream of batches: workers when asked for, else this thread. */
export function runnerFor(opts: ScanOptions, items: number): BatchRunner {
  const threads = threadsFor(opts);
  return items >= PARALLEL_MIN_FILES && threads > 1 ? createBatchRunner(threads) : inlineRunner();
}

/**
 * Reads and scans working-tree files in batches. This thread starts at once; the helpers (started
 * before the listing, see `helpersFor`) take batches from the same shared counter as soon as they
 * are up, each reading its own files, so a small tree never waits for a helper and a big one uses
 * every core. The result is in the paths' order whichever thread ran a batch. `oids`, beside
 * `paths`: the blobs to check files against (`BatchResult.verified`).
 */
export async function scanPaths(opts: ScanOptions, paths: readonly string[], maxBytes: number, detector: Detector, helpers: FileHelpers | null, oids?: ReadonlyArray<string | null>): Promise<BatchResult> {
  const state = shareState();
  const share: FileShare = { root: opts.root, paths, ...(oids ? { oids } : {}), maxBytes, batchSize: FILES_PER_BATCH, state: state.buffer as SharedArrayBuffer };
  const count = Math.ceil(paths.length / FILES_PER_BATCH);
  const results = new Array<BatchResult>(count);
  let left = count;
  let failure: Error | undefined;
  let settle = (): void => undefined;
  const store = (i: number, r: BatchResult): void => {
    results[i] = r;
    left -= 1;
    if (left === 0) settle();
  };
  const { progress, signal } = opts;
  let done = 0;
  let bytes = 0;
  const report = (): void => progress?.({ step: 'worktree', done: done + Number(Atomics.load(state, SHARE_SLOTS.files)), total: paths.length, bytes: bytes + Number(Atomics.load(state, SHARE_SLOTS.bytes)) });
  const scratch = { buf: Buffer.allocUnsafe(1 << 20) };
  let yielded = performance.now();
  try {
    // A helper that fails only matters if a batch it took never comes back.
    if (helpers) {
      helpers.join(share, store).catch((e: unknown) => {
        failure = e instanceof Error ? e : new Error(String(e));
        settle();
      });
    }
    report();
    for (let i = takeBatch(state), batch = shareBatch(share, i); batch; i = takeBatch(state), batch = shareBatch(share, i)) {
      const r = runBatch(detector, batch, scratch, opts.tap);
      done += batch.paths.length;
      bytes += r.bytes;
      store(i, r);
      report();
      // A Ctrl-C (whose handler runs on the event loop) is let in every 50 ms.
      if (signal && performance.now() - yielded > 50) {
        await new Promise((resolve) => setImmediate(resolve));
        yielded = performance.now();
        signal.throwIfAborted();
      }
    }
    // The batches the helpers took, as they post them.
    if (left > 0 && failure === undefined) {
      await new Promise<void>((resolve) => {
        settle = resolve;
        signal?.addEventListener('abort', () => resolve(), { once: true });
      });
      signal?.throwIfAborted();
    }
    if (left > 0) throw failure ?? new Error('a scan worker stopped');
  } finally {
    // No helper takes another batch; the scan's owner stops them.
    Atomics.store(state, SHARE_SLOTS.next, BigInt(count));
  }
  if (count > 0 && helpers) report();
  const out: BatchResult = { files: [], skipped: [], scanned: 0, bytes: 0 };
  for (const r of results) {
    out.files.push(...r.files);
    out.skipped.push(...r.skipped);
    out.scanned += r.scanned;
    out.bytes += r.bytes;
    if (r.verified) (out.verified ??= []).push(...r.verified);
  }
  return out;
}

/** Counters of what suppression removed, for the check's note. */
export interface Suppressed {
  allowed: number;
  baseline: number;
}

/**
 * Findings for keys seen in files of the working tree or the index: one per key, rule and file
 * (a key repeated in a file is one place to fix), `keyward:allow` lines left out.
 */
export function fileFindings(files: readonly FileHits[], ignored: ReadonlySet<string>, active: ReadonlySet<string>, inHead?: (path: string, fp: string) => boolean): { findings: Finding[]; allowed: number } {
  const findings: Finding[] = [];
  let allowed = 0;
  for (const file of files) {
    const seen = new Map<string, { hit: KeyHit; rule: NonNullable<ReturnType<typeof ruleForKey>>; more: number }>();
    for (const hit of file.hits) {
      if (hit.type === 'browser-client') {
        if (!isClientCode(file.path)) continue;
        if (hit.allowed) allowed += 1;
        else findings.push(clientFinding(file.path, hit));
        continue;
      }
      const rule = ruleForKey(file.path, hit, ignored.has(file.path));
      if (!rule) continue;
      if (hit.allowed) {
        allowed += 1;
        continue;
      }
      const id = `${rule}\0${hit.fingerprint}`;
      const prior = seen.get(id);
      if (prior) prior.more += 1;
      else seen.set(id, { hit, rule, more: 0 });
    }
    for (const { hit, rule, more } of seen.values()) {
      const location = { file: file.path, line: hit.line, column: hit.column, commit: null, ...(inHead ? { inHead: inHead(file.path, hit.fingerprint) } : {}) };
      const extra = more > 0 ? ` The same key appears ${more} more time${more === 1 ? '' : 's'} in this file.` : '';
      findings.push(keyFinding(rule, hit, location, active.has(hit.fingerprint), extra));
    }
  }
  return { findings, allowed };
}

/** Applies the root's baseline unless the caller asked for every finding (to write a new baseline). */
export function withBaseline(opts: ScanOptions, findings: Finding[]): { findings: Finding[]; suppressed: number } {
  if (opts.useBaseline === false) return { findings, suppressed: 0 };
  const { kept, suppressed } = applyBaseline(findings, readBaseline(opts.root));
  return { findings: kept, suppressed };
}

/** The check's closing words on suppression, if any happened. */
export function suppressionNote(s: Suppressed): string[] {
  const out: string[] = [];
  if (s.allowed > 0) out.push(`${s.allowed} marked keyward:allow.`);
  if (s.baseline > 0) out.push(`${s.baseline} in the baseline.`);
  return out;
}

/** A check entry timed from `started`. */
export function check(id: string, status: CheckStatus, started: number, note?: string): CheckResult {
  return { id, status, durationMs: Math.round(performance.now() - started), ...(note ? { note } : {}) };
}

/** `fail` when anything is reported, else `pass`. */
export function statusOf(findings: readonly Finding[]): CheckStatus {
  return findings.length > 0 ? 'fail' : 'pass';
}

/** The current time for durations. */
export function now(): number {
  return performance.now();
}

/**
 * For paths with findings: which keys the HEAD commit holds at that path, read with one
 * `cat-file --batch` of `HEAD:./<path>` (relative to `root`, as the paths are; no listing of the whole tree).
 * `detector` gives the detector, asked for only once git has answered (it may be compiled meanwhile).
 */
export async function keysInHead(git: GitRunner, root: string, paths: readonly string[], detector: () => Detector): Promise<Set<string>> {
  const out = new Set<string>();
  // A name with a newline cannot be asked for on cat-file's line-based input.
  const asked = paths.filter((p) => !p.includes('\n'));
  if (asked.length === 0) return out;
  const cat = await git(['cat-file', '--batch'], { cwd: root, input: asked.map((p) => `HEAD:./${p}`).join('\n') + '\n' });
  if (cat.code !== 0) return out;
  const buf = cat.stdout;
  let i = 0;
  // One answer per line asked, in order: `<oid> <type> <size>` and the content, or `<name> missing`.
  for (const path of asked) {
    const nl = buf.indexOf(0x0a, i);
    if (nl === -1) break;
    const header = buf.toString('utf8', i, nl);
    i = nl + 1;
    const m = /^[0-9a-f]+ (\S+) (\d+)$/.exec(header);
    if (!m) continue;
    const n = Number(m[2]);
    const bytes = buf.subarray(i, i + n);
    i += n + 1;
    if (m[1] !== 'blob') continue;
    for (const hit of detectBytes(detector(), searchableBytes(bytes))) if (hit.type === 'key') out.add(`${path}\0${hit.fingerprint}`);
  }
  return out;
}
