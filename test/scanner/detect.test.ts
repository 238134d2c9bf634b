import { describe, expect, it } from 'vitest';
import { fingerprint } from '../../src/core/fingerprint.js';
import { ALNUM, HEX, pseudoRandom } from '../../src/providers/sample.js';
import { createDetector, detect, type KeyHit } from '../../src/scanner/detect.js';
import { fakeKey } from '../support/keys.js';

const detector = createDetector();
const keys = (text: string): KeyHit[] => detect(detector, text).filter((h): h is KeyHit => h.type === 'key');
const MARKER = ['T3Blbk', 'FJ'].join('');

// Every context a key is written in, from gitleaks' sample syntaxes: each must yield exactly the key.
const k = fakeKey('openai-project', 'ctx');
const contexts: Array<[string, string]> = [
  ['ts literal', `const c = new OpenAI({ apiKey: "${k}" });`],
  ['.env', `OPENAI_API_KEY=${k}`],
  ['.env quoted', `OPENAI_API_KEY='${k}'`],
  ['json', `{"openai": {"key": "${k}"}}`],
  ['yaml', `openai:\n  key: ${k}\n`],
  ['python', `client = OpenAI(api_key="${k}")`],
  ['shell export', `export OPENAI_API_KEY="${k}"`],
  ['Dockerfile ENV', `ENV OPENAI_API_KEY ${k}`],
  ['url query', `https://example.test/v1?key=${k}&x=1`],
  ['escaped newline after', `"${k}\\n"`],
  ['backticks', `\`${k}\``],
  ['xml', `<key>${k}</key>`],
];

describe('detect: one key in every syntax', () => {
  it.each(contexts)('%s', (_label, text) => {
    const hits = keys(text);
    expect(hits.map((h) => h.fingerprint)).toEqual([fingerprint(k)]);
    expect(hits[0]!.redacted).toBe(`sk-proj-…${k.slice(-4)}`);
  });
});

describe('detect: every provider with a prefix or marker', () => {
  const kinds = ['openai-project', 'openai-admin', 'openai-svcacct', 'openai-legacy', 'anthropic', 'anthropic-admin', 'gemini', 'groq', 'openrouter', 'xai'] as const;
  const expected: Record<(typeof kinds)[number], [string, string]> = {
    'openai-project': ['openai', 'project'],
    'openai-admin': ['openai', 'admin'],
    'openai-svcacct': ['openai', 'service-account'],
    'openai-legacy': ['openai', 'legacy'],
    anthropic: ['anthropic', 'api'],
    'anthropic-admin': ['anthropic', 'admin'],
    gemini: ['gemini', 'api'],
    groq: ['groq', 'api'],
    openrouter: ['openrouter', 'api'],
    xai: ['xai', 'api'],
  };
  it.each(kinds)('%s in a plain assignment, without a variable name to help', (kind) => {
    const key = fakeKey(kind, 'p');
    const hits = keys(`x = "${key}"`);
    expect(hits.map((h) => [h.provider, h.kind, h.fingerprint])).toEqual([[...expected[kind], fingerprint(key)]]);
  });
});

describe('detect: prefix-less keys only next to their names', () => {
  const mistral = fakeKey('mistral', 'm');
  const cohere = pseudoRandom(40, ALNUM, 'co');
  const azure = pseudoRandom(32, HEX, 'az');
  const deepseek = fakeKey('deepseek', 'd');
  const together = pseudoRandom(64, HEX, 'tg');
  it.each([
    ['MISTRAL_API_KEY=', mistral, 'mistral'],
    ['"mistralApiKey": "', mistral, 'mistral'],
    ['ENV MISTRAL_API_KEY ', mistral, 'mistral'],
    ['const m = new Mistral({ apiKey: "', mistral, 'mistral'],
    ['CO_API_KEY=', cohere, 'cohere'],
    ['AZURE_OPENAI_API_KEY: ', azure, 'azure-openai'],
    ['deepseek_api_key = "', deepseek, 'deepseek'],
    ['TOGETHER_API_KEY=', together, 'together'],
  ])('%s…', (before, key, provider) => {
    const hits = keys(`${before}${key}"`);
    expect(hits.map((h) => [h.provider, h.fingerprint])).toEqual([[provider, fingerprint(key)]]);
  });

  it('does not take a random 32-character string for a key without a name', () => {
    expect(keys(`const id = "${mistral}"; // mistral is a wind`)).toEqual([]);
    expect(keys(`checksum: ${azure}`)).toEqual([]);
  });
});

describe('detect: decoys', () => {
  it.each([
    ['placeholder', 'OPENAI_API_KEY=sk-proj-...'],
    ['template', 'OPENAI_API_KEY=<your OpenAI key>'],
    ['docs example', `sk-proj-${'x'.repeat(40)}${MARKER}${'x'.repeat(40)}`],
    ['repeated motif', `sk-proj-${'Ab3_'.repeat(12)}${MARKER}${'Ab3_'.repeat(12)}`],
    ['low entropy gemini', `AIza${'a'.repeat(35)}`],
    ['word that looks like a token', 'hf_requiredCharacteristicIdentifier'],
    ['too short groq', `gsk_${pseudoRandom(20, ALNUM, 's')}`],
    ['embedded in a longer token', `abc${fakeKey('groq', 'e')}`],
    ['mistral name, value one short', `MISTRAL_API_KEY=${pseudoRandom(31, ALNUM, 'm2')}`],
    ['marker in prose', `The marker ${MARKER} is base64 for OpenAI.`],
  ])('%s', (_label, text) => {
    expect(keys(text)).toEqual([]);
  });
});

describe('detect: positions, allow comments, browser clients', () => {
  it('reports line and column of each key, counting characters not bytes', () => {
    const key = fakeKey('anthropic', 'pos');
    const hits = keys(Buffer.from(`line one\n// ünïcode → "${key}"\n`, 'utf8').toString('latin1'));
    expect(hits.map((h) => [h.line, h.column])).toEqual([[2, 15]]);
  });

  it('finds a key in the middle of a megabyte-long minified line', () => {
    const key = fakeKey('groq', 'min');
    const pad = 'var a=1;'.repeat(65_536);
    const hits = keys(`${pad}var k="${key}";${pad}`);
    expect(hits.map((h) => [h.line, h.column, h.fingerprint])).toEqual([[1, pad.length + 8, fingerprint(key)]]);
  });

  it('marks lines carrying keyward:allow', () => {
    const key = fakeKey('xai', 'allow');
    expect(keys(`const k = "${key}"; // keyward:allow test fixture`).map((h) => h.allowed)).toEqual([true]);
    expect(keys(`const k = "${key}";`).map((h) => h.allowed)).toEqual([false]);
  });

  it('records the variable a key is assigned to', () => {
    const key = fakeKey('openai-project', 'var');
    expect(keys(`NEXT_PUBLIC_OPENAI_API_KEY=${key}`).map((h) => h.variable)).toEqual(['NEXT_PUBLIC_OPENAI_API_KEY']);
  });

  it('sees dangerouslyAllowBrowser: true, not false', () => {
    expect(detect(detector, 'new OpenAI({ dangerouslyAllowBrowser: true })').map((h) => [h.type, h.column])).toEqual([['browser-client', 14]]); // keyward:allow (fixture)
    expect(detect(detector, 'new OpenAI({ dangerouslyAllowBrowser: false })')).toEqual([]);
  });

  it('never holds the key in what it returns', () => {
    const key = fakeKey('openai-project', 'leak');
    const text = JSON.stringify(detect(detector, `k="${key}"`));
    expect(text).not.toContain(key.slice(8, -4));
  });
});
