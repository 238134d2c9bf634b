import { usageError } from '../core/errors.js';
import type { Env } from '../core/io.js';
import { findProvider, PROVIDER_IDS, type Provider } from '../providers/index.js';
import { scrubKeys } from '../providers/scrub.js';
import type { KeychainProblem } from '../stores/keychain-backend.js';
import { keychainAccount, type KeychainProject } from '../stores/keychain.js';
import { CommandNotStarted, runChild, type ChildIO } from './child.js';
import { loadKeys, type KeyLoadIO } from './keys.js';

/** `keyward run`'s flags as commander parsed them. */
export interface RunFlags {
  provider?: string[];
  mask?: boolean;
}

/** What `keyward run` takes from the outside world. */
export interface RunIO extends KeyLoadIO, ChildIO {
  /** keyward's own stderr line for a command that cannot start (run prints nothing else). */
  warn: (line: string) => void;
  debug: boolean;
}

/** The providers `--provider` names; an unknown id is a usage error. */
function providersOf(ids: readonly string[]): Provider[] {
  return ids.map((id) => {
    const p = findProvider(id);
    if (!p) throw usageError('unknown provider given to --provider', `Use one of: ${PROVIDER_IDS.join(', ')}.`);
    return p;
  });
}

/**
 * The one-line explanation of a provider asked for with `--provider` that has no key. A keychain
 * that could not be read may hold it: then the fix is reaching the keychain, not storing another key.
 */
function missingKeyError(missing: readonly Provider[], project: KeychainProject, env: Env, keychainProblem: KeychainProblem | null) {
  const names = missing.map((p) => `${p.name} (${p.envVars[0]})`).join(', ');
  const accounts = missing.map((p) => keychainAccount(p.id, project)).join(', ');
  const first = missing[0]!;
  const empty = missing.filter((p) => p.envVars.some((v) => env[v] === ''));
  if (empty.length) {
    const variable = empty[0]!.envVars[0]!;
    return usageError(
      `no key for ${names}: ${empty.map((p) => p.envVars.find((v) => env[v] === '')).join(', ')} is set but empty in the environment, and a set variable is never overridden. Nothing was run.`,
      `Unset it (\`unset ${variable}\`) or export the key.`,
    );
  }
  if (keychainProblem) {
    return usageError(
      `no key for ${names} in the environment or the .env files, and the keychain could not be read (${keychainProblem.reason}), so a key stored there (account ${accounts}) cannot be seen. Nothing was run.`,
      keychainProblem.fix,
    );
  }
  return usageError(
    `no key for ${names}: no key in the environment, the keychain (account ${accounts}) or the .env files. Nothing was run.`,
    `Store one with \`keyward setup --provider ${first.id}\` (keychain or .env), or export ${first.envVars[0]}.`,
  );
}

/**
 * `keyward run -- CMD`: starts CMD with the project's keys added to its environment and returns its
 * exit code. Prints nothing of its own unless the command cannot start (127/126) or a key asked for
 * with `--provider` is missing (exit 2: the command line asked for something that is not there).
 */
export async function runWithKeys(argv: readonly string[], flags: RunFlags, io: RunIO): Promise<number> {
  const [command, ...args] = argv;
  if (!command) throw usageError('no command to run', 'Put it after `--`: `keyward run -- npm start`.');
  const only = providersOf(flags.provider ?? []);
  const keys = await loadKeys(io, only);
  const keychainProblem = keys.keychain.usable ? null : keys.keychain.problem;
  if (keys.missing.length) throw missingKeyError(keys.missing, keys.project, io.env, keychainProblem);
  if (keychainProblem && io.debug) io.warn(`keyward: the keychain was not read (${keychainProblem.reason}); keys come from the environment and .env files.`);

  const env: Record<string, string | undefined> = { ...io.env };
  for (const [variable, secret] of Object.entries(keys.inject)) env[variable] = secret.reveal();
  const mask = flags.mask ? keys.known.map((s) => ({ value: s.reveal(), redacted: s.redacted })) : null;
  return runChild({ command, args, env, mask }, io).catch((error: unknown) => {
    if (!(error instanceof CommandNotStarted)) throw error;
    // The command line is the user's text: a key pasted as the command must not come back out.
    const known = keys.known.filter((k) => k.length > 0);
    io.warn(`keyward: ${known.reduce((m, k) => m.split(k.reveal()).join(k.redacted), scrubKeys(error.message))}.`);
    return error.code;
  });
}
