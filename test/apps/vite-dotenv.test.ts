import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { fingerprint } from '../../src/core/fingerprint.js';
import type { Report } from '../../src/core/report.js';
import { appEnv, askServer, npm, writeViteExpressApp } from '../support/app-server.js';
import { runCli } from '../support/cli.js';
import { fakeKey } from '../support/keys.js';
import { makeProject, type TestProject } from '../support/repo.js';

// The shape of openai/openai-realtime-console: an Express server that runs `import "dotenv/config"`
// and serves Vite in middleware mode. Vite loads .env.local only for the VITE_ names it ships to
// the browser, so the server's key must be in .env; the doctor used to say ".env.local wins".
const NAME = 'vite-dotenv-app';
let app: TestProject;

beforeAll(() => {
  app = makeProject({ name: NAME });
  app.write('package.json', JSON.stringify({ name: NAME, private: true, type: 'module', scripts: { start: 'node server.js' }, dependencies: { dotenv: '^17', express: '^5', vite: '^7' } }));
  app.write('.gitignore', 'node_modules\n.env*\n!.env.example\n');
  app.write('.env.example', 'OPENAI_API_KEY="<your-key-here>"\n');
  writeViteExpressApp(app, 'dotenv/config');
  app.commit('init');
  npm(['install'], app.dir);
});

const ask = (port: number) => askServer('node', ['server.js'], { cwd: app.dir, env: { ...appEnv({ PORT: String(port) }), OPENAI_API_KEY: undefined }, url: `http://127.0.0.1:${port}/api/key` });

async function doctor(): Promise<Report> {
  const r = await runCli(['doctor', '--json', '--offline', '--no-history'], { cwd: app.dir });
  return JSON.parse(r.stdout) as Report;
}

describe('Vite + Express + dotenv: where the server finds its key', () => {
  it('a key in .env.local never reaches the server, and the doctor says so with the line to move', async () => {
    app.write('.env.local', `OPENAI_API_KEY=${fakeKey('openai-project', 'vite-local')}\n`, 0o600);
    try {
      expect(await ask(3981)).toEqual({ atLoad: 'unset', atSsrLoad: 'unset', atRequest: 'unset' });
      const report = await doctor();
      expect(report.project!.framework).toBe('Vite with dotenv');
      expect(report.findings.filter((f) => f.rule === 'missing.key').map((f) => [f.location, f.fix])).toEqual([
        [{ file: '.env.local', line: 1 }, 'Move the OPENAI_API_KEY line from .env.local to .env, the file Vite with dotenv loads.'],
      ]);
    } finally {
      rmSync(join(app.dir, '.env.local'));
    }
  });

  it('moved to .env, it reaches the server, and the doctor finds no missing key', async () => {
    const key = fakeKey('openai-project', 'vite-env');
    app.write('.env', `OPENAI_API_KEY=${key}\n`, 0o600);
    try {
      expect(await ask(3982)).toEqual({ atLoad: fingerprint(key), atSsrLoad: fingerprint(key), atRequest: fingerprint(key) });
      const report = await doctor();
      expect(report.findings.filter((f) => f.rule.startsWith('missing.') && f.rule !== 'missing.keychain-unavailable')).toEqual([]);
      expect(report.checks.find((c) => c.id === 'keys.resolution')!.status).toBe('pass');
    } finally {
      rmSync(join(app.dir, '.env'));
    }
  });
});
