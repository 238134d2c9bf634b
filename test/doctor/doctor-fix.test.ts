import { execFileSync } from 'node:child_process';
import { readFileSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { Report } from '../../src/core/report.js';
import { runCli } from '../support/cli.js';
import { fakeKey } from '../support/keys.js';
import { makeProject } from '../support/repo.js';
import { accountFor, hasPrivateKeyring as hasKeychain } from '../support/keychain.js';


async function rules(dir: string): Promise<string[]> {
  const r = await runCli(['doctor', '--offline', '--no-history', '--json'], { cwd: dir });
  return (JSON.parse(r.stdout) as Report).findings.map((f) => f.rule).filter((x) => x !== 'missing.keychain-unavailable').sort();
}

describe('keyward doctor --fix', () => {
  it('applies every safe fix, leaves the person\'s steps as steps, and the rerun shows those findings gone', async () => {
    const key = fakeKey('openai-project', 'fixme');
    const p = makeProject({ name: 'fix-app' });
    p.write('.env', `# local\nOPENAI_API_KEY=${key}\n`, 0o644);
    p.commit('oops');
    p.write('.env.local', `GROQ_API_KEY=${fakeKey('groq', 'fix')}\n`, 0o600);
    expect(await rules(p.dir)).toEqual(['exposure.env-not-ignored', 'exposure.env-tracked', 'exposure.file-permissions']);

    const r = await runCli(['doctor', '--offline', '--no-history', '--fix', '--yes'], { cwd: p.dir });
    expect(r.stdout).toMatch(/✓ Stop tracking \.env \(git rm --cached \.env; the file stays on disk\)/);
    expect(r.stdout).toMatch(/✓ Add "\/\.env" to \.gitignore/);
    expect(r.stdout).toMatch(/✓ Add "\/\.env\.local" to \.gitignore/);
    expect(r.stdout).toMatch(/✓ chmod 600 \.env/);
    expect(r.stdout).toMatch(/✓ Create \.env\.example with GROQ_API_KEY, OPENAI_API_KEY/);
    expect(r.stdout).toMatch(/Left for you[\s\S]*Revoke sk-proj-….{4} \(sha256:[0-9a-f]{12}\)/);
    // Outside a D-Bus session the keychain's note stays; no problem or warning may.
    expect(r.stdout).toMatch(/After the fixes: (No problems found|1 note)$/m);
    expect(r.code).toBe(0);

    expect(readFileSync(join(p.dir, '.env'), 'utf8')).toBe(`# local\nOPENAI_API_KEY=${key}\n`);
    expect(statSync(join(p.dir, '.env')).mode & 0o777).toBe(0o600);
    expect(readFileSync(join(p.dir, '.gitignore'), 'utf8')).toBe('/.env\n/.env.local\n');
    expect(readFileSync(join(p.dir, '.env.example'), 'utf8')).toBe('GROQ_API_KEY=\nOPENAI_API_KEY=\n');
    expect(p.git('ls-files', '.env').trim()).toBe('');
    expect(p.git('status', '--porcelain', '--', '.env').trim()).toBe('D  .env');
    expect(await rules(p.dir)).toEqual([]);
  });

  it('--dry-run lists the fixes and changes nothing', async () => {
    const p = makeProject({ name: 'dry-app' });
    p.write('.env', `OPENAI_API_KEY=${fakeKey('openai-project', 'dry')}\n`, 0o644);
    const r = await runCli(['doctor', '--offline', '--fix', '--dry-run'], { cwd: p.dir });
    expect(r.stdout).toMatch(/Would apply 3 safe fixes \(--dry-run: nothing is changed\)/);
    expect(statSync(join(p.dir, '.env')).mode & 0o777).toBe(0o644);
    expect(() => readFileSync(join(p.dir, '.gitignore'))).toThrow();
    expect(r.code).toBe(1);
  });

  it('without a terminal and without --yes changes nothing and exits 2 naming --yes', async () => {
    const p = makeProject({ name: 'noyes-app' });
    p.write('.env', `OPENAI_API_KEY=${fakeKey('openai-project', 'noyes')}\n`, 0o644);
    const r = await runCli(['doctor', '--offline', '--fix'], { cwd: p.dir });
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/3 fixes are pending.*nothing was changed.*--yes/);
    expect(statSync(join(p.dir, '.env')).mode & 0o777).toBe(0o644);
  });

  it('skips with a reason where the precondition no longer holds: a .gitignore that is a link, a read-only folder', async () => {
    const p = makeProject({ name: 'skip-app' });
    p.write('shared-ignore', 'node_modules\n');
    symlinkSync('shared-ignore', join(p.dir, '.gitignore'));
    p.write('.env', `OPENAI_API_KEY=${fakeKey('openai-project', 'skip')}\n`, 0o600);
    const r = await runCli(['doctor', '--offline', '--no-history', '--fix', '--yes'], { cwd: p.dir });
    expect(r.stdout).toMatch(/- skipped: Add "\/\.env" to \.gitignore: \.gitignore is a link \(to .*shared-ignore\); add "\/\.env" there yourself/);
    expect(readFileSync(join(p.dir, 'shared-ignore'), 'utf8')).toBe('node_modules\n');
    expect(r.stdout).toMatch(/✓ Create \.env\.example/);
    expect(r.code).toBe(1);
  });

  it('keeps other staged changes when it untracks a .env (a dirty index)', async () => {
    const p = makeProject({ name: 'index-app' });
    p.write('.env', `OPENAI_API_KEY=${fakeKey('openai-project', 'idx')}\n`, 0o600);
    p.write('README.md', 'one\n');
    p.commit('init');
    p.write('README.md', 'two\n');
    p.git('add', 'README.md');
    await runCli(['doctor', '--offline', '--fix', '--yes'], { cwd: p.dir });
    expect(p.git('diff', '--cached', '--name-status').trim().split('\n').sort()).toEqual(['D\t.env', 'M\tREADME.md']);
  });

  it.skipIf(!hasKeychain)('--to-keychain moves the key into the keychain and removes the line only after reading it back', async () => {
    const key = fakeKey('openai-project', 'move');
    const p = makeProject({ name: 'move-app' });
    p.write('.gitignore', '.env\n');
    p.write('.env', `DEBUG=1\nOPENAI_API_KEY=${key}\nPORT=3000\n`, 0o600);
    const r = await runCli(['doctor', '--offline', '--fix', '--to-keychain', '--yes'], { cwd: p.dir });
    expect(r.stdout).toMatch(/✓ Move OPENAI_API_KEY from \.env into the OS keychain/);
    expect(readFileSync(join(p.dir, '.env'), 'utf8')).toBe('DEBUG=1\nPORT=3000\n');
    expect(execFileSync('secret-tool', ['lookup', 'service', 'keyward', 'account', accountFor('openai', 'move-app', p.dir)], { encoding: 'utf8' })).toBe(key);
    const after = JSON.parse((await runCli(['doctor', '--offline', '--json'], { cwd: p.dir })).stdout) as Report;
    expect(after.keys[0]).toMatchObject({ source: 'keychain', account: accountFor('openai', 'move-app', p.dir) });
    execFileSync('secret-tool', ['clear', 'service', 'keyward', 'account', accountFor('openai', 'move-app', p.dir)]);
  });

  it('never overwrites a different key already in the keychain', async () => {
    if (!hasKeychain) return;
    const p = makeProject({ name: 'clash-app' });
    p.write('.gitignore', '.env\n');
    p.write('.env', `OPENAI_API_KEY=${fakeKey('openai-project', 'clash-file')}\n`, 0o600);
    execFileSync('secret-tool', ['store', '--label=x', 'xdg:schema', 'org.freedesktop.Secret.Generic', 'service', 'keyward', 'account', accountFor('openai', 'clash-app', p.dir)], { input: fakeKey('openai-project', 'clash-kc') });
    const r = await runCli(['doctor', '--offline', '--fix', '--to-keychain', '--yes'], { cwd: p.dir });
    expect(r.stdout).toMatch(/skipped: Move OPENAI_API_KEY from \.env into the OS keychain: the keychain already holds a different OpenAI key/);
    expect(readFileSync(join(p.dir, '.env'), 'utf8')).toContain('OPENAI_API_KEY=');
    execFileSync('secret-tool', ['clear', 'service', 'keyward', 'account', accountFor('openai', 'clash-app', p.dir)]);
  });
});

