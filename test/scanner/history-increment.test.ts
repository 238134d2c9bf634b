import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { fingerprint } from '../../src/core/fingerprint.js';
import { createGitRunner } from '../../src/git/git.js';
import { scanHistory } from '../../src/scanner/index.js';
import { full, history, scan, type Run } from '../support/history-runs.js';
import { canaryKey, fakeKey } from '../support/keys.js';
import { gitEnv, makeProject, type TestProject } from '../support/repo.js';
import { optionsFor } from './helpers.js';

// After a commit, a fetch or a merge, a history scan with a kept walk walks only the commits that
// walk did not reach, when that gives the full walk's report (src/scanner/sources/history-increment.ts
// says when), and the whole history otherwise. Every report here is held to the one a scan that
// reads everything (`--no-cache`) gives, on real repositories, through the built bin.

const K = {
  gone: fakeKey('xai', 'inc-gone'),
  head: canaryKey(),
  side: fakeKey('groq', 'inc-side'),
  later: fakeKey('deepseek', 'inc-later'),
  feature: fakeKey('anthropic', 'inc-feature'),
  lock: fakeKey('openrouter', 'inc-lock'),
};

/** Commits at times of their own, one minute apart from `minute`, as people's commits are. */
function timed(p: TestProject): { commit(message: string, minute: number): string } {
  return {
    commit(message, minute) {
      const date = new Date(Date.UTC(2026, 0, 1, 0, minute)).toISOString();
      const env = { ...gitEnv(), GIT_COMMITTER_DATE: date, GIT_AUTHOR_DATE: date };
      execFileSync('git', ['add', '-A'], { cwd: p.dir, env });
      execFileSync('git', ['commit', '-q', '--allow-empty', '-m', message], { cwd: p.dir, env });
      return p.git('rev-parse', 'HEAD').trim();
    },
  };
}

/** main: a key committed and removed, a key in HEAD, a lockfile, a tag; branch `side`: a key only it holds. */
function project(): { p: TestProject; at: ReturnType<typeof timed>; first: string } {
  const p = makeProject();
  const at = timed(p);
  p.write('src/old.ts', `export const xai = "${K.gone}";\n`);
  p.write('package-lock.json', '{"lockfileVersion": 3}\n');
  const first = at.commit('a key, later removed', 1);
  p.git('checkout', '-q', '-b', 'side');
  p.write('side.ts', `export const groqApiKey = "${K.side}";\n`);
  at.commit('side', 2);
  p.git('checkout', '-q', 'main');
  p.git('rm', '-q', 'src/old.ts');
  p.write('src/a.ts', `export const apiKey = "${K.head}";\n`);
  at.commit('the app', 3);
  p.git('tag', '-a', '-m', 'release', 'v1');
  return { p, at, first };
}

async function same(p: TestProject, r: Run): Promise<void> {
  expect(r.report).toEqual(await full(p));
}

