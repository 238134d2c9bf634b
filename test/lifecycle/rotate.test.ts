import { execFileSync } from 'node:child_process';
import { closeSync, constants, openSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { fingerprint, redact } from '../../src/core/fingerprint.js';
import { CONCURRENT_STREAMS } from '../../src/live/runner.js';
import { runCli } from '../support/cli.js';
import { accountFor, clearEntry, lookupEntry, storeAsKeytar, hasPrivateKeyring as hasSession } from '../support/keychain.js';
import { useFakeProvider } from '../support/fake-provider.js';
import { KEY, startPty, type PtySession } from '../support/pty.js';
import { makeProject, tempDir, type TestProject } from '../support/repo.js';

const fake = useFakeProvider();

/** A project whose old key is in .env and was also committed, logged and bundled. */
function leakyApp(name: string, old: string): TestProject {
  const p = makeProject({ name });
  p.write('package.json', JSON.stringify({ name, dependencies: { openai: '1' } }));
  p.write('.gitignore', '.env\nlogs/\ndist/\n');
  p.write('src/config.ts', `export const key = "${old}";\n`);
  p.commit('oops');
  p.write('src/config.ts', 'export const key = process.env.OPENAI_API_KEY;\n');
  p.commit('fix');
  p.write('logs/app.log', `2026-01-01 request with key ${old}\n`);
  p.write('dist/assets/index.js', `var k="${old}";\n`);
  return p;
}

function rotate(p: TestProject, newKey: string, state: string, extra: string[] = []) {
  return runCli(['rotate', '--provider', 'openai', '--key-stdin', '--yes', ...extra], { cwd: p.dir, input: `${newKey}\n`, env: { OPENAI_BASE_URL: fake.baseURL, XDG_STATE_HOME: state } });
}

/** design.md: a key shows only as its fingerprint and redacted form (prefix and last four), never more. */
function expectNoKey(out: string, ...keys: string[]): void {
  for (const k of keys) {
    expect(out).not.toContain(k);
    expect(out).not.toContain(k.slice(20, 40));
    expect(out).not.toContain(k.slice(-12));
  }
}

/** The key as a dashboard lists it, beside its fingerprint. */
const shown = (k: string) => `${redact(k, 'sk-proj-')} (${fingerprint(k)})`;
/** The old key as OpenAI's dashboard lists it (`sk-…` and the last four, whatever its kind), beside its fingerprint. */
const listed = (k: string) => `${redact(k, 'sk-')} (${fingerprint(k)})`;

describe('keyward rotate', () => {
  it('tests the new key, replaces the .env line, records the date, lists every copy of the old key, and says where to revoke it', async () => {
    const old = fake.key('ok');
    const fresh = fake.key('ok');
    const state = tempDir();
    const p = leakyApp('rotate-dotenv-app', old);
    p.write('.env', `# local settings\nOPENAI_API_KEY=${old}\nPORT=3000\n`, 0o600);
    const r = await rotate(p, fresh, state);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);

    expect(readFileSync(join(p.dir, '.env'), 'utf8')).toBe(`# local settings\nOPENAI_API_KEY=${fresh}\nPORT=3000\n`);
    expect(statSync(join(p.dir, '.env')).mode & 0o777).toBe(0o600);
    // The same test as setup's: one completion, then the streamed one with its concurrent streams.
    expect(fake.requests.filter((q) => q.path === '/v1/chat/completions' && q.authorization === `Bearer ${fresh}`)).toHaveLength(1 + CONCURRENT_STREAMS);

    const out = r.stdout;
    expect(out).toContain(`Replacing the OpenAI key ${listed(old)} in .env line 2.`);
    expect(out).toContain(`✓ Received an OpenAI project key: ${redact(fresh, 'sk-proj-')}, 164 characters.`);
    expect(out).toContain(`Stored ${shown(fresh)} in .env line 2`);
    expect(out).toContain('logs/app.log:1 (exposure.log)');
    expect(out).toContain('dist/assets/index.js:1 (exposure.bundle)');
    expect(out).toMatch(/src\/config\.ts:1 in git history \(since commit [0-9a-f]{12}\)/);
    expect(out).not.toMatch(/\.env:\d+ \(/);
    expect(out.trimEnd().split('\n').slice(-2)).toEqual([
      `Revoke the old key ${listed(old)} at https://platform.openai.com/api-keys`,
      'It stays valid until you revoke it there: anyone with a copy of it can still use it.',
    ]);
    expectNoKey(out, old, fresh);

    const records = JSON.parse(readFileSync(join(state, 'keyward', 'keys.json'), 'utf8')) as { keys: Array<{ fingerprint: string; store: string }> };
    expect(records.keys).toEqual([expect.objectContaining({ fingerprint: fingerprint(fresh), store: 'dotenv', project: 'rotate-dotenv-app' })]);
  });

  it('replaces nothing when the new key fails its test', async () => {
    const old = fake.key('ok');
    const bad = fake.key('invalid-key');
    const state = tempDir();
    const p = makeProject({ name: 'rotate-bad-app' });
    p.write('.gitignore', '.env\n');
    const before = `OPENAI_API_KEY=${old}\n`;
    p.write('.env', before, 0o600);
    const r = await rotate(p, bad, state);
    expect(r.code).toBe(1);
    expect(readFileSync(join(p.dir, '.env'), 'utf8')).toBe(before);
    expect(r.stdout).toContain(`The new key did not pass its test: nothing was replaced; ${listed(old)} is still in .env line 1.`);
    expect(r.stdout).toMatch(/✖ .*(invalid|revoked)/i);
    expect(() => readFileSync(join(state, 'keyward', 'keys.json'))).toThrow();
    expect(r.stdout + r.stderr).not.toContain(bad);
    expect(r.stdout + r.stderr).not.toContain(old);
  });

  it('a key piped in twice is stored and tested once, and says so', async () => {
    const old = fake.key('ok');
    const fresh = fake.key('ok');
    const p = makeProject({ name: 'rotate-double-app' });
    p.write('.gitignore', '.env\n');
    p.write('.env', `OPENAI_API_KEY=${old}\n`, 0o600);
    const r = await rotate(p, fresh + fresh, tempDir());
    expect(r.code).toBe(0);
    expect(r.stdout).toContain(`● You pasted the key twice; keeping one copy.\n✓ Received an OpenAI project key: ${redact(fresh, 'sk-proj-')}, 164 characters.\n`);
    expect(readFileSync(join(p.dir, '.env'), 'utf8')).toBe(`OPENAI_API_KEY=${fresh}\n`);
    const sent = fake.requests.filter((q) => q.authorization?.includes(fresh.slice(8, 40)));
    expect(sent.map((q) => q.authorization === `Bearer ${fresh}`)).toEqual(sent.map(() => true));
    expect(sent.length).toBe(1 + CONCURRENT_STREAMS);
  });

  it('without a terminal and without --key-stdin, asks for the flag (exit 2) and changes nothing', async () => {
    const old = fake.key('ok');
    const p = makeProject({ name: 'rotate-noterm-app' });
    p.write('.env', `OPENAI_API_KEY=${old}\n`, 0o600);
    const r = await runCli(['rotate', '--provider', 'openai'], { cwd: p.dir, env: { OPENAI_BASE_URL: fake.baseURL } });
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/--key-stdin/);
    expect(readFileSync(join(p.dir, '.env'), 'utf8')).toBe(`OPENAI_API_KEY=${old}\n`);
  });

  it('says there is nothing to rotate when no key is stored', async () => {
    const p = makeProject({ name: 'rotate-none-app' });
    const r = await rotate(p, fake.key('ok'), tempDir());
    expect(r.code).toBe(3);
    expect(r.stderr).toMatch(/no OpenAI key is stored for this project.*keyward setup --provider openai/);
  });

  it('Ctrl-C at the hidden prompt leaves the old key in place and says so (exit 130)', async () => {
    const old = fake.key('ok');
    const p = ptyApp('rotate-ctrlc-app', old);
    const s = rotatePty(p);
    await s.answer('Paste the new OpenAI key', 'sk-proj-partial');
    s.interrupt();
    expect((await s.exit).code).toBe(130);
    expect(readFileSync(join(p.dir, '.env'), 'utf8')).toBe(`OPENAI_API_KEY=${old}\n`);
    expectOnScreen(s, `Cancelled; nothing was replaced; ${listed(old)} is still in .env line 1.`);
    expectNoKey(s.raw(), old);
  });
});

