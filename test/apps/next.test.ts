import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fingerprint } from '../../src/core/fingerprint.js';
import { accountFor, clearEntry, storeAsKeytar, hasPrivateKeyring as hasKeychain } from '../support/keychain.js';
import { fakeKey } from '../support/keys.js';
import { makeProject, tempDir, type TestProject } from '../support/repo.js';

// A Next.js 16 app that builds its OpenAI client's key at module load, as the templates do, and
// loads keyward/config from instrumentation.ts, installed as users install keyward (a packed
// tarball, not a link). It answers /api/key with the fingerprints it saw at load and at request.
const REPO = fileURLToPath(new URL('../..', import.meta.url));
const NAME = 'next-keys-app';

let app: TestProject;
// vitest sets NODE_ENV=test, and Next.js skips .env.local under test: the app runs as deployed.
const appEnv = { ...process.env, NODE_ENV: undefined };
const npm = (args: string[], cwd: string) => execFileSync('npm', [...args, '--no-audit', '--no-fund'], { cwd, stdio: 'pipe', encoding: 'utf8' });

beforeAll(() => {
  const packs = tempDir('keyward-pack-');
  npm(['pack', '--pack-destination', packs], REPO);
  const tarball = join(packs, readdirSync(packs).find((f) => f.endsWith('.tgz'))!);
  app = makeProject({ name: NAME });
  app.write('package.json', JSON.stringify({ name: NAME, private: true, dependencies: { next: '^16', react: '^19', 'react-dom': '^19', openai: '^7' } }));
  app.write('next.config.mjs', "export default { serverExternalPackages: ['keyward'] };\n");
  app.write('instrumentation.ts', "export async function register() {\n  if (process.env.NEXT_RUNTIME === 'nodejs') await import('keyward/config');\n}\n");
  app.write(
    'lib/seen.ts',
    "import { createHash } from 'node:crypto';\nexport const fp = (k: string | undefined) => (k ? 'sha256:' + createHash('sha256').update(k).digest('hex').slice(0, 12) : 'unset');\nexport const atLoad = fp(process.env.OPENAI_API_KEY);\n",
  );
  app.write(
    'app/api/key/route.ts',
    "import { atLoad, fp } from '../../../lib/seen';\nexport const dynamic = 'force-dynamic';\nexport function GET() {\n  return Response.json({ atLoad, atRequest: fp(process.env.OPENAI_API_KEY) });\n}\n",
  );
  app.write('app/layout.tsx', 'export default function RootLayout({ children }: { children: React.ReactNode }) {\n  return <html><body>{children}</body></html>;\n}\n');
  app.write('app/page.tsx', 'export default function Page() {\n  return <p>keys</p>;\n}\n');
  npm(['install', tarball], app.dir);
});

let server: ChildProcess | undefined;
afterAll(() => server?.kill('SIGKILL'));

/** `next start` on a free port; resolves with what /api/key answers, then stops the server. */
async function askServer(port: number): Promise<unknown> {
  server = spawn('npx', ['next', 'start', '-p', String(port)], { cwd: app.dir, env: appEnv, stdio: 'ignore', detached: true });
  try {
    for (let i = 0; i < 240; i += 1) {
      const answer = await fetch(`http://127.0.0.1:${port}/api/key`).then((r) => r.json(), () => undefined);
      if (answer) return answer;
      await new Promise((r) => setTimeout(r, 250));
    }
    throw new Error('next start did not answer within a minute');
  } finally {
    process.kill(-server.pid!, 'SIGKILL');
    server = undefined;
  }
}

describe.each([
  ['Turbopack', []],
  ['webpack', ['--webpack']],
])('Next.js 16 (%s): next build, next start', (_bundler, flags) => {
  beforeAll(() => {
    execFileSync('npx', ['next', 'build', ...flags], { cwd: app.dir, env: appEnv, stdio: 'pipe' });
  });

  it('the key from .env.local reaches the route at module load and at request time', async () => {
    const key = fakeKey('openai-project', `next-file-${flags.length}`);
    app.write('.env.local', `OPENAI_API_KEY=${key}\n`, 0o600);
    try {
      expect(await askServer(3961 + flags.length)).toEqual({ atLoad: fingerprint(key), atRequest: fingerprint(key) });
    } finally {
      app.write('.env.local', '');
    }
  });

  it.skipIf(!hasKeychain)("the key from the OS keychain, through keyward/config in instrumentation.ts, wins over .env.local's", async () => {
    const stored = fakeKey('openai-project', `next-kc-${flags.length}`);
    app.write('.env.local', `OPENAI_API_KEY=${fakeKey('openai-project', 'next-stale')}\n`, 0o600);
    storeAsKeytar(accountFor('openai', NAME, app.dir), stored);
    try {
      expect(await askServer(3963 + flags.length)).toEqual({ atLoad: fingerprint(stored), atRequest: fingerprint(stored) });
    } finally {
      clearEntry(accountFor('openai', NAME, app.dir));
      app.write('.env.local', '');
    }
  });
});
