import { mkdir, readFile } from 'node:fs/promises';
import { join, win32, posix } from 'node:path';
import type { Env } from '../core/io.js';
import { writeFileAtomic } from './atomic-write.js';

/** Where a stored key lives, as recorded: the keychain or a `.env` file (relative to the project root). */
export type RecordedStore = 'keychain' | 'dotenv';

/** design.md's metadata of a stored key: never the key, only its fingerprint and when and where it was stored. */
export interface KeyRecord {
  provider: string;
  project: string;
  fingerprint: string;
  store: RecordedStore;
  /** ISO 8601 time the key was stored. */
  storedAt: string;
}

/** Records that a key was stored; setup and rotate take it as a port. */
export type KeyRecorder = (record: Omit<KeyRecord, 'storedAt'>) => Promise<void>;

/** The file, in the state folder, that holds the records. */
export const KEY_RECORDS_FILE = 'keys.json';

/**
 * The user's state folder for keyward (design.md: never in the project): `$XDG_STATE_HOME/keyward`,
 * else `~/Library/Application Support/keyward` on macOS, `%LOCALAPPDATA%\keyward` on Windows,
 * `~/.local/state/keyward` elsewhere.
 *
 * Not env-paths: it has no state folder (its `log` is `~/Library/Logs` on macOS, its `data` is
 * `XDG_DATA_HOME`, where a key record does not belong), and it reads `process.env` when imported,
 * while this takes the environment as a parameter so tests and `--cwd` runs stay hermetic.
 */
export function stateDirFor(env: Env, platform: NodeJS.Platform, home: string): string {
  // The XDG spec says a relative path is invalid and must be ignored.
  const xdg = env.XDG_STATE_HOME;
  if (xdg && (posix.isAbsolute(xdg) || win32.isAbsolute(xdg))) return join(xdg, 'keyward');
  if (platform === 'darwin') return join(home, 'Library', 'Application Support', 'keyward');
  if (platform === 'win32') return win32.join(env.LOCALAPPDATA || win32.join(home, 'AppData', 'Local'), 'keyward');
  return join(home, '.local', 'state', 'keyward');
}

/** Keeps only well-formed records: the file is the user's, and a hand edit must not crash the doctor. */
function validRecords(data: unknown): KeyRecord[] {
  const list = (data as { keys?: unknown } | null)?.keys;
  if (!Array.isArray(list)) return [];
  return list.filter(
    (r): r is KeyRecord =>
      typeof r === 'object' && r !== null &&
      ['provider', 'project', 'fingerprint', 'store', 'storedAt'].every((k) => typeof (r as Record<string, unknown>)[k] === 'string') &&
      !Number.isNaN(Date.parse((r as KeyRecord).storedAt)),
  );
}

/** The records in `stateDir`; none when the file is missing or unreadable. */
export async function readKeyRecords(stateDir: string): Promise<KeyRecord[]> {
  try {
    return validRecords(JSON.parse(await readFile(join(stateDir, KEY_RECORDS_FILE), 'utf8')));
  } catch {
    return [];
  }
}

/**
 * Adds a record, atomically and readable only by the user. Storing the same key in the same place
 * again keeps the first record: a key's age counts from when it was first stored, not re-stored.
 */
export async function addKeyRecord(stateDir: string, record: KeyRecord): Promise<void> {
  const records = await readKeyRecords(stateDir);
  const same = (r: KeyRecord) => r.fingerprint === record.fingerprint && r.provider === record.provider && r.project === record.project && r.store === record.store;
  if (records.some(same)) return;
  await mkdir(stateDir, { recursive: true, mode: 0o700 });
  await writeFileAtomic(join(stateDir, KEY_RECORDS_FILE), `${JSON.stringify({ schema: 'keyward.keys/v1', keys: [...records, record] }, null, 2)}\n`, 0o600);
}

/** The recorder of the real program: records go to `stateDir`, dated by `now`. */
export function createKeyRecorder(stateDir: string, now: () => Date): KeyRecorder {
  return (record) => addKeyRecord(stateDir, { ...record, storedAt: now().toISOString() });
}

/** When a key was first stored, from the records with its fingerprint; null when keyward never recorded it. */
export function storedAtOf(records: readonly KeyRecord[], provider: string, fingerprint: string): Date | null {
  const times = records.filter((r) => r.provider === provider && r.fingerprint === fingerprint).map((r) => Date.parse(r.storedAt));
  return times.length ? new Date(Math.min(...times)) : null;
}