/** A project whose OpenAI key is in .env, ignored by git. */
function ptyApp(name: string, old: string): TestProject {
  const p = makeProject({ name });
  p.write('.gitignore', '.env\n');
  p.write('.env', `OPENAI_API_KEY=${old}\n`, 0o600);
  return p;
}

function rotatePty(p: TestProject): PtySession {
  return startPty(['rotate', '--provider', 'openai'], { cwd: p.dir, env: { OPENAI_BASE_URL: fake.baseURL, OPENAI_API_KEY: undefined, XDG_STATE_HOME: tempDir() } });
}

/** Text without its whitespace: a sentence is found on screen wherever the window wrapped it, even mid-word. */
const squash = (text: string) => text.replace(/\s+/g, '');

/** Asserts that the screen shows `sentence`, however it was wrapped. */
function expectOnScreen(s: PtySession, sentence: string): void {
  expect(squash(s.screen())).toContain(squash(sentence));
}

const PASTE_NEW = 'Paste the new OpenAI key';

describe('keyward rotate in a terminal', () => {
  it('says what arrived, shows the test calls, asks with both keys as dashboards show them, then replaces', async () => {
    const old = fake.key('ok');
    const fresh = fake.key('ok');
    const p = ptyApp('rotate-pty-app', old);
    const s = rotatePty(p);
    await s.answer(PASTE_NEW, `${fresh}${KEY.enter}`);
    await s.answer(/Replace sk-…/, KEY.enter);
    expectOnScreen(s, `Replace ${listed(old)} with ${shown(fresh)} in .env line 1?`);
    expect((await s.exit).code).toBe(0);
    expect(readFileSync(join(p.dir, '.env'), 'utf8')).toBe(`OPENAI_API_KEY=${fresh}\n`);
    const screen = s.screen();
    expect(screen).toContain(`✓ Received an OpenAI project key: ${redact(fresh, 'sk-proj-')}, 164 characters.`);
    expect(screen).toMatch(/✓ sync +POST \/chat\/completions/);
    expect(screen).toMatch(/✓ async +POST \/chat\/completions stream/);
    expectOnScreen(s, `Revoke the old key ${listed(old)} at https://platform.openai.com/api-keys`);
    expectNoKey(s.raw(), old, fresh);
  });

  it("a paste of another provider's key joined to the new one is refused and never sent; the next paste stands alone", async () => {
    const old = fake.key('ok');
    const fresh = fake.key('ok');
    const anthropic = fake.key('ok', 'anthropic');
    const p = ptyApp('rotate-joined-app', old);
    const s = rotatePty(p);
    await s.answer(PASTE_NEW, `${anthropic}${fresh}${KEY.enter}`);
    await s.answer(/joined together[\s\S]*Paste the new OpenAI key/, `${fresh}${KEY.enter}`);
    await s.answer(/Replace sk-…/, KEY.enter);
    expect((await s.exit).code).toBe(0);
    expectOnScreen(s, "The paste holds 2 different keys joined together (an Anthropic key, then an OpenAI key); nothing was sent. Paste only OpenAI's key.");
    expect(readFileSync(join(p.dir, '.env'), 'utf8')).toBe(`OPENAI_API_KEY=${fresh}\n`);
    expect(fake.requests.filter((q) => q.authorization?.includes(anthropic.slice(14, 40)))).toEqual([]);
    expect(s.screen()).not.toMatch(/invalid or revoked/i);
    expectNoKey(s.raw(), old, fresh, anthropic);
  });

  it('after a failed test, "Retry the test" tests the same key again and "Cancel" replaces nothing', async () => {
    const old = fake.key('ok');
    const bad = fake.key('invalid-key');
    const p = ptyApp('rotate-retry-app', old);
    const s = rotatePty(p);
    const calls = () => fake.requests.filter((q) => q.authorization === `Bearer ${bad}`).length;
    await s.answer(PASTE_NEW, `${bad}${KEY.enter}`);
    // The menu starts on "Paste another key" for a refused key; "Retry the test" is one up.
    await s.answer('The new key did not pass its test. What now?', KEY.up + KEY.enter);
    const first = calls();
    expect(first).toBeGreaterThan(0);
    await s.answer(/Retry the test[\s\S]*sync[\s\S]*What now\?/, KEY.down + KEY.enter);
    expect((await s.exit).code).toBe(1);
    expect(calls()).toBe(2 * first);
    expect(readFileSync(join(p.dir, '.env'), 'utf8')).toBe(`OPENAI_API_KEY=${old}\n`);
    expectOnScreen(s, `The new key did not pass its test: nothing was replaced; ${listed(old)} is still in .env line 1.`);
    expectNoKey(s.raw(), old, bad);
  });

  it('"No" at the last question is not a cancellation: nothing replaced, said so, exit 0', async () => {
    const old = fake.key('ok');
    const p = ptyApp('rotate-no-app', old);
    const s = rotatePty(p);
    await s.answer(PASTE_NEW, `${fake.key('ok')}${KEY.enter}`);
    await s.answer(/Replace sk-…/, `n${KEY.enter}`);
    expect((await s.exit).code).toBe(0);
    expect(readFileSync(join(p.dir, '.env'), 'utf8')).toBe(`OPENAI_API_KEY=${old}\n`);
    expectOnScreen(s, `Not replaced: ${listed(old)} is still in .env line 1.`);
    expect(s.screen()).not.toContain('Cancelled');
  });

  it('Ctrl-C at the last question, after the test, leaves the .env file byte for byte', async () => {
    const old = fake.key('ok');
    const p = ptyApp('rotate-confirm-app', old);
    const s = rotatePty(p);
    await s.answer(PASTE_NEW, `${fake.key('ok')}${KEY.enter}`);
    await s.waitFor(/Replace sk-…/);
    s.interrupt();
    expect((await s.exit).code).toBe(130);
    expect(readFileSync(join(p.dir, '.env'), 'utf8')).toBe(`OPENAI_API_KEY=${old}\n`);
    expect(statSync(join(p.dir, '.env')).mode & 0o777).toBe(0o600);
    expectOnScreen(s, `Cancelled; nothing was replaced; ${listed(old)} is still in .env line 1.`);
  });
});

