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
