import { describe, expect, it } from 'vitest';
import { analysePaste, askForKey, pipedKey } from '../../src/checks/paste.js';
import { findProvider } from '../../src/providers/index.js';
import { fakeKey } from '../support/keys.js';

const openai = findProvider('openai')!;
const env = {};
const key = fakeKey('openai-project', 'paste');
const tail = key.slice(-4);
const received = `Received an OpenAI project key: sk-proj-…${tail}, 164 characters.`;

describe('analysePaste: what a pasted value is, cleaned or refused, before anything is sent', () => {
  it('a clean key: its provider, kind, redacted form and length', () => {
    expect(analysePaste(key, openai, env)).toEqual({ verdict: 'key', value: key, kind: 'project', notes: [], line: received });
  });

  it('the same key pasted twice, with or without a line break between: one copy kept', () => {
    const once = { verdict: 'key', value: key, kind: 'project', line: received };
    expect(analysePaste(key + key, openai, env)).toEqual({ ...once, notes: ['You pasted the key twice; keeping one copy.'] });
    expect(analysePaste(`${key}\n${key}`, openai, env)).toEqual({ ...once, notes: ['You pasted the key twice; keeping one copy.'] });
    expect(analysePaste(key + key + key, openai, env)).toEqual({ ...once, notes: ['You pasted the key 3 times; keeping one copy.'] });
  });

  it('two different keys joined (a refused paste with the next one after it): refused, nothing kept', () => {
    const anthropic = fakeKey('anthropic', 'paste');
    expect(analysePaste(anthropic + key, openai, env)).toEqual({
      verdict: 'refused',
      notes: [],
      line: "The paste holds 2 different keys joined together (an Anthropic key, then an OpenAI key); nothing was sent. Paste only OpenAI's key.",
    });
    expect(analysePaste(key + fakeKey('openai-project', 'other'), openai, env)).toMatchObject({ verdict: 'refused', line: expect.stringContaining('(an OpenAI key, then an OpenAI key)') });
  });

  it('a part of a key with a whole key after it: two prefixes, refused', () => {
    expect(analysePaste(`sk-proj-${key.slice(8, 30)}${key}`, openai, env)).toEqual({
      verdict: 'refused',
      notes: [],
      line: "The paste holds two keys, or parts of keys, joined together (a key prefix appears inside it); nothing was sent. Paste OpenAI's key alone.",
    });
  });

  it('quotes, an assignment and "Bearer " around the key are removed and named', () => {
    expect(analysePaste(`"${key}"`, openai, env)).toEqual({ verdict: 'key', value: key, kind: 'project', notes: ['Removed the quotes around the key.'], line: received });
    expect(analysePaste(`'${key}'`, openai, env)).toEqual({ verdict: 'key', value: key, kind: 'project', notes: ['Removed the quotes around the key.'], line: received });
    expect(analysePaste(`OPENAI_API_KEY="${key}"`, openai, env)).toEqual({
      verdict: 'key', value: key, kind: 'project', notes: ['Removed "OPENAI_API_KEY=" before the key.', 'Removed the quotes around the key.'], line: received,
    });
    expect(analysePaste(`Bearer ${key}`, openai, env)).toEqual({ verdict: 'key', value: key, kind: 'project', notes: ['Removed "Bearer " before the key.'], line: received });
  });

  it('spaces and line breaks around the key are removed; inside one key, only when the rest is one key', () => {
    expect(analysePaste(`  ${key}\n`, openai, env)).toEqual({ verdict: 'key', value: key, kind: 'project', notes: ['Removed the spaces and line breaks around the key.'], line: received });
    expect(analysePaste(`${key} `, openai, env)).toEqual({ verdict: 'key', value: key, kind: 'project', notes: ['Removed the space around the key.'], line: received });
    expect(analysePaste(`${key.slice(0, 80)}\n${key.slice(80)}`, openai, env)).toEqual({ verdict: 'key', value: key, kind: 'project', notes: ['Removed the line break inside the key.'], line: received });
    expect(analysePaste(`${key.slice(0, 80)} hello`, openai, env)).toEqual({
      verdict: 'refused',
      notes: [],
      line: 'The paste has a space inside, and a key has none; nothing was sent. Copy the key again from https://platform.openai.com/api-keys.',
    });
  });

  it("another provider's key: refused with its provider and redacted form, and named as that provider's for a switch", () => {
    const anthropic = fakeKey('anthropic', 'paste');
    const said = `That is an Anthropic key, not an OpenAI key (sk-ant-api03-…${anthropic.slice(-4)}, 108 characters); nothing was sent.`;
    expect(analysePaste(anthropic, openai, env)).toEqual({
      verdict: 'refused',
      notes: [],
      line: `${said} Paste OpenAI's key.`,
      other: { provider: findProvider('anthropic'), value: anthropic, line: said },
    });
  });

  it('nothing, a placeholder, a masked copy', () => {
    const nothing = { verdict: 'refused', notes: [], line: 'Nothing arrived: paste the key (the prompt shows nothing while you paste).' };
    expect(analysePaste('', openai, env)).toEqual(nothing);
    expect(analysePaste(' \n', openai, env)).toEqual(nothing);
    expect(analysePaste('sk-proj-your-key-here', openai, env)).toEqual({ verdict: 'refused', notes: [], line: 'That is a placeholder, not a key; nothing was sent. Copy the key from https://platform.openai.com/api-keys.' });
    expect(analysePaste(`sk-proj-${'•'.repeat(40)}`, openai, env)).toMatchObject({ verdict: 'refused', line: expect.stringMatching(/^That is a masked copy of a key/) });
  });

  it('a shape keyward does not know needs a yes', () => {
    const odd = fakeKey('mistral', 'odd') + fakeKey('mistral', 'odd2');
    expect(analysePaste(odd, openai, env)).toEqual({
      verdict: 'unsure',
      value: odd,
      notes: [],
      line: `That does not look like an OpenAI key (…${odd.slice(-4)}, 64 characters); OpenAI keys are created at https://platform.openai.com/api-keys.`,
    });
  });
});

