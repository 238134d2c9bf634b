import { parentPort } from 'node:worker_threads';
import { runBatch, type Batch, type BatchResult } from './batch.js';
import { createDetector } from './detect.js';
import { shareBatch, SHARE_SLOTS, takeBatch, type FileShare } from './pool.js';

// A scan worker: compiles the detector once, then runs batches (history) or joins a working-tree
// share until the pool terminates it.
const detector = createDetector();
const scratch = { buf: Buffer.allocUnsafe(1 << 20) };
parentPort?.on('message', (msg: { id: number; batch: Batch } | { share: FileShare }) => {
  try {
    if ('share' in msg) {
      const state = new BigInt64Array(msg.share.state);
      const shared: Array<[number, BatchResult]> = [];
      for (let i = takeBatch(state), batch = shareBatch(msg.share, i); batch; i = takeBatch(state), batch = shareBatch(msg.share, i)) {
        const r = runBatch(detector, batch, scratch);
        shared.push([i, r]);
        Atomics.add(state, SHARE_SLOTS.files, BigInt(batch.paths.length));
        Atomics.add(state, SHARE_SLOTS.bytes, BigInt(r.bytes));
      }
      parentPort?.postMessage({ shared });
      return;
    }
    const result = runBatch(detector, msg.batch, scratch);
    // The blobs' buffers go back to the reader, which fills them again: no allocation per batch.
    const buffers = msg.batch.type === 'blobs' ? [...new Set(msg.batch.blobs.map((b) => b.data.buffer))].filter((b) => b instanceof ArrayBuffer) : [];
    parentPort?.postMessage({ id: msg.id, result: { ...result, buffers } }, buffers);
  } catch (e) {
    parentPort?.postMessage({ ...('id' in msg ? { id: msg.id } : {}), error: e instanceof Error ? e.message : String(e) });
  }
});
