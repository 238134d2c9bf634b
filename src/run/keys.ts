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
  /** Variables to set in the program's environment: unset there yet, or set from a `.env` file that keyward's order ranks lower. */
  inject: Record<string, Secret>;
  /** Variables a framework had already filled from a `.env` file, replaced by the keychain's key as keyward's order says. */
  overridden: Array<{ variable: string; file: string }>;
  /** Providers the project uses whose key no source holds, with the variable the app reads: the program starts without it. */
  undelivered: Array<{ provider: Provider; variable: string }>;
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
 *
 * `insideApp` is for `keyward/config`, which runs inside an app whose framework (Next.js, Vite)
 * may have loaded `.env*` files into the environment already: a variable whose value is exactly a
 * `.env` file's then counts as that file's, so the keychain's key wins there as it does for
 * `keyward run`, which fills the environment before the framework starts.
 */
export async function loadKeys(io: KeyLoadIO, only: readonly Provider[] = [], opts: { insideApp?: boolean } = {}): Promise<LoadedKeys> {
  const project = await detectProject(io.root, { mode: io.env.NODE_ENV || 'development', providerIds: only.map((p) => p.id) });
  const collected = await collectKeys({ project, env: io.env, keychain: io.keychain, platform: io.platform });
  const fromFile = new Map<string, string>();
  if (opts.insideApp) {
    for (const e of collected.entries) {
      if (e.source !== 'env') continue;
      const file = collected.entries.find((d) => d.source === 'dotenv' && d.variable === e.variable && d.secret.fingerprint === e.secret.fingerprint)?.file;
      if (file) fromFile.set(e.variable, file);
    }
  }
  const entries = collected.entries.filter((e) => !(e.source === 'env' && fromFile.has(e.variable)));
  const wanted = only.length ? new Set(only.map((p) => p.id)) : null;
  const inject: Record<string, Secret> = {};
  const overridden: LoadedKeys['overridden'] = [];
  const found = new Set<string>();
  for (const r of resolveKeys(entries)) {
    if (wanted && !wanted.has(r.provider.id)) continue;
    found.add(r.provider.id);
    const { variable, source, secret } = r.winner;
    const file = fromFile.get(variable);
    if (source === 'keychain' && file) overridden.push({ variable, file });
    if (source !== 'env' && (io.env[variable] === undefined || (source === 'keychain' && file))) inject[variable] = secret;
  }
  const used = wanted ? only.map((provider) => ({ provider, variable: provider.envVars[0]! })) : project.used.map((u) => ({ provider: u.provider, variable: u.variables[0] ?? u.provider.envVars[0]! }));
  return {
    inject,
    overridden,
    undelivered: used.filter((u) => !found.has(u.provider.id)),
    // Also keys of providers the project does not seem to use: the shell may hold them, and the child may print them.
    known: [...collected.entries.map((e) => e.secret), ...PROVIDERS.flatMap((p) => p.envVars.flatMap((v) => (io.env[v] ? [secretFor(io.env[v], p)] : [])))],
    missing: only.filter((p) => !found.has(p.id)),
    keychain: collected.keychain,
    project: await keychainProject(project.name, project.root),
  };
}
