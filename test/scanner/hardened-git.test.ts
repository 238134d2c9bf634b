import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { Finding } from '../../src/core/finding.js';
import { fingerprint } from '../../src/core/fingerprint.js';
import { gitInvocation } from '../../src/git/git.js';
import { runCli } from '../support/cli.js';
import { fakeKey } from '../support/keys.js';
import { gitEnv, makeProject, tempDir } from '../support/repo.js';

// An untrusted checkout's .git/config names programs git would run: none may run from keyward's git calls.

function trappedRepository() {
  const p = makeProject();
  const traps = tempDir();
  const marker = join(traps, 'ran');
  const trap = join(traps, 'trap.sh');
  writeFileSync(trap, `#!/bin/sh\necho "trap $*" >> '${marker}'\ncat\n`, { mode: 0o755 });
  const hooks = join(traps, 'hooks');
  mkdirSync(hooks);
  for (const hook of ['pre-commit', 'post-index-change', 'reference-transaction', 'post-checkout', 'pre-auto-gc']) {
    writeFileSync(join(hooks, hook), `#!/bin/sh\necho "hook ${hook}" >> '${marker}'\n`, { mode: 0o755 });
  }
  const key = fakeKey('openrouter', 'trapped');
  const staged = fakeKey('groq', 'trapped');
  p.write('.gitattributes', '* diff=trap filter=trap\n');
  p.write('app.ts', 'export const a = 1;\n');
  p.write('old.json', `{"k": "${key}"}\n`);
  p.commit('init');
  p.git('rm', '-q', 'old.json');
  p.commit('remove');
  p.write('app.ts', `export const a = "${staged}";\n`);
  p.git('add', 'app.ts');
  for (const [name, value] of [
    ['core.fsmonitor', trap],
    ['core.pager', trap],
    ['core.hooksPath', hooks],
    ['diff.external', trap],
    ['diff.trap.textconv', trap],
    ['filter.trap.clean', trap],
    ['filter.trap.smudge', trap],
    ['credential.helper', `!${trap}`],
  ] as const) p.git('config', name, value);
  return { p, marker, key, staged };
}

describe('git calls are hardened against the checkout own config', () => {
  it('the traps are armed: plain git runs them', () => {
    const { p, marker } = trappedRepository();
    spawnSync('git', ['status'], { cwd: p.dir, env: gitEnv() });
    spawnSync('git', ['diff', 'HEAD~1'], { cwd: p.dir, env: gitEnv() });
    const ran = readFileSync(marker, 'utf8');
    expect(ran).toContain('hook post-index-change');
    expect(ran).toMatch(/^trap 2 /m);
    expect(ran).toMatch(/^trap old\.json /m);
  });

  const ran = (marker: string): string => (existsSync(marker) ? readFileSync(marker, 'utf8') : 'nothing ran');
  const rulesAndKeys = (stdout: string) => (JSON.parse(stdout) as { findings: Finding[] }).findings.map((f) => [f.rule, f.secret?.fingerprint]);

  it('scan runs none of them and still reads the working tree, listed or from the snapshot of its index', async () => {
    const { p, marker, staged } = trappedRepository();
    const home = tempDir();
    for (let run = 0; run < 2; run += 1) {
      const r = await runCli(['scan', '--json'], { cwd: p.dir, env: { HOME: home } });
      expect(r.code).toBe(1);
      expect(rulesAndKeys(r.stdout)).toEqual([['exposure.source-literal', fingerprint(staged)]]);
    }
    expect(existsSync(join(p.dir, '.git/keyward/tree.json'))).toBe(true);
    expect(ran(marker)).toBe('nothing ran');
  });

  it('scan --history runs none of them and still reads every commit', async () => {
    const { p, marker, key, staged } = trappedRepository();
    const r = await runCli(['scan', '--history', '--json'], { cwd: p.dir, env: { HOME: tempDir() } });
    expect(r.code).toBe(1);
    expect(rulesAndKeys(r.stdout)).toEqual([
      ['exposure.history', fingerprint(key)],
      ['exposure.source-literal', fingerprint(staged)],
    ]);
    expect(ran(marker)).toBe('nothing ran');
  });

  it('scan --staged runs none of them and still reads the index', async () => {
    const { p, marker, staged } = trappedRepository();
    const r = await runCli(['scan', '--staged', '--json'], { cwd: p.dir, env: { HOME: tempDir() } });
    expect(r.code).toBe(1);
    expect(rulesAndKeys(r.stdout)).toEqual([['exposure.source-literal', fingerprint(staged)]]);
    expect(ran(marker)).toBe('nothing ran');
  });

  it('doctor --offline runs none of them', async () => {
    const { p, marker, key } = trappedRepository();
    const r = await runCli(['doctor', '--offline', '--json'], { cwd: p.dir, env: { HOME: tempDir() } });
    expect(r.code).toBe(1);
    expect(rulesAndKeys(r.stdout)).toContainEqual(['exposure.history', fingerprint(key)]);
    expect(ran(marker)).toBe('nothing ran');
  });

  it('a hook manager configured by core.hooksPath is still seen by hook install (config and rev-parse read the real setting)', async () => {
    const p = makeProject();
    p.write('README.md', '# app\n');
    p.commit('init');
    p.git('config', 'core.hooksPath', '.githooks');
    const r = await runCli(['hook', 'install'], { cwd: p.dir });
    expect(r.stderr).toContain("no hook installed: core.hooksPath (.githooks) runs this repository's git hooks.");
    expect(existsSync(join(p.dir, '.git/hooks/pre-commit'))).toBe(false);
  });
});

describe('gitInvocation: the one place a git command line is made', () => {
  it('puts the hardening before the subcommand and turns off diff drivers where git diffs', () => {
    const inv = gitInvocation({ PATH: '/usr/bin', GIT_EXTERNAL_DIFF: '/tmp/x' }, ['log', '--all']);
    expect(inv.args).toEqual([
      '--no-pager',
      '-c', 'core.quotepath=off',
      '-c', 'core.fsmonitor=false',
      '-c', 'core.pager=cat',
      '-c', 'credential.helper=',
      '-c', 'log.showSignature=false',
      '-c', 'protocol.allow=never',
      '-c', 'safe.directory=*',
      '-c', 'core.hooksPath=/dev/null',
      'log', '--no-ext-diff', '--no-textconv', '--all',
    ]);
    expect(inv.env).toEqual({ PATH: '/usr/bin', GIT_EXTERNAL_DIFF: undefined, GIT_CONFIG_NOSYSTEM: '1', GIT_TERMINAL_PROMPT: '0', GIT_PAGER: 'cat', LC_ALL: 'C' });
    expect(gitInvocation({}, ['cat-file', '--batch']).args.slice(-3)).toEqual(['core.hooksPath=/dev/null', 'cat-file', '--batch']);
  });

  it('the real git accepts every hardened command keyward runs', () => {
    const p = makeProject();
    p.write('a.txt', 'a\n');
    p.commit('init');
    for (const args of [['log', '--all', '--raw', '-z'], ['diff', '--cached', '--raw'], ['ls-files', '-z'], ['rev-parse', '--absolute-git-dir'], ['config', '--get-regexp', '^core\\.']]) {
      const inv = gitInvocation(gitEnv(), args);
      expect(() => execFileSync('git', inv.args, { cwd: p.dir, env: inv.env as NodeJS.ProcessEnv, stdio: 'pipe' })).not.toThrow();
    }
  });
});
