import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import type { Env } from '../core/io.js';
import { gitInvocation } from '../git/git.js';

/**
 * git with its output as a stream, for the reads too big to buffer (every blob of a history).
 * Invoked exactly as the buffered runner of src/git invokes it (`gitInvocation`): hardened, no prompts, no pager.
 */
export function spawnGit(env: Env, args: readonly string[], cwd: string, signal?: AbortSignal): ChildProcessWithoutNullStreams {
  const inv = gitInvocation(env, args);
  // On abort (Ctrl-C) the child is killed, not left to run until its pipe breaks.
  return spawn('git', inv.args, { cwd, stdio: ['pipe', 'pipe', 'pipe'], env: inv.env, ...(signal ? { signal } : {}) });
}

/** One object of `git cat-file --batch='%(objectname) %(objecttype) %(objectsize) %(rest)'`. */
export interface CatFileObject {
  oid: string;
  type: string;
  /** The rest of the input line: the path `rev-list --objects` gave. */
  rest: string;
  /** The content, valid only during the callback (it may view the stream's buffer); absent for objects over the size limit. */
  data?: Buffer;
  size: number;
}

interface PendingObject {
  oid: string;
  type: string;
  rest: string;
  size: number;
  /** The content is handed over (a blob within the limit); else its bytes are only counted off. */
  keep: boolean;
  got: number;
}

/**
 * Parses cat-file's batch output as it streams: header line, `size` bytes, a newline. Objects
 * over `maxBytes` are skipped byte by byte without being buffered, so memory stays bounded by
 * the limit whatever the repository holds.
 */
export class CatFileParser {
  readonly #maxBytes: number;
  readonly #onObject: (o: CatFileObject) => void;
  #header: Buffer[] = [];
  #current: PendingObject | null = null;
  /** The newline that ends each object's content is still to come. */
  #trailer = false;
  /** Where blobs that arrive in several chunks are joined; grows to the largest such blob (at most `maxBytes`). */
  #scratch = Buffer.allocUnsafe(0);
  #answered = 0;
  #missing = 0;

  constructor(maxBytes: number, onObject: (o: CatFileObject) => void) {
    this.#maxBytes = maxBytes;
    this.#onObject = onObject;
  }

  /** Requests cat-file has answered so far, objects and `missing` alike. */
  get answered(): number {
    return this.#answered;
  }

  /** Requests cat-file answered with `missing`: objects the repository does not hold (a partial clone, a damaged one). */
  get missing(): number {
    return this.#missing;
  }

  push(chunk: Buffer): void {
    let i = 0;
    while (i < chunk.length) {
      if (this.#trailer) {
        this.#trailer = false;
        if (chunk[i] === 0x0a) i += 1;
        continue;
      }
      const cur = this.#current;
      if (cur) {
        const take = Math.min(cur.size - cur.got, chunk.length - i);
        if (cur.keep && cur.got === 0 && take === cur.size) {
          // A blob inside one chunk is handed over as a view of it, not copied.
          i += take;
          this.#finish(cur, chunk.subarray(i - take, i));
          continue;
        }
        // One spread over chunks is joined in a buffer reused from blob to blob (no allocation, no garbage).
        if (cur.keep) chunk.copy(this.#scratchFor(cur.size), cur.got, i, i + take);
        cur.got += take;
        i += take;
        if (cur.got === cur.size) this.#finish(cur, cur.keep ? this.#scratch.subarray(0, cur.size) : undefined);
        continue;
      }
      const nl = chunk.indexOf(0x0a, i);
      if (nl === -1) {
        this.#header.push(chunk.subarray(i));
        return;
      }
      const line = this.#header.length === 0 ? chunk.toString('utf8', i, nl) : Buffer.concat([...this.#header, chunk.subarray(i, nl)]).toString('utf8');
      this.#header = [];
      i = nl + 1;
      this.#startObject(line);
    }
  }

  /** The join buffer, at least `size` long; grown only at an object's first bytes, so what it holds is never lost. */
  #scratchFor(size: number): Buffer {
    if (this.#scratch.length < size) this.#scratch = Buffer.allocUnsafe(Math.max(size, 2 * this.#scratch.length, 1 << 16));
    return this.#scratch;
  }

  #startObject(line: string): void {
    const [oid = '', type = '', sizeText = '', ...rest] = line.split(' ');
    this.#answered += 1;
    // `<input> missing` or `ambiguous`: nothing follows the header.
    if (type === 'missing' || type === 'ambiguous' || !/^\d+$/.test(sizeText)) {
      this.#missing += 1;
      return;
    }
    const size = Number(sizeText);
    const cur: PendingObject = { oid, type, rest: rest.join(' '), size, keep: type === 'blob' && size <= this.#maxBytes, got: 0 };
    if (size === 0) this.#finish(cur, cur.keep ? this.#scratchFor(0).subarray(0, 0) : undefined);
    else this.#current = cur;
  }

  /** `data` is valid only during the callback: the consumer copies what it keeps. */
  #finish(cur: PendingObject, data: Buffer | undefined): void {
    this.#current = null;
    this.#trailer = true;
    this.#onObject({ oid: cur.oid, type: cur.type, rest: cur.rest, size: cur.size, ...(data ? { data } : {}) });
  }
}