describe('a history scan after new commits (built bin, real git)', () => {
  it('walks only the new commits after a commit, a branch merged in and a tag, and reports what the full walk reports', async () => {
    const { p, at, first } = project();
    expect((await scan(p)).walks).toEqual(['all']);

    p.write('src/later.ts', `export const deepseekApiKey = "${K.later}";\n`);
    p.write('package-lock.json', '{"lockfileVersion": 3, "packages": {}}\n');
    const added = at.commit('a key and a new lockfile', 10);
    p.git('rm', '-q', 'src/later.ts');
    at.commit('gone again', 11);
    const committed = await scan(p);
    expect(committed.walks).toEqual(['new']);
    expect(history(committed)).toEqual([
      ['side.ts', fingerprint(K.side), expect.any(String), false],
      ['src/later.ts', fingerprint(K.later), added, false],
      ['src/old.ts', fingerprint(K.gone), first, false],
    ]);
    await same(p, committed);
    expect((await scan(p)).walks).toEqual([]);

    // A branch with commits of its own, merged without fast-forward, then a tag of the merge.
    p.git('checkout', '-q', '-b', 'feature');
    p.write('feature.ts', `export const anthropicKey = "${K.feature}";\n`);
    const feature = at.commit('feature', 20);
    p.write('feature.ts', 'export const anthropicKey = process.env.ANTHROPIC_API_KEY;\n');
    at.commit('feature, fixed', 21);
    p.git('checkout', '-q', 'main');
    execFileSync('git', ['merge', '-q', '--no-ff', '-m', 'merge feature', 'feature'], { cwd: p.dir, env: { ...gitEnv(), GIT_COMMITTER_DATE: '2026-01-01T00:22:00Z' } });
    p.git('tag', '-a', '-m', 'release', 'v2');
    const merged = await scan(p);
    expect(merged.walks).toEqual(['new']);
    expect(history(merged).map((h) => [h[0], h[2]])).toEqual([
      ['feature.ts', feature],
      ['side.ts', expect.any(String)],
      ['src/later.ts', added],
      ['src/old.ts', first],
    ]);
    await same(p, merged);

    const kept = readFileSync(join(p.dir, '.git', 'keyward', 'history-walk.json'), 'utf8');
    for (const key of Object.values(K)) expect(kept).not.toContain(key.slice(8, 30));
  });

  it('walks the whole history when the new commits alone would not give its report', async () => {
    const { p, at } = project();
    await scan(p);

    // A blob the kept walk read, committed again at another path: read there, where the full walk reads it.
    p.write('src/copy.ts', `export const xai = "${K.gone}";\n`);
    at.commit('an old file again', 10);
    const again = await scan(p);
    expect(again.walks).toEqual(['new', 'all']);
    await same(p, again);

    // A commit dated before the newest commit the kept walk met (a clock behind, a rebase keeping dates).
    p.write('src/later.ts', `export const deepseekApiKey = "${K.later}";\n`);
    at.commit('from the past', 5);
    const past = await scan(p);
    expect(past.walks).toEqual(['new', 'all']);
    await same(p, past);

    // A branch started at an old commit no ref names: the full walk goes on from it, the kept walk did not.
    p.git('checkout', '-q', '-b', 'hotfix', 'HEAD~1');
    p.write('hotfix.ts', 'export const fixed = true;\n');
    at.commit('hotfix', 30);
    p.git('checkout', '-q', 'main');
    const branched = await scan(p);
    expect(branched.walks).toEqual(['new', 'all']);
    await same(p, branched);

    // A branch deleted: the walk of new commits has nothing to say about what went.
    p.git('branch', '-q', '-D', 'side');
    const deleted = await scan(p);
    expect(deleted.walks).toEqual(['new', 'all']);
    // side.ts went with its branch; the other keys are in the working tree, which reports them.
    expect(history(deleted)).toEqual([]);
    await same(p, deleted);

    // And after each full walk, the next commit walks only itself again.
    p.write('b.ts', 'export const b = 1;\n');
    at.commit('b', 40);
    const next = await scan(p);
    expect(next.walks).toEqual(['new']);
    await same(p, next);
  });

  it('after a commit on HEAD, tells which keys HEAD holds from the diff of the two trees, and lists the tree when a key blob left a path', async () => {
    const p = makeProject();
    const at = timed(p);
    const appFile = `export const apiKey = "${K.head}";\n`;
    p.write('src/a.ts', appFile);
    p.write('src/copy.ts', appFile);
    p.write('src/b.ts', `export const deepseekApiKey = "${K.later}";\n`);
    const first = at.commit('keys', 1);
    expect((await scan(p)).trees).toEqual(['ls-tree']);
    // Deleted from the working tree and not committed: the history's findings, and whether HEAD still holds each key, are what a person reads.
    for (const f of ['src/a.ts', 'src/copy.ts', 'src/b.ts']) rmSync(join(p.dir, f));
    /** Commits `files` alone (added, changed or deleted), `minute` minutes in. */
    const commitOnly = (minute: number, ...files: string[]): string => {
      const date = new Date(Date.UTC(2026, 0, 1, 0, minute)).toISOString();
      const env = { ...gitEnv(), GIT_COMMITTER_DATE: date, GIT_AUTHOR_DATE: date };
      execFileSync('git', ['add', '-A', '--', ...files], { cwd: p.dir, env });
      execFileSync('git', ['commit', '-q', '-m', `only ${files.join(' ')}`], { cwd: p.dir, env });
      return p.git('rev-parse', 'HEAD').trim();
    };
    const keys = (r: Run) => history(r).map(([file, , , inHead]) => [file, inHead]);

    // A commit that touches no key: both keys stay in HEAD, told without listing the tree.
    p.write('src/c.ts', 'export const c = 1;\n');
    commitOnly(10, 'src/c.ts');
    const other = await scan(p);
    expect([other.walks, other.trees, keys(other)]).toEqual([['new'], ['diff-tree'], [['src/a.ts', true], ['src/b.ts', true]]]);
    await same(p, other);

    // A new key committed, then deleted from the working tree: the diff puts its blob in HEAD.
    p.write('src/d.ts', `export const anthropicKey = "${K.feature}";\n`);
    const added = commitOnly(11, 'src/d.ts');
    rmSync(join(p.dir, 'src/d.ts'));
    const put = await scan(p);
    expect([put.walks, put.trees, history(put).find(([file]) => file === 'src/d.ts')]).toEqual([['new'], ['diff-tree'], ['src/d.ts', fingerprint(K.feature), added, true]]);
    await same(p, put);

    // The key's only file deleted in a commit: the diff takes its blob from a path, and only the tree says it is gone.
    commitOnly(12, 'src/b.ts');
    const gone = await scan(p);
    expect([gone.walks, gone.trees, keys(gone)]).toEqual([['new'], ['diff-tree', 'ls-tree'], [['src/a.ts', true], ['src/b.ts', false], ['src/d.ts', true]]]);
    await same(p, gone);

    // One of the two files holding the same blob deleted: the other still holds it in HEAD.
    commitOnly(13, 'src/copy.ts');
    const copy = await scan(p);
    expect([copy.walks, copy.trees, history(copy)[0]]).toEqual([['new'], ['diff-tree', 'ls-tree'], ['src/a.ts', fingerprint(K.head), first, true]]);
    await same(p, copy);
  });

  it('walks the whole history after commits of the same second as the walk it keeps, and when two of its refs are commits of one second', async () => {
    // gitEnv dates every commit alike, as a script or a rebase does.
    const p = makeProject();
    p.write('a.ts', `export const key = "${K.head}";\n`);
    p.commit('one');
    await scan(p);
    p.write('b.ts', `export const key = "${K.later}";\n`);
    p.commit('two');
    const tie = await scan(p);
    expect(tie.walks).toEqual(['new', 'all']);
    await same(p, tie);

    p.git('branch', 'other', 'HEAD~1');
    const at = timed(p);
    await scan(p);
    p.write('c.ts', 'export const c = 1;\n');
    at.commit('three', 10);
    const tips = await scan(p);
    expect(tips.walks).toEqual(['all']);
    await same(p, tips);
  });
});

