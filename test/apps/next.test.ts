import { execFileSync } from 'node:child_process';
import { beforeAll, describe, expect, it } from 'vitest';
import { fingerprint } from '../../src/core/fingerprint.js';
import { appEnv, askServer, npm, packKeyward, SEEN_MODULE } from '../support/app-server.js';
import { accountFor, clearEntry, storeAsKeytar, hasPrivateKeyring as hasKeychain } from '../support/keychain.js';
import { fakeKey } from '../support/keys.js';
import { makeProject, type TestProject } from '../support/repo.js';

// A Next.js 16 app that builds its OpenAI client's key at module load, as the templates do, and
// loads keyward/config from instrumentation.ts, installed as users install keyward (a packed
// tarball, not a link). It answers /api/key with the fingerprints it saw at load and at request.
const NAME = 'next-keys-app';

let app: TestProject;
// vitest sets NODE_ENV=test, and Next.js skips .env.local under test: the app runs as deployed.
const env = appEnv();

beforeAll(() => {
  const tarball = packKeyward();
  app = makeProject({ name: NAME });
  app.write(
    'package.json',
    JSON.stringify({
      name: NAME,
      private: true,
      dependencies: { next: '^16', react: '^19', 'react-dom': '^19', openai: '^7' },
      // A TypeScript app, as create-next-app makes it: next build wants these beside it.
      devDependencies: { typescript: '^5', '@types/react': '^19', '@types/node': '^24' },
    }),
  );
  app.write('next.config.mjs', "export default { serverExternalPackages: ['keyward'] };\n");
  app.write('instrumentation.ts', "export async function register() {\n  if (process.env.NEXT_RUNTIME === 'nodejs') await import('keyward/config');\n}\n");
  app.write('lib/seen.ts', SEEN_MODULE);
  app.write(
    'app/api/key/route.ts',
    "import { atLoad, fp } from '../../../lib/seen';\nexport const dynamic = 'force-dynamic';\nexport function GET() {\n  return Response.json({ atLoad, atRequest: fp(process.env.OPENAI_API_KEY) });\n}\n",
  );
  app.write('app/layout.tsx', 'export default function RootLayout({ children }: { children: React.ReactNode }) {\n  return <html><body>{children}</body></html>;\n}\n');
  app.write('app/page.tsx', 'export default function Page() {\n  return <p>keys</p>;\n}\n');
  npm(['install', tarball], app.dir);
});

/** `next start` on a free port: what /api/key answers. */
const ask = (port: number) => askServer('npx', ['next', 'start', '-p', String(port)], { cwd: app.dir, env, url: `http://127.0.0.1:${port}/api/key` });

describe.each([
  ['Turbopack', []],
  ['webpack', ['--webpack']],
])('Next.js 16 (%s): next build, next start', (_bundler, flags) => {
  beforeAll(() => {
    execFileSync('npx', ['next', 'build', ...flags], { cwd: app.dir, env, stdio: 'pipe' });
  });

  it('the key from .env.local reaches the route at module load and at request time', async () => {
    const key = fakeKey('openai-project', `next-file-${flags.length}`);
    app.write('.env.local', `OPENAI_API_KEY=${key}\n`, 0o600);
    try {
      expect(await ask(3961 + flags.length)).toEqual({ atLoad: fingerprint(key), atRequest: fingerprint(key) });
    } finally {
      app.write('.env.local', '');
    }
  });

  it.skipIf(!hasKeychain)("the key from the OS keychain, through keyward/config in instrumentation.ts, wins over .env.local's", async () => {
    const stored = fakeKey('openai-project', `next-kc-${flags.length}`);
    app.write('.env.local', `OPENAI_API_KEY=${fakeKey('openai-project', 'next-stale')}\n`, 0o600);
    storeAsKeytar(accountFor('openai', NAME, app.dir), stored);
    try {
      expect(await ask(3963 + flags.length)).toEqual({ atLoad: fingerprint(stored), atRequest: fingerprint(stored) });
    } finally {
      clearEntry(accountFor('openai', NAME, app.dir));
      app.write('.env.local', '');
    }
  });
});
