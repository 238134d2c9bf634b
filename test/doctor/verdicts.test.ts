import { describe, expect, it } from 'vitest';
import type { Finding } from '../../src/core/finding.js';
import type { Report } from '../../src/core/report.js';
import { runCli } from '../support/cli.js';
import { fakeKey } from '../support/keys.js';
import { makeProject, type TestProject } from '../support/repo.js';

async function doctor(p: TestProject, args: string[], env: Record<string, string | undefined> = {}) {
  const r = await runCli(['doctor', '--json', ...args], { cwd: p.dir, env });
  return { code: r.code, stderr: r.stderr, report: JSON.parse(r.stdout) as Report };
}

/** The findings a maintainer reads: everything but the note about this machine's keychain. */
const problems = (r: Report): Finding[] => r.findings.filter((f) => f.rule !== 'missing.keychain-unavailable');

function nodeApp(name: string, extra: Record<string, unknown> = {}): TestProject {
  const p = makeProject({ name });
  p.write('package.json', JSON.stringify({ name, dependencies: { openai: '^6.0.0' }, ...extra }));
  p.write('src/chat.ts', "import OpenAI from 'openai';\nexport const client = new OpenAI();\n");
  p.commit('init', 'package.json', 'src');
  return p;
}

// Issue 11: a missing key is a problem where the key is needed.
describe('severity of a missing key', () => {
  it('is high on a developer machine, and the doctor exits 1', async () => {
    const { code, report } = await doctor(nodeApp('dev-app'), ['--offline']);
    expect(problems(report).map((f) => [f.rule, f.severity, f.title])).toEqual([['missing.key', 'high', 'No OpenAI key (OPENAI_API_KEY)']]);
    expect(code).toBe(1);
  });

  it('is a note in --ci: a repository with nothing wrong and no keys passes the gate', async () => {
    const { code, report } = await doctor(nodeApp('ci-app'), ['--ci', '--offline']);
    const [f] = problems(report);
    expect(f).toMatchObject({ rule: 'missing.key', severity: 'info' });
    expect(f!.detail).toMatch(/In --ci a missing key is a note.*--require-keys/);
    expect(report.summary).toMatchObject({ high: 0, failed: false });
    expect(report.checks.find((c) => c.id === 'keys.resolution')!.status).toBe('pass');
    expect(code).toBe(0);
  });

  it('in --ci with live calls on, makes no call when there is no key, and exits 0', async () => {
    const { code, report } = await doctor(nodeApp('ci-live-app'), ['--ci'], { OPENAI_BASE_URL: 'http://127.0.0.1:9/v1' });
    expect(report.checks.find((c) => c.id === 'permission.live')).toMatchObject({ status: 'skip', note: 'no key to test' });
    expect(report.calls).toBeUndefined();
    expect(code).toBe(0);
  });

  it('fails the gate with --require-keys', async () => {
    const { code, report } = await doctor(nodeApp('strict-app'), ['--ci', '--offline', '--require-keys']);
    expect(problems(report).map((f) => [f.rule, f.severity])).toEqual([['missing.key', 'high']]);
    expect(code).toBe(1);
  });

  it('fails the gate when package.json says keyward.requireKeys', async () => {
    const { code, report } = await doctor(nodeApp('setting-app', { keyward: { requireKeys: true } }), ['--ci', '--offline']);
    expect(problems(report).map((f) => [f.rule, f.severity])).toEqual([['missing.key', 'high']]);
    expect(code).toBe(1);
  });

  it('refuses --require-keys without --ci in one line, exit 2', async () => {
    const r = await runCli(['doctor', '--offline', '--require-keys'], { cwd: nodeApp('usage-app').dir });
    expect(r.stderr).toBe('keyward: --require-keys goes with --ci Fix: On your own machine a missing key is already a problem; pass --ci too for the deploy gate.\n');
    expect(r.code).toBe(2);
  });

  it('keeps an exposed key fatal in --ci', async () => {
    const p = nodeApp('ci-leak-app');
    p.write('.env', `OPENAI_API_KEY=${fakeKey('openai-project', 'ci-leak')}\n`, 0o600);
    p.commit('leak', '.env');
    const { code, report } = await doctor(p, ['--ci', '--offline']);
    expect(problems(report).map((f) => [f.rule, f.severity])).toEqual([['exposure.env-tracked', 'critical']]);
    expect(code).toBe(1);
  });
});

