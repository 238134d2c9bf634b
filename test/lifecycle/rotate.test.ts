import { readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { fingerprint, redact } from '../../src/core/fingerprint.js';
import { runCli } from '../support/cli.js';
import { accountFor, clearEntry, lookupEntry, storeAsKeytar, hasPrivateKeyring as hasSession } from '../support/keychain.js';
import { useFakeProvider } from '../support/fake-provider.js';
import { startPty } from '../support/pty.js';
import { makeProject, tempDir, type TestProject } from '../support/repo.js';

const fake = useFakeProvider();

/** A project whose old key is in .env and was also committed, logged and bundled. */
function leakyApp(name: string, old: string): TestProject {
  const p = makeProject({ name });
  p.write('package.json', JSON.stringify({ name, dependencies: { openai: '1' } }));
  p.write('.gitignore', '.env\nlogs/\ndist/\n');
  p.write('src/config.ts', `export const key = "${old}";\n`);
  p.commit('oops');
  p.write('src/config.ts', 'export const key = process.env.OPENAI_API_KEY;\n');
  p.commit('fix');
  p.write('logs/app.log', `2026-01-01 request with key ${old}\n`);
  p.write('dist/assets/index.js', `var k="${old}";\n`);
  return p;
}

function rotate(p: TestProject, newKey: string, state: string, extra: string[] = []) {
  return runCli(['rotate', '--provider', 'openai', '--key-stdin', '--yes', ...extra], { cwd: p.dir, input: `${newKey}\n`, env: { OPENAI_BASE_URL: fake.baseURL, XDG_STATE_HOME: state } });
}

function expectFingerprintsOnly(out: string, ...keys: string[]): void {
  for (const k of keys) {
    expect(out).not.toContain(k);
    expect(out).not.toContain(k.slice(20, 40));
    expect(out).not.toContain(redact(k, 'sk-proj-'));
  }
}

describe('keyward rotate', () => {
  it('tests the new key, replaces the .env line, records the date, lists every copy of the old key, and says where to revoke it', async () => {
    const old = fake.key('ok');
    const fresh = fake.key('ok');
    const state = tempDir();
    const p = leakyApp('rotate-dotenv-app', old);
    p.write('.env', `# local settings\nOPENAI_API_KEY=${old}\nPORT=3000\n`, 0o600);
    const r = await rotate(p, fresh, state);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);

    expect(readFileSync(join(p.dir, '.env'), 'utf8')).toBe(`# local settings\nOPENAI_API_KEY=${fresh}\nPORT=3000\n`);
    expect(statSync(join(p.dir, '.env')).mode & 0o777).toBe(0o600);
    expect(fake.requests.filter((q) => q.path === '/v1/chat/completions' && q.authorization === `Bearer ${fresh}`)).toHaveLength(1);

    const out = r.stdout;
    expect(out).toContain(`Replacing the OpenAI key ${fingerprint(old)} in .env line 2.`);
    expect(out).toContain(`Stored ${fingerprint(fresh)} in .env line 2`);
    expect(out).toContain('logs/app.log:1 (exposure.log)');
    expect(out).toContain('dist/assets/index.js:1 (exposure.bundle)');
    expect(out).toMatch(/src\/config\.ts:1 in git history \(since commit [0-9a-f]{12}\)/);
    expect(out).not.toMatch(/\.env:\d+ \(/);
    expect(out.trimEnd().split('\n').slice(-2)).toEqual([
      `Revoke the old key ${fingerprint(old)} at https://platform.openai.com/api-keys`,
      'It stays valid until you revoke it there: anyone with a copy of it can still use it.',
    ]);
    expectFingerprintsOnly(out, old, fresh);

    const records = JSON.parse(readFileSync(join(state, 'keyward', 'keys.json'), 'utf8')) as { keys: Array<{ fingerprint: string; store: string }> };
    expect(records.keys).toEqual([expect.objectContaining({ fingerprint: fingerprint(fresh), store: 'dotenv', project: 'rotate-dotenv-app' })]);
  });

  it('replaces nothing when the new key fails its test', async () => {
    const old = fake.key('ok');
    const bad = fake.key('invalid-key');
    const state = tempDir();
    const p = makeProject({ name: 'rotate-bad-app' });
    p.write('.gitignore', '.env\n');
    const before = `OPENAI_API_KEY=${old}\n`;
    p.write('.env', before, 0o600);
    const r = await rotate(p, bad, state);
    expect(r.code).toBe(1);
    expect(readFileSync(join(p.dir, '.env'), 'utf8')).toBe(before);
    expect(r.stdout).toContain(`The new key did not pass its test: nothing was replaced; ${fingerprint(old)} is still in .env line 1.`);
    expect(r.stdout).toMatch(/✖ .*(invalid|revoked)/i);
    expect(() => readFileSync(join(state, 'keyward', 'keys.json'))).toThrow();
    expect(r.stdout + r.stderr).not.toContain(bad);
    expect(r.stdout + r.stderr).not.toContain(old);
  });

  it('without a terminal and without --key-stdin, asks for the flag (exit 2) and changes nothing', async () => {
    const old = fake.key('ok');
    const p = makeProject({ name: 'rotate-noterm-app' });
    p.write('.env', `OPENAI_API_KEY=${old}\n`, 0o600);
    const r = await runCli(['rotate', '--provider', 'openai'], { cwd: p.dir, env: { OPENAI_BASE_URL: fake.baseURL } });
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/--key-stdin/);
    expect(readFileSync(join(p.dir, '.env'), 'utf8')).toBe(`OPENAI_API_KEY=${old}\n`);
  });

  it('says there is nothing to rotate when no key is stored', async () => {
    const p = makeProject({ name: 'rotate-none-app' });
    const r = await rotate(p, fake.key('ok'), tempDir());
    expect(r.code).toBe(3);
    expect(r.stderr).toMatch(/no OpenAI key is stored for this project.*keyward setup --provider openai/);
  });

  it('Ctrl-C at the hidden prompt leaves the old key in place (exit 130)', async () => {
    const old = fake.key('ok');
    const p = makeProject({ name: 'rotate-ctrlc-app' });
    p.write('.gitignore', '.env\n');
    p.write('.env', `OPENAI_API_KEY=${old}\n`, 0o600);
    const s = startPty(['rotate', '--provider', 'openai'], { cwd: p.dir, env: { OPENAI_BASE_URL: fake.baseURL, XDG_STATE_HOME: tempDir() } });
    await s.answer('Paste the new OpenAI key', 'sk-proj-partial');
    s.interrupt();
    expect((await s.exit).code).toBe(130);
    expect(readFileSync(join(p.dir, '.env'), 'utf8')).toBe(`OPENAI_API_KEY=${old}\n`);
    expect(s.raw()).not.toContain(old);
  });
});

