/** Shannon entropy in bits per character. */
export function entropy(s: string): number {
  if (s.length === 0) return 0;
  // Keys are ASCII: counting into an array keeps the scanner's and the recall test's hot loop cheap.
  const ascii = new Uint32Array(128);
  const other = new Map<string, number>();
  for (let i = 0; i < s.length; i += 1) {
    const c = s.charCodeAt(i);
    if (c < 128) ascii[c]! += 1;
    else other.set(s[i]!, (other.get(s[i]!) ?? 0) + 1);
  }
  let bits = 0;
  const add = (n: number) => {
    const p = n / s.length;
    if (n > 0) bits -= p * Math.log2(p);
  };
  ascii.forEach(add);
  other.forEach(add);
  return bits;
}

/** Characters no key charset holds: a value with them is a mask, a template or prose. */
const MASK = /\.\.\.|…|\*{3}|•|<|>|\{\{|\$\{|x{6}|X{6}/;

/** Words that make a value a stand-in, and the words placeholders are built of around them. */
const STAND_IN = 'your|here|example|placeholder|changeme|dummy|fake|redacted|insert|replace|todo';
const FILLER = 'my|the|a|an|me|put|goes|to|this|actual|real|own|valid|new|api|key|keys|secret|token|value|openai|anthropic|claude|gemini|google|groq|mistral|cohere|xai|grok|deepseek|together|replicate|hf|huggingface|perplexity|azure|openrouter';
const HAS_STAND_IN = new RegExp(STAND_IN);
const STAND_IN_WORDS = new RegExp(`^(?:${STAND_IN}|${FILLER})*(?:${STAND_IN})(?:${STAND_IN}|${FILLER})*$`);

/**
 * A word as people type it: all lower case, all upper case, or camel/Pascal case. A random run
 * mixes cases anywhere, so it is never read as words.
 */
const WORDLIKE = /^(?:[a-z]+|[A-Z]+|[a-z]*(?:[A-Z][a-z]+)+)$/;

/**
 * True when a delimited part of `value` (`your-key-here`, `<your_api_key>`, `sk-YourKeyHere`)
 * is made of placeholder words. Only whole parts count: `here` inside a random run is chance.
 */
function hasStandInWord(value: string): boolean {
  return value.split(/[^A-Za-z0-9]+/).some((part) => {
    const lower = part.toLowerCase();
    // The literal test first: the word-by-word parse backtracks, and most parts hold no stand-in word.
    return HAS_STAND_IN.test(lower) && WORDLIKE.test(part) && STAND_IN_WORDS.test(lower);
  });
}

/** The longest run of characters each one above the one before (`abcdef`, `0123`, `KLMN`). */
function longestAscendingRun(s: string): number {
  let best = s.length > 0 ? 1 : 0;
  let run = 1;
  for (let i = 1; i < s.length; i += 1) {
    run = s.charCodeAt(i) === s.charCodeAt(i - 1) + 1 ? run + 1 : 1;
    if (run > best) best = run;
  }
  return best;
}

/**
 * True for text that has a key's shape but is a stand-in: `sk-...`, `<your key>`, `xxxx`,
 * placeholder words as whole parts, documentation examples built of sequential runs
 * (`abcdefgh…`, `01234567…`), a run of one character, a repeated motif, or too little entropy.
 * Each rule is one a random key meets less than once in millions (test/unit/recall.test.ts).
 */
export function isPlaceholder(value: string, prefix = ''): boolean {
  if (MASK.test(value) || hasStandInWord(value)) return true;
  const body = value.startsWith(prefix) ? value.slice(prefix.length) : value;
  if (/(.)\1{7,}/.test(body)) return true;
  if (longestAscendingRun(body) >= 8) return true;
  // A short repeated motif ("Ab3_Ab3_…") has a key's charset but not its randomness.
  if (body.length >= 16 && /^(.{2,8})\1{3,}/.test(body)) return true;
  return body.length >= 16 && entropy(body) < 2.5;
}
