import type { Secret } from '../core/secret.js';
import { PROVIDERS } from '../providers/index.js';
import { cutKeyMaterial, scrubKeys } from '../providers/scrub.js';

const PREFIXES = [...new Set(PROVIDERS.flatMap((p) => p.formats.map((f) => f.prefix)).filter((p) => p !== ''))].sort(
  (a, b) => b.length - a.length,
);

/** The longest known key prefix `text` starts with (`sk-proj-`), else ''. */
export function knownPrefix(text: string): string {
  return PREFIXES.find((p) => text.startsWith(p)) ?? '';
}

/**
 * A key as a server echoes it: `sk-proj-****…abcd` (first 8, stars, last 4), `xa***ab`,
 * `****abcd`, `sk-proj-...sQoA`. Group 1 is what is shown of the head, group 2 of the tail.
 */
export const ECHO = /([A-Za-z0-9_:/.-]{0,16}?)(?:\*{2,}|(?<=-)\.{3})([A-Za-z0-9_-]{1,8})(?![A-Za-z0-9_*-])/g;

/** An echoed key in design.md's redacted form: a recognised prefix, `…`, at most the last 4. */
export function redactEcho(head: string, tail: string): string {
  return `${knownPrefix(head)}…${tail.slice(-4)}`;
}

/**
 * Makes text from a server or a library safe to show: the configured key becomes its redacted
 * form, any other part of it (a head, a middle slice, URL-encoded, split by a space) is cut,
 * echoed partial keys keep only prefix and last four, a `Bearer` token disappears, and anything
 * else shaped like a key is redacted.
 */
export function scrubMessage(text: string, key: Secret | null): string {
  let out = text;
  if (key) {
    const value = key.reveal();
    for (const v of new Set([value, value.trim()])) if (v.length >= 4) out = out.split(v).join(key.redacted);
    out = cutKeyMaterial(out, [value.trim()]);
  }
  out = out.replace(/(Bearer|api-key:|x-api-key:)\s+\S+/gi, '$1 …');
  out = out.replace(ECHO, (_m, head: string, tail: string) => redactEcho(head, tail));
  return scrubKeys(out);
}
