import type { Env } from '../core/io.js';
import { identifyKey, isPlaceholder, type KeyMatch, type Provider } from '../providers/index.js';
import { aKeyOf } from './secret-ref.js';

/** What is wrong with a configured value, most telling first; empty when it looks like a real key. */
export type ValueProblem =
  | { kind: 'empty' }
  /** `placeholder`: a stand-in (`sk-...`, `xxxxxxx`, `<your key>`): no key is set, and none can leak from here. */
  | { kind: 'malformed'; what: string; fix: string; placeholder?: true }
  | { kind: 'wrong-provider'; other: Provider };

/** The host the provider's base URL variable points at, when it is not the provider's own. */
function customHost(provider: Provider, env: Env): string | null {
  const custom = provider.api.baseUrlEnv ? env[provider.api.baseUrlEnv] : undefined;
  if (!custom || !provider.api.baseURL) return null;
  try {
    const host = new URL(custom).host;
    return host === new URL(provider.api.baseURL).host ? null : host;
  } catch {
    return null;
  }
}

/** True when `other` serves the API at `host` (OpenRouter's key in OPENAI_API_KEY with OPENAI_BASE_URL at OpenRouter). */
function servedBy(other: Provider, host: string): boolean {
  try {
    return other.api.baseURL !== null && new URL(other.api.baseURL).host === host;
  } catch {
    return false;
  }
}

/** The key inside a value as people mangle it: around quotes, whitespace or a `Bearer ` prefix. */
function unwrapped(value: string): string {
  return value.trim().replace(/^bearer\s+/i, '').replace(/^['"`]+|['"`]+$/g, '').replace(/[^\x21-\x7e]/g, '');
}

/**
 * True when `value` is a key, usable or not (quoted, padded, of another provider, of an unknown
 * shape), and false for a stand-in: a placeholder, a masked copy, a short word. Only a value that
 * holds a key can leak one, so only such a value makes a file a key file (issue 11).
 */
export function holdsKey(value: string, provider: Provider): boolean {
  const key = unwrapped(value);
  if (identifyKey(key, provider) || identifyKey(key)) return true;
  // Every provider's keys are 32 characters or more; a shorter value is a name or a note.
  return key.length >= 32 && !isPlaceholder(key);
}

/** Diagnoses one value as an app would receive it (design.md `missing.*`). */
export function inspectValue(value: string, provider: Provider, env: Env): ValueProblem | undefined {
  if (value.length === 0) return { kind: 'empty' };
  const trimmed = value.trim();
  if (trimmed.length === 0) return { kind: 'empty' };
  if (/[•…●*]{3,}|…/.test(value)) {
    return { kind: 'malformed', what: 'the value is a masked copy of a key (• or … or ****)', fix: 'Copy the whole key from the dashboard when it is created; a masked copy cannot be used.' };
  }
  const host = customHost(provider, env);
  // Behind a custom base URL (a local server, a gateway) any value may be the key it takes.
  if (!host && !holdsKey(value, provider)) {
    return { kind: 'malformed', what: 'the value is a placeholder, not a key', fix: `Replace it with a real ${provider.name} key.`, placeholder: true };
  }
  if (trimmed !== value) {
    const what = /[\r\n]/.test(value) ? 'a line break' : 'spaces';
    return { kind: 'malformed', what: `the value has ${what} around the key`, fix: 'Remove the whitespace around the key.' };
  }
  if (/^['"`]|['"`]$/.test(value)) {
    return { kind: 'malformed', what: 'the value keeps quote characters around the key', fix: 'Remove the inner quotes: write KEY=value or KEY="value", not KEY="\'value\'".' };
  }
  if (/^bearer\s/i.test(value)) {
    return { kind: 'malformed', what: 'the value starts with "Bearer "', fix: 'Store the key alone; the SDK adds "Bearer " itself.' };
  }
  // A line break inside the value is what a multi-line quoted .env value or a pasted `\n` leaves: named, not called non-ASCII.
  if (/[\r\n]/.test(value)) {
    return { kind: 'malformed', what: 'the value has a line break inside the key', fix: 'Put the whole key on one line, with no line break or \\n in it.' };
  }
  // The SDK puts the key in an HTTP header, which takes Latin-1 only: anything else fails before the call.
  if (/[^\x20-\x7e]/.test(value)) {
    return { kind: 'malformed', what: 'the value holds non-ASCII characters', fix: 'Paste the key again from the dashboard; it picked up a character that is not part of a key.' };
  }
  const match: KeyMatch | undefined = identifyKey(value, provider);
  if (match && match.provider.id !== provider.id && !(host && servedBy(match.provider, host))) {
    return { kind: 'wrong-provider', other: match.provider };
  }
  if (host) return undefined;
  if (!match) {
    return { kind: 'malformed', what: `the value does not have the shape of ${aKeyOf(provider.name)}`, fix: `Check that the whole key was copied; ${provider.name} keys are created at ${provider.dashboard.keys}.` };
  }
  return undefined;
}
