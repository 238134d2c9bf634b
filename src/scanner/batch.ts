import { holdsBlob } from './blob-share.js';
import { searchableBytes } from './decode.js';
import { detectBytes, type Detector, type Hit } from './detect.js';
import { withNotebookCells } from './notebook.js';
import { readForScan, type SkipReason } from './read.js';
import type { ReadTap } from './types.js';

/** The hits of one file or blob; only files with hits are sent back. */
export interface FileHits {
  path: string;
  /** The blob id, for history and staged scans. */
  oid?: string;
  hits: Hit[];
}

export interface Skipped {
  path: string;
  reason: SkipReason;
  detail?: string;
  /** For `too-large`: the size in bytes (the result cache keeps it). */
  size?: number;
}

/** A file or blob skipped for its size, which the note tells. */
export function tooLarge(path: string, size: number): Skipped {
  return { path, reason: 'too-large', detail: `${size} bytes`, size };
}

export interface BatchResult {
  files: FileHits[];
  skipped: Skipped[];
  scanned: number;
  /** Bytes read, for the progress line's MB. */
  bytes: number;
  /** The blobs' buffers, handed back by a worker so the next batches reuse them. */
  buffers?: ArrayBuffer[];
  /** Files whose bytes were the blob the batch's `oids` named for them (see blob-share.ts). */
  verified?: string[];
}

/** One unit of work: files of the working tree, or blobs already read from git. */
export type Batch =
  /** `oids`: beside `paths`, the blob each file should hold, for the files whose bytes are to be checked against it. */
  | { type: 'files'; root: string; paths: string[]; maxBytes: number; oids?: ReadonlyArray<string | null> }
  | { type: 'blobs'; blobs: Array<{ oid: string; path: string; data: Uint8Array }> };

/** Runs a batch in the calling thread; the worker runs exactly this too. `tap` is shown each file read. */
export function runBatch(detector: Detector, batch: Batch, scratch: { buf: Buffer }, tap?: ReadTap): BatchResult {
  const out: BatchResult = { files: [], skipped: [], scanned: 0, bytes: 0 };
  if (batch.type === 'files') {
    for (let i = 0; i < batch.paths.length; i++) {
      const path = batch.paths[i]!;
      // git's paths are already normal: a plain join spares path.join's normalising of 14k names.
      const r = readForScan(`${batch.root}/${path}`, batch.maxBytes, scratch);
      if (r.kind === 'none') continue;
      if (r.kind === 'skip') {
        out.skipped.push(r.size !== undefined ? tooLarge(path, r.size) : { path, reason: r.reason, ...(r.detail ? { detail: r.detail } : {}) });
        continue;
      }
      out.scanned += 1;
      out.bytes += r.bytes.length;
      tap?.file(path, r.bytes);
      const oid = batch.oids?.[i];
      if (oid && holdsBlob(r.bytes, oid)) (out.verified ??= []).push(path);
      const bytes = searchableBytes(r.bytes);
      const hits = detectBytes(detector, bytes);
      if (hits.length > 0) out.files.push({ path, hits: path.endsWith('.ipynb') ? withNotebookCells(hits, bytes) : hits });
    }
    return out;
  }
  for (const blob of batch.blobs) {
    out.scanned += 1;
    out.bytes += blob.data.length;
    const bytes = searchableBytes(blob.data);
    const hits = detectBytes(detector, bytes);
    if (hits.length > 0) out.files.push({ path: blob.path, oid: blob.oid, hits: blob.path.endsWith('.ipynb') ? withNotebookCells(hits, bytes) : hits });
  }
  return out;
}
