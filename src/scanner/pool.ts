import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import { runBatch, type Batch, type BatchResult } from './batch.js';
import { createDetector, type Detector } from './detect.js';
import type { ReadTap } from './types.js';

/** Runs batches in worker threads, or in this thread when one is enough. */
export interface BatchRunner {
  run(batch: Batch): Promise<BatchResult>;
  /** Stops the workers; pending batches are rejected. */
  close(): Promise<void>;
  readonly parallel: boolean;
  /** Threads that run batches: the workers, or this one. */
  readonly threads: number;
  /** This thread's runner also scans at once, without a promise per call (history scans blob by blob). */
  runNow?: (batch: Batch) => BatchResult;
}

const WORKER_URL = new URL('./worker.js', import.meta.url);

/** True when the compiled worker module exists (it does not when keyward runs from its TypeScript sources in tests). */
export function workersAvailable(): boolean {
  return WORKER_URL.protocol === 'file:' && existsSync(fileURLToPath(WORKER_URL));
}

/** A runner in this thread: for small scans, where starting workers costs more than it saves. `tap` is shown each file read. */
export function inlineRunner(detector: Detector = createDetector(), tap?: ReadTap): BatchRunner {
  const scratch = { buf: Buffer.allocUnsafe(1 << 20) };
  const runNow = (batch: Batch): BatchResult => runBatch(detector, batch, scratch, tap);
  return {
    parallel: false,
    threads: 1,
    runNow,
    run: (batch) => {
      try {
        return Promise.resolve(runNow(batch));
      } catch (e) {
        return Promise.reject(e instanceof Error ? e : new Error(String(e)));
      }
    },
    close: () => Promise.resolve(),
  };
}

interface Pending {
  batch: Batch;
  resolve: (r: BatchResult) => void;
  reject: (e: Error) => void;
}

/** `count` workers; each takes the next batch as soon as it is free, so a big file does not hold the others up. Without workers (none asked for, or no compiled worker), this thread. */
export function createBatchRunner(count: number): BatchRunner {
  if (count < 1 || !workersAvailable()) return inlineRunner();
  const queue: Pending[] = [];
  const idle: Worker[] = [];
  const busy = new Map<Worker, Pending>();
  let failed: Error | undefined;

  const pump = (): void => {
    while (idle.length > 0 && queue.length > 0) {
      const worker = idle.pop()!;
      const task = queue.shift()!;
      busy.set(worker, task);
      worker.postMessage({ id: 0, batch: task.batch }, transferables(task.batch));
    }
  };
  const fail = (e: Error): void => {
    failed ??= e;
    for (const t of [...busy.values(), ...queue.splice(0)]) t.reject(e);
    busy.clear();
  };
  const workers = Array.from({ length: count }, () => {
    const w = new Worker(WORKER_URL);
    w.on('message', (msg: { result?: BatchResult; error?: string }) => {
      const task = busy.get(w);
      busy.delete(w);
      idle.push(w);
      if (msg.error !== undefined) task?.reject(new Error(msg.error));
      else if (msg.result) task?.resolve(msg.result);
      pump();
    });
    w.on('error', (e) => fail(e));
    w.on('exit', (code) => {
      if (code !== 0 && busy.has(w)) fail(new Error(`scan worker exited with ${code}`));
    });
    idle.push(w);
    return w;
  });
  return {
    parallel: true,
    threads: count,
    run: (batch) =>
      new Promise((resolve, reject) => {
        if (failed) return reject(failed);
        queue.push({ batch, resolve, reject });
        pump();
      }),
    close: async () => {
      await Promise.all(workers.map((w) => w.terminate()));
    },
  };
}

/** Blob bytes move to the worker instead of being copied. */
function transferables(batch: Batch): ArrayBuffer[] {
  if (batch.type !== 'blobs') return [];
  const seen = new Set<ArrayBuffer>();
  for (const b of batch.blobs) if (b.data.buffer instanceof ArrayBuffer) seen.add(b.data.buffer);
  return [...seen];
}

