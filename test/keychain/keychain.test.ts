import { execFileSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { fingerprint } from '../../src/core/fingerprint.js';
import type { Report } from '../../src/core/report.js';
import { createKeychainOpener } from '../../src/stores/keychain-backend.js';
import { KEYCHAIN_SERVICE, storeProjectKey } from '../../src/stores/keychain.js';
import { runCli } from '../support/cli.js';
import { fakeKey } from '../support/keys.js';
import { makeProject } from '../support/repo.js';

// The real Secret Service of .ci/run's D-Bus session. CI must have it: there these tests never skip.
const hasSession = Boolean(process.env.DBUS_SESSION_BUS_ADDRESS);
if (process.env.CI && !hasSession) throw new Error('CI runs the tests inside dbus-run-session (see .ci/run); DBUS_SESSION_BUS_ADDRESS is missing');

function secretTool(...args: string[]): string {
  return execFileSync('secret-tool', args, { encoding: 'utf8' });
}

/** Writes an entry as keytar does: secret-tool sets no schema unless told, and keytar looks entries up by it. */
function storeAsKeytar(account: string, value: string): void {
  execFileSync('secret-tool', ['store', `--label=keyward/${account}`, 'xdg:schema', 'org.freedesktop.Secret.Generic', 'service', 'keyward', 'account', account], { input: value });
}

describe.skipIf(!hasSession)('the OS keychain through @github/keytar (real gnome-keyring)', () => {
  it('stores a key in keytar\'s entry: secret-tool finds it under service keyward, account <provider>/<project>', async () => {
    const key = fakeKey('openai-project', 'keychain-store');
    const probe = await createKeychainOpener('linux')();
    expect(probe.ok).toBe(true);
    if (!probe.ok) return;
    const account = await storeProjectKey(probe.backend, 'openai', 'store-test-app', key);
    expect(account).toBe('openai/store-test-app');
    expect(secretTool('lookup', 'service', KEYCHAIN_SERVICE, 'account', 'openai/store-test-app')).toBe(key);
    await probe.backend.deletePassword(KEYCHAIN_SERVICE, account);
  });

  it('reads an entry written by secret-tool (as keytar writes it) into the doctor\'s resolution report', async () => {
    const key = fakeKey('anthropic', 'keychain-doctor');
    const p = makeProject({ name: 'keychain-doctor-app' });
    storeAsKeytar('anthropic/keychain-doctor-app', key);
    try {
      const r = await runCli(['doctor', '--offline', '--json'], { cwd: p.dir });
      const report = JSON.parse(r.stdout) as Report;
      expect(report.keys).toEqual([
        expect.objectContaining({ provider: 'anthropic', source: 'keychain', account: 'anthropic/keychain-doctor-app', file: null, fingerprint: fingerprint(key) }),
      ]);
      expect(report.findings.filter((f) => f.rule === 'missing.keychain-unavailable')).toEqual([]);
      expect(r.stdout).not.toContain(key);
      expect(r.code).toBe(0);
    } finally {
      secretTool('clear', 'service', 'keyward', 'account', 'anthropic/keychain-doctor-app');
    }
  });

  it('prefers the environment over the keychain, and the keychain over .env, reporting what each shadows', async () => {
    const kc = fakeKey('openai-project', 'order-kc');
    const file = fakeKey('openai-project', 'order-file');
    const p = makeProject({ name: 'order-app' });
    p.write('.gitignore', '.env\n');
    p.write('.env', `OPENAI_API_KEY=${file}\n`, 0o600);
    storeAsKeytar('openai/order-app', kc);
    try {
      const report = JSON.parse((await runCli(['doctor', '--offline', '--json'], { cwd: p.dir })).stdout) as Report;
      expect(report.keys[0]).toMatchObject({ source: 'keychain', fingerprint: fingerprint(kc), shadows: [{ source: 'dotenv', file: '.env', fingerprint: fingerprint(file) }] });
    } finally {
      secretTool('clear', 'service', 'keyward', 'account', 'openai/order-app');
    }
  });
});

describe('no D-Bus session (headless Linux)', () => {
  it('reports missing.keychain-unavailable with its fix, without crashing or hanging', async () => {
    const p = makeProject({ name: 'headless-app' });
    p.write('.gitignore', '.env\n');
    p.write('.env', `OPENAI_API_KEY=${fakeKey('openai-project', 'headless')}\n`, 0o600);
    const r = await runCli(['doctor', '--offline', '--json'], { cwd: p.dir, env: { DBUS_SESSION_BUS_ADDRESS: undefined, DISPLAY: undefined }, timeoutMs: 20_000 });
    expect(r.signal).toBeNull();
    const report = JSON.parse(r.stdout) as Report;
    const f = report.findings.find((x) => x.rule === 'missing.keychain-unavailable');
    expect(f).toMatchObject({ severity: 'info', category: 'missing' });
    expect(f!.title).toMatch(/no D-Bus session/);
    expect(f!.fix).toMatch(/dbus-run-session/);
    expect(r.code).toBe(0);
  });
});
