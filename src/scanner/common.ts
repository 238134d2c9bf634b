import { availableParallelism } from 'node:os';
import { performance } from 'node:perf_hooks';
import type { CheckResult, CheckStatus, Finding } from '../core/finding.js';
import type { GitRunner } from '../git/git.js';
import { splitZ } from '../git/repo.js';
import type { BatchResult, FileHits } from './batch.js';
import { createDetector, detect, type KeyHit } from './detect.js';
import { clientFinding, keyFinding, ruleForKey } from './findings.js';
import { isClientCode } from './paths.js';
import { createBatchRunner, inlineRunner, type BatchRunner } from './pool.js';
import { applyBaseline, readBaseline } from './suppress.js';
import type { ScanOptions } from './types.js';

/** Below this many files, starting workers costs more than it saves. */
const PARALLEL_MIN_FILES = 400;
const FILES_PER_BATCH = 64;

/** A runner sized for `items` pieces of work. */
export function runnerFor(opts: ScanOptions, items: number): BatchRunner {
  const workers = opts.workers ?? Math.min(4, availableParallelism());
  return items >= PARALLEL_MIN_FILES && workers > 1 ? createBatchRunner(workers) : inlineRunner();
}

/** Reads and scans working-tree files in batches on `runner`. */
export async function scanPaths(runner: BatchRunner, root: string, paths: readonly string[], maxBytes: number): Promise<BatchResult> {
  const jobs: Array<Promise<BatchResult>> = [];
  for (let i = 0; i < paths.length; i += FILES_PER_BATCH) {
    jobs.push(runner.run({ type: 'files', root, paths: paths.slice(i, i + FILES_PER_BATCH), maxBytes }));
  }
  const out: BatchResult = { files: [], skipped: [], scanned: 0 };
  for (const r of await Promise.all(jobs)) {
    out.files.push(...r.files);
    out.skipped.push(...r.skipped);
    out.scanned += r.scanned;
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
 * `ls-tree` and one `cat-file` over just those files.
 */
export async function keysInHead(git: GitRunner, root: string, paths: readonly string[]): Promise<Set<string>> {
  const out = new Set<string>();
  if (paths.length === 0) return out;
  // ls-tree takes patterns, not literal names; listing the whole tree and picking is exact and still fast.
  const tree = await git(['ls-tree', '-r', '-z', 'HEAD'], { cwd: root });
  if (tree.code !== 0) return out;
  const wanted = new Set(paths);
  const blobs = new Map<string, string[]>();
  for (const entry of splitZ(tree.stdout)) {
    const m = /^\d+ blob ([0-9a-f]+)\t(.*)$/s.exec(entry);
    if (m && wanted.has(m[2]!)) blobs.set(m[1]!, [...(blobs.get(m[1]!) ?? []), m[2]!]);
  }
  if (blobs.size === 0) return out;
  const cat = await git(['cat-file', '--batch'], { cwd: root, input: [...blobs.keys()].join('\n') + '\n' });
  if (cat.code !== 0) return out;
  const detector = createDetector();
  let i = 0;
  const buf = cat.stdout;
  while (i < buf.length) {
    const nl = buf.indexOf(0x0a, i);
    if (nl === -1) break;
    const [oid = '', type = '', size = '0'] = buf.subarray(i, nl).toString('utf8').split(' ');
    i = nl + 1;
    if (type === 'missing') continue;
    const n = Number(size);
    const text = buf.toString('latin1', i, i + n);
    i += n + 1;
    for (const hit of detect(detector, text)) {
      if (hit.type === 'key') for (const path of blobs.get(oid) ?? []) out.add(`${path}\0${hit.fingerprint}`);
    }
  }
  return out;
}
