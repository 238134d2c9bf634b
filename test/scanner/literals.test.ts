import { describe, expect, it } from 'vitest';
import { createLiteralScanner } from '../../src/scanner/literals.js';

// The OpenAI marker is built at run time, as the other tests do, so no key-shaped text is committed.
const MARKER = ['T3Blbk', 'FJ'].join('');
const scanner = createLiteralScanner(['sk-ant-api', 'sk-ant-admin', 'hf_', 'mistral', 'co_api_key', 't3blbkfj']);
const found = (text: string): Array<[number, string]> => scanner.scan(Buffer.from(text, 'latin1')).map((h) => [h.index, h.literal]);

// The prefilter decides which rules run, so it must report every occurrence a case-insensitive search would.
describe('createLiteralScanner: every occurrence of every literal, ASCII case ignored', () => {
  it.each<[string, string, Array<[number, string]>]>([
    ['nothing', 'const x = 1; // no literal here', []],
    ['at the start', 'hf_abc', [[0, 'hf_']]],
    ['at the very end', 'x = hf_', [[4, 'hf_']]],
    ['any case', 'MISTRAL_API_KEY Mistral mIsTrAl', [[0, 'mistral'], [16, 'mistral'], [24, 'mistral']]],
    ['literals sharing a prefix', 'sk-ant-api03 sk-ant-admin01', [[0, 'sk-ant-api'], [13, 'sk-ant-admin']]],
    ['overlapping literals', 'co_api_key', [[0, 'co_api_key']]],
    ['next to each other', 'hf_hf_', [[0, 'hf_'], [3, 'hf_']]],
    ['a marker inside a token', `sk-proj-abc${MARKER}xyz`, [[11, 't3blbkfj']]],
    ['a partial literal is none', 'sk-ant-ap mistra hf', []],
    ['bytes above 127 around it', '\xe9\xff hf_ \x00\x80', [[3, 'hf_']]],
  ])('%s', (_label, text, want) => {
    expect(found(text)).toEqual(want);
  });

  it('finds literals that straddle its internal 1 MiB chunks, and positions stay absolute', () => {
    const size = 3 * (1 << 20) + 17;
    const bytes = Buffer.alloc(size, 0x20);
    const at = [0, (1 << 20) - 3, (1 << 20) + 6, 2 * (1 << 20) - 1, size - 7];
    for (const i of at) bytes.write('mistral', i, 'latin1');
    expect(scanner.scan(bytes).map((h) => h.index)).toEqual(at);
  });

  it.each([1, 2, 3, 4, 5, 6])('finds a literal whose anchor pair may span a chunk edge (starting %i bytes before it)', (k) => {
    const bytes = Buffer.alloc((1 << 20) + 16, 0x20);
    bytes.write('MiStRaL', (1 << 20) - k, 'latin1');
    expect(scanner.scan(bytes)).toEqual([{ index: (1 << 20) - k, literal: 'mistral' }]);
  });

  it('agrees with a case-insensitive regex on mixed text', () => {
    let text = '';
    const parts = ['hf_', 'HF_', 'Mistral', 'sk-ant-api', 'sk-ant-admin', MARKER, 'co_api_key', 'x', ' ', '\n', 'mistra', 'h', 'f_'];
    let seed = 7;
    for (let i = 0; i < 5000; i += 1) {
      seed = (Math.imul(seed, 1103515245) + 12345) >>> 0;
      text += parts[seed % parts.length];
    }
    const re = /sk-ant-admin|sk-ant-api|co_api_key|t3blbkfj|mistral|hf_/gi;
    const want: Array<[number, string]> = [];
    // Every start position, overlapping ones included.
    for (let i = 0; i < text.length; i += 1) {
      re.lastIndex = i;
      const m = re.exec(text);
      if (m?.index === i) for (const lit of ['sk-ant-admin', 'sk-ant-api', 'co_api_key', 't3blbkfj', 'mistral', 'hf_']) if (text.slice(i, i + lit.length).toLowerCase() === lit) want.push([i, lit]);
    }
    expect(found(text).sort((a, b) => a[0] - b[0] || a[1].localeCompare(b[1]))).toEqual(want.sort((a, b) => a[0] - b[0] || a[1].localeCompare(b[1])));
  });
});