describe('askForKey: refused answers are said and asked again from an empty prompt', () => {
  it('tells each line and returns the first usable key', async () => {
    const answers = [fakeKey('groq', 'p'), `"${key}"`];
    const lines: string[] = [];
    const got = await askForKey(openai, env, { ask: async () => answers.shift()!, tell: (level, line) => lines.push(`${level}: ${line}`), confirm: async () => false });
    expect(got).toEqual({ value: key, kind: 'project' });
    expect(lines).toEqual([
      expect.stringMatching(/^error: That is a Groq key, not an OpenAI key \(gsk_…/),
      'info: Removed the quotes around the key.',
      `ok: ${received}`,
    ]);
    expect(lines.join('\n')).not.toContain(key.slice(8, 20));
  });
});

describe("askForKey with a switch: another provider's key, taken as that provider's", () => {
  it('asks before anything else, and returns the key with its provider', async () => {
    const anthropic = fakeKey('anthropic', 'switch');
    const lines: string[] = [];
    const offered: string[] = [];
    const io = { ask: async () => anthropic, tell: (level: string, line: string) => lines.push(`${level}: ${line}`), confirm: async () => false };
    const got = await askForKey(openai, env, { ...io, switchTo: async (other) => (offered.push(other.id), true) });
    expect(got).toEqual({ value: anthropic, kind: 'api', provider: findProvider('anthropic') });
    expect(offered).toEqual(['anthropic']);
    const shown = `sk-ant-api03-…${anthropic.slice(-4)}, 108 characters`;
    expect(lines).toEqual([`warn: That is an Anthropic key, not an OpenAI key (${shown}); nothing was sent.`, `ok: Received an Anthropic API key: ${shown}.`]);
  });
});

describe('pipedKey', () => {
  it('takes the final line break of a pipe silently, and refuses with exit 2 what it cannot use', () => {
    const lines: string[] = [];
    expect(pipedKey(`${key}\n`, openai, env, (_l, line) => lines.push(line), false)).toEqual({ value: key, kind: 'project' });
    expect(lines).toEqual([received]);
    expect(() => pipedKey(fakeKey('anthropic'), openai, env, () => undefined, false)).toThrow(/^the key on standard input is not usable: That is an Anthropic key, not an OpenAI key/);
    expect(() => pipedKey('', openai, env, () => undefined, false)).toThrow('standard input held no key');
  });
});
