import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { tempDir, type TestProject } from './repo.js';

const REPO = fileURLToPath(new URL('../..', import.meta.url));

// vitest sets NODE_ENV=test; the apps run as deployed.
export const appEnv = (extra: Record<string, string> = {}): NodeJS.ProcessEnv => ({ ...process.env, NODE_ENV: undefined, ...extra });

export const npm = (args: string[], cwd: string): string => execFileSync('npm', [...args, '--no-audit', '--no-fund'], { cwd, stdio: 'pipe', encoding: 'utf8' });

/** keyward packed as users install it (a tarball, not a link to this checkout). */
export function packKeyward(): string {
  const packs = tempDir('keyward-pack-');
  npm(['pack', '--pack-destination', packs], REPO);
  return join(packs, readdirSync(packs).find((f) => f.endsWith('.tgz'))!);
}

/** A module that records, at its load, the fingerprint of the key it sees; what an SDK client built at load would get. */
export const SEEN_MODULE = "import { createHash } from 'node:crypto';\nexport const fp = (k: string | undefined) => (k ? 'sha256:' + createHash('sha256').update(k).digest('hex').slice(0, 12) : 'unset');\nexport const atLoad = fp(process.env.OPENAI_API_KEY);\n";

/**
 * An Express server with Vite in middleware mode (Vite's server-rendering setup). GET /api/key
 * answers the key's fingerprint as three places saw it: a module the server imports, at its load;
 * a module Vite loads for the request (ssrLoadModule), at its load; the request. `firstImport`
 * runs before them (`'dotenv/config'`).
 */
export function writeViteExpressApp(app: TestProject, firstImport?: string): void {
  app.write('lib/seen.js', SEEN_MODULE.replace('(k: string | undefined)', '(k)'));
  app.write('src/ssr-client.ts', "import { fp } from '../lib/seen.js';\nexport const atSsrLoad: string = fp(process.env.OPENAI_API_KEY);\n");
  app.write('index.html', '<!doctype html><p>keys</p>\n');
  app.write(
    'server.js',
    [
      "import express from 'express';",
      "import { createServer } from 'vite';",
      ...(firstImport ? [`import '${firstImport}';`] : []),
      "import { atLoad, fp } from './lib/seen.js';",
      'const vite = await createServer({ server: { middlewareMode: true, hmr: false }, appType: "custom", logLevel: "silent" });',
      'const server = express();',
      'server.use(vite.middlewares);',
      "server.get('/api/key', async (_req, res) => {",
      "  const { atSsrLoad } = await vite.ssrLoadModule('/src/ssr-client.ts');",
      '  res.json({ atLoad, atSsrLoad, atRequest: fp(process.env.OPENAI_API_KEY) });',
      '});',
      'server.listen(Number(process.env.PORT), "127.0.0.1");',
      '',
    ].join('\n'),
  );
}

/** Starts `command args` in `cwd`, returns what GET `url` answers as JSON, then kills the server's process group. */
export async function askServer(command: string, args: string[], opts: { cwd: string; env: NodeJS.ProcessEnv; url: string }): Promise<unknown> {
  let stderr = '';
  const server: ChildProcess = spawn(command, args, { cwd: opts.cwd, env: opts.env, stdio: ['ignore', 'ignore', 'pipe'], detached: true });
  server.stderr!.setEncoding('utf8').on('data', (d: string) => (stderr += d));
  try {
    for (let i = 0; i < 240; i += 1) {
      const answer = await fetch(opts.url).then((r) => r.json(), () => undefined);
      if (answer) return answer;
      if (server.exitCode !== null) throw new Error(`${command} ${args.join(' ')} exited ${server.exitCode}: ${stderr}`);
      await new Promise((r) => setTimeout(r, 250));
    }
    throw new Error(`${command} ${args.join(' ')} did not answer within a minute: ${stderr}`);
  } finally {
    if (server.exitCode === null) process.kill(-server.pid!, 'SIGKILL');
  }
}
