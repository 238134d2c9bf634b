import { availableParallelism } from 'node:os';
import { performance } from 'node:perf_hooks';
import type { CheckResult, CheckStatus, Finding } from '../core/finding.js';
import type { GitRunner } from '../git/git.js';
import type { Batch, BatchResult, FileHits } from './batch.js';
import { searchableBytes } from './decode.js';
import { detectBytes, type Detector, type KeyHit } from './detect.js';
import { clientFinding, keyFinding, ruleForKey } from './findings.js';
import { isClientCode } from './paths.js';
import { createBatchRunner, inlineRunner, type BatchRunner } from './pool.js';
import { applyBaseline, readBaseline } from './suppress.js';
import type { ScanOptions } from './types.js';

/** Below this many files, starting a worker costs more than it saves. */
const PARALLEL_MIN_FILES = 400;
const FILES_PER_BATCH = 64;

/**
 * Threads a scan may use: this one plus workers, never more than the machine's cores.
 * @default 1: measured on the benchmark corpus (14k files, 80 MB) on 2 cores, one thread took
 * 273 ms, two 294 ms, three 328 ms (medians of 7): reading is mostly system calls and the
 * prefilter is fast, so a worker's start-up (its own module loading, ~40 ms) never pays back.
 */
function threadsFor(opts: ScanOptions): number {
  return Math.max(1, Math.min(opts.workers ?? 1, availableParallelism()));
}

/** A runner for a stream of batches: workers when asked for, else this thread. */
export function runnerFor(opts: ScanOptions, items: number): BatchRunner {
  const threads = threadsFor(opts);
  return items >= PARALLEL_MIN_FILES && threads > 1 ? createBatchRunner(threads) : inlineRunner();
}

/**
 * Reads and scans working-tree files in batches. This thread starts at once and takes batches
 * from a shared queue; `threads - 1` workers join as soon as they have started (about 40 ms
 * each), so a small tree never waits for a worker and a big one uses every core.
 */
export async function scanPaths(opts: ScanOptions, paths: readonly string[], maxBytes: number, detector: Detector): Promise<BatchResult> {
  const batches: Batch[] = [];
  for (let i = 0; i < paths.length; i += FILES_PER_BATCH) batches.push({ type: 'files', root: opts.root, paths: paths.slice(i, i + FILES_PER_BATCH), maxBytes });
  const helpers = paths.length >= PARALLEL_MIN_FILES ? threadsFor(opts) - 1 : 0;
  const pool = helpers > 0 ? createBatchRunner(helpers) : null;
  const results: BatchResult[] = new Array<BatchResult>(batches.length);
  let next = 0;
  const { progress, signal } = opts;
  let done = 0;
  let bytes = 0;
  const finished = (i: number): void => {
    done += Math.min(FILES_PER_BATCH, paths.length - i * FILES_PER_BATCH);
    bytes += results[i]!.bytes;
    progress?.({ step: 'worktree', done, total: paths.length, bytes });
  };
  const helper = async (runner: BatchRunner): Promise<void> => {
    while (next < batches.length) {
      const i = next++;
      results[i] = await runner.run(batches[i]!);
      finished(i);
    }
  };
  let yielded = performance.now();
  try {
    const helping = pool?.parallel ? Array.from({ length: helpers }, () => helper(pool)) : [];
    const here = inlineRunner(detector, opts.tap);
    progress?.({ step: 'worktree', done, total: paths.length, bytes });
    while (next < batches.length) {
      const i = next++;
      results[i] = await here.run(batches[i]!);
      finished(i);
      // Lets the workers' replies in between two batches, and a Ctrl-C (whose handler runs on the event loop) every 50 ms.
      if (helping.length > 0 || (signal && performance.now() - yielded > 50)) {
        await new Promise((resolve) => setImmediate(resolve));
        yielded = performance.now();
        signal?.throwIfAborted();
      }
    }
    await Promise.all(helping);
  } finally {
    await pool?.close();
  }
  const out: BatchResult = { files: [], skipped: [], scanned: 0, bytes: 0 };
  for (const r of results) {
    out.files.push(...r.files);
    out.skipped.push(...r.skipped);
    out.scanned += r.scanned;
    out.bytes += r.bytes;
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
 */
export async function keysInHead(git: GitRunner, root: string, paths: readonly string[], detector: Detector): Promise<Set<string>> {
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
    for (const hit of detectBytes(detector, searchableBytes(bytes))) if (hit.type === 'key') out.add(`${path}\0${hit.fingerprint}`);
  }
  return out;
}
