import { beforeAll, describe, expect, it } from 'vitest';
import { fingerprint } from '../../src/core/fingerprint.js';
import { appEnv, askServer, npm, packKeyward, SEEN_MODULE } from '../support/app-server.js';
import { accountFor, clearEntry, storeAsKeytar, hasPrivateKeyring as hasKeychain } from '../support/keychain.js';
import { fakeKey } from '../support/keys.js';
import { makeProject, type TestProject } from '../support/repo.js';

// A TypeScript server run by tsx in a CommonJS package (no "type": "module"): tsx compiles its
// imports to require, and a module builds its client's key at load.
const NAME = 'tsx-cjs-keys-app';
let app: TestProject;

beforeAll(() => {
  const tarball = packKeyward();
  app = makeProject({ name: NAME });
  app.write('package.json', JSON.stringify({ name: NAME, private: true, dependencies: { tsx: '^4' } }));
  app.write('lib/seen.ts', SEEN_MODULE);
  app.write(
    'server.ts',
    [
      "import { createServer } from 'node:http';",
      "import { atLoad, fp } from './lib/seen';",
      'createServer((_req, res) => {',
      "  res.setHeader('content-type', 'application/json');",
      '  res.end(JSON.stringify({ atLoad, atRequest: fp(process.env.OPENAI_API_KEY) }));',
      "}).listen(Number(process.env.PORT), '127.0.0.1');",
      '',
    ].join('\n'),
  );
  npm(['install', tarball], app.dir);
});

const WAYS: [string, string[], Record<string, string>][] = [
  ['tsx --import keyward/config server.ts', ['--import', 'keyward/config', 'server.ts'], {}],
  ['NODE_OPTIONS=--import=keyward/config tsx server.ts', ['server.ts'], { NODE_OPTIONS: '--import=keyward/config' }],
];

describe.each(WAYS.map((w, i) => [...w, i] as const))('tsx in a CommonJS package: %s', (_way, args, extra, i) => {
  const ask = (port: number) => askServer('npx', ['tsx', ...args], { cwd: app.dir, env: appEnv({ ...extra, PORT: String(port) }), url: `http://127.0.0.1:${port}/` });

  it('the key from .env reaches the module that builds a client at load, and the request', async () => {
    const key = fakeKey('openai-project', `tsx-file-${i}`);
    app.write('.env', `OPENAI_API_KEY=${key}\n`, 0o600);
    try {
      expect(await ask(3981 + i)).toEqual({ atLoad: fingerprint(key), atRequest: fingerprint(key) });
    } finally {
      app.write('.env', '');
    }
  });

  it.skipIf(!hasKeychain)("the key from the OS keychain reaches them, and wins over .env's", async () => {
    const stored = fakeKey('openai-project', `tsx-kc-${i}`);
    app.write('.env', `OPENAI_API_KEY=${fakeKey('openai-project', 'tsx-stale')}\n`, 0o600);
    storeAsKeytar(accountFor('openai', NAME, app.dir), stored);
    try {
      expect(await ask(3983 + i)).toEqual({ atLoad: fingerprint(stored), atRequest: fingerprint(stored) });
    } finally {
      clearEntry(accountFor('openai', NAME, app.dir));
      app.write('.env', '');
    }
  });
});