describe('a file changed between the report and the fix', () => {
  it('is left alone', async () => {
    const { planFixes } = await import('../../src/fix/plan.js');
    const { applyFixes } = await import('../../src/fix/apply.js');
    const { createGitRunner } = await import('../../src/git/git.js');
    const { gitEnv } = await import('../support/repo.js');
    const p = makeProject({ name: 'race-app' });
    p.write('.env', `OPENAI_API_KEY=${fakeKey('openai-project', 'race')}\n`, 0o644);
    const report = JSON.parse((await runCli(['doctor', '--offline', '--json'], { cwd: p.dir })).stdout) as Report;
    const { fixes } = await planFixes(p.dir, report, { toKeychain: false, project: 'race-app' });
    writeFileSync(join(p.dir, '.env'), 'OPENAI_API_KEY=\n');
    const results = await applyFixes({ root: p.dir, git: createGitRunner(gitEnv()), keychain: async () => ({ ok: false, problem: { reason: 'x', fix: 'y' } })}, fixes);
    expect(results.find((r) => r.fix.action.kind === 'chmod')).toMatchObject({ applied: false, reason: '.env changed since the report' });
    expect(statSync(join(p.dir, '.env')).mode & 0o777).toBe(0o644);
  });
});

describe('in a terminal', () => {
  it('draws the report, then offers the safe fixes and applies them on yes', async () => {
    const { startPty } = await import('../support/pty.js');
    const p = makeProject({ name: 'offer-app' });
    p.write('.env', `OPENAI_API_KEY=${fakeKey('openai-project', 'offer')}\n`, 0o644);
    const s = startPty(['doctor', '--offline', '--no-history'], { cwd: p.dir });
    await s.answer(/Apply 3 safe fixes\? \(y\/N\)/, 'y\r');
    expect(s.screen()).toMatch(/✖ high: .env holds keys \(OPENAI_API_KEY\) and git does not ignore it/);
    await s.waitFor(/After the fixes: (No problems found|1 note)/);
    expect((await s.exit).code).toBe(0);
    expect(statSync(join(p.dir, '.env')).mode & 0o777).toBe(0o600);
    expect(s.raw()).not.toContain(fakeKey('openai-project', 'offer').slice(8, 40));
  });
});

