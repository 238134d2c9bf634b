import { redact } from '../core/fingerprint.js';
import { matchesFormat, PROVIDERS, redactionPrefix } from './index.js';

let anyKey: RegExp | undefined;

/** One regex for every format that has its own prefix or marker (prefix-less keys cannot be told from text). */
function anyKeyRegex(): RegExp {
  anyKey ??= new RegExp(
    PROVIDERS.flatMap((p) => p.formats.filter((f) => f.literals.length > 0).map((f) => `(?:${f.body})`)).join('|'),
    'g',
  );
  return anyKey;
}

/**
 * Replaces anything shaped like a key in `text` with its redacted form: the last line of defence
 * for messages keyward did not write itself (a library's error, a stack trace).
 */
export function scrubKeys(text: string): string {
  return text.replace(anyKeyRegex(), (key) => redact(key, redactionPrefix(key)));
}

/** True when `word` is, whole, a key of some provider's format, prefix-less ones (Mistral's 32 characters) included. */
export function isKeyShaped(word: string): boolean {
  return PROVIDERS.some((p) => p.formats.some((f) => matchesFormat(word, f)));
}

/** A key character written as `%2D` or `\u002d`: servers and proxies echo keys URL- or JSON-encoded. */
const ENCODED = String.raw`%(?:2[Dd]|3\d|4[1-9A-Fa-f]|5[\dAaFf]|6[1-9A-Fa-f]|7[\dAa])|\\u00(?:2[Dd]|3\d|4[1-9A-Fa-f]|5[\dAaFf]|6[1-9A-Fa-f]|7[\dAa])`;
const RUN = new RegExp(String.raw`(?:[A-Za-z0-9_-]|${ENCODED})+`, 'g');

/**
 * Shorter shared slices are cut only at the key's ends (where the redacted form already shows
 * prefix and tail): four characters of a random key turn up in ordinary words by chance.
 */
const MIN_SLICE = 5;

function decodeRun(run: string): string {
  return run.replace(/%([0-9A-Fa-f]{2})|\\u00([0-9A-Fa-f]{2})/g, (_m, pct: string | undefined, uni: string | undefined) => String.fromCharCode(parseInt(pct ?? uni ?? '0', 16)));
}

/** True when `run` shares with `key` a slice of MIN_SLICE or more characters that reaches into `key[from, to)`. */
function sharesSecret(run: string, key: string, from: number, to: number): boolean {
  let prev = new Uint16Array(key.length + 1);
  let cur = new Uint16Array(key.length + 1);
  for (let i = 1; i <= run.length; i += 1) {
    for (let j = 1; j <= key.length; j += 1) {
      const shared = run[i - 1] === key[j - 1] ? prev[j - 1]! + 1 : 0;
      cur[j] = shared;
      if (shared >= MIN_SLICE && j - shared < to && j > from) return true;
    }
    [prev, cur] = [cur, prev];
  }
  return false;
}

/**
 * Cuts from `text` every run of key characters (plain, URL-encoded or `\u00XX`-escaped) that
 * shares more with one of `keys` than its redacted form shows: a whole key, its first sixteen
 * characters, a slice of its middle, the halves of a key split by a space. What the redacted form
 * shows (the prefix, the last four) is kept, so an echo still reads `sk-proj-…abcd`.
 */
export function cutKeyMaterial(text: string, keys: readonly string[]): string {
  const known = keys
    .filter((k) => k.length >= MIN_SLICE)
    .map((key) => {
      const prefix = redactionPrefix(key);
      const tail = key.length - prefix.length - 4 >= 4 ? 4 : 0;
      return { key, prefix, from: prefix.length, to: key.length - tail, tail: tail ? key.slice(-tail) : '' };
    });
  if (known.length === 0) return text;
  const out = text.replace(RUN, (run) => {
    if (run.length < MIN_SLICE) return run;
    const plain = decodeRun(run);
    const hit = known.find((k) => sharesSecret(plain, k.key, k.from, k.to));
    if (!hit) return run;
    const head = hit.prefix && plain.startsWith(hit.prefix) ? hit.prefix : '';
    const tail = hit.tail && plain.endsWith(hit.tail) ? hit.tail : '';
    return `${head}…${tail}`;
  });
  // `sk-proj-…` `…abcd`, or the halves of a split key, read as one redacted key.
  return out.replace(/…(?:[\s*]*…)+/g, '…');
}
