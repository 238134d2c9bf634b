import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, readFileSync, realpathSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { stripVTControlCharacters } from 'node:util';
import { fingerprint, redact } from '../../src/core/fingerprint.js';
import { describe, expect, it } from 'vitest';
import { useFakeProvider } from '../support/fake-provider.js';
import { KEY, startPty, type PtySession } from '../support/pty.js';
import { makeProject, openaiApp, type TestProject } from '../support/repo.js';
import { accountFor, clearEntry, hasPrivateKeyring as hasKeychain, lookupEntry, storeAsKeytar } from '../support/keychain.js';

// The wizard end to end: the built bin in a real pseudo-terminal, real keystrokes, a real git
// repository, the fake provider server for the test calls and, where the session has one, the
// real keychain read back with secret-tool.
const fake = useFakeProvider();

function app(name: string): TestProject {
  return openaiApp(name);
}

function wizard(p: TestProject, extra: Record<string, string | undefined> = {}, args: string[] = []): PtySession {
  return startPty(['setup', ...args], { cwd: p.dir, env: { OPENAI_BASE_URL: fake.baseURL, OPENAI_API_KEY: undefined, ...extra } });
}

/** The screen with Ink's and the prompt's line wrapping undone, for sentences longer than the window. */
const flat = (s: PtySession): string => s.screen().replace(/\s+/g, ' ');

