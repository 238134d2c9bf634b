import type { KeptWalk, WalkOutcome } from './history-record.js';
import type { Origin } from './origins.js';

// A walk of only the commits a kept walk did not reach, and when it gives the full walk's report.
//
// `git log --all` lists commits newest first: it keeps the commits still to list in order of
// commit time, starting from every ref's commit, and puts each listed commit's parents in that
// order. The report depends on that order twice: the path a blob is read at is where the walk first
// lists it, and between two commits of the same second the one listed later is a key's origin. A
// walk of the new commits alone (`git log --all --not <the kept walk's starting commits>`),
// followed by the kept walk, is the full walk exactly when:
//
// - every new commit is newer than every commit the kept walk met: the full walk then lists all of
//   them first, in the order the walk of the new commits lists them;
// - once they are listed, what the full walk still has to list is the kept walk's starting
//   commits, no more and no fewer (the refs that did not move, and the old commits the new ones
//   have as parents), and no two of them share a commit time: the rest of the walk is then the
//   kept walk, commit for commit;
// - no blob the new commits list is one the kept walk listed: each blob is then read once, where
//   the full walk reads it, and what the kept walk found stands with its origins.
//
// Anything else (a deleted or rewound branch, a branch made at an old commit, a commit dated
// before the newest, a merge that lists an old blob again) walks in full, as before.

/** A commit of the walk of the new commits: its commit time and its parents. */
export interface NewCommit {
  time: number;
  parents: string[];
}

/**
 * Whether the kept walk, after the new commits, is the rest of the full walk: `starts` are the
 * commits the full walk would start from now, `added` the commits the walk of the new commits
 * listed.
 */
export function continuesKept(kept: Pick<KeptWalk, 'tips' | 'newest'>, starts: Iterable<string>, added: ReadonlyMap<string, NewCommit>): boolean {
  const tips = kept.tips;
  if (!tips || !mayContinue(kept)) return false;
  for (const c of added.values()) if (!(c.time > kept.newest)) return false;
  const rest = new Set<string>();
  for (const s of starts) if (!added.has(s)) rest.add(s);
  for (const c of added.values()) for (const p of c.parents) if (!added.has(p)) rest.add(p);
  if (rest.size !== tips.size) return false;
  for (const r of rest) if (!tips.has(r)) return false;
  return true;
}

/** Whether a walk of the new commits can continue `kept` at all, asked before walking them: it knows where it started, and no two of those commits share a time. */
export function mayContinue(kept: Pick<KeptWalk, 'tips'>): boolean {
  return kept.tips !== null && new Set(kept.tips.values()).size === kept.tips.size;
}

/**
 * The full walk's outcome from the kept walk and the walk of the new commits (`added`, which
 * listed `commits` commit headers): the new commits come first in the full walk, so the kept
 * walk's places move after theirs and its skips are told after theirs.
 */
export function mergeWalks(kept: WalkOutcome, added: WalkOutcome, commits: number): WalkOutcome {
  const seen: WalkOutcome['seen'] = new Map();
  for (const [fp, blobs] of kept.seen) seen.set(fp, new Map(blobs));
  const origins = new Map<string, Origin>();
  for (const [oid, o] of kept.origins) origins.set(oid, { ...o, seq: o.seq + commits });
  for (const [fp, blobs] of added.seen) {
    let all = seen.get(fp);
    if (!all) seen.set(fp, (all = new Map()));
    for (const [oid, b] of blobs) {
      all.set(oid, b);
      const o = added.origins.get(oid);
      if (o) origins.set(oid, o);
    }
  }
  return { seen, origins, scanned: kept.scanned + added.scanned, allowed: kept.allowed + added.allowed, skipped: [...added.skipped, ...kept.skipped] };
}
