import type { SecretRef } from '../core/finding.js';
import { redact } from '../core/fingerprint.js';
import type { Secret } from '../core/secret.js';
import { identifyKey, type Provider } from '../providers/index.js';
import type { KeyEntry, ResolvedKey } from '../stores/types.js';

/** The report's view of a key: fingerprint and redacted form, and whether it is the one in use. */
export function secretRef(entry: KeyEntry, resolved: readonly ResolvedKey[]): SecretRef {
  const winner = resolved.find((r) => r.provider.id === entry.provider.id)?.winner;
  const match = identifyKey(entry.secret.reveal(), entry.provider);
  return {
    provider: entry.provider.id,
    kind: match?.format.kind ?? 'unknown',
    fingerprint: entry.secret.fingerprint,
    redacted: entry.secret.redacted,
    active: winner?.secret.fingerprint === entry.secret.fingerprint,
  };
}

/** Where an entry lives, in words: "the environment", ".env line 3", "the keychain (openai/app)". */
export function describeSource(entry: KeyEntry): string {
  if (entry.source === 'env') return `the environment (${entry.variable})`;
  if (entry.source === 'keychain') return `the keychain (${entry.account})`;
  return `${entry.file}${entry.line ? ` line ${entry.line}` : ''}`;
}

/** The location of an entry for a finding, where it has one. */
export function entryLocation(entry: KeyEntry): { file: string; line?: number } | undefined {
  if (entry.source !== 'dotenv' || !entry.file) return undefined;
  return entry.line ? { file: entry.file, line: entry.line } : { file: entry.file };
}

/** "an OpenAI admin key", "a Groq key": the indefinite article before a phrase that starts with a provider's name. */
export function aKeyOf(name: string, kind = ''): string {
  return `${/^[AEIOU]/.test(name) ? 'an' : 'a'} ${name} ${kind ? `${kind} ` : ''}key`;
}

/** How the dashboard lists a key: OpenAI's shows `sk-…64Md` whatever the key's kind. */
export function dashboardForm(secret: Secret, provider: Provider): string {
  return provider.id === 'openai' ? redact(secret.reveal().trim(), 'sk-') : secret.redacted;
}
