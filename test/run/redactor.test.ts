import { describe, expect, it } from 'vitest';
import { redact } from '../../src/core/fingerprint.js';
import { StreamRedactor } from '../../src/run/redactor.js';
import { fakeKey } from '../support/keys.js';

const key = fakeKey('openai-project', 'redactor');
const other = fakeKey('anthropic', 'redactor');
const masked = [
  { value: key, redacted: redact(key, 'sk-proj-') },
  { value: other, redacted: redact(other, 'sk-ant-api03-') },
];

/** Feeds `text` cut at `cuts` and returns what the redactor wrote, as the terminal would show it. */
function through(text: string, cuts: number[], idleAfter: number[] = []): string {
  const r = new StreamRedactor(masked);
  const bytes = Buffer.from(text, 'utf8');
  const out: Buffer[] = [];
  let from = 0;
  for (const [i, cut] of [...cuts, bytes.length].entries()) {
    out.push(r.push(bytes.subarray(from, cut)));
    if (idleAfter.includes(i)) out.push(r.idle());
    from = cut;
  }
  out.push(r.end());
  return Buffer.concat(out).toString('utf8');
}

describe('StreamRedactor', () => {
  const line = `key=${key} and ${other}\n`;
  const expected = `key=${redact(key, 'sk-proj-')} and ${redact(other, 'sk-ant-api03-')}\n`;

  it.each([
    ['one chunk', []],
    ['cut inside the first key', [20]],
    ['cut one byte before a key ends', [4 + key.length - 1]],
    ['cut right after the prefix', [4 + 8]],
    ['every byte its own chunk', Array.from({ length: Buffer.byteLength(line) - 1 }, (_, i) => i + 1)],
  ])('replaces both keys: %s', (_label, cuts) => {
    expect(through(line, cuts)).toBe(expected);
  });

  it('passes other bytes through unchanged: colours, a UTF-8 character split across chunks, a partial key', () => {
    const text = `\x1b[31mrouge é ✓\x1b[0m ${key.slice(0, 30)}\n`;
    const cut = Buffer.from(text).indexOf(Buffer.from('é')) + 1;
    expect(through(text, [cut])).toBe(text);
  });

  it('releases a held prompt when the output goes quiet, and still masks a key that then completes', () => {
    // "sk-" could start a key; after a pause it is shown (it reveals nothing a redacted form does not).
    const r = new StreamRedactor(masked);
    expect(r.push(Buffer.from('Proceed? sk-')).toString()).toBe('Proceed? ');
    expect(r.idle().toString()).toBe('sk-');
    const rest = Buffer.concat([r.push(Buffer.from(`${key.slice(3)}!`)), r.end()]).toString();
    expect(`Proceed? sk-${rest}`).toBe(`Proceed? ${redact(key, 'sk-proj-')}!`);
  });

  it('keeps holding, even when quiet, a beginning longer than what the redacted form shows', () => {
    const r = new StreamRedactor(masked);
    expect(r.push(Buffer.from(key.slice(0, 30))).toString()).toBe('');
    expect(r.idle().toString()).toBe('');
    expect(Buffer.concat([r.push(Buffer.from(key.slice(30))), r.end()]).toString()).toBe(redact(key, 'sk-proj-'));
  });

  it('ignores values too short to mask safely', () => {
    const r = new StreamRedactor([{ value: 'abc', redacted: '…' }]);
    expect(r.push(Buffer.from('abcabc')).toString()).toBe('abcabc');
  });
});
