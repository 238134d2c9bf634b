import { describe, expect, it } from 'vitest';
import { markdownCode, markdownInline, markdownText, terminalSafe } from '../../src/report/escape.js';

describe('terminalSafe', () => {
  it.each([
    ['plain text, ünïcode and ✓ stay', 'plain text, ünïcode and ✓ stay'],
    ['\x1b]0;pwned\x07\x1b[2Ka.ts', '\\x1b]0;pwned\\x07\\x1b[2Ka.ts'],
    ['a\nb\rc\td', 'a\\nb\\rc\\td'],
    ['\x7f\x9b31m', '\\x7f\\x9b31m'],
    ['evil\u202egnp.ts', 'evil\\u{202e}gnp.ts'],
  ])('%j -> %j', (input, shown) => {
    expect(terminalSafe(input)).toBe(shown);
  });
});

describe('Markdown', () => {
  it.each([
    ['<img src=x onerror=alert(1)>', '&lt;img src=x onerror=alert\\(1\\)&gt;'],
    ['[click](https://evil.example)', '\\[click\\]\\(https://evil.example\\)'],
    ['a | b', 'a \\| b'],
    ['**bold** _it_ ~~s~~ `code`', '\\*\\*bold\\*\\* \\_it\\_ \\~\\~s\\~\\~ \\`code\\`'],
    ['line\nbreak', 'line\\\\nbreak'],
  ])('text %j -> %j', (input, shown) => {
    expect(markdownText(input)).toBe(shown);
  });

  it.each([
    ['src/app.ts', '`src/app.ts`'],
    ['a`b', '``a`b``'],
    ['`x`', '`` `x` ``'],
    ['a|b', '`a\\|b`'],
  ])('code %j -> %j', (input, shown) => {
    expect(markdownCode(input)).toBe(shown);
  });

  it('keeps the code spans of a fix and escapes everything around them', () => {
    expect(markdownInline('Run `chmod 600 <x>.env` in *here*.')).toBe('Run `chmod 600 <x>.env` in \\*here\\*.');
    expect(markdownInline('odd ` tick <b>')).toBe('odd \\` tick &lt;b&gt;');
  });
});
