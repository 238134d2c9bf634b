import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { redact } from '../../src/core/fingerprint.js';
import { runCli } from '../support/cli.js';
import { fakeKey } from '../support/keys.js';
import { gitEnv, makeProject, type TestProject } from '../support/repo.js';

/** `git commit` as a person runs it: hooks on, and keyward nowhere on PATH but where the hook says. */
function commit(p: TestProject, message: string): { code: number | null; output: string } {
  const r = spawnSync('git', ['commit', '-q', '-m', message], { cwd: p.dir, env: gitEnv(), encoding: 'utf8' });
  return { code: r.status, output: r.stdout + r.stderr };
}

const hookPath = (p: TestProject, name = 'pre-commit') => join(p.dir, '.git', 'hooks', name);
const commits = (p: TestProject) => p.git('log', '--format=%s').trim().split('\n').filter(Boolean);

describe('keyward hook install', () => {
  it('blocks a commit that adds a key, naming the place and the redacted form only; a clean commit passes quietly', async () => {
    const p = makeProject({ name: 'hook-app' });
    p.commit('init');
    const r = await runCli(['hook', 'install'], { cwd: p.dir });
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^Installed the pre-commit hook \.git\/hooks\/pre-commit: every `git commit` runs `keyward scan --staged`/);
    expect(statSync(hookPath(p)).mode & 0o111).not.toBe(0);

    p.write('notes.md', 'no secrets here\n');
    p.git('add', 'notes.md');
    const clean = commit(p, 'clean');
    expect(clean).toEqual({ code: 0, output: '' });

    const key = fakeKey('openai-project', 'hook-blocked');
    p.write('src/client.ts', `export const client = new OpenAI({ apiKey: "${key}" });\n`);
    p.git('add', 'src/client.ts');
    const blocked = commit(p, 'adds a key');
    expect(blocked.code).not.toBe(0);
    expect(blocked.output).toContain('src/client.ts:1');
    expect(blocked.output).toContain(redact(key, 'sk-proj-'));
    expect(blocked.output).toContain('keyward: commit blocked: it adds the key(s) listed above.');
    expect(blocked.output).toContain('keyward:allow');
    expect(blocked.output).toContain('keyward scan --write-baseline');
    expect(blocked.output).toContain('git commit --no-verify');
    expect(blocked.output).not.toContain(key);
    expect(blocked.output).not.toContain(key.slice(20, 40));
    expect(commits(p)).toEqual(['clean', 'init']);
  });

  it('lets a line marked keyward:allow through', async () => {
    const p = makeProject({ name: 'hook-allow-app' });
    await runCli(['hook', 'install'], { cwd: p.dir });
    p.write('test/fixture.ts', `const sample = "${fakeKey('openai-project', 'hook-allow')}"; // keyward:allow\n`);
    p.git('add', 'test/fixture.ts');
    expect(commit(p, 'fixture').code).toBe(0);
    expect(commits(p)).toEqual(['fixture']);
  });

  it('keeps an existing hook, runs it first, and uninstall puts it back byte for byte', async () => {
    const p = makeProject({ name: 'hook-chain-app' });
    const original = '#!/bin/sh\n# the team\'s own checks\necho "lint ran" >> lint.log\n[ ! -f STOP ] \n';
    p.write('.git/hooks/pre-commit', original, 0o750);
    const install = await runCli(['hook', 'install'], { cwd: p.dir });
    expect(install.stdout).toContain('The pre-commit hook that was there is kept as .git/hooks/pre-commit.keyward-chained and still runs first');
    expect(readFileSync(hookPath(p, 'pre-commit.keyward-chained'), 'utf8')).toBe(original);

    p.write('a.txt', 'a\n');
    p.git('add', 'a.txt');
    expect(commit(p, 'first').code).toBe(0);
    expect(readFileSync(join(p.dir, 'lint.log'), 'utf8')).toBe('lint ran\n');

    // The chained hook still decides on its own: its failure blocks the commit.
    p.write('STOP', '');
    p.write('b.txt', 'b\n');
    p.git('add', 'b.txt');
    expect(commit(p, 'stopped by the team hook').code).not.toBe(0);

    // A second install updates keyward's hook without chaining it to itself.
    expect((await runCli(['hook', 'install'], { cwd: p.dir })).stdout).toMatch(/^Updated the pre-commit hook/);
    expect(readFileSync(hookPath(p, 'pre-commit.keyward-chained'), 'utf8')).toBe(original);

    const un = await runCli(['hook', 'uninstall'], { cwd: p.dir });
    expect(un.code).toBe(0);
    expect(un.stdout).toContain('.git/hooks/pre-commit is back as it was');
    expect(readFileSync(hookPath(p), 'utf8')).toBe(original);
    expect(statSync(hookPath(p)).mode & 0o777).toBe(0o750);
    expect(existsSync(hookPath(p, 'pre-commit.keyward-chained'))).toBe(false);
  });

  it('uninstall leaves a hook that is not keyward\'s alone', async () => {
    const p = makeProject({ name: 'hook-foreign-app' });
    p.write('.git/hooks/pre-commit', '#!/bin/sh\nexit 0\n', 0o755);
    const r = await runCli(['hook', 'uninstall'], { cwd: p.dir });
    expect(r.stdout).toBe(".git/hooks/pre-commit is not keyward's hook; left as it is.\n");
    expect(readFileSync(hookPath(p), 'utf8')).toBe('#!/bin/sh\nexit 0\n');
  });

  it.each([
    ['husky', (p: TestProject) => p.write('.husky/pre-commit', 'npm test\n'), /husky runs this repository's git hooks\. Fix: Add this to \.husky\/pre-commit: npx keyward scan --staged/],
    ['lefthook', (p: TestProject) => p.write('lefthook.yml', 'pre-commit:\n  commands: {}\n'), /lefthook runs .* Add this to lefthook\.yml: pre-commit: \{ commands: \{ keyward: \{ run: npx keyward scan --staged \} \} \}/],
    ['the pre-commit framework', (p: TestProject) => p.write('.pre-commit-config.yaml', 'repos: []\n'), /the pre-commit framework runs .* \.pre-commit-config\.yaml: - \{ repo: local, hooks: \[ \{ id: keyward/],
    ['core.hooksPath', (p: TestProject) => p.git('config', 'core.hooksPath', 'tools/hooks'), /core\.hooksPath \(tools\/hooks\) runs .* Add this to tools\/hooks\/pre-commit: npx keyward scan --staged/],
  ])('with %s, writes nothing and says what to add where', async (_name, setup, message) => {
    const p = makeProject({ name: 'hook-managed-app' });
    setup(p);
    const r = await runCli(['hook', 'install'], { cwd: p.dir });
    expect(r.code).toBe(3);
    expect(r.stderr).toMatch(message);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(existsSync(hookPath(p))).toBe(false);
  });

  it('outside a git repository, says so', async () => {
    const p = makeProject({ git: false });
    const r = await runCli(['hook', 'install'], { cwd: p.dir });
    expect(r.code).toBe(3);
    expect(r.stderr).toMatch(/is not inside a git repository/);
  });

  it('ships a .pre-commit-hooks.yaml entry for the pre-commit framework', () => {
    const text = readFileSync(new URL('../../.pre-commit-hooks.yaml', import.meta.url), 'utf8');
    expect(text).toMatch(/- id: keyward\n/);
    expect(text).toMatch(/entry: npx keyward scan --staged/);
    expect(text).toMatch(/pass_filenames: false/);
  });
});
