/** Printable ASCII in root collation's first-level order, each letter once for both its cases (checked against ICU by the tests). */
const ROOT_ORDER = ' _-,;:!?.\'"()[]{}@*/\\&#%`^+<=>|~$0123456789abcdefghijklmnopqrstuvwxyz';
const WEIGHTS = new Int8Array(128).fill(-1);
for (let i = 0; i < ROOT_ORDER.length; i += 1) {
  const c = ROOT_ORDER.charCodeAt(i);
  WEIGHTS[c] = i;
  if (c >= 0x61 && c <= 0x7a) WEIGHTS[c - 0x20] = i;
}

/** A printable ASCII character's first-level weight in root collation, or -1 for any other character. */
function primaryWeight(c: number): number {
  return c < 128 ? WEIGHTS[c]! : -1;
}

/**
 * The order `a.localeCompare(b, 'en')` gives (ICU's root collation), without starting ICU's
 * collator where the answer is plain: its first use costs 10-45 ms, and nearly every report's
 * paths differ first at a `/`, `-` or `.` somewhere. In root collation every printable ASCII
 * character has a weight of its own at the first level (spaces and punctuation, then symbols, then
 * digits, then letters, a letter's two cases alike), so two such strings that first differ at
 * characters of different weights are ordered by them, and a string that is a prefix of another
 * sorts first; anything else (a case difference, other scripts, control characters) is left to ICU itself.
 */
export function compareText(a: string, b: string): number {
  if (a === b) return 0;
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i += 1) {
    const x = a.charCodeAt(i);
    const y = b.charCodeAt(i);
    if (x === y) {
      if (x < 0x20 || x > 0x7e) return a.localeCompare(b, 'en');
      continue;
    }
    const px = primaryWeight(x);
    const py = primaryWeight(y);
    if (px < 0 || py < 0 || px === py) return a.localeCompare(b, 'en');
    return px - py;
  }
  const next = a.length > n ? a.charCodeAt(n) : b.charCodeAt(n);
  if (next < 0x20 || next > 0x7e) return a.localeCompare(b, 'en');
  return a.length - b.length;
}
