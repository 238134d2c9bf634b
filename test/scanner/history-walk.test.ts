import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { fingerprint } from '../../src/core/fingerprint.js';
import { full, history, scan } from '../support/history-runs.js';
import { canaryKey, fakeKey } from '../support/keys.js';
import { gitEnv, makeProject, tempDir, type TestProject } from '../support/repo.js';

// A history scan keeps what it found for the refs it walked (.git/keyward/history-walk.json): run
// again while every ref and every worktree's HEAD points where it pointed, it walks nothing. These
// tests run the built bin on real repositories behind a git that writes down each command it
// runs, and hold every report to the one a scan that reads everything (`--no-cache`) gives.

const K = {
  gone: fakeKey('xai', 'walk-gone'),
  head: canaryKey(),
  side: fakeKey('groq', 'walk-side'),
  later: fakeKey('deepseek', 'walk-later'),
  detached: fakeKey('openai-project', 'walk-detached'),
};

/** main: a key committed and removed, a key in HEAD; branch `side`: a key only it holds. Every commit at the same time (gitEnv). */
function project(): { p: TestProject; first: string; side: string } {
  const p = makeProject();
  p.write('src/old.ts', `export const xai = "${K.gone}";\n`);
  const first = p.commit('a key, later removed');
  p.git('checkout', '-q', '-b', 'side');
  p.write('side.ts', `export const groqApiKey = "${K.side}";\n`);
  const side = p.commit('side');
  p.git('checkout', '-q', 'main');
  p.git('rm', '-q', 'src/old.ts');
  p.write('src/a.ts', `export const apiKey = "${K.head}";\n`);
  p.commit('the app');
  return { p, first, side };
}

describe('the history walk kept for unchanged refs (built bin, real git)', () => {
  it('walks once, and reports the same without walking while no ref moves', async () => {
    const { p, first, side } = project();
    const one = await scan(p);
    const two = await scan(p);
    expect([one.walked, two.walked]).toEqual([true, false]);
    expect(history(one)).toEqual([
      ['side.ts', fingerprint(K.side), side, false],
      ['src/old.ts', fingerprint(K.gone), first, false],
    ]);
    expect(two).toEqual({ ...one, walked: false, walks: [], trees: [] });
    expect(two.report).toEqual(await full(p));
    const stored = readFileSync(join(p.dir, '.git', 'keyward', 'history-walk.json'), 'utf8');
    for (const key of Object.values(K)) expect(stored).not.toContain(key.slice(8, 30));
  });

  it('walks again when a ref moves: a commit, a deleted branch, a commit on a detached HEAD of another worktree', async () => {
    const { p } = project();
    await scan(p);
    p.write('src/later.ts', `export const deepseekApiKey = "${K.later}";\n`);
    const added = p.commit('a key');
    p.git('rm', '-q', 'src/later.ts');
    p.commit('gone again');
    const committed = await scan(p);
    expect(committed.walked).toBe(true);
    expect(history(committed).map((h) => [h[0], h[2]])).toEqual([
      ['side.ts', expect.any(String)],
      ['src/later.ts', added],
      ['src/old.ts', expect.any(String)],
    ]);
    expect(committed.report).toEqual(await full(p));

    p.git('branch', '-q', '-D', 'side');
    const deleted = await scan(p);
    expect(deleted.walked).toBe(true);
    expect(history(deleted).map((h) => h[0])).toEqual(['src/later.ts', 'src/old.ts']);
    expect(deleted.report).toEqual(await full(p));
    expect((await scan(p)).walked).toBe(false);

    // `git log --all` starts from every worktree's HEAD; a detached one moves no ref.
    const other = join(tempDir(), 'detached');
    p.git('worktree', 'add', '-q', '--detach', other);
    writeFileSync(join(other, 'd.ts'), `export const key = "${K.detached}";\n`);
    execFileSync('git', ['add', 'd.ts'], { cwd: other, env: gitEnv() });
    execFileSync('git', ['commit', '-q', '-m', 'detached'], { cwd: other, env: gitEnv() });
    execFileSync('git', ['rm', '-q', 'd.ts'], { cwd: other, env: gitEnv() });
    execFileSync('git', ['commit', '-q', '-m', 'gone'], { cwd: other, env: gitEnv() });
    const detached = await scan(p);
    expect(detached.walked).toBe(true);
    expect(history(detached).map((h) => h[0])).toEqual(['d.ts', 'src/later.ts', 'src/old.ts']);
    expect(detached.report).toEqual(await full(p));
  });

  it('keeps the walk when only HEAD changes to another branch, and says which keys the new HEAD holds', async () => {
    const { p } = project();
    await scan(p);
    p.git('checkout', '-q', 'side');
    const switched = await scan(p);
    expect(switched.walked).toBe(false);
    // On `side`, old.ts holds its key again and a.ts does not exist: the working tree's findings now.
    expect(switched.report.findings.map((f) => [f.rule, f.location?.file, f.location?.inHead])).toEqual([
      ['exposure.history', 'src/a.ts', false],
      ['exposure.source-literal', 'side.ts', true],
      ['exposure.source-literal', 'src/old.ts', true],
    ]);
    expect(switched.report).toEqual(await full(p));
  });

  it('walks again for a new .keywardignore, and keeps nothing with --no-cache or for a shallow clone', async () => {
    const { p } = project();
    await scan(p);
    p.write('.keywardignore', 'side.ts\n');
    const ignoring = await scan(p);
    expect(ignoring.walked).toBe(true);
    expect(history(ignoring).map((h) => h[0])).toEqual(['src/old.ts']);
    expect(ignoring.report).toEqual(await full(p));
    expect((await scan(p)).walked).toBe(false);

    rmSync(join(p.dir, '.git', 'keyward'), { recursive: true });
    expect((await scan(p, p.dir, '--no-cache')).walked).toBe(true);
    expect(existsSync(join(p.dir, '.git', 'keyward', 'history-walk.json'))).toBe(false);

    const shallow = join(tempDir(), 'shallow');
    execFileSync('git', ['clone', '-q', '--depth', '1', `file://${p.dir}`, shallow], { env: gitEnv() });
    const clone = { ...p, dir: shallow };
    const runs = [await scan(clone), await scan(clone)];
    expect(runs.map((r) => r.walked)).toEqual([true, true]);
    expect(runs[1]!.report.findings.some((f) => f.rule === 'exposure.scan-incomplete')).toBe(true);
    expect(existsSync(join(shallow, '.git', 'keyward', 'history-walk.json'))).toBe(false);
  });
});