/** Waits for a state the wizard reaches on its own (a file it writes), not for a time. */
async function until(what: string, done: () => boolean): Promise<void> {
  const started = Date.now();
  while (!done()) {
    if (Date.now() - started > 15_000) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

const CANCELLED = 'keyward: Cancelled; nothing was changed.';

const PASTE = 'Paste your OpenAI key';

/** Answers the first two questions (OpenAI, then the store); the hidden key prompt (PASTE) comes next. */
async function toKeyPrompt(s: PtySession, store: 'dotenv' | 'keychain' = 'dotenv'): Promise<void> {
  await s.answer('Which provider is this key for?', KEY.enter);
  // The keychain is the default where there is one: one step down to the .env file.
  await s.answer('Where should the key live?', (hasKeychain && store === 'dotenv' ? KEY.down : '') + KEY.enter);
}

function secretToolLookup(account: string): string | null {
  try {
    return execFileSync('secret-tool', ['lookup', 'service', 'keyward', 'account', account], { encoding: 'utf8' });
  } catch {
    return null;
  }
}

describe('keyward setup in a terminal', () => {
  it('stores a pasted key in .env: masked prompt, test calls, .gitignore line, .env.example, how to load', async () => {
    const p = app('pty-dotenv-app');
    const key = fake.key('ok');
    const s = wizard(p);
    await s.waitFor('Which provider is this key for?');
    expect(s.screen()).toContain('pty-dotenv-app');
    await toKeyPrompt(s);
    await s.answer(PASTE, `${key}${KEY.enter}`);
    await s.answer(/Store sk-proj-….{4} in \.env \(mode 0600\)\?/, KEY.enter);
    expect(s.screen()).toMatch(/The key works/);
    await s.answer('Add "/.env" to .gitignore?', KEY.enter);
    await s.answer('Install a git pre-commit hook that stops any commit adding a key?', KEY.enter);
    await s.waitFor('How your app gets OPENAI_API_KEY');
    const { code } = await s.exit;
    expect(code).toBe(0);
    const screen = s.screen();
    expect(screen).toMatch(/✓ sync +POST \/chat\/completions/);
    expect(screen).toMatch(/✓ async +POST \/chat\/completions stream/);
    expect(screen).toContain("import 'dotenv/config';");
    // A Node project gets the Node lines only.
    expect(screen).not.toContain('load_dotenv');
    expect(s.raw()).not.toContain(key);
    expect(s.raw()).not.toContain(key.slice(8, 40));
    expect(readFileSync(join(p.dir, '.env'), 'utf8')).toBe(`OPENAI_API_KEY=${key}\n`);
    expect(statSync(join(p.dir, '.env')).mode & 0o777).toBe(0o600);
    expect(readFileSync(join(p.dir, '.gitignore'), 'utf8')).toBe('/.env\n');
    expect(readFileSync(join(p.dir, '.env.example'), 'utf8')).toBe('OPENAI_API_KEY=\n');
    expect(p.git('check-ignore', '.env').trim()).toBe('.env');
    expect(screen).toContain('Installed the pre-commit hook');
    expect(readFileSync(join(p.dir, '.git/hooks/pre-commit'), 'utf8')).toContain('scan --staged');
  });

  it.skipIf(!hasKeychain)('stores the key in the OS keychain, readable with secret-tool, and says how to run the app', async () => {
    const p = app('pty-keychain-app');
    const key = fake.key('ok');
    const s = wizard(p);
    await toKeyPrompt(s, 'keychain');
    await s.answer(PASTE, `${key}${KEY.enter}`);
    await s.answer(/Store sk-proj-….{4} in the OS keychain/, KEY.enter);
    await s.answer('Install a git pre-commit hook', `n${KEY.enter}`);
    // No start script: the line for the entry file, never `keyward run -- npm start`.
    await s.waitFor("require('keyward/config');");
    expect((await s.exit).code).toBe(0);
    expect(secretToolLookup(accountFor('openai', 'pty-keychain-app', p.dir))).toBe(key);
    expect(existsSync(join(p.dir, '.env'))).toBe(false);
    expect(s.raw()).not.toContain(key.slice(8, 40));
    execFileSync('secret-tool', ['clear', 'service', 'keyward', 'account', accountFor('openai', 'pty-keychain-app', p.dir)]);
  });

  it('explains a failing key and lets the person enter another one', async () => {
    const p = app('pty-retry-app');
    const bad = fake.key('invalid-key');
    const good = fake.key('ok');
    const s = wizard(p);
    await toKeyPrompt(s);
    await s.answer(PASTE, `${bad}${KEY.enter}`);
    // Enter takes the default, "Enter another key", for a key the provider rejected.
    await s.answer('OpenAI rejected the key you pasted as invalid or revoked. What now?', KEY.enter);
    expect(s.screen()).toMatch(/permission\.invalid-key/);
    // The prompt again, below the first one and the question.
    await s.answer(PASTE, `${good}${KEY.enter}`);
    expect(s.screen()).toMatch(/Paste your OpenAI key[\s\S]*What now\?[\s\S]*Paste your OpenAI key/);
    await s.answer(/Store sk-proj-….{4} in \.env/, KEY.enter);
    expect(s.screen()).toContain('The key works');
    await s.answer('Add "/.env" to .gitignore?', KEY.enter);
    await s.answer('Install a git pre-commit hook', `n${KEY.enter}`);
    expect((await s.exit).code).toBe(0);
    expect(existsSync(join(p.dir, '.git/hooks/pre-commit'))).toBe(false);
    expect(readFileSync(join(p.dir, '.env'), 'utf8')).toBe(`OPENAI_API_KEY=${good}\n`);
    expect(s.raw()).not.toContain(bad.slice(8, 40));
  });

  it('checks the key as it is entered: another provider\'s key is named under the prompt, and Ctrl-C at the choice exits 130', async () => {
    const p = app('pty-check-app');
    const s = wizard(p);
    await toKeyPrompt(s);
    const anthropic = fake.key('ok', 'anthropic');
    await s.answer(PASTE, `${anthropic}${KEY.enter}`);
    await s.waitFor('That is an Anthropic key, not an OpenAI key');
    s.interrupt();
    expect((await s.exit).code).toBe(130);
    expect(s.raw()).not.toContain(anthropic.slice(14, 40));
  });

  it("another provider's key can be used as that provider's key: nothing is sent before the choice, and the .env gets that provider's variable", async () => {
    const p = app('pty-switch-app');
    const anthropic = fake.key('ok', 'anthropic');
    const sent = () => fake.requests.filter((q) => q.authorization === `Bearer ${anthropic}`).length;
    const s = wizard(p, { ANTHROPIC_BASE_URL: fake.baseURL, ANTHROPIC_API_KEY: undefined });
    await toKeyPrompt(s);
    await s.answer(PASTE, `${anthropic}${KEY.enter}`);
    await s.waitFor("Paste OpenAI's key");
    expect(sent()).toBe(0);
    const shown = `${redact(anthropic, 'sk-ant-api03-')}, ${anthropic.length} characters`;
    // Without whitespace: the line is found wherever the window wrapped it.
    expect(s.screen().replace(/\s+/g, '')).toContain(`▲ That is an Anthropic key, not an OpenAI key (${shown}); nothing was sent.`.replace(/\s+/g, ''));
    expect(s.screen()).toContain("? What now?\n❯ Use it as an Anthropic key\n  Paste OpenAI's key\n");
    expect(s.screen()).toContain('❯ Use it as an Anthropic key');
    await s.answer('What now?', KEY.enter);
    await s.answer(/Store sk-ant-api03-….{4} in \.env \(mode 0600\)\?/, KEY.enter);
    await s.answer('Add "/.env" to .gitignore?', KEY.enter);
    await s.answer('Install a git pre-commit hook', `n${KEY.enter}`);
    expect((await s.exit).code).toBe(0);
    expect(s.screen().replace(/\s+/g, '')).toContain(`✓ Received an Anthropic API key: ${shown}.`.replace(/\s+/g, ''));
    expect(s.screen()).toContain('How your app gets ANTHROPIC_API_KEY');
    expect(sent()).toBeGreaterThan(0);
    expect(readFileSync(join(p.dir, '.env'), 'utf8')).toBe(`ANTHROPIC_API_KEY=${anthropic}\n`);
    expect(readFileSync(join(p.dir, '.env.example'), 'utf8')).toBe('ANTHROPIC_API_KEY=\n');
    expect(s.raw()).not.toContain(anthropic.slice(14, 40));
  });

  const steps: Array<[string, (s: PtySession) => Promise<void>]> = [
    ['at the provider question', async (s) => s.waitFor('Which provider is this key for?')],
    ['at the store question', async (s) => {
      await s.answer('Which provider is this key for?', KEY.enter);
      await s.waitFor('Where should the key live?');
    }],
    ['halfway through pasting the key', async (s) => {
      await toKeyPrompt(s);
      await s.answer(PASTE, fake.key('ok').slice(0, 60));
    }],
    ['at the menu after a failed test', async (s) => {
      await toKeyPrompt(s);
      await s.answer(PASTE, `${fake.key('invalid-key')}${KEY.enter}`);
      await s.waitFor('What now?');
    }],
    ['at the confirmation, after the test calls', async (s) => {
      await toKeyPrompt(s);
      await s.answer(PASTE, `${fake.key('ok')}${KEY.enter}`);
      await s.waitFor(/Store sk-proj-/);
    }],
    // The key was already written at this question once; now every answer comes first.
    ['at the .gitignore question, after the consent to store', async (s) => {
      await toKeyPrompt(s);
      await s.answer(PASTE, `${fake.key('ok')}${KEY.enter}`);
      await s.answer(/Store sk-proj-/, KEY.enter);
      await s.waitFor('Add "/.env" to .gitignore?');
    }],
    ['at the hook question, the last one', async (s) => {
      await toKeyPrompt(s);
      await s.answer(PASTE, `${fake.key('ok')}${KEY.enter}`);
      await s.answer(/Store sk-proj-/, KEY.enter);
      await s.answer('Add "/.env" to .gitignore?', KEY.enter);
      await s.waitFor('Install a git pre-commit hook');
    }],
  ];

  it.each(steps)('Ctrl-C %s exits 130, changes nothing and says so', async (_label, reach) => {
    const p = app('pty-cancel-app');
    p.write('.env', 'OTHER=1\n', 0o644);
    const s = wizard(p);
    await reach(s);
    s.interrupt();
    expect((await s.exit).code).toBe(130);
    expect(s.screen()).toContain(CANCELLED);
    expect(readFileSync(join(p.dir, '.env'), 'utf8')).toBe('OTHER=1\n');
    expect(statSync(join(p.dir, '.env')).mode & 0o777).toBe(0o644);
    expect(existsSync(join(p.dir, '.gitignore'))).toBe(false);
    expect(existsSync(join(p.dir, '.env.example'))).toBe(false);
    expect(existsSync(join(p.dir, '.git/hooks/pre-commit'))).toBe(false);
    if (hasKeychain) expect(lookupEntry(accountFor('openai', 'pty-cancel-app', p.dir))).toBeNull();
  });

  it('Ctrl-C during the test calls erases the progress line and prints the cancelled line', async () => {
    const p = app('pty-calls-cancel-app');
    const s = wizard(p);
    await toKeyPrompt(s);
    await s.answer(PASTE, `${fake.key('slow')}${KEY.enter}`);
    await s.waitFor(/Calling OpenAI… \d+ s \(gives up at 20 s\)/);
    s.interrupt();
    expect((await s.exit).code).toBe(130);
    await s.waitFor(CANCELLED);
    expect(s.screen()).toContain('Test calls to OpenAI stopped.');
    expect(s.screen()).not.toMatch(/Calling OpenAI…/);
    expect(existsSync(join(p.dir, '.env'))).toBe(false);
    expect(existsSync(join(p.dir, '.gitignore'))).toBe(false);
  });

  it('Ctrl-C while the changes are made lets the step in flight end, stops, and lists what was done and what was not', async () => {
    const p = app('pty-apply-cancel-app');
    p.write('.env', 'OTHER=1\n', 0o644);
    // Another keyward (this test's process, alive) holds the lock of .env: the wizard adds the
    // ignore line, then waits at the .env write, where Ctrl-C reaches it.
    const lock = join(p.dir, '.git', `keyward-${createHash('sha256').update(join(realpathSync(p.dir), '.env')).digest('hex').slice(0, 16)}.lock`);
    writeFileSync(lock, String(process.pid));
    const key = fake.key('ok');
    const s = wizard(p);
    await toKeyPrompt(s);
    await s.answer(PASTE, `${key}${KEY.enter}`);
    await s.answer(/Store sk-proj-….{4} in \.env \(mode 0600\)\?/, KEY.enter);
    await s.answer('Add "/.env" to .gitignore?', KEY.enter);
    await s.answer('Install a git pre-commit hook', KEY.enter);
    await until('the .gitignore line', () => existsSync(join(p.dir, '.gitignore')));
    s.interrupt();
    expect((await s.exit).code).toBe(130);
    expect(s.screen()).toContain(
      [
        'keyward: Interrupted while making the changes.',
        '  Done: Added "/.env" to .gitignore.',
        '  Not done: Store the key in .env: run `keyward setup --provider openai --store dotenv`.',
        '  Not done: Name OPENAI_API_KEY in .env.example, for the next person: run `keyward doctor --fix`.',
        '  Not done: Install the pre-commit hook: run `keyward hook install`.',
      ].join('\n'),
    );
    expect(readFileSync(join(p.dir, '.gitignore'), 'utf8')).toBe('/.env\n');
    expect(readFileSync(join(p.dir, '.env'), 'utf8')).toBe('OTHER=1\n');
    expect(statSync(join(p.dir, '.env')).mode & 0o777).toBe(0o644);
    expect(existsSync(join(p.dir, '.env.example'))).toBe(false);
    expect(existsSync(join(p.dir, '.git/hooks/pre-commit'))).toBe(false);
    expect(s.raw()).not.toContain(key.slice(8, 40));
  });

  it('"No" at "Store…?" stores nothing, says so, and is not "Cancelled" (exit 0)', async () => {
    const p = app('pty-decline-app');
    p.write('.env', 'OTHER=1\n', 0o644);
    const key = fake.key('ok');
    const s = wizard(p);
    await toKeyPrompt(s);
    await s.answer(PASTE, `${key}${KEY.enter}`);
    await s.answer(/Store sk-proj-….{4} in \.env \(mode 0600\)\?/, `n${KEY.enter}`);
    expect((await s.exit).code).toBe(0);
    expect(s.screen()).toContain('● The key was not stored (you answered No); nothing was changed.');
    expect(s.screen()).not.toContain('Cancelled');
    expect(s.screen()).not.toContain('Add "/.env" to .gitignore?');
    expect(readFileSync(join(p.dir, '.env'), 'utf8')).toBe('OTHER=1\n');
    expect(existsSync(join(p.dir, '.gitignore'))).toBe(false);
    expect(s.raw()).not.toContain(key.slice(8, 40));
  });

  it('"Retry the test" tests the same key again, with no second paste', async () => {
    const p = app('pty-retest-app');
    const key = fake.key('overloaded-once');
    const s = wizard(p);
    await toKeyPrompt(s);
    await s.answer(PASTE, `${key}${KEY.enter}`);
    // Enter takes the default, "Retry the test", when the provider could not be reached.
    await s.answer('OpenAI could not be reached, so the key you pasted is untested. What now?', KEY.enter);
    await s.answer(/Store sk-proj-….{4} in \.env/, KEY.enter);
    expect(s.screen()).toContain('✓ The key works: a completion and a streamed completion both answered.');
    await s.answer('Add "/.env" to .gitignore?', KEY.enter);
    await s.answer('Install a git pre-commit hook', `n${KEY.enter}`);
    expect((await s.exit).code).toBe(0);
    expect(s.screen().split(PASTE).length - 1).toBe(1);
    // The same key went out again: one failed completion, then the sync and async calls of the retest.
    expect(fake.requests.filter((q) => q.authorization === `Bearer ${key}` && q.path === '/v1/chat/completions').length).toBeGreaterThan(2);
    expect(readFileSync(join(p.dir, '.env'), 'utf8')).toBe(`OPENAI_API_KEY=${key}\n`);
    expect(s.raw()).not.toContain(key.slice(8, 40));
  });

  it('a key with no credit is "valid, but" in the menu, never "works" then "did not pass", and "Store it anyway" ends with "untested" and `keyward test`', async () => {
    const p = app('pty-quota-app');
    const key = fake.key('quota');
    const s = wizard(p);
    await toKeyPrompt(s);
    await s.answer(PASTE, `${key}${KEY.enter}`);
    // Enter takes the default, "Store it anyway": the key is valid.
    await s.answer('The key you pasted is valid, but its OpenAI account is out of credit. What now?', KEY.enter);
    await s.answer(/Store sk-proj-….{4} in \.env/, KEY.enter);
    await s.answer('Add "/.env" to .gitignore?', KEY.enter);
    await s.answer('Install a git pre-commit hook', `n${KEY.enter}`);
    expect((await s.exit).code).toBe(0);
    expect(flat(s)).toContain(`✓ Created .env: OPENAI_API_KEY=${key.slice(0, 8)}…${key.slice(-4)} (mode 0600; every other line kept). ▲ The key is untested (its account had no credit): run \`keyward test --provider openai\` to test it.`);
    expect(s.screen()).not.toContain('The key works');
    expect(s.screen()).not.toContain('did not pass its test');
    expect(s.screen()).not.toContain('OPENAI_API_KEY from the environment');
    expect(s.screen()).not.toContain('keyward rotate');
    expect(readFileSync(join(p.dir, '.env'), 'utf8')).toBe(`OPENAI_API_KEY=${key}\n`);
  });

  it('a key the provider rejects is "the key you pasted", and its fix names no command for a stored key', async () => {
    const p = app('pty-words-app');
    const s = wizard(p);
    await toKeyPrompt(s);
    const key = fake.key('invalid-key');
    await s.answer(PASTE, `${key}${KEY.enter}`);
    await s.waitFor('OpenAI rejected the key you pasted as invalid or revoked. What now?');
    expect(flat(s)).toContain(`The key that was sent is sk-proj-…${key.slice(-4)}, the key you pasted, and OpenAI echoed the same prefix and last four: it was revoked, deleted, or belongs to another provider or organization.`);
    expect(flat(s)).toContain('fix: Check that the whole key was copied, with nothing before or after it. Create a key at https://platform.openai.com/api-keys and use it instead.');
    expect(s.screen()).not.toContain('from the environment');
    expect(s.screen()).not.toContain('keyward rotate');
    s.interrupt();
    expect((await s.exit).code).toBe(130);
  });

  it('shows the spinner line with the elapsed seconds and the --timeout, and names the timeout in the menu', async () => {
    const p = app('pty-timeout-app');
    const s = wizard(p, {}, ['--timeout', '2']);
    await toKeyPrompt(s);
    await s.answer(PASTE, `${fake.key('slow')}${KEY.enter}`);
    await s.waitFor('OpenAI did not answer within 2 s, so the key you pasted is untested. What now?');
    // Read from the scrollback: the line is on screen only while the call runs, and gone after.
    expect(stripVTControlCharacters(s.raw())).toMatch(/Calling OpenAI… \d+ s \(gives up at 2 s\)/);
    expect(s.screen()).not.toMatch(/Calling OpenAI…/);
    s.interrupt();
    expect((await s.exit).code).toBe(130);
    expect(existsSync(join(p.dir, '.env'))).toBe(false);
  });

  it('replacing a stored key shows the old one as the dashboard lists it, and where to revoke it, before asking', async () => {
    const p = app('pty-replace-app');
    const old = fake.key('ok');
    p.write('.gitignore', '/.env\n');
    p.write('.env', `OPENAI_API_KEY=${old}\n`, 0o600);
    const key = fake.key('ok');
    const s = wizard(p);
    await toKeyPrompt(s);
    await s.answer(PASTE, `${key}${KEY.enter}`);
    await s.answer(/Store sk-proj-….{4} in \.env/, KEY.enter);
    expect(flat(s)).toContain(
      `▲ .env already holds an OpenAI key, sk-…${old.slice(-4)} (${fingerprint(old)}); storing replaces it. The old key keeps working until you revoke it at https://platform.openai.com/api-keys. \`keyward rotate\` replaces a stored key and finds its copies. ? Store sk-proj-…${key.slice(-4)} in .env (mode 0600)?`,
    );
    await s.answer('Install a git pre-commit hook', `n${KEY.enter}`);
    expect((await s.exit).code).toBe(0);
    expect(readFileSync(join(p.dir, '.env'), 'utf8')).toBe(`OPENAI_API_KEY=${key}\n`);
    expect(s.raw()).not.toContain(old.slice(8, 40));
    expect(s.raw()).not.toContain(key.slice(8, 40));
  });

  it('--store keychain without a D-Bus session fails before asking anything: one line, its fix, exit 1', async () => {
    const p = app('pty-nodbus-app');
    const s = wizard(p, { DBUS_SESSION_BUS_ADDRESS: 'unix:path=/nonexistent/keyward-test-bus', DISPLAY: undefined }, ['--store', 'keychain']);
    expect((await s.exit).code).toBe(1);
    expect(flat(s)).toMatch(/keyward: the OS keychain cannot be used here \(the D-Bus session in DBUS_SESSION_BUS_ADDRESS does not answer \(a session that ended, or one from another login\)\); nothing was stored\. Fix: Start a Secret Service .+ Or pass --store dotenv\./);
    expect(s.screen()).not.toContain('Which provider');
    expect(existsSync(join(p.dir, '.env'))).toBe(false);
  });
});

describe('the first question does not wait for the keychain', () => {
  const PROVIDER = 'Which provider is this key for?';
  const STORE = 'Where should the key live?';

  it.skipIf(!hasKeychain)('asks the provider first, then shows what the keychain holds before the store question', async () => {
    const p = app('pty-early-app');
    const stored = fake.key('ok');
    const account = accountFor('openai', 'pty-early-app', p.dir);
    storeAsKeytar(account, stored);
    try {
      const s = wizard(p);
      await s.waitFor(PROVIDER);
      // The survey's project part is on screen with the question; the keychain's lines are not yet.
      expect(s.screen()).toContain(`(project "pty-early-app", git repository)\n  Uses: openai (dependency openai)\n  Keys: none in the environment or .env files\n\n? ${PROVIDER}`);
      expect(s.screen()).not.toContain('OS keychain');
      await s.answer(PROVIDER, KEY.enter);
      await s.waitFor(STORE);
      expect(flat(s)).toContain(`✔ ${PROVIDER} OpenAI OS keychain: available Key: openai: OPENAI_API_KEY from keychain ${account}, ${redact(stored, 'sk-proj-')} ${fingerprint(stored)} (project) ? ${STORE}`);
      s.interrupt();
      expect((await s.exit).code).toBe(130);
      expect(lookupEntry(account)).toBe(stored);
      expect(s.raw()).not.toContain(stored.slice(8, 40));
    } finally {
      clearEntry(account);
    }
  });

  it('without a D-Bus session: asks the provider, then says why the keychain cannot be used, with its fix, before the store question', async () => {
    const p = app('pty-early-nodbus-app');
    const s = wizard(p, { DBUS_SESSION_BUS_ADDRESS: 'unix:path=/nonexistent/keyward-early-bus', DISPLAY: undefined });
    await s.waitFor(PROVIDER);
    expect(s.screen()).not.toContain('OS keychain');
    await s.answer(PROVIDER, KEY.enter);
    await s.waitFor(STORE);
    expect(flat(s)).toContain(
      `✔ ${PROVIDER} OpenAI ▲ OS keychain: unavailable (the D-Bus session in DBUS_SESSION_BUS_ADDRESS does not answer (a session that ended, or one from another login)). Start a Secret Service (gnome-keyring or KeePassXC) in a D-Bus session, e.g. \`dbus-run-session -- sh -c "printf PASSWORD | gnome-keyring-daemon --unlock --components=secrets; keyward ..."\`, or keep the key in a .env file that git ignores. ? ${STORE}`,
    );
    // The keychain cannot be picked; the .env file is the default.
    expect(s.screen()).toContain('- OS keychain (recommended) unavailable: the D-Bus session');
    expect(s.screen()).toContain('❯ .env file');
    s.interrupt();
    expect((await s.exit).code).toBe(130);
  });

  it.skipIf(!hasKeychain)('in a project that uses two providers, a key in the keychain still decides which one is offered first', async () => {
    const p = makeProject({ name: 'pty-two-app' });
    p.write('package.json', JSON.stringify({ name: 'pty-two-app', dependencies: { openai: '^7.0.0', '@anthropic-ai/sdk': '^0.60.0' } }));
    p.commit('init');
    const stored = fake.key('ok');
    const account = accountFor('openai', 'pty-two-app', p.dir);
    storeAsKeytar(account, stored);
    try {
      const s = wizard(p, { ANTHROPIC_API_KEY: undefined });
      await s.waitFor(PROVIDER);
      // OpenAI has its key in the keychain: Anthropic, the provider still without one, is the default, and the keychain's lines come first.
      expect(flat(s)).toContain(`Keys: none in the environment or .env files OS keychain: available Key: openai: OPENAI_API_KEY from keychain ${account}, ${redact(stored, 'sk-proj-')} ${fingerprint(stored)} (project) ? ${PROVIDER}`);
      expect(s.screen()).toContain('❯ Anthropic');
      await s.answer(PROVIDER, KEY.enter);
      await s.waitFor(STORE);
      expect(s.screen()).toContain(`✔ ${PROVIDER} Anthropic\n? ${STORE}`);
      expect(s.screen().split('OS keychain: available').length - 1).toBe(1);
      s.interrupt();
      expect((await s.exit).code).toBe(130);
    } finally {
      clearEntry(account);
    }
  });
});

describe('the hidden key prompt', () => {
  it('echoes nothing of the key, not its length, and Ctrl-T does not reveal it', async () => {
    const p = app('pty-mask-app');
    const key = fake.key('ok');
    const s = wizard(p);
    await toKeyPrompt(s);
    await s.answer(PASTE, `${key}\x14`);
    await s.waitFor('[input is masked]');
    expect(s.screen()).not.toMatch(/\*{8}/);
    expect(s.raw()).not.toContain(key.slice(8, 24));
    s.interrupt();
    expect((await s.exit).code).toBe(130);
  });
});

describe('bare keyward in a terminal', () => {
  it('starts the wizard when no key is configured', async () => {
    const p = app('bare-app');
    const s = startPty([], { cwd: p.dir, env: { OPENAI_API_KEY: undefined, OPENAI_BASE_URL: fake.baseURL } });
    await s.waitFor('Which provider is this key for?');
    s.interrupt();
    expect((await s.exit).code).toBe(130);
  });

  it('runs the doctor when a key is configured', async () => {
    const p = app('bare-doctor-app');
    const s = startPty([], { cwd: p.dir, env: { OPENAI_API_KEY: fake.key('ok'), OPENAI_BASE_URL: fake.baseURL } });
    await s.waitFor(/No problems found|problem|warning/);
    expect(s.screen()).toContain('keyward doctor');
    expect(s.screen()).not.toContain('Which provider');
    s.interrupt();
    await s.exit;
  });
});

describe('the wizard at 60, 80 and 120 columns', () => {
  it.each([60, 80, 120])('at %i columns every line is broken at a space by keyward, none by the terminal', async (cols) => {
    const p = app(`pty-width-${cols}-app`);
    // No keychain: its reason is the longest line of the survey and a note.
    const s = startPty(['setup'], { cwd: p.dir, cols, rows: 80, env: { OPENAI_BASE_URL: fake.baseURL, OPENAI_API_KEY: undefined, DBUS_SESSION_BUS_ADDRESS: 'unix:path=/nonexistent/keyward-width-bus', DISPLAY: undefined } });
    await s.answer('Which provider is this key for?', KEY.enter);
    await s.answer('Where should the key live?', KEY.enter);
    await s.answer(PASTE, `${fake.key('ok')}${KEY.enter}`);
    await s.answer(/Store sk-proj-….{4} in \.env/, KEY.enter);
    await s.answer('.gitignore?', KEY.enter);
    await s.answer('Install a git pre-commit hook', KEY.enter);
    expect((await s.exit).code).toBe(0);
    expect(flat(s)).toContain('How your app gets OPENAI_API_KEY:');
    expect(flat(s)).toContain('the D-Bus session in DBUS_SESSION_BUS_ADDRESS does not answer');
    expect(s.overflowed()).toEqual([]);
  });
});

describe('an interrupted wizard at 60 columns', () => {
  it('breaks the list of what was done and not at spaces, with the commands whole', async () => {
    const p = app('pty-narrow-apply-app');
    const lock = join(p.dir, '.git', `keyward-${createHash('sha256').update(join(realpathSync(p.dir), '.env')).digest('hex').slice(0, 16)}.lock`);
    writeFileSync(lock, String(process.pid));
    const s = startPty(['setup'], { cwd: p.dir, cols: 60, rows: 80, env: { OPENAI_BASE_URL: fake.baseURL, OPENAI_API_KEY: undefined } });
    await toKeyPrompt(s);
    await s.answer(PASTE, `${fake.key('ok')}${KEY.enter}`);
    await s.answer(/Store sk-proj-….{4} in \.env/, KEY.enter);
    await s.answer('.gitignore?', KEY.enter);
    await s.answer('Install a git pre-commit hook', KEY.enter);
    await until('the .gitignore line', () => existsSync(join(p.dir, '.gitignore')));
    s.interrupt();
    expect((await s.exit).code).toBe(130);
    expect(s.overflowed()).toEqual([]);
    expect(s.screen()).toContain(['keyward: Interrupted while making the changes.', '  Done: Added "/.env" to .gitignore.', '  Not done: Store the key in .env: run `keyward setup', '    --provider openai --store dotenv`.'].join('\n'));
  });
});
