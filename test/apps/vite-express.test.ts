import { beforeAll, describe, expect, it } from 'vitest';
import { fingerprint } from '../../src/core/fingerprint.js';
import { appEnv, askServer, npm, packKeyward, writeViteExpressApp } from '../support/app-server.js';
import { accountFor, clearEntry, storeAsKeytar, hasPrivateKeyring as hasKeychain } from '../support/keychain.js';
import { fakeKey } from '../support/keys.js';
import { makeProject, type TestProject } from '../support/repo.js';

// The Vite + Express server of `writeViteExpressApp`, started with `node --import keyward/config
// server.js` as docs/lifecycle.md says.
const NAME = 'vite-express-keys-app';
let app: TestProject;

beforeAll(() => {
  const tarball = packKeyward();
  app = makeProject({ name: NAME });
  app.write('package.json', JSON.stringify({ name: NAME, private: true, type: 'module', scripts: { start: 'node --import keyward/config server.js' }, dependencies: { express: '^5', vite: '^7' } }));
  writeViteExpressApp(app);
  npm(['install', tarball], app.dir);
});

const ask = (port: number) => askServer('node', ['--import', 'keyward/config', 'server.js'], { cwd: app.dir, env: appEnv({ PORT: String(port) }), url: `http://127.0.0.1:${port}/api/key` });

describe('Vite + Express: node --import keyward/config server.js', () => {
  it('the key from .env reaches the modules that build a client at load, and the request', async () => {
    const key = fakeKey('openai-project', 'vite-file');
    app.write('.env', `OPENAI_API_KEY=${key}\n`, 0o600);
    try {
      expect(await ask(3971)).toEqual({ atLoad: fingerprint(key), atSsrLoad: fingerprint(key), atRequest: fingerprint(key) });
    } finally {
      app.write('.env', '');
    }
  });

  it.skipIf(!hasKeychain)("the key from the OS keychain reaches them, and wins over .env's", async () => {
    const stored = fakeKey('openai-project', 'vite-kc');
    app.write('.env', `OPENAI_API_KEY=${fakeKey('openai-project', 'vite-stale')}\n`, 0o600);
    storeAsKeytar(accountFor('openai', NAME, app.dir), stored);
    try {
      expect(await ask(3972)).toEqual({ atLoad: fingerprint(stored), atSsrLoad: fingerprint(stored), atRequest: fingerprint(stored) });
    } finally {
      clearEntry(accountFor('openai', NAME, app.dir));
      app.write('.env', '');
    }
  });
});
