import { tooLarge, type BatchResult, type FileHits, type Skipped } from '../batch.js';
import { cacheKey, type Outcome, type ResultCache } from '../result-cache.js';
import type { ScanOptions } from '../types.js';
import type { FileList } from './worktree-list.js';

// The working tree's use of the result cache: which files need reading, what a reading leaves
// behind for the next scan, and the one result both give.

/**
 * What HEAD holds at `path`, from what git said differs from HEAD (`view`): the same
 * file (a plain tracked file git sees unchanged), nothing (a path the index does not hold either,
 * which `diff-index` would list as deleted if HEAD held it), or ask git.
 */
export function headState(path: string, list: FileList, view: ReadonlySet<string> | null): 'same' | 'absent' | 'ask' {
  if (view === null || view.has(path)) return 'ask';
  if (list.blobs.has(path)) return 'same';
  return list.tracked.has(path) ? 'ask' : 'absent';
}

export interface ReadPlan {
  /** Outcomes of unchanged tracked files from an earlier scan, by path. */
  known: Map<string, Outcome>;
  toRead: string[];
  /** Tracked files read now that git did not list as changed: their outcome is worth keeping. */
  fresh: string[];
}

/**
 * Which files need reading: a tracked file git sees unchanged since the index and whose blob the
 * cache knows is answered from the cache, unless the tap needs its bytes (the doctor's code reads).
 */
export function planReads(paths: readonly string[], blobs: ReadonlyMap<string, string>, changed: ReadonlySet<string> | null, cache: ResultCache, tap: ScanOptions['tap']): ReadPlan {
  const plan: ReadPlan = { known: new Map(), toRead: [], fresh: [] };
  const ours = tap?.keeps ? `${tap.keeps.id}\n` : null;
  for (const p of paths) {
    const oid = blobs.get(p);
    const o = oid !== undefined && changed !== null && !changed.has(p) ? cache.get(cacheKey(oid, p)) : undefined;
    // A file the tap needs is answered only with what this tap kept of it.
    if (o && (!tap?.wants(p) || ('hits' in o && ours !== null && o.tap?.startsWith(ours)))) {
      plan.known.set(p, o);
      continue;
    }
    plan.toRead.push(p);
    if (oid !== undefined && !changed?.has(p)) plan.fresh.push(p);
  }
  return plan;
}

/**
 * Keeps the outcome of each tracked file just read if git, asked after the reading (`changed`),
 * sees it as the index's: then the bytes read were the index's blob, even if the file was being
 * edited while keyward listed it or read it. A file over the size limit keeps its size; an unreadable one
 * keeps nothing. Returns what it kept, by path.
 */
export function remember(plan: ReadPlan, blobs: ReadonlyMap<string, string>, read: BatchResult, changed: ReadonlySet<string>, cache: ResultCache, tap: ScanOptions['tap']): Map<string, Outcome> {
  const hits = new Map(read.files.map((f) => [f.path, f.hits]));
  const skipped = new Map(read.skipped.map((s) => [s.path, s]));
  const kept = new Map<string, Outcome>();
  for (const p of plan.fresh) {
    if (changed.has(p)) continue;
    const skip = skipped.get(p);
    if (skip && skip.size === undefined) continue;
    const reads = tap?.keeps && tap.wants(p) ? { tap: `${tap.keeps.id}\n${tap.keeps.kept(p)}` } : {};
    const outcome = skip ? { tooLarge: skip.size! } : { hits: hits.get(p) ?? [], ...reads };
    cache.put(cacheKey(blobs.get(p)!, p), outcome);
    kept.set(p, outcome);
  }
  return kept;
}

/** The files read and the files answered from the cache, in the paths' order, as one reading would have told them. */
export function merge(paths: readonly string[], known: ReadonlyMap<string, Outcome>, read: BatchResult): BatchResult {
  if (known.size === 0) return read;
  const hits = new Map(read.files.map((f) => [f.path, f]));
  const skippedAt = new Map<string, Skipped[]>();
  for (const s of read.skipped) skippedAt.set(s.path, [...(skippedAt.get(s.path) ?? []), s]);
  const out: BatchResult = { files: [], skipped: [], scanned: read.scanned, bytes: read.bytes };
  for (const p of paths) {
    const o = known.get(p);
    if (!o) {
      const f = hits.get(p);
      if (f) out.files.push(f);
      out.skipped.push(...(skippedAt.get(p) ?? []));
    } else if ('tooLarge' in o) {
      out.skipped.push(tooLarge(p, o.tooLarge));
    } else {
      out.scanned += 1;
      if (o.hits.length > 0) out.files.push({ path: p, hits: o.hits } satisfies FileHits);
    }
  }
  return out;
}
