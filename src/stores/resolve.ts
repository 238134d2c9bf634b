import type { KeyEntry, ResolvedKey } from './types.js';

const SOURCE_ORDER = { env: 0, keychain: 1, dotenv: 2 } as const;

/**
 * keyward's order (design.md): the environment, then the keychain, then `.env*` files in their
 * load order (`entries` arrive in that order within a source). The first non-empty value wins,
 * as an app that never overrides a set variable sees it; different values after it are shadowed.
 */
export function resolveKeys(entries: readonly KeyEntry[]): ResolvedKey[] {
  const byProvider = new Map<string, KeyEntry[]>();
  const sorted = entries
    .map((e, i) => ({ e, i }))
    .sort((a, b) => SOURCE_ORDER[a.e.source] - SOURCE_ORDER[b.e.source] || a.i - b.i)
    .map(({ e }) => e);
  for (const e of sorted) byProvider.set(e.provider.id, [...(byProvider.get(e.provider.id) ?? []), e]);
  const resolved: ResolvedKey[] = [];
  for (const all of byProvider.values()) {
    // An empty variable in the environment still wins for an app (dotenv will not override it).
    const winner = all[0]!;
    const seen = new Set([winner.secret.fingerprint]);
    const shadowed: KeyEntry[] = [];
    for (const e of all.slice(1)) {
      if (e.secret.length === 0 || seen.has(e.secret.fingerprint)) continue;
      seen.add(e.secret.fingerprint);
      shadowed.push(e);
    }
    resolved.push({ provider: winner.provider, winner, shadowed, all });
  }
  return resolved;
}
