import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { cacheSalt, openResultCache, type Outcome } from '../../src/scanner/result-cache.js';
import { tempDir } from '../support/repo.js';

// A cache opened for a few lookups (a walk of new commits) looks its clean keys up in the text it
// read, and writes that text back with what it adds: what it answers and what it saves must be
// what the cache that splits them into a set answers and saves.

const MAX = 8 * 1024 * 1024;
const oid = (n: number): string => n.toString(16).padStart(40, '0');
const HIT: Outcome = { hits: [{ type: 'key', line: 1, column: 1, allowed: false, provider: 'openai', kind: 'project', fingerprint: 'sha256:0', redacted: 'sk-…0', variable: null }] };

/** A git folder whose history cache says blobs 1 to 40 held nothing and blob 41 held a key. */
function saved(): string {
  const gitDir = tempDir('keyward-cache-');
  mkdirSync(join(gitDir, 'keyward'));
  const clean = Array.from({ length: 40 }, (_, i) => oid(i + 1)).join(',');
  writeFileSync(join(gitDir, 'keyward', 'history.json'), JSON.stringify({ salt: cacheSalt(MAX), id: 'before', clean, found: { [oid(41)]: HIT } }));
  return gitDir;
}

function written(gitDir: string): { clean: string; found: Record<string, Outcome> } {
  return JSON.parse(readFileSync(join(gitDir, 'keyward', 'history.json'), 'utf8')) as { clean: string; found: Record<string, Outcome> };
}

/** Opens both kinds of cache on copies of one file, does `steps` to each, saves, and returns what each wrote. */
function both(steps: (c: ReturnType<typeof openResultCache>) => void): { few: ReturnType<typeof written>; many: ReturnType<typeof written>; text: string } {
  const [a, b] = [saved(), saved()];
  const text = written(a).clean;
  for (const [dir, few] of [[a, true], [b, false]] as const) {
    const c = openResultCache(dir, 'history', MAX, { few });
    steps(c);
    c.retain();
    c.save();
  }
  return { few: written(a), many: written(b), text };
}
const keys = (clean: string): string[] => clean.split(',').sort();

describe('a result cache opened for a few lookups', () => {
  it('answers as the set would, a key that only begins or ends another one included', () => {
    const c = openResultCache(saved(), 'history', MAX, { few: true });
    expect(c.stored).toBe(41);
    expect([c.held(oid(1)), c.held(oid(40)), c.held(`${oid(1)}.nb`), c.held(oid(1).slice(1)), c.held(oid(1).slice(0, 39)), c.held(oid(42))]).toEqual([true, true, false, false, false, false]);
    expect([c.get(oid(20)), c.get(oid(41)), c.get(oid(42))]).toEqual([{ hits: [] }, HIT, undefined]);
  });

  it('writes back the text it read with the new clean keys after it, and the new keys with hits beside the old', () => {
    const { few, many, text } = both((c) => {
      c.get(oid(3));
      c.put(oid(50), { hits: [] });
      c.put(`${oid(51)}.nb`, HIT);
    });
    expect(few.clean).toBe(`${text},${oid(50)}`);
    expect(keys(few.clean)).toEqual(keys(many.clean));
    expect(few.found).toEqual(many.found);
    expect(Object.keys(few.found).sort()).toEqual([oid(41), `${oid(51)}.nb`]);
  });

  it('drops a key saved clean that now has hits, as the set does', () => {
    const { few, many } = both((c) => c.put(oid(7), HIT));
    expect(keys(few.clean)).toEqual(keys(many.clean));
    expect(keys(few.clean)).not.toContain(oid(7));
    expect(few.found[oid(7)]).toEqual(HIT);
  });

  it('splits the keys once more than a few are asked about, and still answers and saves alike', () => {
    const { few, many } = both((c) => {
      for (let i = 1; i <= 60; i++) expect(c.held(oid(i))).toBe(i <= 41);
      c.put(oid(60), { hits: [] });
    });
    expect(keys(few.clean)).toEqual(keys(many.clean));
    expect(keys(few.clean)).toContain(oid(60));
  });
});
