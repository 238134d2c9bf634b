import { describe, expect, it } from 'vitest';
import { fingerprint } from '../../src/core/fingerprint.js';
import type { Report } from '../../src/core/report.js';
import { PROVIDER_IDS } from '../../src/providers/index.js';
import { createKeychainOpener, type KeychainBackend } from '../../src/stores/keychain-backend.js';
import { keychainProject, readProjectKeychain } from '../../src/stores/keychain.js';
import { runCli } from '../support/cli.js';
import { accountFor, clearEntry, lookupEntry, storeAsKeytar, hasPrivateKeyring as hasSession } from '../support/keychain.js';
import { fakeKey } from '../support/keys.js';
import { makeProject } from '../support/repo.js';

// The real Secret Service of .ci/run's D-Bus session. CI must have it: there these tests never skip.

describe.skipIf(!hasSession)('the OS keychain through @github/keytar (real gnome-keyring)', () => {
  it('keeps the keys of two projects with the same name apart: the account carries the project folder\'s id', async () => {
    const key = fakeKey('openai-project', 'same-name');
    const one = makeProject({ name: 'web' });
    const two = makeProject({ name: 'web' });
    const stored = await runCli(['setup', '--provider', 'openai', '--store', 'keychain', '--key-stdin', '--yes', '--skip-test'], { cwd: one.dir, input: key });
    expect(stored.code).toBe(0);
    try {
      expect(lookupEntry(accountFor('openai', 'web', one.dir))).toBe(key);
      const other = JSON.parse((await runCli(['doctor', '--offline', '--json'], { cwd: two.dir })).stdout) as Report;
      expect(other.keys).toEqual([]);
      const own = JSON.parse((await runCli(['doctor', '--offline', '--json'], { cwd: one.dir })).stdout) as Report;
      expect(own.keys).toEqual([expect.objectContaining({ source: 'keychain', account: accountFor('openai', 'web', one.dir), fingerprint: fingerprint(key) })]);
      expect(stored.stdout + stored.stderr).not.toContain(key);
    } finally {
      clearEntry(accountFor('openai', 'web', one.dir));
    }
  });

  it('moves an entry under the old account <provider>/<project> to the new one, deleting the old only after the new reads back', async () => {
    const key = fakeKey('openai-project', 'legacy-account');
    const p = makeProject({ name: 'legacy-account-app' });
    storeAsKeytar('openai/legacy-account-app', key);
    try {
      const r = await runCli(['doctor', '--offline', '--json'], { cwd: p.dir });
      expect((JSON.parse(r.stdout) as Report).keys).toEqual([expect.objectContaining({ source: 'keychain', account: accountFor('openai', 'legacy-account-app', p.dir), fingerprint: fingerprint(key) })]);
      expect(lookupEntry(accountFor('openai', 'legacy-account-app', p.dir))).toBe(key);
      expect(lookupEntry('openai/legacy-account-app')).toBeNull();
      expect(r.stdout + r.stderr).not.toContain(key);
    } finally {
      clearEntry(accountFor('openai', 'legacy-account-app', p.dir));
      clearEntry('openai/legacy-account-app');
    }
  });

  it('reads an entry written by secret-tool (as keytar writes it) into the doctor\'s resolution report', async () => {
    const key = fakeKey('anthropic', 'keychain-doctor');
    const p = makeProject({ name: 'keychain-doctor-app' });
    storeAsKeytar(accountFor('anthropic', 'keychain-doctor-app', p.dir), key);
    try {
      const r = await runCli(['doctor', '--offline', '--json'], { cwd: p.dir });
      const report = JSON.parse(r.stdout) as Report;
      expect(report.keys).toEqual([
        expect.objectContaining({ provider: 'anthropic', source: 'keychain', account: accountFor('anthropic', 'keychain-doctor-app', p.dir), file: null, fingerprint: fingerprint(key) }),
      ]);
      expect(report.findings.filter((f) => f.rule === 'missing.keychain-unavailable')).toEqual([]);
      expect(r.stdout).not.toContain(key);
      expect(r.code).toBe(0);
    } finally {
      clearEntry(accountFor('anthropic', 'keychain-doctor-app', p.dir));
    }
  });

  it('prefers the environment over the keychain, and the keychain over .env, reporting what each shadows', async () => {
    const kc = fakeKey('openai-project', 'order-kc');
    const file = fakeKey('openai-project', 'order-file');
    const p = makeProject({ name: 'order-app' });
    p.write('.gitignore', '.env\n');
    p.write('.env', `OPENAI_API_KEY=${file}\n`, 0o600);
    storeAsKeytar(accountFor('openai', 'order-app', p.dir), kc);
    try {
      const report = JSON.parse((await runCli(['doctor', '--offline', '--json'], { cwd: p.dir })).stdout) as Report;
      expect(report.keys[0]).toMatchObject({ source: 'keychain', fingerprint: fingerprint(kc), shadows: [{ source: 'dotenv', file: '.env', fingerprint: fingerprint(file) }] });
    } finally {
      clearEntry(accountFor('openai', 'order-app', p.dir));
    }
  });
});

describe.skipIf(!hasSession)('lookups on a keychain that lists its accounts (the Secret Service)', () => {
  it('reads only the entries that exist, so a monorepo of 30 apps makes a handful of lookups instead of 930', async () => {
    const first = makeProject({ name: 'listing-a' });
    const second = makeProject({ name: 'listing-b' });
    const anthropic = fakeKey('anthropic', 'listing-a');
    const openai = fakeKey('openai-project', 'listing-b');
    storeAsKeytar(accountFor('anthropic', 'listing-a', first.dir), anthropic);
    storeAsKeytar('openai/listing-b', openai);
    try {
      const probe = await createKeychainOpener({ platform: 'linux', env: process.env, node: process.execPath })();
      if (!probe.ok) throw new Error(probe.problem.reason);
      const asked: string[] = [];
      const counted: KeychainBackend = { ...probe.backend, getPassword: (service, account) => (asked.push(account), probe.backend.getPassword(service, account)) };
      const read = async (name: string, dir: string) => {
        asked.length = 0;
        return [...(await readProjectKeychain(counted, await keychainProject(name, dir), PROVIDER_IDS))];
      };

      expect(await read('listing-a', first.dir)).toEqual([['anthropic', { account: accountFor('anthropic', 'listing-a', first.dir), value: anthropic }]]);
      expect(asked).toEqual([accountFor('anthropic', 'listing-a', first.dir)]);
      // The legacy entry is read, moved (written under the new account and read back), and the old one deleted.
      expect(await read('listing-b', second.dir)).toEqual([['openai', { account: accountFor('openai', 'listing-b', second.dir), value: openai }]]);
      expect(asked).toEqual(['openai/listing-b', accountFor('openai', 'listing-b', second.dir)]);
      expect(lookupEntry('openai/listing-b')).toBeNull();
      // keyward's own write made the listing stale: the next read lists again and finds the moved entry.
      expect(await read('listing-b', second.dir)).toEqual([['openai', { account: accountFor('openai', 'listing-b', second.dir), value: openai }]]);
      expect(asked).toEqual([accountFor('openai', 'listing-b', second.dir)]);
    } finally {
      clearEntry(accountFor('anthropic', 'listing-a', first.dir));
      clearEntry(accountFor('openai', 'listing-b', second.dir));
      clearEntry('openai/listing-b');
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
