import { execFileSync } from 'node:child_process';
import { readFileSync, statSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { Finding } from '../../src/core/finding.js';
import type { CallReport } from '../../src/core/report.js';
import { createGitRunner } from '../../src/git/git.js';
import { createKeychainOpener } from '../../src/stores/keychain-backend.js';
import { accountFor, hasPrivateKeyring as hasKeychain } from '../support/keychain.js';
import { defaultProvider, keychainDecidesDefault, runSetup, type SetupFlags, type SetupPorts } from '../../src/setup/flow.js';
import { detectFramework } from '../../src/project/framework.js';
import type { HookPort, KeyTester, LoadAdvice, SetupView } from '../../src/setup/types.js';
import { fingerprint } from '../../src/core/fingerprint.js';
import { fakeKey } from '../support/keys.js';
import { gitEnv, makeProject } from '../support/repo.js';
import { scriptedPrompter, type Step } from '../support/scripted-prompter.js';

// The wizard's decisions through a scripted prompter, on real repositories and the real keychain
// of the test session. The test calls answer from a table (the real calls over HTTP are the PTY
// and live tests' job), so each branch of the flow is reached without a network.

function keychainEntry(account: string): string | null {
  try {
    return execFileSync('secret-tool', ['lookup', 'service', 'keyward', 'account', account], { encoding: 'utf8' });
  } catch {
    return null;
  }
}

type Outcome = 'ok' | 'invalid' | 'network' | 'quota' | 'rate-limit';
const FAILURE: Record<Exclude<Outcome, 'ok'>, [number | null, string]> = {
  invalid: [401, 'permission.invalid-key'],
  network: [null, 'permission.network'],
  quota: [429, 'permission.quota'],
  'rate-limit': [429, 'permission.rate-limit'],
};

function tester(outcomes: Outcome[]): KeyTester & { runs: number; keys: string[] } {
  const t = {
    runs: 0,
    keys: [] as string[],
    timeoutMs: 20_000,
    endpoint: () => 'http://127.0.0.1:9/v1',
    async run(_provider: unknown, key: { fingerprint: string }) {
      t.keys.push(key.fingerprint);
      const outcome = outcomes[t.runs++] ?? 'ok';
      const [status, rule] = outcome === 'ok' ? [200, undefined] : FAILURE[outcome];
      const call = (name: string, ok: boolean): { call: CallReport; finding: Finding | null } => ({
        call: { name, request: 'POST /chat/completions', ok, status: ok ? 200 : status, latencyMs: 1, ...(rule && !ok ? { rule } : {}) },
        finding: null,
      });
      if (outcome === 'ok') return [call('sync', true), call('async', true)];
      return [call('sync', false), { call: { ...call('async', false).call, skipped: true }, finding: null }];
    },
  };
  return t;
}

function recordingView(): SetupView & { notes: string[]; advice: LoadAdvice | null } {
  const notes: string[] = [];
  const view: SetupView & { notes: string[]; advice: LoadAdvice | null } = {
    notes,
    advice: null,
    survey: () => undefined,
    keychain: (k) => void notes.push(`keychain: ${k.status.usable ? 'available' : `unavailable (${k.status.problem.reason})`}${k.keys.map((key) => `; ${key.provider} from ${key.source}`).join('')}`),
    note: (level, text) => void notes.push(`${level}: ${text}`),
    testCalls: async (_target, run) => run(() => undefined),
    done: (changes, advice) => {
      notes.push(...changes.flatMap((c) => [`done: ${c.what}`, ...(c.warning ? [`  ▲ ${c.warning}`] : [])]));
      view.advice = advice;
    },
  };
  return view;
}

async function setup(dir: string, steps: Step[] | null, flags: SetupFlags = {}, outcomes: Outcome[] = ['ok'], stdin = '', extra: Partial<SetupPorts> & { keychainEnv?: NodeJS.ProcessEnv } = {}) {
  const prompter = steps ? scriptedPrompter(steps) : null;
  const view = recordingView();
  const test = tester(outcomes);
  const { keychainEnv, ...ports } = extra;
  const io = { root: dir, env: {}, git: createGitRunner(gitEnv()), keychain: createKeychainOpener({ platform: process.platform, env: keychainEnv ?? process.env, node: process.execPath }), platform: 'linux' as const, now: () => new Date(), version: '0', stateDir: join(dir, '.state') };
  const run = runSetup(io, flags, { prompter, view, test, readStdin: async () => stdin, ...ports });
  return { run, view, test, prompter };
}

describe('the setup flow', () => {
  it.skipIf(!hasKeychain)('asks provider, store and key, tests it, asks before storing, and stores it in the keychain', async () => {
    const p = makeProject({ name: 'flow-app' });
    const key = fakeKey('openai-project', 'flow');
    const s = await setup(p.dir, [
      { select: /Which provider/, answer: 'openai' },
      { select: /Where should the key live/, answer: 'keychain' },
      { secret: /Paste your OpenAI key/, answer: fakeKey('groq', 'x') },
      // A Groq key, declined as such: the OpenAI key is asked for again.
      { select: /What now\?/, answer: 'paste' },
      { secret: /Paste your OpenAI key/, answer: `'${key}'` },
      { confirm: /Store sk-proj-….{4} in the OS keychain \(service keyward, account openai\/flow-app@[0-9a-f]{12}\)\?/, answer: true },
    ]);
    await expect(s.run).resolves.toEqual({ stored: true, provider: 'openai', store: 'keychain' });
    s.prompter!.done();
    expect(keychainEntry(accountFor('openai', 'flow-app', p.dir))).toBe(key);
    execFileSync('secret-tool', ['clear', 'service', 'keyward', 'account', accountFor('openai', 'flow-app', p.dir)]);
    expect(s.test.runs).toBe(1);
    expect(existsSync(join(p.dir, '.env'))).toBe(false);
  });

  it('explains an admin key and stores nothing without an explicit yes', async () => {
    const p = makeProject({ name: 'admin-app' });
    const admin = fakeKey('openai-admin', 'adm');
    const good = fakeKey('openai-project', 'good');
    const s = await setup(p.dir, [
      { select: /Where should the key live/, answer: 'dotenv' },
      { secret: /Paste/, answer: admin },
      { confirm: /Store this admin key anyway\?/, answer: false },
      { secret: /Paste/, answer: good },
      { confirm: /Store sk-proj-/, answer: true },
      { confirm: /Add "\/\.env" to \.gitignore\?/, answer: true },
    ], { provider: 'openai' });
    await s.run;
    s.prompter!.done();
    expect(s.view.notes.join('\n')).toMatch(/admin key: it manages the whole organization/);
    expect(readFileSync(join(p.dir, '.env'), 'utf8')).toBe(`OPENAI_API_KEY=${good}\n`);
  });

  it('offers another key when the test fails, and stores only the one that passed', async () => {
    const p = makeProject({ name: 'retry-app' });
    const bad = fakeKey('openai-project', 'bad');
    const good = fakeKey('openai-project', 'good2');
    const s = await setup(p.dir, [
      { secret: /Paste/, answer: bad },
      { select: /OpenAI rejected the key you pasted as invalid or revoked\. What now\?/, answer: 'another' },
      { secret: /Paste/, answer: good },
      { confirm: /Store/, answer: true },
      { confirm: /gitignore/, answer: false },
    ], { provider: 'openai', store: 'dotenv' }, ['invalid', 'ok']);
    await s.run;
    s.prompter!.done();
    expect(readFileSync(join(p.dir, '.env'), 'utf8')).toBe(`OPENAI_API_KEY=${good}\n`);
    expect(existsSync(join(p.dir, '.gitignore'))).toBe(false);
    expect(s.view.notes.join('\n')).toMatch(/git does not ignore \.env/);
  });

  it('replaces the one line in an existing .env, keeps every other byte, and untracks a committed .env after a yes', async () => {
    const p = makeProject({ name: 'edit-app' });
    const old = fakeKey('openai-project', 'old');
    p.write('.env', `# settings\r\nexport OPENAI_API_KEY=${old}\r\nDEBUG=1`, 0o644);
    p.commit('env');
    const key = fakeKey('openai-project', 'new');
    const s = await setup(p.dir, [
      { secret: /Paste/, answer: key },
      { confirm: /Store/, answer: true },
      { confirm: /tracked by git\. Stop tracking it/, answer: true },
      { confirm: /gitignore/, answer: true },
    ], { provider: 'openai', store: 'dotenv' });
    await s.run;
    s.prompter!.done();
    expect(readFileSync(join(p.dir, '.env'), 'utf8')).toBe(`# settings\r\nexport OPENAI_API_KEY=${key}\r\nDEBUG=1`);
    expect(statSync(join(p.dir, '.env')).mode & 0o777).toBe(0o600);
    expect(p.git('ls-files', '.env').trim()).toBe('');
    expect(s.view.notes.join('\n')).toMatch(/done: Stopped tracking \.env/);
    expect(readFileSync(join(p.dir, '.env.example'), 'utf8')).toBe('OPENAI_API_KEY=\n');
  });

  it('without a terminal names the missing flag, and with every flag asks nothing', async () => {
    const p = makeProject({ name: 'flags-app' });
    await expect((await setup(p.dir, null)).run).rejects.toMatchObject({ kind: 'needs-answer', message: expect.stringContaining('--provider') });
    await expect((await setup(p.dir, null, { provider: 'openai' })).run).rejects.toMatchObject({ message: expect.stringContaining('--store') });
    await expect((await setup(p.dir, null, { provider: 'openai', store: 'dotenv' })).run).rejects.toMatchObject({ message: expect.stringContaining('--key-stdin') });
    const key = fakeKey('openai-project', 'flags');
    await expect((await setup(p.dir, null, { provider: 'openai', store: 'dotenv', keyStdin: true }, ['ok'], `${key}\n`)).run).rejects.toMatchObject({ message: expect.stringContaining('--yes') });
    expect(existsSync(join(p.dir, '.env'))).toBe(false);
    const s = await setup(p.dir, null, { provider: 'openai', store: 'dotenv', keyStdin: true, yes: true }, ['ok'], `${key}\n`);
    await expect(s.run).resolves.toMatchObject({ stored: true });
    expect(readFileSync(join(p.dir, '.env'), 'utf8')).toBe(`OPENAI_API_KEY=${key}\n`);
    expect(readFileSync(join(p.dir, '.gitignore'), 'utf8')).toBe('/.env\n');
  });

  it('stores nothing when the key fails its test without a terminal', async () => {
    const p = makeProject({ name: 'failtest-app' });
    const s = await setup(p.dir, null, { provider: 'openai', store: 'dotenv', keyStdin: true, yes: true }, ['invalid'], fakeKey('openai-project', 'f'));
    await expect(s.run).resolves.toEqual({ stored: false, reason: 'test-failed' });
    expect(existsSync(join(p.dir, '.env'))).toBe(false);
  });

  it.skipIf(!hasKeychain)('cancelled at the confirmation changes no file and no keychain entry', async () => {
    const p = makeProject({ name: 'cancel-app' });
    const s = await setup(p.dir, [
      { secret: /Paste/, answer: fakeKey('openai-project', 'c') },
      { confirm: /Store/, answer: 'cancel' },
    ], { provider: 'openai', store: 'keychain' });
    await expect(s.run).rejects.toMatchObject({ kind: 'cancelled' });
    expect(keychainEntry('openai/cancel-app')).toBeNull();
  });
});

describe('every answer first, then the changes', () => {
  /** A hook port that records what the project held when it was offered, and what it installed. */
  function hookProbe(dir: string): HookPort & { seen: string[]; installed: number } {
    const probe = {
      seen: [] as string[],
      installed: 0,
      async offered() {
        probe.seen.push(...['.env', '.gitignore', '.env.example'].filter((f) => existsSync(join(dir, f))));
        return true;
      },
      async install() {
        probe.installed += 1;
        return 'Installed the pre-commit hook.';
      },
    };
    return probe;
  }

  it('asks the last question (the hook) before any file is written, then writes the ignore line, the key, .env.example and the hook in that order', async () => {
    const p = makeProject({ name: 'order-app' });
    const key = fakeKey('openai-project', 'order');
    const hook = hookProbe(p.dir);
    const s = await setup(p.dir, [
      { secret: /Paste/, answer: key },
      { confirm: /Store/, answer: true },
      { confirm: /Add "\/\.env" to \.gitignore\?/, answer: true },
      { confirm: /Install a git pre-commit hook/, answer: true },
    ], { provider: 'openai', store: 'dotenv' }, ['ok'], '', { hook });
    await expect(s.run).resolves.toEqual({ stored: true, provider: 'openai', store: 'dotenv' });
    s.prompter!.done();
    expect(hook.seen).toEqual([]);
    expect(s.view.notes.filter((n) => n.startsWith('done: '))).toEqual([
      'done: Added "/.env" to .gitignore.',
      `done: Created .env: OPENAI_API_KEY=${key.slice(0, 8)}…${key.slice(-4)} (mode 0600; every other line kept).`,
      'done: Created .env.example with OPENAI_API_KEY= (no value), for the next person.',
      'done: Installed the pre-commit hook.',
    ]);
    expect(readFileSync(join(p.dir, '.env'), 'utf8')).toBe(`OPENAI_API_KEY=${key}\n`);
  });

  it.skipIf(!hasKeychain)('Ctrl-C during the keychain store lets it finish, installs no hook, and says what was done and what was not', async () => {
    const p = makeProject({ name: 'kc-interrupt-app' });
    const key = fakeKey('openai-project', 'kc-interrupt');
    const hook = hookProbe(p.dir);
    const ctrlC = new AbortController();
    const account = accountFor('openai', 'kc-interrupt-app', p.dir);
    const s = await setup(p.dir, [
      { secret: /Paste/, answer: key },
      { confirm: /Store/, answer: true },
      { confirm: /Install a git pre-commit hook/, answer: true },
    ], { provider: 'openai', store: 'keychain' }, ['ok'], '', {
      hook,
      interrupt: ctrlC.signal,
      // Ctrl-C arrives while the store step is in flight (it records the date right after the keychain call).
      recordKey: async () => ctrlC.abort(),
    });
    try {
      await expect(s.run).rejects.toMatchObject({
        kind: 'cancelled',
        message: [
          'Interrupted while making the changes.',
          `  Done: Stored ${key.slice(0, 8)}…${key.slice(-4)} (${fingerprint(key)}) in the OS keychain as keyward/${account}.`,
          '  Not done: Install the pre-commit hook: run `keyward hook install`.',
        ].join('\n'),
      });
      expect(keychainEntry(account)).toBe(key);
      expect(hook.installed).toBe(0);
    } finally {
      execFileSync('secret-tool', ['clear', 'service', 'keyward', 'account', account]);
    }
  });

  it('"No" at "Store…?" ends the wizard as declined, with a line, and asks nothing more', async () => {
    const p = makeProject({ name: 'decline-app' });
    const s = await setup(p.dir, [
      { secret: /Paste/, answer: fakeKey('openai-project', 'decline') },
      { confirm: /Store/, answer: false },
    ], { provider: 'openai', store: 'dotenv' });
    await expect(s.run).resolves.toEqual({ stored: false, reason: 'declined' });
    s.prompter!.done();
    expect(s.view.notes).toContain('info: The key was not stored (you answered No); nothing was changed.');
    expect(existsSync(join(p.dir, '.env'))).toBe(false);
    expect(existsSync(join(p.dir, '.gitignore'))).toBe(false);
  });

  it('--store keychain without a usable keychain ends before the first question', async () => {
    const p = makeProject({ name: 'nokc-app' });
    const s = await setup(p.dir, [], { store: 'keychain' }, ['ok'], '', { keychainEnv: { ...process.env, DBUS_SESSION_BUS_ADDRESS: undefined, DISPLAY: undefined } });
    await expect(s.run).resolves.toMatchObject({ stored: false, reason: 'no-keychain', problem: { reason: 'no D-Bus session to reach a Secret Service (headless or SSH session)' } });
    s.prompter!.done();
  });
});

describe('after a failed test', () => {
  it('"Retry the test" calls again with the same key, never asking for it again', async () => {
    const p = makeProject({ name: 'retest-app' });
    const key = fakeKey('openai-project', 'retest');
    const s = await setup(p.dir, [
      { secret: /Paste/, answer: key },
      { select: /^OpenAI could not be reached, so the key you pasted is untested\. What now\?$/, answer: 'retest' },
      { confirm: /Store/, answer: true },
      { confirm: /gitignore/, answer: true },
    ], { provider: 'openai', store: 'dotenv' }, ['network', 'ok']);
    await expect(s.run).resolves.toMatchObject({ stored: true });
    s.prompter!.done();
    expect(s.test.keys).toEqual([fingerprint(key), fingerprint(key)]);
    expect(s.view.notes).toContain('ok: The key works: a completion and a streamed completion both answered.');
  });

  it('tells quota, rate limit and an invalid key apart, and never says "works" beside "did not pass"', async () => {
    const asked: Record<string, string> = {};
    for (const outcome of ['quota', 'rate-limit', 'invalid'] as const) {
      const p = makeProject({ name: `menu-${outcome}-app` });
      const s = await setup(p.dir, [
        { secret: /Paste/, answer: fakeKey('openai-project', `menu-${outcome}`) },
        { select: /What now\?$/, answer: 'stop' },
      ], { provider: 'openai', store: 'dotenv' }, [outcome]);
      await expect(s.run).resolves.toEqual({ stored: false, reason: 'test-failed' });
      asked[outcome] = s.prompter!.asked.at(-1)!;
      expect(s.view.notes.join('\n')).not.toContain('The key works');
    }
    expect(asked).toEqual({
      quota: 'The key you pasted is valid, but its OpenAI account is out of credit. What now?',
      'rate-limit': 'The key you pasted is valid, but OpenAI rate-limited the test calls. What now?',
      invalid: 'OpenAI rejected the key you pasted as invalid or revoked. What now?',
    });
  });

  it('"Store it anyway" stores the key and the Done screen says it is untested, with `keyward test`', async () => {
    const p = makeProject({ name: 'keep-app' });
    const key = fakeKey('openai-project', 'keep');
    const s = await setup(p.dir, [
      { secret: /Paste/, answer: key },
      { select: /could not be reached/, answer: 'keep' },
      { confirm: /Store/, answer: true },
      { confirm: /gitignore/, answer: true },
    ], { provider: 'openai', store: 'dotenv' }, ['network']);
    await expect(s.run).resolves.toMatchObject({ stored: true });
    s.prompter!.done();
    const stored = s.view.notes.findIndex((n) => n.startsWith('done: Created .env'));
    expect(s.view.notes[stored + 1]).toBe('  ▲ The key is untested (OpenAI could not be reached): run `keyward test --provider openai` to test it.');
  });
});

describe('replacing a stored key', () => {
  it('says which key it replaces, as the dashboard lists it, and where to revoke it, before asking to store', async () => {
    const p = makeProject({ name: 'replace-app' });
    const old = fakeKey('openai-project', 'replace-old');
    p.write('.gitignore', '/.env\n');
    p.write('.env', `OPENAI_API_KEY=${old}\n`, 0o600);
    const s = await setup(p.dir, [
      { secret: /Paste/, answer: fakeKey('openai-project', 'replace-new') },
      { confirm: /Store/, answer: false },
    ], { provider: 'openai', store: 'dotenv' });
    await s.run;
    expect(s.view.notes[s.view.notes.length - 2]).toBe(
      `warn: .env already holds an OpenAI key, sk-…${old.slice(-4)} (${fingerprint(old)}); storing replaces it. The old key keeps working until you revoke it at https://platform.openai.com/api-keys. \`keyward rotate\` replaces a stored key and finds its copies.`,
    );
    expect(readFileSync(join(p.dir, '.env'), 'utf8')).toBe(`OPENAI_API_KEY=${old}\n`);
  });

  it.skipIf(!hasKeychain)('a key in another store is named as one that stays, before the keychain store', async () => {
    const p = makeProject({ name: 'also-app' });
    const inFile = fakeKey('openai-project', 'also-file');
    p.write('.gitignore', '/.env\n');
    p.write('.env', `OPENAI_API_KEY=${inFile}\n`, 0o600);
    const s = await setup(p.dir, [
      { secret: /Paste/, answer: fakeKey('openai-project', 'also-new') },
      { confirm: /Store .* in the OS keychain/, answer: false },
    ], { provider: 'openai', store: 'keychain' });
    await expect(s.run).resolves.toEqual({ stored: false, reason: 'declined' });
    expect(s.view.notes.slice(-2)).toEqual([
      `info: .env also holds an OpenAI key, sk-…${inFile.slice(-4)} (${fingerprint(inFile)}); it is not changed. \`keyward rotate\` replaces a stored key and finds its copies.`,
      'info: The key was not stored (you answered No); nothing was changed.',
    ]);
  });
});

describe('how the app loads the key', () => {
  it('gives a Python project the python-dotenv line and a Node project the Node lines, with no guessed file', async () => {
    const { loadAdvice } = await import('../../src/setup/flow.js');
    expect(loadAdvice('dotenv', 'OPENAI_API_KEY', '.env', 'python').lines.map((l) => l.code)).toEqual(['from dotenv import load_dotenv; load_dotenv()']);
    expect(loadAdvice('dotenv', 'OPENAI_API_KEY', '.env', 'node').lines.map((l) => l.code)).toEqual(["import 'dotenv/config';"]);
    expect(loadAdvice('dotenv', 'OPENAI_API_KEY', '.env', 'node', undefined, { kind: 'node', entry: 'server.js', runner: 'node', module: 'esm', hasStartScript: true }).lines.map((l) => l.code)).toEqual(["import 'dotenv/config';", 'node --env-file=.env server.js']);
    expect(loadAdvice('keychain', 'OPENAI_API_KEY', null, 'python').lines.map((l) => l.code)).toEqual(['keyward run -- <start command>']);
    // Issue 11: a framework that loads the file itself gets no dotenv line.
    const next = detectFramework(new Set(['next']), new Set());
    expect(loadAdvice('dotenv', 'OPENAI_API_KEY', '.env.local', 'node', next).lines).toEqual([{ label: 'Next.js loads .env.local itself; start the app as usual', code: 'npm run dev' }]);
    expect(loadAdvice('dotenv', 'OPENAI_API_KEY', 'config/keys.env', 'node', next).lines.map((l) => l.code)).toEqual(["import { config } from 'dotenv'; config({ path: 'config/keys.env' });"]);
    // Vite loads .env files for the VITE_ names it ships to the browser, never for a server's key.
    const vite = detectFramework(new Set(['vite']), new Set());
    expect(loadAdvice('dotenv', 'OPENAI_API_KEY', '.env', 'node', vite).lines.map((l) => l.code)).toEqual(["import 'dotenv/config';"]);
    expect(loadAdvice('dotenv', 'VITE_OPENAI_API_KEY', '.env', 'node', vite).lines).toEqual([{ label: 'Vite loads .env itself; start the app as usual', code: 'npm run dev' }]);
    expect(detectFramework(new Set(['vite', 'dotenv']), new Set())).toMatchObject({ id: 'dotenv', name: 'Vite with dotenv', browserPrefixes: ['VITE_'] });
  });
});

describe('how the app gets a key stored in the keychain, from how it starts', () => {
  /** Runs the wizard with --yes into the keychain in a project of `files`, and returns the advice's code lines. */
  async function keychainAdvice(name: string, files: Record<string, string>): Promise<string[]> {
    const p = makeProject();
    for (const [file, text] of Object.entries(files)) p.write(file, text.replace('NAME', name));
    const s = await setup(p.dir, null, { provider: 'openai', store: 'keychain', keyStdin: true, yes: true }, ['ok'], fakeKey('openai-project', name));
    try {
      await expect(s.run).resolves.toEqual({ stored: true, provider: 'openai', store: 'keychain' });
      return s.view.advice!.lines.map((l) => l.code);
    } finally {
      execFileSync('secret-tool', ['clear', 'service', 'keyward', 'account', accountFor('openai', name, p.dir)]);
    }
  }

  it.skipIf(!hasKeychain)('Next.js: instrumentation.ts and serverExternalPackages', async () => {
    expect(await keychainAdvice('advice-next', { 'package.json': '{"name":"NAME","scripts":{"start":"next start"},"dependencies":{"next":"16.0.0","openai":"6.0.0"}}' })).toEqual([
      "export async function register() { if (process.env.NEXT_RUNTIME === 'nodejs') await import('keyward/config'); }",
      "serverExternalPackages: ['keyward']",
    ]);
  });

  it.skipIf(!hasKeychain)("a Node ESM app: node --import keyward/config with its start script's file", async () => {
    const files = { 'package.json': '{"name":"NAME","type":"module","scripts":{"start":"NODE_ENV=production node --env-file=.env src/server.js"}}', 'src/server.js': '' };
    expect(await keychainAdvice('advice-esm', files)).toEqual(['node --import keyward/config src/server.js', "import 'keyward/config';"]);
  });

  it.skipIf(!hasKeychain)('a CommonJS app: its package.json "main", and require as the first line', async () => {
    const files = { 'package.json': '{"name":"NAME","main":"./lib/index.js"}', 'lib/index.js': '' };
    expect(await keychainAdvice('advice-cjs', files)).toEqual(['node --import keyward/config lib/index.js', "require('keyward/config');"]);
  });

  it.skipIf(!hasKeychain)('a TypeScript app started with tsx: tsx --import keyward/config', async () => {
    expect(await keychainAdvice('advice-tsx', { 'package.json': '{"name":"NAME","scripts":{"start":"tsx server.ts"}}' })).toEqual(['tsx --import keyward/config server.ts', "import 'keyward/config';"]);
  });

  it.skipIf(!hasKeychain)('a Node app with no start script and no entry file: never `npm start`', async () => {
    expect(await keychainAdvice('advice-bare', { 'package.json': '{"name":"NAME"}' })).toEqual(["require('keyward/config');"]);
  });

  it.skipIf(!hasKeychain)("a Python app: keyward run with its start command (Procfile's web, else manage.py)", async () => {
    expect(await keychainAdvice('advice-procfile', { 'pyproject.toml': '[project]\nname = "NAME"\n', Procfile: 'web: uvicorn app.main:app --port 8000\n' })).toEqual(['keyward run -- uvicorn app.main:app --port 8000']);
    expect(await keychainAdvice('advice-django', { 'pyproject.toml': '[project]\nname = "NAME"\ndependencies = ["django"]\n', 'manage.py': '' })).toEqual(['keyward run -- python manage.py runserver']);
  });
});

describe('the provider offered first', () => {
  it('is known before the keychain answers unless the project uses several providers and one without a key in the environment or a .env file is not the first', () => {
    expect(keychainDecidesDefault([], new Set())).toBe(false);
    expect(keychainDecidesDefault(['openai'], new Set())).toBe(false);
    expect(keychainDecidesDefault(['openai', 'anthropic'], new Set(['anthropic']))).toBe(false);
    expect(keychainDecidesDefault(['openai', 'anthropic'], new Set(['openai', 'anthropic']))).toBe(false);
    expect(keychainDecidesDefault(['openai', 'anthropic'], new Set())).toBe(true);
    expect(keychainDecidesDefault(['openai', 'anthropic'], new Set(['openai']))).toBe(true);
  });

  it('is the first provider the project uses without a key, else its first provider, else OpenAI', () => {
    expect(defaultProvider(['openai', 'anthropic'], new Set(['openai']))).toBe('anthropic');
    expect(defaultProvider(['openai', 'anthropic'], new Set(['openai', 'anthropic']))).toBe('openai');
    expect(defaultProvider(['anthropic'], new Set(['anthropic']))).toBe('anthropic');
    expect(defaultProvider([], new Set())).toBe('openai');
  });
});
