import { execFileSync, spawn } from 'node:child_process';
import { chmodSync, existsSync, lstatSync, mkdirSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'dotenv';
import { describe, expect, it } from 'vitest';
import { BIN } from '../support/cli.js';
import { makeProject } from '../support/repo.js';
import { fakeKey } from '../support/keys.js';
import { expectNoKeyIn, filesHolding, NO_KEYCHAIN, runWithin, SETUP, tree } from './helpers.js';

// The .env write under faults: a kill at any moment, two writers at once, every form of an old
// assignment dotenv reads, and environments that must refuse before the key is written.

function startSetup(dir: string, key: string, provider = 'openai') {
  const args = SETUP.map((a) => (a === 'openai' ? provider : a));
  const child = spawn(process.execPath, [BIN, ...args], {
    cwd: dir,
    env: { PATH: process.env.PATH, HOME: process.env.HOME, GIT_CONFIG_NOSYSTEM: '1', GIT_CONFIG_GLOBAL: '/dev/null', LANG: 'C.UTF-8' },
    stdio: ['pipe', 'pipe', 'pipe'],
    timeout: 60_000,
  });
  let out = '';
  child.stdout.setEncoding('utf8').on('data', (d: string) => (out += d));
  child.stderr.setEncoding('utf8').on('data', (d: string) => (out += d));
  child.stdin.end(`${key}\n`);
  const done = new Promise<{ code: number | null; signal: NodeJS.Signals | null; out: string }>((resolve) => child.on('close', (code, signal) => resolve({ code, signal, out })));
  return { child, done };
}

/** Files git would offer to commit (untracked or changed), each with whether it holds the key. */
function offered(dir: string, key: string): string[] {
  const status = execFileSync('git', ['status', '--porcelain', '--untracked-files=all', '--ignored=no'], { cwd: dir, encoding: 'utf8' });
  return status
    .split('\n')
    .filter(Boolean)
    .map((l) => l.slice(3))
    .filter((f) => existsSync(join(dir, f)) && lstatSync(join(dir, f)).isFile() && readFileSync(join(dir, f), 'latin1').includes(key.slice(10, 40)));
}

describe('a kill during setup', () => {
  it('40 SIGKILLs at random moments of setup leave no file holding the key that git would commit, and .env whole or absent', async () => {
    const p = makeProject({ name: 'kill-app' });
    p.write('.gitignore', 'node_modules\n');
    p.commit('init');
    const key = fakeKey('openai-project', 'kill');
    // One undisturbed run gives the span the kills are spread over.
    const started = Date.now();
    const full = await startSetup(p.dir, key).done;
    expect(full.code).toBe(0);
    const span = Date.now() - started;
    let interruptedWrites = 0;
    for (let trial = 0; trial < 40; trial++) {
      execFileSync('git', ['checkout', '-q', '--', '.gitignore'], { cwd: p.dir });
      for (const f of ['.env', '.env.example']) if (existsSync(join(p.dir, f))) execFileSync('rm', ['-f', join(p.dir, f)]);
      const run = startSetup(p.dir, key);
      await new Promise((r) => setTimeout(r, span * (0.3 + 0.8 * Math.random())));
      run.child.kill('SIGKILL');
      const end = await run.done;
      if (end.signal === 'SIGKILL') interruptedWrites++;
      expect(offered(p.dir, key)).toEqual([]);
      const env = existsSync(join(p.dir, '.env')) ? readFileSync(join(p.dir, '.env'), 'utf8') : null;
      expect(env === null || env === `OPENAI_API_KEY=${key}\n`).toBe(true);
      expect(end.out).not.toContain(key.slice(10, 40));
    }
    // The kills did land in the runs (not all after they ended).
    expect(interruptedWrites).toBeGreaterThan(0);
    // A later run removes what killed runs left in .git.
    expect((await startSetup(p.dir, key).done).code).toBe(0);
    expect(readdirSync(join(p.dir, '.git')).filter((n) => n.startsWith('keyward-') && n.endsWith('.tmp'))).toEqual([]);
  }, 600_000);

  it('SIGTERM during the run removes every temp and lock file', async () => {
    const p = makeProject({ name: 'term-app' });
    const key = fakeKey('openai-project', 'term');
    const started = Date.now();
    expect((await startSetup(p.dir, key).done).code).toBe(0);
    const span = Date.now() - started;
    for (let trial = 0; trial < 10; trial++) {
      const run = startSetup(p.dir, key);
      await new Promise((r) => setTimeout(r, span * (0.3 + 0.8 * Math.random())));
      run.child.kill('SIGTERM');
      await run.done;
      expect(readdirSync(join(p.dir, '.git')).filter((n) => n.startsWith('keyward-'))).toEqual([]);
      expect(readdirSync(p.dir).filter((n) => n.includes('keyward'))).toEqual([]);
    }
    expect(filesHolding(key, [p.dir], [join(p.dir, '.env')])).toEqual([]);
  }, 300_000);
});

describe('two setup runs on one .env at once', () => {
  it('20 trials: two providers written at the same moment both end up in .env, and both runs succeed', async () => {
    for (let trial = 0; trial < 20; trial++) {
      const p = makeProject({ name: `race-app-${trial}` });
      const openai = fakeKey('openai-project', `race-o-${trial}`);
      const anthropic = fakeKey('anthropic', `race-a-${trial}`);
      const [a, b] = await Promise.all([startSetup(p.dir, openai, 'openai').done, startSetup(p.dir, anthropic, 'anthropic').done]);
      expect([a.code, b.code]).toEqual([0, 0]);
      expect(parse(readFileSync(join(p.dir, '.env'), 'utf8'))).toEqual({ OPENAI_API_KEY: openai, ANTHROPIC_API_KEY: anthropic });
      expect(readFileSync(join(p.dir, '.gitignore'), 'utf8')).toBe('/.env\n');
      expect(parse(readFileSync(join(p.dir, '.env.example'), 'utf8'))).toEqual({ OPENAI_API_KEY: '', ANTHROPIC_API_KEY: '' });
      expect(readdirSync(join(p.dir, '.git')).filter((n) => n.startsWith('keyward-'))).toEqual([]);
    }
  }, 600_000);

  it('the same variable from two runs: one assignment, holding the key of the run that wrote last', async () => {
    const p = makeProject({ name: 'same-var-app' });
    const first = fakeKey('openai-project', 'same-1');
    const second = fakeKey('openai-project', 'same-2');
    const [a, b] = await Promise.all([startSetup(p.dir, first).done, startSetup(p.dir, second).done]);
    expect([a.code, b.code]).toEqual([0, 0]);
    const text = readFileSync(join(p.dir, '.env'), 'utf8');
    expect([`OPENAI_API_KEY=${first}\n`, `OPENAI_API_KEY=${second}\n`]).toContain(text);
    // The run that created the file says so; the other says it updated it: its key replaced the
    // first. (Each also names the variable in .env.example, and which of them created that file
    // depends on which reached that step first: the colon tells the two lines apart.)
    expect([a.out, b.out].map((o) => /Created \.env:/.test(o)).sort()).toEqual([false, true]);
    expect([a.out, b.out].map((o) => /Updated \.env:/.test(o)).sort()).toEqual([false, true]);
  });
});

describe('every form of an old assignment dotenv reads is replaced', () => {
  const FORMS: Array<[string, (old: string) => string, string]> = [
    ['colon form', (old) => `A=1\nOPENAI_API_KEY: ${old}\nB=2\n`, 'A=1\nOPENAI_API_KEY=NEW\nB=2\n'],
    ['multi-line double-quoted value', (old) => `A=1\nOPENAI_API_KEY="${old}\n${old}"\nB=2\n`, 'A=1\nOPENAI_API_KEY=NEW\nB=2\n'],
    ['export prefix with a comment', (old) => `export OPENAI_API_KEY=${old} # old one\nB=2\n`, 'export OPENAI_API_KEY=NEW\nB=2\n'],
    ['two assignments, CRLF', (old) => `OPENAI_API_KEY='${old}'\r\nB=2\r\nOPENAI_API_KEY = ${old}\r\n`, 'OPENAI_API_KEY=NEW\r\nB=2\r\nOPENAI_API_KEY=NEW\r\n'],
  ];
  for (const [label, before, after] of FORMS) {
    it(label, async () => {
      const p = makeProject({ name: 'forms-app' });
      const old = fakeKey('openai-project', `old-${label}`);
      p.write('.gitignore', '/.env\n');
      p.write('.env', before(old), 0o600);
      const key = fakeKey('openai-project', `new-${label}`);
      const r = await runWithin(SETUP, p.dir, `${key}\n`);
      expect(r.code).toBe(0);
      expect(readFileSync(join(p.dir, '.env'), 'utf8')).toBe(after.replaceAll('NEW', key));
      expect(parse(readFileSync(join(p.dir, '.env'), 'utf8')).OPENAI_API_KEY).toBe(key);
      expect(filesHolding(old, [p.dir])).toEqual([]);
      expectNoKeyIn(r, key);
    });
  }
});

describe('preconditions are checked before the key is written', () => {
  async function refused(prepare: (dir: string) => void) {
    const p = makeProject({ name: 'pre-app' });
    prepare(p.dir);
    const snap = tree(p.dir);
    const key = fakeKey('openai-project', 'pre');
    const r = await runWithin(SETUP, p.dir, `${key}\n`);
    expect(r.code).toBe(3);
    expect(r.stderr.split('\n')).toHaveLength(2);
    expect(r.stderr).not.toMatch(/internal error/);
    expect(tree(p.dir)).toEqual(snap);
    expect(filesHolding(key, [p.dir])).toEqual([]);
    expectNoKeyIn(r, key);
    return r.stderr;
  }

  it('a .gitignore that is a folder', async () => {
    expect(await refused((d) => mkdirSync(join(d, '.gitignore')))).toBe('keyward: .gitignore is a folder, not a file Fix: Remove or rename the folder, or pass another path.\n');
  });

  it('a .env.example that is a folder', async () => {
    expect(await refused((d) => mkdirSync(join(d, '.env.example')))).toBe('keyward: .env.example is a folder, not a file Fix: Remove or rename the folder, or pass another path.\n');
  });

  it('an HTTPS_PROXY that is not a URL, when the key is tested', async () => {
    const p = makeProject({ name: 'proxy-app' });
    const snap = tree(p.dir);
    const key = fakeKey('openai-project', 'proxy');
    const r = await runWithin(SETUP.filter((a) => a !== '--skip-test'), p.dir, `${key}\n`, { HTTPS_PROXY: 'not a url' });
    expect(r.code).toBe(3);
    expect(r.stderr).toBe('keyward: HTTPS_PROXY or HTTP_PROXY is not a URL, so the key cannot be tested; nothing was stored Fix: Set it to a URL like http://proxy.example:8080 or unset it, or pass --skip-test.\n');
    expect(tree(p.dir)).toEqual(snap);
  });

  it('.git/hooks as a file: hook install exits 3 with the reason', async () => {
    const p = makeProject();
    execFileSync('rm', ['-rf', join(p.dir, '.git/hooks')]);
    writeFileSync(join(p.dir, '.git/hooks'), 'not a folder\n');
    const r = await runWithin(['hook', 'install'], p.dir);
    expect(r.code).toBe(3);
    expect(r.stderr).toBe(`keyward: cannot use ${join(p.dir, '.git/hooks')} for git hooks: it is not a folder Fix: Move that file away (git keeps its hooks in that folder), then run \`keyward hook install\` again.\n`);
    expect(readFileSync(join(p.dir, '.git/hooks'), 'utf8')).toBe('not a folder\n');
  });

  it.skipIf(process.getuid?.() !== 0)('a project folder the user may not write to', async () => {
    const p = makeProject({ name: 'ro-app' });
    chmodSync(p.dir, 0o755);
    const snap = tree(p.dir);
    const key = fakeKey('openai-project', 'ro');
    const { runCli } = await import('../support/cli.js');
    const r = await runCli(SETUP, { cwd: p.dir, input: `${key}\n`, uid: 65534, env: { ...NO_KEYCHAIN, HOME: '/tmp', XDG_STATE_HOME: '/tmp' }, timeoutMs: 45_000 });
    expect(r.signal).toBeNull();
    expect(r.code).toBe(3);
    expect(r.stderr).toBe('keyward: .env cannot be written: its folder is not writable (EACCES) Fix: Make the project folder writable, or run keyward as its owner.\n');
    expect(tree(p.dir)).toEqual(snap);
    expect(filesHolding(key, [p.dir])).toEqual([]);
  });
});
