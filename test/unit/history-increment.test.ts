import { describe, expect, it } from 'vitest';
import { continuesKept, mayContinue, mergeWalks, type NewCommit } from '../../src/scanner/sources/history-increment.js';
import type { WalkOutcome } from '../../src/scanner/sources/history-record.js';

// When a walk of the new commits followed by the kept walk is the full walk (see the module), and
// how the two outcomes become one. The built bin's tests hold whole reports to `--no-cache`.

const kept = { tips: new Map([['main1', 100], ['side1', 90]]), newest: 100 };
const added = (entries: Array<[string, number, string[]]>): Map<string, NewCommit> => new Map(entries.map(([id, time, parents]) => [id, { time, parents }]));

describe('continuesKept', () => {
  it('continues when the new commits are newer and leave exactly the kept starts', () => {
    // main moved on by two commits; side did not move.
    expect(continuesKept(kept, ['main3', 'side1'], added([['main3', 102, ['main2']], ['main2', 101, ['main1']]]))).toBe(true);
    // A branch made at a kept start, nothing committed: the same starts.
    expect(continuesKept(kept, ['main1', 'side1', 'main1'], new Map())).toBe(true);
    // side merged into main by a new merge commit.
    expect(continuesKept(kept, ['m', 'side1'], added([['m', 101, ['main1', 'side1']]]))).toBe(true);
  });

  it('does not continue when a new commit is not newer than every kept one', () => {
    expect(continuesKept(kept, ['main2', 'side1'], added([['main2', 100, ['main1']]]))).toBe(false);
    expect(continuesKept(kept, ['main2', 'side1'], added([['main2', 50, ['main1']]]))).toBe(false);
  });

  it('does not continue when what is left to walk is not the kept starts', () => {
    // side deleted.
    expect(continuesKept(kept, ['main1'], new Map())).toBe(false);
    // A branch at an old commit no ref named, with or without a commit on it.
    expect(continuesKept(kept, ['main1', 'side1', 'old'], new Map())).toBe(false);
    expect(continuesKept(kept, ['main1', 'side1', 'fix'], added([['fix', 101, ['old']]]))).toBe(false);
    // main rewound: its new commit's parent is not where main was.
    expect(continuesKept(kept, ['main2', 'side1'], added([['main2', 101, ['main0']]]))).toBe(false);
  });

  it('does not continue from starts of the same second, or from a walk that did not say where it started', () => {
    const tie = { tips: new Map([['a', 100], ['b', 100]]), newest: 100 };
    expect(mayContinue(tie)).toBe(false);
    expect(continuesKept(tie, ['c', 'b'], added([['c', 101, ['a']]]))).toBe(false);
    expect(mayContinue({ tips: null })).toBe(false);
    expect(continuesKept({ tips: null, newest: 0 }, [], new Map())).toBe(false);
  });
});

describe('mergeWalks', () => {
  it("puts the new commits first: the kept places move after theirs, their skips come first, counts add up", () => {
    const hit = (fingerprint: string) => ({ type: 'key' as const, fingerprint, line: 1, column: 1, allowed: false }) as never;
    const old: WalkOutcome = {
      seen: new Map([['fp1', new Map([['blobA', { path: 'a.ts', hit: hit('fp1') }]])]]),
      origins: new Map([['blobA', { commit: 'c1', path: 'a.ts', order: 10, seq: 3 }]]),
      scanned: 5,
      allowed: 1,
      skipped: [{ path: 'package-lock.json', reason: 'lockfile' }],
    };
    const fresh: WalkOutcome = {
      seen: new Map([
        ['fp1', new Map([['blobB', { path: 'b.ts', hit: hit('fp1') }]])],
        ['fp2', new Map([['blobC', { path: 'c.ts', hit: hit('fp2') }]])],
      ]),
      origins: new Map([
        ['blobB', { commit: 'c9', path: 'b.ts', order: 20, seq: 1 }],
        ['blobC', { commit: 'c9', path: 'c.ts', order: 20, seq: 1 }],
        ['blobD', { commit: 'c9', path: 'd.ts', order: 20, seq: 1 }],
      ]),
      scanned: 3,
      allowed: 0,
      skipped: [{ path: 'big.bin', reason: 'too-large', detail: '9 bytes', size: 9 }],
    };
    const merged = mergeWalks(old, fresh, 2);
    expect([...merged.seen].map(([fp, blobs]) => [fp, [...blobs.keys()]])).toEqual([
      ['fp1', ['blobA', 'blobB']],
      ['fp2', ['blobC']],
    ]);
    expect(Object.fromEntries(merged.origins)).toEqual({
      blobA: { commit: 'c1', path: 'a.ts', order: 10, seq: 5 },
      blobB: { commit: 'c9', path: 'b.ts', order: 20, seq: 1 },
      blobC: { commit: 'c9', path: 'c.ts', order: 20, seq: 1 },
    });
    expect([merged.scanned, merged.allowed, merged.skipped.map((s) => s.path)]).toEqual([8, 1, ['big.bin', 'package-lock.json']]);
    // The kept outcome is not changed in place: it may be kept again.
    expect(old.origins.get('blobA')!.seq).toBe(3);
    expect([...old.seen.get('fp1')!.keys()]).toEqual(['blobA']);
  });
});