describe('a history scan after new commits, step by step on a generated repository (in process, real git)', () => {
  it('gives the report of a scan that reads everything after each of 60 changes: commits, branches, merges, reverts, tags, lockfiles, notebooks, clocks behind and ties', async () => {
    const p = makeProject();
    const trace = join(p.dir, '..', `trace-${process.pid}.txt`);
    const env = { ...gitEnv(), GIT_TRACE: trace };
    const opts = optionsFor(p.dir, { env, git: createGitRunner(env) });
    let seed = 1;
    const rand = (n: number): number => {
      seed = (Math.imul(seed, 1103515245) + 12345) >>> 0;
      return (seed >>> 8) % n;
    };
    const kinds = ['xai', 'groq', 'deepseek', 'anthropic', 'openrouter', 'openai-project'] as const;
    const contents: string[] = [];
    let minute = 0;
    const commit = (message: string): void => {
      // Mostly a minute later; now and then the same second, or a clock ten minutes behind.
      const roll = rand(10);
      minute += roll === 0 ? 0 : roll === 1 ? -10 : 1;
      const date = new Date(Date.UTC(2026, 0, 1, 0, 30) + minute * 60_000).toISOString();
      const e = { ...gitEnv(), GIT_COMMITTER_DATE: date, GIT_AUTHOR_DATE: date };
      execFileSync('git', ['add', '-A'], { cwd: p.dir, env: e });
      execFileSync('git', ['commit', '-q', '--allow-empty', '-m', message], { cwd: p.dir, env: e });
    };
    const change = (): void => {
      const file = ['a.ts', 'b.ts', 'lib/c.py', 'package-lock.json', 'notes.ipynb'][rand(5)]!;
      const roll = rand(6);
      let text: string;
      if (roll === 0 && contents.length > 0) text = contents[rand(contents.length)]!;
      else if (roll <= 2) text = `export const apiKey = "${fakeKey(kinds[rand(kinds.length)]!, `gen-${rand(8)}`)}";\n`;
      else text = `export const n = ${rand(1000)};\n`;
      if (file.endsWith('.ipynb')) text = JSON.stringify({ cells: [{ cell_type: 'code', source: [text] }] });
      contents.push(text);
      p.write(file, text);
    };
    const walks: string[] = [];
    const trees: string[] = [];
    p.write('a.ts', 'export const a = 1;\n');
    commit('init');
    for (let step = 0; step < 60; step++) {
      const branches = p.git('for-each-ref', '--format=%(refname:short)', 'refs/heads').split('\n').filter(Boolean);
      const op = rand(10);
      if (op <= 4) {
        change();
        commit(`step ${step}`);
      } else if (op === 5) {
        p.git('checkout', '-q', '-b', `b${step}`, rand(3) === 0 ? 'HEAD~1' : 'HEAD');
      } else if (op === 6) {
        p.git('checkout', '-q', branches[rand(branches.length)]!);
      } else if (op === 7 && branches.length > 1) {
        const other = branches[rand(branches.length)]!;
        const date = new Date(Date.UTC(2026, 0, 1, 0, 30) + ++minute * 60_000).toISOString();
        execFileSync('git', ['merge', '-q', '--no-ff', '-X', 'theirs', '-m', `merge ${other}`, other], { cwd: p.dir, env: { ...gitEnv(), GIT_COMMITTER_DATE: date } });
      } else if (op === 8) {
        p.git('tag', '-a', '-m', 'tag', `t${step}`);
      } else if (branches.length > 1 && rand(2) === 0) {
        const other = branches.find((b) => b !== p.git('branch', '--show-current').trim());
        if (other) p.git('branch', '-q', '-D', other);
      } else {
        change();
        commit(`step ${step}`);
      }
      rmSync(trace, { force: true });
      const kept = await scanHistory(opts);
      const traced = existsSync(trace) ? readFileSync(trace, 'utf8').split('\n') : [];
      const logs = traced.filter((l) => l.includes(' log ') && l.includes(' --all '));
      walks.push(logs.map((l) => (l.includes('--stdin') ? 'new' : 'all')).join('+') || 'kept');
      trees.push(traced.filter((l) => / (?:ls|diff)-tree /.test(l)).map((l) => (l.includes(' diff-tree ') ? 'diff' : 'ls')).join('+') || 'none');
      const whole = await scanHistory({ ...opts, cache: false });
      const plain = (r: typeof kept) => ({ findings: r.findings, checks: r.checks.map((c) => ({ ...c, durationMs: 0 })) });
      expect({ step, ...plain(kept) }).toEqual({ step, ...plain(whole) });
    }
    const count = (w: string): number => walks.filter((x) => x === w).length;
    expect({ new: count('new'), fellBack: count('new+all'), all: count('all'), kept: count('kept') }).toEqual({ new: 25, fellBack: 20, all: 6, kept: 9 });
    // HEAD's tree listed (`ls`), told from a diff alone (`diff`), or both when a key blob left a path.
    const asked = (t: string): number => trees.filter((x) => x === t).length;
    expect({ diff: asked('diff'), both: asked('diff+ls'), ls: asked('ls'), none: asked('none') }).toEqual({ diff: 16, both: 21, ls: 6, none: 17 });
  });
});
