/** Character sets of key bodies. */
export const ALNUM = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';
export const B64URL = `${ALNUM}_-`;
export const HEX = '0123456789abcdef';
export const LOWER_ALNUM = 'abcdefghijklmnopqrstuvwxyz0123456789';

/**
 * `n` characters from `charset`, the same for the same seed: key-shaped test strings are built at
 * run time from this so that no committed file holds one (a committed key-shaped string is what
 * this tool exists to flag), yet every run sees the same samples.
 */
export function pseudoRandom(n: number, charset: string, seed: string): string {
  let h = 2166136261;
  for (const ch of seed) h = Math.imul(h ^ ch.charCodeAt(0), 16777619) >>> 0;
  let out = '';
  for (let i = 0; i < n; i += 1) {
    h ^= h << 13;
    h >>>= 0;
    h ^= h >>> 17;
    h ^= h << 5;
    h >>>= 0;
    out += charset[h % charset.length];
  }
  return out;
}
