import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { useFakeProvider } from '../support/fake-provider.js';
import { hasPrivateKeyring as hasKeychain } from '../support/keychain.js';
import { KEY, startPty, type PtySession } from '../support/pty.js';
import { makeProject, openaiApp, tempDir, type TestProject } from '../support/repo.js';

// Issue 12: from the first question to the last the terminal stays in raw mode with echo off, and
// whatever is typed while no question listens is dropped (with the bell), never echoed or read by
// the next question. The fake provider holds a 'held' key's calls until the test releases them, so
// the test types while the calls are in flight without depending on how long they take.
const fake = useFakeProvider();

function app(name: string): TestProject {
  return openaiApp(name);
}

function wizard(p: TestProject, then?: string): PtySession {
  return startPty(['setup'], { cwd: p.dir, env: { OPENAI_BASE_URL: fake.baseURL, OPENAI_API_KEY: undefined }, ...(then ? { then } : {}) });
}

const PASTE = 'Paste your OpenAI key';
const BELL = '\x07';
// The call rows of the live view: on screen while the calls run.
const CALLS = 'POST /chat/completions';

/** Answers the provider and store questions; the hidden key prompt comes next. */
async function toKeyPrompt(s: PtySession): Promise<void> {
  await s.answer('Which provider is this key for?', KEY.enter);
  await s.answer('Where should the key live?', (hasKeychain ? KEY.down : '') + KEY.enter);
}

/** Resolves once the program has written `text` (raw output, escape codes included). */
async function untilWritten(s: PtySession, text: string): Promise<void> {
  const started = Date.now();
  while (!s.raw().includes(text)) {
    if (Date.now() - started > 15_000) throw new Error(`timed out waiting for ${JSON.stringify(text)}; screen:\n${s.screen()}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

describe('the wizard never echoes', () => {
  it('drops a second paste of the key during the test calls: not echoed, not taken by the question after them', async () => {
    const p = app('pty-second-paste-app');
    const key = fake.key('held');
    const s = wizard(p);
    await toKeyPrompt(s);
    await s.answer(PASTE, `${key}${KEY.enter}`);
    // The same paste again, and Enter, while the calls wait at the fake provider.
    await s.answer(CALLS, `${key}${KEY.enter}`);
    // The bell says the keystrokes were read and dropped; only then do the calls answer.
    await untilWritten(s, BELL);
    fake.release(key);
    await s.answer(/Store sk-proj-….{4} in \.env \(mode 0600\)\?/, KEY.enter);
    await s.answer('Add "/.env" to .gitignore?', KEY.enter);
    await s.answer('Install a git pre-commit hook', `n${KEY.enter}`);
    expect((await s.exit).code).toBe(0);
    expect(s.raw()).not.toContain(key);
    expect(s.raw()).not.toContain(key.slice(8, 40));
    expect(s.screen()).toMatch(/✔ Store sk-proj-….{4} in \.env \(mode 0600\)\? Yes/);
    expect(readFileSync(join(p.dir, '.env'), 'utf8')).toBe(`OPENAI_API_KEY=${key}\n`);
  });

  it('does not echo arrows pressed before the first question', async () => {
    const p = app('pty-early-arrows-app');
    const s = wizard(p);
    // The project summary is the first thing on screen, before the first question.
    await s.answer('keyward setup', KEY.down.repeat(3));
    await s.waitFor('Which provider is this key for?');
    s.interrupt();
    expect((await s.exit).code).toBe(130);
    expect(s.raw()).not.toContain('^[[B');
    expect(s.raw()).not.toContain('^[');
  });

  it('Ctrl-C during the test calls exits 130, stores nothing and leaves the terminal with echo on', async () => {
    const p = app('pty-calls-interrupt-app');
    const key = fake.key('held');
    const s = wizard(p, 'stty -a');
    await toKeyPrompt(s);
    await s.answer(PASTE, `${key}${KEY.enter}`);
    await s.waitFor(CALLS);
    s.interrupt();
    expect((await s.exit).code).toBe(130);
    fake.release(key);
    // `stty -a` in the same terminal after keyward: line editing and echo are back.
    const modes = s.raw().slice(s.raw().lastIndexOf('speed'));
    expect(modes).toMatch(/(?<![-\w])icanon(?![\w])/);
    expect(modes).toMatch(/(?<![-\w])echo(?![\w])/);
    expect(existsSync(join(p.dir, '.env'))).toBe(false);
    expect(s.raw()).not.toContain(key.slice(8, 40));
  });
});

describe('keyward rotate never echoes', () => {
  it('drops the new key pasted again during its test call: not echoed, not taken by the replace question', async () => {
    const old = fake.key('ok');
    const fresh = fake.key('held');
    const p = makeProject({ name: 'pty-rotate-paste-app' });
    p.write('.gitignore', '.env\n');
    p.write('.env', `OPENAI_API_KEY=${old}\n`, 0o600);
    const s = startPty(['rotate', '--provider', 'openai'], { cwd: p.dir, env: { OPENAI_BASE_URL: fake.baseURL, OPENAI_API_KEY: undefined, XDG_STATE_HOME: tempDir() } });
    await s.answer('Paste the new OpenAI key', `${fresh}${KEY.enter}`);
    await s.answer('Calling OpenAI…', `${fresh}${KEY.enter}`);
    await untilWritten(s, BELL);
    fake.release(fresh);
    await s.answer(/Replace .+\?/, KEY.enter);
    expect((await s.exit).code).toBe(0);
    expect(s.raw()).not.toContain(fresh.slice(8, 40));
    expect(s.raw()).not.toContain(old.slice(8, 40));
    expect(readFileSync(join(p.dir, '.env'), 'utf8')).toBe(`OPENAI_API_KEY=${fresh}\n`);
  });
});
