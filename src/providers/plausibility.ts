/** Shannon entropy in bits per character. */
export function entropy(s: string): number {
  if (s.length === 0) return 0;
  const counts = new Map<string, number>();
  for (const ch of s) counts.set(ch, (counts.get(ch) ?? 0) + 1);
  let bits = 0;
  for (const n of counts.values()) {
    const p = n / s.length;
    bits -= p * Math.log2(p);
  }
  return bits;
}

const PLACEHOLDER = /\.\.\.|…|\*{3}|•|<|>|\{\{|\$\{|x{6}|X{6}|your|here|example|placeholder|changeme|dummy|fake|redacted|insert/i;

/**
 * True for text that has a key's shape but is a stand-in: `sk-...`, `<your key>`, `xxxx`,
 * documentation examples, a run of one character, or too little entropy to be random.
 */
export function isPlaceholder(value: string, prefix = ''): boolean {
  if (PLACEHOLDER.test(value)) return true;
  const body = value.startsWith(prefix) ? value.slice(prefix.length) : value;
  if (/(.)\1{7,}/.test(body)) return true;
  // A short repeated motif ("Ab3_Ab3_…") has a key's charset but not its randomness.
  if (body.length >= 16 && /^(.{1,8})\1{3,}/.test(body)) return true;
  return body.length >= 16 && entropy(body) < 3;
}
