import type { CheckResult, Finding } from '../core/finding.js';
import type { Env } from '../core/io.js';
import type { ProgressSink } from '../core/progress.js';
import type { GitRunner } from '../git/git.js';
import type { BlobShare } from './blob-share.js';

/** What every scan takes: the IO it may use and what it should know about the project. */
export interface ScanOptions {
  /** Absolute folder to scan; `location.file` is relative to it. */
  root: string;
  git: GitRunner;
  /** The environment git runs with when keyward streams from it (history, staged); PATH and HOME matter. */
  env: Env;
  /** Fingerprints of the keys the project is configured with now: their findings get `active: true`. */
  active?: ReadonlySet<string>;
  /** Files larger than this are skipped and counted. @default 8 MiB */
  maxFileBytes?: number;
  /**
   * Threads for big scans (this one plus workers, at most the machine's cores); 1 scans in this thread.
   * @default 1; for the working tree `KEYWARD_SCAN_THREADS` from `env` when set and no `tap` is (see common.ts)
   */
  workers?: number;
  /** Drop findings whose key is in the root's `.keyward-baseline`. @default true */
  useBaseline?: boolean;
  /** Told where the scan stands (listing, working tree, history), for a progress line. */
  progress?: ProgressSink;
  /**
   * Keep what each blob held in the repository's git folder, and take it from there next time
   * instead of reading the blob again (see result-cache.ts). @default true
   */
  cache?: boolean;
  /** Stops the scan (Ctrl-C): its git processes are killed and it rejects. */
  signal?: AbortSignal;
  /**
   * Given to the working-tree scan and the history scan of one run: the working tree hands over
   * what it proved HEAD's blobs hold, and the history does not read those blobs again.
   */
  blobShare?: BlobShare;
  /** Shown each working-tree file this thread reads, so another reader (the doctor's project detection) need not read it again. */
  tap?: ReadTap;
}

/** Sees the working-tree files as the scan reads them (in this thread; files read by workers are not shown). */
export interface ReadTap {
  /** Whether the tap needs this file's bytes: a file it does not need may be answered from the result cache without being read. */
  wants(path: string): boolean;
  /**
   * What the tap keeps of the files it is shown, for the result cache: `id` names the tap and its
   * version, `kept` is what it kept of a file, as text, stored with the file's blob, and `restore`
   * is given that back instead of the bytes when the file is answered from the cache. What the
   * tap keeps of a file must depend on its bytes alone.
   */
  keeps?: { id: string; kept(path: string): string; restore(path: string, kept: string): void };
  /** One file's bytes, `path` relative to the root: a view valid only during the call. */
  file(path: string, bytes: Buffer): void;
  /** The working-tree reading is over, or failed: a file not shown by now was not read. `scanProject` calls it. */
  done(): void;
}

/** What every scan returns: findings (never a key, only fingerprints and redacted forms) and one check entry. */
export interface ScanResult {
  findings: Finding[];
  checks: CheckResult[];
}

export const DEFAULT_MAX_FILE_BYTES = 8 * 1024 * 1024;