describe.skipIf(!hasSession)('keyward rotate with the OS keychain (real gnome-keyring)', () => {
  it('replaces the keychain entry where the old key was, and leaves .env alone', async () => {
    const old = fake.key('ok');
    const fresh = fake.key('ok');
    const p = makeProject({ name: 'rotate-kc-app' });
    p.write('package.json', JSON.stringify({ name: 'rotate-kc-app', dependencies: { openai: '1' } }));
    const account = accountFor('openai', 'rotate-kc-app', p.dir);
    storeAsKeytar(account, old);
    try {
      const state = tempDir();
      const r = await rotate(p, fresh, state);
      expect(r.code).toBe(0);
      expect(lookupEntry(account)).toBe(fresh);
      expect(r.stdout).toContain(`Stored ${fingerprint(fresh)} in the OS keychain (keyward/${account}).`);
      expect(r.stdout).toContain('  none found.');
      expectFingerprintsOnly(r.stdout + r.stderr, old, fresh);
      expect(readFileSync(join(state, 'keyward', 'keys.json'), 'utf8')).toContain('"store": "keychain"');

      const failed = await rotate(p, fake.key('invalid-key'), state);
      expect(failed.code).toBe(1);
      expect(lookupEntry(account)).toBe(fresh);
    } finally {
      clearEntry(account);
    }
  });
});
