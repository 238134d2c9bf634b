import type { KeychainBackend } from './keychain-backend.js';

/** design.md: every keyward entry lives under this service. */
export const KEYCHAIN_SERVICE = 'keyward';

/** design.md: the account of a provider's key for a project, `<provider>/<project>`. */
export function keychainAccount(providerId: string, project: string): string {
  return `${providerId}/${project}`;
}

/** The project's entries: provider id -> { account, value }. */
export async function readProjectKeychain(
  backend: KeychainBackend,
  project: string,
): Promise<Map<string, { account: string; value: string }>> {
  const found = new Map<string, { account: string; value: string }>();
  for (const { account, password } of await backend.findCredentials(KEYCHAIN_SERVICE)) {
    const slash = account.indexOf('/');
    if (slash > 0 && account.slice(slash + 1) === project) found.set(account.slice(0, slash), { account, value: password });
  }
  return found;
}

/** Stores a key under keytar's entry for the project, then reads it back: a store that did not keep it is an error. */
export async function storeProjectKey(backend: KeychainBackend, providerId: string, project: string, value: string): Promise<string> {
  const account = keychainAccount(providerId, project);
  await backend.setPassword(KEYCHAIN_SERVICE, account, value);
  if ((await backend.getPassword(KEYCHAIN_SERVICE, account)) !== value) {
    throw new Error(`the keychain did not keep the entry ${KEYCHAIN_SERVICE} ${account}`);
  }
  return account;
}
