import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli } from './support/cli.js';
import { canaryKey, fakeKey } from './support/keys.js';
import { makeProject } from './support/repo.js';

// The canary sits in every source keyward reads (environment, a committed .env, an untracked
// .env.local, a malformed line) and must come out of no command, error path or file it writes.
describe('the canary key never leaves its store', () => {
  const canary = canaryKey();
  const tail = canary.slice(-20, -4);

  function project() {
    const p = makeProject({ name: 'canary-app' });
    p.write('package.json', JSON.stringify({ name: 'canary-app', dependencies: { openai: '1', '@anthropic-ai/sdk': '1' } }));
    p.write('.env', `OPENAI_API_KEY=${canary}\nANTHROPIC_API_KEY="'${canary}'"\n`, 0o644);
    p.commit('leak');
    p.write('.env.local', `OPENAI_API_KEY=Bearer ${canary}\nGROQ_API_KEY ${canary}\n`, 0o666);
    return p;
  }

  const invocations: Array<[string, string[], Record<string, string>, number]> = [
    ['doctor (text)', ['doctor', '--offline'], {}, 1],
    ['doctor --json', ['doctor', '--offline', '--json'], {}, 1],
    ['doctor --debug --json', ['doctor', '--offline', '--json', '--debug'], {}, 1],
    ['doctor with the canary in the environment too', ['doctor', '--offline'], { OPENAI_API_KEY: `${canary} ` }, 1],
    ['doctor with another key shadowing it', ['doctor', '--offline', '--json'], { OPENAI_API_KEY: fakeKey('openai-project', 'other') }, 1],
    ['bare keyward', ['--offline'], {}, 1],
    ['a key pasted as a provider id', ['doctor', '--provider', canary], {}, 2],
    ['a key pasted as a provider id, --debug', ['doctor', '--debug', '--provider', canary], {}, 2],
    ['a key pasted as an unknown flag value', ['doctor', '--fail-on', canary], {}, 2],
    ['a key pasted as a command', [canary], {}, 2],
    ['--help', ['doctor', '--help'], {}, 0],
  ];

  it.each(invocations)('%s', async (_label, args, env, code) => {
    const p = project();
    const r = await runCli(args, { cwd: p.dir, env });
    const out = r.stdout + r.stderr;
    expect(out).not.toContain(canary);
    expect(out).not.toContain(tail);
    expect(r.code).toBe(code);
  });

  it('writes no key into a Markdown report', async () => {
    const p = project();
    const r = await runCli(['doctor', '--offline', '--markdown', 'report.md'], { cwd: p.dir });
    const md = readFileSync(join(p.dir, 'report.md'), 'utf8');
    expect(md).toMatch(/^## keyward doctor: ✖/);
    expect(md).toContain('exposure.env-tracked');
    expect(md + r.stdout + r.stderr).not.toContain(tail);
  });
});

// Issue 6: `run` prints nothing of its own, `rotate` prints fingerprints only, the hook names places and redacted forms.
describe('the canary key never leaves run, rotate or the hook', () => {
  const canary = canaryKey();
  const tail = canary.slice(-20, -4);
  const clean = (out: string) => {
    expect(out).not.toContain(canary);
    expect(out).not.toContain(tail);
  };

  function app() {
    const p = makeProject({ name: 'canary-life-app' });
    p.write('package.json', JSON.stringify({ name: 'canary-life-app', dependencies: { openai: '1' } }));
    p.write('.gitignore', '.env\n');
    p.write('.env', `OPENAI_API_KEY=${canary}\n`, 0o600);
    return p;
  }

  it.each([
    ['run, a child that prints nothing', ['run', '--', process.execPath, '-e', '0'], 0],
    ['run with a command that does not exist', ['run', '--', 'no-such-command-canary'], 127],
    ['run --provider with no key for it', ['run', '--provider', 'groq', '--', process.execPath, '-e', '0'], 2],
    ['run --mask, a child that prints the key', ['run', '--mask', '--', process.execPath, '-e', 'console.log(process.env.OPENAI_API_KEY); console.error(process.env.OPENAI_API_KEY)'], 0],
    ['run with the key pasted as the command', ['run', '--', canary], 127],
    ['run --debug', ['--debug', 'run', '--', process.execPath, '-e', '0'], 0],
  ])('%s', async (_label, args, code) => {
    const r = await runCli(args as string[], { cwd: app().dir });
    clean(r.stdout + r.stderr);
    expect(r.code).toBe(code);
  });

  it('run without --mask prints only what the child prints', async () => {
    const r = await runCli(['run', '--', process.execPath, '-e', 'console.log("child output")'], { cwd: app().dir });
    expect(r.stdout).toBe('child output\n');
    expect(r.stderr).toBe('');
  });

  it('rotate prints fingerprints only: the new key failing its test, and a key pasted as the new key', async () => {
    const { startFakeProvider } = await import('./support/fake-provider.js');
    const fake = await startFakeProvider();
    try {
      const bad = await runCli(['rotate', '--provider', 'openai', '--key-stdin', '--yes'], { cwd: app().dir, input: fake.key('echo-full-key'), env: { OPENAI_BASE_URL: fake.baseURL } });
      clean(bad.stdout + bad.stderr);
      expect(bad.code).toBe(1);
      const same = await runCli(['rotate', '--provider', 'openai', '--key-stdin', '--yes'], { cwd: app().dir, input: canary, env: { OPENAI_BASE_URL: fake.baseURL } });
      clean(same.stdout + same.stderr);
      expect(same.code).toBe(2);
      const pasted = await runCli(['rotate', '--provider', canary], { cwd: app().dir });
      clean(pasted.stdout + pasted.stderr);
      expect(pasted.code).toBe(2);
    } finally {
      await fake.close();
    }
  });

  it('the pre-commit hook names the place and the redacted form only', async () => {
    const { spawnSync } = await import('node:child_process');
    const { gitEnv } = await import('./support/repo.js');
    const p = app();
    expect((await runCli(['hook', 'install'], { cwd: p.dir })).code).toBe(0);
    p.write('src/key.ts', `export const k = "${canary}";\n`);
    p.git('add', 'src/key.ts');
    const r = spawnSync('git', ['commit', '-q', '-m', 'leak'], { cwd: p.dir, env: gitEnv(), encoding: 'utf8' });
    expect(r.status).not.toBe(0);
    expect(r.stderr).toContain('src/key.ts:1');
    clean(r.stdout + r.stderr);
  });
});

describe('the canary key never leaves its store: setup, scan, test, --fix', () => {
  const canary = canaryKey();
  const tail = canary.slice(-20, -4);
  const clean = (out: string) => {
    expect(out).not.toContain(canary);
    expect(out).not.toContain(tail);
  };

  it('setup --key-stdin: stored, refused as malformed, failing its test, --debug', async () => {
    const { startFakeProvider } = await import('./support/fake-provider.js');
    const fake = await startFakeProvider();
    try {
      const env = { OPENAI_BASE_URL: fake.baseURL };
      const runs = [
        await runCli(['setup', '--provider', 'openai', '--store', 'dotenv', '--key-stdin', '--yes'], { cwd: makeProject({ name: 'c1' }).dir, input: canary, env }),
        await runCli(['setup', '--provider', 'openai', '--store', 'dotenv', '--key-stdin', '--yes'], { cwd: makeProject({ name: 'c2' }).dir, input: `Bearer ${canary}`, env }),
        await runCli(['setup', '--provider', 'anthropic', '--store', 'dotenv', '--key-stdin', '--yes'], { cwd: makeProject({ name: 'c3' }).dir, input: canary, env }),
        await runCli(['--debug', 'setup', '--provider', 'openai', '--store', 'keychain', '--key-stdin', '--yes'], { cwd: makeProject({ name: 'c4' }).dir, input: canary, env: { ...env, DBUS_SESSION_BUS_ADDRESS: undefined } }),
      ];
      for (const r of runs) clean(r.stdout + r.stderr);
    } finally {
      await fake.close();
    }
  });

  it('scan --json and --sarif, test --json --debug, doctor --fix', async () => {
    const p = makeProject({ name: 'canary-scan-app' });
    p.write('src/app.ts', `export const key = "${canary}";\n`);
    p.write('.env', `OPENAI_API_KEY=${canary}\n`, 0o644);
    p.commit('leak');
    const scan = await runCli(['scan', '--history', '--json', '--sarif', 'out.sarif'], { cwd: p.dir });
    clean(scan.stdout + scan.stderr + readFileSync(join(p.dir, 'out.sarif'), 'utf8'));
    expect(scan.code).toBe(1);
    const test = await runCli(['test', '--json', '--debug', '--base-url', 'http://127.0.0.1:9/v1', '--timeout', '2'], { cwd: p.dir });
    clean(test.stdout + test.stderr);
    const fix = await runCli(['doctor', '--offline', '--fix', '--yes'], { cwd: p.dir });
    clean(fix.stdout + fix.stderr);
    expect(fix.stdout).toMatch(/Safe fixes/);
  });
});