// Issue 11: a placeholder in a real .env is one finding (the key is not set), never a leak.
describe('a placeholder in a .env file', () => {
  it.each([
    ['sk-...', 'sk-...'],
    ['a run of x', 'xxxxxxx'],
    ['placeholder words', 'sk-your-key-here'],
    ['angle brackets', '<your_openai_api_key>'],
  ])('%s, committed and readable by all: one missing.key, no exposure, nothing for --fix to untrack', async (_label, value) => {
    const p = nodeApp('placeholder-app');
    p.write('.env', `OPENAI_API_KEY=${value}\n`, 0o644);
    p.commit('template', '.env');
    const { code, report } = await doctor(p, ['--offline']);
    expect(problems(report).map((f) => [f.rule, f.severity, f.title, f.location?.file])).toEqual([
      ['missing.key', 'high', 'No OpenAI key: OPENAI_API_KEY in .env line 1 is a placeholder', '.env'],
    ]);
    expect(problems(report)[0]!.secret).toBeUndefined();
    expect(code).toBe(1);
    const fix = await runCli(['doctor', '--offline', '--fix', '--dry-run'], { cwd: p.dir });
    expect(fix.stdout).not.toMatch(/git rm --cached|Stop tracking|\.gitignore/);
  });

  it('makes no live call with a placeholder: no 401 contradicts "the key is not set"', async () => {
    const p = nodeApp('placeholder-live-app');
    p.write('.gitignore', '.env\n');
    p.write('.env', 'OPENAI_API_KEY=sk-...\n', 0o600);
    const { code, report } = await doctor(p, ['--no-history']);
    expect(problems(report).map((f) => f.rule)).toEqual(['missing.key']);
    expect(report.checks.find((c) => c.id === 'permission.live')).toMatchObject({ status: 'skip', note: 'no key to test' });
    expect(report.calls).toBeUndefined();
    expect(code).toBe(1);
  });

  it('a real key beside a placeholder in one committed file: the key is reported, the placeholder is not a second leak', async () => {
    const p = nodeApp('mixed-app');
    p.write('package.json', JSON.stringify({ name: 'mixed-app', dependencies: { openai: '1', '@anthropic-ai/sdk': '1' } }));
    const key = fakeKey('openai-project', 'mixed');
    p.write('.env', `OPENAI_API_KEY=${key}\nANTHROPIC_API_KEY=sk-ant-...\n`, 0o600);
    p.commit('env', 'package.json', '.env');
    const { report } = await doctor(p, ['--offline']);
    const tracked = report.findings.filter((f) => f.rule === 'exposure.env-tracked');
    expect(tracked.map((f) => [f.title, f.secret?.redacted])).toEqual([['.env is committed to git and holds an OpenAI key (OPENAI_API_KEY)', `sk-proj-…${key.slice(-4)}`]]);
    expect(report.findings.filter((f) => f.rule.startsWith('missing.') && f.rule !== 'missing.keychain-unavailable').map((f) => f.title)).toEqual([
      'No Anthropic key: ANTHROPIC_API_KEY in .env line 2 is a placeholder',
    ]);
  });
});

