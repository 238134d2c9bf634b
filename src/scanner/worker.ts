import { parentPort } from 'node:worker_threads';
import { runBatch, type Batch } from './batch.js';
import { createDetector } from './detect.js';

// A scan worker: compiles the detector once, then runs batches until the pool terminates it.
const detector = createDetector();
const scratch = { buf: Buffer.allocUnsafe(1 << 20) };
parentPort?.on('message', (msg: { id: number; batch: Batch }) => {
  try {
    parentPort?.postMessage({ id: msg.id, result: runBatch(detector, msg.batch, scratch) });
  } catch (e) {
    parentPort?.postMessage({ id: msg.id, error: e instanceof Error ? e.message : String(e) });
  }
});
