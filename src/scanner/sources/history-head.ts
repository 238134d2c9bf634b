import type { GitRunner } from '../../git/git.js';

// Which of a history scan's key blobs HEAD's tree holds (a finding's `inHead`). Listing the tree
// (`ls-tree -r`, 14,000 entries on the benchmark corpus) is the slowest step of a scan after a
// commit on HEAD. When HEAD moved since a kept walk, the kept walk says which of its key blobs the
// old HEAD held, and git's diff of the two trees says what changed between them: the answer for
// every key blob follows, except for an old one the diff removes from a path, which may still sit
// at another.

/** The blob ids a diff of two trees takes away from paths, and those it puts at paths. */
export interface TreeChanges {
  removed: Set<string>;
  added: Set<string>;
}

/** What changed from commit `from`'s tree to `to`'s, or null when git cannot tell (a commit gone, say). */
export async function treeChanges(git: GitRunner, root: string, from: string, to: string): Promise<TreeChanges | null> {
  const r = await git(['diff-tree', '-r', '-z', '--raw', '--no-abbrev', '--no-renames', from, to], { cwd: root });
  if (r.code !== 0) return null;
  const changes: TreeChanges = { removed: new Set(), added: new Set() };
  // `:<mode> <mode> <id> <id> <status>\0<path>\0` per changed path; an id of zeros is no blob.
  for (const part of r.stdout.toString('latin1').split('\0')) {
    if (!part.startsWith(':')) continue;
    const [, , before = '', after = ''] = part.split(' ');
    if (!/^0+$/.test(before)) changes.removed.add(before);
    if (!/^0+$/.test(after)) changes.added.add(after);
  }
  return changes;
}

/**
 * The key blobs the new HEAD's tree holds, from those the old HEAD's tree held (`before`, every
 * blob of the kept walk there) and the diff between the two; null when a blob the old tree held is
 * taken from a path and not put back at one, since only the whole tree says whether another path
 * still holds it. Every key blob must be one the walk listed, and each blob the kept walk did not
 * list must be new since it (the walk of the new commits alone, which lists no old blob): such a
 * blob is in no tree the old HEAD had.
 */
export function headAfterMove(keyBlobs: Iterable<string>, before: ReadonlySet<string>, changes: TreeChanges): Set<string> | null {
  const held = new Set<string>();
  for (const oid of keyBlobs) {
    if (changes.added.has(oid)) held.add(oid);
    else if (before.has(oid)) {
      if (changes.removed.has(oid)) return null;
      held.add(oid);
    }
  }
  return held;
}
