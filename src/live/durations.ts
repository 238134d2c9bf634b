/**
 * Milliseconds in a rate-limit reset as OpenAI writes it (`2ms`, `8.64s`, `6m0s`, `1h2m3s`) or
 * as a bare number of seconds; undefined for anything else.
 */
export function parseResetDuration(text: string): number | undefined {
  const t = text.trim();
  if (/^\d+(\.\d+)?$/.test(t)) return Math.round(Number(t) * 1000);
  const re = /(\d+(?:\.\d+)?)(ms|h|m|s)/gy;
  let total = 0;
  let end = 0;
  for (let m = re.exec(t); m; m = re.exec(t)) {
    const n = Number(m[1]);
    total += m[2] === 'ms' ? n : m[2] === 's' ? n * 1000 : m[2] === 'm' ? n * 60_000 : n * 3_600_000;
    end = re.lastIndex;
  }
  return end > 0 && end === t.length ? Math.round(total) : undefined;
}

/** `Retry-After` in milliseconds: seconds or an HTTP date, measured from `now`. */
export function parseRetryAfter(value: string, now: Date): number | undefined {
  const seconds = parseResetDuration(value);
  if (seconds !== undefined) return seconds;
  const at = Date.parse(value);
  return Number.isNaN(at) ? undefined : Math.max(0, at - now.getTime());
}

/** A short human duration: `644ms`, `8.6s`, `6m 0s`, `2h 5m`, `3d 4h`. */
export function formatDuration(ms: number): string {
  if (ms < 1000) return `${Math.round(ms)}ms`;
  if (ms < 59_950) return `${Math.round(ms / 100) / 10}s`;
  // Whole seconds first, so 119.6 s is `2m 0s`, not `1m 60s`.
  const total = Math.round(ms / 1000);
  const m = Math.floor(total / 60);
  if (m < 60) return `${m}m ${total % 60}s`;
  const h = Math.floor(m / 60);
  return h < 48 ? `${h}h ${m % 60}m` : `${Math.floor(h / 24)}d ${h % 24}h`;
}