describe('Ctrl-C in keyward rotate, outside a prompt', () => {
  it('during the test calls: the spinner is erased, nothing is replaced, and it says so (exit 130)', async () => {
    const old = fake.key('ok');
    // The fake server holds this key's calls until released: Ctrl-C lands while they run, whatever the machine's speed.
    const held = fake.key('held');
    const p = ptyApp('rotate-calls-ctrlc-app', old);
    const s = rotatePty(p);
    try {
      await s.answer(PASTE_NEW, `${held}${KEY.enter}`);
      await s.waitFor(/Calling OpenAI… \d+ s \(gives up at 20 s\)/);
      s.interrupt();
      expect((await s.exit).code).toBe(130);
    } finally {
      fake.release(held);
    }
    expect(s.screen()).toContain('Test calls to OpenAI stopped.');
    expect(s.screen()).not.toContain('Calling OpenAI…');
    expectOnScreen(s, `keyward: Cancelled; nothing was replaced; ${listed(old)} is still in .env line 1.`);
    expect(readFileSync(join(p.dir, '.env'), 'utf8')).toBe(`OPENAI_API_KEY=${old}\n`);
    expectNoKey(s.raw(), old, held);
  });

  it('during the search for copies: the new key is stored, and it says the search and the revoke are left, with their commands (exit 130)', async () => {
    const old = fake.key('ok');
    const fresh = fake.key('ok');
    const p = ptyApp('rotate-hunt-ctrlc-app', old);
    // A tag that is a named pipe: git blocks reading it when it lists every ref, which only the
    // search for copies does (the history scan), so Ctrl-C lands during the search.
    const pipe = join(p.dir, '.git', 'refs', 'tags', 'hold');
    execFileSync('mkfifo', [pipe]);
    const s = rotatePty(p);
    try {
      await s.answer(PASTE_NEW, `${fresh}${KEY.enter}`);
      await s.answer(/Replace sk-…/, KEY.enter);
      await s.waitFor('Looking for copies of the old key');
      s.interrupt();
      expect((await s.exit).code).toBe(130);
    } finally {
      // A git still waiting at the pipe gets its end of file; with none left (the abort killed it), opening fails with ENXIO.
      try {
        closeSync(openSync(pipe, constants.O_WRONLY | constants.O_NONBLOCK));
      } catch {
        // nobody was waiting
      }
    }
    expect(readFileSync(join(p.dir, '.env'), 'utf8')).toBe(`OPENAI_API_KEY=${fresh}\n`);
    for (const line of [
      'keyward: Interrupted after the new key was stored.',
      `  Done: Stored ${shown(fresh)} in .env line 1 (mode 0600; every other line kept).`,
      `  Not done: Look for copies of the old key ${listed(old)} in files, git history, logs and build output: run \`keyward scan --history\`.`,
      `  Not done: Revoke the old key ${listed(old)} at https://platform.openai.com/api-keys; it stays valid until you do.`,
    ]) {
      expectOnScreen(s, line);
    }
    expect(s.screen()).not.toContain('none found');
    expectNoKey(s.raw(), old, fresh);
  });
});

