import { createHash } from 'node:crypto';
import { inspect } from 'node:util';
import { describe, expect, it } from 'vitest';
import { fingerprint, redact } from '../../src/core/fingerprint.js';
import { Secret } from '../../src/core/secret.js';
import { classifyDotenvNames } from '../../src/project/detect.js';
import { UNKNOWN_FRAMEWORK } from '../../src/project/framework.js';
import { findProvider } from '../../src/providers/index.js';
import { scrubKeys } from '../../src/providers/scrub.js';
import { resolveKeys } from '../../src/stores/resolve.js';
import type { KeyEntry } from '../../src/stores/types.js';
import { inspectValue } from '../../src/checks/key-value.js';
import { fakeKey } from '../support/keys.js';

const openai = findProvider('openai')!;

describe('fingerprint and redaction (design.md)', () => {
  it('fingerprints with the first 12 hex characters of SHA-256 of the exact key', () => {
    const key = fakeKey('openai-project', 'fp');
    expect(fingerprint(key)).toBe(`sha256:${createHash('sha256').update(key).digest('hex').slice(0, 12)}`);
    expect(fingerprint(`${key} `)).not.toBe(fingerprint(key));
  });

  it.each([
    ['sk-proj-abcdefghijklmnopWXYZ', 'sk-proj-', 'sk-proj-…WXYZ'],
    ['abcdefghijklmnop', '', '…mnop'],
    ['sk-proj-abcdef', 'sk-proj-', 'sk-proj-…'],
    ['gsk_x', 'sk-proj-', '…'],
  ])('redacts %s as %s', (key, prefix, expected) => {
    expect(redact(key, prefix)).toBe(expected);
  });

  it('never lets a Secret print, log or serialise the key', () => {
    const key = fakeKey('openai-project', 'secret');
    const s = new Secret(key, 'sk-proj-');
    expect(`${s}`).toBe(`sk-proj-…${key.slice(-4)}`);
    expect(JSON.stringify({ s })).not.toContain(key.slice(10, 30));
    expect(inspect({ s })).not.toContain(key.slice(10, 30));
    expect(s.reveal()).toBe(key);
  });

  it('scrubs every prefixed key out of free text', () => {
    const a = fakeKey('openai-project', 's1');
    const b = fakeKey('groq', 's2');
    expect(scrubKeys(`failed: ${a} and "${b}".`)).toBe(`failed: sk-proj-…${a.slice(-4)} and "gsk_…${b.slice(-4)}".`);
  });
});

describe('which .env files load, in which order', () => {
  it('puts .env.<mode>.local first and keeps other modes and examples apart', () => {
    const { dotenv, examples } = classifyDotenvNames(['.env', '.env.local', '.env.production', '.env.development', '.env.example', '.envrc', 'env', '.env.keys'], UNKNOWN_FRAMEWORK.loadOrder('development'));
    expect(dotenv).toEqual([
      { file: '.env.local', order: 1 },
      { file: '.env.development', order: 2 },
      { file: '.env', order: 3 },
      { file: '.env.production', order: null },
    ]);
    expect(examples).toEqual(['.env.example']);
  });
});

describe('resolution order: environment, keychain, .env files', () => {
  const entry = (source: KeyEntry['source'], value: string, file: string | null = null): KeyEntry => ({
    provider: openai, variable: 'OPENAI_API_KEY', source, file, line: null, account: source === 'keychain' ? 'openai/app' : null, secret: new Secret(value),
  });

  it('lets the environment win and lists the different keys it shadows once each', () => {
    const [a, b, c] = [fakeKey('openai-project', 'a'), fakeKey('openai-project', 'b'), fakeKey('openai-project', 'c')];
    const [r] = resolveKeys([entry('dotenv', b, '.env.local'), entry('dotenv', b, '.env'), entry('keychain', c), entry('env', a)]);
    expect(r!.winner.source).toBe('env');
    expect(r!.shadowed.map((s) => [s.source, s.file])).toEqual([['keychain', null], ['dotenv', '.env.local']]);
  });

  it('keeps an empty variable in the environment as the winner (dotenv will not override it)', () => {
    const [r] = resolveKeys([entry('dotenv', fakeKey('openai-project', 'x'), '.env'), entry('env', '')]);
    expect(r!.winner.source).toBe('env');
    expect(r!.shadowed).toHaveLength(1);
  });
});

describe('inspectValue', () => {
  const key = fakeKey('openai-project', 'iv');
  it.each([
    ['', 'empty'],
    ['   ', 'empty'],
    [`${key}\n`, 'malformed'],
    [`"${key}"`, 'malformed'],
    [`Bearer ${key}`, 'malformed'],
    ['sk-proj-...', 'malformed'],
    ['<your key>', 'malformed'],
    [`${key.slice(0, 12)}****${key.slice(-4)}`, 'malformed'],
    [`${key.slice(0, 12)}…${key.slice(-4)}`, 'malformed'],
    [`${key.slice(0, 12)}密${key.slice(13)}`, 'malformed'],
    [fakeKey('anthropic', 'iv'), 'wrong-provider'],
    [fakeKey('openrouter', 'iv'), 'wrong-provider'],
    [key, undefined],
  ])('%j -> %s', (value, kind) => {
    expect(inspectValue(value, openai, {})?.kind).toBe(kind);
  });

  it('accepts another provider\'s key when the base URL points at that provider (a gateway)', () => {
    expect(inspectValue(fakeKey('openrouter', 'gw'), openai, { OPENAI_BASE_URL: 'https://openrouter.ai/api/v1' })).toBeUndefined();
    expect(inspectValue('ollama', openai, { OPENAI_BASE_URL: 'http://localhost:11434/v1' })).toBeUndefined();
  });
});

describe('inspectValue behind a custom base URL', () => {
  it('still flags a known provider\'s key that the endpoint does not serve', () => {
    expect(inspectValue(fakeKey('anthropic', 'gw2'), openai, { OPENAI_BASE_URL: 'http://localhost:4000/v1' })?.kind).toBe('wrong-provider');
  });
});