/**
 * The working tree's batches, shared by index: every thread (this one and the helpers) takes the
 * next batch from one counter in shared memory, so the paths are posted once and no file's bytes
 * ever cross threads; each helper reads its own files and posts its results once, at the end.
 */
export interface FileShare {
  root: string;
  paths: readonly string[];
  /** Beside `paths`, when files are to be checked against their blobs (see `Batch`). */
  oids?: ReadonlyArray<string | null>;
  maxBytes: number;
  batchSize: number;
  /** `SHARE_SLOTS` BigInt64 slots (see `shareState`). */
  state: SharedArrayBuffer;
}

/** Slots of a share's state: the next batch to take, then the files and bytes the helpers have read so far (for progress). */
export const SHARE_SLOTS = { next: 0, files: 1, bytes: 2 } as const;

export function shareState(): BigInt64Array {
  return new BigInt64Array(new SharedArrayBuffer(3 * BigInt64Array.BYTES_PER_ELEMENT));
}

/** The next batch index of a share, taken by whichever thread asks first. */
export function takeBatch(state: BigInt64Array): number {
  return Number(Atomics.add(state, SHARE_SLOTS.next, 1n));
}

/** The batch of a share at `index`, or null past the last one. */
export function shareBatch(share: FileShare, index: number): Extract<Batch, { type: 'files' }> | null {
  const { root, paths, oids, maxBytes, batchSize } = share;
  if (index * batchSize >= paths.length) return null;
  const [from, to] = [index * batchSize, (index + 1) * batchSize];
  return { type: 'files', root, paths: paths.slice(from, to), maxBytes, ...(oids ? { oids: oids.slice(from, to) } : {}) };
}

/** Helper threads for a working-tree scan, started before the files are listed so their start-up overlaps git's. */
export interface FileHelpers {
  /** Every helper joins the share; `each` is given every batch a helper ran. Resolves once every helper has posted, rejects when one fails. */
  join(share: FileShare, each: (index: number, result: BatchResult) => void): Promise<void>;
  /** Stops the helpers (also while they start or run) without waiting for their threads to end. */
  close(): void;
}

/** `count` helper threads, or null when there are no compiled workers (keyward run from its TypeScript sources). */
export function startFileHelpers(count: number): FileHelpers | null {
  if (count < 1 || !workersAvailable()) return null;
  const helpers = Array.from({ length: count }, () => {
    const worker = new Worker(WORKER_URL);
    // A helper that fails while it starts (before it has joined) is remembered, not an unhandled error.
    const h: { worker: Worker; failed?: Error } = { worker };
    worker.on('error', (e) => (h.failed ??= e));
    worker.on('exit', (code) => (h.failed ??= new Error(`scan worker exited with ${code}`)));
    return h;
  });
  const joined = (h: (typeof helpers)[number], share: FileShare, each: (index: number, result: BatchResult) => void): Promise<void> =>
    new Promise((resolve, reject) => {
      if (h.failed) return reject(h.failed);
      const gone = (): void => reject(h.failed ?? new Error('scan worker stopped'));
      h.worker.once('error', gone);
      h.worker.once('exit', gone);
      h.worker.once('message', (msg: { shared?: Array<[number, BatchResult]>; error?: string }) => {
        h.worker.off('error', gone);
        h.worker.off('exit', gone);
        if (msg.error !== undefined) return reject(new Error(msg.error));
        for (const [i, r] of msg.shared ?? []) each(i, r);
        resolve();
      });
      h.worker.postMessage({ share });
    });
  return {
    join: async (share, each) => {
      await Promise.all(helpers.map((h) => joined(h, share, each)));
    },
    close: () => {
      for (const h of helpers) {
        h.worker.unref();
        h.worker.terminate().catch(() => undefined);
      }
    },
  };
}
