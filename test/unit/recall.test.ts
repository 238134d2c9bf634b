import { describe, expect, it } from 'vitest';
import { Secret } from '../../src/core/secret.js';
import { inspectValue } from '../../src/checks/key-value.js';
import { findProvider, identifyKey, matchesFormat, PROVIDERS, type KeyFormat } from '../../src/providers/index.js';
import { pseudoRandom } from '../../src/providers/sample.js';
import { createDetector, detect } from '../../src/scanner/detect.js';

const PER_FORMAT = 20_000;

/** The characters of a regex class body like `A-Za-z0-9_-`. */
function charsOf(cls: string): string {
  let out = '';
  for (let i = 0; i < cls.length; i += 1) {
    if (cls[i + 1] === '-' && i + 2 < cls.length) {
      for (let c = cls.charCodeAt(i); c <= cls.charCodeAt(i + 2); c += 1) out += String.fromCharCode(c);
      i += 2;
    } else out += cls[i];
  }
  return out;
}

/** splitmix32: a seeded generator whose every output is uniform, unlike a hash-seeded xorshift's first few. */
function rng(seed: number): (n: number) => number {
  let s = seed >>> 0;
  return (n) => {
    s = (s + 0x9e3779b9) >>> 0;
    let z = s;
    z = Math.imul(z ^ (z >>> 16), 0x85ebca6b) >>> 0;
    z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35) >>> 0;
    return ((z ^ (z >>> 16)) >>> 0) % n;
  };
}

/**
 * The `n`th random key of a registry format, built from its regex source (literals, `\d`,
 * `[class]{n}`, `{n,}`, `{n,m}`): open lengths vary over 0..40 characters above their minimum.
 */
function randomKey(format: KeyFormat, n: number, salt: number): string {
  const next = rng(Math.imul(n, 2654435761) ^ salt);
  const pick = (chars: string, len: number) => {
    let s = '';
    for (let i = 0; i < len; i += 1) s += chars[next(chars.length)];
    return s;
  };
  let out = '';
  for (const m of format.body.matchAll(/\\d|\[([^\]]+)\]\{(\d+)(,(\d*))?\}|(.)/g)) {
    if (m[0] === '\\d') out += pick('0123456789', 1);
    else if (m[1]) {
      const min = Number(m[2]);
      const max = m[3] ? (m[4] ? Number(m[4]) : min + 40) : min;
      out += pick(charsOf(m[1]), min + next(max - min + 1));
    } else out += m[5];
  }
  return out;
}

const FORMATS = PROVIDERS.flatMap((provider, p) => provider.formats.map((format, i) => ({ provider, format, salt: p * 97 + i, label: `${provider.id} ${format.kind} #${i} (${format.body.slice(0, 24)})` })));

// Issue 11: placeholder words inside a random run cost about one real OpenAI key in 2,800.
describe('no real key is taken for a placeholder', () => {
  it.each(FORMATS)('$label: 20,000 random keys, every one a key', ({ format, salt }) => {
    const rejected: string[] = [];
    for (let n = 0; n < PER_FORMAT; n += 1) {
      const key = randomKey(format, n, salt);
      if (!matchesFormat(key, format)) rejected.push(new Secret(key, format.prefix).redacted);
    }
    expect(rejected).toEqual([]);
  });

  it('the generator builds keys of the shape, and one random key fails none of the doctor’s value checks', () => {
    const openai = findProvider('openai')!;
    const key = randomKey(openai.formats[1]!, 7, 1);
    expect(key.startsWith('sk-proj-') && key.includes('T3BlbkFJ')).toBe(true);
    expect(inspectValue(key, openai, {})).toBeUndefined();
  });
});

describe('placeholders and documentation examples are not keys', () => {
  const MARKER = ['T3Blbk', 'FJ'].join('');
  const run = (n: number, seed: string) => pseudoRandom(n, 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789', seed);
  const alphabet = 'abcdefghijklmnopqrstuvwxyz';
  const rows: Array<[string, string]> = [
    ['a whole-value word', 'changeme'],
    ['delimited words', 'your-key-here'],
    ['angle brackets', '<your_api_key>'],
    ['words after a prefix', 'sk-your-key-here'],
    ['words after a project prefix', 'sk-proj-your-openai-api-key-here'],
    ['upper-case words', 'YOUR_OPENAI_API_KEY'],
    ['capitalised words', 'sk-Your-Key-Here'],
    ['run-together words', 'sk-proj-yourkeyhere'],
    ['ellipsis', 'sk-...'],
    ['masked', 'sk-proj-****abcd'],
    ['x run', 'xxxxxxx'],
    ['template', '${OPENAI_API_KEY}'],
    ['delimited fake inside a key shape', `sk-proj-${run(20, 'f1')}-fake-${run(20, 'f2')}${MARKER}${run(20, 'f3')}`],
    ['a key-shaped example word', `sk-proj-example_${run(30, 'e1')}${MARKER}${run(30, 'e2')}`],
    ['sequential letters in an OpenAI shape', `sk-proj-${alphabet}${MARKER}${alphabet.toUpperCase()}`],
    ['sequential digits in a DeepSeek shape', `sk-${'0123456789abcdef'.repeat(2)}`],
    ['sequential upper case in a Gemini shape', `AIzaSy${'ABCDEFGHIJKLMNOPQRSTUVWXYZ'}${run(7, 'g')}`],
    ['sequential hex in an OpenRouter shape', `sk-or-v1-${'0123456789abcdef'.repeat(4)}`],
    ['sequential letters in a Groq shape', `gsk_${alphabet}${alphabet}`],
    ['a letter run in an Anthropic shape', `sk-ant-api03-${run(40, 'a1')}abcdefghijklmnop${run(40, 'a2')}AA`],
  ];
  it.each(rows)('%s', (_label, value) => {
    expect(identifyKey(value)).toBeUndefined();
    expect(PROVIDERS.filter((p) => identifyKey(value, p)).map((p) => p.id)).toEqual([]);
  });

  it('the scanner reports a random key but not the sequential documentation example beside it', () => {
    const real = randomKey(findProvider('openai')!.formats[1]!, 3, 1);
    const doc = `sk-proj-${alphabet}${MARKER}${alphabet}`;
    const hits = detect(createDetector(), `const a = "${real}";\nconst b = "${doc}";\n`);
    expect(hits.map((h) => h.line)).toEqual([1]);
  });
});
