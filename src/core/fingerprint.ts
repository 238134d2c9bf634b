import { createHash } from 'node:crypto';

/** design.md: `sha256:` + the first 12 lowercase hex characters of SHA-256 of the exact key (UTF-8). */
export function fingerprint(key: string): string {
  return `sha256:${createHash('sha256').update(key, 'utf8').digest('hex').slice(0, 12)}`;
}

/**
 * design.md: the provider's recognised prefix, `…`, the last 4 characters; nothing from the middle.
 * A key too short to keep 4 hidden characters between prefix and tail shows no tail at all.
 */
export function redact(key: string, prefix = ''): string {
  const safePrefix = key.startsWith(prefix) ? prefix : '';
  const hidden = key.length - safePrefix.length - 4;
  if (hidden < 4) return `${safePrefix}…`;
  return `${safePrefix}…${key.slice(-4)}`;
}
