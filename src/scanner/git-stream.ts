import { spawn, type ChildProcessByStdio, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { connect, createServer, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Readable, Writable } from 'node:stream';
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

/** Bytes read from a streamed git's output at a time, into one buffer reused for every read. */
const READ_BYTES = 1 << 20;

/** A git process whose output is handed over chunk by chunk, each chunk valid only during the call. */
export interface GitReader {
  child: ChildProcessByStdio<Writable, null, Readable>;
  pause(): void;
  resume(): void;
  /**
   * Settles once git has exited and all of its output has been handed over: its exit, and the
   * error that stopped it (it could not start; Ctrl-C aborted it). Watched from the spawn on:
   * git may fail or exit while the other reader of a scan is still being set up.
   */
  readonly done: Promise<GitExit>;
}

export interface GitExit {
  code: number | null;
  signal: NodeJS.Signals | null;
  error: Error | null;
}

function watched(child: GitReader['child'], ended: Promise<void>): Promise<GitExit> {
  let error: Error | null = null;
  child.on('error', (e) => (error ??= e));
  const closed = new Promise<[number | null, NodeJS.Signals | null]>((resolve) => child.on('close', (code, signal) => resolve([code, signal])));
  return Promise.all([closed, ended]).then(([[code, signal]]) => ({ code, signal, error }));
}

/**
 * git with its output read into one reused buffer. Node's pipes allocate a buffer per read, and
 * cat-file writes each blob's header and content separately (some 25,000 reads for a history
 * of 30,000 blobs): the allocations, the page faults of fresh memory and the collections to free
 * them cost about a third of reading the stream. A net socket can read into a buffer of its own
 * (`onread`), so git writes into a private Unix socket (in a folder only this user can enter,
 * removed once connected) instead of a pipe; where that cannot be made (Windows), a pipe.
 */
export async function spawnGitReader(env: Env, args: readonly string[], cwd: string, onData: (chunk: Buffer) => void, signal?: AbortSignal): Promise<GitReader> {
  const inv = gitInvocation(env, args);
  const options = { cwd, env: inv.env, ...(signal ? { signal } : {}) };
  const pair = process.platform === 'win32' ? null : await socketPair(onData).catch(() => null);
  if (!pair) {
    const child = spawn('git', inv.args, { ...options, stdio: ['pipe', 'pipe', 'pipe'] });
    child.stdout.on('data', onData);
    const ended = new Promise<void>((resolve) => child.stdout.once('close', resolve));
    const reader = child as unknown as GitReader['child'];
    return { child: reader, pause: () => child.stdout.pause(), resume: () => child.stdout.resume(), done: watched(reader, ended) };
  }
  const { ours, theirs } = pair;
  const ended = new Promise<void>((resolve) => ours.once('close', () => resolve()));
  // A failed read ends the output like EOF does: the caller sees the objects it got and git's exit.
  ours.on('error', () => undefined);
  let child: GitReader['child'];
  try {
    child = spawn('git', inv.args, { ...options, stdio: ['pipe', theirs, 'pipe'] });
  } finally {
    // The child holds its own copy: with ours closed, git's exit is the output's end.
    theirs.destroy();
  }
  return { child, pause: () => ours.pause(), resume: () => ours.resume(), done: watched(child, ended) };
}

/** Both ends of a connected Unix socket; `ours` reads into one buffer and hands each read to `onData`. */
async function socketPair(onData: (chunk: Buffer) => void): Promise<{ ours: Socket; theirs: Socket }> {
  const dir = mkdtempSync(join(tmpdir(), 'keyward-'));
  // Ctrl-C may end keyward before the two ends connect: the folder goes with it.
  const remove = (): void => rmSync(dir, { recursive: true, force: true });
  process.once('exit', remove);
  try {
    return await new Promise((resolve, reject) => {
      const server = createServer({ pauseOnConnect: true });
      let ours: Socket | undefined;
      // Nothing may stay open on failure: a listening server would keep keyward from exiting.
      const fail = (e: Error): void => {
        server.close();
        ours?.destroy();
        reject(e);
      };
      server.once('error', fail);
      server.listen(join(dir, 'out'), () => {
        const buffer = Buffer.allocUnsafe(READ_BYTES);
        const client = connect({
          path: join(dir, 'out'),
          onread: {
            buffer,
            callback: (n: number) => {
              onData(buffer.subarray(0, n));
              return true;
            },
          },
        });
        ours = client;
        client.once('error', fail);
        server.once('connection', (theirs: Socket) => {
          server.close();
          client.removeListener('error', fail);
          resolve({ ours: client, theirs });
        });
      });
    });
  } finally {
    process.removeListener('exit', remove);
    remove();
  }
}

/** One object of `git cat-file --batch='%(objectname) %(objecttype) %(objectsize)'`. */
export interface CatFileObject {
  oid: string;
  type: string;
  /** The content, valid only during the callback (it may view the stream's buffer); absent for objects over the size limit. */
  data?: Buffer | undefined;
  size: number;
}

interface PendingObject extends CatFileObject {
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
        // Copied: the chunk may be a reused read buffer.
        this.#header.push(Buffer.from(chunk.subarray(i)));
        return;
      }
      if (this.#header.length === 0) {
        this.#startObject(chunk, i, nl);
      } else {
        const line = Buffer.concat([...this.#header, chunk.subarray(i, nl)]);
        this.#header = [];
        this.#startObject(line, 0, line.length);
      }
      i = nl + 1;
    }
  }

  /** The join buffer, at least `size` long; grown only at an object's first bytes, so what it holds is never lost. */
  #scratchFor(size: number): Buffer {
    if (this.#scratch.length < size) this.#scratch = Buffer.allocUnsafe(Math.max(size, 2 * this.#scratch.length, 1 << 16));
    return this.#scratch;
  }

  /** The header `<oid> <type> <size>` in `buf[start, end)`, read where it sits (no string of the line, no split). */
  #startObject(buf: Buffer, start: number, end: number): void {
    this.#answered += 1;
    const s1 = buf.indexOf(0x20, start);
    const s2 = s1 === -1 || s1 >= end ? -1 : buf.indexOf(0x20, s1 + 1);
    const sizeEnd = s2 === -1 || s2 >= end ? -1 : Math.min(end, buf.indexOf(0x20, s2 + 1) >>> 0);
    // `<input> missing` or `ambiguous`: nothing follows the header.
    let size = sizeEnd > s2 + 1 ? 0 : -1;
    for (let j = s2 + 1; size !== -1 && j < sizeEnd; j += 1) {
      const digit = buf[j]! - 0x30;
      size = digit >= 0 && digit <= 9 ? size * 10 + digit : -1;
    }
    if (size === -1) {
      this.#missing += 1;
      return;
    }
    const blob = s2 - s1 === 5 && buf[s1 + 1] === 0x62 && buf[s1 + 2] === 0x6c && buf[s1 + 3] === 0x6f && buf[s1 + 4] === 0x62;
    const type = blob ? 'blob' : buf.toString('latin1', s1 + 1, s2);
    const cur: PendingObject = { oid: buf.toString('latin1', start, s1), type, size, data: undefined, keep: blob && size <= this.#maxBytes, got: 0 };
    if (size === 0) this.#finish(cur, cur.keep ? this.#scratchFor(0).subarray(0, 0) : undefined);
    else this.#current = cur;
  }

  /** `data` is valid only during the callback: the consumer copies what it keeps. */
  #finish(cur: PendingObject, data: Buffer | undefined): void {
    this.#current = null;
    this.#trailer = true;
    cur.data = data;
    this.#onObject(cur);
  }
}
