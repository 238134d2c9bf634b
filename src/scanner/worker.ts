import { parentPort } from 'node:worker_threads';
import { runBatch, type Batch } from './batch.js';
import { createDetector } from './detect.js';

// A scan worker: compiles the detector once, then runs batches until the pool terminates it.
const detector = createDetector();
const scratch = { buf: Buffer.allocUnsafe(1 << 20) };
parentPort?.on('message', (msg: { id: number; batch: Batch }) => {
  try {
    const result = runBatch(detector, msg.batch, scratch);
    // The blobs' buffers go back to the reader, which fills them again: no allocation per batch.
    const buffers = msg.batch.type === 'blobs' ? [...new Set(msg.batch.blobs.map((b) => b.data.buffer))].filter((b) => b instanceof ArrayBuffer) : [];
    parentPort?.postMessage({ id: msg.id, result: { ...result, buffers } }, buffers);
  } catch (e) {
    parentPort?.postMessage({ id: msg.id, error: e instanceof Error ? e.message : String(e) });
  }
});
