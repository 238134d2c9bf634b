import type { Skipped } from './batch.js';
import type { SkipReason } from './read.js';

const LABEL: Record<SkipReason, (n: number) => string> = {
  'too-large': (n) => `${n} over the size limit`,
  lockfile: (n) => `${n} lockfile${n === 1 ? '' : 's'}`,
  unreadable: (n) => `${n} unreadable`,
  'symlink-loop': (n) => `${n} symlink loop${n === 1 ? '' : 's'}`,
  submodule: (n) => `${n} submodule${n === 1 ? '' : 's'} or nested repositor${n === 1 ? 'y' : 'ies'} (scan ${n === 1 ? 'it' : 'them'} in ${n === 1 ? 'its' : 'their'} own folder)`,
  'ignored-by-keywardignore': (n) => `${n} matched by .keywardignore`,
};

/** Reasons a user should see by path, because they mean "keyward could not look here". */
const NAMED: ReadonlySet<SkipReason> = new Set(['unreadable', 'symlink-loop', 'submodule']);
const MAX_NAMED = 5;

/** One sentence for the report's `checks` note: what was scanned, what was skipped and why, what was suppressed. */
export function describeScan(scanned: number, noun: string, skipped: readonly Skipped[], extra: readonly string[] = []): string {
  const counts = new Map<SkipReason, number>();
  for (const s of skipped) counts.set(s.reason, (counts.get(s.reason) ?? 0) + 1);
  const parts = [`Scanned ${scanned} ${noun}${scanned === 1 ? '' : 's'}.`];
  if (skipped.length > 0) parts.push(`Skipped ${skipped.length}: ${[...counts].map(([r, n]) => LABEL[r](n)).join(', ')}.`);
  const named = skipped.filter((s) => NAMED.has(s.reason));
  if (named.length > 0) {
    const shown = named.slice(0, MAX_NAMED).map((s) => `${JSON.stringify(s.path)} (${s.detail ?? s.reason})`);
    parts.push(`Could not read ${shown.join(', ')}${named.length > MAX_NAMED ? ` and ${named.length - MAX_NAMED} more` : ''}.`);
  }
  return [...parts, ...extra].join(' ');
}
