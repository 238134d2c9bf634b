import type { Env } from '../core/io.js';
import type { Secret } from '../core/secret.js';
import { PROVIDERS, type Provider } from '../providers/index.js';
import { detectProject } from '../project/detect.js';
import { collectKeys, secretFor, type KeychainStatus } from '../stores/collect.js';
import type { KeychainOpener } from '../stores/keychain-backend.js';
import { keychainProject, type KeychainProject } from '../stores/keychain.js';
import { resolveKeys } from '../stores/resolve.js';

/** What `keyward run` and `keyward/config` read from the outside world. */
export interface KeyLoadIO {
  root: string;
  env: Env;
  keychain: KeychainOpener;
  platform: NodeJS.Platform;
}

/** The keys to hand to a program, and what could not be found. */
export interface LoadedKeys {
  /** Variables to add to the program's environment: none of them is set there yet. */
  inject: Record<string, Secret>;
  /** Every key found (the stores', shadowed ones, and any provider variable in the environment): what `--mask` hides. */
  known: Secret[];
  /** Providers asked for (`only`) with no key in any source. */
  missing: Provider[];
  keychain: KeychainStatus;
  /** The project as the keychain knows it, for the message that names the accounts looked in. */
  project: KeychainProject;
}

/**
 * The project's keys in keyward's order (design.md): a variable already set in the environment
 * (even to an empty string) is kept, else the keychain's key, else the `.env*` files'. With `only`,
 * just those providers' keys are handed over, so a command gets no more keys than it needs.
 */
export async function loadKeys(io: KeyLoadIO, only: readonly Provider[] = []): Promise<LoadedKeys> {
  const project = await detectProject(io.root, { mode: io.env.NODE_ENV || 'development', providerIds: only.map((p) => p.id) });
  const collected = await collectKeys({ project, env: io.env, keychain: io.keychain, platform: io.platform });
  const wanted = only.length ? new Set(only.map((p) => p.id)) : null;
  const inject: Record<string, Secret> = {};
  const found = new Set<string>();
  for (const r of resolveKeys(collected.entries)) {
    if (wanted && !wanted.has(r.provider.id)) continue;
    found.add(r.provider.id);
    if (r.winner.source !== 'env' && io.env[r.winner.variable] === undefined) inject[r.winner.variable] = r.winner.secret;
  }
  return {
    inject,
    // Also keys of providers the project does not seem to use: the shell may hold them, and the child may print them.
    known: [...collected.entries.map((e) => e.secret), ...PROVIDERS.flatMap((p) => p.envVars.flatMap((v) => (io.env[v] ? [secretFor(io.env[v], p)] : [])))],
    missing: only.filter((p) => !found.has(p.id)),
    keychain: collected.keychain,
    project: await keychainProject(project.name, project.root),
  };
}
