import { open } from 'node:fs/promises';
import { constants } from 'node:fs';
import { join } from 'node:path';
import type { Finding } from '../core/finding.js';
import { fingerprint } from '../core/fingerprint.js';
import type { GitRunner } from '../git/git.js';

/** Runs of the characters keys are made of: the scanner cuts keys at the same boundaries. */
const TOKEN = /[A-Za-z0-9_-]{16,}/g;

/** Bigger files were skipped by the scanner too, so no key of theirs is asked for. */
const MAX_BYTES = 8 * 1024 * 1024;

/** The keys of `text` whose fingerprints are `wanted`, by fingerprint (findings carry fingerprints, never keys). */
export function keysInText(text: string, wanted: ReadonlySet<string>): Map<string, string> {
  const found = new Map<string, string>();
  for (const m of text.matchAll(TOKEN)) {
    const fp = fingerprint(m[0]);
    if (wanted.has(fp)) found.set(fp, m[0]);
  }
  return found;
}

/** Where a finding's key can be read again: its commit's blob, else the working tree, else the index (a staged scan). */
export interface KeySourceIO {
  root: string;
  git: GitRunner;
}

/** A regular file's bytes as latin1 (the scanner's reading), or null: no FIFO or device can stall this read. */
async function readRegular(path: string): Promise<string | null> {
  const handle = await open(path, constants.O_RDONLY | constants.O_NONBLOCK).catch(() => null);
  if (!handle) return null;
  try {
    const st = await handle.stat();
    if (!st.isFile() || st.size > MAX_BYTES) return null;
    return (await handle.readFile()).toString('latin1');
  } finally {
    await handle.close();
  }
}

async function readBlob(io: KeySourceIO, spec: string): Promise<string | null> {
  const r = await io.git(['cat-file', 'blob', spec], { cwd: io.root, timeoutMs: 10_000 });
  return r.code === 0 ? r.stdout.toString('latin1') : null;
}

/** The texts a finding's key may be read from, most precise first. */
function sourcesOf(f: Finding, io: KeySourceIO): Array<() => Promise<string | null>> {
  const loc = f.location;
  if (!loc) return [];
  // History paths are relative to the repository's top folder, working-tree ones to the root.
  if (loc.commit) return [() => readBlob(io, `${loc.commit}:${loc.file}`)];
  return [() => readRegular(join(io.root, loc.file)), () => readBlob(io, `:./${loc.file}`)];
}

/**
 * The key behind each fingerprint of `findings`, read again from where the finding says it is.
 * A key that cannot be read again (the file changed since the scan) is left out.
 */
export async function recoverKeys(findings: readonly Finding[], io: KeySourceIO): Promise<Map<string, string>> {
  const found = new Map<string, string>();
  for (const f of findings) {
    const fp = f.secret?.fingerprint;
    if (!fp || found.has(fp)) continue;
    for (const read of sourcesOf(f, io)) {
      const text = await read();
      const value = text === null ? undefined : keysInText(text, new Set([fp])).get(fp);
      if (value !== undefined) {
        found.set(fp, value);
        break;
      }
    }
  }
  return found;
}
