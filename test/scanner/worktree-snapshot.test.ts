import { describe, expect, it } from 'vitest';
import { reopen, takeSnapshot, type TreeSnapshot } from '../../src/scanner/sources/worktree-snapshot.js';
import type { Outcome } from '../../src/scanner/result-cache.js';

// The tracked half of a working-tree scan, kept for an unchanged index: which files it names, and
// how the files git says changed since are put back in the index's order to be read.

const key: Outcome = { hits: [{ type: 'key', provider: 'openai', kind: 'project', fingerprint: 'sha256:0123456789ab', redacted: 'sk-proj-…AbCd', variable: null, line: 1, column: 1, allowed: false }] };
const clean: Outcome = { hits: [] };

describe('takeSnapshot', () => {
  it('names the tracked files read, skipped or holding something, counts the clean ones, and leaves untracked files out', () => {
    const outcomes = new Map<string, Outcome>([['a.ts', clean], ['b.ts', key], ['big.bin', { tooLarge: 9e6 }], ['c.ts', { hits: [], tap: 'code-reads/1\n[[],[]]' }]]);
    const snap = takeSnapshot({
      tracked: new Set(['a.ts', 'b.ts', 'big.bin', 'c.ts', 'd.ts', 'pnpm-lock.yaml', 'x\uFFFD.ts']),
      files: ['notes.md', 'a.ts', 'b.ts', 'big.bin', 'c.ts', 'd.ts', 'pnpm-lock.yaml', '.env'],
      listSkipped: [{ path: 'x\uFFFD.ts', reason: 'unreadable', detail: 'file name is not valid UTF-8' }],
      filterSkipped: [{ path: 'pnpm-lock.yaml', reason: 'lockfile' }],
      paths: ['notes.md', 'a.ts', 'b.ts', 'big.bin', 'c.ts', 'd.ts', '.env'],
      outcomes: (p) => outcomes.get(p),
    });
    expect(snap).toEqual({
      named: [['b.ts', key], ['big.bin', { tooLarge: 9e6 }], ['c.ts', { hits: [], tap: 'code-reads/1\n[[],[]]' }], ['d.ts', null]],
      clean: 1,
      listSkipped: [{ path: 'x\uFFFD.ts', reason: 'unreadable', detail: 'file name is not valid UTF-8' }],
      filterSkipped: [{ path: 'pnpm-lock.yaml', reason: 'lockfile' }],
      tracked: 6,
    });
  });
});

describe('reopen', () => {
  const snap: TreeSnapshot = {
    named: [['a/b.ts', key], ['a/z.ts', null], ['a/\uFF21.ts', key], ['lib/k.ts', key]],
    clean: 3,
    listSkipped: [],
    filterSkipped: [{ path: 'yarn.lock', reason: 'lockfile' }],
    tracked: 7,
  };

  // git orders the index by the bytes of each UTF-8 name; JavaScript's < by UTF-16 units, which puts
  // a character past U+FFFF (a surrogate pair) before U+FF21.
  it('reads a changed file it named, and one it counted clean, in the index order', () => {
    expect(reopen(snap, new Set(['lib/k.ts', 'a/\u{1F600}.ts', 'a/a.ts', 'yarn.lock']))).toEqual({
      named: [['a/a.ts', null], ['a/b.ts', key], ['a/z.ts', null], ['a/\uFF21.ts', key], ['a/\u{1F600}.ts', null], ['lib/k.ts', null]],
      clean: 1,
    });
  });

  it('gives the snapshot back when nothing changed, and nothing when more files changed than it counted', () => {
    expect(reopen(snap, new Set())).toEqual({ named: snap.named, clean: 3 });
    expect(reopen(snap, new Set(['c.ts', 'd.ts', 'e.ts', 'f.ts']))).toBeNull();
  });
});
