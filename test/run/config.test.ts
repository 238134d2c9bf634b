import { spawnSync } from 'node:child_process';
import { mkdirSync, symlinkSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { fingerprint } from '../../src/core/fingerprint.js';
import { fakeKey } from '../support/keys.js';
import { makeProject, tempDir, type TestProject } from '../support/repo.js';
import { accountFor, clearEntry, storeAsKeytar, hasPrivateKeyring as hasSession } from '../support/keychain.js';

const REPO = fileURLToPath(new URL('../..', import.meta.url));

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
  const r = spawnSync(process.execPath, ['app.js'], { cwd: p.dir, encoding: 'utf8', timeout: 60_000, env: Object.fromEntries(Object.entries(base).filter(([, v]) => v !== undefined)) as NodeJS.ProcessEnv });
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
    const p = appUsingConfig('config-none-app');
    const r = runApp(p, { DBUS_SESSION_BUS_ADDRESS: undefined });
    expect(r.stdout).toBe('OPENAI_API_KEY unset\n');
    expect(r.code).toBe(0);
    // Never silent: the key the app will miss, why, and the fix, in one line; KEYWARD_QUIET=1 silences it.
    expect(r.stderr).toBe(
      `keyward/config: OPENAI_API_KEY is not set for this app: the OS keychain could not be read (no D-Bus session to reach a Secret Service (headless or SSH session)) and no .env file of ${p.dir} holds it. Fix: Start a Secret Service (gnome-keyring or KeePassXC) in a D-Bus session, e.g. \`dbus-run-session -- sh -c "printf PASSWORD | gnome-keyring-daemon --unlock --components=secrets; keyward ..."\`, or keep the key in a .env file that git ignores.\n`,
    );
    expect(runApp(p, { DBUS_SESSION_BUS_ADDRESS: undefined, KEYWARD_QUIET: '1' }).stderr).toBe('');
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
    expect(debug.stderr).toBe(
      `keyward/config: the app is ${p.dir}.\nkeyward/config: the keychain was not read (no D-Bus session to reach a Secret Service (headless or SSH session)); keys come from the environment and .env files.\n`,
    );
  });
});

/** Runs `node ARGS` in `cwd` with a clean environment (no D-Bus unless given). */
function node(args: string[], cwd: string, env: Record<string, string | undefined> = {}) {
  const base = { PATH: process.env.PATH, HOME: process.env.HOME, ...env };
  const r = spawnSync(process.execPath, args, { cwd, encoding: 'utf8', timeout: 60_000, env: Object.fromEntries(Object.entries(base).filter(([, v]) => v !== undefined)) as NodeJS.ProcessEnv });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

/** An app whose keyward is linked in, with `type` as its module system and the key in .env. */
function linkedApp(name: string, type: 'module' | 'commonjs', key: string): TestProject {
  const p = makeProject({ name });
  p.write('package.json', JSON.stringify({ name, type, dependencies: { openai: '^7' } }));
  mkdirSync(join(p.dir, 'node_modules'), { recursive: true });
  symlinkSync(REPO, join(p.dir, 'node_modules', 'keyward'), 'dir');
  p.write('.env', `OPENAI_API_KEY=${key}\n`, 0o600);
  // What the app sees, by fingerprint: never the key.
  p.write('show.cjs', "const k = process.env.OPENAI_API_KEY; console.log(k ? 'sha256:' + require('node:crypto').createHash('sha256').update(k).digest('hex').slice(0, 12) : 'unset');\n");
  return p;
}

describe('keyward/config in every way a Node app loads it', () => {
  it('an ESM entry\'s first-line import fills the key before its sibling imports evaluate', () => {
    const key = fakeKey('openai-project', 'config-sibling');
    const p = linkedApp('config-sibling-app', 'module', key);
    // The module that builds the client at load time, as `new OpenAI()` in lib/openai.ts does.
    p.write('lib/client.js', "import { createHash } from 'node:crypto';\nconst k = process.env.OPENAI_API_KEY;\nexport const seenAtLoad = k ? 'sha256:' + createHash('sha256').update(k).digest('hex').slice(0, 12) : 'unset';\n");
    p.write('app.js', "import 'keyward/config';\nimport { seenAtLoad } from './lib/client.js';\nconsole.log(seenAtLoad);\n");
    expect(node(['app.js'], p.dir)).toEqual({ code: 0, stdout: `${fingerprint(key)}\n`, stderr: '' });
  });

  it.each([
    ['require() in a CommonJS entry', (p: TestProject) => (p.write('app.js', "require('keyward/config');\nrequire('./show.cjs');\n"), ['app.js'])],
    ['node -r keyward/config', () => ['-r', 'keyward/config', 'show.cjs']],
    ['node --import keyward/config', () => ['--import', 'keyward/config', 'show.cjs']],
  ])('%s fills the key (CommonJS package)', (_label, args) => {
    const key = fakeKey('openai-project', 'config-cjs');
    const p = linkedApp('config-cjs-app', 'commonjs', key);
    expect(node(args(p), p.dir)).toEqual({ code: 0, stdout: `${fingerprint(key)}\n`, stderr: '' });
  });

  it('NODE_OPTIONS=--import=keyward/config fills the key, and the worker does not load itself again', () => {
    const key = fakeKey('openai-project', 'config-nodeopts');
    const p = linkedApp('config-nodeopts-app', 'commonjs', key);
    expect(node(['show.cjs'], p.dir, { NODE_OPTIONS: '--import=keyward/config' })).toEqual({ code: 0, stdout: `${fingerprint(key)}\n`, stderr: '' });
  });

  it("finds the app from its entry file when it is started from another folder", () => {
    const key = fakeKey('openai-project', 'config-elsewhere');
    const p = linkedApp('config-elsewhere-app', 'commonjs', key);
    p.write('app.js', "require('keyward/config');\nrequire('./show.cjs');\n");
    expect(node([join(p.dir, 'app.js')], tempDir())).toEqual({ code: 0, stdout: `${fingerprint(key)}\n`, stderr: '' });
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

  it('a key the framework already loaded from .env.local gives way to the keychain, as with keyward run, and KEYWARD_DEBUG says so', () => {
    const kc = fakeKey('openai-project', 'config-fw-keychain');
    const fromFile = fakeKey('openai-project', 'config-fw-file');
    const p = appUsingConfig('config-fw-app');
    p.write('.env.local', `OPENAI_API_KEY=${fromFile}\n`, 0o600);
    storeAsKeytar(accountFor('openai', 'config-fw-app', p.dir), kc);
    try {
      // Next.js and Vite load .env.local into process.env before the app's code runs.
      const r = runApp(p, { OPENAI_API_KEY: fromFile, KEYWARD_DEBUG: '1' });
      expect(r.stdout).toBe(`OPENAI_API_KEY ${fingerprint(kc)}\n`);
      expect(r.stderr).toBe(
        `keyward/config: the app is ${p.dir}.\nkeyward/config: OPENAI_API_KEY had been loaded from .env.local by the framework; the OS keychain's key replaces it, as keyward's order (environment, keychain, .env files) says.\n`,
      );
      // A key the shell exported is the environment's, and stays.
      const mine = fakeKey('openai-project', 'config-fw-shell');
      expect(runApp(p, { OPENAI_API_KEY: mine }).stdout).toBe(`OPENAI_API_KEY ${fingerprint(mine)}\n`);
    } finally {
      clearEntry(accountFor('openai', 'config-fw-app', p.dir));
    }
  });
});
