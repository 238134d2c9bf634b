import { describe, expect, it } from 'vitest';
import { Secret } from '../../src/core/secret.js';
import { scrubMessage } from '../../src/live/scrub.js';
import { cutKeyMaterial } from '../../src/providers/scrub.js';
import { fakeKey } from '../support/keys.js';

const key = fakeKey('openai-project', 'scrub');
const mistral = fakeKey('mistral', 'scrub');
const tail = key.slice(-4);
const percent = (s: string) => [...s].map((c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`).join('');
const unicode = (s: string) => [...s].map((c) => `\\u00${c.charCodeAt(0).toString(16)}`).join('');

/** No slice of six characters from between the prefix and the last four. */
function expectNoMiddle(out: string, k: string, prefix: string): void {
  const middle = k.slice(prefix.length, -4);
  for (let i = 0; i + 6 <= middle.length; i += 1) expect(out).not.toContain(middle.slice(i, i + 6));
}

describe('cutKeyMaterial: what a server echoes of a known key', () => {
  const rows: Array<{ name: string; text: string; want: string }> = [
    { name: 'the whole key', text: `Incorrect API key provided: ${key}.`, want: `Incorrect API key provided: sk-proj-…${tail}.` },
    { name: "OpenAI's head and tail (52 secret characters shown)", text: `Incorrect API key provided: ${key.slice(0, 16)}…${key.slice(-7)}. See docs.`, want: `Incorrect API key provided: sk-proj-…${tail}. See docs.` },
    { name: 'a middle slice', text: `Token segment ${key.slice(30, 70)} is not valid.`, want: 'Token segment … is not valid.' },
    { name: 'a short middle slice (5 characters)', text: `bad char near ${key.slice(40, 45)}`, want: 'bad char near …' },
    { name: 'the key URL-encoded', text: `GET /v1/models?key=${percent(key)} failed`, want: `GET /v1/models?key=sk-proj-…${tail} failed` },
    { name: 'the key JSON-escaped', text: `"key":"${unicode(key)}"`, want: `"key":"sk-proj-…${tail}"` },
    { name: 'the key split by a space', text: `key ${key.slice(0, 60)} ${key.slice(60)} rejected`, want: `key sk-proj-…${tail} rejected` },
    { name: 'a prefix-less key glued to other characters: the whole run goes', text: `user_${mistral}_x not found`, want: '… not found' },
    { name: 'the redacted form stays', text: `key sk-proj-…${tail} rejected`, want: `key sk-proj-…${tail} rejected` },
    { name: 'a mask with stars stays', text: `Incorrect API key provided: sk-proj-${'*'.repeat(40)}${tail}.`, want: `Incorrect API key provided: sk-proj-${'*'.repeat(40)}${tail}.` },
    { name: 'ordinary words stay', text: 'You can find your API key at https://platform.openai.com/account/api-keys.', want: 'You can find your API key at https://platform.openai.com/account/api-keys.' },
    { name: 'four characters of the middle are chance, not a leak', text: `code ${key.slice(40, 44)}`, want: `code ${key.slice(40, 44)}` },
  ];
  it.each(rows)('$name', ({ text, want }) => {
    const out = cutKeyMaterial(text, [key, mistral]);
    expect(out).toBe(want);
    expectNoMiddle(out, key, 'sk-proj-');
    expectNoMiddle(out, mistral, '');
  });

  it('knows no key: changes nothing', () => {
    expect(cutKeyMaterial(`Token ${key.slice(30, 70)}`, [])).toBe(`Token ${key.slice(30, 70)}`);
  });
});

describe('scrubMessage: server text about the key under test', () => {
  it('cuts every echoed form of the configured key', () => {
    const secret = new Secret(key, 'sk-proj-');
    const text = `a ${key.slice(0, 16)}…${key.slice(-7)} b ${key.slice(20, 50)} c ${percent(key)} d ${key.slice(0, 30)} ${key.slice(30)}`;
    const out = scrubMessage(text, secret);
    expect(out).toBe(`a sk-proj-…${tail} b … c sk-proj-…${tail} d sk-proj-…${tail}`);
  });
});
