/** The commit whose diff against a parent added a blob, and the path it was added at. */
export interface Origin {
  /** Empty for a blob reachable only from a ref that is no commit (a tag of a tree or blob). */
  commit: string;
  path: string;
  /** Commit time: the earliest origin wins. */
  order: number;
  /** Position of the commit in the walk, which lists newer commits first: at equal times the higher wins. */
  seq: number;
}

/**
 * One walk of every commit reachable from any ref, each diffed against each of its parents
 * (`-m`, so a blob that only a merge resolution created is listed at the merge) and root commits
 * against nothing (`--root`). Every blob of every reachable commit is added by at least one of
 * these diffs, so the walk lists all of them, and the first time it lists one is where to read it.
 */
export const WALK_ARGS = ['log', '--all', '-m', '--root', '--format=%x01%H %ct', '--raw', '-z', '--no-abbrev', '--no-renames'];

/**
 * The same walk, of the commits no earlier walk reached (derived from WALK_ARGS: the two must list
 * alike): the ids of that walk's starting commits are written to git's input, each as `^<id>`.
 * Each commit also names its parents (`%P`), which tell where the new commits meet the old ones
 * (see history-increment.ts).
 */
export const NEW_COMMITS_ARGS = [...WALK_ARGS.map((a) => (a === '--format=%x01%H %ct' ? '--format=%x01%H %ct %P' : a)), '--stdin'];

/** One blob a diff of the walk adds: its id, mode and path, in the commit being read. */
export interface Added {
  oid: string;
  mode: string;
  path: string;
  commit: string;
  order: number;
  seq: number;
}

/**
 * Parses the walk's output (`--format=%x01%H %ct --raw -z`) as it streams: a commit header,
 * then for each changed path a `:old-mode new-mode old-oid new-oid status` token and the path.
 * Calls `onAdded` for each path whose new side is an object (not a deletion).
 */
export class WalkParser {
  readonly #onAdded: (a: Added) => void;
  readonly #onCommit: ((commit: string, time: number, parents: string) => void) | undefined;
  #partial: Buffer | null = null;
  #commit = '';
  #order = 0;
  #seq = 0;
  #pending: { oid: string; mode: string } | null = null;

  /** `onCommit`: each commit's header as the walk lists it (a merge once per parent), with its parents when the format names them. */
  constructor(onAdded: (a: Added) => void, onCommit?: (commit: string, time: number, parents: string) => void) {
    this.#onAdded = onAdded;
    this.#onCommit = onCommit;
  }

  /** Commits read so far (a merge once per parent, as `-m` lists it). */
  get commits(): number {
    return this.#seq;
  }

  push(chunk: Buffer): void {
    let from = 0;
    // Tokens are read in place (offsets into the chunk): only one split across two chunks is joined.
    for (let z = chunk.indexOf(0, from); z !== -1; z = chunk.indexOf(0, from)) {
      if (this.#partial) {
        const tok = Buffer.concat([this.#partial, chunk.subarray(from, z)]);
        this.#partial = null;
        this.#token(tok, 0, tok.length);
      } else {
        this.#token(chunk, from, z);
      }
      from = z + 1;
    }
    if (from < chunk.length) this.#partial = this.#partial ? Buffer.concat([this.#partial, chunk.subarray(from)]) : Buffer.from(chunk.subarray(from));
  }

  #token(buf: Buffer, start: number, end: number): void {
    const pending = this.#pending;
    if (pending) {
      this.#pending = null;
      if (pending.oid) this.#onAdded({ oid: pending.oid, mode: pending.mode, path: buf.toString('utf8', start, end), commit: this.#commit, order: this.#order, seq: this.#seq });
      return;
    }
    let i = start;
    while (i < end && buf[i] === 0x0a) i += 1;
    if (i === end) return;
    if (buf[i] === 0x01) {
      const [sha = '', time = '0', ...parents] = buf.toString('latin1', i + 1, end).trim().split(' ');
      this.#commit = sha;
      this.#order = Number(time);
      this.#seq += 1;
      this.#onCommit?.(sha, this.#order, parents.join(' '));
    } else if (buf[i] === 0x3a) {
      // `:old-mode new-mode old-oid new-oid status`: the new mode and the new oid are read where they sit.
      const s1 = buf.indexOf(0x20, i);
      const s2 = buf.indexOf(0x20, s1 + 1);
      const s3 = buf.indexOf(0x20, s2 + 1);
      const s4 = buf.indexOf(0x20, s3 + 1);
      // A line not in that shape still has its path token next, which must not be read as a header.
      const oid = s1 === -1 || s2 === -1 || s3 === -1 || s4 === -1 || s4 > end ? '' : buf.toString('latin1', s3 + 1, s4);
      this.#pending = { oid: /^0+$/.test(oid) ? '' : oid, mode: buf.toString('latin1', s1 + 1, s2) };
    }
  }
}

/** True when origin `a` is earlier than `b`: older commit time, and at equal times the commit the walk lists later. */
export function isEarlier(a: { order: number; seq: number }, b: { order: number; seq: number }): boolean {
  return a.order < b.order || (a.order === b.order && a.seq > b.seq);
}

/**
 * Keeps the earliest origin of `a.oid` in `origins` (within one commit, its first path).
 * Returns true when the blob was not known before.
 */
export function recordOrigin(origins: Map<string, Origin>, a: Added): boolean {
  const prior = origins.get(a.oid);
  if (!prior) {
    origins.set(a.oid, { commit: a.commit, path: a.path, order: a.order, seq: a.seq });
    return true;
  }
  if (isEarlier(a, prior)) {
    prior.commit = a.commit;
    prior.path = a.path;
    prior.order = a.order;
    prior.seq = a.seq;
  }
  return false;
}
