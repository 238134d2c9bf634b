import { describe, expect, it } from 'vitest';
import { compareText } from '../../src/core/text-order.js';

// Paths and rule ids as reports hold them, and the characters where root collation and code points part ways.
const PARTS = ['a', 'b', 'z', 'A', 'B', 'Z', '0', '9', '1', '-', '_', '.', '/', ' ', '@', '~', 'é', 'É', '\u0301', '\t', 'src', 'Src', 'app', 'ts', 'exposure', 'key'];

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
    const all = [...strings(400), 'exposure.source-literal', 'exposure.bundle', 'exposure.env-file', 'src/app.ts', 'src/app-old.ts', 'src/App.ts', 'src/app.ts.bak', 'src/app', ''];
    const mismatches: string[] = [];
    for (const a of all) {
      for (const b of all) {
        if (Math.sign(compareText(a, b)) !== Math.sign(a.localeCompare(b, 'en'))) mismatches.push(`${JSON.stringify(a)} vs ${JSON.stringify(b)}`);
      }
    }
    expect(mismatches).toEqual([]);
  });

  it('sorts paths and rule ids into the same list as localeCompare', () => {
    const paths = ['src/b.ts', 'src/a-b.ts', 'src/a_b.ts', 'src/A.ts', 'src/a.ts', 'lib/z.js', 'lib/Z9.js', 'lib/z10.js', 'exposure.history', 'exposure.bundle'];
    expect([...paths].sort(compareText)).toEqual([...paths].sort((a, b) => a.localeCompare(b, 'en')));
  });
});
