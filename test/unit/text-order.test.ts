import { afterEach, describe, expect, it, vi } from 'vitest';
import { compareText } from '../../src/core/text-order.js';

/** Every printable ASCII character: root collation orders its punctuation and symbols unlike their code points. */
const PRINTABLE = Array.from({ length: 0x7f - 0x20 }, (_, i) => String.fromCharCode(0x20 + i));
// Paths and rule ids as reports hold them, and the characters where root collation and code points part ways.
const PARTS = [...PRINTABLE, 'é', 'É', '\u0301', '\t', 'src', 'Src', 'app', 'ts', 'exposure', 'key'];

/** Deterministic strings built from PARTS (no randomness, so a failure names the same pair every run). */
function strings(count: number): string[] {
  const out: string[] = [];
  let seed = 7;
  for (let i = 0; i < count; i += 1) {
    let s = '';
    const len = 1 + (i % 6);
    for (let k = 0; k < len; k += 1) {
      seed = (seed * 1103515245 + 12345) % 2147483648;
      s += PARTS[seed % PARTS.length];
    }
    out.push(s);
  }
  return out;
}

describe('compareText', () => {
  it("orders every pair as localeCompare(b, 'en') does", () => {
    const all = [...strings(600), ...PRINTABLE, 'exposure.source-literal', 'exposure.bundle', 'exposure.env-file', 'src/app.ts', 'src/app-old.ts', 'src/App.ts', 'src/app.ts.bak', 'src/app', ''];
    const mismatches: string[] = [];
    for (const a of all) {
      for (const b of all) {
        if (Math.sign(compareText(a, b)) !== Math.sign(a.localeCompare(b, 'en'))) mismatches.push(`${JSON.stringify(a)} vs ${JSON.stringify(b)}`);
      }
    }
    expect(mismatches).toEqual([]);
  });

  afterEach(() => {
    vi.restoreAllMocks();
  });

  it("leaves to ICU only what differs first in case or outside printable ASCII: a report's paths do not start its collator", () => {
    const collate = vi.spyOn(String.prototype, 'localeCompare');
    const paths = ['src/app.ts', 'src/app-old.ts', 'src/app_old.ts', 'src/app.ts.bak', 'src/app', 'src/lib/a.ts', 'lib/z~1.js', 'docs/READ ME.md', 'a+b', 'a=b'];
    [...paths].sort(compareText);
    expect(collate).not.toHaveBeenCalled();
    expect(compareText('src/App.ts', 'src/app.ts')).toBe(Math.sign('src/App.ts'.localeCompare('src/app.ts', 'en')));
    expect(compareText('src/é.ts', 'src/e.ts')).toBe(Math.sign('src/é.ts'.localeCompare('src/e.ts', 'en')));
    expect(collate).toHaveBeenCalledTimes(4);
  });

  it('sorts paths and rule ids into the same list as localeCompare', () => {
    const paths = ['src/b.ts', 'src/a-b.ts', 'src/a_b.ts', 'src/A.ts', 'src/a.ts', 'lib/z.js', 'lib/Z9.js', 'lib/z10.js', 'exposure.history', 'exposure.bundle'];
    expect([...paths].sort(compareText)).toEqual([...paths].sort((a, b) => a.localeCompare(b, 'en')));
  });
});
