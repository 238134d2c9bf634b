import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { redact } from '../../src/core/fingerprint.js';
import { useFakeProvider } from '../support/fake-provider.js';
import { hasPrivateKeyring as hasKeychain } from '../support/keychain.js';
import { KEY, startPty, type PtySession } from '../support/pty.js';
import { openaiApp, type TestProject } from '../support/repo.js';

// The hidden key prompt of `keyward setup` as people paste into it: the built bin in a real
// pseudo-terminal, the fake provider server on 127.0.0.1 for the test calls, the .env file read back.
const fake = useFakeProvider();

const PASTE = 'Paste your OpenAI key';

function app(name: string): TestProject {
  return openaiApp(name, { '.gitignore': '.env\n' });
}

/** Starts the wizard and answers OpenAI and the .env file; the hidden key prompt is next. */
async function toKeyPrompt(p: TestProject): Promise<PtySession> {
  const s = startPty(['setup'], { cwd: p.dir, env: { OPENAI_BASE_URL: fake.baseURL, OPENAI_API_KEY: undefined } });
  await s.answer('Which provider is this key for?', KEY.enter);
  await s.answer('Where should the key live?', (hasKeychain ? KEY.down : '') + KEY.enter);
  return s;
}

/** Confirms the store and declines the hook; the wizard ends. */
async function finish(s: PtySession): Promise<void> {
  await s.answer(/Store sk-proj-….{4} in \.env/, KEY.enter);
  await s.answer('Install a git pre-commit hook', `n${KEY.enter}`);
  expect((await s.exit).code).toBe(0);
}

/** What setup says after Enter for a good OpenAI project key. */
const received = (key: string) => `✓ Received an OpenAI project key: ${redact(key, 'sk-proj-')}, ${key.length} characters.`;

/** The requests the fake provider saw that carried `text` in their key. */
const sentWith = (text: string) => fake.requests.filter((q) => q.authorization?.includes(text));

/** Text without its whitespace: a sentence is found on screen wherever the window wrapped it. */
const squash = (text: string) => text.replace(/\s+/g, '');

function expectNoKey(s: PtySession, ...keys: string[]): void {
  for (const k of keys) {
    expect(s.raw()).not.toContain(k.slice(14, 40));
    expect(s.raw()).not.toContain(k.slice(-12));
  }
}

describe('the hidden key prompt tells what arrived, without showing it', () => {
  it("another provider's key, declined as such, is cleared: the right key pasted next is stored alone, not joined to it", async () => {
    const p = app('paste-wrong-app');
    const anthropic = fake.key('ok', 'anthropic');
    const good = fake.key('ok');
    const s = await toKeyPrompt(p);
    await s.answer(PASTE, `${anthropic}${KEY.enter}`);
    // The menu starts on "Use it as an Anthropic key"; "Paste OpenAI's key" is one down.
    await s.answer(/That is an Anthropic key[\s\S]*What now\?/, KEY.down + KEY.enter);
    await s.answer(PASTE, `${good}${KEY.enter}`);
    await finish(s);
    expect(readFileSync(join(p.dir, '.env'), 'utf8')).toBe(`OPENAI_API_KEY=${good}\n`);
    const screen = squash(s.screen());
    expect(screen).toContain(squash(`▲ That is an Anthropic key, not an OpenAI key (${redact(anthropic, 'sk-ant-api03-')}, 108 characters); nothing was sent.`));
    expect(screen).toContain(squash(received(good)));
    expect(sentWith(anthropic.slice(14, 40))).toEqual([]);
    expect(sentWith(good)).not.toEqual([]);
    expectNoKey(s, anthropic, good);
  });

  it('a quoted paste is unquoted, said so, and stored without the quotes', async () => {
    const p = app('paste-quoted-app');
    const good = fake.key('ok');
    const s = await toKeyPrompt(p);
    await s.answer(PASTE, `"${good}"${KEY.enter}`);
    await finish(s);
    expect(readFileSync(join(p.dir, '.env'), 'utf8')).toBe(`OPENAI_API_KEY=${good}\n`);
    expect(s.screen()).toContain(`● Removed the quotes around the key.\n${received(good)}`);
    expectNoKey(s, good);
  });

  it('a double paste keeps one copy: only that copy is sent and stored', async () => {
    const p = app('paste-double-app');
    const good = fake.key('ok');
    const s = await toKeyPrompt(p);
    await s.answer(PASTE, `${good}${good}${KEY.enter}`);
    await finish(s);
    expect(readFileSync(join(p.dir, '.env'), 'utf8')).toBe(`OPENAI_API_KEY=${good}\n`);
    expect(s.screen()).toContain(`● You pasted the key twice; keeping one copy.\n${received(good)}`);
    const sent = sentWith(good.slice(8, 40));
    expect(sent.length).toBeGreaterThan(0);
    expect(sent.every((q) => q.authorization === `Bearer ${good}`)).toBe(true);
    expectNoKey(s, good);
  });
});