describe.skipIf(!hasSession)('keyward rotate with the OS keychain (real gnome-keyring)', () => {
  it('replaces the keychain entry where the old key was, and leaves .env alone', async () => {
    const old = fake.key('ok');
    const fresh = fake.key('ok');
    const p = makeProject({ name: 'rotate-kc-app' });
    p.write('package.json', JSON.stringify({ name: 'rotate-kc-app', dependencies: { openai: '1' } }));
    const account = accountFor('openai', 'rotate-kc-app', p.dir);
    storeAsKeytar(account, old);
    try {
      const state = tempDir();
      const r = await rotate(p, fresh, state);
      expect(r.code).toBe(0);
      expect(lookupEntry(account)).toBe(fresh);
      expect(r.stdout).toContain(`Stored ${shown(fresh)} in the OS keychain (keyward/${account}).`);
      expect(r.stdout).toContain('  none found.');
      expectNoKey(r.stdout + r.stderr, old, fresh);
      expect(readFileSync(join(state, 'keyward', 'keys.json'), 'utf8')).toContain('"store": "keychain"');

      const failed = await rotate(p, fake.key('invalid-key'), state);
      expect(failed.code).toBe(1);
      expect(lookupEntry(account)).toBe(fresh);
    } finally {
      clearEntry(account);
    }
  });

  it('Ctrl-C at the last question leaves the old keychain entry in place', async () => {
    const old = fake.key('ok');
    const p = makeProject({ name: 'rotate-kc-ctrlc-app' });
    p.write('package.json', JSON.stringify({ name: 'rotate-kc-ctrlc-app', dependencies: { openai: '1' } }));
    const account = accountFor('openai', 'rotate-kc-ctrlc-app', p.dir);
    storeAsKeytar(account, old);
    try {
      const s = rotatePty(p);
      await s.answer(PASTE_NEW, `${fake.key('ok')}${KEY.enter}`);
      await s.waitFor(/Replace sk-…/);
      s.interrupt();
      expect((await s.exit).code).toBe(130);
      expect(lookupEntry(account)).toBe(old);
      expectOnScreen(s, `Cancelled; nothing was replaced; ${listed(old)} is still in the OS keychain (keyward/${account}).`);
    } finally {
      clearEntry(account);
    }
  });
});
