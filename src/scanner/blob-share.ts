import { createHash } from 'node:crypto';
import type { Outcome } from './result-cache.js';

/**
 * What the working tree's reading proved about HEAD's blobs, handed to the history scan of the
 * same run so that it does not read them again from git. A file's outcome is the blob's only when
 * its bytes hash to the blob's id (`holdsBlob`): a file git sees as unchanged may still differ
 * from its blob (a smudge filter such as git-crypt's, line endings converted on checkout).
 *
 * In a young repository HEAD's blobs are much of the history (45% of the benchmark corpus's
 * blobs and of their bytes), and reading a file is cheaper than inflating its blob.
 */
export interface BlobShare {
  /** The working tree will read the files holding these blob keys (see `cacheKey`). */
  expect(keys: Iterable<string>): void;
  /** A blob key's outcome, proven by the bytes read. */
  put(key: string, outcome: Outcome): void;
  /** The working tree's reading is over, or failed: what it did not put is the history's to read. Called once by `scanWorktree`. */
  close(): void;
  /**
   * For the history: the outcome of a blob key, `later` when the working tree may still prove it
   * (it has not said what it will read, or it will read it), or undefined when git must be asked.
   */
  take(key: string): Outcome | 'later' | undefined;
  readonly closed: boolean;
  /** Resolves when `take` may answer differently: once the working tree has said what it will read, and once it is over. */
  changed(): Promise<void>;
}

export function createBlobShare(): BlobShare {
  let planned = false;
  let closed = false;
  const expected = new Set<string>();
  const proven = new Map<string, Outcome>();
  let waiters: Array<() => void> = [];
  const wake = (): void => {
    const w = waiters;
    waiters = [];
    for (const resolve of w) resolve();
  };
  return {
    expect(keys) {
      for (const k of keys) expected.add(k);
      planned = true;
      wake();
    },
    put(key, outcome) {
      proven.set(key, outcome);
    },
    close() {
      planned = closed = true;
      wake();
    },
    take(key) {
      const o = proven.get(key);
      if (o) return o;
      return !planned || (!closed && expected.has(key)) ? 'later' : undefined;
    },
    get closed() {
      return closed;
    },
    changed: () => (closed ? Promise.resolve() : new Promise((resolve) => waiters.push(resolve))),
  };
}

/** True when `bytes` are the blob `oid`: git's object id of them (SHA-1, or SHA-256 in a repository of that format) is `oid`. */
export function holdsBlob(bytes: Uint8Array, oid: string): boolean {
  const hash = createHash(oid.length === 64 ? 'sha256' : 'sha1');
  hash.update(`blob ${bytes.length}\0`);
  hash.update(bytes);
  return hash.digest('hex') === oid;
}
