import type { Env } from '../core/io.js';
import { Secret } from '../core/secret.js';
import { PROVIDER_IDS, findProvider, providerForVariable, redactionPrefix, type Provider } from '../providers/index.js';
import type { DotenvFileRef, ProjectInfo } from '../project/detect.js';
import { readDotenvFile, type DotenvRead } from './dotenv-file.js';
import { explainKeychainError, type KeychainOpener, type KeychainProblem } from './keychain-backend.js';
import { keychainProject, readProjectKeychain } from './keychain.js';
import type { KeyEntry } from './types.js';

export type KeychainStatus = { usable: true } | { usable: false; problem: KeychainProblem };

export interface CollectedKeys {
  /** Every value found, env first, then keychain, then .env files in load order. */
  entries: KeyEntry[];
  /** Each .env file as read (also those the current mode does not load: they can still leak). */
  files: Array<{ ref: DotenvFileRef; read: DotenvRead }>;
  keychain: KeychainStatus;
  /** Providers used by the project, plus any that only the keychain holds a key for. */
  providers: Provider[];
}

/** Makes the in-memory form of a value, with the prefix its provider's format shows. */
export function secretFor(value: string, provider: Provider): Secret {
  return new Secret(value, redactionPrefix(value, provider));
}

/** What the project's own sources say before the keychain answers: the environment (for the providers the project uses) and the `.env*` files. */
export interface LocalKeys {
  entries: KeyEntry[];
  files: CollectedKeys['files'];
}

type CollectInput = { project: ProjectInfo; env: Env; keychain: KeychainOpener; platform: NodeJS.Platform };

/** Reads every source of keys for the project: the environment, the OS keychain and `.env*` files. */
export async function collectKeys(input: CollectInput): Promise<CollectedKeys> {
  return collectKeysInStages(input).all();
}

/**
 * collectKeys in two stages: `local` without the keychain (its helper is a process of its own,
 * slow to start), `all` with it; the keychain is opened when `all` is first called, so the wizard
 * can ask its first question before the helper takes any CPU.
 */
export function collectKeysInStages(input: CollectInput): { local: Promise<LocalKeys>; all: () => Promise<CollectedKeys> } {
  const { project, env } = input;
  // The names this project reads come first (its code may read GOOGLE_GEMINI_API_KEY, which no SDK does).
  const projectVariables = new Map(project.used.map((u) => [u.provider.id, u.variables]));
  const variablesOf = (p: Provider) => [...new Set([...(projectVariables.get(p.id) ?? []), ...p.envVars])];
  const ownNames = new Map(project.used.flatMap((u) => u.variables.map((v) => [v, u.provider] as const)));
  const envEntries = (providers: Iterable<Provider>): KeyEntry[] => {
    const entries: KeyEntry[] = [];
    for (const provider of providers) {
      for (const variable of variablesOf(provider)) {
        const value = env[variable];
        if (value === undefined) continue;
        entries.push({ provider, variable, source: 'env', file: null, line: null, account: null, secret: secretFor(value, provider) });
      }
    }
    return entries;
  };

  const dotenv = (async () => {
    const files: CollectedKeys['files'] = [];
    const entries: KeyEntry[] = [];
    for (const ref of project.dotenvFiles) {
      const read = await readDotenvFile(project.root, ref.file);
      files.push({ ref, read });
      if (!read.ok || ref.order === null) continue;
      for (const [variable, { value, line }] of read.values) {
        const provider = ownNames.get(variable) ?? providerForVariable(variable);
        if (!provider) continue;
        entries.push({ provider, variable, source: 'dotenv', file: ref.file, line, account: null, secret: secretFor(value, provider) });
      }
    }
    return { files, entries };
  })();
  const local = dotenv.then(({ files, entries }) => ({ entries: [...envEntries(project.used.map((u) => u.provider)), ...entries], files }));

  let all: Promise<CollectedKeys> | undefined;
  const withKeychain = async (): Promise<CollectedKeys> => {
    // The keychain helper starts while the .env files are read.
    const probing = input.keychain();
    const { files, entries: dotenvEntries } = await dotenv;
    const providers = new Map(project.used.map((u) => [u.provider.id, u.provider]));
    const keychainEntries: KeyEntry[] = [];
    let keychain: KeychainStatus = { usable: true };
    const probe = await probing;
    if (probe.ok) {
      try {
        for (const [id, { account, value }] of await readProjectKeychain(probe.backend, await keychainProject(project.name, project.root), PROVIDER_IDS)) {
          const provider = findProvider(id);
          if (!provider) continue;
          providers.set(provider.id, provider);
          keychainEntries.push({ provider, variable: variablesOf(provider)[0]!, source: 'keychain', file: null, line: null, account, secret: secretFor(value, provider) });
        }
      } catch (error) {
        keychain = { usable: false, problem: explainKeychainError(error, input.platform) };
      }
    } else {
      keychain = { usable: false, problem: probe.problem };
    }
    return { entries: [...envEntries(providers.values()), ...keychainEntries, ...dotenvEntries], files, keychain, providers: [...providers.values()] };
  };
  return { local, all: () => (all ??= withKeychain()) };
}
