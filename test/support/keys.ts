import { ALNUM, B64URL, HEX, pseudoRandom } from '../../src/providers/sample.js';

// Key-shaped strings are built at run time: a committed one is exactly what keyward flags.
const MARKER = ['T3Blbk', 'FJ'].join('');

/** A random-looking key of the provider's format; the same seed gives the same key. */
export function fakeKey(kind: FakeKind, seed = 'k'): string {
  switch (kind) {
    case 'openai-project':
      return `sk-proj-${pseudoRandom(74, B64URL, seed + 'a')}${MARKER}${pseudoRandom(74, B64URL, seed + 'b')}`;
    case 'openai-admin':
      return `sk-admin-${pseudoRandom(58, B64URL, seed + 'a')}${MARKER}${pseudoRandom(58, B64URL, seed + 'b')}`;
    case 'openai-svcacct':
      return `sk-svcacct-${pseudoRandom(50, B64URL, seed + 'a')}${MARKER}${pseudoRandom(50, B64URL, seed + 'b')}`;
    case 'openai-legacy':
      return `sk-${pseudoRandom(20, ALNUM, seed + 'a')}${MARKER}${pseudoRandom(20, ALNUM, seed + 'b')}`;
    case 'anthropic':
      return `sk-ant-api03-${pseudoRandom(93, B64URL, seed)}AA`;
    case 'anthropic-admin':
      return `sk-ant-admin01-${pseudoRandom(93, B64URL, seed)}AA`;
    case 'gemini':
      return `AIzaSy${pseudoRandom(33, B64URL, seed)}`;
    case 'groq':
      return `gsk_${pseudoRandom(52, ALNUM, seed)}`;
    case 'openrouter':
      return `sk-or-v1-${pseudoRandom(64, HEX, seed)}`;
    case 'mistral':
      return pseudoRandom(32, ALNUM, seed);
    case 'deepseek':
      return `sk-${pseudoRandom(32, HEX, seed)}`;
    case 'xai':
      return `xai-${pseudoRandom(80, ALNUM, seed)}`;
  }
}

export type FakeKind =
  | 'openai-project' | 'openai-admin' | 'openai-svcacct' | 'openai-legacy'
  | 'anthropic' | 'anthropic-admin' | 'gemini' | 'groq' | 'openrouter' | 'mistral' | 'deepseek' | 'xai';

/** The canary: a key that must never appear in any output. */
export function canaryKey(): string {
  return fakeKey('openai-project', 'canary');
}