describe('--fix in a monorepo', () => {
  it('writes each app\'s .env.example beside its .env, and moves keys into the app\'s keychain account', async () => {
    const p = makeProject();
    p.write('package.json', JSON.stringify({ name: 'mono-fix', private: true, workspaces: ['apps/*'] }));
    p.write('.gitignore', '.env*\n!.env.example\n');
    p.write('apps/web/package.json', JSON.stringify({ name: 'web-fix', dependencies: { openai: '5' } }));
    p.write('apps/api/package.json', JSON.stringify({ name: 'api-fix', dependencies: { groq: '1' } }));
    const web = fakeKey('openai-project', 'mono-web');
    p.write('apps/web/.env', `OPENAI_API_KEY=${web}\n`, 0o600);
    p.write('apps/api/.env', `GROQ_API_KEY=${fakeKey('groq', 'mono-api')}\n`, 0o600);
    const r = await runCli(['doctor', '--offline', '--no-history', '--fix', '--yes', ...(hasKeychain ? ['--to-keychain'] : [])], { cwd: p.dir });
    expect(readFileSync(join(p.dir, 'apps/web/.env.example'), 'utf8')).toBe('OPENAI_API_KEY=\n');
    expect(readFileSync(join(p.dir, 'apps/api/.env.example'), 'utf8')).toBe('GROQ_API_KEY=\n');
    expect(() => readFileSync(join(p.dir, '.env.example'))).toThrow();
    if (hasKeychain) {
      expect(r.stdout).toMatch(/✓ Move OPENAI_API_KEY from apps\/web\/\.env into the OS keychain/);
      expect(execFileSync('secret-tool', ['lookup', 'service', 'keyward', 'account', accountFor('openai', 'web-fix', join(p.dir, 'apps/web'))], { encoding: 'utf8' })).toBe(web);
      execFileSync('secret-tool', ['clear', 'service', 'keyward', 'account', accountFor('openai', 'web-fix', join(p.dir, 'apps/web'))]);
      execFileSync('secret-tool', ['clear', 'service', 'keyward', 'account', accountFor('groq', 'api-fix', join(p.dir, 'apps/api'))]);
    }
  });
});