// Issue 11: advice in the project's language and framework.
describe('advice in the project language and framework', () => {
  it('a key literal in a .py file is read with os.environ; in a .ts file with process.env', async () => {
    const p = makeProject({ name: 'polyglot' });
    p.write('requirements.txt', 'openai\n');
    p.write('app.py', `import openai\nclient = openai.OpenAI(api_key="${fakeKey('openai-project', 'py')}")\n`);
    p.write('web/chat.ts', `export const key = "${fakeKey('openai-project', 'ts')}";\n`);
    p.commit('init');
    const { report } = await doctor(p, ['--offline', '--no-history']);
    const fixOf = (file: string) => report.findings.find((f) => f.rule === 'exposure.source-literal' && f.location?.file === file)!.fix;
    expect(fixOf('app.py')).toContain('replace the literal with os.environ["OPENAI_API_KEY"] (import os)');
    expect(fixOf('app.py')).not.toContain('process.env');
    expect(fixOf('web/chat.ts')).toContain('replace the literal with process.env.OPENAI_API_KEY (server code only)');
  });

  it('a notebook gets its own fix', async () => {
    const p = makeProject({ name: 'notebooks' });
    p.write('explore.ipynb', JSON.stringify({ cells: [{ cell_type: 'code', source: [`client = OpenAI(api_key="${fakeKey('openai-project', 'nb')}")\n`], outputs: [] }] }, null, 1));
    p.commit('init');
    const { report } = await doctor(p, ['--offline', '--no-history']);
    const f = report.findings.find((x) => x.rule === 'exposure.source-literal')!;
    expect(f.fix).toMatch(/Read it with os\.environ\["OPENAI_API_KEY"\] instead of the literal/);
  });

  it.each([
    ['a Next.js app', { name: 'next-app', dependencies: { next: '15', openai: '6' } }, 'set OPENAI_API_KEY in .env.local: Next.js loads .env.local itself, so there is nothing to add to the code.'],
    // Vite loads .env files only for the VITE_ names it ships to the browser: a server's key needs a loader.
    ['a Vite app', { name: 'vite-app', dependencies: { vite: '6', openai: '6' } }, "set OPENAI_API_KEY in .env and load it with dotenv (`npm i dotenv`, then `import 'dotenv/config'`), or run the app with `keyward run -- npm start`."],
    ['a Vite app with dotenv', { name: 'vite-dotenv-app', dependencies: { vite: '6', openai: '6', dotenv: '16' } }, "set OPENAI_API_KEY in .env, which the app's dotenv loads (`import 'dotenv/config'`)."],
    ['a Nuxt app', { name: 'nuxt-app', dependencies: { nuxt: '3', openai: '6' } }, 'set OPENAI_API_KEY in .env: Nuxt loads .env itself, so there is nothing to add to the code.'],
    ['a Node app without a framework', { name: 'node-app', dependencies: { openai: '6' } }, "set OPENAI_API_KEY in .env and load it with dotenv (`npm i dotenv`, then `import 'dotenv/config'`), or run the app with `keyward run -- npm start`."],
    ['a Node app with dotenv', { name: 'dotenv-app', dependencies: { openai: '6', dotenv: '16' } }, "set OPENAI_API_KEY in .env, which the app's dotenv loads (`import 'dotenv/config'`)."],
  ])('%s: the missing key fix says how it loads .env', async (_label, pkg, says) => {
    const p = makeProject({ name: pkg.name });
    p.write('package.json', JSON.stringify(pkg));
    const { report } = await doctor(p, ['--offline', '--no-history']);
    const fix = report.findings.find((f) => f.rule === 'missing.key')!.fix;
    expect(fix).toContain(says);
    if (!['node-app', 'dotenv-app', 'vite-app', 'vite-dotenv-app'].includes(pkg.name)) expect(fix).not.toContain('dotenv');
  });

  // The shape of openai/openai-realtime-console: Vite in an Express server that runs `import "dotenv/config"`.
  describe('a key in a .env file the app never loads', () => {
    const viteExpress = (name: string, server: string) => {
      const p = makeProject({ name });
      p.write('package.json', JSON.stringify({ name, type: 'module', scripts: { start: 'node server.js' }, dependencies: { dotenv: '^16', express: '^4', vite: '^5' } }));
      p.write('server.js', `import express from "express";\n${server}\nconst apiKey = process.env.OPENAI_API_KEY;\n`);
      p.write('.gitignore', '.env*\n!.env.example\n');
      p.write('.env.example', 'OPENAI_API_KEY="<your-key-here>"\n');
      p.commit('init');
      return p;
    };

    it('is named with its line, and the fix moves it to the file the loader reads', async () => {
      const p = viteExpress('realtime-console', 'import "dotenv/config";');
      p.write('.env.local', `# mine\nOPENAI_API_KEY=${fakeKey('openai-project', 'unloaded')}\n`, 0o600);
      const { code, report } = await doctor(p, ['--offline', '--no-history']);
      expect(report.project!.framework).toBe('Vite with dotenv');
      expect(problems(report).map((f) => [f.rule, f.severity, f.location, f.fix])).toEqual([
        ['missing.key', 'high', { file: '.env.local', line: 2 }, 'Move the OPENAI_API_KEY line from .env.local to .env, the file Vite with dotenv loads.'],
      ]);
      // The keychain is named where this machine has one.
      expect(problems(report)[0]!.detail).toMatch(
        /^The project uses OpenAI, but no source the app loads holds its key \(looked in the environment, (the keychain, )?no \.env file\)\. \.env\.local sets OPENAI_API_KEY, but Vite with dotenv does not load \.env\.local\.$/,
      );
      expect(code).toBe(1);
    });

    it('is the key the app uses when the code tells dotenv to load that file', async () => {
      const p = viteExpress('loads-local', 'import { config } from "dotenv";\nconfig({ path: new URL("./.env.local", import.meta.url).pathname });');
      p.write('.env.local', `OPENAI_API_KEY=${fakeKey('openai-project', 'named')}\n`, 0o600);
      const { code, report } = await doctor(p, ['--offline', '--no-history']);
      expect(problems(report)).toEqual([]);
      expect(report.checks.find((c) => c.id === 'keys.resolution')!.status).toBe('pass');
      expect(code).toBe(0);
    });

    it('in Python, load_dotenv(".env.local") makes .env.local the file that is loaded', async () => {
      const p = makeProject({ name: 'py-local' });
      p.write('requirements.txt', 'openai>=1\npython-dotenv>=1\n');
      p.write('app.py', 'from dotenv import load_dotenv\nload_dotenv(".env.local")\n');
      p.write('.gitignore', '.env*\n');
      p.commit('init');
      p.write('.env.local', `OPENAI_API_KEY=${fakeKey('openai-project', 'py-named')}\n`, 0o600);
      expect(problems((await doctor(p, ['--offline', '--no-history'])).report)).toEqual([]);
      p.write('app.py', 'from dotenv import load_dotenv\nload_dotenv()\n');
      expect(problems((await doctor(p, ['--offline', '--no-history'])).report).map((f) => [f.rule, f.fix])).toEqual([
        ['missing.key', 'Move the OPENAI_API_KEY line from .env.local to .env, the file python-dotenv loads.'],
      ]);
    });
  });

  it('a Python app is told python-dotenv with its install command, or keyward run', async () => {
    const p = makeProject();
    p.write('requirements.txt', 'openai>=1\n');
    const { report } = await doctor(p, ['--offline', '--no-history']);
    expect(report.findings.find((f) => f.rule === 'missing.key')!.fix).toContain(
      'set OPENAI_API_KEY in .env and load it with python-dotenv (`pip install python-dotenv`, then `from dotenv import load_dotenv; load_dotenv()`), or run the app with `keyward run -- python app.py`.',
    );
  });
});

describe('setup in a framework that loads .env files itself', () => {
  it('tells a Next.js app that Next.js loads .env, with no dotenv line', async () => {
    const p = makeProject({ name: 'next-setup' });
    p.write('package.json', JSON.stringify({ name: 'next-setup', dependencies: { next: '15', openai: '6' } }));
    const r = await runCli(['setup', '--provider', 'openai', '--store', 'dotenv', '--key-stdin', '--yes', '--skip-test'], {
      cwd: p.dir,
      input: fakeKey('openai-project', 'next-setup'),
    });
    expect(r.stdout).toContain('Next.js loads .env itself; start the app as usual');
    expect(r.stdout).not.toContain('dotenv');
    expect(r.code).toBe(0);
  });
});
