import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fingerprint } from '../../src/core/fingerprint.js';
import type { Report } from '../../src/core/report.js';
import { PROVIDER_IDS } from '../../src/providers/index.js';
import { createKeychainOpener, type KeychainBackend } from '../../src/stores/keychain-backend.js';
import { keychainProject, readProjectKeychain } from '../../src/stores/keychain.js';
import { runCli } from '../support/cli.js';
import { accountFor, clearEntry, lookupEntry, privateKeyring, storeAsKeytar, hasPrivateKeyring as hasSession } from '../support/keychain.js';
import { fakeKey } from '../support/keys.js';
import { makeProject, tempDir } from '../support/repo.js';

const REPO = fileURLToPath(new URL('../..', import.meta.url));

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
  // A keyring of this file's own: the other test files add and delete entries in the shared one meanwhile.
  let keyring: Awaited<ReturnType<typeof privateKeyring>>;
  beforeAll(async () => {
    keyring = await privateKeyring();
  });
  afterAll(() => keyring.stop());

  /** The real backend, with every lookup's account noted in `asked`. */
  const counted = async (node = process.execPath) => {
    const probe = await createKeychainOpener({ platform: 'linux', env: { ...process.env, ...keyring.env }, node })();
    if (!probe.ok) throw new Error(probe.problem.reason);
    const asked: string[] = [];
    const backend: KeychainBackend = { ...probe.backend, getPassword: (service, account) => (asked.push(account), probe.backend.getPassword(service, account)) };
    const read = async (name: string, dir: string) => {
      asked.length = 0;
      return [...(await readProjectKeychain(backend, await keychainProject(name, dir), PROVIDER_IDS))];
    };
    return { asked, read };
  };

  it('reads only the entries that exist, so a monorepo of 30 apps makes a handful of lookups instead of 930', async () => {
    const first = makeProject({ name: 'listing-a' });
    const second = makeProject({ name: 'listing-b' });
    const anthropic = fakeKey('anthropic', 'listing-a');
    const openai = fakeKey('openai-project', 'listing-b');
    storeAsKeytar(accountFor('anthropic', 'listing-a', first.dir), anthropic, keyring.env);
    storeAsKeytar('openai/listing-b', openai, keyring.env);
    const { asked, read } = await counted();

    expect(await read('listing-a', first.dir)).toEqual([['anthropic', { account: accountFor('anthropic', 'listing-a', first.dir), value: anthropic }]]);
    expect(asked).toEqual([accountFor('anthropic', 'listing-a', first.dir)]);
    // The legacy entry is read, moved (written under the new account and read back), and the old one deleted.
    expect(await read('listing-b', second.dir)).toEqual([['openai', { account: accountFor('openai', 'listing-b', second.dir), value: openai }]]);
    expect(asked).toEqual(['openai/listing-b', accountFor('openai', 'listing-b', second.dir)]);
    expect(lookupEntry('openai/listing-b', keyring.env)).toBeNull();
    // keyward's own write made the listing stale: the next read lists again and finds the moved entry.
    expect(await read('listing-b', second.dir)).toEqual([['openai', { account: accountFor('openai', 'listing-b', second.dir), value: openai }]]);
    expect(asked).toEqual([accountFor('openai', 'listing-b', second.dir)]);
  });

  /**
   * A `node` for the opener that runs a helper answering as the real one does, through keytar,
   * except a listing for which `failsListing` (JavaScript run in the helper) is true: that one runs
   * `fail` instead. `r` is the request.
   */
  const helperNode = (failsListing: string, fail: string): string => {
    const dir = tempDir();
    const helper = join(dir, 'helper.mjs');
    writeFileSync(helper, `import { createRequire } from 'node:module';
import { existsSync, writeFileSync } from 'node:fs';
const keytar = createRequire(${JSON.stringify(join(REPO, 'package.json'))})('@github/keytar');
let listings = 0;
process.stdout.write('{"ready":true}\\n');
for await (const line of (await import('node:readline')).createInterface({ input: process.stdin })) {
  const r = JSON.parse(line);
  const answer = (value) => process.stdout.write(JSON.stringify({ id: r.id, ok: true, value }) + '\\n');
  if (r.op === 'accounts' && (${failsListing})) { ${fail} }
  else if (r.op === 'accounts') answer((await keytar.findCredentials(r.service)).map((c) => c.account));
  else answer(await keytar.getPassword(r.service, r.account));
}
`);
    const node = join(dir, 'node');
    writeFileSync(node, `#!/bin/sh\nexec ${JSON.stringify(process.execPath)} ${JSON.stringify(helper)}\n`, { mode: 0o755 });
    return node;
  };

  /** Stores one key for `name`, then reads it twice through `node`'s helper: the first read's lookups, then the second's. */
  const readTwice = async (name: string, node: string) => {
    const p = makeProject({ name });
    const key = fakeKey('openai-project', name);
    storeAsKeytar(accountFor('openai', name, p.dir), key, keyring.env);
    const { asked, read } = await counted(node);
    const found = [['openai', { account: accountFor('openai', name, p.dir), value: key }]];
    expect(await read(name, p.dir)).toEqual(found);
    const first = [...asked];
    expect(await read(name, p.dir)).toEqual(found);
    return { first, second: [...asked], account: accountFor('openai', name, p.dir) };
  };

  it('looks each account up when the listing fails (an entry deleted by another process mid-search), and lists again next time', async () => {
    // The real helper, but its first listing fails as libsecret's does when an entry it found is gone before its attributes are read.
    const node = helperNode('++listings === 1', "process.stdout.write(JSON.stringify({ id: r.id, ok: false, error: 'No such secret item at path: /org/freedesktop/secrets/collection/login/30' }) + '\\n');");
    const { first, second, account } = await readTwice('listing-race', node);
    expect(first).toHaveLength(PROVIDER_IDS.length * 2 - 1);
    expect(second).toEqual([account]);
  });

  it('goes on with a new helper when the listing crashes the one it had (an entry deleted by another process before its secret was read)', async () => {
    // The real helper, but the first listing of all its runs dies as keytar's findCredentials does on
    // such an entry: libsecret's assertion on stderr, then SIGSEGV. Before, every lookup after it
    // failed too, and the doctor said "the keyring is locked".
    const crashed = join(tempDir(), 'crashed');
    const node = helperNode(
      `!existsSync(${JSON.stringify(crashed)})`,
      `writeFileSync(${JSON.stringify(crashed)}, ''); process.stderr.write("(process:1): libsecret-CRITICAL **: secret_value_get_text: assertion 'value' failed\\n", () => process.kill(process.pid, 'SIGSEGV')); await new Promise(() => {});`,
    );
    const { first, second, account } = await readTwice('listing-crash', node);
    expect(first).toHaveLength(PROVIDER_IDS.length * 2 - 1);
    // The new helper lists, and only the entry that exists is read.
    expect(second).toEqual([account]);
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
