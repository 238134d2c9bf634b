import { redact } from '../core/fingerprint.js';
import { PROVIDERS, redactionPrefix } from './index.js';

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
