import { createHash, randomBytes } from 'node:crypto';
import { lstatSync, mkdirSync, readdirSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { readRegularFileSync } from '../project/read.js';
import type { Hit } from './detect.js';

/**
 * What scanning one blob's bytes found: its hits (none for most), or that it was over the size
 * limit (with its size, for the note). Only these two outcomes are kept; an unreadable file is
 * read again next time.
 */
/** `tap`: what a read tap kept of the file (its id, a newline, its text; see `ReadTap.keeps`). */
export type Outcome = { hits: Hit[]; tap?: string } | { tooLarge: number };

/**
 * The outcomes of earlier scans, by blob id. A blob's bytes never change, so what the detector
 * found in them is found again as long as the detector is the same one: the cache is kept in the
 * repository's git folder (`keyward/<kind>.json`) under a salt of keyward's version, the size
 * limit and the code that decides an outcome, and a different salt starts it empty. It holds what
 * a report holds (fingerprints, redacted forms, lines), never a key.
 */
export interface ResultCache {
  /** False for `noCache()`: nothing to look up, and nothing worth verifying for it. */
  readonly enabled: boolean;
  /** Entries an earlier scan left. */
  readonly stored: number;
  get(key: string): Outcome | undefined;
  put(key: string, outcome: Outcome): void;
  /** Whether an earlier scan left an entry under `key` (what this scan puts does not count). */
  held(key: string): boolean;
  /** Keeps every entry an earlier scan left, read or not, when saving (a scan that read only part of what they cover). */
  retain(): void;
  /**
   * Keeps every entry read or put during this scan, and no other: blobs gone from the repository
   * leave it. Writes nothing when that is what is there already.
   */
  save(): void;
  /** Names the file as saved (a new id each time it is written), or as loaded; '' when there is none. */
  readonly id: string;
}

/** A notebook's hits carry cells, so its blob has an entry of its own. */
export function cacheKey(oid: string, path: string): string {
  return path.endsWith('.ipynb') ? `${oid}.nb` : oid;
}

const FORMAT = 1;
/**
 * A cache file larger than this is not read, and not written: past it (some 1.5 million blobs)
 * parsing it would cost more memory than the scan. 1.3 MB for the benchmark's 32,000 blobs.
 */
const MAX_FILE_BYTES = 64 * 1024 * 1024;
const NONE: ResultCache = { enabled: false, stored: 0, get: () => undefined, put: () => undefined, held: () => false, retain: () => undefined, save: () => undefined, id: '' };

/** No cache: nothing is read or written. */
export function noCache(): ResultCache {
  return NONE;
}

interface Stored {
  salt: string;
  /** Written anew with each save: what is kept beside the cache (the history walk) names the cache it goes with. */
  id?: string;
  /** Keys of blobs without hits, comma-separated: most of a repository, kept compact. */
  clean: string;
  found: Record<string, Outcome>;
}

/**
 * Opens the cache of `kind` in `gitDir` for a scan with this size limit. A file that is missing,
 * unreadable, of another salt or not keyward's shape is an empty cache; saving is best-effort (a
 * read-only repository scans as before, it only does not get faster). `few`: the scan expects to
 * ask about a few blobs only (a walk of new commits), and the saved keys are not split for them.
 */
export function openResultCache(gitDir: string, kind: 'worktree' | 'history', maxBytes: number, opts: { few?: boolean } = {}): ResultCache {
  const salt = cacheSalt(maxBytes);
  const old = load(gitDir, kind, salt, opts.few ? FEW_ASKED : 0);
  const next = new Map<string, Outcome>();
  const CLEAN: Outcome = { hits: [] };
  let added = false;
  let retained = false;
  let id = old.id;
  const isClean = (o: Outcome): boolean => 'hits' in o && o.hits.length === 0 && o.tap === undefined;
  const stored = (): number => old.clean.size + old.found.size;
  return {
    enabled: true,
    get stored() {
      return stored();
    },
    get id() {
      return id;
    },
    get(key) {
      const hit = old.clean.has(key) ? CLEAN : old.found.get(key);
      if (hit) next.set(key, hit);
      return hit;
    },
    put(key, outcome) {
      next.set(key, outcome);
      added = true;
    },
    held: (key) => old.clean.has(key) || old.found.has(key),
    retain() {
      retained = true;
    },
    save() {
      if (!added && (retained || next.size === stored())) return;
      const found: Record<string, Outcome> = {};
      if (retained) for (const [key, o] of old.found) if (!next.has(key)) found[key] = o;
      // Kept whole and a few entries added (a walk of new commits): the saved keys are written back as they were read.
      const keys = (clean: boolean) => [...next].filter(([, o]) => isClean(o) === clean).map(([key]) => key);
      const kept = retained ? old.clean.extended(keys(true), keys(false)) : null;
      const clean: string[] = kept !== null ? [kept] : retained ? [...old.clean.keys()].filter((k) => !next.has(k)) : [];
      for (const [key, o] of next) {
        if (!isClean(o)) found[key] = o;
        else if (kept === null) clean.push(key);
      }
      const written = randomBytes(8).toString('hex');
      if (writeCacheFile(gitDir, kind, { salt, id: written, clean: clean.filter((c) => c !== '').join(','), found } satisfies Stored)) id = written;
    },
  };
}

/** Asked about more keys than this, a cache opened for a few lookups splits its clean keys into a set; fewer are looked for in the text. */
const FEW_ASKED = 16;
const COMMA = 0x2c;

/**
 * The keys of blobs without hits as saved (comma-separated), split into a set once more than
 * `few` are asked about: a walk of a few new commits asks about a few of the corpus's 32,000 blobs,
 * and splitting them all cost more than the walk (13 ms, and as much again to join them to save).
 */
class CleanKeys {
  private set: Set<string> | null = null;
  private asked = 0;
  private count: number | null = null;

  constructor(
    private readonly text: string,
    private readonly few: number,
  ) {}

  has(key: string): boolean {
    if (this.set === null && (this.asked += 1) > this.few) this.set = new Set(this.keys());
    return this.set ? this.set.has(key) : this.inText(key);
  }

  get size(): number {
    if (this.set) return this.set.size;
    if (this.count === null) {
      let n = this.text === '' ? 0 : 1;
      for (let at = this.text.indexOf(','); at !== -1; at = this.text.indexOf(',', at + 1)) n += 1;
      this.count = n;
    }
    return this.count;
  }

  keys(): string[] {
    return this.set ? [...this.set] : this.text === '' ? [] : this.text.split(',');
  }

  /**
   * The saved text with the keys of `clean` it does not hold appended, for a save that keeps every
   * key; null once the keys were split (then they are joined again), when more than a few are
   * given, or when a key of `found` (now with hits) is among them.
   */
  extended(clean: readonly string[], found: readonly string[]): string | null {
    if (this.set !== null || clean.length + found.length > FEW_ASKED || found.some((k) => this.inText(k))) return null;
    return [this.text, ...clean.filter((k) => !this.inText(k))].filter((t) => t !== '').join(',');
  }

  private inText(key: string): boolean {
    for (let at = this.text.indexOf(key); at !== -1; at = this.text.indexOf(key, at + 1)) {
      const end = at + key.length;
      if ((at === 0 || this.text.charCodeAt(at - 1) === COMMA) && (end === this.text.length || this.text.charCodeAt(end) === COMMA)) return true;
    }
    return false;
  }
}

function load(gitDir: string, kind: string, salt: string, few: number): { clean: CleanKeys; found: Map<string, Outcome>; id: string } {
  const empty = { clean: new CleanKeys('', few), found: new Map<string, Outcome>(), id: '' };
  const data = readCacheFile(gitDir, kind);
  if (!isStored(data) || data.salt !== salt) return empty;
  const found = new Map<string, Outcome>();
  for (const [key, o] of Object.entries(data.found)) {
    if (!isOutcome(o)) return empty;
    found.set(key, o);
  }
  return { clean: new CleanKeys(data.clean, few), found, id: typeof data.id === 'string' ? data.id : '' };
}

function isStored(v: unknown): v is Stored {
  if (typeof v !== 'object' || v === null) return false;
  const s = v as Record<string, unknown>;
  return typeof s.salt === 'string' && typeof s.clean === 'string' && typeof s.found === 'object' && s.found !== null && !Array.isArray(s.found);
}

/**
 * The parsed JSON of keyward's file `name` in `gitDir`'s `keyward` folder, or undefined when there
 * is none, it is not JSON, or its text does not begin with `prefix` (then it is not parsed). Not
 * followed if a link, not waited on if a FIFO, not read past 64 MB: whoever wrote the checkout may
 * have put anything there. Its shape is the caller's to check.
 */
export function readCacheFile(gitDir: string, name: string, prefix = ''): unknown {
  const read = readRegularFileSync(join(gitDir, 'keyward', `${name}.json`), MAX_FILE_BYTES);
  // Told apart on the bytes: another index's snapshot is not decoded either.
  if (!read.ok || !read.bytes.subarray(0, Buffer.byteLength(prefix)).equals(Buffer.from(prefix))) return undefined;
  try {
    return JSON.parse(read.bytes.toString('utf8')) as unknown;
  } catch {
    return undefined;
  }
}

/** Writes `data` as keyward's file `name` in `gitDir` (see `writeQuietly`); nothing past 64 MB. True when written. */
export function writeCacheFile(gitDir: string, name: string, data: unknown): boolean {
  const text = JSON.stringify(data);
  return text.length <= MAX_FILE_BYTES && writeQuietly(join(gitDir, 'keyward', `${name}.json`), text);
}

export function isOutcome(v: unknown): v is Outcome {
  if (typeof v !== 'object' || v === null) return false;
  const o = v as Record<string, unknown>;
  if (typeof o.tooLarge === 'number') return true;
  return Array.isArray(o.hits) && o.hits.every(isHit) && (o.tap === undefined || typeof o.tap === 'string');
}

function isHit(v: unknown): v is Hit {
  if (typeof v !== 'object' || v === null) return false;
  const h = v as Record<string, unknown>;
  const placed = typeof h.line === 'number' && typeof h.column === 'number' && typeof h.allowed === 'boolean';
  if (h.type === 'browser-client') return placed;
  return (
    h.type === 'key' &&
    placed &&
    typeof h.provider === 'string' &&
    typeof h.kind === 'string' &&
    typeof h.fingerprint === 'string' &&
    typeof h.redacted === 'string' &&
    (h.variable === null || typeof h.variable === 'string') &&
    (h.publicUse === undefined || typeof h.publicUse === 'string')
  );
}

/**
 * Written whole or not at all: a temp file renamed over the old one, in one turn of the event
 * loop, so Ctrl-C cannot land between. The temp file is created new (`wx`), never through a link
 * someone left at its name, and a `keyward` folder that is a link is not written into.
 */
function writeQuietly(file: string, text: string): boolean {
  const folder = dirname(file);
  const tmp = `${file}.${process.pid}.tmp`;
  let made = false;
  try {
    mkdirSync(folder, { recursive: true, mode: 0o700 });
    if (!lstatSync(folder).isDirectory()) return false;
    writeFileSync(tmp, text, { mode: 0o600, flag: 'wx' });
    made = true;
    renameSync(tmp, file);
    return true;
  } catch {
    if (made) rmSync(tmp, { force: true });
    return false;
  }
}

let codeStamp: string | undefined;

/**
 * keyward's version, the size limit and a stamp of the code that decides an outcome: the name,
 * size and time of each module file beside this one (the bundle's folder once installed; the
 * scanner's, the providers' and core's folders of a build), so a new build or release starts a
 * fresh cache without hashing its megabytes at every start.
 */
export function cacheSalt(maxBytes: number): string {
  codeStamp ??= stampOf(dirname(fileURLToPath(import.meta.url)));
  return `${FORMAT}:${maxBytes}:${codeStamp}`;
}

function stampOf(here: string): string {
  const folders = here.endsWith('scanner') ? [here, join(here, 'sources'), join(here, '..', 'providers'), join(here, '..', 'core')] : [here];
  const parts: string[] = [];
  for (const folder of folders) {
    let names: string[];
    try {
      names = readdirSync(folder).filter((n) => n.endsWith('.js')).sort();
    } catch {
      continue;
    }
    for (const name of names) {
      try {
        const st = statSync(join(folder, name));
        parts.push(`${name}:${st.size}:${st.mtimeMs}`);
      } catch {
        parts.push(`${name}:?`);
      }
    }
  }
  return createHash('sha256').update(parts.join('|')).digest('hex').slice(0, 16);
}
