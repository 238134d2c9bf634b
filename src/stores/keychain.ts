import { createHash } from 'node:crypto';
import { realpath } from 'node:fs/promises';
import type { KeychainBackend } from './keychain-backend.js';

/** design.md: every keyward entry lives under this service. */
export const KEYCHAIN_SERVICE = 'keyward';

/**
 * A project as the keychain knows it: its name, for people, and an id that tells two projects of
 * the same name apart (a monorepo's `web`, every `app`): the first 12 hex digits of the sha256 of
 * the project folder's real path. The path exists for every project (no git needed, none of a
 * shallow clone's or a fresh `git init`'s missing root commit) and costs no process to read.
 */
export interface KeychainProject {
  name: string;
  id: string;
}

/** The keychain identity of the project whose folder is `root`. */
export async function keychainProject(name: string, root: string): Promise<KeychainProject> {
  const real = await realpath(root).catch(() => root);
  return { name, id: createHash('sha256').update(real).digest('hex').slice(0, 12) };
}

/** design.md: the account of a provider's key for a project, `<provider>/<project>@<id>`. */
export function keychainAccount(providerId: string, project: KeychainProject): string {
  return `${providerId}/${project.name}@${project.id}`;
}

/** The account before projects had an id, `<provider>/<project>`: read once, then moved. */
export function legacyKeychainAccount(providerId: string, project: KeychainProject): string {
  return `${providerId}/${project.name}`;
}

/**
 * The project's entries for `providerIds`: provider id -> { account, value }. Each is looked up
 * by its own account, so no other project's secret reaches keyward (a listing, where the keychain
 * has one, brings names only). An entry found only under the
 * legacy account is moved: written under the new one, and the old one deleted only once the new
 * one reads back equal; if the move fails, the entry is still read where it is.
 */
export async function readProjectKeychain(
  backend: KeychainBackend,
  project: KeychainProject,
  providerIds: readonly string[],
): Promise<Map<string, { account: string; value: string }>> {
  const found = new Map<string, { account: string; value: string }>();
  // Where the keychain lists its accounts, only those that exist are read.
  const listed = await backend.accounts?.(KEYCHAIN_SERVICE);
  const lookup = (account: string) => (listed && !listed.has(account) ? null : backend.getPassword(KEYCHAIN_SERVICE, account));
  // Every lookup sent at once: the helper answers them in order, with no round trip waited for between two
  // (the wizard's first question waits for them).
  const current = await Promise.all(providerIds.map((id) => lookup(keychainAccount(id, project))));
  const legacy = await Promise.all(providerIds.map((id, i) => (current[i] === null ? lookup(legacyKeychainAccount(id, project)) : null)));
  for (const [i, id] of providerIds.entries()) {
    const value = current[i] ?? null;
    if (value !== null) {
      found.set(id, { account: keychainAccount(id, project), value });
      continue;
    }
    const old = legacy[i] ?? null;
    if (old === null) continue;
    let moved = false;
    try {
      await storeProjectKey(backend, id, project, old);
      moved = true;
      await backend.deletePassword(KEYCHAIN_SERVICE, legacyKeychainAccount(id, project));
    } catch {
      // The key is still readable where the move left it; the next command tries again.
    }
    found.set(id, { account: moved ? keychainAccount(id, project) : legacyKeychainAccount(id, project), value: old });
  }
  return found;
}

/** Stores a key under keytar's entry for the project, then reads it back: a store that did not keep it is an error. */
export async function storeProjectKey(backend: KeychainBackend, providerId: string, project: KeychainProject, value: string): Promise<string> {
  const account = keychainAccount(providerId, project);
  await backend.setPassword(KEYCHAIN_SERVICE, account, value);
  if ((await backend.getPassword(KEYCHAIN_SERVICE, account)) !== value) {
    throw new Error(`the keychain did not keep the entry ${KEYCHAIN_SERVICE} ${account}`);
  }
  return account;
}
