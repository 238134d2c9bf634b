import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { useFakeProvider } from '../support/fake-provider.js';
import { KEY, startPty, type PtySession } from '../support/pty.js';
import { makeProject, type TestProject } from '../support/repo.js';
import { accountFor, hasPrivateKeyring as hasKeychain } from '../support/keychain.js';

// The wizard end to end: the built bin in a real pseudo-terminal, real keystrokes, a real git
// repository, the fake provider server for the test calls and, where the session has one, the
// real keychain read back with secret-tool.
const fake = useFakeProvider();

function app(name: string): TestProject {
  const p = makeProject({ name });
  p.write('package.json', JSON.stringify({ name, dependencies: { openai: '^7.0.0' } }, null, 2));
  p.commit('init');
  return p;
}

function wizard(p: TestProject, extra: Record<string, string | undefined> = {}): PtySession {
  return startPty(['setup'], { cwd: p.dir, env: { OPENAI_BASE_URL: fake.baseURL, OPENAI_API_KEY: undefined, ...extra } });
}

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
    await s.answer('Install a git pre-commit hook that stops any commit that adds a key', KEY.enter);
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
    await s.answer('The key did not pass its test. What now?', KEY.enter);
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

  it('checks the key as it is entered: another provider\'s key is refused under the prompt', async () => {
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
    ['at the confirmation, after the test calls', async (s) => {
      await toKeyPrompt(s);
      await s.answer(PASTE, `${fake.key('ok')}${KEY.enter}`);
      await s.waitFor(/Store sk-proj-/);
    }],
  ];

  it.each(steps)('Ctrl-C %s exits 130 and changes nothing', async (_label, reach) => {
    const p = app('pty-cancel-app');
    p.write('.env', 'OTHER=1\n', 0o644);
    const s = wizard(p);
    await reach(s);
    s.interrupt();
    expect((await s.exit).code).toBe(130);
    expect(readFileSync(join(p.dir, '.env'), 'utf8')).toBe('OTHER=1\n');
    expect(statSync(join(p.dir, '.env')).mode & 0o777).toBe(0o644);
    expect(existsSync(join(p.dir, '.gitignore'))).toBe(false);
    expect(existsSync(join(p.dir, '.env.example'))).toBe(false);
    if (hasKeychain) expect(secretToolLookup('openai/pty-cancel-app')).toBeNull();
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
