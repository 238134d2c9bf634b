import { spawnSync } from 'node:child_process';
import { mkdirSync, symlinkSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { fingerprint } from '../../src/core/fingerprint.js';
import { fakeKey } from '../support/keys.js';
import { makeProject, type TestProject } from '../support/repo.js';
import { accountFor, clearEntry, storeAsKeytar } from '../support/keychain.js';

const REPO = fileURLToPath(new URL('../..', import.meta.url));
const hasSession = Boolean(process.env.DBUS_SESSION_BUS_ADDRESS);

/**
 * A separate package that depends on keyward (linked, as `npm link` or a workspace does) and
 * imports `keyward/config` first thing; it prints whether the key is set and its fingerprint,
 * never the key.
 */
function appUsingConfig(name: string): TestProject {
  const p = makeProject({ name });
  p.write('package.json', JSON.stringify({ name, type: 'module', dependencies: { keyward: 'file:' + REPO, openai: '^6' } }));
  mkdirSync(join(p.dir, 'node_modules'), { recursive: true });
  symlinkSync(REPO, join(p.dir, 'node_modules', 'keyward'), 'dir');
  p.write(
    'app.js',
    [
      "import 'keyward/config';",
      "import { createHash } from 'node:crypto';",
      'const k = process.env.OPENAI_API_KEY;',
      "console.log(k === undefined ? 'OPENAI_API_KEY unset' : 'OPENAI_API_KEY sha256:' + createHash('sha256').update(k).digest('hex').slice(0, 12));",
    ].join('\n'),
  );
  return p;
}

function runApp(p: TestProject, env: Record<string, string | undefined> = {}) {
  const base = { PATH: process.env.PATH, HOME: process.env.HOME, DBUS_SESSION_BUS_ADDRESS: process.env.DBUS_SESSION_BUS_ADDRESS, ...env };
  const r = spawnSync(process.execPath, ['app.js'], { cwd: p.dir, encoding: 'utf8', timeout: 20_000, env: Object.fromEntries(Object.entries(base).filter(([, v]) => v !== undefined)) as NodeJS.ProcessEnv });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

describe("import 'keyward/config' from another package", () => {
  it('fills the key from the .env file', () => {
    const key = fakeKey('openai-project', 'config-dotenv');
    const p = appUsingConfig('config-dotenv-app');
    p.write('.env', `OPENAI_API_KEY=${key}\n`, 0o600);
    const r = runApp(p);
    expect(r.stdout).toBe(`OPENAI_API_KEY ${fingerprint(key)}\n`);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
  });

  it('never overrides a variable the environment already sets', () => {
    const mine = fakeKey('openai-project', 'config-mine');
    const p = appUsingConfig('config-env-app');
    p.write('.env', `OPENAI_API_KEY=${fakeKey('openai-project', 'config-file')}\n`, 0o600);
    expect(runApp(p, { OPENAI_API_KEY: mine }).stdout).toBe(`OPENAI_API_KEY ${fingerprint(mine)}\n`);
  });

  it('leaves the variable unset when no source has a key, and the app still runs', () => {
    const r = runApp(appUsingConfig('config-none-app'));
    expect(r.stdout).toBe('OPENAI_API_KEY unset\n');
    expect(r.code).toBe(0);
  });

  it('without a usable keychain falls back to .env silently, with one line under KEYWARD_DEBUG', () => {
    const key = fakeKey('openai-project', 'config-nobus');
    const p = appUsingConfig('config-nobus-app');
    p.write('.env', `OPENAI_API_KEY=${key}\n`, 0o600);
    const quiet = runApp(p, { DBUS_SESSION_BUS_ADDRESS: undefined });
    expect(quiet.stdout).toBe(`OPENAI_API_KEY ${fingerprint(key)}\n`);
    expect(quiet.stderr).toBe('');
    const debug = runApp(p, { DBUS_SESSION_BUS_ADDRESS: undefined, KEYWARD_DEBUG: '1' });
    expect(debug.stdout).toBe(`OPENAI_API_KEY ${fingerprint(key)}\n`);
    expect(debug.stderr).toMatch(/^keyward\/config: the keychain was not read \(no D-Bus session[^\n]*\n$/);
  });
});

describe.skipIf(!hasSession)("import 'keyward/config' with the OS keychain (real gnome-keyring)", () => {
  it("fills the key from keytar's entry for the project, ahead of .env", () => {
    const kc = fakeKey('openai-project', 'config-keychain');
    const p = appUsingConfig('config-keychain-app');
    p.write('.env', `OPENAI_API_KEY=${fakeKey('openai-project', 'config-keychain-file')}\n`, 0o600);
    storeAsKeytar(accountFor('openai', 'config-keychain-app', p.dir), kc);
    try {
      const r = runApp(p);
      expect(r.stdout).toBe(`OPENAI_API_KEY ${fingerprint(kc)}\n`);
      expect(r.code).toBe(0);
    } finally {
      clearEntry(accountFor('openai', 'config-keychain-app', p.dir));
    }
  });
});
